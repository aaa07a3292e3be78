// Login throttling policy (SPEC §13), pure: given what we know of earlier failures for a
// key (an IP or an account) and the time, decide whether to refuse and what to store.
export type AttemptState = { failures: number; windowStartedAt: number; lockedUntil: number | null };
export type ThrottlePolicy = { maxFailures: number; windowMs: number; lockMs: number };

export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const IP_POLICY: ThrottlePolicy = { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

/** Milliseconds until the key may try again, or 0 if it may try now. */
export function lockedFor(state: AttemptState | undefined, now: number): number {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, state.lockedUntil - now);
}

/** The state after one more failure. */
export function afterFailure(state: AttemptState | undefined, now: number, policy: ThrottlePolicy): AttemptState {
  const fresh = !state || now - state.windowStartedAt > policy.windowMs;
  const failures = fresh ? 1 : state.failures + 1;
  return {
    failures,
    windowStartedAt: fresh ? now : state.windowStartedAt,
    lockedUntil: failures >= policy.maxFailures ? now + policy.lockMs : null,
  };
}
