// Job rules that need no database: the input schema shared by the form and the API, and
// which status changes are real transitions that fire triggers (SPEC J1).
import { z } from "zod";
import { JOB_STATUSES, JOB_TYPES, type JobStatus } from "./vocabulary.ts";
import {
  isWebAddress,
  optionalDate,
  optionalIdRef,
  optionalText,
  optionalTimeZone,
  requiredText,
} from "./validation.ts";

/** The jobs list's filters and page as staff gave them, kept as typed for the filter form and the pager. */
export type JobListQuery = { q?: string; status?: string; year?: string; type?: string; page: number };

export const jobStatus = z.enum(JOB_STATUSES, { error: `must be one of ${JOB_STATUSES.join(", ")}` });
export const jobType = z.enum(JOB_TYPES, { error: `must be one of ${JOB_TYPES.join(", ")}` });

const galleryUrl = z.preprocess(
  (v) => (typeof v === "string" ? v.trim() : v),
  z
    .string({ error: "must be a web address like https://shop.example.com/lincoln" })
    .max(500, "must be at most 500 characters")
    .refine((v) => v === "" || isWebAddress(v), "must be a web address like https://shop.example.com/lincoln")
    .optional(),
);

/** Fields of a job as forms and the API send them (snake_case, SPEC I3). */
export const jobFields = z
  .object({
    name: requiredText(200, "Name"),
    type: z.preprocess((v) => (v === "" ? undefined : v), jobType.default("school")),
    year: z.preprocess(
      (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v === "" ? undefined : v),
      z
        .number({ error: "must be a year like 2026" })
        .int("must be a year like 2026")
        .min(1900, "must be a year like 2026")
        .max(2200, "must be a year like 2026")
        .optional(),
    ),
    status: z.preprocess((v) => (v === "" ? undefined : v), jobStatus.optional()),
    shoot_date: optionalDate,
    selling_start: optionalDate,
    archive_date: optionalDate,
    coupon_deadline: optionalDate,
    shipping_deadline: optionalDate,
    custom_text: optionalText(5000),
    gallery_url: galleryUrl,
    time_zone: optionalTimeZone,
    profile_id: optionalIdRef,
  })
  .superRefine((job, ctx) => {
    if (job.shoot_date && job.archive_date && job.archive_date < job.shoot_date) {
      ctx.addIssue({ code: "custom", path: ["archive_date"], message: "must be on or after the picture day" });
    }
  });

export type JobFields = z.infer<typeof jobFields>;

/** A status change fires triggers only when it moves forward into selling or archived. */
export function isTriggeringTransition(from: JobStatus, to: JobStatus): boolean {
  return from !== to && to !== "planning";
}
