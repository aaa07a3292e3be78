// A text per channel in a real Chromium (issue 12): a message by e-mail and SMS to one customer,
// each text typed in its own field with its own preview and counter, the SMS drafted from the
// e-mail with "Copy from e-mail" (htmx swaps the form; nothing is saved), then saved as a draft.
// Screenshots: /tmp/pigeon-compose-channels-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createUser } from "../../src/db/auth.ts";
import { createCustomer } from "../../src/db/customers.ts";
import { createNotification, createProfile } from "../../src/db/profiles.ts";
import { messages, notifications } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
let annaId = 0;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };

beforeAll(async () => {
  h = await startBrowserHarness();
  const now = new Date();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  await updateSettings(h.db, { name: "Brightside Photography", timeZone: "America/Chicago" }, now);
  const anna = await createCustomer(
    h.db,
    {
      first_name: "Anna",
      last_name: "Berg",
      email: "anna@example.com",
      phone: "+1 555 201 0001",
      consent: { email: true, sms: true },
    },
    "test",
    now,
  );
  annaId = anna.id;
  await h.logIn(OWNER.email, OWNER.password);
});

afterAll(() => h?.stop());

const shot = async (name: string, viewport = DESKTOP) => {
  await h.page.setViewportSize(viewport);
  await h.page.screenshot({ path: `/tmp/pigeon-compose-channels-${name}.png`, fullPage: true });
  await h.page.setViewportSize(DESKTOP);
};

test("an e-mail and its own SMS: both typed, both previewed, the SMS drafted from the e-mail, saved", async () => {
  const { page } = h;
  await page.goto(`/messages/new?customer_ids=${annaId}&channels=email`);
  await page.getByLabel("Internal name").fill("Picture day");
  const sms = page.locator("#f-sms_body");
  // SMS not ticked: its text is not asked for.
  expect(await sms.isVisible()).toBe(false);
  await page.locator('input[name="channels"][value="sms"]').check();
  await sms.waitFor({ state: "visible" });

  await page.getByLabel("Subject").fill("Picture day is Friday, {{customer.first_name}}");
  await page.locator("#f-preheader").fill("Bring a comb and a smile");
  await page
    .locator("#f-body")
    .fill(
      "# Picture day\n\nHi {{customer.first_name}}, picture day is **Friday**.\n\n- Bring a comb\n- Smile\n\nSee [the gallery](https://shop.example/g).",
    );
  await sms.fill("Hi {{customer.first_name}}, picture day is Friday!");

  // Both previews, for Anna: the e-mail with its preheader, the SMS with its counter.
  const preview = page.locator("#message-preview");
  await preview.locator(".sms-bubble", { hasText: "Hi Anna, picture day is Friday!" }).waitFor();
  expect(await preview.locator(".preview-preheader").innerText()).toBe("Bring a comb and a smile");
  await page.frameLocator("iframe.email-frame >> nth=0").locator("strong", { hasText: "Friday" }).waitFor();
  expect(await preview.locator(".sms-counter").innerText()).toMatch(/characters · GSM-7 · 1 segment/);
  // The counter under the SMS text follows the preview.
  await page.locator("#sms_body-count .sms-counter").filter({ hasText: "1 segment" }).waitFor();
  await shot("typed");

  // Copy from e-mail: the SMS text becomes a plain draft of the e-mail; the rest stays as typed.
  await page.getByRole("button", { name: "Copy from e-mail" }).click();
  await sms.filter({ hasText: "See the gallery: https://shop.example/g." }).waitFor();
  const draft = await sms.inputValue();
  expect(draft).toBe(
    "Picture day\n\nHi {{customer.first_name}}, picture day is Friday.\n\n- Bring a comb\n- Smile\n\nSee the gallery: https://shop.example/g.",
  );
  expect(await page.locator("#f-preheader").inputValue()).toBe("Bring a comb and a smile");
  expect(await page.locator('input[name="channels"][value="sms"]').isChecked()).toBe(true);
  expect(await h.db.select().from(messages)).toHaveLength(0);
  await preview.locator(".sms-bubble", { hasText: "See the gallery: https://shop.example/g." }).waitFor();
  await page.locator("#f-sms_body").scrollIntoViewIfNeeded();
  await shot("copied");
  await shot("copied-phone", PHONE);
  // The texts at phone width, close up: the page above is too long to read at a glance.
  await page.setViewportSize(PHONE);
  await page
    .locator(".message-form section.step")
    .first()
    .screenshot({ path: "/tmp/pigeon-compose-channels-texts-phone.png" });
  await page.locator(".sms-preview").screenshot({ path: "/tmp/pigeon-compose-channels-sms-preview-phone.png" });
  await page.setViewportSize(DESKTOP);

  await page.getByRole("button", { name: "Save draft" }).last().click();
  await page.waitForURL((u) => /^\/messages\/\d+$/.test(u.pathname));
  const [m] = await h.db.select().from(messages).where(eq(messages.name, "Picture day"));
  expect(m!.channels).toEqual(["email", "sms"]);
  expect(m!.smsBody).toBe(draft);
  expect(m!.preheader).toBe("Bring a comb and a smile");
  expect(m!.body).toContain("**Friday**");
});

test("Add an SMS version: the e-mail notification's timing and a plain draft, saved as a second notification", async () => {
  const { page } = h;
  const now = new Date();
  const profile = await createProfile(h.db, { name: "Seniors" }, now);
  await createNotification(
    h.db,
    profile.id,
    {
      trigger: "coupon_deadline",
      offsetDays: 2,
      offsetHours: 0,
      timeOfDay: "18:00",
      audience: "potential_buyers",
      condition: "any",
      channel: "email",
      subject: "Your coupon ends soon",
      preheader: "Two days left",
      body: "## Last days\n\nHi {{customer.first_name}}, **20% off** in [your gallery]({{customer.gallery_link}}).",
      active: true,
    },
    now,
  );
  await page.goto(`/profiles/${profile.id}`);
  await shot("profile");
  await shot("profile-phone", PHONE);
  await page.getByRole("button", { name: /Add an SMS version/ }).click();
  await page.waitForURL((u) => u.pathname.endsWith("/sms-version"));
  expect(await page.locator("#f-channel").inputValue()).toBe("sms");
  expect(await page.locator("#f-body").inputValue()).toBe(
    "Last days\n\nHi {{customer.first_name}}, 20% off in your gallery: {{customer.gallery_link}}.",
  );
  await page.locator("#sms-counter").waitFor();
  await shot("sms-version");
  await shot("sms-version-phone", PHONE);
  await page.getByRole("button", { name: "Add notification" }).click();
  await page.waitForURL((u) => u.pathname === `/profiles/${profile.id}`);
  const rows = await h.db.select().from(notifications).where(eq(notifications.profileId, profile.id));
  expect(rows.map((n) => [n.channel, n.trigger, n.offsetDays, n.timeOfDay, n.audience])).toEqual([
    ["email", "coupon_deadline", 2, "18:00", "potential_buyers"],
    ["sms", "coupon_deadline", 2, "18:00", "potential_buyers"],
  ]);
});
