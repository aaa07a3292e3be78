// A database made by an earlier Pigeon is brought up to date with its data, triggers and views
// intact. Earlier databases are built the way their release built them: drizzle's own migrator
// run over the migrations that release carried (a copy of migrations/ whose journal stops there),
// so `__drizzle_migrations` holds exactly what that release recorded.
//
// The previous release is the state of 2026-11-23 (commit 4181d92, the last before the send-path,
// automation-cursor and SMS-or-call work): migrations 0000–0007, files unchanged since. It gets a
// studio's worth of data written as that release wrote it. Every other prefix gets a few rows in
// the tables all of them have, and must end with exactly the schema of a new install.
import { describe, expect, test } from "bun:test";
import { migrate } from "drizzle-orm/libsql/migrator";
import { createApp } from "../src/app.ts";
import { runAutomation } from "../src/automation/run.ts";
import { loadConfig } from "../src/config.ts";
import { sha256Hex } from "../src/core/crypto.ts";
import { signLinkToken } from "../src/core/link-tokens.ts";
import { ensureBuiltinProfiles } from "../src/db/builtin-profiles.ts";
import { type Database, migrateDatabase, openDatabase } from "../src/db/client.ts";
import { createDeps } from "../src/deps.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { silentLogger } from "../src/log.ts";
import { Browser } from "./support/app.ts";
import { journal, migrationsOfRelease, migrationsUpTo } from "./support/releases.ts";
import { rows, schemaOf } from "./support/sql.ts";

const PREVIOUS_RELEASE = migrationsUpTo("0007_customer_reach");

async function databaseOfRelease(n: number): Promise<Database> {
  const db = await openDatabase(":memory:");
  await migrate(db, { migrationsFolder: migrationsOfRelease(n) });
  return db;
}

const migrationsOf = async (db: Database) =>
  (await db.$client.execute("SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at")).rows.map((r) => ({
    ...r,
  }));

const count = async (db: Database, table: string) =>
  Number((await rows(db, `SELECT count(*) AS n FROM "${table}"`))[0]!.n);

const fresh = await (async () => {
  const db = await openDatabase(":memory:");
  await migrateDatabase(db);
  return { schema: await schemaOf(db), migrations: await migrationsOf(db) };
})();

const t0 = Date.parse("2026-11-20T15:00:00Z");
const day = 86_400_000;
const OWNER = { email: "owner@earlier.test", password: "an earlier long password" };
const API_KEY = "pgn_earlier-release-key-0123456789abcdefghijklmn";
const LINK_SECRET = "an-earlier-release-link-signing-secret-0123456789";

