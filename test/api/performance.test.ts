// The API's numbers (issue 14, SPEC I3): a message's and a profile's `performance` (counts, revenue
// in the studio's currency, rates of delivered, null when nothing was delivered), each
// notification's own, and an order's `attributed_to` — the delivery whose click earned it.
// Deliveries and the click are seeded in the real schema (the click route is lane tracking's);
// orders come in through POST /api/v1/orders and POST /api/v1/events as an integration sends them.
import { describe, expect, test } from "bun:test";
import { engagements, messages } from "../../src/db/schema.ts";
import { deliverySeeder } from "../support/deliveries.ts";
import { type ApiApp, makeApiApp } from "./support.ts";

const NOW = new Date("2026-09-10T12:00:00Z");
const HOUR = 3_600_000;

async function shop() {
  const t = await makeApiApp({ now: NOW });
  const job = (await t.post("/jobs", { external_id: "JOB-1", name: "Oak Hill Elementary" })).body;
  const customer = (await t.post("/customers", { external_id: "CUS-1", first_name: "Ann", email: "ann@x.test" })).body;
  const delivery = deliverySeeder(t.db, {
    sourceType: "message",
    channel: "email",
    customerId: customer.id,
    toAddress: "ann@x.test",
    status: "delivered",
    sentAt: new Date(NOW.getTime() - 48 * HOUR),
    dueAt: new Date(NOW.getTime() - 48 * HOUR),
  });
  // A person's click, as the tracked redirect records it.
  const click = (deliveryId: number, at: Date) =>
    t.db
      .insert(engagements)
      .values({ deliveryId, customerId: customer.id, type: "click", source: "link", kind: "person", occurredAt: at });
  const message = async (name: string) =>
    (
      await t.db
        .insert(messages)
        .values({ name, channels: ["email"], filters: {}, status: "sent" })
        .returning()
    )[0]!;
  return { t, job, customer, delivery, click, message };
}

const order = (t: ApiApp, external_id: string, amount: number, ordered_at: string) =>
  t.post("/orders", { external_id, job_external_id: "JOB-1", customer_external_id: "CUS-1", amount, ordered_at });

