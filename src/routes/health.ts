// GET /healthz (SPEC X2): the process answers, the database answers, the scheduler ticks.
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";

export const healthRoutes = new Hono<AppEnv>().get("/healthz", async (c) => {
  const { db, health, clock, config } = c.get("deps");
  let database: "ok" | string = "ok";
  try {
    await db.run(sql`select 1`);
  } catch (err) {
    database = `error: ${(err as Error).message}`;
  }
  const lastTick = health.schedulerLastTickAt;
  const schedulerStale = config.scheduler && lastTick !== null && clock().getTime() - lastTick.getTime() > 5 * 60_000;
  const ok = database === "ok" && !schedulerStale;
  return c.json(
    {
      status: ok ? "ok" : "degraded",
      database,
      scheduler: { enabled: config.scheduler, last_tick_at: lastTick?.toISOString() ?? null },
    },
    ok ? 200 : 503,
  );
});
