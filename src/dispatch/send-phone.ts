// Sending claimed SMS and calls (SPEC D3, D4, D10): one provider request each, paced; an
// attempt whose outcome is unknown is looked up at the provider before anything is sent again.
import { twilioEvent } from "../core/delivery-status.ts";
import { retryDecision } from "../core/retry-policy.ts";
import { providerIdsTaken, recordProviderEvent, reportedOn, unsettledTwins } from "../db/delivery-status.ts";
import { WHICH_UNKNOWN } from "../db/held-deliveries.ts";
import { ackSent, beginAttempt, holdClaimed, outageStartedAt, requeue, skipClaimed } from "../db/outbox-leases.ts";
import type { Delivery } from "../db/outbox.ts";
import { ProviderError, type SentRecord } from "../providers/types.ts";
import { createComposer } from "./compose.ts";
import { lineTypeOf } from "./line-types.ts";
import {
  cancelledMessages,
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

/** Sends the claimed SMS or calls, one at a time, each within the channel's rate. */
export async function sendPhone(cx: SendContext, channel: "sms" | "voice", claimed: Delivery[], now: Date) {
  const { db, clock } = cx.deps;
  const { result, owner, settings: s } = cx;
  const composer = await createComposer(cx.deps, s, now);
  const { composed, failed } = await composeEach(claimed, (ds) => composer.texts(ds));
  const suppressed = await suppressedNow(cx, channel, claimed.map((d) => d.toAddress!).filter(Boolean));
  const cancelled = await cancelledMessages(cx, claimed);
  const from = cx.deps.config.twilio?.from ?? (s.smsFrom || "+15550000000");
  for (const d of claimed) {
    if (cx.stopping()) break;
    const at = clock();
    const c = composed.find((x) => x.delivery.id === d.id);
    // Unknown outcome: the previous worker may have sent it. Ask before trying again (D4).
    if (d.attemptStartedAt && (await reconcile(cx, channel, d, at)) !== "not_sent") continue;
    const problem =
      failed.get(d.id) ??
      (c?.error ? `its message could not be composed: ${c.error}` : c?.text == null ? SOURCE_GONE : null);
    const found = {
      suppression: d.toAddress ? suppressed.get(d.toAddress) : undefined,
      marketing: true,
      problem,
      missing: c?.missing ?? null,
      empty: c?.empty,
      cancelled: cancelled.has(d.messageId ?? 0),
    };
    if ((await stoppedBeforeSending(cx, d, found, at)) || !c) continue;
    if (await outsideWindow(cx, d, c.rows, at)) continue;
    if (
      channel === "sms" &&
      (await lineTypeOf({ ...cx.deps, providers: cx.providers }, d.toAddress!, at)) === "landline"
    ) {
      if (await skipClaimed(db, d.id, owner, at, "landline")) result.skipped++;
      continue;
    }
    await cx.pacer.pace(channel, claimed.length - claimed.indexOf(d));
    // The lease is renewed for the whole call here; a delivery whose lease is gone is not sent.
    if (!(await beginAttempt(db, d, owner, clock(), cx.attemptLeaseMs, { body: c.text }))) continue;
    const callback = `${composer.base}/webhooks/twilio/status?d=${d.id}`;
    const outcome =
      channel === "sms"
        ? await cx.providers.sms.send({
            to: d.toAddress!,
            from,
            body: c.text!,
            clientRef: d.deliveryKey,
            statusCallback: callback,
          })
        : await cx.providers.voice.call({
            to: d.toAddress!,
            from,
            twimlUrl: `${composer.base}/webhooks/twilio/voice?d=${d.id}`,
            statusCallback: callback,
            clientRef: d.deliveryKey,
          });
    await settle(cx, d, outcome, cx.providers[channel].name, clock());
  }
}
