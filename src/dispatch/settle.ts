// What the dispatcher does with one provider outcome (SPEC D5): acknowledge, retry later, or
// give up keeping the provider's message — and the context every sending step shares.
import { type RetryPolicy, retryDecision } from "../core/retry-policy.ts";
import { ackSent, ackUnconfirmed, failDelivery, outageStartedAt, requeue } from "../db/outbox-leases.ts";
import type { Delivery } from "../db/outbox.ts";
import type { StudioSettings } from "../db/schema.ts";
import { suppress } from "../db/suppressions.ts";
import type { SendOutcome } from "../providers/types.ts";
import type { Providers, SendDeps } from "./send-deps.ts";
import type { Pacer } from "./pacing.ts";

/** What a tick did; `throttledMs` is set when due work waits for a rate-limit token. */
export type TickResult = {
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  waiting: number;
  held: number;
  throttledMs?: number;
  /** A claim took all it could: more is due now. */
  more?: boolean;
};

export const emptyResult = (): TickResult => ({ sent: 0, retried: 0, failed: 0, skipped: 0, waiting: 0, held: 0 });

/** Everything one pass of sending needs: who we are, what we send with, and the tally. */
export type SendContext = {
  deps: SendDeps;
  providers: Providers;
  owner: string;
  leaseMs: number;
  /** How long after it began an attempt may still be in flight (the provider timeout and a margin). */
  inFlightMs: number;
  /** The lease an attempt takes when its request leaves: at least the in-flight time, by the database's clock. */
  attemptLeaseMs: number;
  random: () => number;
  /** When to try again (RETRY unless a test shortens it). */
  retry: RetryPolicy;
  settings: StudioSettings;
  result: TickResult;
  /** True once a graceful stop began: start no new provider call. */
  stopping: () => boolean;
  /** This install's id (it prefixes idempotency keys), read once per dispatcher. */
  installId: () => Promise<string>;
  /** This pass's pacing through the shared rate budget. */
  pacer: Pacer;
};

/** A provider error in one line, as staff see it on the delivery. */
export const describeError = (e: { status?: number; code?: string | number; message: string }) =>
  `${e.status ?? ""} ${e.code ?? ""} ${e.message}`.replace(/\s+/g, " ").trim();

/** Applies one provider outcome to one delivery. */
export async function settle(cx: SendContext, d: Delivery, outcome: SendOutcome, provider: string, now: Date) {
  const { db, log } = cx.deps;
  const { result, owner } = cx;
  if (outcome.ok) {
    if (await ackSent(db, d.id, owner, now, provider, outcome.providerId)) result.sent++;
    return;
  }
  const e = outcome.error;
  const message = describeError(e);
  if (e.code === "invalid_idempotent_request") {
    // Resend refuses a request whose key it has seen with other content: the first request with
    // this key was accepted, so the customer got that one. Sending again would send twice.
    const why = `Resend already accepted an earlier request for this e-mail (${e.message}); counted as sent, not confirmed`;
    if (await ackUnconfirmed(db, d.id, owner, now, provider, why)) result.sent++;
    log("warn", "send replay refused as different; counted as sent", { delivery: d.id, error: message });
    return;
  }
  if (e.code === 21610 && d.toAddress) {
    // The number replied STOP at the carrier: never text it again (SPEC D9).
    await suppress(
      db,
      {
        channel: "sms",
        address: d.toAddress,
        customerId: d.customerId,
        reason: "stop_keyword",
        source: "twilio error 21610",
        detail: e.message,
      },
      now,
    );
  }
  // The provider may have sent it anyway after a transient failure; and a replay or a send after a
  // reconciliation carries an earlier attempt whose outcome is still not known, whatever this
  // answer was. Either way the attempt stays on record, so the next try settles it first.
  const outcomeUnknown = e.kind === "transient" || d.attemptStartedAt !== null;
  // An outage (5xx, timeout, 429) is waited out, backing off with how long it has lasted; it does
  // not use up the attempt limit (notAnAttempt), which stops only a send that keeps dying on our side.
  const since = e.kind === "permanent" ? null : await outageStartedAt(db, d.id);
  const decision = retryDecision(
    e.kind,
    since ? now.getTime() - since.getTime() : 0,
    cx.random(),
    e.retryAfterMs,
    cx.retry,
  );
  if (decision.retry) {
    if (
      await requeue(db, d.id, owner, now, new Date(now.getTime() + decision.delayMs), {
        error: message,
        outcomeUnknown,
        notAnAttempt: true,
      })
    )
      result.retried++;
  } else if (outcomeUnknown && e.kind !== "permanent") {
    // Out of attempts, but this last one may have gone out: it is settled, never failed blind —
    // looked up at Twilio, or held for review if an e-mail (the attempt limit takes it from here).
    if (
      await requeue(db, d.id, owner, now, new Date(now.getTime() + cx.inFlightMs), {
        error: message,
        outcomeUnknown: true,
      })
    )
      result.retried++;
  } else if (await failDelivery(db, d.id, owner, now, message, provider)) {
    result.failed++;
  }
  log(decision.retry ? "warn" : "error", "send failed", {
    delivery: d.id,
    channel: d.channel,
    kind: e.kind,
    error: message,
    retry: decision.retry,
  });
}
