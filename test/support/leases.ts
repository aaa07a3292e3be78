// Leases are judged by the database's clock, which a test cannot set: a lease "runs out" here by
// moving its expiry into the database's past, exactly what time passing would do.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../src/db/client.ts";
import { DB_NOW } from "../../src/db/db-clock.ts";
import { deliveries } from "../../src/db/schema.ts";

/** Lets every lease `owner` holds run out now. */
export async function expireLeases(db: Db, owner: string) {
  await db
    .update(deliveries)
    .set({ leaseExpiresAt: sql`${DB_NOW} - 1` })
    .where(eq(deliveries.leaseOwner, owner));
}
