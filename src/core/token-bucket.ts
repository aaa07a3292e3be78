// A token bucket per channel (SPEC D3): `rate` sends per second on average, bursts up to
// `capacity`. Pure: the state goes in and comes out, time is an argument.
export type Bucket = { tokens: number; at: number };

export function refill(b: Bucket, rate: number, capacity: number, now: number): Bucket {
  // A clock that stepped back refills nothing rather than taking tokens away.
  const elapsed = Math.max(0, now - b.at);
  return { tokens: Math.min(capacity, b.tokens + (elapsed / 1000) * rate), at: Math.max(now, b.at) };
}

/** Takes up to `wanted` whole tokens; returns how many were granted and the bucket after. */
export function take(
  b: Bucket,
  wanted: number,
  rate: number,
  capacity: number,
  now: number,
): { granted: number; bucket: Bucket } {
  const filled = refill(b, rate, capacity, now);
  const granted = Math.max(0, Math.min(wanted, Math.floor(filled.tokens)));
  return { granted, bucket: { tokens: filled.tokens - granted, at: now } };
}

/** Milliseconds until one token is available. */
export function waitForToken(b: Bucket, rate: number, capacity: number, now: number): number {
  const filled = refill(b, rate, capacity, now);
  return filled.tokens >= 1 ? 0 : Math.ceil(((1 - filled.tokens) / rate) * 1000);
}
