// Named queries for one-time messages (SPEC §5): drafts, activation, the send's lifecycle
// (pause, resume, cancel) and its report.
import { and, count, desc, eq, inArray, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { MessageInput } from "../core/message-input.ts";
import { staggeredDueAt } from "../core/stagger.ts";
import type { Db } from "./client.ts";
import { fileInfo } from "./files.ts";
import { appointments, customers, deliveries, files, messages } from "./schema.ts";

export type Message = typeof messages.$inferSelect;

/** The message's columns from its input; `audioName`: the name of its recorded audio (voice_audio_id), if any. */
const columns = (m: MessageInput, audioName: string) => ({
  name: m.name,
  channels: m.channels,
  subject: m.subject ?? "",
  preheader: m.preheader ?? "",
  body: m.body ?? "",
  smsBody: m.sms_body ?? "",
  voiceScript: m.voice_script ?? "",
  voiceFileId: m.voice_audio_id ?? null,
  voiceAudioName: m.voice_audio_id ? audioName : "",
  voiceName: m.voice_name,
  voiceLanguage: m.voice_language,
  callOnlyIfNoSms: m.call_only_if_no_sms,
  filters: m.filters as Record<string, unknown>,
  toAddress: m.to_address ?? null,
  sendAt: m.send_at ?? null,
  jobId: m.job_id ?? null,
});

/** The name staff know the message's recorded audio by (checked to exist by the caller). */
async function audioNameOf(db: Db, m: MessageInput): Promise<string> {
  return m.voice_audio_id ? ((await fileInfo(db, m.voice_audio_id))?.originalName ?? "") : "";
}

export async function createMessage(
  db: Db,
  m: MessageInput,
  userId: number | null,
  now: Date,
  externalId?: string | null,
) {
  const [row] = await db
    .insert(messages)
    .values({
      ...columns(m, await audioNameOf(db, m)),
      externalId: externalId ?? null,
      status: "draft",
      createdByUserId: userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return row!;
}

/** Edits a message that has not started sending; false when it has. */
export async function updateMessage(db: Db, id: number, m: MessageInput, now: Date) {
  const rows = await db
    .update(messages)
    .set({ ...columns(m, await audioNameOf(db, m)), updatedAt: now })
    .where(and(eq(messages.id, id), eq(messages.status, "draft")))
    .returning({ id: messages.id });
  return rows.length === 1;
}

export async function getMessage(db: Db, id: number) {
  return db.query.messages.findFirst({ where: eq(messages.id, id) });
}

export async function getMessageByExternalId(db: Db, externalId: string) {
  return db.query.messages.findFirst({ where: eq(messages.externalId, externalId) });
}

/**
 * Messages, newest first. With `jobId`, those about that job: started from it, naming it in their
 * filters, or reaching its customers (a message to several jobs, or to its appointments).
 */
export async function listMessages(db: Db, opts: { jobId?: number; limit?: number } = {}) {
  const aboutJob = (jobId: number) =>
    sql`(${messages.jobId} = ${jobId}
      or exists (select 1 from json_each(${messages.filters}, '$.job_ids') j where j.value = ${jobId})
      or ${messages.id} in (select d.message_id from deliveries d where d.job_id = ${jobId} and d.message_id is not null))`;
  return db
    .select()
    .from(messages)
    .where(opts.jobId ? aboutJob(opts.jobId) : undefined)
    .orderBy(desc(messages.id))
    .limit(opts.limit ?? 100);
}

/** The explicit Send step (SPEC O5): arms a draft; it starts at its send time, or now. */
export async function activateMessage(db: Db, id: number, userId: number | null, now: Date) {
  const rows = await db
    .update(messages)
    .set({ status: "scheduled", activatedAt: now, activatedByUserId: userId, updatedAt: now })
    .where(and(eq(messages.id, id), eq(messages.status, "draft")))
    .returning();
  return rows[0] ?? null;
}

/** Messages armed and due: the scheduler starts these. */
export async function dueMessages(db: Db, now: Date) {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.status, "scheduled"), sql`coalesce(${messages.sendAt}, 0) <= ${now.getTime()}`));
}

