// Outside review (issue 14, eyes-break2): failing tests for what broke. Each test names the
// finding; seeded straight into the real schema like test/performance-pages.test.ts.
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createCustomer } from "../src/db/customers.ts";
import {
  communicationProfiles,
  deliveries,
  engagements,
  jobs,
  messages,
  notifications,
  orders,
} from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { makeApiApp } from "./api/support.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { deliverySeeder } from "./support/deliveries.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const squash = (s: string) => s.replace(/\s+/g, " ").trim();
const card = (html: string, key: string) =>
  squash(
    html.match(new RegExp(`<article data-perf="${key}">([\\s\\S]*?)</article>`))?.[1]?.replace(/<[^>]+>/g, " ") ?? "",
  );

async function studio(now: Date, settings: Record<string, unknown> = {}) {
  const t = await makeTestApp({ now });
  const b = await signedInOwner(t);
  await updateSettings(t.db, { timeZone: "Europe/Berlin", currency: "EUR", locale: "en", ...settings }, now);
  const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", consent: {} }, "test", now);
  const [job] = await t.db.insert(jobs).values({ name: "Spring", type: "school", year: 2026 }).returning();
  let k = 0;
  const d = async (v: Partial<typeof deliveries.$inferInsert>) =>
    (
      await t.db
        .insert(deliveries)
        .values({
          deliveryKey: `k${++k}`,
          sourceType: "message",
          channel: "email",
          customerId: cu.id,
          toAddress: "anna@x.test",
          status: "delivered",
          sentAt: now,
          dueAt: now,
          ...v,
        })
        .returning()
    )[0]!.id;
  const click = (deliveryId: number, when: Date) =>
    t.db
      .insert(engagements)
      .values({ deliveryId, customerId: cu.id, type: "click", source: "link", kind: "person", occurredAt: when });
  const order = (amountMinor: number, deliveryId: number, when: Date) =>
    t.db.insert(orders).values({
      jobId: job!.id,
      customerId: cu.id,
      amountMinor,
      currency: "EUR",
      orderedAt: when,
      attributedDeliveryId: deliveryId,
    });
  return { t, b, job: job!, d, click, order };
}

test("F1: the order rate is 'of delivered' and never above 100 % (3 orders from 1 delivered e-mail)", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { t, b, d, order } = await studio(new Date(sent.getTime() + DAY));
  const [m] = await t.db
    .insert(messages)
    .values({ name: "M", channels: ["email"], filters: {}, status: "sent" })
    .returning();
  const a = await d({ messageId: m!.id, sentAt: sent, dueAt: sent });
  for (let i = 0; i < 3; i++) await order(1000, a, new Date(sent.getTime() + HOUR));
  // Today: "Ordered 3 300% of delivered".
  expect(card((await b.get(`/messages/${m!.id}`)).text, "ordered")).not.toContain("300%");
});

test("F1 (API): rates.ordered is a fraction of delivered, at most 1", async () => {
  const NOW = new Date("2026-09-10T12:00:00Z");
  const t = await makeApiApp({ now: NOW });
  await t.post("/jobs", { external_id: "JOB-1", name: "Oak" });
  const c = (await t.post("/customers", { external_id: "CUS-1", first_name: "Ann", email: "ann@x.test" })).body;
  const [m] = await t.db
    .insert(messages)
    .values({ name: "M", channels: ["email"], filters: {}, status: "sent" })
    .returning();
  const seed = deliverySeeder(t.db, {
    sourceType: "message",
    channel: "email",
    customerId: c.id,
    toAddress: "ann@x.test",
    status: "delivered",
    sentAt: new Date(NOW.getTime() - DAY),
    dueAt: new Date(NOW.getTime() - DAY),
  });
  const dl = await seed({ messageId: m!.id });
  await t.db.insert(engagements).values({
    deliveryId: dl,
    customerId: c.id,
    type: "click",
    source: "link",
    kind: "person",
    occurredAt: new Date(NOW.getTime() - HOUR),
  });
  for (const id of ["o1", "o2", "o3"])
    await t.post("/orders", {
      external_id: id,
      job_external_id: "JOB-1",
      customer_external_id: "CUS-1",
      amount: 10,
      ordered_at: NOW.toISOString(),
    });
  const p = (await t.get(`/messages/${m!.id}`)).body.performance;
  // Today: rates.ordered === 3.
  expect(p.rates.ordered).toBeLessThanOrEqual(1);
});

