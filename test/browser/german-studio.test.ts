// Issue 11's acceptance walk in a real Chromium with a German browser: a new owner sets up a
// studio in Germany, imports a German spreadsheet with national numbers (one of them invalid),
// adds an order, and sends an SMS and an e-mail through the real Twilio and Resend SDKs to the
// local fakes. The numbers reach Twilio as +49…, the amount shows in euros, the date in German,
// the opt-out hint and the unsubscribe page in German; the invalid number is refused at import
// with its row and the reason. Screenshots: test-results/screenshots/11x-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { runOneTimeMessages } from "../../src/automation/one-time.ts";
import { createJob } from "../../src/db/jobs.ts";
import { customers, studioSettings } from "../../src/db/schema.ts";
import { startFakeResend } from "../fakes/fake-resend.ts";
import { startFakeTwilio } from "../fakes/fake-twilio.ts";
import { type BrowserHarness, startBrowserHarness } from "./support.ts";

const resend = startFakeResend();
const twilio = startFakeTwilio();
let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness({
    locale: "de-DE",
    timezoneId: "Europe/Berlin",
    env: {
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      EMAIL_FROM: "Lichtblick <hallo@lichtblick.test>",
      // The harness's address is http on loopback: links are made with it for this walk only.
      ALLOW_HTTP_PUBLIC_URL: "true",
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: "+4915799912345",
      TWILIO_BASE_URL: twilio.url!,
    },
  });
});

afterAll(async () => {
  await h?.stop();
  resend.stop();
  twilio.stop();
});

const mainText = () => h.page.locator("main").innerText();

