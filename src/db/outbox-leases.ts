// Claiming and settling deliveries (SPEC D3–D5): a worker claims due work with a lease, keeps the
// lease alive while it works, and may record an outcome only while it still holds the lease, so
// a worker that stalled or was taken over changes nothing. Leases are judged by the database's
// clock (DB_NOW), the one clock every process shares; due times are business time (`now`).
import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { DB_NOW } from "./db-clock.ts";
import { applyEarlyEvents } from "./delivery-status.ts";
import { inJson } from "./in-json.ts";
import { PAUSED } from "./messages.ts";
import type { Delivery } from "./outbox.ts";
import { deliveries, deliveryEvents, emailBatches } from "./schema.ts";
import type { Channel } from "../core/vocabulary.ts";

const leaseFor = (leaseMs: number) => sql`${DB_NOW} + ${leaseMs}`;
const leaseRanOut = sql`${deliveries.leaseExpiresAt} < ${DB_NOW}`;
/** A claim's attempt count: one more, unless it takes over a crashed claim whose attempt never began. */
const chargeAttempt = sql`${deliveries.attempts} + case when ${deliveries.status} = 'sending' and ${deliveries.attemptStartedAt} is null then 0 else 1 end`;

/**
 * The condition that `owner` still holds the lease on the row being updated, in plain SQL, for an
 * `update … from json_each(…)`. The `+` keeps SQLite from walking every lease in flight through
 * deliveries_lease_idx (and the whole list for each): it looks each listed id up instead.
 */
const heldBy = (owner: string) =>
  sql`+deliveries.status = 'sending' and deliveries.lease_owner = ${owner} and deliveries.lease_expires_at >= ${DB_NOW}`;

/** The condition that `owner` still holds the lease on delivery `id`. */
const holding = (id: number, owner: string) =>
  and(
    eq(deliveries.id, id),
    eq(deliveries.status, "sending"),
    eq(deliveries.leaseOwner, owner),
    sql`${deliveries.leaseExpiresAt} >= ${DB_NOW}`,
  );

/**
 * Claims up to `limit` due deliveries of a channel for `owner` for `leaseMs`: queued ones whose
 * time has come, and ones whose previous worker's lease ran out (a crash). Claiming counts as an
 * attempt — except taking over one whose attempt never began: a worker claims a pass's worth and
 * sends them one by one, so a crash finds most of its claims still waiting their turn, and
 * charging them would fail innocent deliveries after a few crashes (the crash loop in
 * test/faults found SMS "given up after 8 attempts" that were never tried once). A delivery with
 * `attemptStartedAt` set has an attempt of unknown outcome behind it: the sender must ask the
 * provider, or replay the same idempotent request, before trying again.
 */