/** A studio as the 2026-11-23 release wrote it, through that release's schema. */
async function previousReleaseStudio(db: Database) {
  const run = (sql: string, ...args: (string | number | null)[]) => db.$client.execute({ sql, args });
  const json = JSON.stringify;
  await run(
    "INSERT INTO studio_settings (id, name, time_zone, public_url, sender_email, updated_at) VALUES (1, 'Lakeside Portraits', 'America/Chicago', 'https://photos.lakeside.test', 'hello@lakeside.test', ?)",
    t0,
  );
  await run(
    "INSERT INTO users (email, name, password_hash, role, created_at, updated_at) VALUES (?, 'Lena Lake', ?, 'owner', ?, ?)",
    OWNER.email,
    await Bun.password.hash(OWNER.password, "argon2id"),
    t0,
    t0,
  );
  await run(
    "INSERT INTO api_keys (name, prefix, key_hash, created_by_user_id, created_at) VALUES ('Shop', ?, ?, 1, ?)",
    API_KEY.slice(0, 10),
    sha256Hex(API_KEY),
    t0,
  );
  await run(
    "INSERT INTO worker_state (name, key, value, updated_at) VALUES ('secrets', 'link_signing', ?, ?)",
    LINK_SECRET,
    t0,
  );
  await run(
    "INSERT INTO communication_profiles (name, description, created_at, updated_at) VALUES ('School standard', 'Selling and reminders', ?, ?)",
    t0,
    t0,
  );
  await run(
    "INSERT INTO notifications (profile_id, trigger, channel, subject, body, position, created_at, updated_at) VALUES (1, 'job_selling', 'email', 'Photos of {{job.name}}', 'Your photos are ready: {{job.gallery_url}}', 0, ?, ?)",
    t0,
    t0,
  );
  await run(
    "INSERT INTO jobs (name, type, year, status, shoot_date, gallery_url, profile_id, created_at, updated_at) VALUES ('Maple Elementary 2026', 'school', 2026, 'selling', '2026-10-02', 'https://gallery.lakeside.test/maple', 1, ?, ?)",
    t0 - 30 * day,
    t0,
  );
  await run(
    "INSERT INTO jobs (name, type, year, status, shoot_date, created_at, updated_at) VALUES ('Spring Soccer', 'sports', 2026, 'planning', '2027-04-11', ?, ?)",
    t0,
    t0,
  );
  await run("INSERT INTO albums (job_id, name, created_at) VALUES (1, 'Class 3B', ?)", t0);
  const people: [string, string, string | null, string | null, number, number][] = [
    ["Ava", "Nguyen", "ava@families.test", "+15552220001", 1, 1],
    ["Ben", "Okafor", "ben@families.test", "+15552220002", 1, 1],
    ["Chloé", "Durand", "chloe@families.test", null, 1, 0],
    ["", "Ibrahim", "ibrahim@families.test", "+15552220004", 1, 1], // no first name
    ["Dana", "Frost", null, "+15552220005", 0, 1], // a landline
    ["Eli", "Stone", "bounced@families.test", null, 1, 0], // bounced
  ];
  for (const [first, last, email, phone, consentEmail, consentSms] of people) {
    await run(
      "INSERT INTO customers (first_name, last_name, email, phone, consent_email, consent_email_source, consent_sms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'form', ?, ?, ?)",
      first,
      last,
      email,
      phone,
      consentEmail,
      consentSms,
      t0,
      t0,
    );
  }
  for (let c = 1; c <= 4; c++)
    await run(
      "INSERT INTO registrations (job_id, customer_id, album_id, access_code, registered_at, photos_available_at, photos_count) VALUES (1, ?, 1, ?, ?, ?, 12)",
      c,
      `MAPLE-${c}`,
      t0 - 20 * day,
      t0 - 2 * day,
    );
  await run(
    "INSERT INTO orders (job_id, customer_id, amount_cents, ordered_at, created_at) VALUES (1, 2, 4900, ?, ?)",
    t0 - day,
    t0 - day,
  );
  await run(
    "INSERT INTO appointments (job_id, customer_id, starts_at, location, created_at, updated_at) VALUES (2, 5, ?, 'Studio A', ?, ?)",
    t0 + 10 * day,
    t0,
    t0,
  );
  await run(
    "INSERT INTO suppressions (channel, address, customer_id, reason, source, created_at) VALUES ('email', 'bounced@families.test', 6, 'bounced', 'resend', ?)",
    t0 - day,
  );
  await run(
    "INSERT INTO phone_lookups (phone, line_type, carrier, looked_up_at) VALUES ('+15552220005', 'landline', 'Old Bell', ?)",
    t0 - day,
  );
  await run(
    "INSERT INTO events (type, job_id, from_status, to_status, source, actor_user_id, occurred_at, created_at) VALUES ('job_status_changed', 1, 'shooting', 'selling', 'ui', 1, ?, ?)",
    t0 - day,
    t0 - day,
  );
  // The release fired the selling notification for Maple: a run and its deliveries.
  await run(
    "INSERT INTO notification_runs (notification_id, job_id, due_at, status, queued, skipped, created_at) VALUES (1, 1, ?, 'sent', 3, 1, ?)",
    t0 - day,
    t0 - day + 1000,
  );
  const delivery = (
    key: string,
    source: string,
    ref: [number | null, number | null],
    customer: number,
    channel: string,
    to: string | null,
    status: string,
    skip: string | null,
    sentAt: number | null,
  ) =>
    run(
      "INSERT INTO deliveries (delivery_key, source_type, notification_id, message_id, job_id, customer_id, channel, to_address, status, skip_reason, provider, provider_message_id, attempts, due_at, sent_at, created_at, updated_at, attempt_group) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      key,
      source,
      ref[0],
      ref[1],
      customer,
      channel,
      to,
      status,
      skip,
      sentAt ? "dev" : null,
      sentAt ? `dev_${key}` : null,
      sentAt ? 1 : 0,
      t0 - day,
      sentAt,
      t0 - day,
      t0 - day,
      sentAt ? `g_${key}` : null,
    );
  await delivery(
    "n:1|job:1|c:1|email",
    "notification",
    [1, null],
    1,
    "email",
    "ava@families.test",
    "delivered",
    null,
    t0 - day + 5000,
  );
  await delivery(
    "n:1|job:1|c:2|email",
    "notification",
    [1, null],
    2,
    "email",
    "ben@families.test",
    "sent",
    null,
    t0 - day + 5000,
  );
  await delivery(
    "n:1|job:1|c:3|email",
    "notification",
    [1, null],
    3,
    "email",
    "chloe@families.test",
    "sent",
    null,
    t0 - day + 5000,
  );
  await delivery(
    "n:1|job:1|c:4|email",
    "notification",
    [1, null],
    4,
    "email",
    "ibrahim@families.test",
    "failed",
    null,
    null,
  );
  // A one-time message sent by SMS: two went, a landline was skipped.
  await run(
    "INSERT INTO messages (name, channels, subject, body, filters, job_id, status, activated_at, activated_by_user_id, created_by_user_id, created_at, updated_at) VALUES ('Order reminder', ?, '', 'Hi {{customer.first_name}}, orders for {{job.name}} close Friday.', ?, 1, 'sent', ?, 1, 1, ?, ?)",
    json(["sms"]),
    json({ job_ids: [1], audience: "potential_buyers", condition: "with_photos" }),
    t0 - 12 * 3600_000,
    t0 - day,
    t0,
  );
  await delivery("m:1|c:1|sms", "message", [null, 1], 1, "sms", "+15552220001", "delivered", null, t0 - 11 * 3600_000);
  await delivery("m:1|c:4|sms", "message", [null, 1], 4, "sms", "+15552220004", "sent", null, t0 - 11 * 3600_000);
  await delivery("m:1|c:5|sms", "message", [null, 1], 5, "sms", "+15552220005", "skipped", "landline", null);
  await run(
    "INSERT INTO messages (name, channels, subject, body, filters, status, created_by_user_id, created_at, updated_at) VALUES ('Soccer picture day', ?, 'Picture day', 'See you on the field.', ?, 'draft', 1, ?, ?)",
    json(["email"]),
    json({ job_statuses: ["planning"], years: [2026] }),
    t0,
    t0,
  );
  await run(
    "INSERT INTO delivery_events (delivery_id, provider_event_id, type, detail, occurred_at, created_at) VALUES (1, 'evt_1', 'delivered', NULL, ?, ?)",
    t0 - day + 9000,
    t0 - day + 9000,
  );
  await run(
    "INSERT INTO dev_outbox (id, channel, to_address, from_address, subject, body, ref, status, created_at) VALUES ('dev_1', 'email', 'ava@families.test', 'hello@lakeside.test', 'Photos of Maple Elementary 2026', 'Your photos are ready', 'n:1|job:1|c:1|email', 'delivered', ?)",
    t0 - day + 5000,
  );
  await run(
    "INSERT INTO inbound_messages (channel, from_address, customer_id, body, provider_message_id, received_at) VALUES ('sms', '+15552220002', 2, 'Thanks!', 'SM1', ?)",
    t0,
  );
  await run(
    "INSERT INTO audit_log (actor_user_id, action, entity_type, entity_id, detail, created_at) VALUES (1, 'activated', 'message', 1, ?, ?)",
    json({ channels: ["sms"] }),
    t0 - day,
  );
}

