// Does the embedded libSQL driver keep memory? The driver alone, no Pigeon:
// `bun bench/support/libsql-memory-repro.ts <case> [executions] [turn]`, case one of the names in
// CASES; `turn` lets the event loop run after each forced collection (the default) or not ("no").
// Prints the resident set after every quarter of the executions, each after a full collection.
// Another driver version can be tried from a scratch folder: LIBSQL=/tmp/x/node_modules/libsql.
//
// libsql 0.5.29 under Bun 1.4.5 (and Node 20), KB kept per execution with / without event-loop
// turns: a reused statement run with bound values 0.09 / 0.09, read with get() 0.1 / 0.06, read
// with all() (1 or 100 rows, 1 or 10 values) 0.1–0.3 / 0.8–0.9, a statement prepared per
// execution (same or distinct text) 0.6–0.7 then flat / ~3.0 growing. The driver frees its
// statements and result cursors in finalizers that run on a turn of the event loop after the
// collection that found them: freed, but only once both happen. libsql 0.6.0-pre.41 frees too,
// but holds far more until then: ~60 KB per all() of 100 rows (5,000 of them between two turns
// grew the process by ~300 MB; 0.5.29: ~1 MB).
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

type Statement = {
  run: (args: unknown[]) => unknown;
  get: (args: unknown[]) => unknown;
  all: (args: unknown[]) => unknown[];
  raw: (on: boolean) => Statement;
  columns: () => unknown[];
  safeIntegers: (on: boolean) => Statement;
};
type Connection = { exec: (sql: string) => void; prepare: (sql: string) => Statement; close: () => void };

const require = createRequire(import.meta.url);
const Database = require(process.env.LIBSQL ?? "libsql") as new (path: string) => Connection;
const dir = mkdtempSync(join(tmpdir(), "libsql-repro-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const db = new Database(join(dir, "repro.db"));
db.exec("PRAGMA journal_mode = WAL");
db.exec("create table t (id integer primary key, a text, b integer)");
db.exec("insert into t (a, b) select 'row' || value, value from generate_series(1, 1000)");

const update = db.prepare("update t set b = b + 1 where id = ?");
const byId = db.prepare("select a from t where id = ?");
const ten = db.prepare("select id from t where id in (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
const first100 = db.prepare("select id, a, b from t where id <= ?");
const id = (i: number) => (i % 1000) + 1;

const CASES: Record<string, (i: number) => unknown> = {
  /** A reused statement, two bound values, no rows. */
  run: (i) => update.run([id(i)]),
  /** A reused statement, one row read with get(). */
  get: (i) => byId.get([id(i)]),
  /** A reused statement, one row read with all() (a result cursor object per execution). */
  all: (i) => byId.raw(true).all([id(i)]),
  /** Ten bound values, ten rows. */
  all10: (i) => ten.raw(true).all([1, 2, 3, 4, 5, 6, 7, 8, 9, id(i)]),
  /** One bound value, a hundred rows. */
  all100: () => first100.raw(true).all([100]),
  /** What @libsql/client does for every query that returns rows, on a reused statement. */
  client: (i) => {
    byId.safeIntegers(true).raw(true);
    byId.columns();
    byId.columns();
    return byId.all([id(i)]);
  },
  /** The same SQL text prepared anew every time. */
  prepare: () => db.prepare("select a from t where id = 1").get([]),
  /** A distinct SQL text every time. */
  distinct: (i) => db.prepare(`select a from t where id = ${id(i)} and ${i} = ${i}`).get([]),
};

const name = process.argv[2] ?? "";
const step = CASES[name];
if (!step) throw new Error(`case: one of ${Object.keys(CASES).join(", ")}`);
const executions = Number(process.argv[3] ?? 40_000);
const turn = process.argv[4] !== "no";
const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
async function collect() {
  for (let i = 0; i < 2; i++) {
    Bun.gc(true);
    if (turn) await Bun.sleep(10);
  }
}

for (let i = 0; i < 2000; i++) step(i);
await collect();
const before = rssMb();
const marks: number[] = [];
for (let i = 0; i < executions; i++) {
  step(i);
  if ((i + 1) % Math.floor(executions / 4) === 0) {
    await collect();
    marks.push(rssMb());
  }
}
const kept = ((marks.at(-1)! - before) * 1024) / executions;
console.log(
  `${name}: ${executions.toLocaleString("en")} executions, event loop ${turn ? "turning" : "not turning"}: RSS ${before} -> ${marks.join(" -> ")} MB, ${kept.toFixed(2)} KB per execution`,
);
db.close();
