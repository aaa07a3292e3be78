// The provider rate budget shared through the database (SPEC D3, X7): one token bucket per
// channel that every process takes from, so a web process sending a test and any number of
// workers stay under the provider's limit together instead of each pacing itself.
import { eq, sql } from "drizzle-orm";
import { type Bucket, refill, waitForToken } from "../core/token-bucket.ts";
import type { Db } from "./client.ts";
import { DB_NOW, dbNow } from "./db-clock.ts";
import { type Channel, rateBudgets } from "./schema.ts";

export type RateLimit = { rate: number; capacity: number };

async function bucketAt(db: Db, channel: Channel, capacity: number, now: number): Promise<Bucket> {
  const [row] = await db.select().from(rateBudgets).where(eq(rateBudgets.channel, channel));
  return row ? { tokens: row.tokens, at: row.atMs } : { tokens: capacity, at: now };
}

/**
 * Takes one token from the channel's shared bucket. Returns 0 when taken, else how many
 * milliseconds until one is free (nothing is taken then).
 */
export async function takeToken(db: Db, channel: Channel, limit: RateLimit): Promise<number> {
  // One statement, so it is atomic across processes and costs one write: core/token-bucket.ts's
  // refill() spelt in SQL (a clock that stepped back refills nothing), then take one if whole.
  const refilled = sql`min(${limit.capacity}, ${rateBudgets.tokens} + max(0, ${DB_NOW} - ${rateBudgets.atMs}) * ${limit.rate} / 1000.0)`;
  const taken = await db
    .insert(rateBudgets)
    .values({ channel, tokens: limit.capacity - 1, atMs: sql`${DB_NOW}` })
    .onConflictDoUpdate({
      target: rateBudgets.channel,
      set: { tokens: sql`${refilled} - 1`, atMs: sql`max(${rateBudgets.atMs}, ${DB_NOW})` },
      setWhere: sql`${refilled} >= 1`,
    })
    .returning({ tokens: rateBudgets.tokens });
  if (taken.length) return 0;
  const now = await dbNow(db);
  return Math.max(1, waitForToken(await bucketAt(db, channel, limit.capacity, now), limit.rate, limit.capacity, now));
}

/** Whole tokens free now, without taking any (to size a claim), and the wait when there are none. */
export async function peekTokens(db: Db, channel: Channel, limit: RateLimit): Promise<{ tokens: number; waitMs: number }> {
  const now = await dbNow(db);
  const bucket = await bucketAt(db, channel, limit.capacity, now);
  return { tokens: Math.floor(refill(bucket, limit.rate, limit.capacity, now).tokens), waitMs: waitForToken(bucket, limit.rate, limit.capacity, now) };
}
