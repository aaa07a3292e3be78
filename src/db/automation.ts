// Named queries behind the automation (SPEC P4–P8): which notifications are live, the events
// after the tick's cursor, the anchors (job dates, appointments) that fall in a time window,
// what changed since the last tick, who is in a job's audience, and the planned and decided
// firings (notification_runs).
import { and, asc, between, eq, gt, gte, isNotNull, lte, sql } from "drizzle-orm";
import type { Db, Tx } from "./client.ts";
import { inJson } from "./in-json.ts";
import {
  appointments,
  communicationProfiles,
  customers,
  events,
  jobs,
  notificationRuns,
  notifications,
  orders,
  registrations,
  workerState,
} from "./schema.ts";

export type LiveNotification = typeof notifications.$inferSelect;
export type Run = typeof notificationRuns.$inferSelect;

/** Active notifications of existing profiles. */
export async function liveNotifications(db: Db) {
  return db
    .select({ n: notifications })
    .from(notifications)
    .innerJoin(communicationProfiles, eq(communicationProfiles.id, notifications.profileId))
    .where(eq(notifications.active, true))
    .then((rows) => rows.map((r) => r.n));
}

// ---------------------------------------------------------------- the tick's own state

/** The automation's saved positions (worker_state, name 'automation'): key → value. */
export async function automationState(db: Db | Tx) {
  const rows = await db.select().from(workerState).where(eq(workerState.name, "automation"));
  return new Map(rows.map((r) => [r.key, r.value]));
}

/** Saves positions of the automation, in one statement. */
export async function saveAutomationState(db: Db | Tx, values: Record<string, string>, now: Date) {
  await db
    .insert(workerState)
    .values(Object.entries(values).map(([key, value]) => ({ name: "automation", key, value, updatedAt: now })))
    .onConflictDoUpdate({
      target: [workerState.name, workerState.key],
      set: { value: sql`excluded.value`, updatedAt: now },
    });
}

/** Moves the event cursor from `from` (undefined: not set yet) to `to`; false when it is no longer at `from`. */
export async function moveCursor(db: Db | Tx, from: string | undefined, to: string, now: Date) {
  if (from === undefined) {
    const rows = await db
      .insert(workerState)
      .values({ name: "automation", key: "event_cursor", value: to, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    return rows.length === 1;
  }
  const rows = await db
    .update(workerState)
    .set({ value: to, updatedAt: now })
    .where(and(eq(workerState.name, "automation"), eq(workerState.key, "event_cursor"), eq(workerState.value, from)))
    .returning();
  return rows.length === 1;
}

// ---------------------------------------------------------------- events

/** The next events after the cursor, in id order, with their job. */
export async function eventsAfter(db: Db | Tx, cursor: number, limit: number) {
  return db
    .select({ event: events, job: jobs })
    .from(events)
    .leftJoin(jobs, eq(jobs.id, events.jobId))
    .where(gt(events.id, cursor))
    .orderBy(asc(events.id))
    .limit(limit);
}

/** Where a cursor starts that has never run: just before the first event that occurred at or after `from`. */
export async function cursorStart(db: Db | Tx, from: Date) {
  const [first] = await db
    .select({ id: sql<number | null>`min(${events.id})` })
    .from(events)
    .where(gte(events.occurredAt, from));
  if (first?.id != null) return first.id - 1;
  const [last] = await db.select({ id: sql<number | null>`max(${events.id})` }).from(events);
  return last?.id ?? 0;
}

/** Events of a type since `from`, for jobs of a profile (re-planning one notification). */
export async function eventsOfTypeSince(
  db: Db,
  profileId: number,
  type: (typeof events.$inferSelect)["type"],
  from: Date,
) {
  return db
    .select({ event: events, job: jobs })
    .from(events)
    .innerJoin(jobs, eq(jobs.id, events.jobId))
    .where(and(eq(events.type, type), gte(events.occurredAt, from), eq(jobs.profileId, profileId)));
}

/** The events of these jobs since `from` (re-planning changed jobs). */
export async function jobsEventsSince(db: Db | Tx, jobIds: number[], from: Date) {
  return db
    .select({ event: events, job: jobs })
    .from(events)
    .innerJoin(jobs, eq(jobs.id, events.jobId))
    .where(and(inJson(events.jobId, jobIds), gte(events.occurredAt, from)));
}

// ---------------------------------------------------------------- changes since the last tick

/** Notifications and jobs whose `updated_at` is after `from`. */
export async function changedSince(db: Db, from: Date) {
  const [ns, js] = await Promise.all([
    db
      .select({ id: notifications.id, updatedAt: notifications.updatedAt })
      .from(notifications)
      .where(gt(notifications.updatedAt, from)),
    db.select({ id: jobs.id, updatedAt: jobs.updatedAt }).from(jobs).where(gt(jobs.updatedAt, from)),
  ]);
  return { notifications: ns, jobs: js };
}

// ---------------------------------------------------------------- job dates and appointments

type JobDateColumn = "archiveDate" | "shootDate" | "couponDeadline" | "shippingDeadline";

/** Jobs of a profile whose date column lies between two calendar days (inclusive). */
export async function jobsWithDateBetween(
  db: Db,
  profileId: number,
  column: JobDateColumn,
  fromDay: string,
  toDay: string,
) {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.profileId, profileId), between(jobs[column], fromDay, toDay)));
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
        isDefaultProfile
          ? sql`(${jobs.profileId} = ${profileId} or ${appointments.jobId} is null)`
          : eq(jobs.profileId, profileId),
      ),
    );
}

