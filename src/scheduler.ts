// The in-process background loop (croner). For now it keeps house and reports liveness to
// /healthz; the automation and the dispatcher hang their work on the same tick later.
import { Cron } from "croner";
import { lt } from "drizzle-orm";
import type { Deps } from "./deps.ts";
import { sessions } from "./db/schema.ts";

export type Scheduler = { stop: () => Promise<void>; tick: () => Promise<void> };

/** Runs `tick` every 15 seconds; one tick at a time, errors logged, never fatal. */
export function startScheduler(deps: Deps): Scheduler {
  const tick = async () => {
    const now = deps.clock();
    await deps.db.delete(sessions).where(lt(sessions.expiresAt, now));
    deps.health.schedulerLastTickAt = now;
  };
  const job = new Cron("*/15 * * * * *", { name: "pigeon-tick", protect: true, catch: (err) => deps.log("error", "scheduler tick failed", { error: String(err) }) }, tick);
  void tick().catch((err) => deps.log("error", "scheduler tick failed", { error: String(err) }));
  return {
    tick,
    stop: async () => {
      job.stop();
      // Wait for a running tick to finish so its writes are not cut off.
      while (job.isBusy()) await Bun.sleep(20);
    },
  };
}
