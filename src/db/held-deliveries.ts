// Held deliveries (SPEC D6, O5): the ones Pigeon will not send on its own — paused with their
// message, held for review after an outage, or of an attempt too old to replay safely. Staff or an
// integration decide: release (queued again, due from now) or cancel (skipped, with the reason).
// Only a delivery still held is touched, and every decision lands in the audit log and on the
// delivery's timeline.
import { and, count, eq, isNull, type SQL, sql } from "drizzle-orm";
import { REPLAY_WINDOW_MS } from "../core/retry-policy.ts";
import type { Db } from "./client.ts";
import { inJson } from "./in-json.ts";
import type { Delivery } from "./outbox.ts";
import { apiKeys, deliveries, jobs, messages, notifications } from "./schema.ts";
import type { Channel } from "../core/vocabulary.ts";

/** Which held deliveries an action is about: given ids, or what the outbox list and the API filter by. */
export type HeldSelection = {
  ids?: number[];
  messageId?: number;
  notificationId?: number;
  /** A firing's job; `null` means deliveries without a job. */
  jobId?: number | null;
  customerId?: number;
  channel?: Channel;
  source?: Delivery["sourceType"];
};

/** Who decided, for the audit log (user or API key) and, by name, for the timeline. */
export type HeldActor = { userId?: number | null; apiKeyId?: number | null; name: string };

function selecting(sel: HeldSelection): SQL {
  const where: SQL[] = [eq(deliveries.status, "held")];
  if (sel.ids) where.push(inJson(deliveries.id, sel.ids));
  if (sel.messageId !== undefined) where.push(eq(deliveries.messageId, sel.messageId));
  if (sel.notificationId !== undefined) where.push(eq(deliveries.notificationId, sel.notificationId));
  if (sel.jobId !== undefined)
    where.push(sel.jobId === null ? isNull(deliveries.jobId) : eq(deliveries.jobId, sel.jobId));
  if (sel.customerId !== undefined) where.push(eq(deliveries.customerId, sel.customerId));
  if (sel.channel) where.push(eq(deliveries.channel, sel.channel));
  if (sel.source) where.push(eq(deliveries.sourceType, sel.source));
  return and(...where)!;
}

/** How many held deliveries the selection covers, and how many of those belong to a paused message. */
export async function countHeld(db: Db, sel: HeldSelection): Promise<{ total: number; ofPausedMessages: number }> {
  const [row] = await db
    .select({ total: count(), paused: sql<number>`coalesce(sum(${messages.status} = 'paused'), 0)` })
    .from(deliveries)
    .leftJoin(messages, eq(messages.id, deliveries.messageId))
    .where(selecting(sel));
  return { total: row?.total ?? 0, ofPausedMessages: Number(row?.paused ?? 0) };
}

