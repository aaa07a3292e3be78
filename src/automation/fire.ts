// The firing pass (SPEC P5–P7): takes the planned firings whose time has come, recomputes each
// moment from its anchor and the notification's current timing, and then waits, sends, or
// records why not. Each firing is claimed with a lease and runs on its own: one that throws is
// logged with its ids, written on its run row and tried again later, and the pass goes on.
// Exactly once (P5) rests on the unique run row per firing and on the delivery keys.
import { deliveryKey } from "../core/delivery-key.ts";
import { decideRecipients } from "../core/recipients.ts";
import { inAudience, momentState, notificationMoment, TRIGGER_INFO } from "../core/triggers.ts";
import {
  claimPlanned,
  customerStanding,
  duePlanned,
  firingContext,
  jobAudience,
  type LiveNotification,
  type Run,
  settleRun,
  unplan,
} from "../db/automation.ts";
import { enqueueDeliveries, loadCandidates } from "../db/outbox.ts";
import type { Db, Tx } from "../db/client.ts";
import type { Job, StudioSettings } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import { triggerOf } from "./plan.ts";

/** Firings looked at per tick, so a backlog is worked off over several ticks, never in one long one. */
const FIRINGS_PER_TICK = 200;
/** How long a tick holds the firings it took; a crashed tick's firings are taken again after it. */
const LEASE_MS = 5 * 60_000;
/** Firings written per transaction (see fireDue). */
const FIRINGS_PER_COMMIT = 25;
/** A firing that failed is tried again after these pauses, then given up. */
const RETRY_AFTER_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];
const MAX_ATTEMPTS = RETRY_AFTER_MS.length + 1;

export type FireResult = { fired: number; missed: number; queued: number; failed: number };
type FireContext = { deps: Deps; s: StudioSettings; now: Date; graceMs: number };
type Loaded = Awaited<ReturnType<typeof firingContext>>;
type Outcome = "fired" | "missed" | "waiting" | "skipped" | "unplanned";

const zoneOf = (job: Job | null, s: StudioSettings) => job?.timeZone || s.timeZone;

/**
 * Fires up to FIRINGS_PER_TICK due planned firings, each isolated from the others. They are
 * written FIRINGS_PER_COMMIT to a transaction, each inside its own savepoint: a firing that
 * throws rolls back only itself, and the disk is synced once per group instead of twice per firing.
 */
export async function fireDue(c: FireContext): Promise<FireResult> {
  const { db } = c.deps;
  const result: FireResult = { fired: 0, missed: 0, queued: 0, failed: 0 };
  const due = await duePlanned(db, c.now, FIRINGS_PER_TICK);
  if (!due.length) return result;
  const lease = new Date(c.now.getTime() + LEASE_MS);
  const runs = await claimPlanned(db, due, c.now, lease);
  const loaded = await firingContext(db, runs);
  for (let i = 0; i < runs.length; i += FIRINGS_PER_COMMIT) {
    const group = runs.slice(i, i + FIRINGS_PER_COMMIT);
    try {
      const counted = await db.transaction(async (tx) => {
        const r: FireResult = { fired: 0, missed: 0, queued: 0, failed: 0 };
        for (const run of group) {
          try {
            const { outcome, queued } = await tx.transaction((sp) => fireOne(c, sp, loaded, run, lease));
            if (outcome === "fired") r.fired++;
            if (outcome === "missed") r.missed++;
            r.queued += queued;
          } catch (err) {
            r.failed++;
            await recordFailure(c, tx, run, lease, err);
          }
        }
        return r;
      });
      for (const k of ["fired", "missed", "queued", "failed"] as const) result[k] += counted[k];
    } catch (err) {
      // Nothing of this group was written; its firings are taken again when their lease ends.
      c.deps.log("error", "automation could not write a group of firings", {
        runs: group.map((r) => r.id),
        error: errorText(err),
      });
    }
  }
  return result;
}