/** What the earlier release's data must still read after the upgrade (its own columns only). */
const KEPT = {
  customers:
    "SELECT id, first_name, last_name, email, phone, consent_email, consent_sms, created_at FROM customers ORDER BY id",
  jobs: "SELECT id, name, type, year, status, shoot_date, gallery_url, profile_id FROM jobs ORDER BY id",
  deliveries:
    "SELECT id, delivery_key, status, skip_reason, to_address, provider_message_id, attempts, sent_at, attempt_group FROM deliveries ORDER BY id",
  messages: "SELECT id, name, channels, body, filters, status FROM messages ORDER BY id",
  runs: "SELECT id, notification_id, job_id, status, queued, skipped, created_at FROM notification_runs ORDER BY id",
  reach:
    "SELECT customer_id, email_address, email_skip, sms_address, sms_skip, voice_skip FROM customer_reach ORDER BY customer_id",
  secrets: "SELECT name, key, value FROM worker_state ORDER BY name, key",
  users: "SELECT id, email, password_hash FROM users",
};

async function tableCounts(db: Database) {
  const tables = (
    await rows(
      db,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'customers_fts_%' ORDER BY name",
    )
  ).map((r) => String(r.name));
  return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(db, t)] as const)));
}

describe("a database from the previous release (migrations 0000–0007)", () => {
  test("migrates with its data, ends with a new install's schema, and Pigeon runs on it", async () => {
    const db = await databaseOfRelease(PREVIOUS_RELEASE);
    await previousReleaseStudio(db);
    const counts = await tableCounts(db);
    const kept: Record<string, Record<string, unknown>[]> = {};
    for (const [name, sql] of Object.entries(KEPT)) kept[name] = await rows(db, sql);

    await migrateDatabase(db);
    await ensureBuiltinProfiles(db, new Date(t0 + day));

    // The same schema as a new install — every table, index, trigger and view — and the same record
    // of migrations, so the next release's migrator goes on from here as it would there.
    expect(await schemaOf(db)).toEqual(fresh.schema);
    expect(await migrationsOf(db)).toEqual(fresh.migrations);
    // Every row is still there and reads the same.
    const after = await tableCounts(db);
    for (const [table, n] of Object.entries(counts)) {
      // Built-in profiles and their templates are written at every start.
      if (table === "__drizzle_migrations") continue;
      if (table === "communication_profiles" || table === "notifications" || table === "templates")
        expect(after[table]).toBeGreaterThanOrEqual(n);
      else expect({ table, n: after[table] }).toEqual({ table, n });
    }
    for (const [name, sql] of Object.entries(KEPT))
      expect({ name, rows: await rows(db, sql) }).toEqual({ name, rows: kept[name]! });
    // What the new migrations filled in for old rows.
    expect(await rows(db, "SELECT count(*) AS n FROM notification_runs WHERE fired_at = created_at")).toEqual([
      { n: 1 },
    ]);
    // 0014: ids that did not apply were 0 and are null; a job status outside the list (this
    // release wrote one no release knew) is kept as unknown, so the CHECK holds.
    expect(await rows(db, "SELECT job_id, customer_id, appointment_id FROM notification_runs")).toEqual([
      { job_id: 1, customer_id: null, appointment_id: null },
    ]);
    expect(await rows(db, "SELECT from_status, to_status FROM events")).toEqual([
      { from_status: null, to_status: "selling" },
    ]);
    expect(await rows(db, "PRAGMA foreign_key_check")).toEqual([]);
    expect(await rows(db, "SELECT customer_id, blank_names FROM customer_reach WHERE blank_names <> 0")).toEqual([
      { customer_id: 4, blank_names: 1 },
    ]);
    // customer_reach agrees with what its view computes from the source tables, row for row.
    expect(await rows(db, "SELECT * FROM customer_reach ORDER BY customer_id")).toEqual(
      await rows(db, "SELECT * FROM customer_reach_now ORDER BY customer_id"),
    );
    expect(await rows(db, "SELECT customer_id, sms_skip FROM customer_reach WHERE customer_id = 5")).toEqual([
      { customer_id: 5, sms_skip: "landline" },
    ]);
    expect(await rows(db, "SELECT customer_id, email_skip FROM customer_reach WHERE customer_id = 6")).toEqual([
      { customer_id: 6, email_skip: "bounced" },
    ]);

    // The triggers work on the migrated data: search, customer_reach, and a call waiting on its SMS.
    expect(await rows(db, "SELECT rowid FROM customers_fts WHERE customers_fts MATCH 'chloe'")).toEqual([{ rowid: 3 }]);
    await db.$client.execute("UPDATE customers SET email = 'chloe.new@families.test', consent_email = 0 WHERE id = 3");
    expect(await rows(db, "SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?", ['"chloe.new"'])).toEqual([
      { rowid: 3 },
    ]);
    expect(await rows(db, "SELECT email_skip FROM customer_reach WHERE customer_id = 3")).toEqual([
      { email_skip: "no_consent" },
    ]);
    // …and Chloé's old address, which no one has now, is forgotten (0015).
    expect(await rows(db, "SELECT count(*) AS n FROM reach_addresses WHERE address = 'chloe@families.test'")).toEqual([
      { n: 0 },
    ]);
    await db.$client.execute(
      "INSERT INTO suppressions (channel, address, customer_id, reason, source) VALUES ('sms', '+15552220002', 2, 'stop_keyword', 'twilio')",
    );
    expect(await rows(db, "SELECT sms_skip FROM customer_reach WHERE customer_id = 2")).toEqual([
      { sms_skip: "stop_keyword" },
    ]);
    const waiting = async (smsStatus: string) => {
      const now = t0 + 2 * day;
      const sms = await db.$client.execute({
        sql: "INSERT INTO deliveries (delivery_key, source_type, message_id, customer_id, channel, to_address, status, due_at) VALUES (?, 'message', 1, 1, 'sms', '+15552220001', 'sending', ?)",
        args: [`w:${smsStatus}|sms`, now],
      });
      await db.$client.execute({
        sql: "INSERT INTO deliveries (delivery_key, source_type, message_id, customer_id, channel, to_address, status, after_delivery_id, due_at) VALUES (?, 'message', 1, 1, 'voice', '+15552220001', 'waiting', ?, ?)",
        args: [`w:${smsStatus}|voice`, Number(sms.lastInsertRowid), now],
      });
      await db.$client.execute({
        sql: "UPDATE deliveries SET status = ?, updated_at = ? WHERE id = ?",
        args: [smsStatus, now, Number(sms.lastInsertRowid)],
      });
      return rows(db, "SELECT status, skip_reason FROM deliveries WHERE delivery_key = ?", [`w:${smsStatus}|voice`]);
    };
    expect(await waiting("sent")).toEqual([{ status: "skipped", skip_reason: "sms_sent_instead" }]);
    expect(await waiting("failed")).toEqual([{ status: "queued", skip_reason: null }]);
    await db.$client.execute("DELETE FROM deliveries WHERE delivery_key LIKE 'w:%'");

    // Pigeon runs on it: the owner logs in with the old password and sees every main page.
    let now = new Date(t0 + day);
    const deps = createDeps({
      db,
      config: loadConfig({ PUBLIC_URL: "https://photos.lakeside.test" }),
      clock: () => now,
      log: silentLogger,
    });
    const app = createApp(deps);
    const b = new Browser(app);
    await b.get("/login");
    expect((await b.post("/login", OWNER)).status).toBe(303);
    const pages: [string, string][] = [
      ["/", "Lakeside Portraits"],
      ["/jobs", "Maple Elementary 2026"],
      ["/jobs/1", "when the job is set to selling"],
      ["/messages?job_id=1", "Order reminder"],
      ["/customers", "Nguyen"],
      ["/customers?q=chlo", "Durand"],
      ["/customers/4", "Ibrahim"],
      ["/appointments", "Frost"],
      ["/profiles", "School standard"],
      ["/profiles/1", "Photos of {{job.name}}"],
      ["/messages", "Order reminder"],
      ["/messages/1", "Order reminder"],
      ["/messages/2", "Soccer picture day"],
      ["/messages/2/edit", "See you on the field."],
      ["/outbox", "ava@families.test"],
      ["/settings", "Lakeside Portraits"],
      ["/settings/messaging", "hello@lakeside.test"],
    ];
    for (const [path, text] of pages) {
      const page = await b.get(path);
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
      expect({ path, has: page.text.includes(text) }).toEqual({ path, has: true });
    }
    // The API key and the customer links the release handed out still work.
    const api = (path: string) => app.request(path, { headers: { Authorization: `Bearer ${API_KEY}` } });
    const jobs = await api("/api/v1/jobs");
    expect(jobs.status).toBe(200);
    expect(JSON.stringify(await jobs.json())).toContain("Maple Elementary 2026");
    const message = await api("/api/v1/messages/1");
    expect(message.status).toBe(200);
    expect(JSON.stringify(await message.json())).toContain("Order reminder");
    const unsubscribe = await app.request(
      `/u/${signLinkToken(LINK_SECRET, { purpose: "unsubscribe", customerId: 1, subjectId: 1, channel: "email" })}`,
    );
    expect(unsubscribe.status).toBe(200);

    // The automation and the dispatcher pick up where the release left off: the selling
    // notification it fired for Maple is not fired again, and nothing old is sent twice.
    const before = await count(db, "deliveries");
    now = new Date(t0 + day + 60_000);
    await runAutomation(deps, now);
    await createDispatcher(deps, deps.providers, { owner: "w1", random: () => 0.5 }).tick();
    expect(await count(db, "deliveries")).toBe(before);
    expect(await rows(db, "SELECT status, count(*) AS n FROM deliveries GROUP BY status ORDER BY status")).toEqual([
      { status: "delivered", n: 2 },
      { status: "failed", n: 1 },
      { status: "sent", n: 3 },
      { status: "skipped", n: 1 },
    ]);
  });
});

