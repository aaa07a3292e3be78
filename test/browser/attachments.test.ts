// An e-mail with a PDF attached, in a real Chromium (SPEC T5): the owner composes an e-mail to one
// address, attaches a PDF on the spot (it comes back ticked, with its size, the limits beside it),
// reviews it (the attachment listed), sends it, and finds it in the dev outbox with the attachment,
// whose link gives the very bytes uploaded. Screenshots: /tmp/pigeon-attach-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { runOneTimeMessages } from "../../src/automation/one-time.ts";
import { createUser } from "../../src/db/auth.ts";
import { createProfile } from "../../src/db/profiles.ts";
import { devOutbox } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { createDispatcher } from "../../src/dispatch/dispatcher.ts";
import { PDF_HEAD, PNG_1X1 } from "../support/sample-files.ts";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };

beforeAll(async () => {
  h = await startBrowserHarness();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  await updateSettings(h.db, { name: "Brightside Photography", timeZone: "America/Chicago" }, new Date());
  await h.logIn(OWNER.email, OWNER.password);
});

afterAll(async () => {
  await h?.stop();
});

const shot = async (name: string, viewport = DESKTOP) => {
  await h.page.setViewportSize(viewport);
  await h.page.screenshot({ path: `/tmp/pigeon-attach-${name}.png`, fullPage: true });
  await h.page.setViewportSize(DESKTOP);
};

test("attach a PDF in the composer, see it on the review, send, find it in the dev outbox", async () => {
  const { page } = h;
  const pdf = new Uint8Array([...PDF_HEAD, ...Array.from({ length: 40_000 }, (_, i) => i % 251)]);
  const path = "/tmp/pigeon-attach-price-list.pdf";
  writeFileSync(path, pdf);

  await page.goto("/messages/new?mode=address");
  await page.getByLabel("Internal name").fill("Price list");
  await page.locator("#f-to_address").fill("anna@example.com");
  await page.locator("#f-subject").fill("Our 2027 prices");
  await page.locator("#f-body").fill("Hello! Our new price list is attached.");
  const attachments = page.locator("#attachment_ids-section");
  expect(await attachments.innerText()).toContain("at most 28 MB together");
  // The pictures section belongs to SMS: hidden while only e-mail is chosen.
  expect(await page.locator("#media_ids-section").isVisible()).toBe(false);
  await attachments.locator('input[type="file"]').setInputFiles(path);
  await page.getByRole("button", { name: "Attach file" }).click();
  const ticked = attachments.locator('input[name="attachment_ids"]:checked');
  await ticked.waitFor();
  expect(await attachments.innerText()).toContain("pigeon-attach-price-list.pdf · 39 KB");
  expect(await page.locator("#f-body").inputValue()).toContain("price list is attached");
  await shot("1-compose");
  await shot("1-compose-phone", PHONE);

  await page.getByRole("button", { name: "Save and review sending…" }).click();
  await page.waitForURL(/\/messages\/\d+\/send$/);
  const review = await page.locator("article.confirm").innerText();
  expect(review).toContain("pigeon-attach-price-list.pdf");
  expect(review).toContain("of at most 28 MB");
  await shot("2-review");
  await shot("2-review-phone", PHONE);
  await page.getByRole("button", { name: /^Send to 1 recipient/ }).click();
  await page.waitForURL(/\/messages\/\d+\?done=/);

  const now = new Date();
  await runOneTimeMessages(h.deps, now);
  await createDispatcher(h.deps, h.deps.providers, { owner: "browser" }).tick();
  const [entry] = await h.db.select().from(devOutbox);
  expect(entry!.files?.attachments?.[0]?.filename).toBe("pigeon-attach-price-list.pdf");

  await page.goto(`/outbox/dev/${entry!.id}`);
  const sent = await page.locator("article.sent-message").innerText();
  expect(sent).toContain("Attachments");
  expect(sent).toContain("pigeon-attach-price-list.pdf · 39 KB");
  const href = await page.getByRole("link", { name: "pigeon-attach-price-list.pdf" }).getAttribute("href");
  const file = await page.request.get(href!);
  expect(file.status()).toBe(200);
  expect(new Uint8Array(await file.body())).toEqual(pdf);
  await shot("3-dev-outbox");
  await shot("3-dev-outbox-phone", PHONE);
});

test("add a picture to an SMS: a thumbnail in the composer; the review says a German number gets the text without it", async () => {
  const { page } = h;
  const path = "/tmp/pigeon-attach-class.png";
  writeFileSync(path, PNG_1X1);
  await page.goto("/messages/new?mode=address&channels=sms");
  await page.getByLabel("Internal name").fill("Class photo");
  await page.locator("#f-to_address").fill("+49 151 12345678");
  await page.locator("#f-sms_body").fill("Your class photo is ready.");
  const pictures = page.locator("#media_ids-section");
  expect(await pictures.innerText()).toContain("at most 10 pictures and 5 MB together");
  expect(await page.locator("#attachment_ids-section").isVisible()).toBe(false);
  await pictures.locator('input[type="file"]').setInputFiles(path);
  await page.getByRole("button", { name: "Add picture" }).click();
  await pictures.locator('input[name="media_ids"]:checked').waitFor();
  const thumb = pictures.locator("img").first();
  expect(await thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await shot("4-sms-picture");
  await shot("4-sms-picture-phone", PHONE);
  await page.getByRole("button", { name: "Save and review sending…" }).click();
  await page.waitForURL(/\/messages\/\d+\/send$/);
  const review = await page.locator("article.confirm").innerText();
  expect(review).toContain("1 number is outside the US and Canada: it gets the text without the pictures");
  await shot("5-sms-review");
});

test("an e-mail notification's editor offers the uploaded files as attachments", async () => {
  const { page } = h;
  const profile = await createProfile(h.db, { name: "Seniors", description: "", externalId: null }, new Date());
  await page.goto(`/profiles/${profile.id}/notifications/new`);
  const section = page.locator("#attachment_ids-section");
  expect(await section.innerText()).toContain("pigeon-attach-price-list.pdf");
  await section.locator('input[name="attachment_ids"]').first().check();
  await shot("6-notification");
  await shot("6-notification-phone", PHONE);
});
