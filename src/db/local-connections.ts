// How every embedded libSQL connection in this process behaves (libsql 0.5), patched in at the
// one place the driver lets us in: `Database.prototype.prepare`. @libsql/client opens these
// connections itself, and opens a new one whenever it drops a broken one, so anything a
// connection needs must happen here rather than once after `createClient`.
//
// 1. Settings per connection: foreign keys, and recursive triggers (a REPLACE that removes a
//    conflicting row fires its delete triggers only with this on; the search index and
//    customer_reach, migrations 0001 and 0007, must hear of that row going). Set when the
//    connection prepares its first statement, before anything runs on it.
// 2. Reused statements: @libsql/client prepares a new statement for every query, and the driver
//    frees a dropped one (~3 KB of native memory) only in a finalizer, which runs on a turn of the
//    event loop after a garbage collection found it; the collector does not know that memory is
//    there, so it piles up between collections (bench/support/libsql-memory-repro.ts). Sending
//    10,000 e-mails once held ~500 MB that way. Reusing one statement per SQL text per connection
//    avoids it: the driver is synchronous, so a statement is bound, run and read to the end before
//    anyone else uses it. Two limits, both harmless here: SQL texts should not vary with the data
//    (long lists go in as one JSON parameter, see in-json.ts), and a cached `select *` keeps its
//    column list across another process's schema change (our queries name their columns;
//    migrations run before the server starts).
// 3. What a reused statement says about itself is asked once: @libsql/client asks every query for
//    its columns twice and tries `raw()` to learn whether it returns rows (the driver throws when
//    it does not). Both answers are fixed for a prepared statement, and asking the driver was a
//    third of the time of a one-row read (building the column list twice) plus a new error for
//    every write. Same limit as above: they are the statement's answers as it was prepared.
// 4. A statement that another process's lock failed (SQLITE_BUSY) is left in progress by the
//    driver (tursodatabase/libsql-js#237), and until it runs again its connection keeps an old
//    snapshot, keeps whatever it writes next uncommitted, and blocks every other writer: workers
//    stuck for good and a WAL that grows without end. Such a connection is closed on the spot,
//    before anything else can run on it; @libsql/client drops a closed connection and opens a
//    fresh one for the next call, and the caller's retry (wait-for-lock.ts) runs there.
import Database from "libsql";

/** Distinct SQL texts kept per connection; past this, the least recently used one is dropped. */
const MAX_STATEMENTS = 1_000;
const CONNECTION_SETTINGS = ["PRAGMA foreign_keys = ON", "PRAGMA recursive_triggers = ON"];

type Statement = Record<"run" | "get" | "all" | "raw" | "columns", (...args: unknown[]) => unknown>;
type Connection = { prepare: (sql: string) => Statement; close: () => void; memory: boolean; open: boolean };
const cacheOf = new WeakMap<object, Map<string, Statement>>();
let installed = false;

const failedBusy = (err: unknown) => String((err as { code?: unknown })?.code ?? "").startsWith("SQLITE_BUSY");

/** Makes every libSQL connection in this process set itself up, reuse statements and drop itself when a lock breaks it. */
export function setUpLocalConnections(): void {
  if (installed) return;
  installed = true;
  // The driver's class is typed without its prototype, which is what is being extended here.
  // oxlint-disable-next-line pigeon/no-double-cast
  const proto = (Database as unknown as { prototype: Connection }).prototype;
  const prepare = proto.prepare;
  proto.prepare = function (this: Connection, sql: string) {
    let cache = cacheOf.get(this);
    if (!cache) {
      cacheOf.set(this, (cache = new Map()));
      for (const setting of CONNECTION_SETTINGS) prepare.call(this, setting).run();
    }
    const cached = cache.get(sql);
    if (cached !== undefined) {
      // Most recently used last, so the first key is the one to drop.
      cache.delete(sql);
      cache.set(sql, cached);
      return cached;
    }
    const stmt = closingOnBusy(this, answeringOnce(prepare.call(this, sql)));
    cache.set(sql, stmt);
    if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    return stmt;
  };
}

/** The statement, answering `raw()` on a statement without rows and `columns()` from its first answer (point 3). */
function answeringOnce(stmt: Statement): Statement {
  const raw = stmt.raw.bind(stmt);
  const columns = stmt.columns.bind(stmt);
  let rows: { returns: true } | { returns: false; error: unknown } | undefined;
  let columnList: unknown;
  stmt.raw = (...args: unknown[]) => {
    if (rows?.returns === false) throw rows.error;
    try {
      raw(...args);
      rows = { returns: true };
    } catch (error) {
      rows = { returns: false, error };
      throw error;
    }
    return stmt;
  };
  stmt.columns = () => (columnList ??= columns());
  return stmt;
}

function closingOnBusy(connection: Connection, stmt: Statement): Statement {
  // An in-memory database lives only in its connection, and has no other process to be busy with.
  if (connection.memory) return stmt;
  for (const name of ["run", "get", "all"] as const) {
    const call = stmt[name].bind(stmt);
    stmt[name] = (...args: unknown[]) => {
      try {
        return call(...args);
      } catch (err) {
        if (failedBusy(err) && connection.open) {
          cacheOf.delete(connection);
          connection.close();
        }
        throw err;
      }
    };
  }
  return stmt;
}
