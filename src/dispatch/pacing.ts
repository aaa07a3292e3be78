// Pacing provider requests within the studio's configured rates (SPEC D3), through the token
// bucket every process shares in the database (src/db/rate-budget.ts).
import type { Db } from "../db/client.ts";
import { type RateLimit, takeToken } from "../db/rate-budget.ts";
import type { Channel, StudioSettings } from "../db/schema.ts";

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

/** Waits for a token right before a provider request, so pacing holds when requests leave. */
export async function pace(db: Db, channel: Channel, limit: RateLimit): Promise<void> {
  for (;;) {
    const wait = await takeToken(db, channel, limit);
    if (wait === 0) return;
    await Bun.sleep(wait);
  }
}
