// Named queries behind the Appointments pages and API (SPEC A1): one page of appointments,
// upcoming first, and per appointment the messages about it — counted only for the rows shown,
// each count an indexed look-up by appointment.
import { and, asc, desc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import {
  type AppointmentFilter,
  dayStartMs,
  MESSAGE_GROUPS,
  type MessageCounts,
  NO_MESSAGES,
  REACHED_ANOTHER_WAY,
} from "../core/appointment-list.ts";
import { appointmentHistory } from "./appointment-changes.ts";
import type { Db } from "./client.ts";
import { ftsQuery } from "./customers.ts";
import { inJson } from "./in-json.ts";
import type { OutboxRow } from "./outbox-list.ts";
import {
  type Appointment,
  appointments,
  type Customer,
  customers,
  deliveries,
  inboundMessages,
  type Job,
  jobs,
  messages,
  notifications,
  users,
} from "./schema.ts";

export const APPOINTMENTS_PAGE_SIZE = 50;

export type AppointmentRow = { appointment: Appointment; customer: Customer; job: Job | null };
/** A row of the list; `upcoming` is false from the first appointment that has already started. */
export type ListedAppointment = AppointmentRow & { upcoming: boolean };

/** The conditions of the list's filters; days are the studio's (`timeZone`). */
function filterTerms(f: AppointmentFilter, timeZone: string): SQL[] {
  const terms: SQL[] = [];
  if (f.from) terms.push(gte(appointments.startsAt, new Date(dayStartMs(f.from, timeZone))));
  if (f.to) terms.push(lt(appointments.startsAt, new Date(dayStartMs(f.to, timeZone, 1))));
  if (f.statuses?.length) terms.push(inArray(appointments.status, f.statuses));
  if (f.jobId) terms.push(eq(appointments.jobId, f.jobId));
  const match = f.q ? ftsQuery(f.q) : null;
  // The customers' search index gives the few customers first; their appointments come by index.
  if (match)
    terms.push(sql`${appointments.customerId} in (select rowid from customers_fts where customers_fts match ${match})`);
  // Text with no letter or digit names nobody: an empty list, not every appointment.
  else if (f.q) terms.push(sql`0`);
  return terms;
}

const joined = (db: Db) =>
  db
    .select({ appointment: appointments, customer: customers, job: jobs })
    .from(appointments)
    .innerJoin(customers, eq(customers.id, appointments.customerId))
    .leftJoin(jobs, eq(jobs.id, appointments.jobId));

/**
 * One page of appointments: those still to come, soonest first, then those past, latest first
 * — so page 1 is always what happens next. Two indexed range reads on `starts_at`; `total`
 * and `upcoming` count every match.
 */
export async function listAppointments(
  db: Db,
  f: AppointmentFilter,
  opts: { timeZone: string; now: Date; page: number; pageSize?: number },
): Promise<{ rows: ListedAppointment[]; total: number; upcoming: number }> {
  const size = opts.pageSize ?? APPOINTMENTS_PAGE_SIZE;
  const terms = filterTerms(f, opts.timeZone);
  const now = opts.now.getTime();
  const [counted] = await db
    .select({
      total: sql<number>`count(*)`,
      upcoming: sql<number>`coalesce(sum(case when ${appointments.startsAt} >= ${now} then 1 else 0 end), 0)`,
    })
    .from(appointments)
    .where(terms.length ? and(...terms) : undefined);
  const total = Number(counted?.total ?? 0);
  const upcoming = Number(counted?.upcoming ?? 0);
  const offset = (opts.page - 1) * size;
  const soon =
    offset < upcoming
      ? await joined(db)
          .where(and(...terms, gte(appointments.startsAt, opts.now)))
          .orderBy(asc(appointments.startsAt), asc(appointments.id))
          .limit(size)
          .offset(offset)
      : [];
  const left = size - soon.length;
  const past =
    left > 0 && total > upcoming
      ? await joined(db)
          .where(and(...terms, lt(appointments.startsAt, opts.now)))
          .orderBy(desc(appointments.startsAt), desc(appointments.id))
          .limit(left)
          .offset(Math.max(0, offset - upcoming))
      : [];
  return {
    rows: [...soon.map((r) => ({ ...r, upcoming: true })), ...past.map((r) => ({ ...r, upcoming: false }))],
    total,
    upcoming,
  };
}

/**
 * Scheduled, sent and not-sent deliveries and replies of each appointment in `ids` (the page's
 * rows, never the whole table): by the appointment indexes of deliveries and replies. "Not sent"
 * counts recipients, not deliveries: a customer a message (or one SMS-or-call pair) reached on
 * some channel was reached — an "SMS, call only if needed" whose SMS went and whose call was
 * skipped (or the reverse) is not a failure — so it counts only those that got nothing at all.
 */
export async function messageCounts(db: Db, ids: number[]): Promise<Map<number, MessageCounts>> {
  const out = new Map<number, MessageCounts>(ids.map((id) => [id, { ...NO_MESSAGES }]));
  if (!ids.length) return out;
  const list = (xs: readonly string[]) => sql.raw(xs.map((x) => `'${x}'`).join(", "));
  const reached = list([...MESSAGE_GROUPS.scheduled, ...MESSAGE_GROUPS.sent]);
  const missed = list(MESSAGE_GROUPS.not_sent);
  const [sent, notSent, replies] = await Promise.all([
    db
      .select({ id: deliveries.appointmentId, status: deliveries.status, n: sql<number>`count(*)` })
      .from(deliveries)
      .where(
        and(
          inJson(deliveries.appointmentId, ids),
          inArray(deliveries.status, [...MESSAGE_GROUPS.scheduled, ...MESSAGE_GROUPS.sent]),
        ),
      )
      .groupBy(deliveries.appointmentId, deliveries.status),
    // One row per recipient of a message (a delivery without a message: per SMS and the call
    // that waited on it), then those with nothing gone or going and something not sent.
    db.all<{ id: number; n: number }>(sql`
      select appointment_id as id, count(*) as n from (
        select appointment_id,
          max(case when status in (${reached}) then 1 else 0 end) as reached,
          max(case when status in (${missed})
            and not (status = 'skipped' and coalesce(skip_reason, '') = ${REACHED_ANOTHER_WAY}) then 1 else 0 end) as missed
        from deliveries
        where ${inJson(deliveries.appointmentId, ids)}
        group by appointment_id, customer_id,
          case when message_id is not null then 'm' || message_id else 'd' || coalesce(after_delivery_id, id) end
      ) where missed = 1 and reached = 0 group by appointment_id`),
    db
      .select({ id: inboundMessages.appointmentId, n: sql<number>`count(*)` })
      .from(inboundMessages)
      .where(inJson(inboundMessages.appointmentId, ids))
      .groupBy(inboundMessages.appointmentId),
  ]);
  for (const r of sent) {
    const c = out.get(r.id!);
    if (!c) continue;
    if ((MESSAGE_GROUPS.scheduled as readonly string[]).includes(r.status)) c.scheduled += Number(r.n);
    else c.sent += Number(r.n);
  }
  for (const r of notSent) {
    const c = out.get(Number(r.id));
    if (c) c.not_sent = Number(r.n);
  }
  for (const r of replies) {
    const c = out.get(r.id!);
    if (c) c.replied = Number(r.n);
  }
  return out;
}

/** One appointment with its customer and job. */
export async function getAppointmentRow(db: Db, id: number): Promise<AppointmentRow | undefined> {
  const [row] = await joined(db).where(eq(appointments.id, id)).limit(1);
  return row;
}

/** The deliveries about one appointment, newest first, with what the outbox shows beside them. */
export async function appointmentDeliveries(db: Db, id: number, limit = 100): Promise<OutboxRow[]> {
  const rows = await db
    .select({
      delivery: deliveries,
      messageName: messages.name,
      notificationTrigger: notifications.trigger,
      jobName: jobs.name,
    })
    .from(deliveries)
    .leftJoin(messages, eq(messages.id, deliveries.messageId))
    .leftJoin(notifications, eq(notifications.id, deliveries.notificationId))
    .leftJoin(jobs, eq(jobs.id, deliveries.jobId))
    .where(eq(deliveries.appointmentId, id))
    .orderBy(desc(deliveries.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, customerName: null }));
}