export async function claimDue(
  db: Db,
  channel: Channel,
  owner: string,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<Delivery[]> {
  // Two walks down deliveries_due_idx, each already in (due_at, id) order, instead of one
  // `(queued and due) or (sending and lease ran out)`: SQLite plans that OR as a multi-index OR
  // and sorts every due row to find the first few (~50 ms for a claim at 300,000 rows; ~1 ms
  // so). Claims whose sender died come first: they were due before anything still queued.
  const claimed = await db
    .update(deliveries)
    .set({
      status: "sending",
      leaseOwner: owner,
      leaseExpiresAt: sql`${leaseFor(leaseMs)}`,
      attempts: chargeAttempt,
      updatedAt: now,
    })
    .where(
      inArray(
        deliveries.id,
        sql`(select id from (select id from deliveries where status = 'sending' and channel = ${channel}
                and lease_expires_at < ${DB_NOW} order by due_at, id limit ${limit})
             union all
             select id from (select id from deliveries where status = 'queued' and channel = ${channel}
                and due_at <= ${now.getTime()} order by due_at, id limit ${limit})
             limit ${limit})`,
      ),
    )
    .returning();
  return claimed.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
}

/** Claims one delivery by id, if it is queued (whatever its due time) or its lease ran out. */
export async function claimById(db: Db, id: number, owner: string, now: Date, leaseMs: number): Promise<Delivery[]> {
  return db
    .update(deliveries)
    .set({
      status: "sending",
      leaseOwner: owner,
      leaseExpiresAt: sql`${leaseFor(leaseMs)}`,
      attempts: chargeAttempt,
      updatedAt: now,
    })
    .where(
      and(
        eq(deliveries.id, id),
        sql`(${deliveries.status} = 'queued' or (${deliveries.status} = 'sending' and ${leaseRanOut}))`,
      ),
    )
    .returning();
}

/** Whether any delivery of the channel is due now (cheap: one index probe). */
export async function hasDueWork(db: Db, channel: Channel, now: Date) {
  const rows = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.status, "queued"),
        eq(deliveries.channel, channel),
        sql`${deliveries.dueAt} <= ${now.getTime()}`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/**
 * Extends `owner`'s leases on these deliveries to a full `leaseMs` from now, while it still holds
 * them (a heartbeat: a slow provider call must not let the lease run out under it), never
 * shortening one (an attempt's lease covers its whole request). Returns the ids still held.
 */
export async function renewLeases(db: Db, ids: number[], owner: string, leaseMs: number): Promise<number[]> {
  if (!ids.length) return [];
  const rows = await db
    .update(deliveries)
    .set({ leaseExpiresAt: sql`max(${deliveries.leaseExpiresAt}, ${leaseFor(leaseMs)})` })
    .where(
      and(
        inJson(deliveries.id, ids),
        eq(deliveries.status, "sending"),
        eq(deliveries.leaseOwner, owner),
        sql`${deliveries.leaseExpiresAt} >= ${DB_NOW}`,
      ),
    )
    .returning({ id: deliveries.id });
  return rows.map((r) => r.id);
}

/**
 * Records what is about to be sent and renews the lease for the whole provider call; false when
 * the lease is gone (then do not send). `leaseMs` must outlast the provider's timeout: the lease
 * runs on the database's clock, so however the workers' clocks disagree, nobody takes the
 * delivery over while its request may still be in flight.
 */
export async function beginAttempt(
  db: Db,
  d: Delivery,
  owner: string,
  now: Date,
  leaseMs: number,
  content: { subject?: string | null; body?: string | null },
) {
  return (await beginAttempts(db, [{ id: d.id, ...content }], owner, now, leaseMs)).length === 1;
}

/**
 * beginAttempt for several deliveries about to leave together (requests sent side by side): one
 * statement and one commit for all. Returns the ids still held; only those may be sent.
 */
export async function beginAttempts(
  db: Db,
  attempts: { id: number; subject?: string | null; body?: string | null }[],
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<number[]> {
  if (!attempts.length) return [];
  const rows = JSON.stringify(attempts.map((a) => [a.id, a.subject ?? null, a.body ?? null]));
  const held = await db.all<{ id: number }>(sql`update deliveries set
      attempt_started_at = ${now.getTime()},
      subject = coalesce(a.value ->> 1, deliveries.subject),
      body = coalesce(a.value ->> 2, deliveries.body),
      lease_expires_at = ${leaseFor(leaseMs)},
      updated_at = ${now.getTime()}
    from json_each(${rows}) a
    where deliveries.id = a.value ->> 0 and ${heldBy(owner)}
    returning deliveries.id as id`);
  return held.map((r) => r.id);
}

/** One e-mail batch about to leave: its members with their subjects, and how to build its exact request. */
export type EmailGroupStart = {
  group: string;
  members: { id: number; subject: string }[];
  /** The request that will carry the members still held, in order. */
  request: (heldIds: number[]) => Buffer;
};

/**
 * Records that these e-mail batches are about to go out (each member's batch and subject) and
 * the exact request that will carry each: one transaction, so a batch that may have gone out
 * always has its bytes on record for a replay; one commit for all the batches sent side by side.
 * Returns, per batch, the ids still held (only those may be sent).
 */
export async function beginEmailGroups(
  db: Db,
  groups: EmailGroupStart[],
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<number[][]> {
  if (!groups.length) return [];
  const rows = JSON.stringify(groups.flatMap((g) => g.members.map((m) => [m.id, g.group, m.subject])));
  return db.transaction(async (tx) => {
    const held = new Set(
      (
        await tx.all<{ id: number }>(sql`update deliveries set
            attempt_started_at = ${now.getTime()},
            attempt_group = m.value ->> 1,
            subject = m.value ->> 2,
            lease_expires_at = ${leaseFor(leaseMs)},
            updated_at = ${now.getTime()}
          from json_each(${rows}) m
          where deliveries.id = m.value ->> 0 and ${heldBy(owner)}
          returning deliveries.id as id`)
      ).map((r) => r.id),
    );
    const heldIds = groups.map((g) => g.members.map((m) => m.id).filter((id) => held.has(id)));
    const records = groups.flatMap((g, i) =>
      heldIds[i]!.length ? [{ attemptGroup: g.group, payload: g.request(heldIds[i]!), createdAt: now }] : [],
    );
    if (records.length) await tx.insert(emailBatches).values(records).onConflictDoNothing();
    return heldIds;
  });
}

/** The recorded request of an e-mail batch, or null for a batch begun before requests were kept. */
export async function emailBatchRequest(db: Db, group: string) {
  const [row] = await db.select().from(emailBatches).where(eq(emailBatches.attemptGroup, group));
  return row ?? null;
}

/** The members of an e-mail batch, in the order they were sent. */
export async function emailGroup(db: Db, group: string) {
  return db.select().from(deliveries).where(eq(deliveries.attemptGroup, group)).orderBy(deliveries.id);
}

/**
 * Records what has been sent under a batch's key since its first request (begun at `startedAt`);
 * a batch begun before requests were recorded gets its record now.
 */
export async function rerecordEmailBatch(db: Db, group: string, payload: Buffer, startedAt: Date) {
  await db
    .insert(emailBatches)
    .values({ attemptGroup: group, payload, createdAt: startedAt })
    .onConflictDoUpdate({ target: emailBatches.attemptGroup, set: { payload } });
}

/**
 * Takes members out of their batch: its replay went without them, so they never got it, and any
 * later send of theirs is a fresh one in a batch of its own.
 */
export async function leaveEmailGroup(db: Db, group: string, ids: number[]) {
  if (!ids.length) return;
  await db
    .update(deliveries)
    .set({ attemptStartedAt: null, attemptGroup: null })
    .where(and(inJson(deliveries.id, ids), eq(deliveries.attemptGroup, group)));
}

/**
 * Records as sent members of a batch that the provider had sent although they were skipped, held
 * or failed here since (or are not yet due again): they got it, and the report must say so. One
 * without the provider's message id is sent, not confirmed, with `why`.
 */
export async function markSentBy(
  db: Db,
  sent: { id: number; providerMessageId: string | null }[],
  now: Date,
  provider: string,
  why: string,
) {
  if (!sent.length) return;
  await db.transaction(async (tx) => {
    const acked: { id: number; providerMessageId: string }[] = [];
    for (const s of sent) {
      const rows = await tx
        .update(deliveries)
        .set({
          status: "sent",
          provider,
          providerMessageId: s.providerMessageId,
          skipReason: null,
          waitingReason: null,
          lastError: s.providerMessageId ? null : why,
          sentAt: now,
          updatedAt: now,
        })
        .where(and(eq(deliveries.id, s.id), inArray(deliveries.status, ["skipped", "failed", "held", "queued"])))
        .returning({ id: deliveries.id });
      if (!rows.length) continue;
      await tx.insert(deliveryEvents).values({
        deliveryId: s.id,
        type: s.providerMessageId ? "sent" : "sent_unconfirmed",
        detail: { provider, why },
        occurredAt: now,
      });
      if (s.providerMessageId) acked.push({ id: s.id, providerMessageId: s.providerMessageId });
    }
    await applyEarlyEvents(tx, acked);
  });
}

/** Forgets batch requests older than `before`: past Resend's key window a replay is never made. */
export async function pruneEmailBatches(db: Db, before: Date) {
  await db.delete(emailBatches).where(lt(emailBatches.createdAt, before));
}

/** Marks a delivery sent; a worker whose lease expired (or was taken over) changes nothing. */
export async function ackSent(
  db: Db,
  id: number,
  owner: string,
  now: Date,
  provider: string,
  providerMessageId: string,
) {
  return (await ackSentMany(db, [{ id, providerMessageId }], owner, now, provider)).length === 1;
}

/**
 * Acknowledges sent deliveries in one transaction and one statement each for the rows and their
 * events (an e-mail batch, or requests sent side by side: one commit, not one per message). Only
 * a worker still holding the lease may; returns the ids acknowledged.
 */
export async function ackSentMany(
  db: Db,
  sent: { id: number; providerMessageId: string }[],
  owner: string,
  now: Date,
  provider: string,
) {
  if (!sent.length) return [];
  const rows = JSON.stringify(sent.map((s) => [s.id, s.providerMessageId]));
  return db.transaction(async (tx) => {
    const acked = (
      await tx.all<{ id: number }>(sql`update deliveries set
          status = 'sent',
          provider = ${provider},
          provider_message_id = s.value ->> 1,
          sent_at = ${now.getTime()},
          lease_owner = null,
          lease_expires_at = null,
          last_error = null,
          waiting_reason = null,
          updated_at = ${now.getTime()}
        from json_each(${rows}) s
        where deliveries.id = s.value ->> 0 and ${heldBy(owner)}
        returning deliveries.id as id`)
    ).map((r) => r.id);
    if (!acked.length) return [];
    const byId = new Map(sent.map((s) => [s.id, s.providerMessageId]));
    const ackedRows = acked.map((id) => ({ id, providerMessageId: byId.get(id)! }));
    await tx.run(sql`insert into delivery_events (delivery_id, type, detail, occurred_at)
      select a.value ->> 'id', 'sent', json_object('provider', ${provider}, 'providerMessageId', a.value ->> 'providerMessageId'), ${now.getTime()}
        from json_each(${JSON.stringify(ackedRows)}) a`);
    await applyEarlyEvents(tx, ackedRows);
    return acked;
  });
}

/**
 * Marks a delivery sent without the provider's id: the provider refused a replay as different
 * from the first request with its key, which means that first request was accepted — the customer
 * got it, but its delivery reports cannot be matched to it.
 */
export async function ackUnconfirmed(db: Db, id: number, owner: string, now: Date, provider: string, why: string) {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(deliveries)
      .set({
        status: "sent",
        provider,
        sentAt: now,
        leaseOwner: null,
        leaseExpiresAt: null,
        lastError: why,
        waitingReason: null,
        updatedAt: now,
      })
      .where(holding(id, owner))
      .returning({ id: deliveries.id });
    if (rows.length)
      await tx
        .insert(deliveryEvents)
        .values({ deliveryId: id, type: "sent_unconfirmed", detail: { provider, why }, occurredAt: now });
    return rows.length === 1;
  });
}

/** The status of the one-time message a delivery belongs to (null for other sources), as SQL. */
const messageStatus = sql`(select m.status from messages m where m.id = ${deliveries.messageId})`;

/**
 * Puts a delivery back in the queue for later (retry, sending window), keeping why. After a
 * transient failure the provider may have sent it anyway: `outcomeUnknown` keeps the attempt on
 * record so the retry reconciles first. A one-time message paused or cancelled while this was in
 * flight is obeyed here: paused, it is held; cancelled, it is skipped — unless its outcome is
 * unknown, which is settled with the provider first (and then skipped at send time).
 */
export async function requeue(
  db: Db,
  id: number,
  owner: string,
  now: Date,
  dueAt: Date,
  why: { error?: string; waiting?: string; notAnAttempt?: boolean; outcomeUnknown?: boolean },
) {
  const cancelledForGood = why.outcomeUnknown ? sql`0` : sql`${messageStatus} = 'cancelled'`;
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(deliveries)
      .set({
        status: sql`case when ${messageStatus} = 'paused' then 'held' when ${cancelledForGood} then 'skipped' else 'queued' end`,
        skipReason: sql`case when ${messageStatus} <> 'paused' and ${cancelledForGood} then 'cancelled' else ${deliveries.skipReason} end`,
        dueAt,
        leaseOwner: null,
        leaseExpiresAt: null,
        lastError: why.error ?? sql`${deliveries.lastError}`,
        waitingReason: sql`case when ${messageStatus} = 'paused' then ${PAUSED} else ${why.waiting ?? null} end`,
        attemptStartedAt: why.outcomeUnknown ? sql`${deliveries.attemptStartedAt}` : null,
        attemptGroup: why.outcomeUnknown ? sql`${deliveries.attemptGroup}` : null,
        attempts: why.notAnAttempt ? sql`${deliveries.attempts} - 1` : sql`${deliveries.attempts}`,
        updatedAt: now,
      })
      .where(holding(id, owner))
      .returning({ id: deliveries.id });
    if (rows.length && why.error)
      await tx.insert(deliveryEvents).values({
        deliveryId: id,
        type: "retry_scheduled",
        detail: { error: why.error, dueAt: dueAt.toISOString() },
        occurredAt: now,
      });
    return rows.length === 1;
  });
}

