// What the automation did and will do for one job (SPEC P7): the assigned profile's
// notifications, their runs, and the deliveries they made, by status and skip reason.
import { and, asc, count, eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { customers, deliveries, notificationRuns, notifications } from "./schema.ts";

export async function jobAutomation(db: Db, jobId: number, profileId: number) {
  const [ns, runs, counts] = await Promise.all([
    db.select().from(notifications).where(eq(notifications.profileId, profileId)).orderBy(asc(notifications.position), asc(notifications.id)),
    db.select().from(notificationRuns).where(eq(notificationRuns.jobId, jobId)),
    db
      .select({ notificationId: deliveries.notificationId, status: deliveries.status, skipReason: deliveries.skipReason, n: count() })
      .from(deliveries)
      .where(and(eq(deliveries.jobId, jobId), eq(deliveries.sourceType, "notification")))
      .groupBy(deliveries.notificationId, deliveries.status, deliveries.skipReason),
  ]);
  return { notifications: ns, runs, counts };
}

/** Who was skipped for one notification of a job, and why (the list behind a count). */
export async function skippedFor(db: Db, jobId: number, notificationId: number, limit = 200) {
  return db
    .select({ customerId: customers.id, firstName: customers.firstName, lastName: customers.lastName, reason: deliveries.skipReason })
    .from(deliveries)
    .innerJoin(customers, eq(customers.id, deliveries.customerId))
    .where(and(eq(deliveries.jobId, jobId), eq(deliveries.notificationId, notificationId), eq(deliveries.status, "skipped")))
    .orderBy(deliveries.skipReason, customers.lastName)
    .limit(limit);
}