test("a German studio: set up, a German spreadsheet imported, an SMS and an e-mail sent in German to +49 numbers", async () => {
  const { page } = h;

  // 1. First-run setup: the browser's zone is filled in; Germany brings euros and German.
  await page.goto("/setup");
  expect(await page.getByLabel("Time zone").inputValue()).toBe("Europe/Berlin");
  await page.getByLabel("Studio name").fill("Lichtblick Fotografie");
  await page.getByLabel("Your name").fill("Greta Schmidt");
  await page.getByLabel("E-mail").fill("greta@lichtblick.test");
  await page.getByLabel("Password").fill("richtiges pferd batterie");
  await page.getByLabel("Country").selectOption("DE");
  await h.screenshot("110-setup-germany");
  await page.getByRole("button", { name: "Create owner account" }).click();
  await page.waitForURL((u) => u.pathname === "/");
  const [studio] = await h.db.select().from(studioSettings);
  expect([studio!.country, studio!.currency, studio!.locale, studio!.timeZone]).toEqual([
    "DE",
    "EUR",
    "de",
    "Europe/Berlin",
  ]);
  await h.db.update(studioSettings).set({
    postalAddress: "Hauptstraße 5, 10115 Berlin",
    phone: "+49301234567",
    sendWindowStart: "00:00",
    sendWindowEnd: "24:00",
    smsRatePerSecond: 50,
    emailRatePerSecond: 50,
  });
  const job = await createJob(
    h.db,
    {
      name: "Eichendorff-Grundschule",
      type: "school",
      year: 2027,
      status: "selling",
      gallery_url: "https://shop.lichtblick.test/eichendorff",
      archive_date: "2027-06-30",
    },
    {},
    "ui",
    new Date(),
  );

  // 2. A German spreadsheet: semicolons, German column names, national numbers, one too short.
  const csv = h.tempFile(
    "kunden.csv",
    [
      "Vorname;Nachname;E-Mail;Telefon;Einwilligung E-Mail;SMS-Einwilligung",
      "Jürgen;Müller;juergen@beispiel.test;0170 78678194;ja;ja",
      "Helga;Schäfer;helga@beispiel.test;0151 23456789;ja;ja",
      "Karl;Kurz;karl@beispiel.test;0170 12;ja;ja",
    ].join("\r\n") + "\r\n",
  );
  await page.goto("/customers/import");
  await page.locator('input[type="file"][name="file"]').setInputFiles(csv);
  await page.locator('select[name="job_id"]').selectOption(String(job.id));
  await page.getByLabel("Consent source").fill("Anmeldebogen Fototag 2027");
  await page.getByRole("button", { name: "Preview import" }).click();
  await page.waitForURL((u) => u.pathname === "/customers/import/preview");
  const preview = await mainText();
  await h.screenshot("111-import-preview");
  for (const line of ["Vorname → First name", "Telefon → Phone", "SMS-Einwilligung → SMS consent"])
    expect(preview).toContain(line);
  expect(preview).toMatch(/2 rows are ready to import/);
  // The row of the file (the header is row 1) and why its number cannot be used.
  expect(preview).toContain("Row 4\tphone: is not a valid number in Germany");
  expect(preview).toContain("(“0170 12”)");
  // Numbers from the studio's own country read as Germans write them.
  expect(preview).toContain("0170 78678194");
  await page.getByLabel(/lawful/i).check();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await page.waitForLoadState();
  expect(await mainText()).toMatch(/2 imported/);
  const imported = await h.db.select().from(customers).orderBy(customers.id);
  expect(imported.map((c) => [c.firstName, c.phone, c.locale])).toEqual([
    ["Jürgen", "+4917078678194", "de"],
    ["Helga", "+4915123456789", "de"],
  ]);

  // 3. An order of 24,90 on Jürgen's page: euros, written the German way.
  const juergen = imported[0]!;
  await page.goto(`/customers/${juergen.id}`);
  expect(await page.locator("#add-order").innerText()).toContain("Amount (EUR)");
  await page.locator('select[name="order_job_id"]').selectOption(String(job.id));
  await page.getByLabel("Amount (EUR)").fill("24,90");
  await page.getByRole("button", { name: "Add order" }).click();
  await page.locator("#orders td.num").first().waitFor();
  expect((await page.locator("#orders").innerText()).replace(/\s/g, " ")).toContain("24,90 €");
  await h.screenshot("112-customer-order-euros");

  // 4. An SMS and an e-mail to the job's customers, previewed with Helga's real data.
  await page.goto(`/jobs/${job.id}`);
  await page.getByRole("button", { name: "Send a message to this job's customers" }).click();
  await page.waitForURL((u) => u.pathname === "/messages/new");
  await page.getByLabel("Internal name").fill("Galerie schließt");
  await page.locator('input[name="channels"][value="sms"]').check();
  await page.getByLabel("Subject").fill("Ihre Fotos von {{job.name}}");
  await page
    .locator("#f-body")
    .fill("Hallo {{customer.first_name}}, die Galerie von {{job.name}} schließt am {{job.archive_date}}.");
  await page
    .locator("#f-sms_body")
    .fill("Hallo {{customer.first_name}}, die Galerie von {{job.name}} schließt am {{job.archive_date}}.");
  await page.locator("#f-sms_body").blur();
  await page.locator("#recipient-count").filter({ hasText: "2 will receive it by e-mail" }).waitFor();
  await page.locator("#f-preview_customer_id").selectOption(String(imported[1]!.id));
  const bubble = page.locator(".sms-bubble").first();
  await bubble.filter({ hasText: "Hallo Helga" }).waitFor();
  const sms = await bubble.innerText();
  expect(sms).toContain("schließt am Mittwoch, 30. Juni 2027.");
  expect(sms).toContain("Antworten Sie STOP zum Abmelden.");
  const smsPreview = await page.locator(".sms-preview").innerText();
  expect(smsPreview).toContain("“Antworten Sie STOP zum Abmelden.” is added because the text does not mention STOP");
  expect(smsPreview).toMatch(/SMS to\s+01512 3456789/);
  await page.locator("#message-preview").scrollIntoViewIfNeeded();
  await h.screenshot("113-compose-preview-german");
  await page.getByRole("button", { name: "Save and review sending…" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+\/send$/.test(u.pathname));
  await h.screenshot("114-review");
  expect(await page.locator(".question").innerText()).toBe("Send to 2 recipients by e-mail and 2 by SMS?");
  await page.getByRole("button", { name: "Send 4 messages" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+$/.test(u.pathname));

  // The harness runs no scheduler: start the message and let the app's own dispatcher send.
  expect((await runOneTimeMessages(h.deps, h.deps.clock())).started).toBe(1);
  let sent = 0;
  for (let i = 0; i < 10 && sent < 4; i++) sent += (await h.deps.dispatcher.tick()).sent;
  expect(sent).toBe(4);

  // 5. What reached Twilio and Resend.
  expect(twilio.sent.map((m) => m.to).sort()).toEqual(["+4915123456789", "+4917078678194"]);
  const toJuergen = twilio.sent.find((m) => m.to === "+4917078678194")!;
  expect(toJuergen.body).toBe(
    "Hallo Jürgen, die Galerie von Eichendorff-Grundschule schließt am Mittwoch, 30. Juni 2027. Antworten Sie STOP zum Abmelden.",
  );
  expect(resend.sent.map((e) => e.to[0]).sort()).toEqual(["helga@beispiel.test", "juergen@beispiel.test"]);
  const mail = resend.sent.find((e) => e.to[0] === "juergen@beispiel.test")!;
  expect(mail.subject).toBe("Ihre Fotos von Eichendorff-Grundschule");
  expect(mail.html).toContain("Mittwoch, 30. Juni 2027");
  expect(mail.html).toContain("Abmelden");
  // The studio's own number in the footer as anyone can read and dial it.
  expect(mail.html).toContain("+49 30 1234567");

  // 6. Jürgen opens the e-mail's unsubscribe link: the page is German, and says so to the browser.
  const unsubscribe = /<(http[^>]+)>/.exec(mail.headers["List-Unsubscribe"] ?? "")?.[1];
  expect(unsubscribe).toBeDefined();
  await page.context().clearCookies();
  await page.goto(unsubscribe!.replace(/^https?:\/\/[^/]+/, ""));
  expect(await page.locator("html").getAttribute("lang")).toBe("de");
  const customerPage = await page.locator("body").innerText();
  expect(customerPage).toContain("Abmelden?");
  expect(customerPage).not.toMatch(/\bUnsubscribe\b|\byour address\b/i);
  await h.screenshot("115-unsubscribe-german");
});
