// A dispatcher in a process of its own, for the crash test: configured from the environment
// exactly like `pigeon serve`, so killing it with SIGKILL is a real crash.
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { createDispatcher } from "../../src/dispatch/dispatcher.ts";
import { providersFromConfig } from "../../src/dispatch/providers.ts";
import { jsonLogger } from "../../src/log.ts";
import { createDeps } from "../../src/deps.ts";

const config = loadConfig(process.env);
const db = await openDatabase(config.databaseUrl);
const clock = () => new Date();
const deps = createDeps({ db, config, clock, log: jsonLogger("warn") });
const dispatcher = createDispatcher(deps, providersFromConfig(config, db, clock), {
  owner: `worker-${process.pid}`,
  leaseMs: Number(process.env.LEASE_MS ?? 60_000),
  idleMs: 50,
});
dispatcher.start();
console.log("ready");
process.on("SIGTERM", async () => {
  await dispatcher.stop();
  process.exit(0);
});
