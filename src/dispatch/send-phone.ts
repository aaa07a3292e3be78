// Sending claimed SMS and calls (SPEC D3, D4, D10): one provider request each, paced; an
// attempt whose outcome is unknown is looked up at the provider before anything is sent again.
import { twilioEvent } from "../core/delivery-status.ts";
import { retryDecision } from "../core/retry-policy.ts";
import { providerIdsTaken, recordProviderEvent, reportedOn, unsettledTwins } from "../db/delivery-status.ts";
import { WHICH_UNKNOWN } from "../db/held-deliveries.ts";
import {
  ackSent,
  ackSentMany,
  beginAttempts,
  holdClaimed,
  outageStartedAt,
  requeue,
  skipClaimed,
} from "../db/outbox-leases.ts";
import type { Delivery } from "../db/outbox.ts";
import { ProviderError, type SendOutcome, type SentRecord } from "../providers/types.ts";
import { mmsReaches } from "../core/attachments.ts";
import { mediaUrl } from "../db/files.ts";
import { noteSentWithoutPictures } from "../db/attachment-files.ts";
import { createComposer } from "./compose.ts";
import { lineTypesOf } from "./line-types.ts";
import {
  cancelledSince,
  composeEach,
  outsideWindow,
  SOURCE_GONE,
  stoppedBeforeSending,
  suppressedNow,
} from "./send-checks.ts";
import { describeError, type SendContext, settle } from "./settle.ts";

/** What the provider has on record that could be this attempt: its messages or calls to the number since the attempt began. */
async function candidates(cx: SendContext, channel: "sms" | "voice", d: Delivery) {
  if (!d.toAddress) return [];
  if (channel === "sms") return d.body ? cx.providers.sms.findSent(d.toAddress, d.body, d.attemptStartedAt!) : [];
  return cx.providers.voice.findCall(d.toAddress, d.attemptStartedAt!);
}

/**
 * Settles an attempt of unknown outcome by asking the provider (D4): "sent" when it went out
 * (acknowledged now, with the status the provider reports), "not_sent" when it did not,
 * "unknown" when the provider could not say — then it is asked again later, never sent blind,
 * and held for review once the attempt limit is reached or the provider refuses the question.
 */
