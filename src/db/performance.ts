// Counting what messages and notifications achieved (issue 14), for the pages, the dashboard
// and the API. One query per scope over the deliveries, one over the orders attributed to them;
// the rates are src/core/performance.ts's.
import { type SQL, sql } from "drizzle-orm";
import { NO_PERFORMANCE, type PerformanceCounts } from "../core/performance.ts";
import { COUNTED_ENGAGEMENT_KINDS } from "../core/vocabulary.ts";
import type { Db } from "./client.ts";

/**
 * Whose deliveries: a one-time message's, a notification's (on every job, or on one), every
 * notification of a profile, or every notification on a job. Test sends are never counted.
 */
export type PerformanceScope =
  | { messageId: number }
  | { notificationId: number; jobId?: number }
  | { profileId: number }
  | { jobId: number };

function scopeWhere(s: PerformanceScope): SQL {
  if ("messageId" in s) return sql`d.message_id = ${s.messageId} and d.source_type = 'message'`;
  if ("notificationId" in s)
    return s.jobId === undefined
      ? sql`d.notification_id = ${s.notificationId} and d.source_type = 'notification'`
      : sql`d.notification_id = ${s.notificationId} and d.job_id = ${s.jobId} and d.source_type = 'notification'`;
  if ("profileId" in s)
    // Its notifications now, and those deleted since (their deliveries found by key, `n<id>:…`).
    return sql`d.source_type = 'notification' and (d.notification_id in (select id from notifications where profile_id = ${s.profileId})
      or d.id in (select g.id from deleted_notifications x join deliveries g
        on g.delivery_key >= 'n' || x.notification_id || ':' and g.delivery_key < 'n' || x.notification_id || ';'
        where x.profile_id = ${s.profileId}))`;
  return sql`d.job_id = ${s.jobId} and d.source_type = 'notification'`;
}

/** The engagement kinds that are people, as an SQL list (`e.kind in (${COUNTED})`); the chart and attribution use it too. */
export const COUNTED = sql.raw(COUNTED_ENGAGEMENT_KINDS.map((k) => `'${k}'`).join(", "));
const engaged = (type: "open" | "click", counted: boolean) =>
  sql`exists (select 1 from engagements e where e.delivery_id = d.id and e.type = ${type} and e.kind ${sql.raw(counted ? "in" : "not in")} (${COUNTED}))`;
// A counted open or click proves delivery even when the provider's "delivered" report was lost.
// Not over the provider's word: a delivery it reported bounced, undelivered or failed is not delivered.
const DELIVERED = sql`(d.status = 'delivered' or (d.status in ('sending', 'sent') and (${engaged("open", true)} or ${engaged("click", true)})))`;
// An e-mail whose link a person followed was opened, whether or not its pictures loaded.
const OPENED = sql`(${engaged("open", true)} or (d.channel = 'email' and ${engaged("click", true)}))`;
/** A delivery `d` that left for the provider, whatever came of it; the chart counts the same. */
export const SENT = sql`(d.sent_at is not null or d.status in ('sent', 'delivered', 'undelivered', 'bounced'))`;
const n = (v: unknown) => Number(v ?? 0);

type Row = Record<string, unknown> & { notification_id?: number | null };

async function countRows(db: Db, where: SQL, byNotification: boolean): Promise<Row[]> {
  const group = byNotification ? sql`d.notification_id` : sql`null`;
  return db.all<Row>(sql`
    select ${group} as notification_id,
      sum(case when ${SENT} then 1 else 0 end) as sent,
      sum(case when d.status = 'sent' and not ${DELIVERED} then 1 else 0 end) as awaiting_report,
      sum(case when ${DELIVERED} then 1 else 0 end) as delivered,
      sum(case when d.channel = 'email' and ${DELIVERED} then 1 else 0 end) as delivered_emails,
      sum(case when d.status = 'bounced' then 1 else 0 end) as bounced,
      sum(case when ${OPENED} then 1 else 0 end) as opened,
      sum(case when ${engaged("click", true)} then 1 else 0 end) as clicked,
      sum(case when not ${OPENED} and ${engaged("open", false)} then 1 else 0 end) as machine_opens,
      sum(case when not ${engaged("click", true)} and ${engaged("click", false)} then 1 else 0 end) as machine_clicks,
      sum(case when ${DELIVERED} and exists (select 1 from delivery_events v where v.delivery_id = d.id and v.type = 'unsubscribed') then 1 else 0 end) as unsubscribed
    from deliveries d
    where ${where}
    group by ${group}`);
}

async function orderRows(db: Db, where: SQL, byNotification: boolean, currency: string): Promise<Row[]> {
  const group = byNotification ? sql`d.notification_id` : sql`null`;
  return db.all<Row>(sql`
    select ${group} as notification_id,
      count(distinct o.attributed_delivery_id) as ordered,
      count(*) as orders,
      sum(case when o.currency = ${currency} then o.amount_minor else 0 end) as revenue_minor,
      sum(case when o.currency = ${currency} then 0 else 1 end) as other_currency_orders
    from orders o join deliveries d on d.id = o.attributed_delivery_id
    where ${where}
    group by ${group}`);
}

function toCounts(currency: string, c: Row | undefined, o: Row | undefined): PerformanceCounts {
  return {
    ...NO_PERFORMANCE(currency),
    sent: n(c?.sent),
    delivered: n(c?.delivered),
    deliveredEmails: n(c?.delivered_emails),
    bounced: n(c?.bounced),
    opened: n(c?.opened),
    clicked: n(c?.clicked),
    unsubscribed: n(c?.unsubscribed),
    machineOpens: n(c?.machine_opens),
    machineClicks: n(c?.machine_clicks),
    awaitingReport: n(c?.awaiting_report),
    ordered: n(o?.ordered),
    orders: n(o?.orders),
    revenueMinor: n(o?.revenue_minor),
    otherCurrencyOrders: n(o?.other_currency_orders),
  };
}

/** The counts of one scope; `currency` is the studio's (revenue in other currencies is counted apart). */
export async function performanceOf(db: Db, scope: PerformanceScope, currency: string): Promise<PerformanceCounts> {
  const where = scopeWhere(scope);
  const [counts, ordered] = await Promise.all([countRows(db, where, false), orderRows(db, where, false, currency)]);
  return toCounts(currency, counts[0], ordered[0]);
}

/** The counts of each notification within a profile or a job (a notification with no delivery is absent). */
export async function performanceByNotification(
  db: Db,
  scope: { profileId: number } | { jobId: number },
  currency: string,
): Promise<Map<number, PerformanceCounts>> {
  const where = scopeWhere(scope);
  const [counts, ordered] = await Promise.all([countRows(db, where, true), orderRows(db, where, true, currency)]);
  const out = new Map<number, PerformanceCounts>();
  for (const c of counts) {
    if (c.notification_id == null) continue;
    const id = Number(c.notification_id);
    out.set(
      id,
      toCounts(
        currency,
        c,
        ordered.find((o) => Number(o.notification_id) === id),
      ),
    );
  }
  return out;
}