/**
 * When the provider outage this delivery is waiting out began: its first retry since it was last
 * held (a release by staff starts the count again); null when it has not failed yet.
 */
export async function outageStartedAt(db: Db, id: number): Promise<Date | null> {
  const [row] = await db.all<{ at: number | null }>(sql`
    select min(occurred_at) as at from delivery_events
     where delivery_id = ${id} and type = 'retry_scheduled'
       and occurred_at > coalesce((select max(occurred_at) from delivery_events where delivery_id = ${id} and type = 'held'), 0)`);
  return row?.at ? new Date(row.at) : null;
}

/** Gives up on a delivery, keeping the provider's message (SPEC D5). */
export async function failDelivery(db: Db, id: number, owner: string, now: Date, error: string, provider?: string) {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(deliveries)
      .set({
        status: "failed",
        lastError: error,
        ...(provider && { provider }),
        leaseOwner: null,
        leaseExpiresAt: null,
        updatedAt: now,
      })
      .where(holding(id, owner))
      .returning({ id: deliveries.id });
    if (rows.length)
      await tx.insert(deliveryEvents).values({ deliveryId: id, type: "failed", detail: { error }, occurredAt: now });
    return rows.length === 1;
  });
}

/**
 * Holds a claimed delivery for staff to review instead of sending it (SPEC D6): used when sending
 * again could send twice and only a person can tell (an outcome unknown for too long).
 */
