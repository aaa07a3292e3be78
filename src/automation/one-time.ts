// One-time messages in the scheduler tick (SPEC O5, O6): an armed message whose time has come
// is turned into deliveries — its audience resolved now, everyone not reached recorded with the
// reason, the rest staggered by the studio's batch size and interval — and a message whose
// deliveries have all settled is marked sent.
import { and, eq, inArray } from "drizzle-orm";
import { deliveryKey } from "../core/delivery-key.ts";
import { toE164 } from "../core/phone.ts";
import { type Decision, decideRecipients } from "../core/recipients.ts";
import { audienceCustomerIds, audienceJobs } from "../db/message-audience.ts";
import { dueMessages, markStarted, type Message, setMessageStatus, stillScheduled } from "../db/messages.ts";
import { enqueueDeliveries, loadCandidates, type OutboxEntry } from "../db/outbox.ts";
import { deliveries, messages } from "../db/schema.ts";
import { getSettings } from "../db/settings.ts";
import type { Deps } from "../deps.ts";
import { type MessageFilters, messageJob } from "../core/message-filters.ts";
import type { Channel } from "../db/schema.ts";

/**
 * Customers taken per page when a message starts. Each page is loaded, decided and committed on
 * its own, so a send to a million customers holds neither the whole audience in memory nor the
 * write lock for more than a moment (webhooks and the dispatcher's acks go on meanwhile).
 */
export const START_PAGE = 5_000;

type ChannelDecisions = { channel: Channel; decisions: Decision[] }[];

/**
 * The decisions for one message, a page of customers at a time in id order: per channel, with
 * "call only where SMS cannot go". Addresses given the message on an earlier page stay taken,
 * so the pages decide exactly what one pass over the whole audience would.
 */
export async function* messageDecisionPages(deps: Deps, m: Message, now: Date, pageSize = START_PAGE): AsyncGenerator<ChannelDecisions> {
  const channels = m.channels as Channel[];
  if (m.toAddress) {
    const channel = channels[0]!;
    const to = channel === "email" ? m.toAddress.trim().toLowerCase() : toE164(m.toAddress);
    yield [{ channel, decisions: [{ customerId: 0, channel, to, skip: to ? null : "no_address" }] }];
    return;
  }
  const filters = { ...(m.filters as MessageFilters) };
  // Appointment date ranges mean days in the studio's zone.
  const timeZone = (await getSettings(deps.db)).timeZone;
  const seen = new Map(channels.map((ch) => [ch, new Set<string>()]));
  let afterId: number | undefined;
  for (;;) {
    const ids = await audienceCustomerIds(deps.db, filters, now, { timeZone, afterId, limit: pageSize });
    if (!ids.length) return;
    afterId = ids.at(-1);
    const candidates = await loadCandidates(deps.db, ids);
    const out = channels.map((channel) => ({ channel, decisions: decideRecipients(candidates, channel, { requireConsent: true, seen: seen.get(channel) }) }));
    if (m.callOnlyIfNoSms) {
      const sms = out.find((o) => o.channel === "sms");
      const voice = out.find((o) => o.channel === "voice");
      if (sms && voice) {
        const textable = new Set(sms.decisions.filter((d) => !d.skip).map((d) => d.customerId));
        voice.decisions = voice.decisions.map((d) => (!d.skip && textable.has(d.customerId) ? { ...d, skip: "sms_sent_instead" } : d));
      }
    }
    yield out;
  }
}

/** All the decisions for one message at once (for counting what a send will do). */
export async function messageDecisions(deps: Deps, m: Message, now: Date): Promise<ChannelDecisions> {
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
export async function runOneTimeMessages(deps: Deps, now: Date, pageSize = START_PAGE) {
  const { db } = deps;
  const s = await getSettings(db);
  let started = 0;
  for (const m of await dueMessages(db, now)) {
    const filters = m.filters as MessageFilters;
    const jobId = messageJob(m.jobId, filters);
    let placed = 0;
    let entries = 0;
    let cancelled = false;
    for await (const page of messageDecisionPages(deps, m, now, pageSize)) {
      const pageIds = page[0]?.decisions.map((d) => d.customerId).filter((id) => id > 0) ?? [];
      const jobOf = jobId || !pageIds.length ? new Map<number, number>() : await audienceJobs(db, { ...filters, customer_ids: pageIds }, now, { timeZone: s.timeZone });
      const batch: OutboxEntry[] = [];
      for (const { channel, decisions } of page) {
        for (const d of decisions) {
          const who = d.customerId ? { customerId: d.customerId } : { address: d.to ?? m.toAddress ?? "" };
          batch.push({ key: deliveryKey({ kind: "message", messageId: m.id }, who, channel), decision: d, jobId: jobOf.get(d.customerId), dueAt: now });
        }
      }
      const stagger = { batchSize: s.staggerBatchSize, intervalSeconds: s.staggerIntervalSeconds, firstIndex: placed };
      const r = await enqueueDeliveries(db, { sourceType: "message", messageId: m.id, jobId }, batch, now, stagger, { onlyIf: stillScheduled(m) });
      if (r.refused) {
        cancelled = true;
        break;
      }
      placed += batch.filter((e) => !e.decision.skip).length;
      entries += batch.length;
    }
    // Deliveries first, status second: a crash in between re-runs this, and the keys make it a no-op.
    if (!cancelled && (await markStarted(db, m, now))) started++;
    deps.log("info", cancelled ? "one-time message cancelled or changed while starting" : "one-time message started", { message: m.id, deliveries: entries });
  }
  // A sending message with nothing left open is sent.
  const sending = await db.select({ id: messages.id }).from(messages).where(eq(messages.status, "sending"));
  for (const { id } of sending) {
    const open = await db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(and(eq(deliveries.messageId, id), inArray(deliveries.status, ["queued", "sending", "held"])))
      .limit(1);
    if (!open.length) await setMessageStatus(db, id, ["sending"], "sent", now);
  }
  return { started };
}