export async function setMessageStatus(
  db: Db,
  id: number,
  from: Message["status"][],
  to: Message["status"],
  now: Date,
) {
  const rows = await db
    .update(messages)
    .set({ status: to, updatedAt: now })
    .where(and(eq(messages.id, id), inArray(messages.status, from)))
    .returning({ id: messages.id });
  return rows.length === 1;
}

/**
 * Takes an armed message back to draft for editing, unless it has begun to start: once the
 * scheduler has written its first page of deliveries it is past changing (it is cancelled
 * instead). False when it was not scheduled or has begun.
 */
export async function unscheduleMessage(db: Db, id: number, now: Date) {
  const rows = await db
    .update(messages)
    .set({ status: "draft", updatedAt: now })
    .where(
      and(
        eq(messages.id, id),
        eq(messages.status, "scheduled"),
        sql`not exists (select 1 from deliveries where deliveries.message_id = ${id})`,
      ),
    )
    .returning({ id: messages.id });
  return rows.length === 1;
}

/**
 * A condition for enqueueDeliveries: the message is still armed, exactly as the scheduler read it
 * — not cancelled meanwhile, nor taken back to draft, changed and armed again.
 */
export function stillScheduled(m: Pick<Message, "id" | "updatedAt">): SQL {
  return sql`exists (select 1 from messages where id = ${m.id} and status = 'scheduled' and updated_at = ${m.updatedAt.getTime()})`;
}

/** Marks a message whose deliveries are all written as sending, if it is still the version read. */
export async function markStarted(db: Db, m: Pick<Message, "id" | "updatedAt">, now: Date) {
  const rows = await db
    .update(messages)
    .set({ status: "sending", updatedAt: now })
    .where(and(eq(messages.id, m.id), eq(messages.status, "scheduled"), eq(messages.updatedAt, m.updatedAt)))
    .returning({ id: messages.id });
  return rows.length === 1;
}

/** What a delivery held by its message's pause says; resume releases exactly these. */
export const PAUSED = "paused by staff";

/** Pause (SPEC O5): queued deliveries of the message wait, visibly, until resumed. */
export async function pauseMessage(db: Db, id: number, now: Date) {
  return db.transaction(async (tx) => {
    const ok = await setMessageStatus(tx, id, ["sending"], "paused", now);
    if (ok) {
      await tx
        .update(deliveries)
        .set({ status: "held", waitingReason: PAUSED, updatedAt: now })
        .where(and(eq(deliveries.messageId, id), eq(deliveries.status, "queued")));
    }
    return ok;
  });
}

/** Resume: what was held goes out again, staggered from now. */
export async function resumeMessage(
  db: Db,
  id: number,
  now: Date,
  stagger: { batchSize: number; intervalSeconds: number },
) {
  return db.transaction(async (tx) => {
    const ok = await setMessageStatus(tx, id, ["paused"], "sending", now);
    if (!ok) return false;
    const held = await tx
      .select({ id: deliveries.id })
      .from(deliveries)
      // Only what the pause held: what is held for review (an outage, an unknown outcome) stays for staff.
      .where(and(eq(deliveries.messageId, id), eq(deliveries.status, "held"), eq(deliveries.waitingReason, PAUSED)))
      .orderBy(deliveries.id);
    for (const [i, d] of held.entries()) {
      await tx
        .update(deliveries)
        .set({ status: "queued", waitingReason: null, dueAt: staggeredDueAt(now, i, stagger), updatedAt: now })
        .where(eq(deliveries.id, d.id));
    }
    return true;
  });
}