export async function holdClaimed(db: Db, id: number, owner: string, now: Date, reason: string) {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(deliveries)
      .set({ status: "held", waitingReason: reason, leaseOwner: null, leaseExpiresAt: null, updatedAt: now })
      .where(holding(id, owner))
      .returning({ id: deliveries.id });
    if (rows.length)
      await tx.insert(deliveryEvents).values({ deliveryId: id, type: "held", detail: { reason }, occurredAt: now });
    return rows.length === 1;
  });
}

/**
 * Skips a claimed delivery with a reason found at send time (e.g. unsubscribed meanwhile); `note`
 * says what is still unsure about it.
 */
export async function skipClaimed(db: Db, id: number, owner: string, now: Date, reason: string, note?: string) {
  const rows = await db
    .update(deliveries)
    .set({
      status: "skipped",
      skipReason: reason,
      leaseOwner: null,
      leaseExpiresAt: null,
      attempts: sql`${deliveries.attempts} - 1`,
      updatedAt: now,
      ...(note && { lastError: note }),
    })
    .where(holding(id, owner))
    .returning({ id: deliveries.id });
  return rows.length === 1;
}

/**
 * Hands back what `owner` claimed but did not start (graceful stop, SPEC X5; or the leftovers of
 * a tick cut short by an error). With `ids`, only those.
 */