/** Which of these jobs (or appointments) already have a run of the notification: one query for all. */
export async function runKeysAmong(db: Db, notificationId: number, by: "jobId" | "appointmentId", ids: number[]) {
  if (!ids.length) return new Set<number>();
  const column = notificationRuns[by];
  const rows = await db
    .select({ id: column })
    .from(notificationRuns)
    .where(and(eq(notificationRuns.notificationId, notificationId), inJson(column, ids)));
  return new Set(rows.map((r) => r.id));
}

// ---------------------------------------------------------------- planned firings

export type PlannedFiring = {
  notificationId: number;
  jobId: number | null;
  customerId: number | null;
  appointmentId: number | null;
  eventId: number | null;
  dueAt: Date;
};

const PLAN_CHUNK = 2_000;

/** Plans firings; a key that is already planned or decided is left alone. Returns how many are new. */
export async function planFirings(db: Db | Tx, rows: PlannedFiring[], now: Date) {
  let created = 0;
  for (let i = 0; i < rows.length; i += PLAN_CHUNK) {
    const part = rows
      .slice(i, i + PLAN_CHUNK)
      .map((r) => [r.notificationId, r.jobId, r.customerId, r.appointmentId, r.eventId, r.dueAt.getTime()]);
    // One JSON parameter, so every chunk runs the same prepared statement; `where true` tells
    // SQLite the ON CONFLICT belongs to the INSERT.
    const result =
      await db.run(sql`insert into notification_runs (notification_id, job_id, customer_id, appointment_id, event_id, due_at, next_try_at, status, created_at)
      select r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 5, 'planned', ${now.getTime()}
      from json_each(${JSON.stringify(part)}) r where true
      on conflict do nothing`);
    created += result.rowsAffected;
  }
  return created;
}

/** Brings planned, untried firings of these notifications or jobs forward to `now`, so the next firing pass recomputes their moment. */
export async function wakePlanned(db: Db | Tx, of: { notificationIds: number[] } | { jobIds: number[] }, now: Date) {
  const which =
    "notificationIds" in of
      ? inJson(notificationRuns.notificationId, of.notificationIds)
      : inJson(notificationRuns.jobId, of.jobIds);
  await db
    .update(notificationRuns)
    .set({ nextTryAt: now })
    .where(
      and(
        which,
        eq(notificationRuns.status, "planned"),
        eq(notificationRuns.attempts, 0),
        gt(notificationRuns.nextTryAt, now),
      ),
    );
}

