// Sending claimed e-mails (SPEC D3, D4): fresh ones in batches of up to 100, each batch's exact
// request recorded before it leaves; batches of unknown outcome replayed from that record, byte
// for byte, under the same idempotency key — or held for review once the provider has forgotten
// the key, because then a replay could send twice. An e-mail with attachments, which Resend's
// batch endpoint refuses, goes the same way as a "batch" of one sent to POST /emails under its own
// delivery key; its record names the files (and their checksums) instead of holding their bytes.
import { batchKey } from "../core/delivery-key.ts";
import { REPLAY_WINDOW_MS } from "../core/retry-policy.ts";
import { stopsThisMessage } from "../core/recipients.ts";
import { reportedBeforeAck } from "../db/delivery-status.ts";
import { fileBytes, fileSums } from "../db/attachment-files.ts";
import type { ContentFile } from "../db/content-files.ts";
import {
  ackSentMany,
  ackUnconfirmed,
  beginEmailGroups,
  emailBatchRequest,
  emailGroup,
  holdClaimed,
  leaveEmailGroup,
  markSentBy,
  requeue,
  rerecordEmailBatch,
  skipClaimed,
} from "../db/outbox-leases.ts";
import type { Delivery } from "../db/outbox.ts";
import { deliveryTag, type EmailMessage, ProviderError, type SendOutcome } from "../providers/types.ts";
import { createComposer } from "./compose.ts";
import {
  cancelledSince,
  composeEach,
  outsideWindow,
  SOURCE_GONE,
  stoppedBeforeSending,
  suppressedNow,
} from "./send-checks.ts";
import { describeError, type SendContext, settle } from "./settle.ts";

const EMAIL_BATCH = 100;

const UNKNOWN_TOO_LONG =
  "held for review: an attempt to send it more than a day ago may or may not have reached Resend, and Resend keeps its duplicate guard only 24 hours. Check Resend's log for this address: release it to send it again, or cancel it.";

/** A batch's exact request: its key, its members in the order they were sent, and its replays. */
type Recorded = {
  key?: string;
  deliveryIds: number[];
  messages: EmailMessage[];
  /** The members of each request sent under the key, in order (absent: only the first, with all of them). */
  tried?: number[][];
  /** Sent alone to POST /emails under its own key (an e-mail with attachments): one member. */
  single?: true;
  /** Each message's attachments as files on record, read again (and checked) whenever it is sent. */
  files?: RecordedFile[][];
};

/** An attachment in a record: which file, and the checksum its bytes had when the e-mail first left. */
type RecordedFile = { fileId: number; filename: string; contentType: string; sha256: string; storedName?: string };

// Level 1: as small as the default level for these repetitive batches (~2.7 KB for 100 e-mails), and
// some thirty times faster.
const encode = (r: Recorded) => Buffer.from(Bun.zstdCompressSync(JSON.stringify(r), { level: 1 }));
const decode = (payload: Buffer): Recorded => JSON.parse(Buffer.from(Bun.zstdDecompressSync(payload)).toString("utf8"));

/** Sends (or replays) the claimed e-mails. */
export async function sendEmails(cx: SendContext, claimed: Delivery[], now: Date) {
  const replays = claimed.filter((d) => d.attemptStartedAt && d.attemptGroup);
  const fresh = claimed.filter((d) => !(d.attemptStartedAt && d.attemptGroup));
  for (const group of new Set(replays.map((d) => d.attemptGroup!))) {
    await replayGroup(
      cx,
      group,
      replays.filter((d) => d.attemptGroup === group),
      now,
    );
  }
  if (fresh.length) await sendFresh(cx, fresh, now);
}

/**
 * The e-mail each delivery becomes. Its idempotency key is the delivery key under this install's
 * id (`legacyKeys`: the bare key, as batches recorded before that prefix were sent).
 */
