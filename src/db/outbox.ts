// The outbox (SPEC D2–D5): deliveries are created in one transaction with the decision to
// send, claimed with leases, and acknowledged only by the worker that still holds the lease.
import { and, eq, inArray, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { Candidate, Decision } from "../core/recipients.ts";
import { staggeredDueAt } from "../core/stagger.ts";
import { applyEarlyEvents } from "./delivery-status.ts";
import { activeSuppressions } from "./suppressions.ts";
import type { Db } from "./client.ts";
import { inJson } from "./in-json.ts";
import { type Channel, customers, deliveries, deliveryEvents, phoneLookups } from "./schema.ts";

export type Delivery = typeof deliveries.$inferSelect;

export type OutboxSource = {
  sourceType: "notification" | "message" | "test";
  notificationId?: number | null;
  messageId?: number | null;
  jobId?: number | null;
};

/** `subject` and `body` are stored only for test sends, whose content has no other home. */
/** One recipient on one channel; `jobId` overrides the source's job for this recipient. */
export type OutboxEntry = { key: string; decision: Decision; jobId?: number | null; appointmentId?: number | null; dueAt: Date; subject?: string | null; body?: string | null };

const CHUNK = 400;
const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * The columns enqueueDeliveries writes, in the order of its rows. The rows go to SQLite as one
 * JSON parameter per chunk rather than a placeholder per value: the libSQL driver keeps native
 * memory per bound parameter (a 100,000-recipient send grew the process by ~240 MB that was never
 * returned, ~22 MB this way; `bench/engine.ts` prints the peak).
 */
const ENQUEUED_COLUMNS = [
  "delivery_key",
  "source_type",
  "notification_id",
  "message_id",
  "job_id",
  "customer_id",
  "appointment_id",
  "channel",
  "to_address",
  "status",
  "skip_reason",
  "subject",
  "body",
  "due_at",
  "created_at",
  "updated_at",
] as const;

/**
 * Writes one delivery per entry in a single transaction: queued when it will be sent, skipped
 * with its reason when not. A key that exists already is left alone (a repeat is a no-op).
 * With `stagger` (the studio's batch size and interval), sends are spread from each due time;
 * `firstIndex` is how many sends earlier pages of the same audience already placed. With
 * `onlyIf`, nothing is written unless that condition holds inside the transaction (`refused`).
 */
export async function enqueueDeliveries(
  db: Db,
  source: OutboxSource,
  entries: OutboxEntry[],
  now: Date,
  stagger?: { batchSize: number; intervalSeconds: number; firstIndex?: number },
  opts: { onlyIf?: SQL } = {},
) {
  if (stagger) {
    // Spread what will be sent over batches; skipped rows take no place in the schedule.
    let index = stagger.firstIndex ?? 0;
    entries = entries.map((e) => (e.decision.skip ? e : { ...e, dueAt: staggeredDueAt(e.dueAt, index++, stagger) }));
  }
  let created = 0;
  let refused = false;
  await db.transaction(async (tx) => {
    if (opts.onlyIf) {
      const [row] = await tx.all<{ ok: number }>(sql`select ${opts.onlyIf} as ok`);
      if (!row?.ok) {
        refused = true;
        return;
      }
    }
    for (const part of chunks(entries)) {
      const rows = part.map((e) => [
        e.key,
        source.sourceType,
        source.notificationId ?? null,
        source.messageId ?? null,
        e.jobId !== undefined ? e.jobId : (source.jobId ?? null),
        e.decision.customerId || null,
        e.appointmentId ?? null,
        e.decision.channel,
        e.decision.to,
        e.decision.skip ? "skipped" : "queued",
        e.decision.skip,
        e.subject ?? null,
        e.body ?? null,
        e.dueAt.getTime(),
        now.getTime(),
        now.getTime(),
      ]);
      // `where true` tells SQLite the ON CONFLICT belongs to the INSERT, not to a join.
      const result = await tx.run(sql`insert into deliveries (${sql.raw(ENQUEUED_COLUMNS.join(", "))})
        select ${sql.raw(ENQUEUED_COLUMNS.map((_, i) => `r.value ->> ${i}`).join(", "))} from json_each(${JSON.stringify(rows)}) r where true
        on conflict (delivery_key) do nothing`);
      created += result.rowsAffected;
    }
  });
  return { created, existing: refused ? 0 : entries.length - created, refused };
}

/** Everything the recipient rules need to know about these customers (SPEC D9, D10). */
export async function loadCandidates(db: Db, customerIds: number[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const ids of chunks(customerIds)) {
    const rows = await db.select().from(customers).where(inJson(customers.id, ids));
    const emails = rows.map((r) => r.email).filter((e): e is string => !!e);
    const phones = rows.map((r) => r.phone).filter((p): p is string => !!p);
    const addresses = [...emails, ...phones];
    const active = await activeSuppressions(db, addresses);
    const lookups = phones.length ? await db.select().from(phoneLookups).where(inJson(phoneLookups.phone, phones)) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const suppressed = new Map<string, typeof active>();
    for (const s of active) suppressed.set(s.address, [...(suppressed.get(s.address) ?? []), s]);
    const lineTypes = new Map(lookups.map((l) => [l.phone, l.lineType as Candidate["lineType"]]));
    for (const id of ids) {
      const c = byId.get(id);
      if (!c) continue;
      const suppression: Candidate["suppression"] = {};
      for (const s of [...(c.email ? (suppressed.get(c.email) ?? []) : []), ...(c.phone ? (suppressed.get(c.phone) ?? []) : [])]) {
        if ((s.channel === "email" && s.address === c.email) || (s.channel !== "email" && s.address === c.phone)) suppression[s.channel] = s.reason;
      }
      const lineType = c.phone ? lineTypes.get(c.phone) : undefined;
      out.push({
        customerId: c.id,
        email: c.email,
        phone: c.phone,
        consent: { email: c.consentEmail, sms: c.consentSms, voice: c.consentVoice },
        suppression,
        lineType,
      });
    }
  }
  return out;
}

/**
 * Claims up to `limit` due deliveries of a channel for `owner` until `leaseUntil`: queued ones
 * whose time has come, and ones whose previous worker's lease ran out (a crash). Claiming
 * counts as an attempt. A delivery with `attemptStartedAt` set has an attempt of unknown
 * outcome behind it (its worker crashed, or the provider failed mid-call): the sender must ask
 * the provider, or replay the same idempotent request, before trying again.
 */
export async function claimDue(db: Db, channel: Channel, owner: string, now: Date, leaseUntil: Date, limit: number): Promise<Delivery[]> {
  return db
    .update(deliveries)
    .set({
      status: "sending",
      leaseOwner: owner,
      leaseExpiresAt: leaseUntil,
      attempts: sql`${deliveries.attempts} + 1`,
      updatedAt: now,
    })
    .where(
      inArray(
        deliveries.id,
        sql`(select id from deliveries where channel = ${channel} and (
               (status = 'queued' and due_at <= ${now.getTime()})
            or (status = 'sending' and lease_expires_at < ${now.getTime()}))
             order by due_at, id limit ${limit})`,
      ),
    )
    .returning();
}

/** Claims one delivery by id, if it is queued (whatever its due time) or its lease ran out. */
export async function claimById(db: Db, id: number, owner: string, now: Date, leaseUntil: Date): Promise<Delivery[]> {
  return db
    .update(deliveries)
    .set({ status: "sending", leaseOwner: owner, leaseExpiresAt: leaseUntil, attempts: sql`${deliveries.attempts} + 1`, updatedAt: now })
    .where(and(eq(deliveries.id, id), sql`(${deliveries.status} = 'queued' or (${deliveries.status} = 'sending' and ${deliveries.leaseExpiresAt} < ${now.getTime()}))`))
    .returning();
}

/** Whether any delivery of the channel is due now (cheap: one index probe). */
export async function hasDueWork(db: Db, channel: Channel, now: Date) {
  const rows = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.status, "queued"), eq(deliveries.channel, channel), sql`${deliveries.dueAt} <= ${now.getTime()}`))
    .limit(1);
  return rows.length > 0;
}

