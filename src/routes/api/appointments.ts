// /api/v1/appointments: booked time slots, inside a job or standalone (SPEC J3). A new
// booking records `appointment_booked`; later changes (moved, cancelled) update the same row.
import { Hono } from "hono";
import { z } from "zod";
import { idRef, instant, optionalText } from "../../core/validation.ts";
import { appointmentHistory, recordAppointmentChange, setAppointmentStatus } from "../../db/appointment-changes.ts";
import { listApiAppointments, messageCounts } from "../../db/appointments.ts";
import type { Db } from "../../db/client.ts";
import { ApiError } from "../../http/errors.ts";
import { getAppointment, getAppointmentByExternalId, updateAppointment } from "../../db/api-upserts.ts";
import { createAppointment } from "../../db/customers.ts";
import type { Appointment } from "../../db/schema.ts";
import { APPOINTMENT_STATUSES } from "../../core/vocabulary.ts";
import type { AppEnv } from "../../http/env.ts";
import { customerFieldsRef, withInlineCustomer } from "./customers.ts";
import { externalIdField, iso, paging, parse, pathId } from "./input.ts";
import { jobRef, resolveRefs } from "./refs.ts";
import { type Resource, saveResource, type Write } from "./upsert.ts";

export function appointmentJson(a: Appointment) {
  return {
    id: a.id,
    external_id: a.externalId,
    customer_id: a.customerId,
    job_id: a.jobId,
    starts_at: iso(a.startsAt),
    duration_minutes: a.durationMinutes,
    location: a.location,
    status: a.status,
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
  };
}

const appointmentInput = z.object({
  ...customerFieldsRef,
  ...jobRef,
  starts_at: instant,
  duration_minutes: z
    .number({ error: "must be a number of minutes" })
    .int("must be a whole number of minutes")
    .min(1, "must be 1 to 1440 minutes")
    .max(1440, "must be 1 to 1440 minutes")
    .optional(),
  location: optionalText(300),
  status: z.enum(APPOINTMENT_STATUSES, { error: `must be one of ${APPOINTMENT_STATUSES.join(", ")}` }).optional(),
  external_id: externalIdField,
});

type AppointmentInput = z.infer<typeof appointmentInput>;

export async function saveAppointment(w: Write, input: AppointmentInput, current: Appointment | undefined) {
  const { customer, job } = await resolveRefs(w.db, await withInlineCustomer(w, input), {
    customer: "required",
    job: "optional",
  });
  const values = {
    customerId: customer,
    jobId: job,
    startsAt: input.starts_at,
    durationMinutes: input.duration_minutes,
    location: input.location ?? "",
    status: input.status,
    externalId: input.external_id ?? current?.externalId,
  };
  const by = { source: "api" } as const;
  if (!current) {
    const row = await createAppointment(w.db, values, "api", w.now);
    await recordAppointmentChange(
      w.db,
      { appointmentId: row.id, fromStatus: null, toStatus: row.status, toStartsAt: row.startsAt },
      w.now,
      by,
    );
    return { row, created: true };
  }
  // Every change of status or time is recorded with its source; the status moves only from the
  // one just read, so a customer's cancellation arriving meanwhile is not silently overwritten.
  if (input.status && input.status !== current.status) {
    if (!(await setAppointmentStatus(w.db, current.id, [current.status], input.status, w.now, by)))
      throw new ApiError(409, "The appointment's status changed meanwhile: read it again and retry.", {
        status: "changed meanwhile",
      });
  }
  const row = await updateAppointment(w.db, current.id, values, w.now);
  if (row.startsAt.getTime() !== current.startsAt.getTime())
    await recordAppointmentChange(
      w.db,
      {
        appointmentId: row.id,
        fromStatus: row.status,
        toStatus: row.status,
        fromStartsAt: current.startsAt,
        toStartsAt: row.startsAt,
      },
      w.now,
      by,
    );
  return { row, created: false };
}

/** The appointment as GET answers it: with its message counts and its history of changes. */
async function appointmentDetailJson(db: Db, a: Appointment) {
  const [counts, history] = await Promise.all([messageCounts(db, [a.id]), appointmentHistory(db, a.id)]);
  return {
    ...appointmentJson(a),
    messages: counts.get(a.id)!,
    history: history.map((h) => ({
      from_status: h.fromStatus,
      to_status: h.toStatus,
      from_starts_at: iso(h.fromStartsAt),
      to_starts_at: iso(h.toStartsAt),
      source: h.source,
      user_id: h.actorUserId,
      inbound_message_id: h.inboundMessageId,
      at: iso(h.createdAt),
    })),
  };
}

const statusList = z.preprocess(
  (v) => (typeof v === "string" ? v.split(",").map((s) => s.trim()) : v),
  z.array(z.enum(APPOINTMENT_STATUSES, { error: `must be one or more of ${APPOINTMENT_STATUSES.join(", ")}` })),
);
const listQuery = z
  .object({
    status: statusList.optional(),
    from: instant.optional(),
    to: instant.optional(),
    job_id: idRef.optional(),
    customer_id: idRef.optional(),
    ...paging,
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ["to"], message: "must be after from" });

export const appointmentResource: Resource<Appointment, AppointmentInput> = {
  entity: "appointment",
  schema: appointmentInput,
  byId: getAppointment,
  byExternalId: getAppointmentByExternalId,
  toJson: appointmentJson,
  save: saveAppointment,
};

export const appointmentRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const q = parse(listQuery, c.req.query());
    const { rows, total } = await listApiAppointments(
      db,
      { statuses: q.status, from: q.from, to: q.to, jobId: q.job_id, customerId: q.customer_id },
      q.page,
      q.per_page,
    );
    const counts = await messageCounts(
      db,
      rows.map((r) => r.id),
    );
    return c.json({
      data: rows.map((a) => ({ ...appointmentJson(a), messages: counts.get(a.id)! })),
      page: q.page,
      per_page: q.per_page,
      total,
    });
  })
  .post("/", (c) => saveResource(c, appointmentResource))
  .put("/", (c) => saveResource(c, appointmentResource))
  .get("/:id", async (c) => {
    const { db } = c.get("deps");
    const a = await getAppointment(db, pathId(c, "appointment"));
    if (!a) throw new ApiError(404, "There is no appointment with this id.");
    return c.json(await appointmentDetailJson(db, a));
  })
  .put("/:id", (c) => saveResource(c, appointmentResource, true));
