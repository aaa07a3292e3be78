// Opening and migrating the database. The only place that knows how the driver is set up.
import { type Client, createClient, type ResultSet } from "@libsql/client";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { drizzle } from "drizzle-orm/libsql";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { jsonLogger } from "../log.ts";
import { resourcePath } from "../resources.ts";
import { secureDatabaseFiles, type Warn } from "./file-modes.ts";
import { applyMigrations } from "./migrate.ts";
import { setUpLocalConnections } from "./local-connections.ts";
import { retrying, waitingForLocks } from "./wait-for-lock.ts";
import * as schema from "./schema.ts";

/**
 * What a named query runs on: the database, or a transaction on it (drizzle's common base), so a
 * query called inside a caller's transaction needs no cast.
 */
export type Db = BaseSQLiteDatabase<"async", ResultSet, typeof schema>;
/** The open database itself: only it can be closed, copied (backup) or migrated. */
export type Database = ReturnType<typeof drizzle<typeof schema>> & { $client: Client };
/** A transaction: what `db.transaction` hands its callback; the queries that run inside one take it. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Opens the database; for a `file:` URL the folder and file are created first, private to this
 * account (libSQL would not create the folder, and would make the file readable by everyone).
 * A local database gets one connection: the driver is synchronous, so more connections buy no
 * parallelism. While a transaction holds it, other calls wait their turn (see wait-for-lock.ts);
 * a connection another process's lock broke is replaced (see local-connections.ts).
 */
export async function openDatabase(url: string, authToken?: string, opts: { warn?: Warn } = {}): Promise<Database> {
  const local = url.startsWith("file:") || url === ":memory:";
  if (local) setUpLocalConnections();
  if (url.startsWith("file:") && !url.startsWith("file::memory:")) {
    const log = jsonLogger("warn");
    secureDatabaseFiles(url.slice("file:".length), opts.warn ?? ((msg, fields) => log("warn", msg, fields)));
  }
  const client = waitingForLocks(createClient({ url, authToken, ...(local && { concurrency: 1 }) }));
  if (local) {
    // WAL lets readers in other processes go on while one process writes.
    await client.execute("PRAGMA journal_mode = WAL").catch(() => undefined);
    // The per-connection settings (foreign keys, recursive triggers) are in local-connections.ts:
    // every connection the client opens, now or after dropping a broken one, sets them itself.
  }
  const db = drizzle(client, { schema, casing: "snake_case" }) as Database;
  // Another process's write can still make a COMMIT fail as busy; the transaction is rolled
  // back then, so it is run again from the start (transactions here only touch the database).
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn, config) => retrying(() => transaction(fn, config))) as Database["transaction"];
  return db;
}

/**
 * How long an upgrade waits for another process's write: long enough for another process's whole
 * migration (a big install rebuilds tables for minutes; bench/schema-upgrade.ts).
 */
const MIGRATION_WAITS_MS = 10 * 60_000;

/** A database with migrations this Pigeon does not carry: a newer Pigeon wrote it. */
export class NewerDatabaseError extends Error {}

/** An upgrade the database refused; its transaction was rolled back, so nothing changed. */
export class MigrationFailedError extends Error {}

const waited = (ms: number) =>
  ms < 120_000 ? `${Math.round(ms / 1000)} seconds` : `${Math.round(ms / 60_000)} minutes`;

/** Why an upgrade failed, in a line an operator can act on. */
function migrationFailure(err: unknown, waitedMs: number): string {
  const message = String((err as { message?: unknown })?.message ?? err).split("\n")[0]!;
  if (/SQLITE_BUSY|database is locked/i.test(message))
    return `another process kept the database locked for ${waited(waitedMs)}; stop whatever is writing to it (an older Pigeon still running?) and start again`;
  const check = /CHECK constraint failed: (\w+)/.exec(message);
  if (check)
    return `a stored row holds a value this version does not allow (CHECK constraint failed: ${check[1]}). Fix that row, or ask for help with this line`;
  return message.replace(/^(SQLITE_\w+: )+/, "");
}

/**
 * Applies the committed drizzle-kit migrations (migrate.ts); a no-op when they are all applied.
 * Refuses a database a newer Pigeon migrated: nothing would be applied and this code would run on
 * a schema it does not know. Waits up to `waitMs` (default 10 minutes) for another process's
 * write, such as another process's migration.
 */
export async function migrateDatabase(db: Database, opts: { waitMs?: number } = {}): Promise<void> {
  const migrationsFolder = resourcePath("migrations");
  const migrations = readMigrationFiles({ migrationsFolder });
  const known = new Set(migrations.map((m) => m.folderMillis));
  const applied = await appliedMigrations(db.$client);
  const unknown = applied.filter((at) => !known.has(at));
  if (unknown.length) {
    throw new NewerDatabaseError(
      `the database was written by a newer version of Pigeon (${unknown.length} migration${unknown.length === 1 ? "" : "s"} this version does not know); run that version or a newer one`,
    );
  }
  // Up to date (every start but the first after an upgrade): no write transaction, so starting a
  // command never waits on another process's write.
  const newest = applied.at(-1);
  if (newest !== undefined && migrations.every((m) => m.folderMillis <= newest)) return;
  const started = Date.now();
  try {
    await applyMigrations(db.$client, migrations, opts.waitMs ?? MIGRATION_WAITS_MS);
  } catch (err) {
    throw new MigrationFailedError(
      `upgrading the database failed, and nothing was changed: ${migrationFailure(err, Date.now() - started)}`,
      { cause: err },
    );
  }
}

/** The migrations recorded in a database, by their journal time (drizzle's `created_at`). */
export async function appliedMigrations(client: Client): Promise<number[]> {
  const table = await client.execute(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'",
  );
  if (!table.rows.length) return [];
  const rows = await client.execute("SELECT created_at FROM __drizzle_migrations ORDER BY created_at");
  return rows.rows.map((r) => Number(r.created_at));
}
