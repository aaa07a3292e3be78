// GET /healthz (SPEC X2): the process answers, the database answers, the scheduler ticks. A
// web-only process (SCHEDULER=off, beside `pigeon worker` processes) reports the newest tick any
// worker recorded in the database: if none ticked for 5 minutes, nothing is being sent.
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { lastSchedulerTick } from "../db/liveness.ts";
import type { AppEnv } from "../http/env.ts";

const STALE_MS = 5 * 60_000;

export const healthRoutes = new Hono<AppEnv>().get("/healthz", async (c) => {
  const { db, health, clock, config } = c.get("deps");
  let database: "ok" | string = "ok";
  let lastTick = health.schedulerLastTickAt;
  try {
    await db.run(sql`select 1`);
    if (!config.scheduler) lastTick = await lastSchedulerTick(db);
  } catch (err) {
    database = `error: ${(err as Error).message}`;
  }
  const schedulerStale = lastTick !== null && clock().getTime() - lastTick.getTime() > STALE_MS;
  const ok = database === "ok" && !schedulerStale;
  const scheduler = config.scheduler
    ? { enabled: true, last_tick_at: lastTick?.toISOString() ?? null }
    : { enabled: false, workers_last_tick_at: lastTick?.toISOString() ?? null };
  return c.json({ status: ok ? "ok" : "degraded", database, scheduler }, ok ? 200 : 503);
});
