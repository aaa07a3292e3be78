// Issue 12's acceptance walk in a real Chromium, sending through the real Resend and Twilio SDKs to
// the local fakes: a new owner sets up the studio, loads the demo data, uploads the studio logo
// (Settings → Studio) and a class photo (/files), sees a forged "photo" (an HTML page named .png)
// refused with a clear message and nothing stored, then writes to one demo customer an e-mail from
// the designed "Announcement with a hero image" template, its picture slot replaced by the class
// photo through the Image button (with alt text), a PDF attached, and a separate short SMS;
// previews both as that customer; saves, reviews and sends. The fakes must receive exactly that
// e-mail (one single send, the logo and the photo at absolute /media addresses, the PDF's very
// bytes) and exactly that SMS, plain text, to the customer's number.
// Screenshots: /tmp/pigeon-content-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { and, eq, isNotNull } from "drizzle-orm";
import { runOneTimeMessages } from "../../src/automation/one-time.ts";
import { ensureBuiltinProfiles } from "../../src/db/builtin-profiles.ts";
import { customers, files, studioSettings } from "../../src/db/schema.ts";
import { startFakeResend } from "../fakes/fake-resend.ts";
import { startFakeTwilio } from "../fakes/fake-twilio.ts";
import { HTML_PAGE, PDF_HEAD, pngOf } from "../support/sample-files.ts";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

const resend = startFakeResend();
const twilio = startFakeTwilio();
let h: BrowserHarness;

const OWNER = { studio: "Brightside Photography", name: "Olivia Owner", email: "owner@brightside.test" };
const PASSWORD = "correct horse battery";
const ALT = "The Hillcrest class of 2027 on the school steps";

beforeAll(async () => {
  h = await startBrowserHarness({
    env: {
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      EMAIL_FROM: "Brightside Photography <hello@brightside.test>",
      // The harness's address is http on loopback: links are made with it for this walk only.
      ALLOW_HTTP_PUBLIC_URL: "true",
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: "+12175550100",
      TWILIO_BASE_URL: twilio.url!,
    },
  });
  // `pigeon serve` writes the built-in profiles and templates at start (src/cli.ts); the harness only migrates.
  await ensureBuiltinProfiles(h.db, new Date());
});

afterAll(async () => {
  await h?.stop();
  resend.stop();
  twilio.stop();
});

const shot = async (name: string, viewport = DESKTOP) => {
  await h.page.setViewportSize(viewport);
  // A preview frame repaints after the resize: wait until its body is there again.
  if (await h.page.locator("iframe.email-frame").count())
    await h.page.frameLocator("iframe.email-frame >> nth=1").locator(".pigeon-body").waitFor();
  await h.page.screenshot({ path: `/tmp/pigeon-content-${name}.png`, fullPage: true });
  await h.page.setViewportSize(DESKTOP);
};

/** The image was fetched and decoded: it has a natural size. */
async function loaded(img: ReturnType<typeof h.page.locator>) {
  await img.evaluate(
    (el) =>
      new Promise<void>((resolve, reject) => {
        const i = el as HTMLImageElement;
        i.loading = "eager";
        if (i.complete && i.naturalWidth > 0) return resolve();
        i.addEventListener("load", () => resolve(), { once: true });
        i.addEventListener("error", () => reject(new Error(`image did not load: ${i.src}`)), { once: true });
      }),
  );
  return img.evaluate((el) => (el as HTMLImageElement).naturalWidth);
}

