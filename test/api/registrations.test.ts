import { describe, expect, test } from "bun:test";
import { auditLog, customers, events, registrations } from "../../src/db/schema.ts";
import { type ApiApp, fieldsOf, makeApiApp, rows } from "./support.ts";

/** A job with an album and a customer, all known by the shop's own ids. */
async function shop(t: ApiApp) {
  const job = (await t.post("/jobs", { external_id: "JOB-1", name: "Oak Hill Elementary" })).body;
  const album = (await t.post("/albums", { job_external_id: "JOB-1", name: "Class 3a", external_id: "ALB-1" })).body;
  const customer = (await t.post("/customers", { external_id: "CUS-1", first_name: "Ann", email: "ann@example.com" }))
    .body;
  return { job, album, customer };
}

const eventTypes = async (t: ApiApp) =>
  (await t.db.select().from(events)).map((e) => [e.type, e.jobId, e.customerId, e.source]);

describe("POST /api/v1/registrations", () => {
  test("registers a customer to a job by external references in one call, recording customer_registered", async () => {
    const t = await makeApiApp({ now: new Date("2026-09-01T10:00:00Z") });
    const { job, album, customer } = await shop(t);
    const res = await t.post("/registrations", {
      external_id: "REG-1",
      job_external_id: "JOB-1",
      customer_external_id: "CUS-1",
      album_external_id: "ALB-1",
      access_code: "OAK-7F3K",
      photos_count: 0,
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      external_id: "REG-1",
      job_id: job.id,
      customer_id: customer.id,
      album_id: album.id,
      access_code: "OAK-7F3K",
      registered_at: "2026-09-01T10:00:00.000Z",
      photos_available_at: null,
      photos_count: 0,
    });
    expect(await eventTypes(t)).toEqual([["customer_registered", job.id, customer.id, "api"]]);
  });

  test("sending it again updates the same registration; photos becoming available records photos_available once", async () => {
    const t = await makeApiApp();
    const { job, customer } = await shop(t);
    const first = await t.post("/registrations", {
      external_id: "REG-1",
      job_id: job.id,
      customer_id: customer.id,
      access_code: "A",
    });
    const again = await t.post("/registrations", {
      external_id: "REG-1",
      photos_available_at: "2026-09-20T08:00:00Z",
      photos_count: 12,
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      id: first.body.id,
      access_code: "A",
      photos_available_at: "2026-09-20T08:00:00.000Z",
      photos_count: 12,
    });
    await t.post("/registrations", { external_id: "REG-1", photos_count: 14 });
    // Without external_id the pair (job, customer) still names the one registration.
    const byPair = await t.post("/registrations", {
      job_external_id: "JOB-1",
      customer_external_id: "CUS-1",
      access_code: "B",
    });
    expect(byPair.status).toBe(200);
    expect(byPair.body).toMatchObject({ id: first.body.id, access_code: "B", photos_count: 14, external_id: "REG-1" });
    const bare = await t.post("/registrations", { job_id: job.id, customer_id: customer.id });
    expect(bare.status).toBe(200);
    expect(bare.body).toEqual(byPair.body);
    expect(await rows(t.db, registrations)).toBe(1);
    expect(await eventTypes(t)).toEqual([
      ["customer_registered", job.id, customer.id, "api"],
      ["photos_available", job.id, customer.id, "api"],
    ]);
    expect((await t.get(`/registrations/${first.body.id}`)).body.photos_count).toBe(14);
  });

  test("missing references are a 422 naming every field that points nowhere", async () => {
    const t = await makeApiApp();
    await shop(t);
    const res = await t.post("/registrations", {
      job_external_id: "JOB-404",
      customer_id: 999,
      album_external_id: "ALB-404",
    });
    expect(res.status).toBe(422);
    expect(fieldsOf(res)).toEqual({
      job_external_id: "no job with this external_id",
      customer_id: "no customer with this id",
      album_external_id: "no album with this external_id",
    });
    expect(fieldsOf(await t.post("/registrations", {}))).toEqual({
      job_id: "is required (or give job_external_id)",
      customer_id: "is required (or give customer_external_id)",
    });
    expect(await rows(t.db, registrations)).toBe(0);
  });

  test("bad fields, an album of another job, and an external_id of another pair are refused", async () => {
    const t = await makeApiApp();
    const { job, customer } = await shop(t);
    const bad = await t.post("/registrations", {
      job_id: job.id,
      customer_id: customer.id,
      photos_count: -1,
      photos_available_at: "next week",
    });
    expect(fieldsOf(bad)).toEqual({
      photos_count: "must be 0 or more",
      photos_available_at: "must be a date and time like 2026-09-14T09:30:00Z",
    });

    await t.post("/jobs", { external_id: "JOB-2", name: "Pine High" });
    await t.post("/albums", { job_external_id: "JOB-2", name: "Seniors", external_id: "ALB-2" });
    const otherAlbum = await t.post("/registrations", {
      job_external_id: "JOB-1",
      customer_external_id: "CUS-1",
      album_external_id: "ALB-2",
    });
    expect(otherAlbum.status).toBe(422);
    expect(fieldsOf(otherAlbum)).toEqual({ album_external_id: "is an album of another job" });

    await t.post("/registrations", { external_id: "REG-1", job_external_id: "JOB-1", customer_external_id: "CUS-1" });
    const moved = await t.post("/registrations", { external_id: "REG-1", job_external_id: "JOB-2" });
    expect(moved.status).toBe(422);
    expect(fieldsOf(moved)).toEqual({ external_id: "is already used by the registration of another customer or job" });
    expect(await rows(t.db, registrations)).toBe(1);
  });

  test("a customer sent whole is upserted with the registration, all or nothing", async () => {
    const t = await makeApiApp();
    await shop(t);
    const newcomer = { external_id: "CUS-2", first_name: "Bo", email: "bo@example.com", consent: { email: true } };
    const auditRows = await rows(t.db, auditLog);

    const failed = await t.post("/registrations", { job_external_id: "JOB-404", customer: newcomer });
    expect(fieldsOf(failed)).toEqual({ job_external_id: "no job with this external_id" });
    const badCustomer = await t.post("/registrations", {
      job_external_id: "JOB-1",
      customer: { ...newcomer, email: "bo@" },
    });
    expect(fieldsOf(badCustomer)).toEqual({ "customer.email": "must be an e-mail address like name@example.com" });
    expect(await rows(t.db, customers)).toBe(1);
    expect(await rows(t.db, auditLog)).toBe(auditRows);

    const res = await t.post("/registrations", { job_external_id: "JOB-1", customer: newcomer, access_code: "X" });
    expect(res.status).toBe(201);
    const bo = await t.get(`/customers/${res.body.customer_id}`);
    expect(bo.body).toMatchObject({
      external_id: "CUS-2",
      first_name: "Bo",
      consent: { email: true, sms: false, voice: false },
    });
    const again = await t.post("/registrations", {
      job_external_id: "JOB-1",
      customer: { external_id: "CUS-2", last_name: "Berg" },
    });
    expect(again.status).toBe(200);
    expect((await t.get(`/customers/${res.body.customer_id}`)).body).toMatchObject({
      first_name: "Bo",
      last_name: "Berg",
    });
    expect(await rows(t.db, customers)).toBe(2);
    expect(await rows(t.db, registrations)).toBe(1);
  });
});
