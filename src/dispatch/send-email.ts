// Sending claimed e-mails (SPEC D3, D4): fresh ones in batches of up to 100, each batch's exact
// request recorded before it leaves; batches of unknown outcome replayed from that record, byte
// for byte, under the same idempotency key — or held for review once the provider has forgotten
// the key, because then a replay could send twice.
import { batchKey } from "../core/delivery-key.ts";
import { REPLAY_WINDOW_MS } from "../core/retry-policy.ts";
import { stopsThisMessage } from "../core/recipients.ts";
import { reportedBeforeAck } from "../db/delivery-status.ts";
import {
  ackSentMany,
  ackUnconfirmed,
  beginEmailGroup,
  emailBatchRequest,
  emailGroup,
  holdClaimed,
  leaveEmailGroup,
  markSentUnconfirmed,
  rerecordEmailBatch,
  skipClaimed,
} from "../db/outbox-leases.ts";
import type { Delivery } from "../db/outbox.ts";
import { DELIVERY_TAG, type EmailMessage } from "../providers/types.ts";
import { createComposer } from "./compose.ts";
import { cancelledMessages, composeEach, outsideWindow, SOURCE_GONE, stoppedBeforeSending, suppressedNow } from "./send-checks.ts";
import { type SendContext, settle } from "./settle.ts";

const EMAIL_BATCH = 100;

const UNKNOWN_TOO_LONG =
  "held for review: an attempt to send it more than a day ago may or may not have reached Resend, and Resend keeps its duplicate guard only 24 hours. Check Resend's log for this address: release it to send it again, or cancel it.";

/** A batch's exact request: its key, and its members in the order they were sent. */
type Recorded = { key?: string; deliveryIds: number[]; messages: EmailMessage[] };

const encode = (r: Recorded) => Buffer.from(Bun.zstdCompressSync(JSON.stringify(r)));
const decode = (payload: Buffer): Recorded => JSON.parse(Buffer.from(Bun.zstdDecompressSync(payload)).toString("utf8"));

/** Sends (or replays) the claimed e-mails. */
export async function sendEmails(cx: SendContext, claimed: Delivery[], now: Date) {
  const replays = claimed.filter((d) => d.attemptStartedAt && d.attemptGroup);
  const fresh = claimed.filter((d) => !(d.attemptStartedAt && d.attemptGroup));
  for (const group of new Set(replays.map((d) => d.attemptGroup!))) {
    await replayGroup(cx, group, replays.filter((d) => d.attemptGroup === group), now);
  }
  if (fresh.length) await sendFresh(cx, fresh, now);
}

/**
 * The e-mail each delivery becomes. Its idempotency key is the delivery key under this install's
 * id (`legacyKeys`: the bare key, as batches recorded before that prefix were sent).
 */