/** The ids of up to `limit` planned firings whose time has come, oldest first (a read: an idle tick writes nothing). */
export async function duePlanned(db: Db, now: Date, limit: number) {
  const rows = await db
    .select({ id: notificationRuns.id })
    .from(notificationRuns)
    .where(and(eq(notificationRuns.status, "planned"), lte(notificationRuns.nextTryAt, now)))
    .orderBy(asc(notificationRuns.nextTryAt), asc(notificationRuns.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Takes these due planned firings for this tick until `leaseUntil`, in one statement; those
 * another tick took in the meantime are not returned.
 */
export async function claimPlanned(db: Db, ids: number[], now: Date, leaseUntil: Date): Promise<Run[]> {
  const rows = await db
    .update(notificationRuns)
    .set({ nextTryAt: leaseUntil })
    .where(
      and(
        inJson(notificationRuns.id, ids),
        eq(notificationRuns.status, "planned"),
        lte(notificationRuns.nextTryAt, now),
      ),
    )
    .returning();
  return rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
}

type Decision =
  | {
      status: "sent" | "skipped" | "missed" | "failed";
      dueAt?: Date;
      queued?: number;
      skipped?: number;
      reason?: string | null;
      attempts?: number;
      lastError?: string | null;
    }
  | { status: "planned"; dueAt?: Date; nextTryAt: Date; attempts?: number; lastError?: string | null };

/** Writes what became of a claimed firing, only while this tick still holds it. */
export async function settleRun(db: Db | Tx, run: Run, lease: Date, d: Decision, now: Date) {
  const rows = await db
    .update(notificationRuns)
    .set({ ...d, ...(d.status !== "planned" && { nextTryAt: null, firedAt: now }) })
    .where(
      and(
        eq(notificationRuns.id, run.id),
        eq(notificationRuns.status, "planned"),
        eq(notificationRuns.nextTryAt, lease),
      ),
    )
    .returning({ id: notificationRuns.id });
  return rows.length === 1;
}

/** Drops a planned firing that no longer means anything (its date or trigger is gone), so it can be planned anew. */
export async function unplan(db: Db | Tx, run: Run, lease: Date) {
  await db
    .delete(notificationRuns)
    .where(
      and(
        eq(notificationRuns.id, run.id),
        eq(notificationRuns.status, "planned"),
        eq(notificationRuns.nextTryAt, lease),
      ),
    );
}

// ---------------------------------------------------------------- what a firing needs

/** The rows a batch of firings refers to, each loaded once. */
export async function firingContext(db: Db, runs: Run[]) {
  const ids = (pick: (r: Run) => number | null) => [...new Set(runs.map(pick).filter((x): x is number => !!x))];
  const [ns, js, es, as] = await Promise.all([
    db
      .select()
      .from(notifications)
      .where(
        inJson(
          notifications.id,
          ids((r) => r.notificationId),
        ),
      ),
    db
      .select()
      .from(jobs)
      .where(
        inJson(
          jobs.id,
          ids((r) => r.jobId),
        ),
      ),
    db
      .select()
      .from(events)
      .where(
        inJson(
          events.id,
          ids((r) => r.eventId),
        ),
      ),
    db
      .select()
      .from(appointments)
      .where(
        inJson(
          appointments.id,
          ids((r) => r.appointmentId),
        ),
      ),
  ]);
  const customerIds = [
    ...new Set([...runs.map((r) => r.customerId), ...as.map((a) => a.customerId)].filter((x): x is number => !!x)),
  ];
  return {
    notifications: new Map(ns.map((x) => [x.id, x])),
    jobs: new Map(js.map((x) => [x.id, x])),
    events: new Map(es.map((x) => [x.id, x])),
    appointments: new Map(as.map((x) => [x.id, x])),
    zones: await customerTimeZones(db, customerIds),
  };
}

/** A job's registered customers at this moment, with what the audience rules need. */
export async function jobAudience(db: Db | Tx, jobId: number, now: Date) {
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
export async function customerStanding(db: Db | Tx, jobId: number, customerId: number, now: Date) {
  const [reg] = await db
    .select()
    .from(registrations)
    .where(and(eq(registrations.jobId, jobId), eq(registrations.customerId, customerId)));
  const [o] = await db
    .select({ n: sql<number>`count(*)` })
    .from(orders)
    .where(and(eq(orders.jobId, jobId), eq(orders.customerId, customerId)));
  return {
    registered: !!reg,
    photosAvailable: !!reg?.photosAvailableAt && reg.photosAvailableAt <= now,
    orders: Number(o?.n ?? 0),
  };
}

/** Customers' own time zones, for those who have one. */
export async function customerTimeZones(db: Db | Tx, ids: number[]) {
  if (!ids.length) return new Map<number, string | null>();
  const rows = await db
    .select({ id: customers.id, tz: customers.timeZone })
    .from(customers)
    .where(and(inJson(customers.id, ids), isNotNull(customers.timeZone)));
  return new Map(rows.map((r) => [r.id, r.tz]));
}
