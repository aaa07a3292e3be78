// A one-time message start decides its pages in one read, then writes them one by one: an edit in
// between (an address changed, a customer gone) must not send one address two copies, or skip
// someone as the duplicate of a customer who is no longer there. Found by outside review.
import { describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import type { Database as Db } from "../src/db/client.ts";
import { deliveries, messages } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { makeTestApp } from "./support/app.ts";

const NOW = new Date("2026-09-01T10:00:00Z");

/** A db whose first transaction (the first page write of a set-based start) runs `between` first. */
function editedAfterPlan(db: Db, between: () => Promise<void>): Db {
  let done = false;
  return new Proxy(db, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      if (prop === "transaction")
        return async (...args: unknown[]) => {
          if (!done) {
            done = true;
            await between();
          }
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      return typeof v === "function" ? v.bind(target) : v;
    },
  }) as Db;
}

async function world() {
  const t = await makeTestApp({ now: NOW });
  await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, NOW);
  const add = async (first: string, email: string) =>
    (
      await t.db.all<{
        id: number;
      }>(sql`insert into customers (first_name, last_name, email, consent_email, created_at, updated_at)
        values (${first}, 'X', ${email}, 1, ${NOW.getTime()}, ${NOW.getTime()}) returning id`)
    )[0]!.id;
  const [message] = await t.db
    .insert(messages)
    .values({
      name: "news",
      channels: ["email"],
      subject: "News",
      body: "Hello {{customer.first_name}}",
      voiceScript: "",
      filters: {},
      status: "scheduled",
      createdAt: NOW,
      updatedAt: NOW,
    })
    .returning();
  const outbox = async () =>
    (await t.db.select().from(deliveries).where(eq(deliveries.messageId, message!.id))).map((d) => ({
      customer: d.customerId,
      to: d.toAddress,
      status: d.status,
      skip: d.skipReason,
    }));
  return { t, add, outbox };
}

describe("a one-time start with customers edited between its plan and its pages", () => {
  test("a customer who takes an address already given the message while the start runs is not sent it a second time", async () => {
    const { t, add, outbox } = await world();
    const anna = await add("Anna", "shared@x.test");
    for (let i = 0; i < 4; i++) await add(`Filler${i}`, `f${i}@x.test`);
    const finn = await add("Finn", "finn@x.test"); // pages later (pages of 2 rows)
    // Finn changes his e-mail to Anna's after the plan was read, before his page is written.
    const db = editedAfterPlan(t.db, async () => {
      await t.db.run(sql`update customers set email = 'shared@x.test' where id = ${finn}`);
    });
    await runOneTimeMessages({ ...t.deps, db }, NOW, 2);
    const rows = await outbox();
    const queuedToShared = rows.filter((r) => r.to === "shared@x.test" && r.status === "queued");
    // Expected: one e-mail to shared@x.test (Anna's); Finn skipped as duplicate_address.
    expect(rows.find((r) => r.customer === finn)).toEqual({
      customer: finn,
      to: "shared@x.test",
      status: "skipped",
      skip: "duplicate_address",
    });
    expect(queuedToShared.map((r) => r.customer)).toEqual([anna]);
  });

  test("a customer planned as a duplicate is not skipped when the one he duplicated left the audience meanwhile", async () => {
    const { t, add, outbox } = await world();
    for (let i = 0; i < 2; i++) await add(`Filler${i}`, `f${i}@x.test`);
    const anna = await add("Anna", "shared@x.test"); // page 2
    for (let i = 2; i < 4; i++) await add(`Filler${i}`, `f${i}@x.test`);
    const finn = await add("Finn", "shared@x.test"); // page 3+: planned as Anna's duplicate
    // Anna changes her address (or unsubscribes, or is deleted) after the plan, before page 2 is written.
    const db = editedAfterPlan(t.db, async () => {
      await t.db.run(sql`update customers set email = 'anna.new@x.test' where id = ${anna}`);
    });
    await runOneTimeMessages({ ...t.deps, db }, NOW, 2);
    const rows = await outbox();
    // Expected: Finn is the only one at shared@x.test now: he gets it. Nobody at that address gets it otherwise.
    expect(rows.find((r) => r.customer === finn)).toEqual({
      customer: finn,
      to: "shared@x.test",
      status: "queued",
      skip: null,
    });
  });
});
