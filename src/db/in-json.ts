// `column in (…)` for lists of any length, the list bound as one JSON parameter. SQLite caps the
// number of placeholders, and a placeholder per item makes a new SQL text, so a new prepared
// statement, for every length (native memory the driver frees only after a collection, see
// local-connections.ts), so the paths that run over whole audiences or batches bind one value per
// query instead of hundreds, under one SQL text.
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

/** `column in (…values)`, with `values` as one JSON array parameter. */
export function inJson(column: SQLWrapper, values: readonly (string | number)[]): SQL {
  return sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}
