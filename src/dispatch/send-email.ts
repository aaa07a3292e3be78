// Sending claimed e-mails (SPEC D3, D4): fresh ones in batches of up to 100, each batch's exact
// request recorded before it leaves; batches of unknown outcome replayed from that record, byte
// for byte, under the same idempotency key — or held for review once the provider has forgotten
// the key, because then a replay could send twice.
import { ackSentMany, beginEmailGroup, emailBatchRequest, emailGroup, holdClaimed } from "../db/outbox-leases.ts";
import type { Delivery } from "../db/outbox.ts";
import { installationId } from "../db/secrets.ts";
import type { EmailMessage } from "../providers/types.ts";
import { createComposer } from "./compose.ts";
import { pace, rateLimit } from "./pacing.ts";
import { cancelledMessages, composeEach, outsideWindow, SOURCE_GONE, stoppedBeforeSending, suppressedNow } from "./send-checks.ts";
import { type SendContext, settle } from "./settle.ts";

const EMAIL_BATCH = 100;

/**
 * How long Resend remembers an idempotency key is 24 hours; past 23 a replay might reach a Resend
 * that no longer knows the key and sends again, so such an e-mail is held for staff instead.
 */
export const REPLAY_WINDOW_MS = 23 * 3600_000;

const UNKNOWN_TOO_LONG =
  "held for review: an attempt to send it more than a day ago may or may not have reached Resend, and Resend keeps its duplicate guard only 24 hours. Check Resend's log for this address: release it to send it again, or cancel it.";

type Recorded = { deliveryIds: number[]; messages: EmailMessage[] };

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
  const prefix = legacyKeys ? "" : `${await installationId(cx.deps.db, now)}/`;
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
    };
    return { d: e.delivery, rows: e.rows, marketing: e.marketing, missing: e.missing, error: e.error, message };
  });
  return { built, failed };
}

/** A batch whose outcome is unknown goes again exactly as it went, or is held when that is no longer safe. */
async function replayGroup(cx: SendContext, group: string, mine: Delivery[], now: Date) {
  const { db } = cx.deps;
  const startedAt = Math.min(...mine.map((d) => d.attemptStartedAt!.getTime()));
  if (now.getTime() - startedAt > REPLAY_WINDOW_MS) {
    for (const d of mine) if (await holdClaimed(db, d.id, cx.owner, now, UNKNOWN_TOO_LONG)) cx.result.held++;
    return;
  }
  const recorded = await emailBatchRequest(db, group);
  let request: Recorded;
  if (recorded) {
    request = decode(recorded.payload);
  } else {
    // A batch begun before requests were recorded: compose its members again, the best there is.
    const { built } = await messagesFor(cx, await emailGroup(db, group), now, true);
    request = { deliveryIds: built.map((b) => b.d.id), messages: built.map((b) => b.message) };
  }
  await pace(db, "email", rateLimit("email", cx.settings));
  const outcomes = await cx.providers.email.sendBatch(request.messages);
  const done = cx.deps.clock();
  for (const [i, id] of request.deliveryIds.entries()) {
    const d = mine.find((m) => m.id === id);
    if (d) await settle(cx, d, outcomes[i]!, cx.providers.email.name, done);
  }
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
    const found = { suppression: d.toAddress ? suppressed.get(d.toAddress) : undefined, marketing: b?.marketing ?? true, problem, missing: b?.missing ?? null, cancelled: cancelled.has(d.messageId ?? 0) };
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
        return encode({ deliveryIds: members.map((b) => b.d.id), messages: members.map((b) => b.message) });
      }),
    );
    const go = batch.filter((b) => held.has(b.d.id));
    if (!go.length) continue;
    await pace(db, "email", rateLimit("email", cx.settings));
    const outcomes = await cx.providers.email.sendBatch(go.map((b) => b.message));
    const done = clock();
    const sent = go.flatMap((b, j) => {
      const o = outcomes[j]!;
      return o.ok ? [{ id: b.d.id, providerMessageId: o.providerId }] : [];
    });
    result.sent += (await ackSentMany(db, sent, owner, done, cx.providers.email.name)).length;
    for (const [j, b] of go.entries()) if (!outcomes[j]!.ok) await settle(cx, b.d, outcomes[j]!, cx.providers.email.name, done);
  }
}
