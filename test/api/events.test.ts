import { describe, expect, test } from "bun:test";
import { appointments, events, orders, registrations } from "../../src/db/schema.ts";
import { type ApiApp, fieldsOf, makeApiApp, rows } from "./support.ts";

async function shop(t: ApiApp) {
  const job = (await t.post("/jobs", { external_id: "JOB-1", name: "Oak Hill Elementary" })).body;
  const customer = (await t.post("/customers", { external_id: "CUS-1", first_name: "Ann" })).body;
  return { job, customer };
}

const recorded = async (t: ApiApp) => (await t.db.select().from(events)).map((e) => [e.type, e.jobId, e.customerId]);

describe("POST /api/v1/events", () => {
  test("photos_available registers if needed, makes photos available from now, and is recorded once", async () => {
    const t = await makeApiApp({ now: new Date("2026-09-20T08:00:00Z") });
    const { job, customer } = await shop(t);
    const res = await t.post("/events", {
      type: "photos_available",
      job_external_id: "JOB-1",
      customer_external_id: "CUS-1",
      photos_count: 12,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: "photos_available",
      registration: {
        job_id: job.id,
        customer_id: customer.id,
        photos_available_at: "2026-09-20T08:00:00.000Z",
        photos_count: 12,
      },
    });
    expect(await recorded(t)).toEqual([
      ["customer_registered", job.id, customer.id],
      ["photos_available", job.id, customer.id],
    ]);

    t.setNow(new Date("2026-09-21T08:00:00Z"));
    const again = await t.post("/events", { type: "photos_available", job_id: job.id, customer_id: customer.id });
    expect(again.status).toBe(200);
    expect(again.body.registration.photos_available_at).toBe("2026-09-20T08:00:00.000Z");
    expect(await rows(t.db, events)).toBe(2);
    expect(await rows(t.db, registrations)).toBe(1);
  });

  test("photos_available for a registered customer records only photos_available, at the time given", async () => {
    const t = await makeApiApp();
    const { job, customer } = await shop(t);
    await t.post("/registrations", { job_id: job.id, customer_id: customer.id });
    await t.post("/events", {
      type: "photos_available",
      job_id: job.id,
      customer_id: customer.id,
      photos_available_at: "2026-09-18T06:00:00Z",
    });
    const [, photos] = await t.db.select().from(events);
    expect(photos).toMatchObject({ type: "photos_available", jobId: job.id, customerId: customer.id, source: "api" });
    expect(photos!.occurredAt.toISOString()).toBe("2026-09-18T06:00:00.000Z");
    expect(await rows(t.db, events)).toBe(2);
  });

  test("photos_available for a registration named by its external_id makes its photos available", async () => {
    const t = await makeApiApp({ now: new Date("2026-09-20T08:00:00Z") });
    const { job, customer } = await shop(t);
    await t.post("/registrations", { external_id: "REG-1", job_id: job.id, customer_id: customer.id });
    const res = await t.post("/events", { type: "photos_available", external_id: "REG-1" });
    expect(res.status).toBe(200);
    expect(res.body.registration).toMatchObject({
      external_id: "REG-1",
      photos_available_at: "2026-09-20T08:00:00.000Z",
    });
    expect(await recorded(t)).toEqual([
      ["customer_registered", job.id, customer.id],
      ["photos_available", job.id, customer.id],
    ]);
  });

  test("customer_registered registers once", async () => {
    const t = await makeApiApp();
    const { job, customer } = await shop(t);
    const body = {
      type: "customer_registered",
      job_external_id: "JOB-1",
      customer_external_id: "CUS-1",
      access_code: "OAK-1",
    };
    const res = await t.post("/events", body);
    expect(res.status).toBe(201);
    expect(res.body.registration).toMatchObject({ access_code: "OAK-1", photos_available_at: null });
    expect((await t.post("/events", body)).status).toBe(200);
    expect(await recorded(t)).toEqual([["customer_registered", job.id, customer.id]]);
  });

  test("order_placed records the order and its event once per external_id", async () => {
    const t = await makeApiApp();
    const { job, customer } = await shop(t);
    const body = {
      type: "order_placed",
      external_id: "ORD-1",
      job_external_id: "JOB-1",
      customer_external_id: "CUS-1",
      amount: 24.9,
    };
    const res = await t.post("/events", body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: "order_placed",
      order: { external_id: "ORD-1", amount_minor: 2490, currency: "USD" },
    });
    expect((await t.post("/events", body)).status).toBe(200);
    expect(await rows(t.db, orders)).toBe(1);
    expect(await recorded(t)).toEqual([["order_placed", job.id, customer.id]]);
  });

  test("appointment_booked books the appointment and records its event", async () => {
    const t = await makeApiApp();
    const { customer } = await shop(t);
    const res = await t.post("/events", {
      type: "appointment_booked",
      external_id: "APT-1",
      customer_external_id: "CUS-1",
      starts_at: "2026-10-02T15:00:00Z",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: "appointment_booked",
      appointment: { external_id: "APT-1", customer_id: customer.id, starts_at: "2026-10-02T15:00:00.000Z" },
    });
    expect(await rows(t.db, appointments)).toBe(1);
    expect(await recorded(t)).toEqual([["appointment_booked", null, customer.id]]);
  });

  test("an unknown type, or a type without its fields, is a 422 and records nothing", async () => {
    const t = await makeApiApp();
    await shop(t);
    const unknown = await t.post("/events", { type: "photos_printed" });
    expect(unknown.status).toBe(422);
    expect(fieldsOf(unknown)).toEqual({
      type: "must be one of photos_available, order_placed, customer_registered, appointment_booked",
    });
    expect(
      fieldsOf(
        await t.post("/events", { type: "order_placed", job_external_id: "JOB-1", customer_external_id: "CUS-1" }),
      ),
    ).toEqual({ amount: "must be an amount like 24.90" });
    expect(
      fieldsOf(
        await t.post("/events", {
          type: "photos_available",
          job_external_id: "JOB-404",
          customer_external_id: "CUS-1",
        }),
      ),
    ).toEqual({ job_external_id: "no job with this external_id" });
    expect(await rows(t.db, events)).toBe(0);
  });
});
