// Pages at phone width (390 px) in a real Chromium (issue 12 eyes walk): the Settings tabs, a
// message preview's labels and the dev outbox's e-mail page fit the screen, nothing wider than it.
// Screenshots: /tmp/pigeon-phone-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createUser } from "../../src/db/auth.ts";
import { devOutbox } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { personalizeEmail, renderEmailVariant } from "../../src/email/render.ts";
import { type BrowserHarness, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };

beforeAll(async () => {
  h = await startBrowserHarness();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  await updateSettings(h.db, { name: "Brightside Photography", timeZone: "America/Chicago" }, new Date());
  await h.logIn(OWNER.email, OWNER.password);
  await h.page.setViewportSize(PHONE);
});

afterAll(async () => {
  await h?.stop();
});

/** How much wider than the screen the page is (0: it fits). */
const overflow = () => h.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test("the Settings tabs wrap at 390 px: every tab shows, the page is no wider than the phone", async () => {
  await h.page.goto("/settings");
  await h.page.screenshot({ path: "/tmp/pigeon-phone-settings.png", fullPage: true });
  expect(await overflow()).toBeLessThanOrEqual(0);
  for (const tab of ["Studio", "Messaging", "Snippets", "Staff", "API keys", "Files"]) {
    const box = await h.page
      .getByRole("navigation", { name: "Settings sections" })
      .getByRole("link", { name: tab })
      .boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
  }
});

test("the composer's preview: the Preview line label stays on one line", async () => {
  await h.page.goto("/messages/new?mode=address");
  await h.page.getByLabel("Subject").fill("Family portrait days");
  await h.page.getByLabel("Preview line (optional)").fill("Book a relaxed family session this season");
  await h.page.locator("#f-body").fill("Hi there, places are limited.");
  // The preview follows the typing (htmx): wait for the preview line typed to show in it.
  await h.page.locator(".preview-preheader", { hasText: "Book a relaxed family session" }).waitFor();
  const label = h.page.locator(".preview-meta span.k", { hasText: "Preview line" }).first();
  await h.page.screenshot({ path: "/tmp/pigeon-phone-preview.png", fullPage: true });
  // One line: it does not wrap, and its text is not cut (it is as wide as its words).
  const fits = await label.evaluate(
    (el) =>
      getComputedStyle(el).whiteSpace === "nowrap" && el.scrollWidth <= Math.ceil(el.getBoundingClientRect().width),
  );
  expect(fits).toBe(true);
});

test("the dev outbox's e-mail page fits 390 px and shows the preview line", async () => {
  const v = await renderEmailVariant({
    subject: "Family portrait days at Brightside Photography",
    body: "Hi there, places are limited: https://brightside.example/a/very/long/address/that/does/not/break/easily/at/all",
    preheader: "Book a relaxed family session this season",
    format: "markdown",
    studio: { name: "Brightside", postalAddress: "1 Main St", website: "https://b.example", brandColor: "#2f6fdf" },
    personalLinks: false,
  });
  const mail = personalizeEmail(v, {});
  await h.db.insert(devOutbox).values({
    id: "dev_phone_width_0123456789abcdef",
    channel: "email",
    toAddress: "a-rather-long-address-for-a-phone@brightside-photography.test",
    fromAddress: "Brightside Photography <studio@brightside-photography.test>",
    subject: mail.subject,
    body: mail.text,
    html: mail.html,
    files: {
      attachments: [
        {
          filename: "Brightside-Photography-family-portrait-days-order-form-autumn-2026.pdf",
          size: 48_213,
          contentType: "application/pdf",
          link: "/media/abcdefghijklmnopqrstuv.pdf",
        },
      ],
    },
    headers: { "Idempotency-Key": "k-0123456789abcdef0123456789abcdef0123456789abcdef" },
    ref: "k1",
    status: "sent",
    createdAt: new Date(),
  });
  await h.page.goto("/outbox/dev/dev_phone_width_0123456789abcdef");
  await h.page.screenshot({ path: "/tmp/pigeon-phone-dev-outbox.png", fullPage: true });
  expect(await h.page.locator("main").innerText()).toContain("Book a relaxed family session this season");
  expect(await overflow()).toBeLessThanOrEqual(0);
});
