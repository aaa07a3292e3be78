// Replies that come in (SPEC A3, A4): stored once per provider message id, linked to the
// customer, and acted on when they answer an appointment.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "./client.ts";
import { type Appointment, appointments, type Channel, customers, inboundMessages, jobs } from "./schema.ts";

/** Stores a reply; null when one with this provider id is stored already (a webhook retry). */
export async function recordInbound(
  db: Db,
  m: { channel: Channel; fromAddress: string; toAddress: string | null; customerId: number | null; body: string; providerMessageId: string; receivedAt: Date },
): Promise<number | null> {
  const [row] = await db.insert(inboundMessages).values(m).onConflictDoNothing({ target: inboundMessages.providerMessageId }).returning({ id: inboundMessages.id });
  return row?.id ?? null;
}

/** Notes what Pigeon did with a reply (confirmed, cancelled, stop, start, help, inbox). */
export async function markInboundHandled(db: Db, id: number, handledAs: string, link: { customerId?: number | null; appointmentId?: number | null } = {}) {
  await db
    .update(inboundMessages)
    .set({ handledAs, ...(link.customerId !== undefined && { customerId: link.customerId }), ...(link.appointmentId !== undefined && { appointmentId: link.appointmentId }) })
    .where(eq(inboundMessages.id, id));
}

export type UpcomingAppointment = { appointment: Appointment; timeZone: string | null };

/**
 * The earliest appointment of these customers that starts after `now` and has one of
 * `statuses`, with the time zone to speak of it in (the customer's, else the job's).
 */
export async function nextAppointment(db: Db, customerIds: number[], now: Date, statuses: Appointment["status"][]): Promise<UpcomingAppointment | null> {
  if (!customerIds.length) return null;
  const [row] = await db
    .select({ appointment: appointments, customerZone: customers.timeZone, jobZone: jobs.timeZone })
    .from(appointments)
    .innerJoin(customers, eq(customers.id, appointments.customerId))
    .leftJoin(jobs, eq(jobs.id, appointments.jobId))
    .where(and(inArray(appointments.customerId, customerIds), inArray(appointments.status, statuses), gt(appointments.startsAt, now)))
    .orderBy(asc(appointments.startsAt), asc(appointments.id))
    .limit(1);
  return row ? { appointment: row.appointment, timeZone: row.customerZone ?? row.jobZone ?? null } : null;
}

/** Moves an appointment from one of `from` to `to`; false when someone changed it meanwhile. */
export async function setAppointmentStatus(db: Db, id: number, from: Appointment["status"][], to: Appointment["status"], now: Date): Promise<boolean> {
  const rows = await db
    .update(appointments)
    .set({ status: to, updatedAt: now })
    .where(and(eq(appointments.id, id), inArray(appointments.status, from)))
    .returning({ id: appointments.id });
  return rows.length === 1;
}
