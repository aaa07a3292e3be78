// What becomes a planned firing (SPEC P4, P6, P8). Events are read once, through a cursor on
// `events.id`, and each becomes one planned firing per matching notification, with its moment;
// job dates and appointments are scanned over a window near "now"; a notification or job
// changed since the last tick is re-planned over the look-back window. Planning never sends:
// the firing pass (fire.ts) does, when a planned firing's moment has come.
import { notificationMoment, TRIGGER_INFO, type Trigger } from "../core/triggers.ts";
import {
  appointmentsBetween,
  changedSince,
  cursorStart,
  customerTimeZones,
  eventsAfter,
  eventsOfTypeSince,
  jobsEventsSince,
  jobsWithDateBetween,
  type LiveNotification,
  planFirings,
  type PlannedFiring,
  runKeysAmong,
  moveCursor,
  wakePlanned,
} from "../db/automation.ts";
import type { Db, Tx } from "../db/client.ts";
import type { events, Job, StudioSettings } from "../db/schema.ts";
import type { Deps } from "../deps.ts";

const DAY = 86_400_000;
/** Events read per tick: a tick's cost follows what is new, a backlog drains over a few ticks. */
const EVENTS_PER_TICK = 1_000;
/**
 * How far before the last tick changed rows are looked for: a write stamps `updated_at` when it
 * begins and may commit after a tick has looked (writes here take milliseconds; the slack also
 * covers small clock differences between processes). Rows seen within it are remembered.
 */
const CHANGE_SLACK_MS = 10_000;
/** Changed notifications and jobs re-planned per tick. */
const CHANGES_PER_TICK = 1_000;

type Event = typeof events.$inferSelect;
export type PlanContext = { deps: Deps; s: StudioSettings; now: Date; since: Date; live: LiveNotification[] };

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const zoneOf = (job: Job | null, s: StudioSettings) => job?.timeZone || s.timeZone;
const reachOf = (n: LiveNotification) => n.offsetDays * DAY + n.offsetHours * 3600_000;

/** The trigger an event stands for, if any. */
export function triggerOf(e: Event): Trigger | null {
  if (e.type === "job_status_changed") return e.toStatus === "selling" ? "job_selling" : null;
  return e.type;
}

const EVENT_TYPE: Partial<Record<Trigger, Event["type"]>> = {
  job_selling: "job_status_changed",
  customer_registered: "customer_registered",
  photos_available: "photos_available",
  order_placed: "order_placed",
  appointment_booked: "appointment_booked",
};

/**
 * The moment used to plan. A zone that cannot be read (legacy data) plans in UTC instead, so
 * that one bad row neither stops the cursor nor disappears: the firing pass computes the moment
 * again, fails on it, and records that failure where staff see it.
 */
function planningMoment(n: LiveNotification, anchor: { date?: string | null; at?: Date | null }, zone: string) {
  try {
    return notificationMoment(n, anchor, zone);
  } catch {
    return notificationMoment(n, anchor, "UTC");
  }
}

/** The planned firings of events for these notifications, whose moment is not before `since`. */
async function firingsOfEvents(
  c: PlanContext,
  db: Db | Tx,
  rows: { event: Event; job: Job | null }[],
  notifications: LiveNotification[],
): Promise<PlannedFiring[]> {
  const byProfileTrigger = new Map<string, LiveNotification[]>();
  for (const n of notifications) {
    const k = `${n.profileId}:${n.trigger}`;
    byProfileTrigger.set(k, [...(byProfileTrigger.get(k) ?? []), n]);
  }
  const zones = await customerTimeZones(db, [
    ...new Set(rows.map((r) => r.event.customerId).filter((x): x is number => !!x)),
  ]);
  const out: PlannedFiring[] = [];
  for (const { event: e, job } of rows) {
    const trigger = triggerOf(e);
    if (!trigger || !job?.profileId) continue;
    for (const n of byProfileTrigger.get(`${job.profileId}:${trigger}`) ?? []) {
      const perCustomer = TRIGGER_INFO[n.trigger].perCustomer;
      if (perCustomer && !e.customerId) continue;
      const moment = planningMoment(
        n,
        { at: e.occurredAt },
        (e.customerId && zones.get(e.customerId)) || zoneOf(job, c.s),
      );
      // Older than the window the automation still decides: history imported late, not a firing.
      if (!moment || moment < c.since) continue;
      out.push({
        notificationId: n.id,
        jobId: job.id,
        customerId: perCustomer ? e.customerId! : null,
        appointmentId: perCustomer ? (e.appointmentId ?? null) : null,
        eventId: e.id,
        dueAt: moment,
      });
    }
  }
  return out;
}