describe("a database from any earlier set of migrations", () => {
  // The tables every release had since the first (migration 0000), with a row each way.
  async function someRows(db: Database) {
    const run = (sql: string) => db.$client.execute(sql);
    await run(
      "INSERT INTO customers (first_name, last_name, email, phone, consent_email, consent_sms) VALUES ('Zoë', 'Early', 'zoe@early.test', '+15553330001', 1, 1)",
    );
    await run("INSERT INTO jobs (name, type, year) VALUES ('Early job', 'school', 2026)");
    await run(
      "INSERT INTO messages (name, channels, filters, status) VALUES ('Early note', '[\"email\"]', '{}', 'sent')",
    );
    await run(
      "INSERT INTO deliveries (delivery_key, source_type, message_id, customer_id, channel, to_address, status, due_at, sent_at) VALUES ('m:1|c:1|email', 'message', 1, 1, 'email', 'zoe@early.test', 'sent', 0, 0)",
    );
    await run(
      "INSERT INTO suppressions (channel, address, customer_id, reason, source) VALUES ('sms', '+15553330001', 1, 'stop_keyword', 'twilio')",
    );
  }

  for (let n = 1; n < journal.entries.length; n++) {
    test(`up to ${journal.entries[n - 1]!.tag}`, async () => {
      const db = await databaseOfRelease(n);
      await someRows(db);
      await migrateDatabase(db);
      expect(await schemaOf(db)).toEqual(fresh.schema);
      expect(await migrationsOf(db)).toEqual(fresh.migrations);
      expect(
        await rows(db, "SELECT d.status, c.first_name FROM deliveries d JOIN customers c ON c.id = d.customer_id"),
      ).toEqual([{ status: "sent", first_name: "Zoë" }]);
      // The customer kept by triggers since before: findable, and reached as the source tables say.
      expect(await rows(db, "SELECT rowid FROM customers_fts WHERE customers_fts MATCH 'zoe'")).toEqual([{ rowid: 1 }]);
      expect(await rows(db, "SELECT * FROM customer_reach")).toEqual(
        await rows(db, "SELECT * FROM customer_reach_now"),
      );
      expect(await rows(db, "SELECT email_skip, sms_skip FROM customer_reach")).toEqual([
        { email_skip: null, sms_skip: "stop_keyword" },
      ]);
    });
  }
});

