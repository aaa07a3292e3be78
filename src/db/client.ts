// Opening and migrating the database. The only place that knows how the driver is set up.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { resourcePath } from "../resources.ts";
import * as schema from "./schema.ts";

export type Db = ReturnType<typeof drizzle<typeof schema>> & { $client: Client };

/** Opens the database; for a `file:` URL the folder is created first (libSQL will not). */
export async function openDatabase(url: string, authToken?: string): Promise<Db> {
  if (url.startsWith("file:") && !url.startsWith("file::memory:")) {
    mkdirSync(dirname(url.slice("file:".length)), { recursive: true });
  }
  const client = createClient({ url, authToken });
  if (url.startsWith("file:") || url === ":memory:") {
    // WAL lets the web pages read while the dispatcher writes; the busy timeout makes a
    // second process wait for the write lock instead of failing at once.
    await client.execute("PRAGMA journal_mode = WAL").catch(() => undefined);
    await client.execute("PRAGMA busy_timeout = 5000");
    await client.execute("PRAGMA foreign_keys = ON");
  }
  return drizzle(client, { schema, casing: "snake_case" }) as Db;
}

/** Applies the committed drizzle-kit migrations; a no-op when they are all applied. */
export async function migrateDatabase(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder: resourcePath("migrations") });
}

