// What the automation did and will do for one job (SPEC P7): the assigned profile's
// notifications, their runs, the firings that failed, and the deliveries they made, by status
// and skip reason.
import { and, asc, count, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { customers, deliveries, notificationRuns, notifications } from "./schema.ts";

type Notification = typeof notifications.$inferSelect;
type Run = typeof notificationRuns.$inferSelect;
/** One notification of the job's profile as the job page shows it: when it goes, its runs, what they did. */
export type PlannedNotification = {
  n: Notification;
  /** The moment for a job-date trigger, when the job has the date it needs. */
  moment: Date | null;
  /** Its job-wide runs (job-wide triggers have at most one). */
  runs: Run[];
  /** All its runs for this job by status; `retrying` marks planned ones that already failed. */
  runCounts: { status: Run["status"]; retrying: boolean; n: number }[];
  /** Firings that failed (being retried or given up), the first ones with the customer's name. */
  problems: { run: Run; firstName: string | null; lastName: string | null }[];
  counts: { status: string; skipReason: string | null; n: number }[];
  skipped: { customerId: number; firstName: string; lastName: string; reason: string | null }[];
};

/** Failing firings listed per notification on the job page; the rest are counted. */
const PROBLEMS_SHOWN = 20;

/** The job's notifications, their job-wide runs, per-customer runs counted by status, failing firings, and delivery counts. */
export async function jobAutomation(db: Db, jobId: number, profileId: number) {
  const failing = or(
    eq(notificationRuns.status, "failed"),
    and(eq(notificationRuns.status, "planned"), gt(notificationRuns.attempts, 0)),
  );
  const [ns, runs, runCounts, problems, counts] = await Promise.all([
    db
      .select()
      .from(notifications)
      .where(eq(notifications.profileId, profileId))
      .orderBy(asc(notifications.position), asc(notifications.id)),
    // Job-wide firings have one run each; per-customer ones can be thousands, so they are counted.
    db
      .select()
      .from(notificationRuns)
      .where(
        and(
          eq(notificationRuns.jobId, jobId),
          isNull(notificationRuns.customerId),
          isNull(notificationRuns.appointmentId),
        ),
      ),
    db
      .select({
        notificationId: notificationRuns.notificationId,
        status: notificationRuns.status,
        retrying: sql<number>`${notificationRuns.attempts} > 0`,
        n: count(),
      })
      .from(notificationRuns)
      .where(eq(notificationRuns.jobId, jobId))
      .groupBy(notificationRuns.notificationId, notificationRuns.status, sql`${notificationRuns.attempts} > 0`),
    db
      .select({ run: notificationRuns, firstName: customers.firstName, lastName: customers.lastName })
      .from(notificationRuns)
      .leftJoin(customers, eq(customers.id, notificationRuns.customerId))
      .where(and(eq(notificationRuns.jobId, jobId), failing))
      .orderBy(asc(notificationRuns.notificationId), asc(notificationRuns.id))
      .limit(PROBLEMS_SHOWN * 10),
    db
      .select({
        notificationId: deliveries.notificationId,
        status: deliveries.status,
        skipReason: deliveries.skipReason,
        n: count(),
      })
      .from(deliveries)
      .where(and(eq(deliveries.jobId, jobId), eq(deliveries.sourceType, "notification")))
      .groupBy(deliveries.notificationId, deliveries.status, deliveries.skipReason),
  ]);
  return { notifications: ns, runs, runCounts, problems, counts };
}

/** Who was skipped for one notification of a job, and why (the list behind a count). */
export async function skippedFor(db: Db, jobId: number, notificationId: number, limit = 200) {
  return db
    .select({
      customerId: customers.id,
      firstName: customers.firstName,
      lastName: customers.lastName,
      reason: deliveries.skipReason,
    })
    .from(deliveries)
    .innerJoin(customers, eq(customers.id, deliveries.customerId))
    .where(
      and(eq(deliveries.jobId, jobId), eq(deliveries.notificationId, notificationId), eq(deliveries.status, "skipped")),
    )
    .orderBy(deliveries.skipReason, customers.lastName)
    .limit(limit);
}
