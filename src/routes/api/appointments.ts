// /api/v1/appointments: booked time slots, inside a job or standalone (SPEC J3). A new
// booking records `appointment_booked`; later changes (moved, cancelled) update the same row.
import { Hono } from "hono";
import { z } from "zod";
import { instant, optionalText } from "../../core/validation.ts";
import { getAppointment, getAppointmentByExternalId, updateAppointment } from "../../db/api-upserts.ts";
import { createAppointment } from "../../db/customers.ts";
import type { Appointment } from "../../db/schema.ts";
import { APPOINTMENT_STATUSES } from "../../core/vocabulary.ts";
import type { AppEnv } from "../../http/env.ts";
import { customerFieldsRef, withInlineCustomer } from "./customers.ts";
import { externalIdField, iso } from "./input.ts";
import { jobRef, resolveRefs } from "./refs.ts";
import { type Resource, saveResource, showResource, type Write } from "./upsert.ts";

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
  if (current) return { row: await updateAppointment(w.db, current.id, values, w.now), created: false };
  return { row: await createAppointment(w.db, values, "api", w.now), created: true };
}

export const appointmentResource: Resource<Appointment, AppointmentInput> = {
  entity: "appointment",
  schema: appointmentInput,
  byId: getAppointment,
  byExternalId: getAppointmentByExternalId,
  toJson: appointmentJson,
  save: saveAppointment,
};

export const appointmentRoutes = new Hono<AppEnv>()
  .post("/", (c) => saveResource(c, appointmentResource))
  .put("/", (c) => saveResource(c, appointmentResource))
  .get("/:id", (c) => showResource(c, appointmentResource))
  .put("/:id", (c) => saveResource(c, appointmentResource, true));
