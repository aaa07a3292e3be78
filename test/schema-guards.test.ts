// What the schema keeps for itself, beyond drizzle's tables: the triggers, views and virtual tables
// the hand-written migrations add (a migration that rebuilds a table drops its triggers, and
// nothing else would notice), the CHECKs that refuse a value outside their list (each found in
// sqlite_master, so a new one is tested too; migrations-match-schema.test.ts compares their text
// with schema.ts), the foreign keys of notification_runs, and reach_addresses forgetting an
// address no customer has.
import { describe, expect, test } from "bun:test";
import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { type Database, migrateDatabase, openDatabase } from "../src/db/client.ts";
import * as schema from "../src/db/schema.ts";
import { checkClauses } from "./support/check-clauses.ts";
import { rows } from "./support/sql.ts";

async function migrated(): Promise<Database> {
  const db = await openDatabase(":memory:");
  await migrateDatabase(db);
  return db;
}
const run = (db: Database, sql: string, args: (string | number | null)[] = []) => db.$client.execute({ sql, args });
/** The error a statement fails with, or null when it succeeds. */
async function refusal(db: Database, sql: string, args: (string | number | null)[] = []): Promise<string | null> {
  try {
    await run(db, sql, args);
    return null;
  } catch (err) {
    return String((err as Error).message);
  }
}

/** Every customer's reach row agrees with what the view computes, and search finds each by name. */
async function expectReachAndSearchRight(db: Database) {
  expect(await rows(db, "SELECT * FROM customer_reach ORDER BY customer_id")).toEqual(
    await rows(db, "SELECT * FROM customer_reach_now ORDER BY customer_id"),
  );
  const ids = (await rows(db, "SELECT id FROM customers ORDER BY id")).map((r) => r.id);
  expect((await rows(db, "SELECT rowid FROM customers_fts ORDER BY rowid")).map((r) => r.rowid)).toEqual(ids);
}

describe("triggers, views and virtual tables", () => {
  test("a migrated database has every one the hand-written migrations made", async () => {
    const db = await migrated();
    const named = async (type: string) =>
      (await rows(db, "SELECT name FROM sqlite_master WHERE type = ? ORDER BY name", [type])).map((r) => r.name);
    expect(await named("trigger")).toEqual([
      // customer_reach kept in step with customers, suppressions and phone lookups (0007, 0011).
      "customer_reach_delete",
      "customer_reach_insert",
      "customer_reach_lookup_delete",
      "customer_reach_lookup_insert",
      "customer_reach_lookup_update",
      "customer_reach_suppression_delete",
      "customer_reach_suppression_insert",
      "customer_reach_suppression_update",
      "customer_reach_update",
      // Customer search (0001).
      "customers_fts_delete",
      "customers_fts_insert",
      "customers_fts_update",
      // A call waiting on its SMS (0010; re-created by 0014 and 0020).
      "deliveries_call_after_undelivered_sms",
      "deliveries_decide_waiting_call",
      // A deleted notification's profile remembered for its numbers (0026).
      "notifications_remember_deleted",
      // reach_addresses forgets an address no customer has (0015).
      "reach_addresses_forget_delete",
      "reach_addresses_forget_update",
    ]);
    expect(await named("view")).toEqual(["customer_reach_now"]);
    expect(
      await rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"),
    ).toEqual([{ name: "customers_fts" }]);
    for (const table of ["customer_reach", "reach_addresses"]) expect(await named("table")).toContain(table);
  });

  test("each still fires: customers, suppressions, phone lookups and a waiting call", async () => {
    const db = await migrated();
    await run(
      db,
      "INSERT INTO customers (first_name, last_name, email, phone, consent_email, consent_sms) VALUES ('Ava', 'Nguyen', 'ava@x.test', '+15552220001', 1, 1), ('Ben', 'Okafor', 'ben@x.test', '+15552220002', 1, 0)",
    );
    await expectReachAndSearchRight(db);
    expect(await rows(db, "SELECT rowid FROM customers_fts WHERE customers_fts MATCH 'okafor'")).toEqual([
      { rowid: 2 },
    ]);
    await run(db, "UPDATE customers SET last_name = 'Stone', email = 'ava.stone@x.test' WHERE id = 1");
    expect(await rows(db, "SELECT rowid FROM customers_fts WHERE customers_fts MATCH 'stone'")).toEqual([{ rowid: 1 }]);
    expect(await rows(db, "SELECT rowid FROM customers_fts WHERE customers_fts MATCH 'nguyen'")).toEqual([]);
    await expectReachAndSearchRight(db);
    await run(
      db,
      "INSERT INTO suppressions (channel, address, reason, source) VALUES ('email', 'ben@x.test', 'bounced', 'resend')",
    );
    expect(await rows(db, "SELECT email_skip FROM customer_reach WHERE customer_id = 2")).toEqual([
      { email_skip: "bounced" },
    ]);
    await run(db, "UPDATE suppressions SET cleared_at = 1 WHERE address = 'ben@x.test'");
    expect(await rows(db, "SELECT email_skip FROM customer_reach WHERE customer_id = 2")).toEqual([
      { email_skip: null },
    ]);
    await run(
      db,
      "INSERT INTO suppressions (channel, address, reason, source) VALUES ('sms', '+15552220001', 'stop_keyword', 'twilio')",
    );
    await run(db, "DELETE FROM suppressions WHERE address = '+15552220001'");
    expect(await rows(db, "SELECT sms_skip FROM customer_reach WHERE customer_id = 1")).toEqual([{ sms_skip: null }]);
    await run(db, "INSERT INTO phone_lookups (phone, line_type, looked_up_at) VALUES ('+15552220001', 'landline', 0)");
    expect(await rows(db, "SELECT sms_skip FROM customer_reach WHERE customer_id = 1")).toEqual([
      { sms_skip: "landline" },
    ]);
    await run(db, "UPDATE phone_lookups SET line_type = 'mobile'");
    expect(await rows(db, "SELECT sms_skip FROM customer_reach WHERE customer_id = 1")).toEqual([{ sms_skip: null }]);
    await run(db, "DELETE FROM phone_lookups");
    await run(db, "DELETE FROM customers WHERE id = 2");
    await expectReachAndSearchRight(db);
    expect(await rows(db, "SELECT customer_id FROM customer_reach")).toEqual([{ customer_id: 1 }]);

    // The SMS a call waits on went: the call is skipped.
    await run(
      db,
      "INSERT INTO deliveries (delivery_key, source_type, customer_id, channel, status, due_at) VALUES ('s', 'test', 1, 'sms', 'sending', 0)",
    );
    await run(
      db,
      "INSERT INTO deliveries (delivery_key, source_type, customer_id, channel, status, after_delivery_id, due_at) VALUES ('v', 'test', 1, 'voice', 'waiting', 1, 0)",
    );
    await run(db, "UPDATE deliveries SET status = 'sent', updated_at = 5 WHERE id = 1");
    expect(await rows(db, "SELECT status, skip_reason FROM deliveries WHERE id = 2")).toEqual([
      { status: "skipped", skip_reason: "sms_sent_instead" },
    ]);
    // …and was then reported undelivered: the call goes after all.
    await run(db, "UPDATE deliveries SET status = 'undelivered', updated_at = 6 WHERE id = 1");
    expect(await rows(db, "SELECT status, skip_reason FROM deliveries WHERE id = 2")).toEqual([
      { status: "queued", skip_reason: null },
    ]);
  });
});

