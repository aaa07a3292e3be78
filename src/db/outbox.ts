// The outbox (SPEC D2–D5): deliveries are created in one transaction with the decision to
// send, claimed with leases, and acknowledged only by the worker that still holds the lease.
import { type SQL, sql } from "drizzle-orm";
import { knownLineType } from "../core/phone.ts";
import type { Candidate, Decision } from "../core/recipients.ts";
import { staggeredDueAt } from "../core/stagger.ts";
import { activeSuppressions } from "./suppressions.ts";
import type { Db } from "./client.ts";
import { inJson } from "./in-json.ts";
import { customers, deliveries, phoneLookups } from "./schema.ts";

export type Delivery = typeof deliveries.$inferSelect;

export type OutboxSource = {
  sourceType: "notification" | "message" | "test";
  notificationId?: number | null;
  messageId?: number | null;
  jobId?: number | null;
};

/** `subject` and `body` are stored only for test sends, whose content has no other home. */
/** One recipient on one channel; `jobId` overrides the source's job for this recipient. */
/**
 * One recipient on one channel; `jobId` overrides the source's job for this recipient. `afterKey`
 * ties a call to the SMS with that key ("call only where SMS cannot go"); a call whose decision
 * `waitsOnSms` waits for that SMS and goes only if it does not (migration 0010's trigger).
 */
export type OutboxEntry = {
  key: string;
  decision: Decision;
  jobId?: number | null;
  appointmentId?: number | null;
  dueAt: Date;
  subject?: string | null;
  body?: string | null;
  afterKey?: string | null;
  /** A staff test's chosen files, ids in order (deliveries.test_files). */
  testFiles?: number[] | null;
  /** A staff test e-mail's preview line (deliveries.test_preheader). */
  testPreheader?: string | null;
};

/**
 * When a test send is due: a minute on, so the background loop leaves it to the request that
 * sends it at once (sendNow claims it whatever its due time) and the page can show its outcome;
 * should that request die, the loop sends it a minute later.
 */
export const testDueAt = (now: Date) => new Date(now.getTime() + 60_000);

/** What a waiting call says while its SMS is not settled. */
export const WAITS_FOR_SMS = "waits for the SMS: called only if the SMS cannot go";

const CHUNK = 400;
const chunks = <T>(xs: T[]) =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * The columns enqueueDeliveries writes, in the order of its rows. The rows go to SQLite as one
 * JSON parameter per chunk rather than a placeholder per value: the libSQL driver holds native
 * memory per statement and bound value until a collection and a turn of the event loop (see
 * bench/support/libsql-memory-repro.ts); a 100,000-recipient send in one pass grew the process by
 * ~240 MB that way, ~22 MB this way.
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
  "waiting_reason",
  "test_files",
  "test_preheader",
  "created_at",
  "updated_at",
] as const;

/**
 * Writes one delivery per entry in a single transaction: queued when it will be sent, skipped
 * with its reason when not. A key that exists already is left alone (a repeat is a no-op).
 * With `stagger` (the studio's batch size and interval), sends are spread from each due time;
 * `firstIndex` is how many sends earlier pages of the same audience already placed. With
 * `onlyIf`, nothing is written unless that condition holds inside the transaction (`refused`).
 * With `hold`, what would be queued is written held for review instead, with that reason.
 */
