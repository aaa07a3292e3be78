// The provider rate budget shared through the database (SPEC D3, X7): one token bucket per
// channel that every process takes from, so a web process sending a test and any number of
// workers stay under the provider's limit together instead of each pacing itself.
import { eq } from "drizzle-orm";
import { type Bucket, refill, take, waitForToken } from "../core/token-bucket.ts";
import type { Db } from "./client.ts";
import { dbNow } from "./db-clock.ts";
import { rateBudgets } from "./schema.ts";
import type { Channel } from "../core/vocabulary.ts";

export type RateLimit = { rate: number; capacity: number };

async function bucketAt(db: Db, channel: Channel, capacity: number, now: number): Promise<Bucket> {
  const [row] = await db.select().from(rateBudgets).where(eq(rateBudgets.channel, channel));
  return row ? { tokens: row.tokens, at: row.atMs } : { tokens: capacity, at: now };
}

/**
 * Takes up to `want` tokens (at most a bucketful) at once, for that many requests about to leave
 * one after the other: one write instead of one per request. Returns how many were taken, and,
 * when none, how long until one is free.
 */
export async function takeTokens(
  db: Db,
  channel: Channel,
  limit: RateLimit,
  want: number,
): Promise<{ granted: number; waitMs: number }> {
  return db.transaction(async (tx) => {
    const now = await dbNow(tx);
    const bucket = await bucketAt(tx, channel, limit.capacity, now);
    const got = take(bucket, Math.max(1, want), limit.rate, limit.capacity, now);
    if (got.granted === 0)
      return { granted: 0, waitMs: Math.max(1, waitForToken(bucket, limit.rate, limit.capacity, now)) };
    await tx
      .insert(rateBudgets)
      .values({ channel, tokens: got.bucket.tokens, atMs: got.bucket.at })
      .onConflictDoUpdate({ target: rateBudgets.channel, set: { tokens: got.bucket.tokens, atMs: got.bucket.at } });
    return { granted: got.granted, waitMs: 0 };
  });
}

/** Whole tokens free now, without taking any (to size a claim), and the wait when there are none. */
export async function peekTokens(
  db: Db,
  channel: Channel,
  limit: RateLimit,
): Promise<{ tokens: number; waitMs: number }> {
  const now = await dbNow(db);
  const bucket = await bucketAt(db, channel, limit.capacity, now);
  return {
    tokens: Math.floor(refill(bucket, limit.rate, limit.capacity, now).tokens),
    waitMs: waitForToken(bucket, limit.rate, limit.capacity, now),
  };
}