async function messagesFor(cx: SendContext, batch: Delivery[], now: Date, legacyKeys = false) {
  const s = cx.settings;
  const install = await cx.installId();
  const prefix = legacyKeys ? "" : `${install}/`;
  const tag = deliveryTag(install);
  const composer = await createComposer(cx.deps, s, now);
  const from = cx.deps.config.emailFrom ?? `${s.senderName || s.name} <${s.senderEmail || "studio@localhost"}>`;
  const { composed, failed } = await composeEach(
    batch.filter((d) => d.toAddress),
    (ds) => composer.emails(ds),
  );
  const built = composed.map((e) => {
    const message: EmailMessage = {
      to: e.delivery.toAddress!,
      from,
      replyTo: s.replyTo || undefined,
      subject: e.subject,
      html: e.html,
      text: e.text,
      headers: e.unsubscribeUrl
        ? { "List-Unsubscribe": `<${e.unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" }
        : {},
      idempotencyKey: `${prefix}${e.delivery.deliveryKey}`,
      // Resend reports the tags back: a report that comes before the send is acknowledged still finds its delivery.
      tags: [{ name: tag, value: String(e.delivery.id) }],
    };
    return {
      d: e.delivery,
      files: e.files ?? [],
      rows: e.rows,
      marketing: e.marketing,
      missing: e.missing,
      error: e.error,
      empty: e.empty,
      message,
    };
  });
  return { built, failed };
}

/**
 * A batch whose outcome is unknown goes again as it went, under its key. Resend keeps, for a day,
 * the first request it accepted under a key: the same request again is answered as then and sends
 * nothing; a different one is refused (409). So at most one request under a key ever went, and
 * asking again tells which. Members that must not get it now (cancelled, unsubscribed, held or
 * settled since) are left out, still under the same key, and every request is recorded before
 * it leaves: Resend then either takes the smaller request (nothing had gone: those left out never
 * got it) or refuses it, and the earlier requests, asked again exactly, show which one went and to
 * whom. Past Resend's key window it is held for staff instead: then even an identical replay
 * could send twice.
 */
async function replayGroup(cx: SendContext, group: string, mine: Delivery[], now: Date) {
  const { db } = cx.deps;
  const startedAt = Math.min(...mine.map((d) => d.attemptStartedAt!.getTime()));
  if (now.getTime() - startedAt > REPLAY_WINDOW_MS) {
    for (const d of mine) if (await holdClaimed(db, d.id, cx.owner, now, UNKNOWN_TOO_LONG)) cx.result.held++;
    return;
  }
  const recorded = await emailBatchRequest(db, group);
  const request: Recorded = recorded ? decode(recorded.payload) : await rebuilt(cx, group, now);
  const batch: Batch = {
    group,
    request,
    key: request.key ?? batchKey(request.messages.map((m) => m.idempotencyKey)),
    tried: request.tried ?? [request.deliveryIds],
    mine,
    startedAt: new Date(startedAt),
  };
  const leftOut = await leftOutOf(cx, group, request);
  // Resend reported on a member before the send was acknowledged: a request under the key went.
  if (await reportedBeforeAck(db, request.deliveryIds, new Date(startedAt - CLOCK_MARGIN_MS)))
    return findWhatWent(cx, batch, batch.tried, leftOut);
  const wanted = request.deliveryIds.filter((id) => !leftOut.has(id));
  if (!wanted.length) {
    // Nobody left to send it to, so nothing can tell whether the first attempt went: each of mine
    // is settled by why it is left out (what staff decided, or the customer, stands), saying so.
    // Resend's report about it, if one comes, moves it to sent (routes/webhooks.ts).
    const note = "an earlier attempt may have reached them before this: Resend's answer to it was lost";
    for (const d of mine)
      if (await skipClaimed(db, d.id, cx.owner, now, leftOut.get(d.id) ?? "cancelled", note)) cx.result.skipped++;
    return;
  }
  if (!batch.tried.some((t) => sameMembers(t, wanted))) {
    // Recorded before it leaves: if its answer is lost too, the next replay knows it may have gone.
    batch.tried = [...batch.tried, wanted];
    await rerecordEmailBatch(db, group, encode({ ...request, key: batch.key, tried: batch.tried }), batch.startedAt);
  }
  const outcomes = await ask(cx, batch, wanted);
  if (answered(outcomes)) return settleWhatWent(cx, batch, wanted, outcomes, leftOut);
  const error = firstError(outcomes);
  // Refused as different from a request Resend had accepted: one of the earlier ones went.
  if (error.code === "invalid_idempotent_request")
    return findWhatWent(
      cx,
      batch,
      batch.tried.filter((t) => !sameMembers(t, wanted)),
      leftOut,
    );
  await learnedNothing(cx, batch, error);
}

/** A batch of unknown outcome being replayed: its request, its key, what was sent under it, and what this worker holds of it. */
type Batch = { group: string; request: Recorded; key: string; tried: number[][]; mine: Delivery[]; startedAt: Date };

/** Reports are stamped by the web process's clock, the attempt by the worker's. */
const CLOCK_MARGIN_MS = 60_000;

const sameMembers = (a: number[], b: number[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/** Sends exactly the recorded messages of these members under the batch's key. */
async function ask(cx: SendContext, batch: Batch, ids: number[]) {
  await cx.pacer.pace("email", 1);
  if (batch.request.single) return [await sendAlone(cx, batch.request.messages[0]!, batch.request.files?.[0] ?? [])];
  return cx.providers.email.sendBatch(
    ids.map((id) => batch.request.messages[batch.request.deliveryIds.indexOf(id)]!),
    { idempotencyKey: batch.key },
  );
}

/** Resend took the request and answered for its members (some may be refused one by one). */
const answered = (outcomes: SendOutcome[]) => outcomes.some((o) => o.ok || o.error.perMessage);
const firstError = (outcomes: SendOutcome[]) =>
  (outcomes.find((o) => !o.ok) as { ok: false; error: ProviderError }).error;

/**
 * Resend had accepted one of the requests sent under the key. Each is asked again exactly, latest
 * first: the one that went is answered as it was then (nothing is sent again), the others are
 * refused. Its members got it; the rest of the batch never did.
 */
async function findWhatWent(cx: SendContext, batch: Batch, candidates: number[][], leftOut: Map<number, string>) {
  for (const ids of candidates.toReversed()) {
    const outcomes = await ask(cx, batch, ids);
    if (answered(outcomes)) return settleWhatWent(cx, batch, ids, outcomes, leftOut);
    const error = firstError(outcomes);
    if (error.code !== "invalid_idempotent_request") return learnedNothing(cx, batch, error);
  }
  // Every request on record was refused as different: what went was one of them, sent in another
  // form (a batch begun before requests were recorded, or by another version of Pigeon). Members
  // of all of them got it; for the rest staff must look.
  const { db, clock } = cx.deps;
  const now = clock();
  const got = batch.tried.reduce((all, ids) => all.filter((id) => ids.includes(id)));
  const mine = new Map(batch.mine.map((d) => [d.id, d]));
  const why = "Resend had already accepted a request for its batch; counted as sent, not confirmed";
  await markSentBy(
    db,
    got.filter((id) => !mine.has(id)).map((id) => ({ id, providerMessageId: null })),
    now,
    cx.providers.email.name,
    why,
  );
  const unsure =
    "held for review: Resend says an earlier request for its batch went, but not whether this e-mail was in it. Check Resend's log for this address: release it to send it again, or cancel it.";
  for (const d of batch.mine) {
    if (
      got.includes(d.id)
        ? await ackUnconfirmed(db, d.id, cx.owner, now, cx.providers.email.name, why)
        : await holdClaimed(db, d.id, cx.owner, now, unsure)
    )
      cx.result[got.includes(d.id) ? "sent" : "held"]++;
  }
}

/**
 * What went under the key is known: `went`, with Resend's answers. Its members got it (those it
 * refused one by one fail with the reason), whatever has happened to them here since; every other
 * member of the batch never got it, and leaves it: skipped if it must not get it now, else sent
 * afresh.
 */
async function settleWhatWent(
  cx: SendContext,
  batch: Batch,
  went: number[],
  outcomes: SendOutcome[],
  leftOut: Map<number, string>,
) {
  const { db, clock } = cx.deps;
  const done = clock();
  const provider = cx.providers.email.name;
  const isMine = new Map(batch.mine.map((d) => [d.id, d]));
  const theirs: { id: number; providerMessageId: string }[] = [];
  for (const [i, id] of went.entries()) {
    const d = isMine.get(id);
    const o = outcomes[i]!;
    if (d) await settle(cx, d, o, provider, done);
    else if (o.ok) theirs.push({ id, providerMessageId: o.providerId });
  }
  await markSentBy(db, theirs, done, provider, "Resend had sent it in an earlier request of its batch");
  const never = batch.request.deliveryIds.filter((id) => !went.includes(id));
  await rerecordEmailBatch(
    db,
    batch.group,
    encode({
      key: batch.key,
      deliveryIds: went,
      messages: went.map((id) => batch.request.messages[batch.request.deliveryIds.indexOf(id)]!),
      tried: [went],
      // Kept as it went: if this acknowledgement is lost too (a lapsed lease), the next replay must
      // ask POST /emails again with the same files. Without them it went to /emails/batch under the
      // single send's key, a different request, and ended "counted as sent, not confirmed".
      ...(batch.request.single && { single: true }),
      ...(batch.request.files && {
        files: went.map((id) => batch.request.files![batch.request.deliveryIds.indexOf(id)] ?? []),
      }),
    }),
    batch.startedAt,
  );
  await leaveEmailGroup(
    db,
    batch.group,
    never.filter((id) => !isMine.has(id)),
  );
  for (const id of never) {
    const d = isMine.get(id);
    if (!d) continue;
    const reason = leftOut.get(id);
    if (
      reason
        ? await skipClaimed(db, id, cx.owner, done, reason)
        : await requeue(db, id, cx.owner, done, done, { notAnAttempt: true })
    )
      cx.result[reason ? "skipped" : "retried"]++;
  }
}

/**
 * The replay was not answered (timed out, rate limited, Resend down) or refused whole (a revoked
 * key): nothing is known yet. Retried later as it is — unless refused for good, which staff must see.
 */
async function learnedNothing(cx: SendContext, batch: Batch, error: ProviderError) {
  const { db, clock } = cx.deps;
  const now = clock();
  if (error.kind === "permanent") {
    const why = `held for review: Resend refused to send its batch again (${describeError(error)}), and an earlier attempt may have reached them. Check Resend's log for this address: release it to send it again, or cancel it.`;
    for (const d of batch.mine) if (await holdClaimed(db, d.id, cx.owner, now, why)) cx.result.held++;
    return;
  }
  for (const d of batch.mine) await settle(cx, d, { ok: false, error }, cx.providers.email.name, now);
}

/**
 * The members of a recorded batch that must not get it now, with why: settled or held since, their
 * message cancelled, or their address suppressed for it.
 */
async function leftOutOf(cx: SendContext, group: string, request: Recorded): Promise<Map<number, string>> {
  const members = new Map((await emailGroup(cx.deps.db, group)).map((d) => [d.id, d]));
  const cancelled = await cancelledSince(cx, [...members.values()]);
  const suppressed = await suppressedNow(cx, "email", [...members.values()].map((d) => d.toAddress!).filter(Boolean));
  const out = new Map<number, string>();
  for (const [i, id] of request.deliveryIds.entries()) {
    const d = members.get(id);
    // A marketing e-mail carries the one-click unsubscribe; a service e-mail does not.
    const marketing = !!request.messages[i]?.headers["List-Unsubscribe"];
    const suppression = d?.toAddress ? suppressed.get(d.toAddress) : undefined;
    if (!d) out.set(id, "cancelled");
    else if (d.status === "skipped" || d.status === "failed" || d.status === "held")
      out.set(id, d.skipReason ?? d.status);
    else if (cancelled.has(d.id)) out.set(id, cancelled.get(d.id)!);
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
  const suppressed = await suppressedNow(cx, "email", fresh.map((d) => d.toAddress!).filter(Boolean));
  const { built, failed } = await messagesFor(cx, fresh, now);
  const builtFor = new Map(built.map((b) => [b.d.id, b]));
  const cancelled = await cancelledSince(cx, fresh);
  const sendable: typeof built = [];
  for (const d of fresh) {
    const b = builtFor.get(d.id);
    const problem =
      failed.get(d.id) ?? (b ? (b.error ? `its message could not be composed: ${b.error}` : null) : SOURCE_GONE);
    const found = {
      suppression: d.toAddress ? suppressed.get(d.toAddress) : undefined,
      marketing: b?.marketing ?? true,
      problem,
      missing: b?.missing ?? null,
      empty: b?.empty,
      cancelled: cancelled.get(d.id),
    };
    if ((await stoppedBeforeSending(cx, d, found, now)) || !b) continue;
    if (await outsideWindow(cx, d, b.rows, now)) continue;
    sendable.push(b);
  }
  // Resend's batch endpoint refuses attachments: those e-mails go one by one, each a request of the budget.
  const alone = sendable.filter((b) => b.files.length > 0);
  const batched = sendable.filter((b) => b.files.length === 0);
  const batches: (typeof sendable)[] = [];
  for (let i = 0; i < batched.length; i += EMAIL_BATCH) batches.push(batched.slice(i, i + EMAIL_BATCH));
  // A claim is sized for batches (100 e-mails a request): when the budget's next request is far off,
  // what it cannot send now goes back to the queue, due then, rather than holding this worker.
  while (alone.length && !cx.stopping()) {
    const upTo = Math.min(SINGLES_IN_FLIGHT, alone.length);
    const got = await cx.pacer.takeNow("email", upTo, alone.length);
    if (got.n === 0 && got.waitMs <= SHORT_WAIT_MS) got.n = await cx.pacer.take("email", upTo, alone.length);
    if (got.n === 0) {
      const due = new Date(cx.deps.clock().getTime() + got.waitMs);
      for (const b of alone.splice(0))
        if (await requeue(cx.deps.db, b.d.id, cx.owner, now, due, { waiting: WAITING_FOR_RATE, notAnAttempt: true }))
          cx.result.waiting++;
      cx.result.throttledMs = Math.min(cx.result.throttledMs ?? got.waitMs, got.waitMs);
      break;
    }
    await sendWave(
      cx,
      alone.splice(0, got.n).map((b) => [b]),
    );
  }
  while (batches.length && !cx.stopping()) {
    // As many batches as the rate allows now (at most a few): recorded together, then sent side
    // by side, so their records and their acknowledgements cost one commit each, not one per batch.
    const n = await cx.pacer.take("email", Math.min(EMAIL_REQUESTS_IN_FLIGHT, batches.length), batches.length);
    await sendWave(cx, batches.splice(0, n));
  }
}

/** E-mail batch requests sent side by side (each within the rate), all recorded before any leaves. */
const EMAIL_REQUESTS_IN_FLIGHT = 8;
/** Why an e-mail with attachments waits after its claim: each goes as a request of its own. */
const WAITING_FOR_RATE = "waiting for the e-mail rate: an e-mail with attachments is a request of its own";

/** A wait for the rate this short is waited out in hand, as batches wait; a longer one gives the e-mails back. */
const SHORT_WAIT_MS = 2_000;

/** E-mails with attachments sent side by side: each may carry up to 28 MB of files, held in memory. */
const SINGLES_IN_FLIGHT = 2;

const recordedFiles = (files: ContentFile[], sums: Map<number, { sha256: string }>): RecordedFile[] =>
  files.map((f) => ({
    fileId: f.id,
    filename: f.originalName,
    contentType: f.mimeType,
    sha256: sums.get(f.id)?.sha256 ?? "",
    storedName: f.storedName,
  }));

/**
 * Sends one e-mail with its attachments to POST /emails under its own key, their bytes read now.
 * A file gone or changed since the record was made cannot be sent as it was: refused for good,
 * so staff decide (a replay that differs could be a second e-mail).
 */
async function sendAlone(cx: SendContext, message: EmailMessage, files: RecordedFile[]): Promise<SendOutcome> {
  const bytes = await fileBytes(
    cx.deps.db,
    files.map((f) => f.fileId),
  );
  const changed = files.find((f) => bytes.get(f.fileId)?.sha256 !== f.sha256);
  if (changed)
    return {
      ok: false,
      error: new ProviderError(
        "permanent",
        `its attachment ${changed.filename} was deleted or changed since it was first sent, so the same e-mail cannot be sent again`,
      ),
    };
  const attachments = files.map((f) => ({
    filename: f.filename,
    content: bytes.get(f.fileId)!.content,
    contentType: f.contentType,
    ...(f.storedName && { link: `/media/${f.storedName}` }),
  }));
  return cx.providers.email.send({ ...message, attachments }).catch((err) => ({ ok: false, error: unexpected(err) }));
}

type Built = Awaited<ReturnType<typeof messagesFor>>["built"][number];

/** Records these batches' exact requests, sends them side by side, and acknowledges what went. */
async function sendWave(cx: SendContext, wave: Built[][]) {
  const { db, clock } = cx.deps;
  const { result, owner } = cx;
  const started = clock();
  // A single send's record holds its files' checksums: a replay sends exactly those bytes again.
  const sums = await fileBytesOfWave(cx, wave);
  const heldIds = await beginEmailGroups(
    db,
    wave.map((batch) => ({
      group: `${owner}:${started.getTime()}:${batch[0]!.d.id}`,
      members: batch.map((b) => ({ id: b.d.id, subject: b.message.subject })),
      request: (ids) => {
        const members = batch.filter((b) => ids.includes(b.d.id));
        if (isAlone(batch))
          return encode({
            key: batch[0]!.message.idempotencyKey,
            single: true,
            deliveryIds: members.map((b) => b.d.id),
            messages: members.map((b) => b.message),
            files: members.map((b) => recordedFiles(b.files, sums)),
          });
        return encode({
          key: batchKey(members.map((b) => b.message.idempotencyKey)),
          deliveryIds: members.map((b) => b.d.id),
          messages: members.map((b) => b.message),
        });
      },
    })),
    owner,
    started,
    cx.attemptLeaseMs,
  );
  const going = wave
    .map((batch, i) => {
      const held = new Set(heldIds[i]);
      return batch.filter((b) => held.has(b.d.id));
    })
    .filter((go) => go.length > 0);
  const answers = await Promise.all(
    going.map(async (go) =>
      isAlone(go)
        ? [await sendAlone(cx, go[0]!.message, recordedFiles(go[0]!.files, sums))]
        : cx.providers.email
            .sendBatch(
              go.map((b) => b.message),
              { idempotencyKey: batchKey(go.map((b) => b.message.idempotencyKey)) },
            )
            // A request that threw may still have reached Resend: its members keep their attempt
            // (outcome unknown) and are replayed under the same key.
            .catch((err): SendOutcome[] => go.map(() => ({ ok: false, error: unexpected(err) }))),
    ),
  );
  const done = clock();
  const sent = going.flatMap((go, i) =>
    go.flatMap((b, j) => {
      const o = answers[i]![j]!;
      return o.ok ? [{ id: b.d.id, providerMessageId: o.providerId }] : [];
    }),
  );
  result.sent += (await ackSentMany(db, sent, owner, done, cx.providers.email.name)).length;
  for (const [i, go] of going.entries())
    for (const [j, b] of go.entries())
      if (!answers[i]![j]!.ok) await settle(cx, b.d, answers[i]![j]!, cx.providers.email.name, done);
}

/** A wave's member with attachments is alone in its "batch" (see sendFresh). */
const isAlone = (batch: Built[]) => batch.length === 1 && batch[0]!.files.length > 0;

/** The checksums of the files a wave's single sends attach, read once for the wave. */
const fileBytesOfWave = (cx: SendContext, wave: Built[][]) =>
  fileSums(
    cx.deps.db,
    wave.filter(isAlone).flatMap((b) => b[0]!.files.map((f) => f.id)),
  );

const unexpected = (err: unknown) =>
  new ProviderError("transient", `the request failed: ${err instanceof Error ? err.message : String(err)}`);