const holding = (id: number, owner: string, now: Date) =>
  and(eq(deliveries.id, id), eq(deliveries.status, "sending"), eq(deliveries.leaseOwner, owner), sql`${deliveries.leaseExpiresAt} >= ${now.getTime()}`);

/** Records what is about to be sent; false when the lease is gone (then do not send). */
export async function beginAttempt(db: Db, d: Delivery, owner: string, now: Date, content: { subject?: string | null; body?: string | null }) {
  const rows = await db
    .update(deliveries)
    .set({ attemptStartedAt: now, subject: content.subject ?? d.subject, body: content.body ?? d.body, updatedAt: now })
    .where(holding(d.id, owner, now))
    .returning({ id: deliveries.id });
  return rows.length === 1;
}

/**
 * Records that these e-mails are about to go out together as one batch (`group`), with their
 * subjects; returns the ids still held (only those may be sent).
 */
export async function beginEmailGroup(db: Db, batch: { id: number; subject: string }[], owner: string, now: Date, group: string) {
  const held: number[] = [];
  await db.transaction(async (tx) => {
    for (const d of batch) {
      const rows = await tx
        .update(deliveries)
        .set({ attemptStartedAt: now, attemptGroup: group, subject: d.subject, updatedAt: now })
        .where(holding(d.id, owner, now))
        .returning({ id: deliveries.id });
      if (rows.length) held.push(d.id);
    }
  });
  return held;
}

/** The members of an e-mail batch, in the order they were sent. */
export async function emailGroup(db: Db, group: string) {
  return db.select().from(deliveries).where(eq(deliveries.attemptGroup, group)).orderBy(deliveries.id);
}

/** Marks a delivery sent; a worker whose lease expired (or was taken over) changes nothing. */
export async function ackSent(db: Db, id: number, owner: string, now: Date, provider: string, providerMessageId: string) {
  return (await ackSentMany(db, [{ id, providerMessageId }], owner, now, provider)).length === 1;
}

