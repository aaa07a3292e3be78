// One-time messages in the scheduler tick (SPEC O5, O6): an armed message whose time has come
// is turned into deliveries — its audience resolved now, everyone not reached recorded with the
// reason, the rest staggered by the studio's batch size and interval — and a message whose
// deliveries have all settled is marked sent.
import { and, eq, inArray, sql } from "drizzle-orm";
import { deliveryKey } from "../core/delivery-key.ts";
import { hasAppointmentFilter, type MessageFilters, messageJob } from "../core/message-filters.ts";
import { missingByChannel, requiredByChannel } from "../core/message-values.ts";
import { knownLineType, toE164 } from "../core/phone.ts";
import { studioCountry } from "../core/country.ts";
import { type Candidate, type Decision, decideRecipients } from "../core/recipients.ts";
import { callsAfterTexts } from "../core/sms-or-call.ts";
import type { Db } from "../db/client.ts";
import { planStart, writeStartPage } from "../db/audience-start.ts";
import { type AudienceNeeds, audienceAppointments, audienceCustomerIds, audienceJobs } from "../db/message-audience.ts";
import { dueMessages, markStarted, type Message, setMessageStatus, stillScheduled } from "../db/messages.ts";
import { enqueueDeliveries, loadCandidates, type OutboxEntry } from "../db/outbox.ts";
import { loadRecipientRows, loadSnippets } from "../db/recipient-rows.ts";
import { deliveries, messages, phoneLookups, type StudioSettings } from "../db/schema.ts";
import type { Channel } from "../core/vocabulary.ts";
import { getSettings } from "../db/settings.ts";
import type { Deps } from "../deps.ts";
import { type LinkMaker, recipientValues, sharedValues } from "../dispatch/recipient-values.ts";

/**
 * Customers taken per page when a message starts. Each page is loaded, decided and committed on
 * its own, so a send to a million customers holds neither the whole audience in memory nor the
 * write lock for more than a moment (webhooks and the dispatcher's acks go on meanwhile).
 */
export const START_PAGE = 5_000;

/**
 * Rows per page when SQLite writes a message's deliveries itself: each page and channel is one
 * statement in its own transaction, holding the write lock no longer than a page of the decisions
 * in code did (5,000 customers on two channels), so webhooks and acks wait only a moment.
 */
export const START_ROWS = 10_000;

type ChannelDecisions = { channel: Channel; decisions: Decision[] }[];

/** Links are always there for a customer; deciding who has a value needs no signing. */
const anyLink: LinkMaker = () => "link";

/**
 * Per channel, the first key the text cannot do without that has no value for each candidate:
 * the values are built as the sender will build them (one bulk load per page), with the job
 * and appointment each candidate's delivery will carry.
 */
async function findMissing(
  db: Db,
  candidates: Candidate[],
  required: Partial<Record<Channel, string[]>>,
  studio: StudioSettings,
  snippets: Record<string, string>,
  address?: string | null,
) {
  if (!Object.values(required).some((keys) => keys.length)) return;
  const keys = candidates.map((c, i) => ({
    id: i,
    customerId: c.customerId || null,
    jobId: c.jobId ?? null,
    appointmentId: c.appointmentId ?? null,
  }));
  const rows = await loadRecipientRows(db, keys, { orders: false });
  for (const [i, c] of candidates.entries())
    c.missing = missingByChannel(required, recipientValues(rows.get(i)!, studio, snippets, anyLink, address));
}

/** What deciding a message's recipients reads of it: a saved message, or the compose form's live count. */
export type MessageToDecide = Pick<
  Message,
  | "channels"
  | "filters"
  | "subject"
  | "preheader"
  | "body"
  | "smsBody"
  | "voiceScript"
  | "jobId"
  | "toAddress"
  | "callOnlyIfNoSms"
>;

/**
 * The decisions for one message, a page of customers at a time in id order: per channel, with
 * "call only where SMS cannot go". Addresses given the message on an earlier page stay taken,
 * so the pages decide exactly what one pass over the whole audience would. A message to
 * appointments decides per matching appointment (one message each, about its own). Each
 * decision carries the job its recipient hears about: the message's, else the one their job
 * filters matched, else their appointment's. A recipient without a value the text cannot do
 * without is skipped as `missing:<key>`.
 */
