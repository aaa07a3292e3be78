// Reading a database as plain rows, for the tests that look beneath the app: migrations,
// schema guards, upgrades.
import type { Database } from "../../src/db/client.ts";

/** The rows a query answers, as plain objects. */
export async function rows(
  db: Database,
  sql: string,
  args: (string | number | null)[] = [],
): Promise<Record<string, unknown>[]> {
  return (await db.$client.execute({ sql, args })).rows.map((r) => ({ ...r }));
}

/** Everything in the schema: tables, indexes, triggers and views, with their SQL. */
export const schemaOf = (db: Database) =>
  rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
