// One-time messages in the scheduler tick (SPEC O5, O6): an armed message whose time has come
// is turned into deliveries — its audience resolved now, everyone not reached recorded with the
// reason, the rest staggered by the studio's batch size and interval — and a message whose
// deliveries have all settled is marked sent.
import { and, eq, inArray } from "drizzle-orm";
import { deliveryKey } from "../core/delivery-key.ts";
import { toE164 } from "../core/phone.ts";
import { type Decision, decideRecipients } from "../core/recipients.ts";
import { audienceCustomerIds, audienceJobs } from "../db/message-audience.ts";
import { dueMessages, type Message, setMessageStatus } from "../db/messages.ts";
import { enqueueDeliveries, loadCandidates, type OutboxEntry } from "../db/outbox.ts";
import { deliveries, messages } from "../db/schema.ts";
import { getSettings } from "../db/settings.ts";
import type { Deps } from "../deps.ts";
import { type MessageFilters, messageJob } from "../core/message-filters.ts";
import type { Channel } from "../db/schema.ts";

/** The decisions for one message: per channel, with "call only where SMS cannot go". */
export async function messageDecisions(deps: Deps, m: Message, now: Date): Promise<{ channel: Channel; decisions: Decision[] }[]> {
  const channels = m.channels as Channel[];
  if (m.toAddress) {
    const channel = channels[0]!;
    const to = channel === "email" ? m.toAddress.trim().toLowerCase() : toE164(m.toAddress);
    return [{ channel, decisions: [{ customerId: 0, channel, to, skip: to ? null : "no_address" }] }];
  }
  const filters = { ...(m.filters as MessageFilters) };
  // Appointment date ranges mean days in the studio's zone.
  const ids = await audienceCustomerIds(deps.db, filters, now, { timeZone: (await getSettings(deps.db)).timeZone });
  const candidates = await loadCandidates(deps.db, ids);
  const out = channels.map((channel) => ({ channel, decisions: decideRecipients(candidates, channel, { requireConsent: true }) }));
  if (m.callOnlyIfNoSms) {
    const sms = out.find((o) => o.channel === "sms");
    const voice = out.find((o) => o.channel === "voice");
    if (sms && voice) {
      const textable = new Set(sms.decisions.filter((d) => !d.skip).map((d) => d.customerId));
      voice.decisions = voice.decisions.map((d) => (!d.skip && textable.has(d.customerId) ? { ...d, skip: "sms_sent_instead" } : d));
    }
  }
  return out;
}

/** Starts armed messages whose time has come and closes finished ones. */
export async function runOneTimeMessages(deps: Deps, now: Date) {
  const { db } = deps;
  const s = await getSettings(db);
  let started = 0;
  for (const m of await dueMessages(db, now)) {
    const filters = m.filters as MessageFilters;
    const jobId = messageJob(m.jobId, filters);
    const jobOf = jobId || m.toAddress ? new Map<number, number>() : await audienceJobs(db, filters, now, { timeZone: s.timeZone });
    const entries: OutboxEntry[] = [];
    for (const { channel, decisions } of await messageDecisions(deps, m, now)) {
      for (const d of decisions) {
        const who = d.customerId ? { customerId: d.customerId } : { address: d.to ?? m.toAddress ?? "" };
        entries.push({ key: deliveryKey({ kind: "message", messageId: m.id }, who, channel), decision: d, jobId: jobOf.get(d.customerId), dueAt: now });
      }
    }
    // Deliveries first, status second: a crash in between re-runs this, and the keys make it a no-op.
    await enqueueDeliveries(db, { sourceType: "message", messageId: m.id, jobId }, entries, now, { batchSize: s.staggerBatchSize, intervalSeconds: s.staggerIntervalSeconds });
    if (await setMessageStatus(db, m.id, ["scheduled"], "sending", now)) started++;
    deps.log("info", "one-time message started", { message: m.id, deliveries: entries.length });
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