/** Cancel: nothing more goes out; what had not gone is recorded as cancelled. */
export async function cancelMessage(db: Db, id: number, now: Date) {
  return db.transaction(async (tx) => {
    const ok = await setMessageStatus(tx, id, ["draft", "scheduled", "sending", "paused"], "cancelled", now);
    if (ok) {
      await tx
        .update(deliveries)
        .set({ status: "skipped", skipReason: "cancelled", waitingReason: null, updatedAt: now })
        // One whose last attempt may have gone out is settled with the provider first (and skipped
        // at send time if it did not go): cancelling cannot unsend it, and the report must not lie.
        .where(
          and(
            eq(deliveries.messageId, id),
            inArray(deliveries.status, ["queued", "held", "waiting"]),
            isNull(deliveries.attemptStartedAt),
          ),
        );
      // One the pause was holding goes back to the queue for that.
      await tx
        .update(deliveries)
        .set({ status: "queued", waitingReason: null, dueAt: now, updatedAt: now })
        .where(
          and(
            eq(deliveries.messageId, id),
            eq(deliveries.status, "held"),
            eq(deliveries.waitingReason, PAUSED),
            isNotNull(deliveries.attemptStartedAt),
          ),
        );
    }
    return ok;
  });
}

/** Totals by status and by skip reason (SPEC O7). */
export async function messageTotals(db: Db, id: number) {
  const rows = await db
    .select({ status: deliveries.status, skipReason: deliveries.skipReason, channel: deliveries.channel, n: count() })
    .from(deliveries)
    .where(eq(deliveries.messageId, id))
    .groupBy(deliveries.status, deliveries.skipReason, deliveries.channel);
  const byStatus: Record<string, number> = {};
  const bySkipReason: Record<string, number> = {};
  for (const r of rows) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
    if (r.skipReason) bySkipReason[r.skipReason] = (bySkipReason[r.skipReason] ?? 0) + r.n;
  }
  const total = rows.reduce((a, r) => a + r.n, 0);
  const open = (byStatus.queued ?? 0) + (byStatus.sending ?? 0) + (byStatus.held ?? 0) + (byStatus.waiting ?? 0);
  return { total, open, byStatus, bySkipReason, rows };
}

/** Statuses in which a delivery will not reach its customer. */
const NOT_REACHING = sql`('skipped', 'failed', 'bounced', 'undelivered')`;

/**
 * The deliveries of a message that reached nobody. With "call only where SMS cannot go" a pair is
 * one story: a call not placed because its SMS went, and an SMS that could not go but whose call
 * did, both reached their customer (see smsOrCallOutcome).
 */
const reachedNobody = (id: number) =>
  and(
    eq(deliveries.messageId, id),
    inArray(deliveries.status, ["skipped", "failed", "bounced", "undelivered"]),
    sql`coalesce(${deliveries.skipReason}, '') != 'sms_sent_instead'`,
    // An SMS whose call went (or is still to go) reached, or will reach, its customer by call…
    sql`not exists (select 1 from deliveries f where f.after_delivery_id = ${deliveries.id} and f.status not in ${NOT_REACHING})`,
    // …and a call that stands in for an SMS that went (or is still to go) is not needed.
    sql`not exists (select 1 from deliveries s where s.id = ${deliveries.afterDeliveryId} and s.status not in ${NOT_REACHING})`,
  );

/** Not reached, by reason (skip reason, else status) — the report's summary of the list below. */
export async function notReachedByReason(db: Db, id: number): Promise<Record<string, number>> {
  const rows = await db
    .select({ reason: sql<string>`coalesce(${deliveries.skipReason}, ${deliveries.status})`, n: count() })
    .from(deliveries)
    .where(reachedNobody(id))
    .groupBy(sql`1`);
  return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
}

/**
 * How "call only where SMS cannot go" went: calls not needed because the SMS went (whatever else
 * would have kept the call back — the review counts them the same way), and calls placed instead
 * of an SMS.
 */
