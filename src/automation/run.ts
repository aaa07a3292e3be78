// The automation tick (SPEC P4–P6): finds the notifications whose moment has come, resolves
// their audience at that moment and hands it to the outbox. Exactly once (P5) rests on the
// delivery keys (notification, job, [appointment,] customer, channel) — a repeat inserts
// nothing — and on one run row per firing, so a moment is acted on once and is visible.
// A tick reads only anchors near "now": its cost follows the work due, not the data kept.
import { and, eq } from "drizzle-orm";
import { deliveryKey } from "../core/delivery-key.ts";
import { decideRecipients } from "../core/recipients.ts";
import { inAudience, momentState, notificationMoment, TRIGGER_INFO } from "../core/triggers.ts";
import {
  appointmentsBetween,
  customerStanding,
  customerTimeZones,
  eventsBetween,
  jobAudience,
  jobsWithDateBetween,
  type LiveNotification,
  liveNotifications,
  recordRun,
  runFor,
  type RunKey,
} from "../db/automation.ts";
import { enqueueDeliveries, loadCandidates } from "../db/outbox.ts";
import { type Job, type StudioSettings, workerState } from "../db/schema.ts";
import { getSettings } from "../db/settings.ts";
import type { Deps } from "../deps.ts";

const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export type AutomationResult = { fired: number; missed: number; queued: number };

type Firing = { n: LiveNotification; key: RunKey; moment: Date; job: Job | null; customerIds: number[] | "job"; appointmentId?: number };

/** One pass over every live notification. */
export async function runAutomation(deps: Deps, now: Date): Promise<AutomationResult> {
  const { db } = deps;
  const s = await getSettings(db);
  const graceMs = s.lateGraceHours * 3600_000;
  const last = await db.query.workerState.findFirst({ where: and(eq(workerState.name, "automation"), eq(workerState.key, "last_tick")) });
  // Moments that passed since the previous tick (minus the grace) are decided now: due ones go,
  // older ones are recorded as missed. After an outage that window is the outage.
  const since = new Date(Math.min(now.getTime(), last ? Number(last.value) : now.getTime()) - graceMs);
  const result: AutomationResult = { fired: 0, missed: 0, queued: 0 };

  for (const n of await liveNotifications(db)) {
    for (const firing of await firingsOf(deps, n, s, since, now)) {
      if (firing.moment < since || firing.moment > now) continue;
      if (await runFor(db, firing.key)) continue;
      const state = momentState(firing.moment, now, graceMs);
      if (state === "missed") {
        const reason = `missed: its moment (${firing.moment.toISOString()}) passed more than ${s.lateGraceHours} h before Pigeon could send it`;
        if (await recordRun(db, firing.key, { dueAt: firing.moment, status: "missed", reason }, now)) result.missed++;
        deps.log("warn", "notification missed", { notification: n.id, job: firing.job?.id, dueAt: firing.moment.toISOString() });
        continue;
      }
      const counts = await fire(deps, firing, s, now);
      result.queued += counts.queued;
      if (await recordRun(db, firing.key, { dueAt: firing.moment, status: counts.queued ? "sent" : "skipped", queued: counts.queued, skipped: counts.skipped, reason: counts.reason }, now)) result.fired++;
    }
  }
  await db
    .insert(workerState)
    .values({ name: "automation", key: "last_tick", value: String(now.getTime()), updatedAt: now })
    .onConflictDoUpdate({ target: [workerState.name, workerState.key], set: { value: String(now.getTime()), updatedAt: now } });
  return result;
}

const zoneOf = (job: Job | null, s: StudioSettings) => job?.timeZone || s.timeZone;

