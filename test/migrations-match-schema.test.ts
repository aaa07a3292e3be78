// The hand-edited migrations build what src/db/schema.ts declares. `bun run check:migrations`
// compares schema.ts only with drizzle-kit's snapshot JSON, and migrations.test.ts compares two
// databases built from the same SQL, so an edit to a migration's SQL (a CHECK dropped or widened,
// an index's WHERE changed) would pass both. Here drizzle-kit writes the whole schema from
// schema.ts into an empty temporary folder (never migrations/); that SQL builds one database, the
// app's migrateDatabase another, and every table drizzle declares must come out the same in both:
// columns, foreign keys, indexes and CHECKs. What drizzle does not know (customers_fts,
// customer_reach*, reach_addresses, triggers, views: schema-guards.test.ts names them) is left out.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drizzleKitGenerate } from "../scripts/drizzle-kit-generate.ts";
import { type Database, migrateDatabase, openDatabase } from "../src/db/client.ts";
import { checkClauses } from "./support/check-clauses.ts";
import { rows } from "./support/sql.ts";

/** The SQL drizzle-kit writes for schema.ts when no migration exists yet. */
function schemaSql(): string {
  const out = mkdtempSync(join(tmpdir(), "pigeon-schema-sql-"));
  try {
    const kit = drizzleKitGenerate(out, "schema");
    const files = readdirSync(out).filter((f) => f.endsWith(".sql"));
    // drizzle-kit exits 0 even when it fails, so the file it wrote is what tells.
    if (kit.exitCode !== 0 || files.length !== 1)
      throw new Error(`drizzle-kit generate failed (exit ${kit.exitCode}):\n${kit.output}`);
    return readFileSync(join(out, files[0]!), "utf8");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** One way to write SQL: no quotes, no `table.` before a column, single spaces, lower case outside strings. */
function normalized(sql: string, table: string): string {
  return sql
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => {
      if (i % 2) return part; // a string literal, kept as written
      return (
        part
          .replace(/["`[\]]/g, "")
          // A CHECK names its column with the table's name, or with the temporary name of a
          // rebuild (`__new_jobs`), or with none.
          .replace(new RegExp(`\\b(?:__new_)?${table}\\.`, "g"), "")
          .replace(/\s+/g, " ")
          .replace(/\s*([(,])\s*/g, "$1")
          .replace(/\s*\)/g, ")")
          .replace(/\bif not exists /gi, "")
          .toLowerCase()
          .trim()
      );
    })
    .join("");
}

/**
 * What a table is, as facts named so that a difference reads as a sentence. Columns are compared
 * by name, not position: a column a migration added comes last, wherever schema.ts lists it, and
 * drizzle names every column it reads and writes (the `SELECT *`s of 0007 read customer_reach,
 * which drizzle does not declare).
 */
async function factsOf(db: Database, table: string): Promise<Map<string, string>> {
  const facts = new Map<string, string>();
  for (const c of await rows(db, `SELECT * FROM pragma_table_xinfo(?)`, [table]))
    facts.set(
      `column ${c.name}`,
      `type ${c.type}, ${c.notnull ? "not null" : "nullable"}, default ${c.dflt_value === null ? "none" : normalized(String(c.dflt_value), table)}, pk ${c.pk}${c.hidden ? `, hidden ${c.hidden}` : ""}`,
    );
  const keys = await rows(db, `SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq`, [table]);
  for (const id of new Set(keys.map((k) => k.id))) {
    const parts = keys.filter((k) => k.id === id);
    facts.set(
      `foreign key (${parts.map((k) => k.from).join(", ")})`,
      `references ${parts[0]!.table}(${parts.map((k) => k.to ?? "its primary key").join(", ")}) on update ${parts[0]!.on_update} on delete ${parts[0]!.on_delete}`,
    );
  }
  for (const ix of await rows(db, `SELECT * FROM pragma_index_list(?)`, [table])) {
    const sql = (
      await rows(db, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, [String(ix.name)])
    )[0]?.sql;
    // An index a UNIQUE or PRIMARY KEY clause made has no SQL of its own (and a generated name).
    if (sql == null) {
      const cols = await rows(db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, [String(ix.name)]);
      facts.set(`${ix.origin === "pk" ? "primary key" : "unique"} (${cols.map((c) => c.name).join(", ")})`, "present");
    } else facts.set(`index ${ix.name}`, normalized(String(sql), table));
  }
  const create = (await rows(db, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, [table]))[0]!.sql;
  for (const { name, body } of checkClauses(String(create))) facts.set(`CHECK ${name}`, normalized(body, table));
  return facts;
}

/** Each fact the two databases disagree on, as `table: what — migrations: … | schema.ts: …`. */
function differences(table: string, migrations: Map<string, string>, schema: Map<string, string>): string[] {
  const out: string[] = [];
  for (const what of new Set([...schema.keys(), ...migrations.keys()])) {
    const m = migrations.get(what) ?? "(missing)";
    const s = schema.get(what) ?? "(missing)";
    if (m !== s) out.push(`${table}: ${what} — migrations: ${m} | schema.ts: ${s}`);
  }
  return out.sort();
}

/**
 * drizzle-kit 0.31 tears an index expression apart at its commas and quotes each piece as a column
 * (`coalesce("job_id"`,` 0)`; drizzle-orm issues #3350, #6062), which SQLite refuses: the pieces
 * are joined again and the expression left unquoted, as the migration that made it wrote it by hand.
 */
function withIndexExpressionsWhole(statement: string): string {
  return statement.replace(/^(CREATE (?:UNIQUE )?INDEX `\w+` ON `\w+` )\(((?:`[^`]*`,?)+)\)/m, (_, head, list) => {
    const keys: string[] = [];
    let open = "";
    for (const [, piece] of (list as string).matchAll(/`([^`]*)`/g)) {
      open = open ? `${open},${piece}` : piece!;
      const depth = [...open].reduce((d, c) => d + (c === "(" ? 1 : c === ")" ? -1 : 0), 0);
      if (depth) continue;
      keys.push(open.includes("(") ? open : `\`${open}\``);
      open = "";
    }
    return `${head}(${keys.join(",")})`;
  });
}

const fromSchema = await openDatabase(":memory:");
for (const statement of schemaSql().split("--> statement-breakpoint"))
  if (statement.trim()) await fromSchema.$client.execute(withIndexExpressionsWhole(statement));
const fromMigrations = await openDatabase(":memory:");
await migrateDatabase(fromMigrations);

const tablesOf = async (db: Database) =>
  (
    await rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
  ).map((r) => String(r.name));
const declared = await tablesOf(fromSchema);

describe("the migrations build what src/db/schema.ts declares", () => {
  test("every table schema.ts declares is there", async () => {
    expect(declared.length).toBeGreaterThan(20);
    const made = await tablesOf(fromMigrations);
    expect(declared.filter((t) => !made.includes(t)).map((t) => `${t}: missing from the migrations`)).toEqual([]);
  });

  for (const table of declared)
    test(`${table}: columns, foreign keys, indexes and CHECKs`, async () => {
      const schema = await factsOf(fromSchema, table);
      expect(schema.size).toBeGreaterThan(0);
      expect(differences(table, await factsOf(fromMigrations, table), schema)).toEqual([]);
    });
});
