// A dispatcher in a process of its own, for the crash test: configured from the environment
// exactly like `pigeon serve`, so killing it with SIGKILL is a real crash. LEASE_MS and
// PROVIDER_TIMEOUT_MS shorten the lease and the provider timeout so a test need not wait minutes.
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { createDeps } from "../../src/deps.ts";
import { jsonLogger } from "../../src/log.ts";

const config = loadConfig(process.env);
const db = await openDatabase(config.databaseUrl);
const deps = createDeps({
  db,
  config,
  clock: () => new Date(),
  log: jsonLogger("warn"),
  providerTimeoutMs: process.env.PROVIDER_TIMEOUT_MS ? Number(process.env.PROVIDER_TIMEOUT_MS) : undefined,
  dispatcher: { owner: `worker-${process.pid}`, leaseMs: Number(process.env.LEASE_MS ?? 60_000), idleMs: 50 },
});
deps.dispatcher.start();
console.log("ready");
process.on("SIGTERM", async () => {
  await deps.dispatcher.stop();
  process.exit(0);
});