/** Decides one claimed firing. Throws when it cannot be decided; the caller records that. */
async function fireOne(
  c: FireContext,
  db: Tx,
  loaded: Loaded,
  run: Run,
  lease: Date,
): Promise<{ outcome: Outcome; queued: number }> {
  const { s, now } = c;
  const settle = async (d: Parameters<typeof settleRun>[3], outcome: Outcome, queued = 0) => ({
    outcome: (await settleRun(db, run, lease, d, now)) ? outcome : ("waiting" as const),
    queued,
  });
  const n = loaded.notifications.get(run.notificationId);
  const job = run.jobId ? (loaded.jobs.get(run.jobId) ?? null) : null;
  const anchor = n && anchorOf(n, run, job, loaded, s);
  // What it was planned from no longer exists or no longer matches the trigger (the notification
  // was edited to another trigger, the date was removed): nothing to send, nothing to keep.
  if (!n || !anchor) {
    await unplan(db, run, lease);
    return { outcome: "unplanned", queued: 0 };
  }
  const moment = notificationMoment(n, anchor.at, anchor.zone);
  if (!moment) {
    await unplan(db, run, lease);
    return { outcome: "unplanned", queued: 0 };
  }
  const state = momentState(moment, now, c.graceMs);
  if (state === "ahead") return settle({ status: "planned", dueAt: moment, nextTryAt: moment }, "waiting");
  if (state === "missed") {
    if (run.attempts > 0) {
      return settle(
        {
          status: "failed",
          dueAt: moment,
          reason: `gave up: it could not be sent within ${s.lateGraceHours} h of its moment`,
        },
        "missed",
      );
    }
    c.deps.log("warn", "notification missed", { notification: n.id, job: job?.id, dueAt: moment.toISOString() });
    const reason = `missed: its moment (${moment.toISOString()}) passed more than ${s.lateGraceHours} h before Pigeon could send it`;
    return settle({ status: "missed", dueAt: moment, reason }, "missed");
  }
  const notLive = whyNotLive(n, job, s);
  if (notLive) return settle({ status: "skipped", dueAt: moment, reason: notLive }, "skipped");
  if (anchor.cancelled)
    return settle({ status: "skipped", dueAt: moment, reason: "the appointment was cancelled" }, "skipped");
  const counts = await send(c, db, n, job, anchor.customerIds, anchor.appointmentId);
  return settle(
    {
      status: counts.queued ? "sent" : "skipped",
      dueAt: moment,
      queued: counts.queued,
      skipped: counts.skipped,
      reason: counts.reason ?? null,
    },
    "fired",
    counts.queued,
  );
}

type Anchor = {
  at: { date?: string | null; at?: Date | null };
  zone: string;
  customerIds: number[] | "job";
  appointmentId?: number;
  cancelled?: boolean;
};

/** What a planned firing's moment is measured from, or null when its plan no longer applies. */
function anchorOf(n: LiveNotification, run: Run, job: Job | null, loaded: Loaded, s: StudioSettings): Anchor | null {
  const info = TRIGGER_INFO[n.trigger];
  if (info.anchor === "event") {
    const e = run.eventId ? loaded.events.get(run.eventId) : undefined;
    if (!e || triggerOf(e) !== n.trigger || !job) return null;
    const zone = (e.customerId && loaded.zones.get(e.customerId)) || zoneOf(job, s);
    return {
      at: { at: e.occurredAt },
      zone,
      customerIds: info.perCustomer ? [run.customerId ?? 0] : "job",
      appointmentId: run.appointmentId ?? undefined,
    };
  }
  if (info.anchor === "job_date") {
    if (run.eventId || run.appointmentId || run.customerId || !job || !info.jobDate) return null;
    return { at: { date: job[info.jobDate] }, zone: zoneOf(job, s), customerIds: "job" };
  }
  const ap = run.appointmentId ? loaded.appointments.get(run.appointmentId) : undefined;
  if (run.eventId || !ap) return null;
  const zone = loaded.zones.get(ap.customerId) || zoneOf(job, s);
  return {
    at: { at: ap.startsAt },
    zone,
    customerIds: [ap.customerId],
    appointmentId: ap.id,
    cancelled: ap.status === "cancelled",
  };
}

