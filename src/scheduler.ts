// The in-process background loop (croner): every two seconds it runs the automation (so an
// "immediately" notification goes out within seconds of its event), starts armed one-time
// messages whose time has come, keeps house, and reports liveness to /healthz — in this process,
// and in the database for a web-only process beside workers. The dispatcher sends what the
// automation queued.
import { Cron } from "croner";
import { lt } from "drizzle-orm";
import { runOneTimeMessages } from "./automation/one-time.ts";
import { runAutomation } from "./automation/run.ts";
import type { Deps } from "./deps.ts";
import { deleteOldAttempts } from "./db/auth.ts";
import { takeBackUnfinishedImports } from "./db/customer-import.ts";
import { recordSchedulerTick } from "./db/liveness.ts";
import { sessions } from "./db/schema.ts";

export type Scheduler = { stop: () => Promise<void>; tick: () => Promise<void> };

/** Runs `tick` every 2 seconds; one tick at a time, errors logged, never fatal. */
export function startScheduler(deps: Deps): Scheduler {
  const tick = async () => {
    const now = deps.clock();
    // An import a dead process left half-way is taken back before any message reads its customers.
    const takenBack = await takeBackUnfinishedImports(deps.db);
    if (takenBack) deps.log("warn", "took back CSV imports a stop cut off", { imports: takenBack });
    const done = await runAutomation(deps, now);
    if (done.fired || done.missed || done.failed) deps.log(done.failed ? "warn" : "info", "automation", { ...done });
    await runOneTimeMessages(deps, now);
    await deps.db.delete(sessions).where(lt(sessions.expiresAt, now));
    await deleteOldAttempts(deps.db, now);
    deps.health.schedulerLastTickAt = now;
    await recordSchedulerTick(deps.db, now);
  };
  const job = new Cron(
    "*/2 * * * * *",
    {
      name: "pigeon-tick",
      protect: true,
      catch: (err) => deps.log("error", "scheduler tick failed", { error: String(err) }),
    },
    tick,
  );
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
