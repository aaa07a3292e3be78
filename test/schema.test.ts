// The data model's own guarantees, which later features lean on.
import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { deliveries, suppressions } from "../src/db/schema.ts";
import { makeTestApp } from "./support/app.ts";

describe("schema", () => {
  test("migrations create every table of the data model", async () => {
    const t = await makeTestApp();
    const rows = await t.db.all<{ name: string }>(
      sql`select name from sqlite_master where type = 'table' and name not like '%fts%' and name not like 'sqlite_%' and name not like '__drizzle%' order by name`,
    );
    expect(rows.map((r) => r.name)).toEqual([
      "albums",
      "api_keys",
      "appointment_changes",
      "appointments",
      "audit_log",
      "communication_profiles",
      // E-mail attachments and MMS pictures of a message or notification (migration 0022).
      "content_files",
      // Kept in step by triggers (migration 0007) for the live recipient count.
      "customer_reach",
      "customers",
      // Which profile a deleted notification was in, for the profile's numbers (migration 0026).
      "deleted_notifications",
      "deliveries",
      "delivery_events",
      "dev_outbox",
      // The exact request of each e-mail batch, for a byte-for-byte replay (migration 0008).
      "email_batches",
      // Opens and clicks of deliveries, machines marked (migration 0025).
      "engagements",
      "events",
      "files",
      // A CSV import's journal, so a start after a crash takes it back (migration 0013).
      "import_runs",
      "import_undo",
      "inbound_media",
      "inbound_messages",
      "jobs",
      "login_attempts",
      "messages",
      "notification_runs",
      "notifications",
      "orders",
      "phone_lookups",
      // The provider rate budget every process shares (migration 0008).
      "rate_budgets",
      "reach_addresses",
      "registrations",
      "sessions",
      "snippets",
      "studio_settings",
      "suppressions",
      "templates",
      // Link addresses behind the tracked redirect /t/… (migration 0025).
      "tracked_links",
      "users",
      "worker_state",
    ]);
  });

  test("a delivery key is unique: deciding to send twice inserts once", async () => {
    const t = await makeTestApp();
    const row = {
      deliveryKey: "n:1|job:2|c:3|email",
      sourceType: "notification" as const,
      channel: "email" as const,
      dueAt: new Date(),
    };
    await t.db.insert(deliveries).values(row).onConflictDoNothing();
    await t.db.insert(deliveries).values(row).onConflictDoNothing();
    expect(await t.db.select().from(deliveries)).toHaveLength(1);
    let error: unknown;
    try {
      await t.db.insert(deliveries).values(row);
    } catch (err) {
      error = err;
    }
    expect(String((error as { cause?: unknown })?.cause)).toContain(
      "UNIQUE constraint failed: deliveries.delivery_key",
    );
  });

  test("one active suppression per address and channel; history is kept after a re-subscribe", async () => {
    const t = await makeTestApp();
    const s = { channel: "sms" as const, address: "+15551234567", reason: "stop_keyword" as const, source: "twilio" };
    await t.db.insert(suppressions).values(s);
    await t.db.insert(suppressions).values(s).onConflictDoNothing();
    expect(await t.db.select().from(suppressions)).toHaveLength(1);
    await t.db.update(suppressions).set({ clearedAt: new Date(), clearedSource: "START keyword" });
    await t.db.insert(suppressions).values(s);
    expect(await t.db.select().from(suppressions)).toHaveLength(2);
  });
});
