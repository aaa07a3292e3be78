// Run as its own process by test/backup-restore.test.ts: `bun backup-studio.ts <step> <db file>`
// prints JSON. A process of its own because the embedded driver never really closes a connection
// that has run statements (it never frees them), and a restore rightly refuses a database that
// any process still has open — the test's own included.
import { createClient } from "@libsql/client";
import { eq } from "drizzle-orm";
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { createCustomer } from "../../src/db/customers.ts";
import { loadDemoData } from "../../src/db/demo.ts";
import { enqueueDeliveries } from "../../src/db/outbox.ts";
import { customers, deliveries, messages } from "../../src/db/schema.ts";
import { createDispatcher } from "../../src/dispatch/dispatcher.ts";
import { makeTestApp, signedInOwner } from "./app.ts";

const [step, file] = process.argv.slice(2) as [string, string];
const now = new Date("2026-09-01T10:00:00Z");

/** An owner, the demo studio and a message sent to three customers by e-mail (dev outbox). */
async function studio() {
  const t = await makeTestApp({ now, url: `file:${file}` });
  await signedInOwner(t);
  await loadDemoData(t.db, now);
  const people = [];
  for (const [first, email] of [
    ["Anna", "anna@backup.test"],
    ["Ben", "ben@backup.test"],
    ["Cleo", "cleo@backup.test"],
  ] as const) {
    people.push(
      await createCustomer(
        t.db,
        { first_name: first, last_name: "Restore", email, consent: { email: true } },
        "test",
        now,
      ),
    );
  }
  const [m] = await t.db
    .insert(messages)
    .values({
      name: "Picture day",
      channels: ["email"],
      subject: "Hi {{customer.first_name}}",
      body: "Picture day is on Friday.",
      filters: {},
      status: "sending",
    })
    .returning();
  await enqueueDeliveries(
    t.db,
    { sourceType: "message", messageId: m!.id },
    people.map((c) => ({
      key: deliveryKey({ kind: "message", messageId: m!.id }, { customerId: c.id }, "email"),
      decision: { customerId: c.id, channel: "email" as const, to: c.email, skip: null },
      dueAt: now,
    })),
    now,
  );
  await createDispatcher(t.deps, t.deps.providers, { owner: "w1", random: () => 0.5 }).tick();
  return { messageId: m!.id, people: people.map((p) => p.id) };
}

/** After the backup: the message and its deliveries deleted, a customer renamed, one deleted. */
async function change() {
  const t = await makeTestApp({ now, url: `file:${file}` });
  const [m] = await t.db.select().from(messages).where(eq(messages.name, "Picture day"));
  const [anna, ben] = await t.db
    .select()
    .from(customers)
    .where(eq(customers.lastName, "Restore"))
    .orderBy(customers.id);
  await t.db.delete(deliveries);
  await t.db.delete(messages).where(eq(messages.id, m!.id));
  await t.db.update(customers).set({ firstName: "Renamed" }).where(eq(customers.id, anna!.id));
  await t.db.delete(customers).where(eq(customers.id, ben!.id));
  return { changed: true };
}

/** Every table's row count and the rows of a few, which a restore must give back exactly. */
async function snapshot() {
  const client = createClient({ url: `file:${file}` });
  const tables = (
    await client.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'customers_fts%' ORDER BY name",
    )
  ).rows.map((r) => String(r.name));
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = Number((await client.execute(`SELECT count(*) AS n FROM "${t}"`)).rows[0]!.n);
  const rows = async (q: string) => (await client.execute(q)).rows.map((r) => ({ ...r }));
  return {
    counts,
    users: await rows("SELECT email, name, role, password_hash FROM users ORDER BY id"),
    customers: await rows("SELECT id, first_name, last_name, email, phone, consent_email FROM customers ORDER BY id"),
    messages: await rows("SELECT id, name, subject, body, status FROM messages ORDER BY id"),
    deliveries: await rows(
      "SELECT id, delivery_key, status, to_address, provider_message_id FROM deliveries ORDER BY id",
    ),
    secrets: await rows("SELECT key, value FROM worker_state WHERE name = 'secrets' ORDER BY key"),
    search: await rows("SELECT rowid FROM customers_fts WHERE customers_fts MATCH 'anna' ORDER BY rowid"),
  };
}

const steps: Record<string, () => Promise<unknown>> = { studio, change, snapshot };
console.log(JSON.stringify(await steps[step]!()));
process.exit(0);
