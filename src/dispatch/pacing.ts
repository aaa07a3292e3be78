// Pacing provider requests within the studio's configured rates (SPEC D3), through the token
// bucket every process shares in the database (src/db/rate-budget.ts).
import type { Db } from "../db/client.ts";
import { type RateLimit, takeTokens } from "../db/rate-budget.ts";
import type { StudioSettings } from "../db/schema.ts";
import type { Channel } from "../core/vocabulary.ts";

/**
 * The channel's limit from settings: e-mail counts API requests (a batch is one), SMS and calls
 * count messages. We run 5 % under the configured rate, because the provider counts when a
 * request arrives and ours leave a little after their token is taken. The bucket holds at most a
 * twentieth of a second's worth (at least one), so no second sees more than the rate plus that
 * sliver: providers count in sliding seconds.
 */
export function rateLimit(channel: Channel, s: StudioSettings): RateLimit {
  const rate = (channel === "email" ? s.emailRatePerSecond : s.smsRatePerSecond) * 0.95;
  return { rate, capacity: Math.max(1, Math.floor(rate / 20)) };
}

/**
 * Paces one pass's provider requests through the shared budget. Right before each request it
 * needs a token; it takes as many as the requests still ahead of it in this pass (at most a
 * bucketful, the twentieth of a second's worth) in one write, and spends them one by one. What a
 * pass leaves unspent is dropped, never carried into a later pass, so no second ever sees more
 * requests than the rate allows plus that sliver.
 */
export function createPacer(db: Db, s: StudioSettings) {
  const reserve = new Map<Channel, number>();
  /**
   * Waits until at least one request on `channel` may leave and returns how many may leave now,
   * at most `upTo` (requests about to be sent side by side); `ahead` counts them and the ones
   * after them in this pass.
   */
  async function take(channel: Channel, upTo: number, ahead: number): Promise<number> {
    const left = reserve.get(channel) ?? 0;
    if (left > 0) {
      const n = Math.min(left, upTo);
      reserve.set(channel, left - n);
      return n;
    }
    for (;;) {
      const got = await takeTokens(db, channel, rateLimit(channel, s), Math.max(ahead, upTo));
      if (got.granted > 0) {
        const n = Math.min(got.granted, upTo);
        reserve.set(channel, got.granted - n);
        return n;
      }
      await Bun.sleep(got.waitMs);
    }
  }
  /**
   * Like `take`, but never waits: none (with the wait until one is free) when the budget is spent,
   * so work that costs a request each can go back to the queue instead of holding a worker.
   */
  async function takeNow(channel: Channel, upTo: number, ahead: number): Promise<{ n: number; waitMs: number }> {
    const left = reserve.get(channel) ?? 0;
    if (left > 0) {
      const n = Math.min(left, upTo);
      reserve.set(channel, left - n);
      return { n, waitMs: 0 };
    }
    const got = await takeTokens(db, channel, rateLimit(channel, s), Math.max(ahead, upTo));
    if (got.granted === 0) return { n: 0, waitMs: got.waitMs };
    const n = Math.min(got.granted, upTo);
    reserve.set(channel, got.granted - n);
    return { n, waitMs: 0 };
  }
  return {
    take,
    takeNow,
    /** Waits until one request on `channel` may leave; `ahead` counts it and the ones after it. */
    async pace(channel: Channel, ahead: number): Promise<void> {
      await take(channel, 1, ahead);
    },
  };
}

export type Pacer = ReturnType<typeof createPacer>;
