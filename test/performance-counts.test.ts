// What a message achieved (issue 14), counted from deliveries seeded in the real schema: rates
// are of delivered (opens of delivered e-mails), machines are left out and counted apart,
// orders count for the delivery they are attributed to, revenue only in the studio's currency.
import { expect, test } from "bun:test";
import { performanceJson, performanceRates } from "../src/core/performance.ts";
import { createCustomer } from "../src/db/customers.ts";
import { performanceByNotification, performanceOf } from "../src/db/performance.ts";
import { deliveryEvents, jobs, messages, notifications } from "../src/db/schema.ts";
import { makeTestApp } from "./support/app.ts";
import { attributedOrderSeeder, deliveredEmailSeeder, engagementSeeder } from "./support/deliveries.ts";

const noon = new Date("2026-09-01T17:00:00Z");

async function seeded() {
  const t = await makeTestApp({ now: noon });
  const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", consent: {} }, "test", noon);
  const [job] = await t.db.insert(jobs).values({ name: "Spring school", type: "school", year: 2026 }).returning();
  const [m] = await t.db
    .insert(messages)
    .values({ name: "Sale", channels: ["email"], filters: {}, status: "sent" })
    .returning();
  const [n] = await t.db.select().from(notifications).limit(1);
  const d = deliveredEmailSeeder(t.db, { customerId: cu.id, toAddress: "anna@x.test", sentAt: noon, messageId: m!.id });
  const engage = engagementSeeder(t.db, cu.id, noon);
  const order = attributedOrderSeeder(t.db, job!.id, cu.id, noon);
  return { t, cu, job: job!, m: m!, n: n!, d, engage, order };
}

test("a message's numbers: machines apart, rates of delivered, revenue in the studio's currency", async () => {
  const { t, m, d, engage, order } = await seeded();
  const a = await d({});
  const b = await d({});
  await d({ status: "bounced" });
  const sms = await d({ channel: "sms", toAddress: "+15555550100" });
  await d({ status: "skipped", sentAt: null, skipReason: "no_consent" });
  await d({ sourceType: "test", messageId: null });
  await engage(a, "open", "person");
  await engage(a, "open", "privacy_proxy");
  await engage(b, "open", "privacy_proxy");
  await engage(a, "click", "person");
  await engage(b, "click", "scanner");
  await engage(sms, "click", "person");
  await t.db.insert(deliveryEvents).values({ deliveryId: b, type: "unsubscribed", occurredAt: noon });
  await order(2490, "USD", a);
  await order(1000, "USD", sms);
  await order(5000, "EUR", a);

  const p = await performanceOf(t.db, { messageId: m.id }, "USD");
  expect(p).toMatchObject({
    sent: 4,
    delivered: 3,
    deliveredEmails: 2,
    bounced: 1,
    opened: 1,
    clicked: 2,
    unsubscribed: 1,
    machineOpens: 1,
    machineClicks: 1,
    ordered: 2,
    orders: 3,
    revenueMinor: 3490,
    otherCurrencyOrders: 1,
  });
  const rates = performanceRates(p);
  expect(rates.delivered).toBe(3 / 4);
  expect(rates.opened).toBe(1 / 2);
  expect(rates.clicked).toBe(2 / 3);
  expect(rates.ordered).toBe(2 / 3);
  expect(performanceJson(p)).toMatchObject({
    ordered: 2,
    orders: 3,
    revenue: 34.9,
    currency: "USD",
    opened_is_estimate: true,
  });
});

test("nothing sent: counts are zero and rates are null, not 0 %", async () => {
  const { t, m } = await seeded();
  const p = await performanceOf(t.db, { messageId: m.id }, "EUR");
  expect(p.sent).toBe(0);
  expect(performanceRates(p)).toEqual({
    delivered: null,
    bounced: null,
    opened: null,
    clicked: null,
    unsubscribed: null,
    ordered: null,
  });
});

test("a notification's deliveries count for it, its job and its profile, not for a message", async () => {
  const { t, job, m, n, d, engage } = await seeded();
  const x = await d({ sourceType: "notification", messageId: null, notificationId: n.id, jobId: job.id });
  await engage(x, "click", "person");
  expect((await performanceOf(t.db, { notificationId: n.id }, "USD")).clicked).toBe(1);
  expect((await performanceOf(t.db, { jobId: job.id }, "USD")).delivered).toBe(1);
  expect((await performanceOf(t.db, { profileId: n.profileId }, "USD")).sent).toBe(1);
  expect((await performanceOf(t.db, { messageId: m.id }, "USD")).sent).toBe(0);
  const byNotification = await performanceByNotification(t.db, { jobId: job.id }, "USD");
  expect([...byNotification.keys()]).toEqual([n.id]);
  expect(byNotification.get(n.id)?.clicked).toBe(1);
});

test("one reader who orders three times is one buyer: the buy rate stays within 100 %, every order is counted", async () => {
  const { t, job, m, n, d, engage, order } = await seeded();
  const a = await d({});
  await d({});
  const x = await d({ sourceType: "notification", messageId: null, notificationId: n.id, jobId: job.id });
  await engage(a, "click", "person");
  await engage(x, "click", "person");
  const buy = (attributedDeliveryId: number, amountMinor: number) => order(amountMinor, "USD", attributedDeliveryId);
  for (const amountMinor of [1000, 2490, 3980]) await buy(a, amountMinor);
  await buy(x, 500);
  await buy(x, 700);
  const p = await performanceOf(t.db, { messageId: m.id }, "USD");
  expect(p).toMatchObject({ delivered: 2, ordered: 1, orders: 3, revenueMinor: 7470 });
  expect(performanceRates(p).ordered).toBe(1 / 2);
  expect(performanceJson(p)).toMatchObject({ ordered: 1, orders: 3, revenue: 74.7, rates: { ordered: 1 / 2 } });
  // The same per notification (a profile's or a job's table).
  const byNotification = await performanceByNotification(t.db, { jobId: job.id }, "USD");
  expect(byNotification.get(n.id)).toMatchObject({ delivered: 1, ordered: 1, orders: 2, revenueMinor: 1200 });
  expect(performanceRates(byNotification.get(n.id)!).ordered).toBe(1);
});

test("an e-mail whose link a person followed counts as opened, even without an open; an SMS click opens nothing", async () => {
  const { t, m, d, engage } = await seeded();
  const mail = await d({});
  const sms = await d({ channel: "sms", toAddress: "+15555550100" });
  await engage(mail, "click", "person");
  await engage(sms, "click", "person");
  const p = await performanceOf(t.db, { messageId: m.id }, "USD");
  expect(p).toMatchObject({ opened: 1, clicked: 2, deliveredEmails: 1 });
  expect(performanceRates(p).opened).toBe(1);
});
