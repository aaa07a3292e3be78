// When to try a failed send again (SPEC D5): rate limits wait as long as the provider asks,
// transient failures back off with jitter, permanent ones stop at once. A provider outage (5xx,
// timeouts, 429) is waited out: it does not use up the attempt limit — that limit is for a send
// that keeps dying on our side (a crash each time) — and is retried, the wait growing with how
// long it has lasted up to `maxDelayMs`, for `outageMs` before it gives up.
export type FailureKind = "rate_limited" | "transient" | "permanent";
export type RetryDecision = { retry: true; delayMs: number } | { retry: false };
export type RetryPolicy = { maxAttempts: number; baseMs: number; maxDelayMs: number; outageMs: number };

export const RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 5_000, maxDelayMs: 30 * 60_000, outageMs: 24 * 3600_000 };

/**
 * `failingForMs`: how long this delivery has met outage answers, 0 at the first. The ceiling of the
 * wait is that time (at least `baseMs`, at most `maxDelayMs`), so waits roughly double like an
 * exponential backoff. `random` is passed in (0..1) so the jitter is testable; full jitter spreads
 * the herd when many sends fail together.
 */
export function retryDecision(
  kind: FailureKind,
  failingForMs: number,
  random: number,
  retryAfterMs?: number,
  policy: RetryPolicy = RETRY,
): RetryDecision {
  if (kind === "permanent" || failingForMs >= policy.outageMs) return { retry: false };
  if (kind === "rate_limited" && retryAfterMs !== undefined)
    return { retry: true, delayMs: Math.min(retryAfterMs, policy.maxDelayMs) };
  const ceiling = Math.min(policy.maxDelayMs, Math.max(policy.baseMs, failingForMs));
  return { retry: true, delayMs: Math.round(ceiling / 2 + (ceiling / 2) * random) };
}

/**
 * How long an e-mail attempt of unknown outcome may be replayed under its Resend idempotency key.
 * Resend remembers keys for 24 hours; past 23 a replay might reach a Resend that no longer knows
 * the key and sends again, so such an e-mail is held for staff instead.
 */
export const REPLAY_WINDOW_MS = 23 * 3600_000;
