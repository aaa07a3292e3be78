import { describe, expect, test } from "bun:test";
import { appointments, events } from "../../src/db/schema.ts";
import { fieldsOf, makeApiApp, rows } from "./support.ts";

describe("POST /api/v1/appointments", () => {
  test("books an appointment, with or without a job, recording appointment_booked", async () => {
    const t = await makeApiApp();
    const job = (await t.post("/jobs", { external_id: "JOB-1", name: "Family portraits" })).body;
    const customer = (await t.post("/customers", { external_id: "CUS-1", first_name: "Ann" })).body;
    const res = await t.post("/appointments", {
      external_id: "APT-1",
      customer_external_id: "CUS-1",
      job_external_id: "JOB-1",
      starts_at: "2026-09-14T09:30:00Z",
      duration_minutes: 45,
      location: "Studio A",
      status: "confirmed",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      external_id: "APT-1",
      customer_id: customer.id,
      job_id: job.id,
      starts_at: "2026-09-14T09:30:00.000Z",
      duration_minutes: 45,
      location: "Studio A",
      status: "confirmed",
    });
    const standalone = await t.post("/appointments", { customer_id: customer.id, starts_at: "2026-10-01T14:00:00Z" });
    expect(standalone.body).toMatchObject({ job_id: null, duration_minutes: 30, location: "", status: "scheduled" });
    const booked = await t.db.select().from(events);
    expect(booked.map((e) => [e.type, e.appointmentId, e.customerId, e.jobId])).toEqual([
      ["appointment_booked", res.body.id, customer.id, job.id],
      ["appointment_booked", standalone.body.id, customer.id, null],
    ]);
  });

  test("the same external_id moves or cancels the booking without a new row or event", async () => {
    const t = await makeApiApp();
    await t.post("/customers", { external_id: "CUS-1", first_name: "Ann" });
    const first = await t.post("/appointments", {
      external_id: "APT-1",
      customer_external_id: "CUS-1",
      starts_at: "2026-09-14T09:30:00Z",
      location: "Studio A",
    });
    const moved = await t.post("/appointments", {
      external_id: "APT-1",
      starts_at: "2026-09-15T11:00:00Z",
      status: "cancelled",
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      id: first.body.id,
      starts_at: "2026-09-15T11:00:00.000Z",
      status: "cancelled",
      location: "Studio A",
    });
    expect(await rows(t.db, appointments)).toBe(1);
    expect(await rows(t.db, events)).toBe(1);
    expect((await t.get(`/appointments/${first.body.id}`)).body.status).toBe("cancelled");
  });

  test("bad fields and a missing customer are a 422 naming them", async () => {
    const t = await makeApiApp();
    const res = await t.post("/appointments", {
      customer_external_id: "CUS-1",
      starts_at: "2026-13-01T09:00:00Z",
      duration_minutes: 0,
      status: "maybe",
    });
    expect(res.status).toBe(422);
    expect(fieldsOf(res)).toEqual({
      starts_at: "is not a real date and time",
      duration_minutes: "must be 1 to 1440 minutes",
      status: "must be one of scheduled, confirmed, cancelled, reschedule_requested",
    });
    expect(
      fieldsOf(await t.post("/appointments", { customer_external_id: "CUS-1", starts_at: "2026-09-14T09:30:00Z" })),
    ).toEqual({ customer_external_id: "no customer with this external_id" });
    expect(fieldsOf(await t.post("/appointments", {}))).toEqual({
      starts_at: "must be a date and time like 2026-09-14T09:30:00Z",
    });
    expect(await rows(t.db, appointments)).toBe(0);
  });
});