async function messagesFor(cx: SendContext, batch: Delivery[], now: Date, legacyKeys = false) {
  const s = cx.settings;
  const prefix = legacyKeys ? "" : `${await cx.installId()}/`;
  const composer = await createComposer(cx.deps, s, now);
  const from = cx.deps.config.emailFrom ?? `${s.senderName || s.name} <${s.senderEmail || "studio@localhost"}>`;
  const { composed, failed } = await composeEach(batch.filter((d) => d.toAddress), (ds) => composer.emails(ds));
  const built = composed.map((e) => {
    const message: EmailMessage = {
      to: e.delivery.toAddress!,
      from,
      replyTo: s.replyTo || undefined,
      subject: e.subject,
      html: e.html,
      text: e.text,
      headers: e.unsubscribeUrl ? { "List-Unsubscribe": `<${e.unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } : {},
      idempotencyKey: `${prefix}${e.delivery.deliveryKey}`,
      // Resend reports the tags back: a report that comes before the send is acknowledged still finds its delivery.
      tags: [{ name: DELIVERY_TAG, value: String(e.delivery.id) }],
    };
    return { d: e.delivery, rows: e.rows, marketing: e.marketing, missing: e.missing, error: e.error, empty: e.empty, message };
  });
  return { built, failed };
}

/**
 * A batch whose outcome is unknown goes again as it went, under its key: if Resend took it the
 * first time, it answers as it did then and sends nothing. Members that must not get it now
 * (cancelled, unsubscribed, held or settled since) are left out, still under the same key:
 * Resend then either refuses the changed request (the first one went, to all of them: recorded
 * as sent, not confirmed) or sends it to the others only (the first one never arrived: the key
 * now stands for the smaller batch, and those left out leave it). Past Resend's key window it is
 * held for staff instead, because then even an identical replay could send twice.
 */
async function replayGroup(cx: SendContext, group: string, mine: Delivery[], now: Date) {
  const { db, clock } = cx.deps;
  const startedAt = Math.min(...mine.map((d) => d.attemptStartedAt!.getTime()));
  if (now.getTime() - startedAt > REPLAY_WINDOW_MS) {
    for (const d of mine) if (await holdClaimed(db, d.id, cx.owner, now, UNKNOWN_TOO_LONG)) cx.result.held++;
    return;
  }
  const recorded = await emailBatchRequest(db, group);
  const request: Recorded = recorded ? decode(recorded.payload) : await rebuilt(cx, group, now);
  const key = request.key ?? batchKey(request.messages.map((m) => m.idempotencyKey));
  // A report from Resend about any member proves the first request went: replay it unchanged.
  const leftOut = (await reportedBeforeAck(db, request.deliveryIds)) ? new Map<number, string>() : await leftOutOf(cx, group, request);
  const keep = request.deliveryIds.flatMap((id, i) => (leftOut.has(id) ? [] : [i]));
  const isMine = (id: number) => mine.some((d) => d.id === id);
  if (!keep.length) {
    // Nobody left to send it to, so nothing can tell whether the first attempt went: each of mine
    // is settled by why it is left out (what staff decided, or the customer, stands).
    for (const d of mine) if (await skipClaimed(db, d.id, cx.owner, now, leftOut.get(d.id) ?? "cancelled")) cx.result.skipped++;
    return;
  }
  await cx.pacer.pace("email", 1);
  const outcomes = await cx.providers.email.sendBatch(
    keep.map((i) => request.messages[i]!),
    { idempotencyKey: key },
  );
  const done = clock();
  const acceptedBefore = outcomes.every((o) => !o.ok && o.error.code === "invalid_idempotent_request");
  const processed = outcomes.some((o) => o.ok || o.error.kind === "permanent");
  if (leftOut.size && acceptedBefore) {
    // The first request, with everyone in it, had gone out: those left out got it too.
    const theirs = [...leftOut.keys()].filter((id) => !isMine(id));
    await markSentUnconfirmed(db, theirs, done, "Resend had already accepted the batch it went out in; counted as sent, not confirmed");
    for (const d of mine.filter((m) => leftOut.has(m.id))) if (await ackUnconfirmed(db, d.id, cx.owner, done, cx.providers.email.name, "Resend had already accepted the batch it went out in; counted as sent, not confirmed")) cx.result.sent++;
  } else if (leftOut.size && processed) {
    // The key now stands for the smaller batch; those left out never got it.
    await rerecordEmailBatch(db, group, encode({ key, deliveryIds: keep.map((i) => request.deliveryIds[i]!), messages: keep.map((i) => request.messages[i]!) }));
    await leaveEmailGroup(db, group, [...leftOut.keys()].filter((id) => !isMine(id)));
    for (const d of mine.filter((m) => leftOut.has(m.id))) if (await skipClaimed(db, d.id, cx.owner, done, leftOut.get(d.id)!)) cx.result.skipped++;
  }
  for (const [j, i] of keep.entries()) {
    const d = mine.find((m) => m.id === request.deliveryIds[i]);
    if (d) await settle(cx, d, outcomes[j]!, cx.providers.email.name, done);
  }
}

/**
 * The members of a recorded batch that must not get it now, with why: settled or held since, their
 * message cancelled, or their address suppressed for it.
 */
async function leftOutOf(cx: SendContext, group: string, request: Recorded): Promise<Map<number, string>> {
  const members = new Map((await emailGroup(cx.deps.db, group)).map((d) => [d.id, d]));
  const cancelled = await cancelledMessages(cx, [...members.values()]);
  const suppressed = await suppressedNow(cx, "email", [...members.values()].map((d) => d.toAddress!).filter(Boolean));
  const out = new Map<number, string>();
  for (const [i, id] of request.deliveryIds.entries()) {
    const d = members.get(id);
    // A marketing e-mail carries the one-click unsubscribe; a service e-mail does not.
    const marketing = !!request.messages[i]?.headers["List-Unsubscribe"];
    const suppression = d?.toAddress ? suppressed.get(d.toAddress) : undefined;
    if (!d) out.set(id, "cancelled");
    else if (d.status === "skipped" || d.status === "failed" || d.status === "held") out.set(id, d.skipReason ?? d.status);
    else if (d.messageId && cancelled.has(d.messageId)) out.set(id, "cancelled");
    else if (suppression && stopsThisMessage("email", suppression, marketing)) out.set(id, suppression);
  }
  return out;
}

/** A batch begun before requests were recorded: its members composed again, the best there is. */
async function rebuilt(cx: SendContext, group: string, now: Date): Promise<Recorded> {
  const { built } = await messagesFor(cx, await emailGroup(cx.deps.db, group), now, true);
  return { deliveryIds: built.map((b) => b.d.id), messages: built.map((b) => b.message) };
}

async function sendFresh(cx: SendContext, fresh: Delivery[], now: Date) {
  const { db, clock } = cx.deps;
  const { result, owner } = cx;
  const suppressed = await suppressedNow(cx, "email", fresh.map((d) => d.toAddress!).filter(Boolean));
  const { built, failed } = await messagesFor(cx, fresh, now);
  const cancelled = await cancelledMessages(cx, fresh);
  const sendable: typeof built = [];
  for (const d of fresh) {
    const b = built.find((x) => x.d.id === d.id);
    const problem = failed.get(d.id) ?? (b ? (b.error ? `its message could not be composed: ${b.error}` : null) : SOURCE_GONE);
    const found = { suppression: d.toAddress ? suppressed.get(d.toAddress) : undefined, marketing: b?.marketing ?? true, problem, missing: b?.missing ?? null, empty: b?.empty, cancelled: cancelled.has(d.messageId ?? 0) };
    if ((await stoppedBeforeSending(cx, d, found, now)) || !b) continue;
    if (await outsideWindow(cx, d, b.rows, now)) continue;
    sendable.push(b);
  }
  for (let i = 0; i < sendable.length && !cx.stopping(); i += EMAIL_BATCH) {
    const batch = sendable.slice(i, i + EMAIL_BATCH);
    const started = clock();
    const group = `${owner}:${started.getTime()}:${batch[0]!.d.id}`;
    const held = new Set(
      await beginEmailGroup(db, batch.map((b) => ({ id: b.d.id, subject: b.message.subject })), owner, started, cx.leaseMs, group, (ids) => {
        const members = batch.filter((b) => ids.includes(b.d.id));
        return encode({ key: batchKey(members.map((b) => b.message.idempotencyKey)), deliveryIds: members.map((b) => b.d.id), messages: members.map((b) => b.message) });
      }),
    );
    const go = batch.filter((b) => held.has(b.d.id));
    if (!go.length) continue;
    await cx.pacer.pace("email", Math.ceil((sendable.length - i) / EMAIL_BATCH));
    const outcomes = await cx.providers.email.sendBatch(
      go.map((b) => b.message),
      { idempotencyKey: batchKey(go.map((b) => b.message.idempotencyKey)) },
    );
    const done = clock();
    const sent = go.flatMap((b, j) => {
      const o = outcomes[j]!;
      return o.ok ? [{ id: b.d.id, providerMessageId: o.providerId }] : [];
    });
    result.sent += (await ackSentMany(db, sent, owner, done, cx.providers.email.name)).length;
    for (const [j, b] of go.entries()) if (!outcomes[j]!.ok) await settle(cx, b.d, outcomes[j]!, cx.providers.email.name, done);
  }
}
