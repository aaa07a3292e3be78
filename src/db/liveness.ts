// The scheduler's heartbeat in the database (SPEC X2): every tick of any process (`serve` or a
// `pigeon worker`) records when it ran, so a web-only process (SCHEDULER=off) can tell in
// /healthz whether some worker is still ticking — it has no scheduler of its own to ask.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { workerState } from "./schema.ts";

const KEY = and(eq(workerState.name, "scheduler"), eq(workerState.key, "last_tick"));

/** Records a scheduler tick; never moves the newest tick back (workers' clocks differ a little). */
export async function recordSchedulerTick(db: Db, now: Date) {
  await db
    .insert(workerState)
    .values({ name: "scheduler", key: "last_tick", value: String(now.getTime()), updatedAt: now })
    .onConflictDoUpdate({
      target: [workerState.name, workerState.key],
      set: { value: sql`max(cast(${workerState.value} as integer), cast(excluded.value as integer))`, updatedAt: now },
    });
}

/** The newest scheduler tick of any process, or null when none ever ran on this database. */
export async function lastSchedulerTick(db: Db): Promise<Date | null> {
  const row = await db.query.workerState.findFirst({ where: KEY });
  return row ? new Date(Number(row.value)) : null;
}