export async function releaseLeases(db: Db, owner: string, now: Date, ids?: number[]) {
  await db
    .update(deliveries)
    .set({
      status: "queued",
      leaseOwner: null,
      leaseExpiresAt: null,
      attempts: sql`${deliveries.attempts} - 1`,
      updatedAt: now,
    })
    .where(
      and(
        eq(deliveries.status, "sending"),
        eq(deliveries.leaseOwner, owner),
        isNull(deliveries.attemptStartedAt),
        ids ? inJson(deliveries.id, ids) : undefined,
      ),
    );
}

/**
 * After an outage longer than `holdMs`, work that should have gone out more than `holdMs` ago
 * is held for review instead of sent in a burst (SPEC D6); `downFor` says how long, in words.
 */
export async function holdOverdue(db: Db, now: Date, holdMs: number, downFor: string) {
  const rows = await db
    .update(deliveries)
    .set({
      status: "held",
      waitingReason: `held for review: it fell due while Pigeon was not sending (for ${downFor}), and is too late to go out unasked`,
      updatedAt: now,
    })
    .where(
      and(
        eq(deliveries.status, "queued"),
        lt(deliveries.dueAt, new Date(now.getTime() - holdMs)),
        sql`${deliveries.sourceType} != 'test'`,
      ),
    )
    .returning({ id: deliveries.id });
  return rows.length;
}
