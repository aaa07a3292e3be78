// What every benchmark here measures with: a median, a 95th percentile, a timed median after a warm-up, and a
// throwaway database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, migrateDatabase, openDatabase } from "../../src/db/client.ts";

/** The median; the mean of the middle two for an even count. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The 95th percentile by nearest rank: the smallest value at least 95 % of them are at or below. */
export function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
}

/** Milliseconds `fn` takes: one warm-up call, then the median of `runs` calls. */
export async function timeMedian(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/**
 * A migrated database in a fresh temporary folder, removed when the process exits (also after
 * `process.exit` or an error), so no benchmark leaves a million-row file behind.
 */
export async function benchDatabase(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), "pigeon-bench-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const db = await openDatabase(`file:${join(dir, "bench.db")}`);
  await migrateDatabase(db);
  return db;
}
