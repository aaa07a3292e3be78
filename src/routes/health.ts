// GET /healthz (SPEC X2): the process answers, the database answers, the scheduler ticks. A
// web-only process (SCHEDULER=off, beside `pigeon worker` processes) reports the newest tick any
// worker recorded in the database: if none ticked for 5 minutes, nothing is being sent, and the
// answer says so in `reason`.
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { schedulerHealth } from "../core/scheduler-health.ts";
import { lastSchedulerTick } from "../db/liveness.ts";
import type { AppEnv } from "../http/env.ts";
import type { Deps } from "../deps.ts";

/** The newest scheduler tick this process knows of: its own, or (web-only) the workers'. */
export async function lastTickSeen(deps: Deps): Promise<Date | null> {
  return deps.config.scheduler ? deps.health.schedulerLastTickAt : await lastSchedulerTick(deps.db);
}

export const healthRoutes = new Hono<AppEnv>().get("/healthz", async (c) => {
  const deps = c.get("deps");
  const { db, clock, config } = deps;
  let database: "ok" | string = "ok";
  let lastTick: Date | null = null;
  try {
    await db.run(sql`select 1`);
    lastTick = await lastTickSeen(deps);
  } catch (err) {
    database = `error: ${(err as Error).message}`;
  }
  const sending = database === "ok" ? schedulerHealth(config.scheduler, lastTick, clock()) : { ok: true as const };
  const ok = database === "ok" && sending.ok;
  const scheduler = config.scheduler
    ? { enabled: true, last_tick_at: lastTick?.toISOString() ?? null }
    : { enabled: false, workers_last_tick_at: lastTick?.toISOString() ?? null };
  const reason = database !== "ok" ? `database: ${database}` : sending.ok ? undefined : sending.reason;
  return c.json({ status: ok ? "ok" : "degraded", ...(reason && { reason }), database, scheduler }, ok ? 200 : 503);
});