/**
 * Reads up to EVENTS_PER_TICK events after the cursor and plans their firings, moving the
 * cursor in the same transaction, only from where it was read (another process may have moved
 * it: then this one's plans roll back and the next tick reads on from there). SQLite has one
 * writer, so ids become visible in order and a cursor on `id` skips nothing. A cursor that never
 * ran starts at the events whose firings could still be due, so an upgrade neither floods nor drops.
 */
export async function ingestEvents(
  c: PlanContext,
  saved: string | undefined,
): Promise<{ read: number; planned: number }> {
  const { db } = c.deps;
  const live = c.live.filter((n) => EVENT_TYPE[n.trigger]);
  const longest = Math.max(0, ...live.map(reachOf));
  const cursor =
    saved !== undefined ? Number(saved) : await cursorStart(db, new Date(c.since.getTime() - longest - 2 * DAY));
  const rows = await eventsAfter(db, cursor, EVENTS_PER_TICK);
  if (!rows.length && saved !== undefined) return { read: 0, planned: 0 }; // an idle tick writes nothing
  const next = rows.length ? rows[rows.length - 1]!.event.id : cursor;
  const firings = await firingsOfEvents(c, db, rows, live);
  try {
    const planned = await db.transaction(async (tx) => {
      if (!(await moveCursor(tx, saved, String(next), c.now))) throw new CursorMoved();
      return planFirings(tx, firings, c.now);
    });
    return { read: rows.length, planned };
  } catch (err) {
    if (err instanceof CursorMoved) return { read: 0, planned: 0 };
    throw err;
  }
}

class CursorMoved extends Error {}

/** How far re-planning got: changes up to `at` are done, and those seen within the slack before it. */
export type ChangesSeen = { at: number; seen: Record<string, number> };

/**
 * Re-plans what changed after its events were read (SPEC P8): a notification added, edited or
 * switched on, a job whose profile, zone or dates changed. Found from `updated_at`, so no route
 * has to tell the automation. Rows already seen at the same `updated_at` are not redone, and at
 * most CHANGES_PER_TICK rows are, oldest first: a bulk update is worked off over a few ticks.
 */
export async function replanChanges(c: PlanContext, before: ChangesSeen | null): Promise<ChangesSeen> {
  const now = c.now.getTime();
  if (!before) return { at: now, seen: {} }; // the first tick reads every event that could still be due anyway
  const { db } = c.deps;
  const changed = await changedSince(db, new Date(Math.min(before.at, now) - CHANGE_SLACK_MS));
  const todo = [
    ...changed.notifications.map((r) => ({ ...r, key: `n${r.id}` })),
    ...changed.jobs.map((r) => ({ ...r, key: `j${r.id}` })),
  ]
    .filter((r) => before.seen[r.key] !== r.updatedAt.getTime())
    .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime());
  const batch = todo.slice(0, CHANGES_PER_TICK);
  const at = todo.length > batch.length ? batch[batch.length - 1]!.updatedAt.getTime() : now;
  const seen: Record<string, number> = {};
  for (const [key, t] of [
    ...Object.entries(before.seen),
    ...batch.map((r) => [r.key, r.updatedAt.getTime()] as const),
  ]) {
    if (t > Math.min(at, now) - CHANGE_SLACK_MS) seen[key] = t;
  }
  const live = new Map(c.live.map((n) => [n.id, n]));
  const notificationIds = batch.filter((r) => r.key.startsWith("n")).map((r) => r.id);
  const jobIds = batch.filter((r) => r.key.startsWith("j")).map((r) => r.id);
  const firings: PlannedFiring[] = [];
  for (const n of notificationIds.map((id) => live.get(id))) {
    const type = n && EVENT_TYPE[n.trigger];
    if (!n || !type) continue;
    const rows = await eventsOfTypeSince(db, n.profileId, type, new Date(c.since.getTime() - reachOf(n) - 2 * DAY));
    firings.push(...(await firingsOfEvents(c, db, rows, [n])));
  }
  if (jobIds.length) {
    const longest = Math.max(0, ...c.live.map(reachOf));
    firings.push(
      ...(await firingsOfEvents(
        c,
        db,
        await jobsEventsSince(db, jobIds, new Date(c.since.getTime() - longest - 2 * DAY)),
        c.live,
      )),
    );
  }
  // New plans, and the moments of those already planned recomputed by the next firing pass.
  if (batch.length) {
    await db.transaction(async (tx) => {
      await planFirings(tx, firings, c.now);
      if (notificationIds.length) await wakePlanned(tx, { notificationIds }, c.now);
      if (jobIds.length) await wakePlanned(tx, { jobIds }, c.now);
    });
  }
  return { at, seen };
}

