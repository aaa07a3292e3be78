// Opening and migrating the database. The only place that knows how the driver is set up.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { resourcePath } from "../resources.ts";
import { reusePreparedStatements } from "./statement-cache.ts";
import { retrying, waitingForLocks } from "./wait-for-lock.ts";
import * as schema from "./schema.ts";

export type Db = ReturnType<typeof drizzle<typeof schema>> & { $client: Client };

/**
 * Opens the database; for a `file:` URL the folder is created first (libSQL will not).
 * A local database gets one connection: the driver is synchronous, so more connections buy no
 * parallelism, and with one the connection pragmas below hold for every statement. While a
 * transaction holds it, other calls wait their turn (see wait-for-lock.ts).
 */
export async function openDatabase(url: string, authToken?: string): Promise<Db> {
  const local = url.startsWith("file:") || url === ":memory:";
  if (local) reusePreparedStatements();
  if (url.startsWith("file:") && !url.startsWith("file::memory:")) {
    mkdirSync(dirname(url.slice("file:".length)), { recursive: true });
  }
  const client = waitingForLocks(createClient({ url, authToken, ...(local && { concurrency: 1 }) }));
  if (local) {
    // WAL lets readers in other processes go on while one process writes.
    await client.execute("PRAGMA journal_mode = WAL").catch(() => undefined);
    await client.execute("PRAGMA foreign_keys = ON");
    // A REPLACE that removes a conflicting row fires its delete triggers only with this on; the
    // search index and customer_reach (migrations 0001, 0007) must hear of that row going.
    await client.execute("PRAGMA recursive_triggers = ON");
  }
  const db = drizzle(client, { schema, casing: "snake_case" }) as Db;
  // Another process's write can still make a COMMIT fail as busy; the transaction is rolled
  // back then, so it is run again from the start (transactions here only touch the database).
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn, config) => retrying(() => transaction(fn, config))) as Db["transaction"];
  return db;
}

/** Applies the committed drizzle-kit migrations; a no-op when they are all applied. */
export async function migrateDatabase(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder: resourcePath("migrations") });
}

