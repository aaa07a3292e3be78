// When to try a failed send again (SPEC D5): rate limits wait as long as the provider asks,
// transient failures back off exponentially with jitter, permanent ones stop at once.
export type FailureKind = "rate_limited" | "transient" | "permanent";
export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

export const RETRY = { maxAttempts: 8, baseMs: 5_000, maxDelayMs: 30 * 60_000 };

/**
 * `attempts` counts tries made so far, this one included. `random` is passed in (0..1) so the
 * jitter is testable. Full jitter halves the herd when many sends fail together.
 */
export function retryDecision(kind: FailureKind, attempts: number, random: number, retryAfterMs?: number): RetryDecision {
  if (kind === "permanent" || attempts >= RETRY.maxAttempts) return { retry: false };
  if (kind === "rate_limited" && retryAfterMs !== undefined) return { retry: true, delayMs: Math.min(retryAfterMs, RETRY.maxDelayMs) };
  const ceiling = Math.min(RETRY.maxDelayMs, RETRY.baseMs * 2 ** (attempts - 1));
  return { retry: true, delayMs: Math.round(ceiling / 2 + (ceiling / 2) * random) };
}

/**
 * How long an e-mail attempt of unknown outcome may be replayed under its Resend idempotency key.
 * Resend remembers keys for 24 hours; past 23 a replay might reach a Resend that no longer knows
 * the key and sends again, so such an e-mail is held for staff instead.
 */
export const REPLAY_WINDOW_MS = 23 * 3600_000;
