// Works around a leak in the embedded libSQL driver (libsql 0.5): a prepared statement is never
// freed once dropped, nor are the values last bound to it, and @libsql/client prepares a new
// statement for every query. A server that had sent 10,000 e-mails held ~500 MB it could not
// return. Reusing one statement per SQL text per connection stops the growth: the driver is
// synchronous, so a statement is bound, run and read to the end before anyone else uses it.
// Two limits, both harmless here: a statement dropped from the cache still leaks (so SQL texts
// should not vary with the data: long lists go in as one JSON parameter, see in-json.ts), and a
// cached `select *` keeps its column list across another process's schema change (our queries
// name their columns; migrations run before the server starts).
import Database from "libsql";

/** Distinct SQL texts kept per connection; past this, the least recently used one is dropped. */
const MAX_STATEMENTS = 1_000;

type Prepare = (this: object, sql: string) => unknown;
const cacheOf = new WeakMap<object, Map<string, unknown>>();
let installed = false;

/** Makes every libSQL connection in this process reuse its prepared statements. */
export function reusePreparedStatements(): void {
  if (installed) return;
  installed = true;
  const proto = (Database as unknown as { prototype: { prepare: Prepare } }).prototype;
  const prepare = proto.prepare;
  proto.prepare = function (sql: string) {
    let cache = cacheOf.get(this);
    if (!cache) cacheOf.set(this, (cache = new Map()));
    const cached = cache.get(sql);
    if (cached !== undefined) {
      // Most recently used last, so the first key is the one to drop.
      cache.delete(sql);
      cache.set(sql, cached);
      return cached;
    }
    const stmt = prepare.call(this, sql);
    cache.set(sql, stmt);
    if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    return stmt;
  };
}
