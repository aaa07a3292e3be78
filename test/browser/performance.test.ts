// Issue 14's numbers in a real Chromium: a message's Performance section and chart (desktop,
// phone, print), the chart's SVG well-formed XML with a hostile name inside, the section following
// the send live over SSE, and the profile page's "which notification earns what".
// Screenshots: /tmp/pigeon-performance/*.png (look at them).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { createUser } from "../../src/db/auth.ts";
import { createCustomer } from "../../src/db/customers.ts";
import { communicationProfiles, engagements, jobs, messages, notifications } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { attributedOrderSeeder, deliveredEmailSeeder, engagementSeeder } from "../support/deliveries.ts";
import { until } from "../support/until.ts";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

const SHOTS = "/tmp/pigeon-performance";
const HOSTILE = `<script>alert("x")</script> Autumn "sale" & more`;
const HOUR = 3_600_000;
let h: BrowserHarness;
let messageId = 0;
let liveId = 0;
let liveDelivery = 0;
let profileId = 0;
let customerId = 0;
let jobId = 0;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  h = await startBrowserHarness();
  const now = new Date();
  const t0 = new Date(now.getTime() - 30 * HOUR);
  const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);
  await createUser(h.db, {
    email: "owner@brightside.test",
    password: "correct horse battery",
    name: "Olivia",
    role: "owner",
  });
  await updateSettings(h.db, { name: "Brightside", timeZone: "Europe/Berlin", currency: "EUR" }, now);
  const cu = await createCustomer(h.db, { first_name: "Anna", email: "anna@x.test", consent: {} }, "test", now);
  customerId = cu.id;
  const [job] = await h.db.insert(jobs).values({ name: "Spring school", type: "school", year: 2026 }).returning();
  jobId = job!.id;
  const [m] = await h.db
    .insert(messages)
    .values({ name: HOSTILE, channels: ["email"], filters: {}, status: "sent" })
    .returning();
  messageId = m!.id;
  const d = deliveredEmailSeeder(h.db, { customerId: cu.id, toAddress: "anna@x.test", sentAt: t0 });
  const engage = engagementSeeder(h.db, cu.id, t0);
  const order = attributedOrderSeeder(h.db, job!.id, cu.id, t0);
  // 40 e-mails over the first two hours; opens and clicks trailing off over a day; three orders.
  for (let i = 0; i < 40; i++) {
    const sent = at((i % 8) / 4);
    const id = await d({ messageId, sentAt: sent, dueAt: sent, status: i === 39 ? "bounced" : "delivered" });
    if (i % 2 === 0) await engage(id, "open", "person", at(1 + (i % 11)));
    if (i % 3 === 0) await engage(id, "open", "privacy_proxy", sent);
    if (i % 5 === 0) await engage(id, "click", "person", at(2 + (i % 13)));
    if (i % 7 === 0) await engage(id, "click", "scanner", sent);
    if (i % 10 === 0) await order(2490 + i * 100, "EUR", id, at(6 + i / 2));
  }
  // A message still going out, to watch the section follow it.
  const [live] = await h.db
    .insert(messages)
    .values({ name: "Going out", channels: ["email"], filters: {}, status: "sending" })
    .returning();
  liveId = live!.id;
  liveDelivery = await d({ messageId: liveId, sentAt: now, dueAt: now });
  await d({ messageId: liveId, status: "queued", sentAt: null, dueAt: new Date(now.getTime() + 24 * HOUR) });

  // A profile whose notifications earned differently.
  const [profile] = await h.db.insert(communicationProfiles).values({ name: "School" }).returning();
  profileId = profile!.id;
  const ns = await h.db
    .insert(notifications)
    .values([
      { profileId, trigger: "job_selling", channel: "email", subject: HOSTILE, body: "Hi", position: 0 },
      { profileId, trigger: "photos_available", channel: "sms", subject: "", body: "Hi", position: 1 },
      { profileId, trigger: "job_archiving", channel: "email", subject: "Last call", body: "Hi", position: 2 },
    ])
    .returning();
  for (const [ni, count, buyers] of [
    [0, 12, 3],
    [1, 8, 1],
    [2, 5, 0],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const id = await d({ sourceType: "notification", notificationId: ns[ni]!.id, jobId: job!.id });
      if (i < buyers) {
        await engage(id, "click", "person", at(3));
        await order(3900 * (ni + 1), "EUR", id, at(5));
      }
    }
  }
  await h.logIn("owner@brightside.test", "correct horse battery");
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

