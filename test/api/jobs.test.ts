import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { communicationProfiles, events, jobs } from "../../src/db/schema.ts";
import { fieldsOf, makeApiApp, rows } from "./support.ts";

const oak = {
  external_id: "SHOP-17",
  name: "Oak Hill Elementary",
  type: "school",
  year: 2026,
  shoot_date: "2026-09-14",
  archive_date: "2026-12-31",
};

describe("POST /api/v1/jobs", () => {
  test("creates a job (201) and answers it in snake_case with its id", async () => {
    const t = await makeApiApp();
    const res = await t.post("/jobs", {
      ...oak,
      custom_text: "Retakes on Oct 2",
      gallery_url: "https://photos.example.com/oak",
      time_zone: "America/Chicago",
    });
    expect(res.status).toBe(201);
    const id = res.body.id;
    expect(id).toBeNumber();
    expect(res.body).toMatchObject({
      external_id: "SHOP-17",
      name: "Oak Hill Elementary",
      type: "school",
      year: 2026,
      status: "planning",
      shoot_date: "2026-09-14",
      archive_date: "2026-12-31",
      coupon_deadline: null,
      custom_text: "Retakes on Oct 2",
      gallery_url: "https://photos.example.com/oak",
      time_zone: "America/Chicago",
      profile_id: null,
    });
    const row = await t.db.query.jobs.findFirst({ where: eq(jobs.id, id) });
    expect(row).toMatchObject({ externalId: "SHOP-17", shootDate: "2026-09-14", timeZone: "America/Chicago" });
  });

  test("the same external_id again updates the job (200): fields left out are kept, null clears", async () => {
    const t = await makeApiApp();
    const created = await t.post("/jobs", { ...oak, coupon_deadline: "2026-10-01" });
    const updated = await t.post("/jobs", {
      external_id: "SHOP-17",
      name: "Oak Hill Elementary School",
      coupon_deadline: null,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id: created.body.id,
      name: "Oak Hill Elementary School",
      shoot_date: "2026-09-14",
      year: 2026,
      coupon_deadline: null,
    });
    expect(await rows(t.db, jobs)).toBe(1);
    const again = await t.put("/jobs", { external_id: "SHOP-17", name: "Oak Hill" });
    expect(again.status).toBe(200);
    expect(await rows(t.db, jobs)).toBe(1);
  });

  test("PUT /jobs/{id} updates by our id and can attach an external_id", async () => {
    const t = await makeApiApp();
    const created = await t.post("/jobs", { name: "Maple Kindergarten", type: "kindergarten" });
    expect(created.body.external_id).toBeNull();
    const res = await t.put(`/jobs/${created.body.id}`, { external_id: "SHOP-18", custom_text: "Bring a smile" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: created.body.id,
      external_id: "SHOP-18",
      name: "Maple Kindergarten",
      type: "kindergarten",
      custom_text: "Bring a smile",
    });
    expect((await t.post("/jobs", { external_id: "SHOP-18", name: "Maple KG" })).body.id).toBe(created.body.id);
    expect(await rows(t.db, jobs)).toBe(1);
    expect((await t.put("/jobs/999", { name: "Nope" })).status).toBe(404);
  });

  test("an external_id already used by another job is a 409 on that field", async () => {
    const t = await makeApiApp();
    await t.post("/jobs", oak);
    const other = await t.post("/jobs", { name: "Pine High" });
    const res = await t.put(`/jobs/${other.body.id}`, { external_id: "SHOP-17" });
    expect(res.status).toBe(409);
    expect(fieldsOf(res)).toEqual({ external_id: "is already used by another job" });
  });

  test("bad fields are a 422 naming each one", async () => {
    const t = await makeApiApp();
    const res = await t.post("/jobs", {
      name: "  ",
      type: "circus",
      year: 1800,
      shoot_date: "2026-02-30",
      gallery_url: "ftp://x",
      time_zone: "Mars/Olympus",
      external_id: "",
    });
    expect(res.status).toBe(422);
    expect(fieldsOf(res)).toEqual({
      name: "Name is required",
      type: "must be one of school, kindergarten, sports, event, portrait, other",
      year: "must be a year like 2026",
      shoot_date: "is not a real calendar date",
      gallery_url: "must be a web address like https://shop.example.com/lincoln",
      time_zone: "must be an IANA time zone such as Europe/Berlin",
      external_id: "must not be empty",
    });
    expect(fieldsOf(await t.post("/jobs", { ...oak, archive_date: "2026-09-01" }))).toEqual({
      archive_date: "must be on or after the picture day",
    });
    expect(await rows(t.db, jobs)).toBe(0);
  });

  test("a job's time zone is stored by its canonical name", async () => {
    const t = await makeApiApp();
    const res = await t.post("/jobs", { ...oak, time_zone: " america/chicago " });
    expect(res.status).toBe(201);
    expect(res.body.time_zone).toBe("America/Chicago");
  });

  test("a profile is referenced by profile_id or profile_external_id; a missing one is a 422", async () => {
    const t = await makeApiApp();
    const [profile] = await t.db
      .insert(communicationProfiles)
      .values({ name: "School standard", externalId: "P-1" })
      .returning();
    expect((await t.post("/jobs", { ...oak, profile_external_id: "P-1" })).body.profile_id).toBe(profile!.id);
    const missing = await t.post("/jobs", { name: "Pine", profile_external_id: "P-404" });
    expect(missing.status).toBe(422);
    expect(fieldsOf(missing)).toEqual({ profile_external_id: "no profile with this external_id" });
    expect(fieldsOf(await t.post("/jobs", { name: "Pine", profile_id: 404 }))).toEqual({
      profile_id: "no profile with this id",
    });
    expect(await rows(t.db, jobs)).toBe(1);
  });

  test("a job created straight into selling, or moved there by an upsert, records one transition", async () => {
    const t = await makeApiApp();
    await t.post("/jobs", { ...oak, status: "selling" });
    await t.post("/jobs", { external_id: "SHOP-17", status: "selling" });
    await t.post("/jobs", { external_id: "SHOP-17", status: "archived" });
    const log = await t.db.select().from(events);
    expect(log.map((e) => [e.type, e.fromStatus, e.toStatus, e.source])).toEqual([
      ["job_status_changed", "planning", "selling", "api"],
      ["job_status_changed", "selling", "archived", "api"],
    ]);
  });
});