export async function* messageDecisionPages(
  deps: Pick<Deps, "db">,
  m: MessageToDecide,
  now: Date,
  pageSize = START_PAGE,
): AsyncGenerator<ChannelDecisions> {
  const { db } = deps;
  const channels = m.channels as Channel[];
  const settings = await getSettings(db);
  const snippets = await loadSnippets(db);
  const required = requiredByChannel({ ...m, channels });
  const filters = { ...(m.filters as MessageFilters) };
  const jobId = messageJob(m.jobId, filters);
  if (m.toAddress) {
    // One typed address: an e-mail, or a number that may get the SMS, the call, or both. Numbers
    // are stored in E.164 when the message is saved (read as is here); one saved before that was
    // kept as typed and is read in the studio's country.
    const email = channels.includes("email");
    const to = email ? m.toAddress.trim().toLowerCase() : toE164(m.toAddress, studioCountry(settings));
    const lineType = !email && to ? await typedNumberLineType(db, to) : undefined;
    const candidate: Candidate = {
      customerId: 0,
      jobId,
      email: to,
      phone: to,
      consent: { email: true, sms: true, voice: true },
      suppression: {},
      lineType,
    };
    await findMissing(db, [candidate], required, settings, snippets, to);
    yield pairTextsAndCalls(
      m,
      channels.map((channel) => ({
        channel,
        decisions: decideRecipients([candidate], channel, { requireConsent: false }),
      })),
    );
    return;
  }
  // Appointment date ranges mean days in the studio's zone.
  const timeZone = settings.timeZone;
  const seen = new Map(channels.map((ch) => [ch, new Set<string>()]));
  const texted = new Map<string, Decision>();
  let afterId: number | undefined;
  for (;;) {
    const ids = await audienceCustomerIds(db, filters, now, { timeZone, afterId, limit: pageSize });
    if (!ids.length) return;
    afterId = ids.at(-1);
    const customers = await loadCandidates(db, ids);
    const jobOf = jobId
      ? new Map<number, number>()
      : await audienceJobs(db, { ...filters, customer_ids: ids }, now, { timeZone });
    let candidates: Candidate[];
    if (hasAppointmentFilter(filters)) {
      const byCustomer = Map.groupBy(await audienceAppointments(db, filters, ids, { timeZone }), (a) => a.customerId);
      candidates = customers.flatMap((c) =>
        (byCustomer.get(c.customerId) ?? []).map((a) => ({
          ...c,
          appointmentId: a.id,
          jobId: jobId ?? jobOf.get(c.customerId) ?? a.jobId,
        })),
      );
    } else {
      candidates = customers.map((c) => ({ ...c, jobId: jobId ?? jobOf.get(c.customerId) ?? null }));
    }
    await findMissing(db, candidates, required, settings, snippets);
    yield pairTextsAndCalls(
      m,
      channels.map((channel) => ({
        channel,
        decisions: decideRecipients(candidates, channel, { requireConsent: true, seen: seen.get(channel) }),
      })),
      texted,
    );
  }
}

/** With "call only where SMS cannot go", each call whose SMS will be tried waits on it. */
function pairTextsAndCalls(
  m: MessageToDecide,
  out: ChannelDecisions,
  texted?: Map<string, Decision>,
): ChannelDecisions {
  const sms = out.find((o) => o.channel === "sms");
  const voice = out.find((o) => o.channel === "voice");
  if (m.callOnlyIfNoSms && sms && voice) voice.decisions = callsAfterTexts(sms.decisions, voice.decisions, texted);
  return out;
}

/** A typed number's line type, if a lookup or the number plan already told it. */
async function typedNumberLineType(db: Db, phone: string): Promise<Candidate["lineType"]> {
  const found = await db.query.phoneLookups.findFirst({ where: eq(phoneLookups.phone, phone) });
  return knownLineType(found?.lineType, phone);
}

/** All the decisions for one message at once (for counting what a send will do). */
export async function messageDecisions(
  deps: Pick<Deps, "db">,
  m: MessageToDecide,
  now: Date,
): Promise<ChannelDecisions> {
  const all: ChannelDecisions = (m.channels as Channel[]).map((channel) => ({ channel, decisions: [] }));
  for await (const page of messageDecisionPages(deps, m, now)) {
    for (const { channel, decisions } of page) all.find((a) => a.channel === channel)!.decisions.push(...decisions);
  }
  return all;
}

/**
 * Starts armed messages whose time has come and closes finished ones. A message's deliveries are
 * written a page at a time, each page only while the message is still scheduled as read: a cancel
 * (or an edit before the first page) stops the rest. It becomes `sending` after its last page; a
 * crash before that leaves it scheduled, and the next tick writes the pages again, the delivery
 * keys making the done ones no-ops and the rest staggered on from that tick.
 */
export async function runOneTimeMessages(deps: Deps, now: Date, pageSize?: number) {
  const { db } = deps;
  const s = await getSettings(db);
  let started = 0;
  for (const m of await dueMessages(db, now)) {
    const jobId = messageJob(m.jobId, m.filters as MessageFilters);
    // Started long after its time (Pigeon was not running): written held for review, not queued —
    // nothing goes out in a burst while the rest of the pages are still being written (D6).
    const holdMs = s.overdueHoldMinutes * 60_000;
    const lateMinutes = m.sendAt ? Math.round((now.getTime() - m.sendAt.getTime()) / 60_000) : 0;
    const hold =
      holdMs > 0 && m.sendAt && now.getTime() - m.sendAt.getTime() > holdMs
        ? `held for review: it was scheduled ${lateMinutes} min before Pigeon could start it, and is too late to go out unasked`
        : undefined;
    const r = setBased(m)
      ? await startSetBased(deps, m, now, s, pageSize ?? START_ROWS, hold)
      : await startDecided(deps, m, now, s, pageSize ?? START_PAGE, hold, jobId);
    const { entries, cancelled } = r;
    // Deliveries first, status second: a crash in between re-runs this, and the keys make it a no-op.
    if (!cancelled && (await markStarted(db, m, now))) started++;
    if (hold) deps.log("warn", "one-time message started late: held for review", { message: m.id, lateMinutes });
    deps.log("info", cancelled ? "one-time message cancelled or changed while starting" : "one-time message started", {
      message: m.id,
      deliveries: entries,
    });
  }
  // A sending message with nothing left open is sent.
  const sending = await db.select({ id: messages.id }).from(messages).where(eq(messages.status, "sending"));
  for (const { id } of sending) {
    const open = await db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(and(eq(deliveries.messageId, id), inArray(deliveries.status, ["queued", "sending", "held", "waiting"])))
      .limit(1);
    if (!open.length) await setMessageStatus(db, id, ["sending"], "sent", now);
  }
  return { started };
}

