import { describe, expect, test } from "bun:test";
import { events, orders } from "../../src/db/schema.ts";
import { type ApiApp, fieldsOf, makeApiApp, rows } from "./support.ts";

async function shop(t: ApiApp) {
  const job = (await t.post("/jobs", { external_id: "JOB-1", name: "Oak Hill Elementary" })).body;
  const customer = (await t.post("/customers", { external_id: "CUS-1", first_name: "Ann" })).body;
  return { job, customer };
}

describe("POST /api/v1/orders", () => {
  test("records the order in minor units of the studio's currency (dollars by default) and one order_placed event", async () => {
    const t = await makeApiApp({ now: new Date("2026-09-22T10:00:00Z") });
    const { job, customer } = await shop(t);
    const res = await t.post("/orders", {
      external_id: "ORD-1",
      job_external_id: "JOB-1",
      customer_external_id: "CUS-1",
      amount: 24.9,
      ordered_at: "2026-09-21T15:04:00+02:00",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      external_id: "ORD-1",
      job_id: job.id,
      customer_id: customer.id,
      amount: 24.9,
      amount_minor: 2490,
      currency: "USD",
      ordered_at: "2026-09-21T13:04:00.000Z",
    });
    const [row] = await t.db.select().from(orders);
    expect(row).toMatchObject({ amountMinor: 2490, currency: "USD", jobId: job.id, customerId: customer.id });
    const [event] = await t.db.select().from(events);
    expect(event).toMatchObject({
      type: "order_placed",
      orderId: row!.id,
      jobId: job.id,
      customerId: customer.id,
      source: "api",
    });
    expect(event!.occurredAt.toISOString()).toBe("2026-09-21T13:04:00.000Z");
  });

  test("the same external_id corrects the order without a second row or event", async () => {
    const t = await makeApiApp();
    await shop(t);
    const first = await t.post("/orders", {
      external_id: "ORD-1",
      job_external_id: "JOB-1",
      customer_external_id: "CUS-1",
      amount: "19.90",
    });
    const again = await t.post("/orders", { external_id: "ORD-1", amount: "34.5" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      id: first.body.id,
      amount: 34.5,
      amount_minor: 3450,
      ordered_at: first.body.ordered_at,
    });
    expect(await rows(t.db, orders)).toBe(1);
    expect(await rows(t.db, events)).toBe(1);
    expect((await t.get(`/orders/${first.body.id}`)).body.amount_minor).toBe(3450);
  });

  test("amounts must be decimals with at most two places; references must exist", async () => {
    const t = await makeApiApp();
    const { job, customer } = await shop(t);
    const refs = { job_id: job.id, customer_id: customer.id };
    for (const amount of [-1, "abc", "12,50", null]) {
      expect(fieldsOf(await t.post("/orders", { ...refs, amount }))).toEqual({
        amount: "must be an amount like 24.90",
      });
    }
    expect(fieldsOf(await t.post("/orders", { ...refs, amount: 1.234 }))).toEqual({
      amount: "must have at most 2 decimal places for USD",
    });
    expect((await t.post("/orders", { ...refs, amount: 0 })).body.amount_minor).toBe(0);
    expect((await t.post("/orders", { ...refs, amount: 120 })).body.amount_minor).toBe(12000);
    expect(fieldsOf(await t.post("/orders", { ...refs, amount: 5, ordered_at: "yesterday" }))).toEqual({
      ordered_at: "must be a date and time like 2026-09-14T09:30:00Z",
    });
    expect(fieldsOf(await t.post("/orders", { amount: 5 }))).toEqual({
      job_id: "is required (or give job_external_id)",
      customer_id: "is required (or give customer_external_id)",
    });
    expect(fieldsOf(await t.post("/orders", { job_id: job.id, customer_external_id: "CUS-404", amount: 5 }))).toEqual({
      customer_external_id: "no customer with this external_id",
    });
    expect(await rows(t.db, orders)).toBe(2);
    expect(await rows(t.db, events)).toBe(2);
  });
});

describe("an order dated in the future (eyes walk)", () => {
  test("POST, PUT and an order_placed event refuse an ordered_at more than a day ahead, naming the field and writing nothing", async () => {
    const now = new Date("2026-10-20T10:00:00Z");
    const t = await makeApiApp({ now });
    await shop(t);
    const refs = { job_external_id: "JOB-1", customer_external_id: "CUS-1", amount: "24.90" };
    const future = "2026-10-23T10:00:00Z";
    const refusal = { ordered_at: "must not be in the future (more than a day ahead of now)" };
    const posted = await t.post("/orders", { ...refs, external_id: "ORD-F", ordered_at: future });
    expect(posted.status).toBe(422);
    expect(fieldsOf(posted)).toEqual(refusal);
    // An inline customer is not made for an order refused.
    const inline = await t.post("/orders", {
      job_external_id: "JOB-1",
      customer: { external_id: "CUS-NEW", first_name: "Ben" },
      amount: "5",
      ordered_at: future,
    });
    expect(fieldsOf(inline)).toEqual(refusal);
    expect((await t.get("/customers?external_id=CUS-NEW")).body?.data?.length ?? 0).toBe(0);
    const event = await t.post("/events", { type: "order_placed", ...refs, ordered_at: future });
    expect(event.status).toBe(422);
    expect(fieldsOf(event)).toEqual(refusal);
    expect(await rows(t.db, orders)).toBe(0);
    expect(await rows(t.db, events)).toBe(0);

    // Within a day ahead (a shop's clock a little fast) it is taken; a correction to next year is not.
    const ok = await t.post("/orders", { ...refs, external_id: "ORD-1", ordered_at: "2026-10-20T20:00:00Z" });
    expect(ok.status).toBe(201);
    const put = await t.put(`/orders/${ok.body.id}`, { ...refs, ordered_at: "2027-10-20T10:00:00Z" });
    expect(put.status).toBe(422);
    expect(fieldsOf(put)).toEqual(refusal);
    expect((await t.get(`/orders/${ok.body.id}`)).body.ordered_at).toBe("2026-10-20T20:00:00.000Z");
    expect(await rows(t.db, events)).toBe(1);
  });
});
