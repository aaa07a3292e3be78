// Named queries behind the automation (SPEC P4–P7): which notifications are live, which anchors
// (job dates, events, appointments) fall in a time window, who is in a job's audience, and the
// record of each firing.
import { and, between, eq, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { appointments, communicationProfiles, customers, events, jobs, notificationRuns, notifications, orders, registrations } from "./schema.ts";

export type LiveNotification = typeof notifications.$inferSelect;

/** Active notifications of profiles that at least one job uses (or the default, for appointments without a job). */
export async function liveNotifications(db: Db) {
  return db
    .select({ n: notifications })
    .from(notifications)
    .innerJoin(communicationProfiles, eq(communicationProfiles.id, notifications.profileId))
    .where(eq(notifications.active, true))
    .then((rows) => rows.map((r) => r.n));
}

type JobDateColumn = "archiveDate" | "shootDate" | "couponDeadline" | "shippingDeadline";

/** Jobs of a profile whose date column lies between two calendar days (inclusive). */
export async function jobsWithDateBetween(db: Db, profileId: number, column: JobDateColumn, fromDay: string, toDay: string) {
  return db.select().from(jobs).where(and(eq(jobs.profileId, profileId), between(jobs[column], fromDay, toDay)));
}

/** Events of a type in a time window, for jobs of a profile. */
export async function eventsBetween(db: Db, profileId: number, type: (typeof events.$inferSelect)["type"], from: Date, to: Date) {
  return db
    .select({ event: events, job: jobs })
    .from(events)
    .innerJoin(jobs, eq(jobs.id, events.jobId))
    .where(and(eq(events.type, type), between(events.occurredAt, from, to), eq(jobs.profileId, profileId)));
}

/** Appointments starting in a window, with their job; those without a job use the default profile. */
export async function appointmentsBetween(db: Db, profileId: number, isDefaultProfile: boolean, from: Date, to: Date) {
  return db
    .select({ appointment: appointments, job: jobs })
    .from(appointments)
    .leftJoin(jobs, eq(jobs.id, appointments.jobId))
    .where(
      and(
        between(appointments.startsAt, from, to),
        isDefaultProfile ? sql`(${jobs.profileId} = ${profileId} or ${appointments.jobId} is null)` : eq(jobs.profileId, profileId),
      ),
    );
}

/** A job's registered customers at this moment, with what the audience rules need. */
export async function jobAudience(db: Db, jobId: number, now: Date) {
  return db
    .select({
      customerId: registrations.customerId,
      photosAvailable: sql<number>`${registrations.photosAvailableAt} is not null and ${registrations.photosAvailableAt} <= ${now.getTime()}`,
      // Tables named outright: drizzle leaves a one-table select's columns unqualified, and an
      // unqualified column inside the subquery would bind to `orders`.
      orders: sql<number>`(select count(*) from orders o where o.job_id = registrations.job_id and o.customer_id = registrations.customer_id)`,
    })
    .from(registrations)
    .where(and(eq(registrations.jobId, jobId), lte(registrations.registeredAt, now)));
}

/** One customer's standing in a job (for per-customer triggers). */
export async function customerStanding(db: Db, jobId: number, customerId: number, now: Date) {
  const [reg] = await db
    .select()
    .from(registrations)
    .where(and(eq(registrations.jobId, jobId), eq(registrations.customerId, customerId)));
  const [o] = await db
    .select({ n: sql<number>`count(*)` })
    .from(orders)
    .where(and(eq(orders.jobId, jobId), eq(orders.customerId, customerId)));
  return { registered: !!reg, photosAvailable: !!reg?.photosAvailableAt && reg.photosAvailableAt <= now, orders: Number(o?.n ?? 0) };
}

export async function customerTimeZones(db: Db, ids: number[]) {
  if (!ids.length) return new Map<number, string | null>();
  const rows = await db.select({ id: customers.id, tz: customers.timeZone }).from(customers).where(and(inArray(customers.id, ids), isNotNull(customers.timeZone)));
  return new Map(rows.map((r) => [r.id, r.tz]));
}

export type RunKey = { notificationId: number; jobId: number; customerId?: number; appointmentId?: number };

export async function runFor(db: Db, k: RunKey) {
  return db.query.notificationRuns.findFirst({
    where: and(
      eq(notificationRuns.notificationId, k.notificationId),
      eq(notificationRuns.jobId, k.jobId),
      eq(notificationRuns.customerId, k.customerId ?? 0),
      eq(notificationRuns.appointmentId, k.appointmentId ?? 0),
    ),
  });
}

/** Records a firing; false when another process recorded it first. */
export async function recordRun(db: Db, k: RunKey, v: { dueAt: Date; status: "sent" | "missed" | "skipped"; queued?: number; skipped?: number; reason?: string }, now: Date) {
  const rows = await db
    .insert(notificationRuns)
    .values({ notificationId: k.notificationId, jobId: k.jobId, customerId: k.customerId ?? 0, appointmentId: k.appointmentId ?? 0, ...v, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: notificationRuns.id });
  return rows.length === 1;
}

export async function jobRuns(db: Db, jobId: number) {
  return db.select().from(notificationRuns).where(eq(notificationRuns.jobId, jobId));
}
