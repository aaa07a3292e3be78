// Is anything sending? The scheduler (in `pigeon serve`, or in `pigeon worker` processes beside
// a web-only server) ticks every 2 seconds; when it has not ticked for 5 minutes, nothing armed,
// due or automated goes out. /healthz and the staff pages say so in the same words.

export const STALE_AFTER_MS = 5 * 60_000;

export type SchedulerHealth = { ok: true } | { ok: false; reason: string; lastTickAt: Date | null };

/**
 * `inProcess`: this process runs the scheduler itself (its first tick runs at start, so no tick
 * yet means just started). Otherwise the ticks are workers', read from the database, and none
 * at all means no worker has run on this database.
 */
export function schedulerHealth(inProcess: boolean, lastTick: Date | null, now: Date): SchedulerHealth {
  if (lastTick === null) {
    return inProcess
      ? { ok: true }
      : { ok: false, reason: "no worker has run on this database yet: start `pigeon worker`", lastTickAt: null };
  }
  const idleMs = now.getTime() - lastTick.getTime();
  if (idleMs <= STALE_AFTER_MS) return { ok: true };
  const minutes = Math.floor(idleMs / 60_000);
  const reason = inProcess
    ? `the scheduler has not run for ${minutes} minutes`
    : `no worker has run for ${minutes} minutes: start \`pigeon worker\``;
  return { ok: false, reason, lastTickAt: lastTick };
}