/** Why a notification cannot fire for this job now, if it cannot. */
function whyNotLive(n: LiveNotification, job: Job | null, s: StudioSettings): string | null {
  if (!n.active) return "the notification was switched off when it was due";
  const ownProfile = job
    ? job.profileId === n.profileId
    : TRIGGER_INFO[n.trigger].anchor === "appointment" && s.defaultProfileId === n.profileId;
  if (!ownProfile) return "the job no longer uses this notification's profile";
  return null;
}

/** Resolves the audience at `now` and writes the deliveries (queued or skipped with a reason). */
async function send(
  c: FireContext,
  tx: Tx,
  n: LiveNotification,
  job: Job | null,
  customerIds: number[] | "job",
  appointmentId: number | undefined,
) {
  // Inside this firing's savepoint the outbox's queries run on it.
  const db: Db = tx;
  const { s, now } = c;
  const info = TRIGGER_INFO[n.trigger];
  let ids: number[];
  if (customerIds === "job") {
    if (!job) return { queued: 0, skipped: 0, reason: "no job" };
    const members = await jobAudience(db, job.id, now);
    ids = members
      .filter((m) =>
        inAudience(n.audience, n.condition, { orders: Number(m.orders), photosAvailable: !!m.photosAvailable }),
      )
      .map((m) => m.customerId);
  } else {
    ids = [];
    for (const id of customerIds) {
      if (!job) {
        ids.push(id); // a standalone appointment: its customer is the audience
        continue;
      }
      const standing = await customerStanding(db, job.id, id, now);
      if (
        info.anchor === "appointment" ||
        n.trigger === "appointment_booked" ||
        inAudience(n.audience, n.condition, standing)
      )
        ids.push(id);
    }
  }
  if (!ids.length) return { queued: 0, skipped: 0, reason: "nobody in the audience at that moment" };
  const decisions = decideRecipients(await loadCandidates(db, ids), n.channel, { requireConsent: !info.transactional });
  const source = {
    kind: "notification" as const,
    notificationId: n.id,
    jobId: job?.id ?? 0,
    appointmentId: appointmentId ?? null,
  };
  await enqueueDeliveries(
    db,
    { sourceType: "notification", notificationId: n.id, jobId: job?.id ?? null },
    decisions.map((d) => ({
      key: deliveryKey(source, { customerId: d.customerId }, n.channel),
      decision: d,
      dueAt: now,
      appointmentId: appointmentId ?? null,
    })),
    now,
    customerIds === "job" ? { batchSize: s.staggerBatchSize, intervalSeconds: s.staggerIntervalSeconds } : undefined,
  );
  const skipped = decisions.filter((d) => d.skip).length;
  return { queued: decisions.length - skipped, skipped, reason: undefined as string | undefined };
}

/** Logs a firing that threw with its ids and writes it on its run: tried again later, or given up. */
async function recordFailure(c: FireContext, db: Tx, run: Run, lease: Date, err: unknown) {
  const attempts = run.attempts + 1;
  const error = errorText(err);
  const gaveUp = attempts >= MAX_ATTEMPTS;
  c.deps.log("error", "automation firing failed", {
    run: run.id,
    notification: run.notificationId,
    job: run.jobId || undefined,
    customer: run.customerId || undefined,
    appointment: run.appointmentId || undefined,
    event: run.eventId ?? undefined,
    attempt: attempts,
    gaveUp,
    error,
  });
  const d = gaveUp
    ? ({ status: "failed", attempts, lastError: error, reason: `gave up after ${attempts} attempts` } as const)
    : ({
        status: "planned",
        attempts,
        lastError: error,
        nextTryAt: new Date(c.now.getTime() + RETRY_AFTER_MS[attempts - 1]!),
      } as const);
  await settleRun(db, run, lease, d, c.now);
}

/** An error as one readable line: a driver error's own message rather than drizzle's query dump. */
function errorText(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  const text = cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err);
  return text.length > 500 ? `${text.slice(0, 497)}…` : text;
}
