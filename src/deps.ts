// What every part of Pigeon is handed instead of importing singletons (STYLE §2), and the one
// place that assembles it: the providers each channel sends through and this process's one
// dispatcher, so a test send from a web page goes through the same rate limit and leases as
// the background loop instead of a private copy of them.
import { hostname } from "node:os";
import type { Config } from "./config.ts";
import { randomToken } from "./core/crypto.ts";
import type { Database } from "./db/client.ts";
import { createDispatcher, type Dispatcher, type DispatcherOptions } from "./dispatch/dispatcher.ts";
import { providersFromConfig } from "./dispatch/providers.ts";
import type { Providers } from "./dispatch/send-deps.ts";
import type { Logger } from "./log.ts";

export type Clock = () => Date;

export type Deps = {
  db: Database;
  config: Config;
  clock: Clock;
  log: Logger;
  /** Health of the background loops, read by /healthz (SPEC X2). */
  health: {
    schedulerLastTickAt: Date | null;
    /** The dashboard's live "Today" (routes/dashboard.ts): its ticks, and how many of them re-read the recent sends' numbers. */
    todayLive: { ticks: number; recentSendsRead: number };
  };
  /** Resend/Twilio when configured, else the dev outbox (SPEC D1). */
  providers: Providers;
  /** This process's dispatcher: `start()` runs the loop (serve, worker); `sendNow` sends one delivery. */
  dispatcher: Dispatcher;
};

export type DepsInput = Pick<Deps, "db" | "config" | "clock" | "log"> & {
  /** Defaults to providersFromConfig: tests pass the dev outbox with their own line types. */
  providers?: Providers;
  /** How long one provider request may take; the dispatcher counts on it (default: the configuration's). */
  providerTimeoutMs?: number;
  dispatcher?: Partial<Omit<DispatcherOptions, "owner">> & { owner?: string };
};

/** Assembles Deps: providers from the configuration unless given, and one dispatcher over them. */
export function createDeps(input: DepsInput): Deps {
  const timeoutMs = input.providerTimeoutMs ?? input.config.providerTimeoutMs;
  const deps = {
    db: input.db,
    config: input.config,
    clock: input.clock,
    log: input.log,
    health: { schedulerLastTickAt: null, todayLive: { ticks: 0, recentSendsRead: 0 } },
    providers: input.providers ?? providersFromConfig(input.config, input.db, input.clock, { timeoutMs }),
  } as Omit<Deps, "dispatcher"> as Deps;
  // The dispatcher's name in leases: unique per process, readable in the outbox.
  const owner = input.dispatcher?.owner ?? `${hostname()}:${process.pid}:${randomToken(4)}`;
  deps.dispatcher = createDispatcher(deps, deps.providers, {
    providerTimeoutMs: timeoutMs,
    leaseMs: input.config.leaseMs,
    ...input.dispatcher,
    owner,
  });
  return deps;
}
