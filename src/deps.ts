// What every part of Pigeon is handed instead of importing singletons (STYLE §2).
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { Logger } from "./log.ts";

export type Clock = () => Date;

export type Deps = {
  db: Db;
  config: Config;
  clock: Clock;
  log: Logger;
  /** Health of the background loops, read by /healthz (SPEC X2). */
  health: { schedulerLastTickAt: Date | null };
};