/** The firings of one notification whose moments could fall in [since, now]. */
async function firingsOf(deps: Deps, n: LiveNotification, s: StudioSettings, since: Date, now: Date): Promise<Firing[]> {
  const { db } = deps;
  const info = TRIGGER_INFO[n.trigger];
  const timing = { trigger: n.trigger, offsetDays: n.offsetDays, offsetHours: n.offsetHours, timeOfDay: n.timeOfDay };
  const reach = n.offsetDays * DAY + n.offsetHours * 3600_000;
  const out: Firing[] = [];

  if (info.anchor === "job_date" && info.jobDate) {
    // moment = date ± offset: the dates that can land in the window, with a day's slack for zones.
    const sign = info.direction === "before" ? -1 : 1;
    const from = isoDay(new Date(since.getTime() - sign * reach - 2 * DAY));
    const to = isoDay(new Date(now.getTime() - sign * reach + 2 * DAY));
    for (const job of await jobsWithDateBetween(db, n.profileId, info.jobDate, from < to ? from : to, from < to ? to : from)) {
      const moment = notificationMoment(timing, { date: job[info.jobDate] }, zoneOf(job, s));
      if (moment) out.push({ n, key: { notificationId: n.id, jobId: job.id }, moment, job, customerIds: "job" });
    }
    return out;
  }

  if (info.anchor === "appointment") {
    const sign = info.direction === "before" ? -1 : 1;
    const rows = await appointmentsBetween(db, n.profileId, s.defaultProfileId === n.profileId, new Date(since.getTime() - sign * reach - 2 * DAY), new Date(now.getTime() - sign * reach + 2 * DAY));
    const zones = await customerTimeZones(db, rows.map((r) => r.appointment.customerId));
    for (const { appointment: a, job } of rows) {
      if (a.status === "cancelled") continue;
      const moment = notificationMoment(timing, { at: a.startsAt }, zones.get(a.customerId) || zoneOf(job, s));
      if (moment) out.push({ n, key: { notificationId: n.id, jobId: job?.id ?? 0, appointmentId: a.id }, moment, job, customerIds: [a.customerId], appointmentId: a.id });
    }
    return out;
  }

  // Event triggers: the events whose moment (event + offset, at the time of day) can be in the window.
  const type = n.trigger === "job_selling" ? "job_status_changed" : n.trigger === "customer_registered" ? "customer_registered" : n.trigger === "photos_available" ? "photos_available" : n.trigger === "order_placed" ? "order_placed" : "appointment_booked";
  const rows = await eventsBetween(db, n.profileId, type, new Date(since.getTime() - reach - 2 * DAY), new Date(now.getTime() - reach + DAY));
  const zones = info.perCustomer ? await customerTimeZones(db, rows.map((r) => r.event.customerId).filter((x): x is number => !!x)) : new Map();
  for (const { event: e, job } of rows) {
    if (n.trigger === "job_selling" && e.toStatus !== "selling") continue;
    const zone = (e.customerId && zones.get(e.customerId)) || zoneOf(job, s);
    const moment = notificationMoment(timing, { at: e.occurredAt }, zone);
    if (!moment) continue;
    if (info.perCustomer) {
      if (!e.customerId) continue;
      out.push({ n, key: { notificationId: n.id, jobId: job.id, customerId: e.customerId, appointmentId: e.appointmentId ?? 0 }, moment, job, customerIds: [e.customerId], appointmentId: e.appointmentId ?? undefined });
    } else {
      out.push({ n, key: { notificationId: n.id, jobId: job.id }, moment, job, customerIds: "job" });
    }
  }
  return out;
}

/** Resolves the audience at `now` and writes the deliveries (queued or skipped with a reason). */
async function fire(deps: Deps, f: Firing, s: StudioSettings, now: Date): Promise<{ queued: number; skipped: number; reason?: string }> {
  const { db } = deps;
  const { n } = f;
  const info = TRIGGER_INFO[n.trigger];
  let ids: number[];
  if (f.customerIds === "job") {
    if (!f.job) return { queued: 0, skipped: 0, reason: "no job" };
    const members = await jobAudience(db, f.job.id, now);
    ids = members.filter((m) => inAudience(n.audience, n.condition, { orders: Number(m.orders), photosAvailable: !!m.photosAvailable })).map((m) => m.customerId);
  } else {
    ids = [];
    for (const id of f.customerIds) {
      if (!f.job) {
        ids.push(id); // a standalone appointment: its customer is the audience
        continue;
      }
      const standing = await customerStanding(db, f.job.id, id, now);
      if (info.anchor === "appointment" || n.trigger === "appointment_booked" || inAudience(n.audience, n.condition, standing)) ids.push(id);
    }
  }
  if (!ids.length) return { queued: 0, skipped: 0, reason: "nobody in the audience at that moment" };
  const decisions = decideRecipients(await loadCandidates(db, ids), n.channel, { requireConsent: !info.transactional });
  const source = { kind: "notification" as const, notificationId: n.id, jobId: f.job?.id ?? 0, appointmentId: f.appointmentId ?? null };
  await enqueueDeliveries(
    db,
    { sourceType: "notification", notificationId: n.id, jobId: f.job?.id ?? null },
    decisions.map((d) => ({ key: deliveryKey(source, { customerId: d.customerId }, n.channel), decision: d, dueAt: now, appointmentId: f.appointmentId ?? null })),
    now,
    f.customerIds === "job" ? { batchSize: s.staggerBatchSize, intervalSeconds: s.staggerIntervalSeconds } : undefined,
  );
  const skipped = decisions.filter((d) => d.skip).length;
  return { queued: decisions.length - skipped, skipped };
}
