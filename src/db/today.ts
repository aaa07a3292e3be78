// What the dashboard's "Today" counts (issue 14): a fixed set of aggregate queries, however many
// jobs, notifications or deliveries there are — nothing is asked per listed item except the few
// recent sends' performance (at most RECENT_SHOWN of each kind). The spans come from
// src/core/today.ts; turning the rows into lines is done there too.
import { sql } from "drizzle-orm";
import {
  type OutgoingLine,
  type OutgoingRow,
  type PlannedRow,
  type Span,
  TODAY_SHOWN,
  type TodaySpans,
} from "../core/today.ts";
import type { PerformanceCounts } from "../core/performance.ts";
import type { Db } from "./client.ts";
import { countHeld } from "./held-deliveries.ts";
import { unreadCount } from "./inbox.ts";
import { performanceOf } from "./performance.ts";

/** Recent sends shown with their rates, of one-time messages and of notifications each. */
export const RECENT_SHOWN = 4;
const HOUR = 3_600_000;

const ms = (d: Date) => d.getTime();
const date = (v: unknown) => new Date(Number(v));

/** The columns both lists of notifications going out select, as the line reads them. */
const lineOf = (r: Record<string, unknown>): Omit<OutgoingRow, "n"> => ({
  day: r.day as "today" | "tomorrow",
  notificationId: Number(r.notification_id),
  profileId: Number(r.profile_id),
  subject: String(r.subject ?? ""),
  trigger: String(r.trigger),
  channel: String(r.channel),
  jobId: r.job_id == null ? null : Number(r.job_id),
  jobName: r.job_name == null ? null : String(r.job_name),
  firstDue: date(r.first_due),
});

/** Notification deliveries written and waiting for their moment today or tomorrow, per notification, job and channel. */
async function outgoingDeliveries(db: Db, s: TodaySpans): Promise<OutgoingRow[]> {
  const rows = await db.all<Record<string, unknown>>(sql`
    select case when d.due_at < ${ms(s.tomorrow.from)} then 'today' else 'tomorrow' end as day,
      d.notification_id as notification_id, n.profile_id as profile_id, n.subject as subject, n.trigger as trigger,
      d.job_id as job_id, j.name as job_name, d.channel as channel, count(*) as n, min(d.due_at) as first_due
    from deliveries d
    join notifications n on n.id = d.notification_id
    left join jobs j on j.id = d.job_id
    where d.status in ('queued', 'waiting') and d.source_type = 'notification'
      and d.due_at >= ${ms(s.today.from)} and d.due_at < ${ms(s.tomorrow.to)}
    group by 1, d.notification_id, d.job_id, d.channel`);
  return rows.map((r) => ({ ...lineOf(r), n: Number(r.n) }));
}

/**
 * The automation's planned firings whose moment falls today or tomorrow, per notification and job.
 * Only what the planner has already written: event triggers are planned when the event comes,
 * job dates and appointments a few days ahead; who a firing reaches is decided when it fires.
 */
async function plannedFirings(db: Db, s: TodaySpans): Promise<PlannedRow[]> {
  const rows = await db.all<Record<string, unknown>>(sql`
    select case when r.due_at < ${ms(s.tomorrow.from)} then 'today' else 'tomorrow' end as day,
      r.notification_id as notification_id, n.profile_id as profile_id, n.subject as subject, n.trigger as trigger,
      n.channel as channel, r.job_id as job_id, j.name as job_name, count(*) as firings, min(r.due_at) as first_due
    from notification_runs r
    join notifications n on n.id = r.notification_id and n.active = 1
    left join jobs j on j.id = r.job_id
    where r.status = 'planned' and r.due_at >= ${ms(s.today.from)} and r.due_at < ${ms(s.tomorrow.to)}
    group by 1, r.notification_id, r.job_id`);
  return rows.map((r) => ({ ...lineOf(r), firings: Number(r.firings) }));
}

