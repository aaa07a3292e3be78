// What the schema keeps for itself, beyond drizzle's tables: the triggers, views and virtual tables
// the hand-written migrations add (a migration that rebuilds a table drops its triggers, and
// nothing else would notice), the CHECKs that refuse a value outside an enum's list, the foreign
// keys of notification_runs, and reach_addresses forgetting an address no customer has.
import { describe, expect, test } from "bun:test";
import { type Database, migrateDatabase, openDatabase } from "../src/db/client.ts";

async function migrated(): Promise<Database> {
  const db = await openDatabase(":memory:");
  await migrateDatabase(db);
  return db;
}
async function rows(
  db: Database,
  sql: string,
  args: (string | number | null)[] = [],
): Promise<Record<string, unknown>[]> {
  return (await db.$client.execute({ sql, args })).rows.map((r) => ({ ...r }));
}
const run = (db: Database, sql: string, args: (string | number | null)[] = []) => db.$client.execute({ sql, args });
/** The error a statement fails with, or null when it succeeds. */
async function refusal(db: Database, sql: string): Promise<string | null> {
  try {
    await run(db, sql);
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
      // A call waiting on its SMS (0010).
      "deliveries_call_after_undelivered_sms",
      "deliveries_decide_waiting_call",
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

describe("enum CHECKs refuse a value outside the list, written straight to the database", () => {
  const cases: [string, string, string][] = [
    [
      "users",
      "INSERT INTO users (email, name, password_hash, role) VALUES ('a@x.test', 'A', 'h', 'admin')",
      "users_role_check",
    ],
    [
      "jobs",
      "INSERT INTO jobs (name, type, year, status) VALUES ('J', 'school', 2026, 'shooting')",
      "jobs_status_check",
    ],
    ["events", "INSERT INTO events (type, source, occurred_at) VALUES ('job_deleted', 'ui', 0)", "events_type_check"],
    [
      "appointments",
      "INSERT INTO appointments (customer_id, starts_at, status) VALUES (1, 0, 'maybe')",
      "appointments_status_check",
    ],
    [
      "suppressions",
      "INSERT INTO suppressions (channel, address, reason, source) VALUES ('email', 'a@x.test', 'annoyed', 'ui')",
      "suppressions_reason_check",
    ],
    [
      "notifications",
      "INSERT INTO notifications (profile_id, trigger, channel) VALUES (1, 'job_selling', 'fax')",
      "notifications_channel_check",
    ],
    [
      "messages",
      "INSERT INTO messages (name, channels, filters, status) VALUES ('M', '[]', '{}', 'finished')",
      "messages_status_check",
    ],
    [
      "notification_runs",
      "INSERT INTO notification_runs (notification_id, due_at, status) VALUES (1, 0, 'done')",
      "notification_runs_status_check",
    ],
    [
      "deliveries",
      "INSERT INTO deliveries (delivery_key, source_type, channel, status, due_at) VALUES ('k', 'test', 'email', 'lost', 0)",
      "deliveries_status_check",
    ],
    [
      "rate_budgets",
      "INSERT INTO rate_budgets (channel, tokens, at_ms) VALUES ('fax', 1, 0)",
      "rate_budgets_channel_check",
    ],
    [
      "dev_outbox",
      "INSERT INTO dev_outbox (id, channel, to_address, from_address, body, ref, status, created_at) VALUES ('d', 'fax', 'a', 'b', 'c', 'r', 'delivered', 0)",
      "dev_outbox_channel_check",
    ],
    [
      "inbound_messages",
      "INSERT INTO inbound_messages (channel, from_address, body, received_at) VALUES ('fax', 'a', 'b', 0)",
      "inbound_messages_channel_check",
    ],
    [
      "templates",
      "INSERT INTO templates (name, channel, trigger, body) VALUES ('T', 'email', 'birthday', 'b')",
      "templates_trigger_check",
    ],
  ];
  for (const [table, sql, check] of cases) {
    test(table, async () => {
      const db = await migrated();
      await run(db, "INSERT INTO customers (first_name) VALUES ('C')");
      await run(db, "INSERT INTO communication_profiles (name) VALUES ('P')");
      await run(db, "INSERT INTO notifications (profile_id, trigger, channel) VALUES (1, 'job_selling', 'email')");
      expect(await refusal(db, sql)).toContain(`CHECK constraint failed: ${check}`);
    });
  }

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