export async function reconcile(
  cx: SendContext,
  channel: "sms" | "voice",
  d: Delivery,
  at: Date,
): Promise<"sent" | "not_sent" | "unknown"> {
  const { db, clock, log } = cx.deps;
  // Its sender may be alive and still waiting on that very request (a lease that lapsed under a
  // stalled process): until the request's timeout has passed, "not found" proves nothing.
  const settledBy = d.attemptStartedAt!.getTime() + cx.inFlightMs;
  if (at.getTime() < settledBy) {
    if (
      await requeue(db, d.id, cx.owner, at, new Date(settledBy), {
        waiting: "checking whether an earlier attempt went out",
        notAnAttempt: true,
        outcomeUnknown: true,
      })
    )
      cx.result.waiting++;
    return "unknown";
  }
  let found: SentRecord[];
  try {
    found = await candidates(cx, channel, d);
  } catch (err) {
    const error = err instanceof ProviderError ? describeError(err) : String(err);
    log("warn", "reconciliation failed", { delivery: d.id, channel, error });
    // Not knowing is no reason to send it again; asking for ever is no answer either. Twilio being
    // down is waited out as any outage is (retry-policy.ts); anything else counts as an attempt.
    const outage = err instanceof ProviderError && err.kind !== "permanent";
    const since = outage ? await outageStartedAt(db, d.id) : null;
    const decision = outage
      ? retryDecision(err.kind, since ? at.getTime() - since.getTime() : 0, cx.random(), err.retryAfterMs, cx.retry)
      : null;
    const giveUp = decision
      ? !decision.retry
      : (err instanceof ProviderError && err.kind === "permanent") || d.attempts >= cx.retry.maxAttempts;
    if (giveUp) {
      const reason = `held for review: Pigeon could not check with Twilio whether an earlier attempt went out (${error}); check Twilio's log for this number, then release or cancel it`;
      if (await holdClaimed(db, d.id, cx.owner, at, reason)) cx.result.held++;
    } else {
      const delayMs = decision?.retry ? decision.delayMs : 60_000;
      if (
        await requeue(db, d.id, cx.owner, at, new Date(at.getTime() + delayMs), {
          error: `could not check whether it was sent: ${error}`,
          outcomeUnknown: true,
          notAnAttempt: outage,
        })
      )
        cx.result.retried++;
    }
    return "unknown";
  }
  // One its status callback named is its own. Otherwise not one already on another delivery, or
  // reported on one (the same number may get two messages, or calls, at once); of the rest, the
  // first created since the attempt began is the likeliest to be its own. (Twilio's clock is not
  // ours, so "created since" has slack, and no upper bound is trusted.)
  const ids = found.map((f) => f.id);
  const taken = await providerIdsTaken(db, cx.providers[channel].name, ids, d.id);
  const reported = await reportedOn(db, ids);
  const free = found.filter((f) => !taken.has(f.id) && (reported.get(f.id) ?? d.id) === d.id);
  const ours = free.find((f) => reported.get(f.id) === d.id) ?? free.at(-1);
  if (!ours) return "not_sent";
  const knownOwners = [...reported.values()].filter((id) => id !== d.id);
  if (!reported.has(ours.id) && free.length < 1 + (await unsettledTwins(db, d, knownOwners))) {
    // Another delivery to this number is as unsure as this one, and Twilio has fewer of them on
    // record than there are of us: taking one could leave its owner sent again and this one never.
    if (
      await holdClaimed(
        db,
        d.id,
        cx.owner,
        at,
        `${WHICH_UNKNOWN}. In Twilio's log its own has d=${d.id} in its callback URL: release it to send it again, or cancel it.`,
      )
    )
      cx.result.held++;
    return "unknown";
  }
  const done = clock();
  if (await ackSent(db, d.id, cx.owner, done, cx.providers[channel].name, ours.id)) cx.result.sent++;
  // What Twilio says became of it since (delivered, undelivered…), as its status callback would.
  const mapped = twilioEvent(channel === "sms" ? "message" : "call", ours.status);
  if (cx.providers[channel].name === "twilio" && mapped.status && mapped.status !== "sent") {
    await recordProviderEvent(
      db,
      d.id,
      {
        providerEventId: `${ours.id}:${ours.status}`,
        type: mapped.event,
        status: mapped.status,
        detail: { provider: "twilio", sid: ours.id, status: ours.status, via: "reconciliation" },
        occurredAt: done,
        error: mapped.error,
      },
      done,
    );
  }
  return "sent";
}

/** SMS or calls sent side by side (each within the rate), all begun before any leaves. */
const PHONE_REQUESTS_IN_FLIGHT = 32;

/** What is ready to go: the delivery, its text, its MMS pictures' public addresses, and how many it may not carry. */
type Ready = { d: Delivery; text: string; media: string[]; withheld: number };

/**
 * Sends the claimed SMS or calls, each within the channel's rate: as many side by side as the
 * rate allows now (up to PHONE_REQUESTS_IN_FLIGHT), their attempts recorded together before any
 * leaves and their acknowledgements together after, one commit each instead of one per message.
 */