describe("POST /api/v1/jobs/{id}/status", () => {
  test("a real change answers the job and records exactly one event; the same status again records none", async () => {
    const t = await makeApiApp();
    const job = (await t.post("/jobs", oak)).body;
    const res = await t.post(`/jobs/${job.id}/status`, { status: "selling" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: job.id, status: "selling", external_id: "SHOP-17" });
    const after = await t.db.select().from(events);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      type: "job_status_changed",
      jobId: job.id,
      fromStatus: "planning",
      toStatus: "selling",
      source: "api",
    });

    const repeat = await t.post(`/jobs/${job.id}/status`, { status: "selling" });
    expect(repeat.status).toBe(200);
    expect(repeat.body.status).toBe("selling");
    expect(await rows(t.db, events)).toBe(1);
  });

  test("a bad status is a 422 and an unknown job a 404", async () => {
    const t = await makeApiApp();
    const job = (await t.post("/jobs", oak)).body;
    const bad = await t.post(`/jobs/${job.id}/status`, { status: "sold" });
    expect(bad.status).toBe(422);
    expect(fieldsOf(bad)).toEqual({ status: "must be one of planning, selling, archived" });
    expect(fieldsOf(await t.post(`/jobs/${job.id}/status`, {}))).toEqual({
      status: "must be one of planning, selling, archived",
    });
    expect((await t.post("/jobs/999/status", { status: "selling" })).status).toBe(404);
    expect((await t.post("/jobs/abc/status", { status: "selling" })).status).toBe(404);
    expect(await rows(t.db, events)).toBe(0);
  });
});

describe("GET /api/v1/jobs", () => {
  test("lists jobs newest first, filtered by status, year, type and external_id, a page at a time", async () => {
    const t = await makeApiApp();
    await t.post("/jobs", { name: "A", type: "school", year: 2025, external_id: "A" });
    await t.post("/jobs", { name: "B", type: "sports", year: 2026, status: "selling" });
    await t.post("/jobs", { name: "C", type: "school", year: 2026, status: "selling" });
    await t.post("/jobs", { name: "D", type: "school", year: 2026 });

    const all = await t.get("/jobs");
    expect(all.body).toMatchObject({ page: 1, per_page: 25, total: 4 });
    expect(all.body.data.map((j: { name: string }) => j.name)).toEqual(["D", "C", "B", "A"]);
    const names = async (q: string) => (await t.get(`/jobs?${q}`)).body.data.map((j: { name: string }) => j.name);
    expect(await names("status=selling")).toEqual(["C", "B"]);
    expect(await names("status=selling&type=school")).toEqual(["C"]);
    expect(await names("year=2025")).toEqual(["A"]);
    expect(await names("external_id=A")).toEqual(["A"]);
    const page2 = await t.get("/jobs?per_page=3&page=2");
    expect(page2.body).toMatchObject({ page: 2, per_page: 3, total: 4 });
    expect(page2.body.data.map((j: { name: string }) => j.name)).toEqual(["A"]);
  });

  test("bad filters are a 422 naming the parameter", async () => {
    const t = await makeApiApp();
    const res = await t.get("/jobs?status=sold&year=soon&per_page=1000");
    expect(res.status).toBe(422);
    expect(fieldsOf(res)).toEqual({
      status: "must be one of planning, selling, archived",
      year: "must be a year like 2026",
      per_page: "must be 1 to 100",
    });
  });

  test("GET /jobs/{id} answers one job, or a 404", async () => {
    const t = await makeApiApp();
    const job = (await t.post("/jobs", oak)).body;
    const res = await t.get(`/jobs/${job.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(job);
    const missing = await t.get("/jobs/999");
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe("There is no job with this id.");
  });
});