export async function smsOrCallOutcome(db: Db, id: number): Promise<{ smsInstead: number; calledInstead: number }> {
  const [row] = await db.all<{ sms_instead: number; called_instead: number }>(sql`select
      count(*) filter (where c.status = 'skipped' and s.status in ('sent', 'delivered')) as sms_instead,
      count(*) filter (where c.status in ('sent', 'delivered')) as called_instead
    from deliveries c join deliveries s on s.id = c.after_delivery_id where c.message_id = ${id}`);
  return { smsInstead: Number(row?.sms_instead ?? 0), calledInstead: Number(row?.called_instead ?? 0) };
}

/**
 * For "SMS, call only if needed": the skipped SMS and calls whose customer was (or is being)
 * reached by the other of the pair — a call skipped because the SMS went, for whatever reason it
 * was kept back, and an SMS that could not go where the call did. The live progress counts them
 * apart from those skipped who got nothing.
 */
export async function skippedButReached(db: Db, id: number): Promise<{ sms: number; voice: number }> {
  const rows = await db.all<{ channel: string; n: number }>(sql`select d.channel as channel, count(*) as n
    from deliveries d join messages m on m.id = d.message_id
    where d.message_id = ${id} and m.call_only_if_no_sms and d.status = 'skipped' and d.channel in ('sms', 'voice')
      and exists (select 1 from deliveries o where o.message_id = d.message_id and o.id != d.id
        and o.channel in ('sms', 'voice') and o.channel != d.channel
        and o.customer_id is d.customer_id and o.appointment_id is d.appointment_id
        and o.status not in ${NOT_REACHING})
    group by d.channel`);
  const out = { sms: 0, voice: 0 };
  for (const r of rows) if (r.channel === "sms" || r.channel === "voice") out[r.channel] += Number(r.n);
  return out;
}

/** Everyone not reached by a message, with the reason — the report's "why not everyone" list (per appointment, for a message to appointments). */
export async function notReached(db: Db, id: number, limit = 100_000) {
  return db
    .select({
      deliveryId: deliveries.id,
      customerId: deliveries.customerId,
      firstName: customers.firstName,
      lastName: customers.lastName,
      channel: deliveries.channel,
      address: deliveries.toAddress,
      status: deliveries.status,
      /** A code (skip reason, else status: bounced, failed…), never the provider's words: it names the help section. */
      reason: sql<string>`coalesce(${deliveries.skipReason}, ${deliveries.status})`,
      /** The provider's words for a delivery that failed or bounced ("mailbox does not exist"). */
      detail: sql<
        string | null
      >`case when ${deliveries.skipReason} is null then nullif(${deliveries.lastError}, '') end`,
      /** For a message to appointments: the appointment this one was about. */
      appointmentStartsAt: appointments.startsAt,
    })
    .from(deliveries)
    .leftJoin(customers, eq(customers.id, deliveries.customerId))
    .leftJoin(appointments, eq(appointments.id, deliveries.appointmentId))
    .where(reachedNobody(id))
    .orderBy(deliveries.channel, customers.lastName, customers.firstName)
    .limit(limit);
}

/** Whether a message went out per appointment (its deliveries carry appointments). */
export async function sentPerAppointment(db: Db, id: number): Promise<boolean> {
  const rows = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.messageId, id), isNotNull(deliveries.appointmentId)))
    .limit(1);
  return rows.length > 0;
}

/**
 * How a one-time message's calls speak (SPEC A2): its voice and language, and the recording they
 * play instead — `audio` null when the message has none, `audioStoredName` null when it had one
 * that was deleted since.
 */
export async function callSettings(db: Db, messageId: number) {
  const [row] = await db
    .select({
      voiceName: messages.voiceName,
      voiceLanguage: messages.voiceLanguage,
      audioName: messages.voiceAudioName,
      audioStoredName: files.storedName,
      audioMime: files.mimeType,
    })
    .from(messages)
    .leftJoin(files, eq(files.id, messages.voiceFileId))
    .where(eq(messages.id, messageId));
  return row;
}