describe("0022: a text per channel", () => {
  test("a message written with one body keeps sending it: its SMS text and its call script are that body", async () => {
    const db = await databaseOfRelease(journal.entries.findIndex((e) => e.tag === "0022_content"));
    const insert = (name: string, channels: string, voiceScript: string, audio = "") =>
      db.$client.execute({
        sql: "INSERT INTO messages (name, channels, subject, body, voice_script, voice_audio_name, filters) VALUES (?, ?, 'S', 'One body', ?, ?, '{}')",
        args: [name, channels, voiceScript, audio],
      });
    await insert("e-mail only", '["email"]', "");
    await insert("all three", '["email","sms","voice"]', "");
    await insert("own script", '["voice"]', "Its own script");
    await insert("recording", '["voice"]', "", "hello.mp3");
    await migrateDatabase(db);
    expect(await rows(db, "SELECT name, body, sms_body, voice_script FROM messages ORDER BY id")).toEqual([
      { name: "e-mail only", body: "One body", sms_body: "", voice_script: "" },
      { name: "all three", body: "One body", sms_body: "One body", voice_script: "One body" },
      { name: "own script", body: "One body", sms_body: "", voice_script: "Its own script" },
      { name: "recording", body: "One body", sms_body: "", voice_script: "" },
    ]);
  });
});