/**
 * Whether SQLite can decide and write the message's deliveries by itself: a message to customers
 * chosen by filters. One to a typed address, and "call only where SMS cannot go" (each call tied
 * to its SMS), are decided a page at a time in code (messageDecisionPages).
 */
const setBased = (m: Message) =>
  !m.toAddress && !(m.callOnlyIfNoSms && m.channels.includes("sms") && m.channels.includes("voice"));

/**
 * Writes a message's deliveries set-based (src/db/audience-start.ts): one read decides the pages
 * and the duplicates, then each page of `pageSize` rows is written channel by channel, each in a
 * short transaction of its own and only while the message is still scheduled as read.
 */
async function startSetBased(deps: Deps, m: Message, now: Date, s: StudioSettings, pageSize: number, hold?: string) {
  const { db } = deps;
  const channels = m.channels as Channel[];
  const filters = m.filters as MessageFilters;
  const snippets = await loadSnippets(db);
  const needs: AudienceNeeds = {
    required: requiredByChannel({ ...m, channels }),
    jobId: messageJob(m.jobId, filters),
    shared: sharedValues(s, snippets),
  };
  const opts = { timeZone: s.timeZone, needs };
  const pages = await planStart(db, filters, channels, now, { ...opts, pageSize });
  const stagger = { batchSize: s.staggerBatchSize, intervalSeconds: s.staggerIntervalSeconds };
  const message = { id: m.id, filters, jobId: needs.jobId };
  let entries = 0;
  for (const page of pages) {
    for (const channel of channels) {
      const refused = await db.transaction(async (tx) => {
        const [row] = await tx.all<{ ok: number }>(sql`select ${stillScheduled(m)} as ok`);
        if (!row?.ok) return true;
        entries += await writeStartPage(tx, message, channel, page, now, { ...opts, stagger, hold });
        return false;
      });
      if (refused) return { entries, cancelled: true };
    }
  }
  return { entries, cancelled: false };
}

/** Writes a message's deliveries a page of decisions at a time (decideRecipients in code). */
async function startDecided(
  deps: Deps,
  m: Message,
  now: Date,
  s: StudioSettings,
  pageSize: number,
  hold: string | undefined,
  jobId: number | null,
) {
  const { db } = deps;
  let placed = 0;
  let entries = 0;
  let cancelled = false;
  {
    for await (const page of messageDecisionPages(deps, m, now, pageSize)) {
      const batch: OutboxEntry[] = [];
      for (const { channel, decisions } of page) {
        for (const d of decisions) {
          const who = d.customerId ? { customerId: d.customerId } : { address: d.to ?? m.toAddress ?? "" };
          const source = { kind: "message" as const, messageId: m.id, appointmentId: d.appointmentId };
          // A call of "call only where SMS cannot go" is tied to its SMS, waiting on it or not, so
          // the report tells each pair as one story.
          const texter = d.waitsOn;
          const smsKey = texter
            ? deliveryKey(
                { ...source, appointmentId: texter.appointmentId ?? undefined },
                texter.customerId ? { customerId: texter.customerId } : { address: texter.to ?? "" },
                "sms",
              )
            : deliveryKey(source, who, "sms");
          const afterKey = m.callOnlyIfNoSms && channel === "voice" && m.channels.includes("sms") ? smsKey : null;
          batch.push({
            key: deliveryKey(source, who, channel),
            decision: d,
            jobId: d.jobId ?? undefined,
            appointmentId: d.appointmentId ?? null,
            dueAt: now,
            afterKey,
          });
        }
      }
      const stagger = { batchSize: s.staggerBatchSize, intervalSeconds: s.staggerIntervalSeconds, firstIndex: placed };
      const r = await enqueueDeliveries(db, { sourceType: "message", messageId: m.id, jobId }, batch, now, stagger, {
        onlyIf: stillScheduled(m),
        hold,
      });
      if (r.refused) {
        cancelled = true;
        break;
      }
      placed += batch.filter((e) => !e.decision.skip).length;
      entries += batch.length;
    }
  }
  return { entries, cancelled };
}
