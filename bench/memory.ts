// Does a long-running worker keep its memory? (run: `bun bench/memory.ts [first] [further]`)
// Sends `first` e-mails (default 100,000) through the real dispatch path — claims, leases, the
// recorded batch request, the real Resend SDK — to the fake Resend in a child process (it keeps
// every request, which must not count as Pigeon's), 10,000 queued at a time as a one-time message
// would be; then `further` more (default as many). Reports the peak resident set over the first
// part (`rss_mb`, the kernel's high-water mark, startup included) and how much the resident set,
// measured after a full garbage collection, grew over the further part (`rss_growth_mb`): memory
// a server would never give back.
import { heapStats } from "bun:jsc";
import { sql } from "drizzle-orm";
import { loadConfig } from "../src/config.ts";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { providersFromConfig } from "../src/dispatch/providers.ts";
import { createDeps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";
import { startFakeProviders } from "./support/fake-providers.ts";
import { benchDatabase } from "./support/measure.ts";
import { report } from "./support/report.ts";

const FIRST = Number(process.argv[2] ?? 100_000);
const FURTHER = Number(process.argv[3] ?? FIRST);
const ROUND = 10_000;

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const rssMb = () => mb(process.memoryUsage().rss);
/** The kernel's high-water mark of this process's resident set. */
const peakRssMb = () => mb(process.resourceUsage().maxRSS * 1024);
/**
 * The resident set once garbage is collected and the freed pages are handed back. The driver's
 * native objects are freed by their finalizers, which run on a later turn of the event loop than
 * the collection that found them; the allocators return free pages to the system after a delay
 * (~0.5 s: measured before at 162 MB, half a second later at 134 MB).
 */
async function settledRssMb() {
  for (let i = 0; i < 3; i++) {
    Bun.gc(true);
    await Bun.sleep(10);
  }
  await Bun.sleep(1500);
  return rssMb();
}
const heapMb = () => mb(heapStats().heapSize);

// The fakes, in their own process; what they received is tallied (and let go) after each round.
const fakes = await startFakeProviders();
process.on("exit", () => fakes.stop());
const { url, apiKey } = fakes.resend;
let accepted = 0;

const db = await benchDatabase();
const now = new Date();
await updateSettings(
  db,
  { name: "Bench Studio", emailRatePerSecond: 100_000, sendWindowStart: "00:00", sendWindowEnd: "24:00" },
  now,
);
await db.run(sql`insert into customers (first_name, last_name, email, consent_email, created_at, updated_at)
  select 'First' || value, 'Last' || value, 'c' || value || '@bench.test', 1, ${now.getTime()}, ${now.getTime()}
  from generate_series(1, ${ROUND})`);
const config = loadConfig({
  PUBLIC_URL: "https://pigeon.test",
  RESEND_API_KEY: apiKey,
  RESEND_BASE_URL: url,
  EMAIL_FROM: "Bench <bench@bench.test>",
});
const deps = createDeps({ db, config, clock: () => new Date(), log: silentLogger });
const dispatcher = createDispatcher(deps, providersFromConfig(config, db, deps.clock), { owner: "bench" });

let round = 0;
const rows: Record<string, number | string>[] = [];
/** Queues and sends `n` e-mails, 10,000 at a time, printing the resident set after each 10,000. */
async function send(n: number) {
  for (let done = 0; done < n; done += ROUND) {
    round++;
    const size = Math.min(ROUND, n - done);
    const started = performance.now();
    await enqueueDeliveries(
      db,
      { sourceType: "test" },
      Array.from({ length: size }, (_, i) => ({
        key: deliveryKey({ kind: "test", id: `round${round}` }, { customerId: i + 1 }, "email"),
        decision: { customerId: i + 1, channel: "email" as const, to: `c${i + 1}@bench.test`, skip: null },
        dueAt: new Date(0),
        subject: 'Your photos, {{customer.first_name | "friend"}}',
        body: "Hello {{customer.first_name}}, your photos from **the shoot** are ready. Order before Friday for free shipping.",
      })),
      new Date(),
    );
    let sent = 0;
    for (;;) {
      const r = await dispatcher.tick();
      sent += r.sent;
      if (r.sent + r.retried + r.failed + r.skipped + r.held === 0) break;
    }
    if (sent !== size) throw new Error(`round ${round}: ${sent} of ${size} e-mails sent`);
    accepted += (await fakes.tally()).emails;
    const seconds = (performance.now() - started) / 1000;
    rows.push({
      "e-mails sent": (round - 1) * ROUND + size,
      "RSS MB": rssMb(),
      "peak MB": peakRssMb(),
      "per s": Math.round(size / seconds),
    });
  }
}

const started = performance.now();
await send(FIRST);
const peak = peakRssMb();
const settledAfterFirst = await settledRssMb();
const heapAfterFirst = heapMb();
await send(FURTHER);
const settledAfterFurther = await settledRssMb();
const cpu = process.cpuUsage();
if (accepted !== FIRST + FURTHER) throw new Error(`the fake accepted ${accepted} e-mails, not ${FIRST + FURTHER}`);

console.error(
  `\nbun bench/memory.ts ${FIRST} ${FURTHER}: e-mails through the real Resend SDK to the fake Resend in a child process, file database, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
);
console.error(Bun.inspect.table(rows));
console.error(
  `peak RSS over the first ${FIRST.toLocaleString("en")}: ${peak} MB; after a full GC: ${settledAfterFirst} MB after them (JS heap ${heapAfterFirst} MB), ` +
    `${settledAfterFurther} MB after ${FURTHER.toLocaleString("en")} more (JS heap ${heapMb()} MB; peak ${peakRssMb()} MB); ` +
    `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s in this process`,
);
report("rss_mb", peak, "MB", 150);
report("rss_growth_mb", settledAfterFurther - settledAfterFirst, "MB", 10);
fakes.stop();
db.$client.close();
process.exit(0);
