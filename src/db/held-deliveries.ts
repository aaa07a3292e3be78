// Held deliveries (SPEC D6, O5): the ones Pigeon will not send on its own — paused with their
// message, held for review after an outage, or of an attempt too old to replay safely. Staff or an
// integration decide: release (queued again, due from now) or cancel (skipped, with the reason).
// Only a delivery still held is touched, and every decision lands in the audit log and on the
// delivery's timeline.
import { and, asc, count, eq, isNull, type SQL, sql } from "drizzle-orm";
import { staggeredDueAt } from "../core/stagger.ts";
import type { Db } from "./client.ts";
import { inJson } from "./in-json.ts";
import type { Delivery } from "./outbox.ts";
import { apiKeys, type Channel, deliveries, jobs, messages, notifications } from "./schema.ts";

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

const CHUNK = 5_000;
const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

function selecting(sel: HeldSelection): SQL {
  const where: SQL[] = [eq(deliveries.status, "held")];
  if (sel.ids) where.push(inJson(deliveries.id, sel.ids));
  if (sel.messageId !== undefined) where.push(eq(deliveries.messageId, sel.messageId));
  if (sel.notificationId !== undefined) where.push(eq(deliveries.notificationId, sel.notificationId));
  if (sel.jobId !== undefined) where.push(sel.jobId === null ? isNull(deliveries.jobId) : eq(deliveries.jobId, sel.jobId));
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
  const rows = await db.select({ id: deliveries.id, status: deliveries.status }).from(deliveries).where(inJson(deliveries.id, ids));
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

type Decided = { id: number; dueAt?: number; was: string | null };

/**
 * Releases the selected held deliveries: queued again, due from now — several staggered by the
 * studio's batch size and interval, in the order they were due — with the hold's reason and any
 * attempt of unknown outcome cleared: a release is a decision to send afresh. Returns the ids released.
 */
export async function releaseHeld(db: Db, sel: HeldSelection, actor: HeldActor, now: Date, stagger: { batchSize: number; intervalSeconds: number }) {
  return decide(db, sel, actor, now, "released", (rows) =>
    rows.map((r, i) => ({ ...r, dueAt: staggeredDueAt(now, i, stagger).getTime() })),
  );
}

/** Cancels the selected held deliveries: skipped as "cancelled by staff", never sent. Returns the ids cancelled. */
export async function cancelHeld(db: Db, sel: HeldSelection, actor: HeldActor, now: Date) {
  return decide(db, sel, actor, now, "cancelled", (rows) => rows);
}

/**
 * One transaction: reads what is held now, changes only rows still held (the guard is repeated in
 * the update, so nothing that moved on is touched), and records the decision per delivery.
 */
async function decide(db: Db, sel: HeldSelection, actor: HeldActor, now: Date, action: "released" | "cancelled", plan: (rows: Decided[]) => Decided[]): Promise<number[]> {
  return db.transaction(async (tx) => {
    const held = await tx
      .select({ id: deliveries.id, was: deliveries.waitingReason })
      .from(deliveries)
      .where(selecting(sel))
      .orderBy(asc(deliveries.dueAt), asc(deliveries.id));
    const done: number[] = [];
    const at = now.getTime();
    for (const part of chunks(plan(held))) {
      const rows = JSON.stringify(part.map((r) => [r.id, r.dueAt ?? null, r.was]));
      const changed =
        action === "released"
          ? await tx.all<{ id: number }>(sql`update deliveries set status = 'queued', due_at = j.value ->> 1, waiting_reason = null,
                attempt_started_at = null, attempt_group = null, lease_owner = null, lease_expires_at = null, updated_at = ${at}
              from json_each(${rows}) j where deliveries.id = j.value ->> 0 and deliveries.status = 'held' returning deliveries.id as id`)
          : await tx.all<{ id: number }>(sql`update deliveries set status = 'skipped', skip_reason = 'cancelled_by_staff', waiting_reason = null,
                lease_owner = null, lease_expires_at = null, updated_at = ${at}
              from json_each(${rows}) j where deliveries.id = j.value ->> 0 and deliveries.status = 'held' returning deliveries.id as id`);
      const ids = JSON.stringify(changed.map((c) => c.id));
      // The timeline says who decided and why it had been held; the audit log keeps the actor's ids.
      await tx.run(sql`insert into delivery_events (delivery_id, type, detail, occurred_at)
        select j.value ->> 0, ${`${action}_by_staff`}, json_object('by', ${actor.name}, 'was', j.value ->> 2), ${at}
        from json_each(${rows}) j where j.value ->> 0 in (select value from json_each(${ids}))`);
      await tx.run(sql`insert into audit_log (actor_user_id, actor_api_key_id, action, entity_type, entity_id, created_at)
        select ${actor.userId ?? null}, ${actor.apiKeyId ?? null}, ${action}, 'delivery', value, ${at} from json_each(${ids})`);
      done.push(...changed.map((c) => c.id));
    }
    return done;
  });
}
