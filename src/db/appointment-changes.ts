// An appointment's status changes in one place (SPEC A1, A3, A5): the change is written with a
// record of who made it in the same transaction, so the customer history never misses one and a
// customer's cancellation or reschedule request reaches staff as an alert until one of them sees it.
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "./client.ts";
import { type Appointment, type AppointmentChange, appointmentChanges, appointments } from "./schema.ts";
import type { APPOINTMENT_CHANGE_SOURCES } from "../core/vocabulary.ts";

export type AppointmentChangeSource = (typeof APPOINTMENT_CHANGE_SOURCES)[number];
export type ChangeBy = { source: AppointmentChangeSource; userId?: number | null; inboundMessageId?: number | null };

/** The statuses a customer's own change raises an alert for. */
export const ALERT_STATUSES = ["cancelled", "reschedule_requested"] as const satisfies Appointment["status"][];

/**
 * Moves an appointment from one of `from` to `to` and records the change, both in one transaction
 * (a savepoint inside the caller's, when given one): never a change without its record, nor a
 * record of a change not made. False (and nothing written) when it is not in one of `from` any
 * more — someone changed it meanwhile. A change staff make themselves is seen already: it raises
 * no alert.
 */
export async function setAppointmentStatus(
  db: Db | Tx,
  id: number,
  from: Appointment["status"][],
  to: Appointment["status"],
  now: Date,
  by: ChangeBy,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: appointments.status })
      .from(appointments)
      .where(eq(appointments.id, id));
    if (!current || !from.includes(current.status)) return false;
    // Conditional on the status just read, so a change made in between is never overwritten.
    const [moved] = await tx
      .update(appointments)
      .set({ status: to, updatedAt: now })
      .where(and(eq(appointments.id, id), eq(appointments.status, current.status)))
      .returning({ id: appointments.id });
    if (!moved) return false;
    await recordAppointmentChange(tx, { appointmentId: id, fromStatus: current.status, toStatus: to }, now, by);
    return true;
  });
}

/** Records a change already made (a booking, a move by the booking tool) with who made it. */
export async function recordAppointmentChange(
  db: Db | Tx,
  change: Pick<AppointmentChange, "appointmentId" | "fromStatus" | "toStatus"> &
    Partial<Pick<AppointmentChange, "fromStartsAt" | "toStartsAt">>,
  now: Date,
  by: ChangeBy,
): Promise<void> {
  const bySomeoneElse = by.source !== "staff" && by.source !== "api" && by.source !== "demo";
  await db.insert(appointmentChanges).values({
    ...change,
    source: by.source,
    actorUserId: by.userId ?? null,
    inboundMessageId: by.inboundMessageId ?? null,
    // Only a customer's own cancellation or reschedule request waits for staff to see it.
    seenAt: bySomeoneElse && (ALERT_STATUSES as readonly string[]).includes(change.toStatus) ? null : now,
    createdAt: now,
  });
}

/** The changes of one appointment, oldest first. */
export async function appointmentHistory(db: Db | Tx, appointmentId: number): Promise<AppointmentChange[]> {
  return db
    .select()
    .from(appointmentChanges)
    .where(eq(appointmentChanges.appointmentId, appointmentId))
    .orderBy(asc(appointmentChanges.id));
}

const unseen = () => and(isNull(appointmentChanges.seenAt), inArray(appointmentChanges.toStatus, [...ALERT_STATUSES]));

/**
 * Customers' cancellations and reschedule requests no staff member has seen yet, newest first
 * (after a busy day the latest is what staff must not miss), at most `limit`.
 */
export async function unseenAlerts(db: Db | Tx, limit = 50): Promise<AppointmentChange[]> {
  return db.select().from(appointmentChanges).where(unseen()).orderBy(desc(appointmentChanges.id)).limit(limit);
}

/** How many alerts are unseen in all: a page showing some says how many more there are. */
export async function unseenAlertCount(db: Db | Tx): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(appointmentChanges)
    .where(unseen());
  return Number(row?.n ?? 0);
}

/** Marks alerts seen; returns how many were still unseen. */
export async function markAlertsSeen(db: Db | Tx, ids: number[], now: Date): Promise<number> {
  if (!ids.length) return 0;
  const rows = await db
    .update(appointmentChanges)
    .set({ seenAt: now })
    .where(and(inArray(appointmentChanges.id, ids), isNull(appointmentChanges.seenAt)))
    .returning({ id: appointmentChanges.id });
  return rows.length;
}
