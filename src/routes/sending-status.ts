// GET /sending-status: the line every staff page loads under its navigation (views/layout.tsx).
// Empty while the scheduler ticks; when it has stopped — no `pigeon worker` beside a web-only
// server, or a stuck process — it says that nothing is being sent and since when, so nobody
// waits on "It starts within seconds" for a message that cannot start.
import { Hono } from "hono";
import { escapeHtml } from "../core/placeholders.ts";
import { schedulerHealth } from "../core/scheduler-health.ts";
import { staffTime } from "../core/date-format.ts";
import { getSettings } from "../db/settings.ts";
import type { AppEnv } from "../http/env.ts";
import { lastTickSeen } from "./health.ts";

export const sendingStatusRoutes = new Hono<AppEnv>().get("/sending-status", async (c) => {
  const deps = c.get("deps");
  const health = schedulerHealth(deps.config.scheduler, await lastTickSeen(deps), deps.clock());
  if (health.ok) return c.body(null, 204);
  const { timeZone } = await getSettings(deps.db);
  const since = health.lastTickAt ? ` Last run: ${staffTime(health.lastTickAt, timeZone)}.` : "";
  return c.html(
    `<div class="flash bad" role="alert"><strong>Nothing is being sent:</strong> ${escapeHtml(health.reason).replace(/`([^`]+)`/g, "<code>$1</code>")}.${escapeHtml(since)} Messages, notifications and calls wait until it runs again.</div>`,
  );
});