/** The replies tied to one appointment, newest first. */
export async function appointmentReplies(db: Db, id: number, limit = 100) {
  return db
    .select()
    .from(inboundMessages)
    .where(eq(inboundMessages.appointmentId, id))
    .orderBy(desc(inboundMessages.receivedAt), desc(inboundMessages.id))
    .limit(limit);
}

export type HistoryEntry = Awaited<ReturnType<typeof appointmentHistory>>[number] & { actorName: string | null };

/** The appointment's changes, oldest first, with the name of the member of staff who made each. */
export async function historyWithNames(db: Db, id: number): Promise<HistoryEntry[]> {
  const changes = await appointmentHistory(db, id);
  const userIds = [...new Set(changes.map((c) => c.actorUserId).filter((x): x is number => x !== null))];
  const names = userIds.length
    ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds))
    : [];
  const byId = new Map(names.map((u) => [u.id, u.name]));
  return changes.map((c) => ({ ...c, actorName: c.actorUserId ? (byId.get(c.actorUserId) ?? null) : null }));
}

/** The API's list: by status, start range and job or customer, by start time, a page at a time. */
export async function listApiAppointments(
  db: Db,
  f: { statuses?: Appointment["status"][]; from?: Date; to?: Date; jobId?: number; customerId?: number },
  page: number,
  perPage: number,
) {
  const terms: SQL[] = [];
  if (f.statuses?.length) terms.push(inArray(appointments.status, f.statuses));
  if (f.from) terms.push(gte(appointments.startsAt, f.from));
  if (f.to) terms.push(lt(appointments.startsAt, f.to));
  if (f.jobId) terms.push(eq(appointments.jobId, f.jobId));
  if (f.customerId) terms.push(eq(appointments.customerId, f.customerId));
  const where = terms.length ? and(...terms) : undefined;
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(appointments)
      .where(where)
      .orderBy(asc(appointments.startsAt), asc(appointments.id))
      .limit(perPage)
      .offset((page - 1) * perPage),
    db
      .select({ n: sql<number>`count(*)` })
      .from(appointments)
      .where(where),
  ]);
  return { rows, total: Number(counted?.n ?? 0) };
}
