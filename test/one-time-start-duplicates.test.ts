// Who is a duplicate address in a one-time start. The start plans its pages in one read, then
// writes them one by one (src/db/audience-start.ts): duplicates are decided as each page is
// written, from what earlier pages wrote. Each test compares the start (small pages) with what
// decideRecipients decides (messageDecisions), or with what an edit, a staff cancel, or a crash and
// re-run between two pages must leave. Written with outside review.
import type { MessageFilters } from "../src/core/message-filters.ts";
import { describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { messageDecisions, runOneTimeMessages } from "../src/automation/one-time.ts";
import type { Database as Db } from "../src/db/client.ts";
import { deliveries, messages } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { makeTestApp } from "./support/app.ts";

const NOW = new Date("2026-09-01T10:00:00Z");

/** A db that runs `between` before its n-th transaction (1-based): between page writes. */
function beforeTx(db: Db, n: number, between: () => Promise<void>): Db {
  let seen = 0;
  return new Proxy(db, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      if (prop === "transaction")
        return async (...args: unknown[]) => {
          if (++seen === n) await between();
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      return typeof v === "function" ? v.bind(target) : v;
    },
  }) as Db;
}

async function world(
  opts: {
    channels?: ("email" | "sms")[];
    filters?: MessageFilters;
    sendAt?: Date;
  } = {},
) {
  const t = await makeTestApp({ now: NOW });
  await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, NOW);
  const add = async (first: string, email: string | null, phone: string | null = null) =>
    (
      await t.db.all<{
        id: number;
      }>(sql`insert into customers (first_name, last_name, email, phone, consent_email,
        consent_sms, created_at, updated_at)
        values (${first}, 'X', ${email}, ${phone}, 1, 1, ${NOW.getTime()}, ${NOW.getTime()}) returning id`)
    )[0]!.id;
  const [message] = await t.db
    .insert(messages)
    .values({
      name: "news",
      channels: opts.channels ?? ["email"],
      subject: "News",
      body: "Hello {{customer.first_name}}",
      smsBody: "Hello {{customer.first_name}}",
      voiceScript: "",
      filters: opts.filters ?? {},
      status: "scheduled",
      sendAt: opts.sendAt,
      createdAt: NOW,
      updatedAt: NOW,
    })
    .returning();
  const m = message!;
  const outbox = async () =>
    (await t.db.select().from(deliveries).where(eq(deliveries.messageId, m.id)))
      .map((d) => ({
        customer: d.customerId,
        appointment: d.appointmentId,
        channel: d.channel,
        to: d.toAddress,
        skip: d.status === "skipped" ? d.skipReason : null,
      }))
      .sort((a, b) =>
        `${a.channel}${a.customer}${a.appointment}`.localeCompare(`${b.channel}${b.customer}${b.appointment}`),
      );
  /** What decideRecipients (the old JS path, and the compose page's promise) decides now. */
  const js = async () =>
    (await messageDecisions(t.deps, (await t.db.select().from(messages).where(eq(messages.id, m.id)))[0]!, NOW))
      .flatMap(({ channel, decisions }) =>
        decisions.map((d) => ({
          customer: d.customerId,
          appointment: d.appointmentId ?? null,
          channel,
          to: d.to,
          skip: d.skip,
        })),
      )
      .sort((a, b) =>
        `${a.channel}${a.customer}${a.appointment}`.localeCompare(`${b.channel}${b.customer}${b.appointment}`),
      );
  return { t, m, add, outbox, js };
}