/**
 * Plans the job-date and appointment firings whose moment lies in [since, now]: an index range
 * scan per notification, then one query for which of them are already planned or decided.
 */
export async function planDatesAndAppointments(c: PlanContext): Promise<number> {
  const { db } = c.deps;
  const { s, since, now } = c;
  let planned = 0;
  for (const n of c.live) {
    const info = TRIGGER_INFO[n.trigger];
    const sign = info.direction === "before" ? -1 : 1;
    const reach = reachOf(n);
    const firings: PlannedFiring[] = [];
    if (info.anchor === "job_date" && info.jobDate) {
      // moment = date ± offset: the dates that can land in the window, with two days' slack for zones.
      const a = isoDay(new Date(since.getTime() - sign * reach - 2 * DAY));
      const b = isoDay(new Date(now.getTime() - sign * reach + 2 * DAY));
      for (const job of await jobsWithDateBetween(db, n.profileId, info.jobDate, a < b ? a : b, a < b ? b : a)) {
        const moment = planningMoment(n, { date: job[info.jobDate] }, zoneOf(job, s));
        if (moment && moment >= since && moment <= now)
          firings.push({
            notificationId: n.id,
            jobId: job.id,
            customerId: null,
            appointmentId: null,
            eventId: null,
            dueAt: moment,
          });
      }
      const taken = await runKeysAmong(
        db,
        n.id,
        "jobId",
        firings.map((f) => f.jobId!),
      );
      planned += await planFirings(
        db,
        firings.filter((f) => !taken.has(f.jobId!)),
        now,
      );
    } else if (info.anchor === "appointment") {
      const rows = await appointmentsBetween(
        db,
        n.profileId,
        s.defaultProfileId === n.profileId,
        new Date(since.getTime() - sign * reach - 2 * DAY),
        new Date(now.getTime() - sign * reach + 2 * DAY),
      );
      const zones = await customerTimeZones(
        db,
        rows.map((r) => r.appointment.customerId),
      );
      for (const { appointment: ap, job } of rows) {
        if (ap.status === "cancelled") continue;
        const moment = planningMoment(n, { at: ap.startsAt }, zones.get(ap.customerId) || zoneOf(job, s));
        if (moment && moment >= since && moment <= now) {
          firings.push({
            notificationId: n.id,
            jobId: job?.id ?? null,
            customerId: ap.customerId,
            appointmentId: ap.id,
            eventId: null,
            dueAt: moment,
          });
        }
      }
      const taken = await runKeysAmong(
        db,
        n.id,
        "appointmentId",
        firings.map((f) => f.appointmentId!),
      );
      planned += await planFirings(
        db,
        firings.filter((f) => !taken.has(f.appointmentId!)),
        now,
      );
    }
  }
  return planned;
}
