// The automation tick (SPEC P4–P8), every two seconds. It plans, then fires:
//   1. the events after its cursor (at most EVENTS_PER_TICK) become planned firings;
//   2. notifications and jobs changed since the last tick are re-planned over the look-back window;
//   3. job dates and appointments whose moment lies in [last tick − grace, now] are planned;
//   4. planned firings whose time has come (at most FIRINGS_PER_TICK) are fired, each on its own.
// So a tick's cost follows what is new and what is due, never the events kept; a step or a
// firing that fails is logged and the rest of the tick goes on.
import { getSettings } from "../db/settings.ts";
import { automationState, liveNotifications, saveAutomationState } from "../db/automation.ts";
import type { Deps } from "../deps.ts";
import { type FireResult, fireDue } from "./fire.ts";
import { type ChangesSeen, ingestEvents, type PlanContext, planDatesAndAppointments, replanChanges } from "./plan.ts";

export type AutomationResult = FireResult;

/** One tick of the automation at `now`. */
export async function runAutomation(deps: Deps, now: Date): Promise<AutomationResult> {
  const { db } = deps;
  const s = await getSettings(db);
  const graceMs = s.lateGraceHours * 3600_000;
  const state = await automationState(db);
  const lastTick = state.has("last_tick") ? new Date(Number(state.get("last_tick"))) : null;
  // Moments since the previous tick (minus the grace) are decided now: due ones go, older ones
  // are recorded as missed. After an outage that window is the outage.
  const since = new Date(Math.min(now.getTime(), lastTick?.getTime() ?? now.getTime()) - graceMs);
  const c: PlanContext = { deps, s, now, since, live: await liveNotifications(db) };

  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      deps.log("error", `automation: ${name} failed`, { error: String(err) });
      return undefined;
    }
  };
  await step("reading events", () => ingestEvents(c, state.get("event_cursor")));
  const changes = await step("re-planning changes", () =>
    replanChanges(c, state.has("changes") ? (JSON.parse(state.get("changes")!) as ChangesSeen) : null),
  );
  await step("planning dates and appointments", () => planDatesAndAppointments(c));
  const result = (await step("firing", () => fireDue({ deps, s, now, graceMs }))) ?? {
    fired: 0,
    missed: 0,
    queued: 0,
    failed: 0,
  };

  // Changes are not marked done when re-planning failed: the next tick looks at them again.
  await saveAutomationState(
    db,
    { last_tick: String(now.getTime()), ...(changes && { changes: JSON.stringify(changes) }) },
    now,
  );
  return result;
}