/** The current status of each of these deliveries; ids that name no delivery are absent. */
export async function deliveryStatuses(db: Db, ids: number[]): Promise<Map<number, Delivery["status"]>> {
  const rows = await db
    .select({ id: deliveries.id, status: deliveries.status })
    .from(deliveries)
    .where(inJson(deliveries.id, ids));
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** What a selection names that does not exist: delivery ids, and whether its message, notification or job is missing. */
export async function missingReferences(db: Db, sel: HeldSelection) {
  const found = sel.ids ? await deliveryStatuses(db, sel.ids) : new Map();
  const exists = async (table: typeof messages | typeof notifications | typeof jobs, id: number | null | undefined) =>
    id == null || (await db.select({ id: table.id }).from(table).where(eq(table.id, id))).length > 0;
  return {
    ids: (sel.ids ?? []).filter((id) => !found.has(id)),
    message: !(await exists(messages, sel.messageId)),
    notification: !(await exists(notifications, sel.notificationId)),
    job: !(await exists(jobs, sel.jobId)),
  };
}

/** The name an API key is shown by on a delivery's timeline. */
export async function apiKeyName(db: Db, id: number): Promise<string> {
  const [row] = await db.select({ name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.id, id));
  return `API key “${row?.name ?? `#${id}`}”`;
}

/**
 * The start of the reason a delivery is held when Twilio has a message or call to its number that
 * may be its own or another's. Staff have looked when they release it: it is sent again.
 */
export const WHICH_UNKNOWN =
  "held for review: Twilio has a message or call to this number that may be this one or another sent at the same time, and the answers to both were lost";

/** Held deliveries decided per transaction: a large release never holds the write lock for more than a moment. */
const PAGE = 5_000;

/**
 * Releases the selected held deliveries: queued again, due from now — several staggered by the
 * studio's batch size and interval, in the order they were due — with the hold's reason cleared.
 * An attempt of unknown outcome stays on record, so the dispatcher settles it first (asks Twilio,
 * replays the e-mail's batch under its key) and nobody gets it twice; only an e-mail attempt older
 * than Resend's key window, or one whose owner Twilio could not tell, is cleared — nothing can tell
 * any more, and the release is staff's decision to send it afresh. The attempt count starts again:
 * work held at the attempt limit would otherwise be given up at once. Returns the ids released.
 */
export async function releaseHeld(
  db: Db,
  sel: HeldSelection,
  actor: HeldActor,
  now: Date,
  stagger: { batchSize: number; intervalSeconds: number },
) {
  const at = now.getTime();
  // staggeredDueAt's arithmetic, in SQL: the n-th released is due after floor(n / batch) intervals
  // (the cast, because the driver binds numbers as reals and the division would not be whole).
  return decide(
    db,
    sel,
    actor,
    now,
    "released",
    (n) => sql`status = 'queued',
    due_at = ${at} + cast((${n}) / ${Math.max(1, stagger.batchSize)} as integer) * ${stagger.intervalSeconds * 1000},
    waiting_reason = null, lease_owner = null, lease_expires_at = null, updated_at = ${at}, attempts = 0,
    attempt_started_at = case when ${forgetAttempt(at)} then null else attempt_started_at end,
    attempt_group = case when ${forgetAttempt(at)} then null else attempt_group end`,
  );
}

/**
 * Whether releasing a held delivery forgets its last attempt, so it is sent afresh: an e-mail past
 * Resend's key window (a replay could not be matched), or one whose owner staff had to decide.
 */
const forgetAttempt = (at: number) =>
  sql`(channel = 'email' and attempt_started_at < ${at - REPLAY_WINDOW_MS}) or substr(waiting_reason, 1, ${WHICH_UNKNOWN.length}) = ${WHICH_UNKNOWN}`;

/** Cancels the selected held deliveries: skipped as "cancelled by staff", never sent. Returns the ids cancelled. */
export async function cancelHeld(db: Db, sel: HeldSelection, actor: HeldActor, now: Date) {
  const at = now.getTime();
  return decide(
    db,
    sel,
    actor,
    now,
    "cancelled",
    () =>
      sql`status = 'skipped', skip_reason = 'cancelled_by_staff', waiting_reason = null, lease_owner = null, lease_expires_at = null, updated_at = ${at}`,
  );
}

/**
 * Decides a page of held deliveries per transaction, in the order they were due, until none is
 * left; each gets its timeline entry and audit row in the same transaction. `set` is given each
 * row's place among all decided (for a stagger that runs on across pages) as SQL.
 */
async function decide(
  db: Db,
  sel: HeldSelection,
  actor: HeldActor,
  now: Date,
  action: "released" | "cancelled",
  set: (place: SQL) => SQL,
): Promise<number[]> {
  const at = now.getTime();
  const done: number[] = [];
  for (;;) {
    const ids = await db.transaction(async (tx) => {
      const page = (
        await tx
          .select({ id: deliveries.id })
          .from(deliveries)
          .where(selecting(sel))
          .orderBy(deliveries.dueAt, deliveries.id)
          .limit(PAGE)
      ).map((r) => r.id);
      if (!page.length) return [];
      const list = JSON.stringify(page);
      // The timeline says who decided and why it had been held (the update clears that reason);
      // the audit log keeps the actor's ids.
      await tx.run(sql`insert into delivery_events (delivery_id, type, detail, occurred_at)
        select id, ${`${action}_by_staff`}, json_object('by', ${actor.name}, 'was', waiting_reason), ${at} from deliveries where ${inJson(deliveries.id, page)}`);
      await tx.run(sql`insert into audit_log (actor_user_id, actor_api_key_id, action, entity_type, entity_id, created_at)
        select ${actor.userId ?? null}, ${actor.apiKeyId ?? null}, ${action}, 'delivery', value, ${at} from json_each(${list})`);
      // `+status` keeps SQLite driving the update from the page's ids rather than from the status index.
      await tx.run(
        sql`update deliveries set ${set(sql`j.key + ${done.length}`)} from json_each(${list}) j where deliveries.id = j.value and +deliveries.status = 'held'`,
      );
      return page;
    });
    done.push(...ids);
    if (ids.length < PAGE) return done.sort((a, b) => a - b);
  }
}