export async function enqueueDeliveries(
  db: Db,
  source: OutboxSource,
  entries: OutboxEntry[],
  now: Date,
  stagger?: { batchSize: number; intervalSeconds: number; firstIndex?: number },
  opts: { onlyIf?: SQL; hold?: string } = {},
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
        e.decision.skip ? "skipped" : e.afterKey && e.decision.waitsOnSms ? "waiting" : opts.hold ? "held" : "queued",
        e.decision.skip,
        e.subject ?? null,
        e.body ?? null,
        e.dueAt.getTime(),
        e.decision.skip ? null : e.afterKey && e.decision.waitsOnSms ? WAITS_FOR_SMS : (opts.hold ?? null),
        e.testFiles?.length ? JSON.stringify(e.testFiles) : null,
        e.testPreheader || null,
        now.getTime(),
        now.getTime(),
      ]);
      // `where true` tells SQLite the ON CONFLICT belongs to the INSERT, not to a join.
      const result = await tx.run(sql`insert into deliveries (${sql.raw(ENQUEUED_COLUMNS.join(", "))})
        select ${sql.raw(ENQUEUED_COLUMNS.map((_, i) => `r.value ->> ${i}`).join(", "))} from json_each(${JSON.stringify(rows)}) r where true
        on conflict (delivery_key) do nothing`);
      created += result.rowsAffected;
    }
    // Once every row is in, each call learns its SMS's id; a waiting one whose SMS is not there
    // (nothing to wait for) goes as usual.
    for (const part of chunks(entries.filter((e) => e.afterKey))) {
      const waiting = JSON.stringify(part.map((e) => [e.key, e.afterKey]));
      await tx.run(sql`update deliveries set after_delivery_id = (select s.id from deliveries s where s.delivery_key = w.value ->> 1)
        from json_each(${waiting}) w where deliveries.delivery_key = w.value ->> 0 and deliveries.after_delivery_id is null`);
      await tx.run(sql`update deliveries set status = 'queued', waiting_reason = null
        where status = 'waiting' and after_delivery_id is null and delivery_key in (select value ->> 0 from json_each(${waiting}))`);
      // Another recipient's SMS on an earlier page may be settled already (a shared phone): the
      // call is decided now, as migration 0010's trigger decides it when the SMS settles.
      await tx.run(sql`update deliveries set
          status = case when s.status in ('sent', 'delivered') or s.skip_reason in ('cancelled', 'cancelled_by_staff') then 'skipped' else 'queued' end,
          skip_reason = case when s.status in ('sent', 'delivered') then 'sms_sent_instead' when s.skip_reason in ('cancelled', 'cancelled_by_staff') then s.skip_reason end,
          waiting_reason = null
        from deliveries s
        where s.id = deliveries.after_delivery_id and deliveries.status = 'waiting' and s.status not in ('queued', 'sending', 'held', 'waiting')
          and deliveries.delivery_key in (select value ->> 0 from json_each(${waiting}))`);
    }
  });
  return { created, existing: refused ? 0 : entries.length - created, refused };
}

/** Everything the recipient rules need to know about these customers (SPEC D9, D10). */
export async function loadCandidates(db: Db, customerIds: number[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const ids of chunks(customerIds)) {
    // Only what the rules read: a whole customer row is a dozen more values to carry per candidate.
    const rows = await db
      .select({
        id: customers.id,
        email: customers.email,
        phone: customers.phone,
        consentEmail: customers.consentEmail,
        consentSms: customers.consentSms,
        consentVoice: customers.consentVoice,
      })
      .from(customers)
      .where(inJson(customers.id, ids));
    const emails = rows.map((r) => r.email).filter((e): e is string => !!e);
    const phones = rows.map((r) => r.phone).filter((p): p is string => !!p);
    const addresses = [...emails, ...phones];
    const active = await activeSuppressions(db, addresses);
    const lookups = phones.length
      ? await db
          .select({ phone: phoneLookups.phone, lineType: phoneLookups.lineType })
          .from(phoneLookups)
          .where(inJson(phoneLookups.phone, phones))
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const suppressed = new Map<string, typeof active>();
    for (const s of active) suppressed.set(s.address, [...(suppressed.get(s.address) ?? []), s]);
    const lineTypes = new Map(lookups.map((l) => [l.phone, l.lineType as Candidate["lineType"]]));
    for (const id of ids) {
      const c = byId.get(id);
      if (!c) continue;
      const suppression: Candidate["suppression"] = {};
      for (const s of [
        ...(c.email ? (suppressed.get(c.email) ?? []) : []),
        ...(c.phone ? (suppressed.get(c.phone) ?? []) : []),
      ]) {
        if ((s.channel === "email" && s.address === c.email) || (s.channel !== "email" && s.address === c.phone))
          suppression[s.channel] = s.reason;
      }
      const lineType = c.phone ? knownLineType(lineTypes.get(c.phone), c.phone) : undefined;
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
