// Does a long-running server keep its memory? (run: `bun bench/memory.ts [rounds] [per round]`)
// Enqueues and dispatches rounds of e-mails through the dev outbox on a file database, and prints
// the resident set after each round (after a full GC). A flat line is the goal: growth per round
// is memory the process will never give back. Before statement reuse (src/db/local-connections.ts)
// each round of 10,000 grew it by ~530 MB.
import { loadConfig } from "../src/config.ts";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { databaseDevOutboxStore } from "../src/db/dev-outbox-store.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { devOutbox } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { createDeps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";
import { createDevProviders } from "../src/providers/dev-outbox.ts";
import { benchDatabase } from "./support/measure.ts";

const ROUNDS = Number(process.argv[2] ?? 5);
const PER_ROUND = Number(process.argv[3] ?? 10_000);
const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

const db = await benchDatabase();
await updateSettings(
  db,
  { name: "Bench Studio", emailRatePerSecond: 100_000, sendWindowStart: "00:00", sendWindowEnd: "24:00" },
  new Date(),
);
const deps = createDeps({
  db,
  config: loadConfig({ PUBLIC_URL: "http://localhost" }),
  clock: () => new Date(),
  log: silentLogger,
});
const dispatcher = createDispatcher(deps, createDevProviders(databaseDevOutboxStore(db), { clock: deps.clock }), {
  owner: "bench",
});
const rows = [];
let previous = mb();
for (let round = 1; round <= ROUNDS; round++) {
  const entries = Array.from({ length: PER_ROUND }, (_, i) => ({
    key: deliveryKey({ kind: "test", id: `round${round}` }, { customerId: i + 1 }, "email"),
    decision: { customerId: 0, channel: "email" as const, to: `c${i}@bench.test`, skip: null },
    dueAt: new Date(0),
    subject: 'Your photos, {{customer.first_name | "friend"}}',
    body: "Hello, your photos from **the shoot** are ready. Order before Friday for free shipping.",
  }));
  await enqueueDeliveries(db, { sourceType: "test" }, entries, new Date());
  for (;;) {
    const r = await dispatcher.tick();
    if (r.sent + r.retried + r.failed + r.skipped === 0) break;
  }
  await db.delete(devOutbox); // the dev outbox is the "provider" here, not what is measured
  Bun.gc(true);
  const now = mb();
  rows.push({ round, "e-mails sent": round * PER_ROUND, "RSS MB": now, "growth MB": now - previous });
  previous = now;
}
console.log(
  `\nbun bench/memory.ts ${ROUNDS} ${PER_ROUND}: RSS after each round of ${PER_ROUND.toLocaleString("en")} e-mails (dev outbox, file database)\n`,
);
console.table(rows);
db.$client.close();