test("F2: a day-bucket chart across the end of summer time labels each day once, with its own date", async () => {
  const start = new Date("2026-10-20T10:00:00Z"); // 12:00 CEST; summer time ends 2026-10-25
  const { t, b, d } = await studio(new Date("2026-12-01T10:00:00Z"));
  const [m] = await t.db
    .insert(messages)
    .values({ name: "Long", channels: ["email"], filters: {}, status: "sent" })
    .returning();
  for (let i = 0; i < 40; i++)
    await d({
      messageId: m!.id,
      sentAt: new Date(start.getTime() + i * DAY),
      dueAt: new Date(start.getTime() + i * DAY),
    });
  const html = (await b.get(`/messages/${m!.id}`)).text;
  const table = html.match(/<details class="chart-data">[\s\S]*?<\/details>/)?.[0] ?? "";
  const days = [...table.matchAll(/<tr>\s*<t[dh][^>]*>([^<]*)</g)]
    .map((r) => r[1]!.trim())
    .filter((s) => /^\d{4}-/.test(s));
  // Today: "2026-10-25" twice, and every later row a day early (the send of 11-28 under "2026-11-27").
  expect(new Set(days).size).toBe(days.length);
  expect(days[days.length - 1]).toBe("2026-11-28");
});

test("F3: a notification deleted after sending still counts: job rows add up to the job's total, the profile keeps its revenue", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { t, b, d, order, click, job } = await studio(new Date(sent.getTime() + DAY));
  const [profile] = await t.db.insert(communicationProfiles).values({ name: "School" }).returning();
  const [n1, n2] = await t.db
    .insert(notifications)
    .values([
      { profileId: profile!.id, trigger: "job_selling", channel: "email", subject: "Sell", body: "Hi", position: 0 },
      { profileId: profile!.id, trigger: "job_archiving", channel: "email", subject: "Last", body: "Hi", position: 1 },
    ])
    .returning();
  const x = await d({ sourceType: "notification", notificationId: n1!.id, jobId: job.id });
  const y = await d({ sourceType: "notification", notificationId: n2!.id, jobId: job.id });
  await click(x, new Date(sent.getTime() + HOUR));
  await order(5000, x, new Date(sent.getTime() + 2 * HOUR));
  await order(7000, y, new Date(sent.getTime() + 2 * HOUR));
  const before = (await b.get(`/profiles/${profile!.id}`)).text;
  const totalOf = (html: string) =>
    squash((html.match(/<tr data-total="all">([\s\S]*?)<\/tr>/)?.[1] ?? "").replace(/<[^>]+>/g, " "));
  expect(totalOf(before)).toContain("€120.00");
  await t.db.delete(notifications).where(eq(notifications.id, n1!.id));
  // Today the profile's total drops to "1 1 100% … €70.00": the €50 the deleted e-mail earned is gone.
  expect(totalOf((await b.get(`/profiles/${profile!.id}`)).text)).toContain("€120.00");
  // Today the job lists only "Last … €70.00" under a total of "2 … €120.00", nothing for the other €50.
  const jobHtml = (await b.get(`/jobs/${job.id}`)).text;
  const rowRevenue = [...jobHtml.matchAll(/<tr data-notification="[^"]*">([\s\S]*?)<\/tr>/g)]
    .map((r) => Number(r[1]!.match(/€([\d.,]+)/)?.[1]?.replace(/,/g, "") ?? 0))
    .reduce((a, v) => a + v, 0);
  expect(rowRevenue).toBe(120);
});

test("F4: a German studio's counts use the German grouping like its rates and money do (1.234, not 1,234)", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { t, b, d } = await studio(new Date(sent.getTime() + DAY), { locale: "de" });
  const [m] = await t.db
    .insert(messages)
    .values({ name: "M", channels: ["email"], filters: {}, status: "sent" })
    .returning();
  for (let i = 0; i < 1234; i++) await d({ messageId: m!.id });
  const html = (await b.get(`/messages/${m!.id}`)).text;
  // Today: "Sent 1,234" beside "Revenue 0,00 €" and "0,1 %": 1,234 reads as one point two in German.
  expect(card(html, "sent")).toBe("Sent 1.234");
}, 60_000);

