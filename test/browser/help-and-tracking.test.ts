// The help page "Why doesn't everyone get my message?" and Settings → Studio → Tracking in a real
// Chromium (issue 14): both fit a phone (390 px); a reason's link lands on its section; a bad
// attribution window is named beside the field with what was typed kept.
// Screenshots: /tmp/pigeon-help-*.png, /tmp/pigeon-tracking-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createUser } from "../../src/db/auth.ts";
import { studioSettings } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
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

const overflow = () => h.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test("the help page reads at desktop and phone width, and a reason's anchor lands on its section", async () => {
  await h.page.setViewportSize(DESKTOP);
  await h.page.goto("/help/not-reached#landline");
  await h.page.screenshot({ path: "/tmp/pigeon-help-desktop.png", fullPage: true });
  await h.page.screenshot({ path: "/tmp/pigeon-help-landline.png" });
  const top = await h.page.locator("#landline").boundingBox();
  expect(top!.y).toBeLessThan(100);
  await h.page.setViewportSize(PHONE);
  await h.page.goto("/help/not-reached");
  await h.page.screenshot({ path: "/tmp/pigeon-help-phone.png", fullPage: true });
  await h.page.screenshot({ path: "/tmp/pigeon-help-phone-top.png" });
  expect(await overflow()).toBeLessThanOrEqual(0);
});

test("Tracking settings: untick, type a bad window, see it named beside the field, fix it, saved", async () => {
  await h.page.setViewportSize(PHONE);
  await h.page.goto("/settings#tracking");
  await h.page.getByLabel("Count clicks on links").uncheck();
  await h.page.getByLabel("Attribution window (days)").fill("91");
  await h.page.getByRole("button", { name: "Save settings" }).click();
  await h.page.locator("#attribution_days-error").waitFor();
  expect(await h.page.locator("#attribution_days-error").textContent()).toContain("must be between 1 and 90 days");
  expect(await h.page.getByLabel("Attribution window (days)").inputValue()).toBe("91");
  expect(await h.page.getByLabel("Count clicks on links").isChecked()).toBe(false);
  await h.page.locator("#tracking").scrollIntoViewIfNeeded();
  await h.page.screenshot({ path: "/tmp/pigeon-tracking-error-phone.png" });
  expect(await overflow()).toBeLessThanOrEqual(0);
  await h.page.getByLabel("Attribution window (days)").fill("14");
  await h.page.getByRole("button", { name: "Save settings" }).click();
  await h.page.waitForURL((u) => u.search.includes("saved=1"));
  const [row] = await h.db.select().from(studioSettings);
  expect([row!.trackLinks, row!.trackOpens, row!.attributionDays]).toEqual([false, false, 14]);
  await h.page.setViewportSize(DESKTOP);
  await h.page.locator("#tracking").scrollIntoViewIfNeeded();
  await h.page.screenshot({ path: "/tmp/pigeon-tracking-desktop.png" });
});