test("a message's performance and chart at desktop and phone width, and printed", async () => {
  const { page } = h;
  await page.setViewportSize(DESKTOP);
  const res = await page.goto(`/messages/${messageId}`);
  const raw = (await res!.text()) ?? "";
  await expect(page.getByRole("heading", { name: "Performance" })).toBeDefined();
  expect(await page.locator('[data-perf="delivered"] strong').textContent()).toBe("39");
  // The chart's SVG is XML a strict parser takes, with the hostile name as text in its title.
  const svg = raw.match(/<svg viewBox[^>]*role="img"[\s\S]*?<\/svg>/)?.[0] ?? "";
  const parsed = await page.evaluate((s) => {
    const doc = new DOMParser().parseFromString(s, "image/svg+xml");
    return {
      error: doc.querySelector("parsererror")?.textContent ?? null,
      title: doc.querySelector("title")?.textContent,
    };
  }, svg);
  expect(parsed.error).toBeNull();
  expect(parsed.title).toStartWith(HOSTILE);
  // No script ran from the name.
  expect(await page.evaluate(() => document.querySelectorAll("script:not([src])").length)).toBe(0);
  const chart = page.getByRole("img", { name: /sent, opened and clicked over time/ });
  expect(await chart.count()).toBe(1);
  await page.screenshot({ path: `${SHOTS}/message-1280.png`, fullPage: true });
  await page.getByText("The chart's numbers").click();
  await page.locator(".chart-data").screenshot({ path: `${SHOTS}/message-table-1280.png` });

  await page.setViewportSize(PHONE);
  await page.goto(`/messages/${messageId}`);
  // At phone width nothing of the page is wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.screenshot({ path: `${SHOTS}/message-390.png`, fullPage: true });
  await page.locator("#performance figure").screenshot({ path: `${SHOTS}/message-chart-390.png` });

  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ media: "print" });
  await page.goto(`/messages/${messageId}`);
  // Printed: the numbers and chart, not the navigation or the buttons.
  expect(await page.locator("header.app").isVisible()).toBe(false);
  expect(await page.getByRole("button", { name: "Download as CSV" }).isVisible()).toBe(false);
  expect(await page.locator("#performance svg[role=img]").isVisible()).toBe(true);
  expect(await page.locator(".chart-data table").isVisible()).toBe(true);
  await page.screenshot({ path: `${SHOTS}/message-print.png`, fullPage: true });
  await page.emulateMedia({ media: "screen" });
});

test("the message page's numbers follow a send live, over SSE", async () => {
  const { page } = h;
  await page.setViewportSize(DESKTOP);
  await page.goto(`/messages/${liveId}`);
  expect(await page.locator('[data-perf="opened"] strong').textContent()).toBe("0");
  await h.db.insert(engagements).values({
    deliveryId: liveDelivery,
    customerId,
    type: "open",
    source: "pixel",
    kind: "person",
    occurredAt: new Date(),
  });
  await until(
    "the open to show",
    async () => (await page.locator('[data-perf="opened"] strong').textContent()) === "1",
  );
  expect(await page.locator('[data-perf="opened"] .rate-value').textContent()).toBe("100%");
});

test("'The chart's numbers', opened during a send, stays open through the live updates (and closed once closed)", async () => {
  const { page } = h;
  await page.setViewportSize(DESKTOP);
  await page.goto(`/messages/${liveId}`);
  const details = page.locator("details.chart-data");
  await page.locator("details.chart-data summary").click();
  expect(await details.getAttribute("open")).not.toBeNull();
  // Mark the section, then wait for a live update to replace it (each swaps it whole, out of band).
  const replaced = async () => {
    await page.evaluate(() => document.getElementById("performance")?.setAttribute("data-seen", ""));
    await until(
      "a live update to replace the section",
      async () => (await page.locator("#performance[data-seen]").count()) === 0,
    );
  };
  await replaced();
  // Before: each update rendered the <details> closed and the table snapped shut under the reader.
  expect(await details.getAttribute("open")).not.toBeNull();
  await page.locator("details.chart-data summary").click();
  await replaced();
  expect(await details.getAttribute("open")).toBeNull();
}, 60_000);

test("a profile's page: which notification earns what", async () => {
  const { page } = h;
  await page.setViewportSize(DESKTOP);
  await page.goto(`/profiles/${profileId}`);
  const chart = page.getByRole("img", { name: /Which notification earns what/ });
  expect(await chart.count()).toBe(1);
  expect(await page.locator('tr[data-total="all"]').textContent()).toContain("€195.00");
  await page.locator("#performance").screenshot({ path: `${SHOTS}/profile-1280.png` });
  await page.setViewportSize(PHONE);
  await page.locator("#performance").screenshot({ path: `${SHOTS}/profile-390.png` });
  await page.setViewportSize(DESKTOP);
});

test("a job's page: its notifications' numbers and total, at desktop and phone width", async () => {
  const { page } = h;
  await page.setViewportSize(DESKTOP);
  await page.goto(`/jobs/${jobId}`);
  expect(await page.locator('#performance [data-perf="revenue"] strong').textContent()).toBe("€195.00");
  await page.locator("#performance").screenshot({ path: `${SHOTS}/job-1280.png` });
  await page.setViewportSize(PHONE);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.locator("#performance").screenshot({ path: `${SHOTS}/job-390.png` });
  await page.setViewportSize(DESKTOP);
});

test("without JavaScript the chart, its numbers and the counts are all there", async () => {
  const context = await h.browser.newContext({
    baseURL: h.baseUrl,
    javaScriptEnabled: false,
    storageState: await h.context.storageState(),
  });
  const page = await context.newPage();
  await page.goto(`/messages/${messageId}`);
  expect(await page.locator('[data-perf="clicked"] strong').textContent()).toBe("8");
  expect(await page.getByRole("img", { name: /sent, opened and clicked over time/ }).isVisible()).toBe(true);
  await page.getByText("The chart's numbers").click();
  expect(await page.locator(".chart-data tbody tr").count()).toBeGreaterThan(10);
  await context.close();
});
