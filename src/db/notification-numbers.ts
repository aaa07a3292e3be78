// Per-notification numbers for the profile and job pages (issue 14): each notification's counts
// across all jobs (a profile) or on one job, named as the profile page names them, and the total.
import { describeNotification } from "../core/notification-input.ts";
import { addPerformance, NO_PERFORMANCE, type PerformanceCounts, subtractPerformance } from "../core/performance.ts";
import type { Db } from "./client.ts";
import { inJson } from "./in-json.ts";
import { performanceByNotification, performanceOf } from "./performance.ts";
import type { Notification } from "./profiles.ts";
import { notifications } from "./schema.ts";

/** A notification's numbers as the profile and job pages list them. */
export type NotificationNumbers = { id: number; name: string; href?: string; counts: PerformanceCounts };

/** The notifications (any profile's) with these ids, in their profile's order: a job's numbers name them. */
async function notificationsByIds(db: Db, ids: number[]) {
  if (!ids.length) return [];
  return db
    .select()
    .from(notifications)
    .where(inJson(notifications.id, ids))
    .orderBy(notifications.profileId, notifications.position);
}

/** "E-mail · 3 days after … · everyone: “Your photos are online”": the sentence, and the subject that tells two e-mails apart. */
function notificationName(n: Notification): string {
  return n.subject ? `${describeNotification(n)}: “${n.subject}”` : describeNotification(n);
}

/**
 * A profile's notifications (all of them, in order, also those that sent nothing yet) or a job's
 * (those that sent anything there), with their numbers and the scope's total.
 */
export async function notificationNumbers(
  db: Db,
  scope: { profileId: number; notifications: Notification[] } | { jobId: number },
  currency: string,
): Promise<{ rows: NotificationNumbers[]; total: PerformanceCounts }> {
  const s = "profileId" in scope ? { profileId: scope.profileId } : { jobId: scope.jobId };
  const [byId, total] = await Promise.all([performanceByNotification(db, s, currency), performanceOf(db, s, currency)]);
  const list = "notifications" in scope ? scope.notifications : await notificationsByIds(db, [...byId.keys()]);
  const rows: NotificationNumbers[] = list.map((n) => ({
    id: n.id,
    name: notificationName(n),
    href: `/profiles/${n.profileId}#notification-${n.id}`,
    counts: byId.get(n.id) ?? NO_PERFORMANCE(currency),
  }));
  // A deleted notification's deliveries keep their job but lose their notification (set null), so
  // the job's total still counts them (and a profile's: deleted_notifications remembers whose it
  // was) and no notification's row does. They get one row of their own, the total less the named
  // rows, so the rows add up to the total and nothing earned vanishes.
  const deleted = subtractPerformance(
    total,
    rows.map((r) => r.counts).reduce(addPerformance, NO_PERFORMANCE(currency)),
  );
  if (deleted.sent > 0 || deleted.revenueMinor > 0 || deleted.otherCurrencyOrders > 0)
    rows.push({ id: 0, name: "Deleted notifications", counts: deleted });
  return { rows, total };
}