describe("performance in the API", () => {
  test("a message nothing was delivered for: zero counts and rates of nothing (null), not 0", async () => {
    const { t, message, delivery } = await shop();
    const m = await message("Quiet");
    await delivery({ messageId: m.id, status: "skipped", sentAt: null, skipReason: "no_consent" });
    const res = await t.get(`/messages/${m.id}`);
    expect(res.status).toBe(200);
    expect(res.body.performance).toEqual({
      sent: 0,
      delivered: 0,
      bounced: 0,
      opened: 0,
      clicked: 0,
      unsubscribed: 0,
      ordered: 0,
      orders: 0,
      revenue: 0,
      revenue_minor: 0,
      currency: "USD",
      rates: { delivered: null, bounced: null, opened: null, clicked: null, unsubscribed: null, ordered: null },
      opened_is_estimate: true,
      machine_opens: 0,
      machine_clicks: 0,
      awaiting_report: 0,
      other_currency_orders: 0,
    });
  });

  test("orders after a click, by POST /orders and by an order_placed event, count as ordered with their revenue", async () => {
    const { t, message, delivery, click } = await shop();
    const m = await message("Autumn sale");
    const clicked = await delivery({ messageId: m.id });
    await delivery({ messageId: m.id, customerId: null, toAddress: "other@x.test" });
    await click(clicked, new Date(NOW.getTime() - 24 * HOUR));

    const first = await order(t, "ORD-1", 24.9, "2026-09-10T10:00:00Z");
    expect(first.status).toBe(201);
    expect(first.body.attributed_to).toEqual({ delivery_id: clicked, message_id: m.id, notification_id: null });
    const second = await t.post("/events", {
      type: "order_placed",
      external_id: "ORD-2",
      job_external_id: "JOB-1",
      customer_external_id: "CUS-1",
      amount: "10.10",
      ordered_at: "2026-09-10T11:00:00Z",
    });
    expect(second.status).toBe(201);
    expect(second.body.order.attributed_to).toEqual({ delivery_id: clicked, message_id: m.id, notification_id: null });
    expect((await t.get(`/orders/${first.body.id}`)).body.attributed_to.delivery_id).toBe(clicked);

    const p = (await t.get(`/messages/${m.id}`)).body.performance;
    // One reader, two orders: one buyer of two delivered (50 %), both orders in the revenue.
    expect(p).toMatchObject({
      sent: 2,
      delivered: 2,
      clicked: 1,
      ordered: 1,
      orders: 2,
      revenue: 35,
      revenue_minor: 3500,
    });
    expect(p.rates).toMatchObject({ delivered: 1, clicked: 0.5, ordered: 0.5 });
  });

  test("an order with no click before it, or after the window, is attributed to nothing", async () => {
    const { t, message, delivery, click } = await shop();
    const m = await message("Autumn sale");
    const d = await delivery({ messageId: m.id });
    await click(d, new Date("2026-09-01T12:00:00Z"));
    const early = await order(t, "ORD-0", 5, "2026-09-01T11:00:00Z");
    const late = await order(t, "ORD-9", 5, "2026-09-09T12:00:01Z");
    expect([early.body.attributed_to, late.body.attributed_to]).toEqual([null, null]);
    expect((await t.get(`/messages/${m.id}`)).body.performance.ordered).toBe(0);
  });

  test("a profile gives its numbers and each notification its own", async () => {
    const { t, job, delivery, click } = await shop();
    const profiles = (await t.get("/profiles")).body.data;
    const profile = profiles.find((p: { notifications: unknown[] }) => p.notifications.length >= 2);
    const [earner, quiet] = profile.notifications;
    const n = (id: number) => ({ sourceType: "notification" as const, notificationId: id, jobId: job.id });
    const d = await delivery(n(earner.id));
    await delivery({ ...n(earner.id), status: "bounced" });
    await click(d, new Date(NOW.getTime() - HOUR));
    await order(t, "ORD-1", 40, "2026-09-10T11:30:00Z");

    const res = await t.get(`/profiles/${profile.id}`);
    expect(res.status).toBe(200);
    expect(res.body.performance).toMatchObject({ sent: 2, delivered: 1, bounced: 1, ordered: 1, revenue: 40 });
    expect(res.body.performance.rates).toMatchObject({ delivered: 0.5, bounced: 0.5, ordered: 1 });
    const of = (id: number) => res.body.notifications.find((x: { id: number }) => x.id === id).performance;
    expect(of(earner.id)).toMatchObject({ sent: 2, ordered: 1, revenue: 40, rates: { ordered: 1 } });
    expect(of(quiet.id)).toMatchObject({ sent: 0, ordered: 0, rates: { delivered: null, ordered: null } });
    // What GET answers for a profile of one's own can be sent back unchanged: the numbers are ignored.
    const own = await t.post("/profiles", {
      name: "Mine",
      notifications: profile.notifications.map(({ id: _, ...rest }: { id: number }) => rest),
    });
    expect(own.status).toBe(201);
    const got = await t.get(`/profiles/${own.body.id}`);
    expect(got.body.performance.sent).toBe(0);
    const echo = await t.put(`/profiles/${own.body.id}`, got.body);
    expect([echo.status, echo.body.performance.sent]).toEqual([200, 0]);
  });

  test("what GET answers for a message can be sent back unchanged, performance and all", async () => {
    const { t } = await shop();
    const made = await t.post("/messages", {
      external_id: "m-1",
      name: "Hello",
      channels: ["email"],
      subject: "Hi",
      body: "Hello",
    });
    const got = await t.get(`/messages/${made.body.id}`);
    expect(got.body.performance.sent).toBe(0);
    const echo = await t.post("/messages", got.body);
    expect([echo.status, echo.body?.error?.fields]).toEqual([200, undefined]);
  });
});