describe("ids are never given out twice across an upgrade", () => {
  // Rebuilding a table (0014 does, to add its CHECKs) copies its rows into a new table: SQLite's
  // count of ids ever used (sqlite_sequence) would fall back to the highest id still there, and
  // the ids of deleted rows come round again. The planner reads events after a saved id, so an
  // event given the id of one it already read would never be planned.
  test("every table keeps its count of ids used, and the planner sees an event made after the upgrade", async () => {
    const n = migrationsUpTo("0013_import_journal");
    const db = await databaseOfRelease(n);
    const run = (sql: string) => db.$client.execute(sql);
    // An imported customer's event the planner has read; then the import is taken back.
    await run("INSERT INTO customers (first_name, email) VALUES ('Ida', 'ida@import.test')");
    await run(
      "INSERT INTO events (type, customer_id, source, occurred_at) VALUES ('customer_registered', 1, 'import', 0)",
    );
    await run("INSERT INTO worker_state (name, key, value, updated_at) VALUES ('automation', 'event_cursor', '1', 0)");
    await run("DELETE FROM customers");
    // Every other table with AUTOINCREMENT ids as if 500 rows had come and gone.
    const counted = (
      await rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%' ORDER BY name")
    ).map((r) => String(r.name));
    for (const table of counted) {
      await run(`DELETE FROM sqlite_sequence WHERE name = '${table}' AND name NOT IN ('customers', 'events')`);
      await run(
        `INSERT INTO sqlite_sequence (name, seq) SELECT '${table}', 500 WHERE '${table}' NOT IN ('customers', 'events')`,
      );
    }

    await migrateDatabase(db);

    const after = Object.fromEntries(
      (await rows(db, "SELECT name, seq FROM sqlite_sequence")).map((r) => [String(r.name), Number(r.seq)]),
    );
    const lost = counted.filter((t) => (after[t] ?? 0) < (t === "customers" || t === "events" ? 1 : 500));
    expect(lost).toEqual([]);
    await run("INSERT INTO customers (first_name, email) VALUES ('Jon', 'jon@studio.test')");
    await run("INSERT INTO events (type, customer_id, source, occurred_at) VALUES ('customer_registered', 2, 'ui', 0)");
    expect(await rows(db, "SELECT id FROM events WHERE id > 1")).toEqual([{ id: 2 }]);
  });
});
