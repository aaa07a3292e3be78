import { describe, expect, test } from "bun:test";
import { albums } from "../../src/db/schema.ts";
import { fieldsOf, makeApiApp, rows } from "./support.ts";

async function withJob() {
  const t = await makeApiApp();
  const job = (await t.post("/jobs", { external_id: "JOB-1", name: "Oak Hill Elementary" })).body;
  return { t, job };
}

describe("POST /api/v1/albums", () => {
  test("creates an album in the job named by job_external_id, then renames it by its external_id", async () => {
    const { t, job } = await withJob();
    const created = await t.post("/albums", { job_external_id: "JOB-1", name: "Class 3a", external_id: "ALB-3A" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ external_id: "ALB-3A", job_id: job.id, name: "Class 3a" });
    const renamed = await t.post("/albums", { external_id: "ALB-3A", name: "Class 3A" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: created.body.id, job_id: job.id, name: "Class 3A" });
    expect(await rows(t.db, albums)).toBe(1);
    expect((await t.get(`/albums/${created.body.id}`)).body.name).toBe("Class 3A");
  });

  test("without an external_id the album is found by its name in the job", async () => {
    const { t, job } = await withJob();
    const first = await t.post("/albums", { job_id: job.id, name: "Class 4b" });
    const again = await t.post("/albums", { job_id: job.id, name: "Class 4b", external_id: "ALB-4B" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, external_id: "ALB-4B" });
    expect(await rows(t.db, albums)).toBe(1);
  });

  test("a name another album of the job already has is a 422 on name", async () => {
    const { t } = await withJob();
    await t.post("/albums", { job_external_id: "JOB-1", name: "Class 1", external_id: "A1" });
    await t.post("/albums", { job_external_id: "JOB-1", name: "Class 2", external_id: "A2" });
    const res = await t.post("/albums", { external_id: "A2", name: "Class 1" });
    expect(res.status).toBe(422);
    expect(fieldsOf(res)).toEqual({ name: "another album of this job has this name" });
    expect(fieldsOf(await t.post("/albums", { job_external_id: "JOB-1", name: "Class 1", external_id: "A3" }))).toEqual(
      { name: "another album of this job has this name" },
    );
  });

  test("a missing job is a 422 on the reference that was sent", async () => {
    const { t } = await withJob();
    expect(fieldsOf(await t.post("/albums", { job_external_id: "JOB-404", name: "X" }))).toEqual({
      job_external_id: "no job with this external_id",
    });
    expect(fieldsOf(await t.post("/albums", { job_id: 404, name: "X" }))).toEqual({ job_id: "no job with this id" });
    expect(fieldsOf(await t.post("/albums", { name: "X" }))).toEqual({
      job_id: "is required (or give job_external_id)",
    });
    expect(fieldsOf(await t.post("/albums", { job_id: "first", name: "" }))).toEqual({
      job_id: "must be an id (a whole number)",
      name: "Name is required",
    });
    expect(await rows(t.db, albums)).toBe(0);
  });
});
