// How long a sending-policy change and a bulk decision on held deliveries take at scale:
// `bun bench/held.ts [count]` (default 100,000) on a throwaway file database.
import { sql } from "drizzle-orm";
import { replanForSendingPolicy } from "../src/db/delivery-replan.ts";
import { cancelHeld, releaseHeld } from "../src/db/held-deliveries.ts";
import { getSettings } from "../src/db/settings.ts";
import { benchDatabase } from "./support/measure.ts";
import { report } from "./support/report.ts";

const N = Number(process.argv[2] ?? 100_000);
const db = await benchDatabase();
const now = new Date("2026-09-01T12:00:00Z");
await db.run(
  sql`insert into messages (name, channels, filters, status) values ('Newsletter', '["email"]', '{}', 'sending')`,
);

/** N deliveries of the one message, all `status`, due as `due` says. */
async function fill(status: "queued" | "held", due: (i: number) => number) {
  await db.run(sql`delete from deliveries`);
  const rows = JSON.stringify(Array.from({ length: N }, (_, i) => [`k${i}`, due(i)]));
  await db.run(sql`insert into deliveries (delivery_key, source_type, message_id, channel, to_address, status, waiting_reason, due_at, created_at, updated_at)
    select r.value ->> 0, 'message', 1, 'email', 'x@y.test', ${status}, ${status === "held" ? "held for review" : null}, r.value ->> 1, 0, 0 from json_each(${rows}) r`);
}

async function timed(figure: string, label: string, fn: () => Promise<number>) {
  const t0 = performance.now();
  const n = await fn();
  const ms = performance.now() - t0;
  console.log(`${label}: ${n.toLocaleString("en-US")} in ${Math.round(ms)} ms`);
  report(figure, ms, "ms");
}

const s = await getSettings(db);
await fill("queued", (i) => now.getTime() + Math.floor(i / 500) * 60_000);
await timed(
  "held_restagger_100k_ms",
  "batch size 500 → 100, staggered sends re-spread (one transaction)",
  async () =>
    (await db.transaction((tx) => replanForSendingPolicy(tx, s, { ...s, staggerBatchSize: 100 }, now))).restaggered,
);
const actor = { userId: null, name: "bench" };
await fill("held", () => now.getTime() - 3_600_000);
await timed(
  "held_release_100k_ms",
  "held deliveries released (pages of 5,000)",
  async () => (await releaseHeld(db, { messageId: 1 }, actor, now, { batchSize: 500, intervalSeconds: 60 })).length,
);
await fill("held", () => now.getTime() - 3_600_000);
await timed(
  "held_cancel_100k_ms",
  "held deliveries cancelled (pages of 5,000)",
  async () => (await cancelHeld(db, { messageId: 1 }, actor, now)).length,
);