/**
 * Acknowledges sent deliveries in one transaction (an e-mail batch: one commit instead of two per
 * message). Only a worker still holding the lease may; returns the ids acknowledged.
 */
export async function ackSentMany(db: Db, sent: { id: number; providerMessageId: string }[], owner: string, now: Date, provider: string) {
  const acked: number[] = [];
  await db.transaction(async (tx) => {
    for (const s of sent) {
      const rows = await tx
        .update(deliveries)
        .set({ status: "sent", provider, providerMessageId: s.providerMessageId, sentAt: now, leaseOwner: null, leaseExpiresAt: null, lastError: null, waitingReason: null, updatedAt: now })
        .where(holding(s.id, owner, now))
        .returning({ id: deliveries.id });
      if (rows.length) acked.push(s.id);
    }
    if (acked.length) {
      const byId = new Map(sent.map((s) => [s.id, s.providerMessageId]));
      await tx.insert(deliveryEvents).values(acked.map((id) => ({ deliveryId: id, type: "sent", detail: { provider, providerMessageId: byId.get(id) }, occurredAt: now })));
      await applyEarlyEvents(tx, acked.map((id) => ({ id, providerMessageId: byId.get(id)! })));
    }
  });
  return acked;
}

/**
 * Puts a delivery back in the queue for later (retry, sending window), keeping why. After a
 * transient failure the provider may have sent it anyway: `outcomeUnknown` keeps the attempt on
 * record so the retry reconciles first.
 */
export async function requeue(db: Db, id: number, owner: string, now: Date, dueAt: Date, why: { error?: string; waiting?: string; notAnAttempt?: boolean; outcomeUnknown?: boolean }) {
  const rows = await db
    .update(deliveries)
    .set({
      status: "queued",
      dueAt,
      leaseOwner: null,
      leaseExpiresAt: null,
      lastError: why.error ?? sql`${deliveries.lastError}`,
      waitingReason: why.waiting ?? null,
      attemptStartedAt: why.outcomeUnknown ? sql`${deliveries.attemptStartedAt}` : null,
      attemptGroup: why.outcomeUnknown ? sql`${deliveries.attemptGroup}` : null,
      attempts: why.notAnAttempt ? sql`${deliveries.attempts} - 1` : sql`${deliveries.attempts}`,
      updatedAt: now,
    })
    .where(holding(id, owner, now))
    .returning({ id: deliveries.id });
  if (rows.length && why.error) await db.insert(deliveryEvents).values({ deliveryId: id, type: "retry_scheduled", detail: { error: why.error, dueAt: dueAt.toISOString() }, occurredAt: now });
  return rows.length === 1;
}

/** Gives up on a delivery, keeping the provider's message (SPEC D5). */
export async function failDelivery(db: Db, id: number, owner: string, now: Date, error: string, provider?: string) {
  const rows = await db
    .update(deliveries)
    .set({ status: "failed", lastError: error, ...(provider && { provider }), leaseOwner: null, leaseExpiresAt: null, updatedAt: now })
    .where(holding(id, owner, now))
    .returning({ id: deliveries.id });
  if (rows.length) await db.insert(deliveryEvents).values({ deliveryId: id, type: "failed", detail: { error }, occurredAt: now });
  return rows.length === 1;
}

/** Skips a claimed delivery with a reason found at send time (e.g. unsubscribed meanwhile). */
export async function skipClaimed(db: Db, id: number, owner: string, now: Date, reason: string) {
  const rows = await db
    .update(deliveries)
    .set({ status: "skipped", skipReason: reason, leaseOwner: null, leaseExpiresAt: null, attempts: sql`${deliveries.attempts} - 1`, updatedAt: now })
    .where(holding(id, owner, now))
    .returning({ id: deliveries.id });
  return rows.length === 1;
}

/** Graceful stop (SPEC X5): hands back what this worker claimed but did not start. */
export async function releaseLeases(db: Db, owner: string, now: Date) {
  await db
    .update(deliveries)
    .set({ status: "queued", leaseOwner: null, leaseExpiresAt: null, attempts: sql`${deliveries.attempts} - 1`, updatedAt: now })
    .where(and(eq(deliveries.status, "sending"), eq(deliveries.leaseOwner, owner), isNull(deliveries.attemptStartedAt)));
}

/**
 * After an outage longer than `holdMs`, work that should have gone out more than `holdMs` ago
 * is held for review instead of sent in a burst (SPEC D6).
 */
export async function holdOverdue(db: Db, now: Date, holdMs: number) {
  const rows = await db
    .update(deliveries)
    .set({ status: "held", waitingReason: "held for review: it was due long ago, during an outage", updatedAt: now })
    .where(and(eq(deliveries.status, "queued"), lt(deliveries.dueAt, new Date(now.getTime() - holdMs)), sql`${deliveries.sourceType} != 'test'`))
    .returning({ id: deliveries.id });
  return rows.length;
}