/** One-time messages armed to start before tomorrow ends (a start time already past: at once). */
async function scheduledMessages(db: Db, s: TodaySpans) {
  return db.all<{ id: number; name: string; send_at: number | null; to_address: string | null; filters: string }>(sql`
    select id, name, send_at, to_address, filters from messages
    where status = 'scheduled' and coalesce(send_at, 0) < ${ms(s.tomorrow.to)}
    order by coalesce(send_at, 0), id limit ${TODAY_SHOWN}`);
}

export type SendingRow = { id: number; name: string; status: string; byStatus: Record<string, number> };

/** One-time messages going out, or paused with work left (a paused one whose every delivery is done is no send in progress), with their deliveries counted by status. */
async function sendingMessages(db: Db): Promise<SendingRow[]> {
  const rows = await db.all<{ id: number; name: string; status: string; d_status: string | null; n: number }>(sql`
    select m.id as id, m.name as name, m.status as status, d.status as d_status, count(d.id) as n
    from (select id, name, status from messages where status = 'sending' or (status = 'paused' and exists (select 1
      from deliveries w where w.message_id = messages.id and w.status in ('queued', 'sending', 'held', 'waiting')))
      order by id limit ${TODAY_SHOWN}) m
    left join deliveries d on d.message_id = m.id and d.source_type = 'message'
    group by m.id, d.status`);
  const out = new Map<number, SendingRow>();
  for (const r of rows) {
    const id = Number(r.id);
    const row = out.get(id) ?? { id, name: r.name, status: r.status, byStatus: {} };
    if (r.d_status) row.byStatus[r.d_status] = Number(r.n);
    out.set(id, row);
  }
  return [...out.values()];
}

export type FailureRow = { reason: string; channel: string; n: number };

/** Deliveries that failed in the last 24 hours, by what went wrong. */
async function failures(db: Db, now: Date): Promise<FailureRow[]> {
  const rows = await db.all<{ reason: string | null; channel: string; n: number }>(sql`
    select coalesce(nullif(last_error, ''), 'no reason recorded') as reason, channel, count(*) as n
    from deliveries
    where status = 'failed' and source_type != 'test' and updated_at >= ${ms(now) - 24 * HOUR}
    group by 1, channel order by n desc, reason limit ${TODAY_SHOWN}`);
  return rows.map((r) => ({ reason: String(r.reason), channel: r.channel, n: Number(r.n) }));
}

/** Customers' cancellations recorded today (by any way: link, SMS, call, staff). */
async function cancellationsToday(db: Db, today: Span): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql`
    select count(*) as n from appointment_changes
    where to_status = 'cancelled' and created_at >= ${ms(today.from)} and created_at < ${ms(today.to)}`);
  return Number(row?.n ?? 0);
}

export type WeekRevenue = { orders: number; revenueMinor: number; otherCurrencyOrders: number };

/** Orders placed this week that a message's or notification's click led to. */
async function revenueThisWeek(db: Db, week: Span, currency: string): Promise<WeekRevenue> {
  const [row] = await db.all<Record<string, unknown>>(sql`
    select count(*) as orders,
      coalesce(sum(case when currency = ${currency} then amount_minor else 0 end), 0) as revenue_minor,
      coalesce(sum(case when currency = ${currency} then 0 else 1 end), 0) as other_currency_orders
    from orders
    where attributed_delivery_id is not null and ordered_at >= ${ms(week.from)} and ordered_at < ${ms(week.to)}`);
  return {
    orders: Number(row?.orders ?? 0),
    revenueMinor: Number(row?.revenue_minor ?? 0),
    otherCurrencyOrders: Number(row?.other_currency_orders ?? 0),
  };
}

export type RecentSend =
  | { kind: "message"; id: number; name: string; lastSent: Date; counts: PerformanceCounts }
  | {
      kind: "notification";
      id: number;
      profileId: number;
      subject: string;
      trigger: string;
      jobId: number | null;
      jobName: string | null;
      lastSent: Date;
      counts: PerformanceCounts;
    };

/** The messages and notifications (per job) that sent something this week, latest first, with their numbers. */
/**
 * The sends of this week with their numbers: the card's slow part (a performanceOf per send, over
 * every delivery of each), which the live update refreshes less often than the rest (dashboard.ts).
 */