export async function sendPhone(cx: SendContext, channel: "sms" | "voice", claimed: Delivery[], now: Date) {
  const { db, clock } = cx.deps;
  const { result, owner, settings: s } = cx;
  const composer = await createComposer(cx.deps, s, now);
  const { composed, failed } = await composeEach(claimed, (ds) => composer.texts(ds));
  const composedFor = new Map(composed.map((c) => [c.delivery.id, c]));
  const suppressed = await suppressedNow(cx, channel, claimed.map((d) => d.toAddress!).filter(Boolean));
  const cancelled = await cancelledSince(cx, claimed);
  const passed: Ready[] = [];
  for (const d of claimed) {
    if (cx.stopping()) return;
    const at = clock();
    const c = composedFor.get(d.id);
    // Unknown outcome: the previous worker may have sent it. Ask before trying again (D4).
    if (d.attemptStartedAt && (await reconcile(cx, channel, d, at)) !== "not_sent") continue;
    const problem =
      failed.get(d.id) ??
      (c?.error
        ? `its message could not be composed: ${c.error}`
        : c?.text == null
          ? SOURCE_GONE
          : (c.problem ?? null));
    const found = {
      suppression: d.toAddress ? suppressed.get(d.toAddress) : undefined,
      marketing: true,
      problem,
      missing: c?.missing ?? null,
      empty: c?.empty,
      cancelled: cancelled.get(d.id),
    };
    if ((await stoppedBeforeSending(cx, d, found, at)) || !c) continue;
    if (await outsideWindow(cx, d, c.rows, at)) continue;
    // MMS reaches US and Canadian numbers only: elsewhere the text goes without its pictures, as the review said.
    const files = channel === "sms" ? (c.files ?? []) : [];
    const pictures = d.toAddress && mmsReaches(d.toAddress) ? files : [];
    passed.push({
      d,
      text: c.text!,
      media: pictures.map((f) => mediaUrl(composer.base, f.storedName)),
      withheld: files.length - pictures.length,
    });
  }
  let ready = passed;
  if (channel === "sms" && passed.length) {
    // A landline cannot receive SMS (D10): numbers never checked are looked up now, side by side.
    const types = await lineTypesOf(
      { ...cx.deps, providers: cx.providers },
      passed.map((r) => r.d.toAddress!),
      clock(),
      PHONE_REQUESTS_IN_FLIGHT,
    );
    ready = [];
    for (const r of passed) {
      if (types.get(r.d.toAddress!) !== "landline") ready.push(r);
      else if (await skipClaimed(db, r.d.id, owner, clock(), "landline")) result.skipped++;
    }
  }
  const from = cx.deps.config.twilio?.from ?? (s.smsFrom || "+15550000000");
  while (ready.length && !cx.stopping()) {
    const n = await cx.pacer.take(channel, Math.min(PHONE_REQUESTS_IN_FLIGHT, ready.length), ready.length);
    await sendWave(cx, channel, ready.splice(0, n), from, composer.base);
  }
}

/** Begins these attempts together (the lease renewed for the whole call), sends them side by side, and settles each. */
async function sendWave(cx: SendContext, channel: "sms" | "voice", wave: Ready[], from: string, base: string) {
  const { db, clock } = cx.deps;
  // A delivery whose lease is gone is not sent.
  const held = new Set(
    await beginAttempts(
      db,
      wave.map((r) => ({ id: r.d.id, body: r.text })),
      cx.owner,
      clock(),
      cx.attemptLeaseMs,
    ),
  );
  const going = wave.filter((r) => held.has(r.d.id));
  const outcomes = await Promise.all(
    going.map(({ d, text, media }): Promise<SendOutcome> => {
      const callback = `${base}/webhooks/twilio/status?d=${d.id}`;
      const request =
        channel === "sms"
          ? cx.providers.sms.send({
              to: d.toAddress!,
              from,
              body: text,
              ...(media.length && { mediaUrls: media }),
              clientRef: d.deliveryKey,
              statusCallback: callback,
            })
          : cx.providers.voice.call({
              to: d.toAddress!,
              from,
              twimlUrl: `${base}/webhooks/twilio/voice?d=${d.id}`,
              statusCallback: callback,
              clientRef: d.deliveryKey,
              // A voicemail gets the message after its beep, whole (the TwiML says it once, without "press 9").
              machineDetection: "DetectMessageEnd",
            });
      // A request that threw may still have reached Twilio: its attempt stays, to be looked up first.
      return request.catch((err) => ({
        ok: false,
        error: new ProviderError(
          "transient",
          `the request failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
      }));
    }),
  );
  const done = clock();
  const provider = cx.providers[channel].name;
  const sent = going.flatMap((r, i) => {
    const o = outcomes[i]!;
    return o.ok ? [{ id: r.d.id, providerMessageId: o.providerId }] : [];
  });
  const acked = await ackSentMany(db, sent, cx.owner, done, provider);
  cx.result.sent += acked.length;
  const withheld = new Map(going.filter((r) => r.withheld > 0).map((r) => [r.d.id, r.withheld]));
  await noteSentWithoutPictures(
    db,
    acked.flatMap((id) => (withheld.has(id) ? [{ id, pictures: withheld.get(id)! }] : [])),
    done,
  );
  for (const [i, r] of going.entries()) if (!outcomes[i]!.ok) await settle(cx, r.d, outcomes[i]!, provider, done);
}
