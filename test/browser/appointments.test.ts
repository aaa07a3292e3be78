// The Appointments page in a real Chromium (issue 13 item 1): tick every appointment on the page
// with select-all, Compose, and find them all in the composer; mark one cancelled by hand and see
// it in the list and in its history; at phone width change a row's status from the list, and read
// a job's whole name in the filter. Screenshots: test-results/screenshots/13a-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createUser } from "../../src/db/auth.ts";
import { createAppointment, createCustomer } from "../../src/db/customers.ts";
import { createJob } from "../../src/db/jobs.ts";
import { deliveries } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };
const ids: number[] = [];

beforeAll(async () => {
  h = await startBrowserHarness();
  const now = new Date();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  await updateSettings(h.db, { name: "Brightside Photography", timeZone: "Europe/Berlin" }, now);
  const day = 86_400_000;
  // A name that holds its year, as studios name them: the filter shows it whole, once.
  const job = await createJob(h.db, { name: "Family Portrait Days 2026", type: "portrait", year: 2026 }, {}, "ui", now);
  const names = ["Maya Rivera", "Noah Brandt", "Lena Okafor", "Ivy Chen", "Tom Weber", "Ana Souza"];
  for (const [i, name] of names.entries()) {
    const [first, last] = name.split(" ") as [string, string];
    const c = await createCustomer(
      h.db,
      { first_name: first, last_name: last, email: `${first.toLowerCase()}@x.test`, consent: { email: true } },
      "test",
      now,
    );
    // Five to come, one yesterday: the past one is listed after them.
    const startsAt = new Date(now.getTime() + (i === 5 ? -day : (i + 1) * day));
    const a = await createAppointment(
      h.db,
      { customerId: c.id, startsAt, location: "Studio A", jobId: job.id },
      "api",
      now,
    );
    ids.push(a.id);
    if (i < 2)
      await h.db.insert(deliveries).values({
        deliveryKey: `seed-${i}`,
        sourceType: "message",
        channel: "email",
        status: i === 0 ? "sent" : "queued",
        customerId: c.id,
        appointmentId: a.id,
        dueAt: now,
      });
  }
  await h.logIn(OWNER.email, OWNER.password);
});

afterAll(async () => {
  await h?.stop();
});

test("select-all ticks every appointment on the page, and Compose brings them all to the composer", async () => {
  const { page } = h;
  await page.goto("/appointments");
  const all = page.getByLabel("Select all appointments on this page");
  await all.check();
  const ticks = page.locator('input[name="appointment_ids"]');
  expect(await ticks.count()).toBe(6);
  for (const tick of await ticks.all()) expect(await tick.isChecked()).toBe(true);
  expect(await page.locator("[data-selected-count]").innerText()).toBe("6 selected");
  // One unticked: select-all shows "some".
  await ticks.first().uncheck();
  expect(await all.evaluate((el) => (el as HTMLInputElement).indeterminate)).toBe(true);
  expect(await page.locator("[data-selected-count]").innerText()).toBe("5 selected");
  await ticks.first().check();
  expect(await page.locator("main").innerText()).toContain("1 sent");
  await h.screenshot("13a-appointments-desktop");
  await h.screenshot("13a-appointments-phone", PHONE);

  await page.getByRole("button", { name: "Compose" }).click();
  await page.waitForURL((u) => u.pathname === "/messages/new");
  const chosen = page.locator(".chosen-appointments li");
  await chosen.first().waitFor();
  expect(await chosen.count()).toBe(6);
  expect(await chosen.allInnerTexts()).toContainEqual(expect.stringContaining("Ana Souza"));
  expect(new URL(page.url()).searchParams.getAll("appointment_ids").map(Number).sort()).toEqual([...ids].sort());
});

test("mark one cancelled by hand: the list says so, and its history names who did it", async () => {
  const { page } = h;
  await page.goto("/appointments");
  const row = page.locator("tr", { has: page.locator(`input[value="${ids[2]}"]`) });
  await row.getByLabel("New status").filter({ visible: true }).selectOption("cancelled");
  await row.getByRole("button", { name: "Set" }).filter({ visible: true }).click();
  await page.locator(".flash.ok", { hasText: /^Lena Okafor's appointment on .+ is marked cancelled\.$/ }).waitFor();
  const again = page.locator("tr", { has: page.locator(`input[value="${ids[2]}"]`) });
  expect(await again.locator("td.hide-sm .badge").innerText()).toBe("Cancelled");

  await again.getByRole("link", { name: /CES?T|CET/ }).click();
  await page.waitForURL((u) => u.pathname === `/appointments/${ids[2]}`);
  const history = await page.locator("#history").innerText();
  expect(history).toContain("Scheduled → cancelled");
  expect(history).toContain("by Olivia (staff)");
  await h.screenshot("13a-appointment-detail");
  await h.screenshot("13a-appointment-detail-phone", PHONE);
});

test("at phone width every row can still change its status, and the job filter shows the job's whole name", async () => {
  const { page } = h;
  await page.setViewportSize(PHONE);
  try {
    await page.goto("/appointments");
    const job = page.getByLabel("Job");
    await job.selectOption({ label: "Family Portrait Days 2026" });
    // The whole name fits in the select (no "(2026)" repeated, nothing cut off).
    const fits = () =>
      job.evaluate((el) => {
        const select = el as HTMLSelectElement;
        const cs = getComputedStyle(select);
        const ctx = document.createElement("canvas").getContext("2d")!;
        ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const text = ctx.measureText(select.selectedOptions[0]!.text).width;
        return text + parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight) <= select.clientWidth + 1;
      });
    expect(await fits()).toBe(true);
    await h.screenshot("13a-appointments-phone-job", PHONE);
    await page.getByLabel("Job").selectOption("");
    const row = page.locator("tr", { has: page.locator(`input[value="${ids[3]}"]`) });
    const set = row.getByRole("button", { name: "Set" }).filter({ visible: true });
    await h.screenshot("13a-appointments-phone-change", PHONE);
    const box = await set.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await row.getByLabel("New status").filter({ visible: true }).selectOption("confirmed");
    await set.click();
    await page.locator(".flash.ok", { hasText: /^Ivy Chen's appointment on .+ is marked confirmed\.$/ }).waitFor();
  } finally {
    await page.setViewportSize(DESKTOP);
  }
});

test("Send a message from a customer's page: the composer for that customer, with SMS ticked", async () => {
  const { page } = h;
  await page.goto("/customers");
  await page.getByRole("link", { name: "Maya Rivera" }).first().click();
  await page.waitForURL((u) => /^\/customers\/\d+$/.test(u.pathname));
  await h.screenshot("13a-customer-send");
  await page.getByRole("navigation", { name: "Send a message" }).getByRole("button", { name: "SMS" }).click();
  await page.waitForURL((u) => u.pathname === "/messages/new");
  expect(await page.locator(".chosen-customers").innerText()).toContain("Maya Rivera");
  expect(await page.locator('input[name="channels"][value="sms"]').isChecked()).toBe(true);
  expect(await page.locator('input[name="channels"][value="email"]').isChecked()).toBe(false);
});