/** Every CHECK in a migrated database, read from sqlite_master: a new one is tested without a word here. */
const checks = await (async () => {
  const db = await migrated();
  const tables = await rows(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%CHECK%'");
  return tables.flatMap((t) => checkClauses(String(t.sql)).map((c) => ({ table: String(t.name), ...c })));
})();

/** A value the CHECK takes and one it refuses, for the two shapes schema.ts writes. */
function valuesOf(body: string): { column: string; taken: string | number; refused: string | number } | null {
  // drizzle-kit writes a new table's CHECK with the column qualified by its table: "t"."c" in (…).
  const list = /^\s*(?:["`]?\w+["`]?\.)?["`]?(\w+)["`]?\s+in\s*\(\s*'((?:[^']|'')*)'/i.exec(body);
  if (list) return { column: list[1]!, taken: list[2]!.replaceAll("''", "'"), refused: "not in the list" };
  const range = /^\s*["`]?(\w+)["`]?\s+between\s+(-?\d+)\s+and\s+(-?\d+)\s*$/i.exec(body);
  if (range) return { column: range[1]!, taken: Number(range[2]), refused: Number(range[3]) + 1 };
  return null;
}

/** Values a row needs for a table's CHECKs of other shapes (each tested on its own below). */
const OTHER_CHECKS_TAKE: Record<string, Record<string, number>> = { content_files: { message_id: 1 } };
const TESTED_ON_THEIR_OWN = new Set(["content_files_one_owner"]);

/**
 * A row the table takes but for `column`: every column that must have a value gets one (a CHECKed
 * column the first value of its list, an integer 1, text 'x'; an INTEGER primary key numbers itself). Foreign keys are off in the
 * database this writes to, so no row it points at is needed.
 */
async function insertRow(db: Database, table: string, column: string, value: string | number) {
  const values = new Map<string, string | number>(Object.entries(OTHER_CHECKS_TAKE[table] ?? {}));
  for (const c of await rows(db, "SELECT * FROM pragma_table_info(?)", [table]))
    if ((c.notnull || c.pk) && c.dflt_value === null && !(c.pk && c.type === "INTEGER"))
      values.set(String(c.name), c.type === "INTEGER" ? 1 : "x");
  for (const other of checks.filter((c) => c.table === table)) {
    const v = valuesOf(other.body);
    if (v && values.has(v.column)) values.set(v.column, v.taken);
  }
  values.set(column, value);
  const names = [...values.keys()];
  return run(
    db,
    `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
    [...values.values()],
  );
}

describe("CHECKs refuse a value outside their list, written straight to the database", () => {
  test("they are the CHECKs schema.ts declares, every one", () => {
    const declared = Object.values(schema)
      .filter((t) => is(t, SQLiteTable))
      .flatMap((t) => getTableConfig(t).checks.map((c) => c.name));
    expect(checks.map((c) => c.name).sort()).toEqual(declared.sort());
    expect(checks.length).toBeGreaterThan(20);
  });

  for (const { table, name, body } of checks.filter((c) => !TESTED_ON_THEIR_OWN.has(c.name)))
    test(`${name}: takes a value of its list, refuses one outside it`, async () => {
      const values = valuesOf(body);
      if (!values) throw new Error(`${name} is CHECK(${body}): a shape this test cannot break; add it to valuesOf`);
      const db = await migrated();
      await run(db, "PRAGMA foreign_keys = OFF");
      await insertRow(db, table, values.column, values.taken);
      expect(await insertRow(db, table, values.column, values.refused).catch((err) => String(err.message))).toContain(
        `CHECK constraint failed: ${name}`,
      );
    });

  test("content_files_one_owner: a file belongs to a message or a notification, never both or neither", async () => {
    const db = await migrated();
    await run(db, "PRAGMA foreign_keys = OFF");
    const insert = (message: number | null, notification: number | null) =>
      refusal(
        db,
        "INSERT INTO content_files (message_id, notification_id, file_id, role) VALUES (?, ?, 1, 'attachment')",
        [message, notification],
      );
    expect(await insert(1, null)).toBeNull();
    expect(await insert(null, 1)).toBeNull();
    expect(await insert(null, null)).toContain("CHECK constraint failed: content_files_one_owner");
    expect(await insert(2, 2)).toContain("CHECK constraint failed: content_files_one_owner");
  });

  test("a value of the list and a null where the column allows one are taken", async () => {
    const db = await migrated();
    expect(
      await refusal(
        db,
        "INSERT INTO events (type, from_status, to_status, source, occurred_at) VALUES ('job_status_changed', NULL, 'selling', 'ui', 0)",
      ),
    ).toBeNull();
    expect(
      await refusal(db, "INSERT INTO templates (name, channel, trigger, body) VALUES ('T', 'voice', NULL, 'b')"),
    ).toBeNull();
  });
});

describe("notification_runs", () => {
  test("ids that do not apply are null, planning the same key twice plans once, and a run goes with its customer", async () => {
    const db = await migrated();
    await run(db, "INSERT INTO customers (first_name) VALUES ('C')");
    await run(db, "INSERT INTO jobs (name, type, year) VALUES ('J', 'school', 2026)");
    await run(db, "INSERT INTO communication_profiles (name) VALUES ('P')");
    await run(db, "INSERT INTO notifications (profile_id, trigger, channel) VALUES (1, 'job_selling', 'email')");
    const plan = (customer: number | null) =>
      run(
        db,
        "INSERT INTO notification_runs (notification_id, job_id, customer_id, due_at, status) VALUES (1, 1, ?, 0, 'planned') ON CONFLICT DO NOTHING",
        [customer],
      );
    await plan(null);
    await plan(null);
    await plan(1);
    await plan(1);
    expect(await rows(db, "SELECT job_id, customer_id, appointment_id FROM notification_runs ORDER BY id")).toEqual([
      { job_id: 1, customer_id: null, appointment_id: null },
      { job_id: 1, customer_id: 1, appointment_id: null },
    ]);
    expect(
      await refusal(
        db,
        "INSERT INTO notification_runs (notification_id, job_id, customer_id, due_at, status) VALUES (1, 1, 99, 0, 'planned')",
      ),
    ).toContain("FOREIGN KEY constraint failed");
    await run(db, "DELETE FROM customers WHERE id = 1");
    expect(await rows(db, "SELECT customer_id FROM notification_runs")).toEqual([{ customer_id: null }]);
  });
});

describe("reach_addresses", () => {
  test("forgets the addresses of a deleted customer that no other customer has", async () => {
    const db = await migrated();
    await run(
      db,
      "INSERT INTO customers (first_name, email, phone) VALUES ('Gone', 'gone@x.test', '+15550000001'), ('Family', 'shared@x.test', NULL), ('Also', 'shared@x.test', '+15550000009')",
    );
    await run(db, "DELETE FROM customers WHERE id = 1");
    await run(db, "DELETE FROM customers WHERE id = 2");
    expect(await rows(db, "SELECT address FROM reach_addresses ORDER BY address")).toEqual([
      { address: "+15550000009" },
      { address: "shared@x.test" },
    ]);
    await run(db, "UPDATE customers SET email = 'new@x.test', phone = NULL WHERE id = 3");
    expect(await rows(db, "SELECT address FROM reach_addresses ORDER BY address")).toEqual([{ address: "new@x.test" }]);
    await expectReachAndSearchRight(db);
  });
});
