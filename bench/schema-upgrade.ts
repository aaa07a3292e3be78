// How long upgrading to the self-guarding schema takes (0014 rebuilds every table with an enum
// column, deliveries included; 0015 clears forgotten addresses): `bun bench/schema-upgrade.ts
// [deliveries]` (default 200,000) builds a database at 0013 in a throwaway folder, fills it, and
// times the rest of the migrations three times, each on a fresh copy. Prints the median.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "drizzle-orm/libsql/migrator";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import { median } from "./support/measure.ts";
import { report } from "./support/report.ts";
import { migrationsOfRelease, migrationsUpTo } from "../test/support/releases.ts";

const DELIVERIES = Number(process.argv[2] ?? 200_000);
const CUSTOMERS = Math.max(1, Math.round(DELIVERIES / 10));
const BEFORE = "0013_import_journal";

const dir = mkdtempSync(join(tmpdir(), "pigeon-bench-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const older = migrationsOfRelease(migrationsUpTo(BEFORE));

const seeded = join(dir, "seeded.db");
const db = await openDatabase(`file:${seeded}`);
await migrate(db, { migrationsFolder: older });
const run = (sql: string) => db.$client.execute(sql);
await run(
  `INSERT INTO customers (first_name, last_name, email, phone, consent_email, consent_sms) SELECT 'F' || value, 'L' || value, 'c' || value || '@x.test', '+1555' || printf('%07d', value), 1, 1 FROM generate_series(1, ${CUSTOMERS})`,
);
await run("INSERT INTO jobs (name, type, year, status) VALUES ('Lincoln', 'school', 2026, 'selling')");
await run("INSERT INTO messages (name, channels, filters, status) VALUES ('Reminder', '[\"email\"]', '{}', 'sent')");
await run(
  `INSERT INTO deliveries (delivery_key, source_type, message_id, job_id, customer_id, channel, to_address, status, subject, body, due_at, sent_at) SELECT 'm:1|c:' || value, 'message', 1, 1, 1 + value % ${CUSTOMERS}, 'email', 'c@x.test', 'sent', 'Your photos are online', 'A body of a few hundred characters ' || printf('%.300c', 'x'), value, value FROM generate_series(1, ${DELIVERIES})`,
);
await run(
  `INSERT INTO delivery_events (delivery_id, type, occurred_at) SELECT value, 'delivered', value FROM generate_series(1, ${DELIVERIES})`,
);
await run("PRAGMA wal_checkpoint(TRUNCATE)");
db.$client.close();

const samples: number[] = [];
for (let i = 0; i < 3; i++) {
  const copy = join(dir, `run-${i}.db`);
  copyFileSync(seeded, copy);
  const upgraded = await openDatabase(`file:${copy}`);
  const t0 = performance.now();
  await migrateDatabase(upgraded);
  samples.push(performance.now() - t0);
  upgraded.$client.close();
}
report("schema_upgrade_200k_ms", median(samples), "ms");
const n = (x: number) => x.toLocaleString("en");
console.log(
  `upgrade from ${BEFORE} with ${n(DELIVERIES)} deliveries, ${n(DELIVERIES)} delivery events, ${n(CUSTOMERS)} customers: median ${(median(samples) / 1000).toFixed(1)} s of 3 (${samples.map((s) => (s / 1000).toFixed(1)).join(", ")} s)`,
);
