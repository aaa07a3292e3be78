// /api/v1/jobs: upsert by external_id, list with filters, read, and status changes that
// fire the transition's triggers (SPEC J1, I3).
import { Hono } from "hono";
import { z } from "zod";
import { jobFields, jobStatus, jobType } from "../../core/jobs.ts";
import { listApiJobs, setJobExternalId } from "../../db/api-upserts.ts";
import { audit } from "../../db/audit.ts";
import { changeJobStatus, createJob, getJob, getJobByExternalId, updateJob } from "../../db/jobs.ts";
import type { Job } from "../../db/schema.ts";
import type { AppEnv } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { externalIdField, iso, jsonBody, paging, parse, pathId } from "./input.ts";
import { profileRef, resolveRefs } from "./refs.ts";
import { type Resource, saveResource, showResource, writeForRequest } from "./upsert.ts";

export function jobJson(job: Job) {
  return {
    id: job.id,
    external_id: job.externalId,
    name: job.name,
    type: job.type,
    year: job.year,
    status: job.status,
    shoot_date: job.shootDate,
    selling_start: job.sellingStart,
    archive_date: job.archiveDate,
    coupon_deadline: job.couponDeadline,
    shipping_deadline: job.shippingDeadline,
    custom_text: job.customText,
    gallery_url: job.galleryUrl,
    time_zone: job.timeZone,
    profile_id: job.profileId,
    created_at: iso(job.createdAt),
    updated_at: iso(job.updatedAt),
  };
}

const jobInput = jobFields.safeExtend({ ...profileRef, external_id: externalIdField });

export const jobResource: Resource<Job, z.infer<typeof jobInput>> = {
  entity: "job",
  schema: jobInput,
  byId: getJob,
  byExternalId: getJobByExternalId,
  toJson: jobJson,
  async save({ db, now, actor }, input, current) {
    const { profile } = await resolveRefs(db, input, { profile: "optional" });
    const fields = { ...input, profile_id: profile };
    if (!current) return { row: await createJob(db, fields, actor, "api", now, input.external_id), created: true };
    if (input.external_id && input.external_id !== current.externalId)
      await setJobExternalId(db, current.id, input.external_id);
    return { row: await updateJob(db, current, fields, actor, "api", now), created: false };
  },
};

const listQuery = z.object({
  status: jobStatus.optional(),
  type: jobType.optional(),
  year: z.coerce
    .number({ error: "must be a year like 2026" })
    .int("must be a year like 2026")
    .min(1900, "must be a year like 2026")
    .max(2200, "must be a year like 2026")
    .optional(),
  external_id: externalIdField,
  ...paging,
});

export const jobRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const q = parse(listQuery, c.req.query());
    const { rows, total } = await listApiJobs(
      c.get("deps").db,
      { ...q, externalId: q.external_id },
      q.page,
      q.per_page,
    );
    return c.json({ data: rows.map(jobJson), page: q.page, per_page: q.per_page, total });
  })
  .post("/", (c) => saveResource(c, jobResource))
  .put("/", (c) => saveResource(c, jobResource))
  .get("/:id", (c) => showResource(c, jobResource))
  .put("/:id", (c) => saveResource(c, jobResource, true))
  .post("/:id/status", async (c) => {
    const id = pathId(c, "job");
    const { status } = parse(z.object({ status: jobStatus }), await jsonBody(c));
    const job = await writeForRequest(c, "job", async ({ db, now, actor }) => {
      const result = await changeJobStatus(db, id, status, actor, "api", now);
      if (!result) throw new ApiError(404, "There is no job with this id.");
      if (result.changed) await audit(db, actor, "status_changed", "job", id, { to: status });
      return result.job;
    });
    return c.json(jobJson(job));
  });