describe("duplicate addresses in a one-time start written a page at a time", () => {
  test("a customer who takes an address already given the message while the start runs is not sent it a second time", async () => {
    const { t, add, outbox } = await world();
    const anna = await add("Anna", "shared@x.test");
    for (let i = 0; i < 4; i++) await add(`Filler${i}`, `f${i}@x.test`);
    const finn = await add("Finn", "finn@x.test"); // a later page (pages of 2 rows)
    // Finn changes his e-mail to Anna's after the plan was read, before the first page is written.
    const db = beforeTx(t.db, 1, async () => {
      await t.db.run(sql`update customers set email = 'shared@x.test' where id = ${finn}`);
    });
    await runOneTimeMessages({ ...t.deps, db }, NOW, 2);
    const toShared = (await outbox()).filter((r) => r.to === "shared@x.test");
    expect(toShared.map((r) => [r.customer, r.skip])).toEqual([
      [anna, null],
      [finn, "duplicate_address"],
    ]);
  });

  test("a customer planned as a duplicate is sent to when the one he duplicated left the address meanwhile", async () => {
    const { t, add, outbox } = await world();
    for (let i = 0; i < 2; i++) await add(`Filler${i}`, `f${i}@x.test`);
    const anna = await add("Anna", "shared@x.test"); // page 2
    for (let i = 2; i < 4; i++) await add(`Filler${i}`, `f${i}@x.test`);
    const finn = await add("Finn", "shared@x.test"); // page 3: planned as Anna's duplicate
    const db = beforeTx(t.db, 1, async () => {
      await t.db.run(sql`update customers set email = 'anna.new@x.test' where id = ${anna}`);
    });
    await runOneTimeMessages({ ...t.deps, db }, NOW, 2);
    expect((await outbox()).find((r) => r.customer === finn)).toMatchObject({ to: "shared@x.test", skip: null });
  });

  test("addresses differing only in case or spaces: start agrees with decideRecipients", async () => {
    const { t, add, outbox, js } = await world();
    await add("Anna", "Anna@X.test");
    await add("F0", "f0@x.test");
    await add("Finn", "anna@x.test");
    await add("Gus", " anna@x.test");
    await add("Hal", "Anna@X.test");
    const expected = await js();
    await runOneTimeMessages(t.deps, NOW, 2);
    expect(await outbox()).toEqual(expected);
  });

  test("a crash after some pages, then a re-run with other page boundaries: same outcome, nobody a duplicate of himself", async () => {
    const { t, m, add, outbox } = await world();
    const ids = [
      await add("A", "x@x.test"),
      await add("Gone", "g@x.test"),
      await add("C", "y@x.test"),
      await add("D", "x@x.test"),
      await add("E", "e@x.test"),
      await add("F", "y@x.test"),
      await add("G", "x@x.test"),
    ];
    await runOneTimeMessages(t.deps, NOW, 2);
    const full = (await outbox()).filter((r) => r.customer !== ids[1]);
    // As if it had crashed after the first two pages (4 rows): later pages unwritten, message still scheduled.
    await t.db.run(
      sql`delete from deliveries where message_id = ${m.id} and (customer_id > ${ids[3]!} or customer_id = ${ids[1]!})`,
    );
    await t.db.run(sql`delete from customers where id = ${ids[1]!}`);
    await t.db.run(sql`update messages set status = 'scheduled' where id = ${m.id}`);
    await runOneTimeMessages(t.deps, NOW, 4); // pages now mix written and unwritten customers (A,C,D written; E not)
    expect(await outbox()).toEqual(full);
  });

  test("e-mail and SMS on one message: each channel its own duplicates", async () => {
    const { t, add, outbox, js } = await world({ channels: ["email", "sms"] });
    await add("Anna", "shared@x.test", "+14155550101");
    await add("F0", "f0@x.test", "+14155550102");
    await add("Finn", "shared@x.test", "+14155550103"); // e-mail duplicate only
    await add("Gus", "gus@x.test", "+14155550101"); // SMS duplicate only
    await add("Hal", "shared@x.test", "+14155550101"); // both
    const expected = await js();
    await runOneTimeMessages(t.deps, NOW, 2);
    const rows = await outbox();
    expect(rows).toEqual(expected);
    expect(rows.filter((r) => r.skip === "duplicate_address").length).toBe(4);
  });

  test("a message to appointments: two appointments on one address each get theirs", async () => {
    const { t, add, outbox, js } = await world({
      filters: { appointment_statuses: ["scheduled"] },
    });
    const appt = async (customer: number) =>
      t.db.run(sql`insert into appointments (customer_id, starts_at, created_at, updated_at)
        values (${customer}, ${NOW.getTime() + 86_400_000}, ${NOW.getTime()}, ${NOW.getTime()})`);
    const anna = await add("Anna", "shared@x.test");
    await appt(anna);
    await appt(anna);
    const f = await add("F0", "f0@x.test");
    await appt(f);
    const finn = await add("Finn", "shared@x.test");
    await appt(finn);
    const expected = await js();
    await runOneTimeMessages(t.deps, NOW, 2);
    const rows = await outbox();
    expect(rows).toEqual(expected);
    expect(rows.every((r) => r.skip === null)).toBe(true);
  });

  test("a held start: held rows count as given, the twin on a later page is a duplicate", async () => {
    const { t, add, outbox, js } = await world({
      sendAt: new Date(NOW.getTime() - 86_400_000),
    });
    await add("Anna", "shared@x.test");
    await add("F0", "f0@x.test");
    await add("Finn", "shared@x.test");
    const expected = await js();
    await runOneTimeMessages(t.deps, NOW, 2);
    const rows = await outbox();
    expect(rows).toEqual(expected);
    const statuses = (await t.db.select().from(deliveries)).map((d) => d.status).sort();
    expect(statuses).toEqual(["held", "held", "skipped"]);
  });

  test("staff cancel the held copy for an address while the start runs: the address is not sent it through a twin", async () => {
    const { t, add, outbox } = await world({
      sendAt: new Date(NOW.getTime() - 86_400_000),
    });
    const anna = await add("Anna", "shared@x.test");
    await add("F0", "f0@x.test");
    const finn = await add("Finn", "shared@x.test"); // page 2
    // Between page 1 and page 2: staff cancel Anna's held copy (what cancelHeld writes).
    const db = beforeTx(t.db, 2, async () => {
      await t.db
        .run(sql`update deliveries set status = 'skipped', skip_reason = 'cancelled_by_staff', waiting_reason = null
        where customer_id = ${anna}`);
    });
    await runOneTimeMessages({ ...t.deps, db }, NOW, 2);
    const rows = await outbox();
    // A copy staff cancelled counts as given, as it would have had Finn's page come first.
    expect(rows.find((r) => r.customer === finn)?.skip).toBe("duplicate_address");
  });

  test("a re-run after a crash, a customer written as skipped now passes: his twin in the same page is not a duplicate of a row never sent", async () => {
    const { t, m, add, outbox } = await world();
    const anna = await add("Anna", "shared@x.test");
    await t.db.run(sql`update customers set consent_email = 0 where id = ${anna}`); // skipped no_consent on page 1
    const g1 = await add("G1", "g1@x.test");
    const g2 = await add("G2", "g2@x.test");
    const finn = await add("Finn", "shared@x.test"); // page 2 of the first run
    await runOneTimeMessages(t.deps, NOW, 2);
    // Crash after page 1: page 2 unwritten, message still scheduled. Meanwhile Anna consents and
    // G1, G2 are deleted, so on the re-run Anna and Finn share a page.
    await t.db.run(sql`delete from deliveries where message_id = ${m.id} and customer_id <> ${anna}`);
    await t.db.run(sql`delete from customers where id in (${g1}, ${g2})`);
    await t.db.run(sql`update customers set consent_email = 1 where id = ${anna}`);
    await t.db.run(sql`update messages set status = 'scheduled' where id = ${m.id}`);
    await runOneTimeMessages(t.deps, NOW, 2);
    const rows = await outbox();
    // Anna's row stays skipped (no_consent, key already there); then someone at shared@x.test must get it.
    expect(rows.find((r) => r.customer === anna)?.skip).toBe("no_consent");
    expect(rows.find((r) => r.customer === finn)?.skip).toBeNull();
  });
});
