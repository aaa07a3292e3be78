// Applying the committed migrations, in place of drizzle's migrate(). drizzle reads which
// migrations are applied before it opens its transaction, so two processes starting together
// after an upgrade (the web process and its workers) both decide to apply the same one, and the
// second applies it again once the first has committed; and a lock held by another process makes
// @libsql/client's migration batch read a connection it has closed, which aborts Bun. Here the
// applied list is read inside a write transaction (BEGIN IMMEDIATE), which waits in the driver
// for any other writer first: whoever comes second finds nothing left to do. This works across
// containers sharing the file, where no lock file or pid would. The record is drizzle's own
// (__drizzle_migrations: hash, created_at), so drizzle-kit and earlier Pigeons read it as theirs.
import type { Client } from "@libsql/client";
import type { MigrationMeta } from "drizzle-orm/migrator";

const DRIZZLE_MIGRATIONS_TABLE = `
		CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (
			id SERIAL PRIMARY KEY,
			hash text NOT NULL,
			created_at numeric
		)
	`;

/**
 * Applies the `migrations` (drizzle's reading of the migrations folder) the database lacks, all in one transaction,
 * waiting up to `waitMs` for another process's write. Returns how many it applied.
 */
export async function applyMigrations(client: Client, migrations: MigrationMeta[], waitMs: number): Promise<number> {
  // Both settings belong to the connection, outside any transaction: foreign keys off so that
  // rebuilding a table (create, copy, drop, rename) runs no ON DELETE action, and a busy timeout so
  // that BEGIN IMMEDIATE waits its turn. A remote database may refuse them; it has its own rules.
  await client.execute(`PRAGMA busy_timeout = ${Math.round(waitMs)}`).catch(() => undefined);
  await client.execute("PRAGMA foreign_keys = OFF").catch(() => undefined);
  try {
    const tx = await client.transaction("write");
    try {
      // Word for word as drizzle writes it, so every install's schema reads the same.
      await tx.execute(DRIZZLE_MIGRATIONS_TABLE);
      const last = (await tx.execute("SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1"))
        .rows[0];
      // As drizzle decides: every migration newer than the newest one recorded.
      const pending = migrations.filter((m) => !last || Number(last.created_at) < m.folderMillis);
      for (const m of pending) {
        for (const statement of m.sql) if (statement.trim()) await tx.execute(statement);
        await tx.execute({
          sql: "INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)",
          args: [m.hash, m.folderMillis],
        });
      }
      await tx.commit();
      return pending.length;
    } finally {
      tx.close();
    }
  } finally {
    await client.execute("PRAGMA foreign_keys = ON").catch(() => undefined);
    // Back to failing at once: the running server waits for locks asynchronously (wait-for-lock.ts).
    await client.execute("PRAGMA busy_timeout = 0").catch(() => undefined);
  }
}
