// The database's clock. Leases and the shared rate budget are judged by it, not by each
// process's own: two workers whose clocks disagree by seconds (two machines on one libSQL
// server) must still agree on whether a lease has run out (SPEC D4, X7).
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";

/** The database's "now" in epoch milliseconds, as an SQL expression. */
export const DB_NOW = sql`cast(unixepoch('subsec') * 1000 as integer)`;

/** Reads the database's "now". */
export async function dbNow(db: Pick<Db, "all">): Promise<number> {
  const [row] = await db.all<{ now: number }>(sql`select ${DB_NOW} as now`);
  return Number(row!.now);
}