test("F5: changing the attribution window does not move an order already attributed when the shop re-sends it", async () => {
  const NOW = new Date("2026-09-30T12:00:00Z");
  const t = await makeApiApp({ now: NOW });
  await updateSettings(t.db, { attributionDays: 30 }, NOW);
  await t.post("/jobs", { external_id: "JOB-1", name: "Oak" });
  const c = (await t.post("/customers", { external_id: "CUS-1", first_name: "Ann", email: "ann@x.test" })).body;
  const [m] = await t.db
    .insert(messages)
    .values({ name: "M", channels: ["email"], filters: {}, status: "sent" })
    .returning();
  const dl = await deliverySeeder(t.db, {
    sourceType: "message",
    channel: "email",
    customerId: c.id,
    toAddress: "ann@x.test",
    status: "delivered",
    sentAt: new Date(NOW.getTime() - 25 * DAY),
    dueAt: new Date(NOW.getTime() - 25 * DAY),
    messageId: m!.id,
  })();
  await t.db.insert(engagements).values({
    deliveryId: dl,
    customerId: c.id,
    type: "click",
    source: "link",
    kind: "person",
    occurredAt: new Date(NOW.getTime() - 20 * DAY),
  });
  const body = {
    external_id: "o1",
    job_external_id: "JOB-1",
    customer_external_id: "CUS-1",
    amount: 10,
    ordered_at: NOW.toISOString(),
  };
  expect((await t.post("/orders", body)).body.attributed_to).not.toBeNull();
  // Settings hint: "A change applies to orders written from now on."
  await updateSettings(t.db, { attributionDays: 7 }, NOW);
  // The same order sent again unchanged (a nightly sync): today attributed_to becomes null and €10 leaves the message.
  expect((await t.post("/orders", body)).body.attributed_to).not.toBeNull();
  expect((await t.get(`/messages/${m!.id}`)).body.performance.revenue).toBe(10);
});

test("F6: a text answered with STOP was delivered: Unsubscribed is never counted against nothing delivered", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { t, b, d } = await studio(new Date(sent.getTime() + DAY));
  const [m] = await t.db
    .insert(messages)
    .values({ name: "S", channels: ["sms"], filters: {}, status: "sent" })
    .returning();
  // Twilio sent it; no status callback came back (PUBLIC_URL unset, or the callback lost), as often with SMS.
  const x = await d({ messageId: m!.id, channel: "sms", toAddress: "+15555550100", status: "sent" });
  const { recordUnsubscribed } = await import("../src/db/unsubscribe-events.ts");
  const [cu] = await t.db.select().from(deliveries).where(eq(deliveries.id, x));
  await recordUnsubscribed(t.db, x, cu!.customerId!, new Date(sent.getTime() + HOUR));
  const html = (await b.get(`/messages/${m!.id}`)).text;
  // Today: "Delivered 0 0% of sent" beside "Unsubscribed 1 – of delivered".
  expect(card(html, "delivered")).toBe("Delivered 1 100% of sent");
});

test("F7: a free order (0.00 in the studio's currency) is not listed as 'in another currency' in the chart's table", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { t, b, d, order } = await studio(new Date(sent.getTime() + DAY));
  const [m] = await t.db
    .insert(messages)
    .values({ name: "M", channels: ["email"], filters: {}, status: "sent" })
    .returning();
  const a = await d({ messageId: m!.id, sentAt: sent, dueAt: sent });
  await order(0, a, new Date(sent.getTime() + HOUR));
  const html = (await b.get(`/messages/${m!.id}`)).text;
  const table = html.match(/<details class="chart-data">[\s\S]*?<\/details>/)?.[0] ?? "";
  expect(html).not.toContain("in another currency than EUR");
  // Today the row reads "… 1 in another currency".
  expect(table).not.toContain("in another currency");
});

test("F8: the profile page shows each notification's bounced and unsubscribed (issue 14 §4), not only sent…revenue", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { t, b, d, job } = await studio(new Date(sent.getTime() + DAY));
  const [profile] = await t.db.insert(communicationProfiles).values({ name: "School" }).returning();
  const [n1] = await t.db
    .insert(notifications)
    .values([
      { profileId: profile!.id, trigger: "job_selling", channel: "email", subject: "Sell", body: "Hi", position: 0 },
    ])
    .returning();
  const x = await d({ sourceType: "notification", notificationId: n1!.id, jobId: job.id, sentAt: sent });
  await d({ sourceType: "notification", notificationId: n1!.id, jobId: job.id, sentAt: sent, status: "bounced" });
  const { recordUnsubscribed } = await import("../src/db/unsubscribe-events.ts");
  const [row] = await t.db.select().from(deliveries).where(eq(deliveries.id, x));
  await recordUnsubscribed(t.db, x, row!.customerId!, new Date(sent.getTime() + HOUR));
  const html = (await b.get(`/profiles/${profile!.id}`)).text;
  const perf = html.match(/<section id="performance"[\s\S]*?<\/section>/)?.[0] ?? "";
  // Today the table's columns are Sent, Delivered, Opened, Clicked, Ordered, Revenue: neither number is anywhere on the page.
  expect(perf).toContain("Unsubscribed");
  expect(perf).toContain("Bounced");
});

test("F10: the README's map names every module issue 14 added", async () => {
  const readme = await Bun.file(`${import.meta.dir}/../README.md`).text();
  // Today core/performance.ts (the rates), db/performance.ts (the counts) and db/attribution.ts (last click wins) are missing.
  for (const file of ["performance.ts", "attribution.ts"])
    expect(readme).toMatch(new RegExp(`(^|[\\s,(])${file.replace(".", "\\.")}`, "m"));
});
