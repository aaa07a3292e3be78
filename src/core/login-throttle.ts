// Login throttling policy (SPEC §13): how many attempts a key (an IP or an account) may make
// in a window, and how long it is locked after that. The database applies it in one statement
// (db/auth.ts reserveAttempt), so parallel guesses cannot all slip past one read.
export type ThrottlePolicy = { maxFailures: number; windowMs: number; lockMs: number };

export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const IP_POLICY: ThrottlePolicy = { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

/** How long a throttle row can still matter: older ones are dropped by housekeeping. */
export const ATTEMPT_RETENTION_MS = Math.max(...[ACCOUNT_POLICY, IP_POLICY].map((p) => p.windowMs + p.lockMs));

/** "Try again in N minutes" for a wait in milliseconds. */
export function waitMessage(waitMs: number): string {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  return `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