export async function recentSends(db: Db, week: Span, currency: string): Promise<RecentSend[]> {
  const [ms1, ns] = await Promise.all([
    db.all<{ id: number; name: string; last_sent: number }>(sql`
      select m.id as id, m.name as name, max(d.sent_at) as last_sent
      from deliveries d join messages m on m.id = d.message_id
      where d.source_type = 'message' and d.sent_at >= ${ms(week.from)}
      group by m.id order by last_sent desc limit ${RECENT_SHOWN}`),
    db.all<Record<string, unknown>>(sql`
      select n.id as id, n.profile_id as profile_id, n.subject as subject, n.trigger as trigger,
        d.job_id as job_id, j.name as job_name, max(d.sent_at) as last_sent
      from deliveries d join notifications n on n.id = d.notification_id left join jobs j on j.id = d.job_id
      where d.source_type = 'notification' and d.sent_at >= ${ms(week.from)}
      group by n.id, d.job_id order by last_sent desc limit ${RECENT_SHOWN}`),
  ]);
  const messages = ms1.map(async (m): Promise<RecentSend> => ({
    kind: "message",
    id: Number(m.id),
    name: m.name,
    lastSent: date(m.last_sent),
    counts: await performanceOf(db, { messageId: Number(m.id) }, currency),
  }));
  const notifications = ns.map(async (r): Promise<RecentSend> => {
    const jobId = r.job_id == null ? null : Number(r.job_id);
    const scope = jobId === null ? { notificationId: Number(r.id) } : { notificationId: Number(r.id), jobId };
    return {
      kind: "notification",
      id: Number(r.id),
      profileId: Number(r.profile_id),
      subject: String(r.subject ?? ""),
      trigger: String(r.trigger),
      jobId,
      jobName: r.job_name == null ? null : String(r.job_name),
      lastSent: date(r.last_sent),
      counts: await performanceOf(db, scope, currency),
    };
  });
  const all = await Promise.all([...messages, ...notifications]);
  return all.sort((a, b) => b.lastSent.getTime() - a.lastSent.getTime());
}

export type TodayCounts = Awaited<ReturnType<typeof todayCounts>>;

/** Everything "Today" shows, in one set of queries. */
/** Everything the card counts at `now`; `recent`, when given, is recentSends read earlier (kept by the live update). */
export async function todayCounts(db: Db, spans: TodaySpans, now: Date, currency: string, recent?: RecentSend[]) {
  const [written, planned, scheduled, sending, failed, held, unread, cancellations, revenue, recentRows] =
    await Promise.all([
      outgoingDeliveries(db, spans),
      plannedFirings(db, spans),
      scheduledMessages(db, spans),
      sendingMessages(db),
      failures(db, now),
      countHeld(db, {}),
      unreadCount(db),
      cancellationsToday(db, spans.today),
      revenueThisWeek(db, spans.week, currency),
      recent ?? recentSends(db, spans.week, currency),
    ]);
  return {
    written,
    planned,
    scheduled: scheduled.map((m) => ({
      id: Number(m.id),
      name: m.name,
      sendAt: m.send_at == null ? null : date(m.send_at),
      toAddress: m.to_address,
      filters: JSON.parse(m.filters) as Record<string, unknown>,
    })),
    sending,
    failed,
    // What waits for staff to decide; what a paused message holds waits for its Resume instead.
    heldForReview: held.total - held.ofPausedMessages,
    unread,
    cancellations,
    revenue,
    recent: recentRows,
  };
}

/** A scheduled one-time message as the card lists it: whom it goes to as its page says ("3 recipients by e-mail"). */
export type ScheduledLine = { id: number; name: string; sendAt: Date | null; goesTo: string };

/** What the card shows: the counts, shaped into lines per day. */
export type TodayData = {
  spans: TodaySpans;
  now: Date;
  today: OutgoingLine[];
  tomorrow: OutgoingLine[];
  scheduled: ScheduledLine[];
  /** Notifications named as their profile page names them, by id. */
  notificationNames: Map<number, string>;
  counts: TodayCounts;
  timeZone: string;
  currency: string;
  locale: string;
};