/** Every <img> tag of an HTML text, its attributes by name. */
const imgTags = (html: string) =>
  [...html.matchAll(/<img\b[^>]*>/g)].map((m) =>
    Object.fromEntries([...m[0].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  );

test("logo and class photo uploaded, a forged upload refused; an e-mail from a designed template with the photo and a PDF plus a short SMS, previewed, sent: the providers get exactly those", async () => {
  const { page } = h;

  // 1. A new owner: first-run setup, then the demo studio.
  await page.goto("/setup");
  await page.getByLabel("Studio name").fill(OWNER.studio);
  await page.getByLabel("Your name").fill(OWNER.name);
  await page.getByLabel("E-mail").fill(OWNER.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await page.waitForURL((u) => u.pathname === "/");
  await page.getByRole("button", { name: "Load demo data" }).click();
  await page.waitForURL((u) => u.pathname === "/jobs");
  // Whatever the hour the suite runs at, the studio may send now.
  await h.db.update(studioSettings).set({ sendWindowStart: "00:00", sendWindowEnd: "24:00" });
  // A real demo customer who may get both e-mail and SMS.
  const [customer] = await h.db
    .select()
    .from(customers)
    .where(
      and(
        isNotNull(customers.email),
        isNotNull(customers.phone),
        eq(customers.consentEmail, true),
        eq(customers.consentSms, true),
      ),
    )
    .orderBy(customers.id)
    .limit(1);
  expect(customer).toBeDefined();
  const who = customer!;

  // 2. The studio logo on Settings → Studio.
  // White, so it shows on the e-mail header's brand-blue band.
  const logoPng = pngOf(300, 100, [255, 255, 255]);
  await page.goto("/settings");
  await page.locator(".logo-settings #f-file").setInputFiles({
    name: "brightside logo.png",
    mimeType: "image/png",
    buffer: Buffer.from(logoPng),
  });
  await page.locator(".logo-settings").getByRole("button", { name: "Upload", exact: true }).click();
  await page.locator(".flash.ok", { hasText: "Logo saved" }).waitFor();
  expect(await loaded(page.locator(`.logo-band img[alt="${OWNER.studio}"]`))).toBe(300);

  // 3. The class photo on /files.
  await page.goto("/files");
  await page.locator("#f-file").setInputFiles({
    name: "class of 2027.png",
    mimeType: "image/png",
    buffer: Buffer.from(pngOf(800, 500, [230, 150, 60])),
  });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await page.locator(".flash.ok", { hasText: "class of 2027.png uploaded." }).waitFor();
  expect(await page.locator(".file-row", { hasText: "class of 2027.png" }).innerText()).toContain("800 × 500 px");

  // 4. A forged upload: a web page named like a photo, declared a PNG. Refused, said so, nothing stored.
  const before = await h.db.select().from(files);
  await page.locator("#f-file").setInputFiles({
    name: "class photo.png",
    mimeType: "image/png",
    buffer: Buffer.from(HTML_PAGE),
  });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  const refusal = page.locator("#file-error");
  await refusal.waitFor();
  expect(await refusal.isVisible()).toBe(true);
  expect(await refusal.innerText()).toBe(
    "class photo.png holds a web page or SVG (HTML markup), which Pigeon never serves; upload MP3, WAV, PNG, JPEG, GIF, WebP or PDF only.",
  );
  expect(await page.locator(".file-row", { hasText: "class photo.png" }).count()).toBe(0);
  expect(await h.db.select().from(files)).toEqual(before);
  await shot("1-forged-refused");
  await shot("1-forged-refused-phone", PHONE);
  const [logoFile, photoFile] = before;
  expect(logoFile!.originalName).toBe("brightside logo.png");
  expect(photoFile!.originalName).toBe("class of 2027.png");

  // 5. From the customer's page, an e-mail; SMS ticked too.
  await page.goto(`/customers/${who.id}`);
  await page.getByRole("navigation", { name: "Send a message" }).getByRole("button", { name: "E-mail" }).click();
  await page.waitForURL((u) => u.pathname === "/messages/new");
  await page.getByLabel("Internal name").fill("Family portrait days");
  await page.locator('input[name="channels"][value="sms"]').check();

  // The designed template fills subject, preview line and body; its picture slot is a grey box.
  await page.locator("#f-template_id").selectOption({ label: "Announcement with a hero image" });
  await page.getByRole("button", { name: "Use template" }).click();
  const body = page.locator("#f-body");
  await page.waitForFunction(() =>
    (document.querySelector("#f-body") as HTMLTextAreaElement | null)?.value.includes("#image-slot"),
  );
  expect(await page.locator("#f-subject").inputValue()).toBe("Family portrait days at {{studio.name}}");
  expect(await page.locator("#f-preheader").inputValue()).toBe(
    "Book a relaxed family session this season: places are limited",
  );

  // The slot's line selected, Image replaces it with the class photo, alt text required.
  await body.evaluate((el) => {
    const t = el as HTMLTextAreaElement;
    const m = /!\[[^\]]*\]\(#image-slot\)/.exec(t.value)!;
    t.focus();
    t.setSelectionRange(m.index, m.index + m[0].length);
  });
  await page.getByRole("button", { name: "Image…" }).click();
  const dialog = page.locator("dialog.image-picker-dialog");
  await dialog.locator(".picker-item", { hasText: "class of 2027.png" }).click();
  const insert = dialog.getByRole("button", { name: "Insert the image" });
  expect(await insert.isDisabled()).toBe(true);
  await dialog.getByLabel("Alt text: what the picture shows").fill(ALT);
  await insert.click();
  const photoMd = `![${ALT}](/media/${photoFile!.storedName})`;
  expect(await body.inputValue()).toStartWith(`${photoMd}\n\n## Family portrait days are here`);
  expect(await body.inputValue()).not.toContain("#image-slot");

  // A PDF attached on the spot: it comes back ticked; what was typed stays.
  const pdf = new Uint8Array([...PDF_HEAD, ...Array.from({ length: 30_000 }, (_, i) => (i * 7) % 256)]);
  const attachments = page.locator("#attachment_ids-section");
  await attachments.locator('input[type="file"]').setInputFiles({
    name: "family-session-prices.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from(pdf),
  });
  await page.getByRole("button", { name: "Attach file" }).click();
  await attachments
    .locator("li", { hasText: "family-session-prices.pdf" })
    .locator('input[name="attachment_ids"]:checked')
    .waitFor();
  expect(await attachments.locator('input[name="attachment_ids"]:checked').count()).toBe(1);
  expect(await body.inputValue()).toStartWith(photoMd);
  expect(await page.getByLabel("Internal name").inputValue()).toBe("Family portrait days");

  // A separate short SMS, plain text.
  const smsText =
    "Hi {{customer.first_name}}, family portrait days are open at {{studio.name}}! Call 217 555 0142 to book.";
  await page.locator("#f-sms_body").fill(smsText);
  await page.locator("#f-sms_body").blur();

  // Previews as this customer: both e-mail frames show the logo and the photo; the SMS its plain text.
  await page.locator("#f-preview_customer_id").selectOption(String(who.id));
  const preview = page.locator("#message-preview");
  const expectedSms = `Hi ${who.firstName}, family portrait days are open at ${OWNER.studio}! Call 217 555 0142 to book. Reply STOP to opt out.`;
  await preview.locator(".sms-bubble", { hasText: `Hi ${who.firstName}, family portrait days` }).waitFor();
  expect(await preview.locator(".sms-bubble").innerText()).toBe(expectedSms);
  expect(await preview.locator(".preview-subject").innerText()).toBe(`Family portrait days at ${OWNER.studio}`);
  expect(await preview.locator(".email-preview").innerText()).toContain(who.email!);
  for (const title of ["E-mail preview, desktop width", "E-mail preview, phone width"]) {
    const frame = page.frameLocator(`iframe[title="${title}"]`);
    await frame
      .locator(".pigeon-body")
      .filter({ hasText: `Hi ${who.firstName},` })
      .waitFor();
    const photo = frame.locator(`img[alt="${ALT}"]`);
    expect(await photo.getAttribute("src")).toBe(`${h.baseUrl}/media/${photoFile!.storedName}`);
    expect(await loaded(photo)).toBe(800);
    const logo = frame.locator(`img[src="${h.baseUrl}/media/${logoFile!.storedName}"]`);
    expect(await loaded(logo)).toBe(300);
    // No grey slot box is left.
    expect(await frame.locator("body").innerText()).not.toContain("Replace with your picture");
    expect(await frame.locator(".pigeon-body").innerText()).toContain("call us at +1 217 555 0142");
  }
  const phoneWidth = await page
    .frameLocator('iframe[title="E-mail preview, phone width"]')
    .locator(`img[alt="${ALT}"]`)
    .evaluate((el) => el.getBoundingClientRect().width);
  expect(phoneWidth).toBeLessThan(375);
  await preview.scrollIntoViewIfNeeded();
  await shot("2-compose-preview");
  await shot("2-compose-preview-phone", PHONE);
  await page.setViewportSize(PHONE);
  await page.locator(".email-preview").scrollIntoViewIfNeeded();
  await page.frameLocator('iframe[title="E-mail preview, phone width"]').locator(".pigeon-body").waitFor();
  await page.locator(".email-preview").screenshot({ path: "/tmp/pigeon-content-3-email-preview-phone.png" });
  await page.locator(".sms-preview").screenshot({ path: "/tmp/pigeon-content-3-sms-preview-phone.png" });
  await page.setViewportSize(DESKTOP);
  await page.locator(".email-preview").screenshot({ path: "/tmp/pigeon-content-3-email-preview-desktop.png" });

  // 6. Save, review, send.
  await page.getByRole("button", { name: "Save and review sending…" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+\/send$/.test(u.pathname));
  expect(await page.locator(".question").innerText()).toBe("Send to 1 recipient by e-mail and 1 by SMS?");
  const review = await page.locator("article.confirm").innerText();
  expect(review).toContain("family-session-prices.pdf");
  expect(review).toContain("Each e-mail with attachments is sent on its own (not in a batch of 100)");
  await shot("4-review");
  await page.getByRole("button", { name: "Send 2 messages" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+/.test(u.pathname) && !u.pathname.endsWith("/send"));

  // The harness runs no scheduler: start the message and let the app's own dispatcher send.
  expect((await runOneTimeMessages(h.deps, h.deps.clock())).started).toBe(1);
  let sent = 0;
  for (let i = 0; i < 10 && sent < 2; i++) sent += (await h.deps.dispatcher.tick()).sent;
  expect(sent).toBe(2);

  // 7. Exactly that e-mail, once, as a single send (Resend's batch refuses attachments).
  expect(resend.sent).toHaveLength(1);
  const mail = resend.sent[0]!;
  expect(mail.to).toEqual([who.email!]);
  expect(mail.subject).toBe(`Family portrait days at ${OWNER.studio}`);
  expect(mail.batch).toBe(false);
  expect(resend.requests.filter((r) => r.path === "/emails/batch")).toHaveLength(0);
  const html = mail.html ?? "";
  expect(html).toContain("Book a relaxed family session this season: places are limited");
  expect(html).toContain(`Hi ${who.firstName},`);
  expect(html).not.toContain("image-slot");
  // {{studio.phone}} as the footer writes it, for a customer to read and dial, not the stored +12175550142.
  expect(html).toContain("call us at +1 217 555 0142");
  expect(mail.text).toContain("call us at +1 217 555 0142");
  const imgs = imgTags(html);
  expect(imgs.find((i) => i.src === `${h.baseUrl}/media/${logoFile!.storedName}`)).toBeDefined();
  expect(imgs.find((i) => i.src === `${h.baseUrl}/media/${photoFile!.storedName}`)?.alt).toBe(ALT);
  // Every picture the e-mail shows comes from the studio's public address.
  for (const i of imgs) expect(i.src).toStartWith(`${h.baseUrl}/media/`);
  expect(mail.text).toContain(ALT);
  expect(mail.attachments).toHaveLength(1);
  const [attached] = mail.attachments!;
  expect(attached!.filename).toBe("family-session-prices.pdf");
  expect(new Uint8Array(attached!.content)).toEqual(pdf);

  // 8. Exactly that SMS, plain text, to the customer's number.
  expect(twilio.sent).toHaveLength(1);
  const sms = twilio.sent[0]!;
  expect(sms.to).toBe(who.phone!);
  expect(sms.body).toBe(expectedSms);
  expect(sms.body).not.toMatch(/[*#_[\]]|\]\(/);
  expect(sms.mediaUrls).toEqual([]);
});
