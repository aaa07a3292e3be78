// Dispatch sends a wave of e-mail batches (up to 8) or SMS (up to 32) side by side. A worker killed
// (SIGKILL) with a whole wave in flight at the fakes, some requests through and the rest held (then
// completed: the provider got them), and two workers on one big message: each recipient exactly
// once. Written by outside review of the waves.
import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { enqueueDeliveries } from "../../src/db/outbox.ts";
import { customers } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { until } from "../support/until.ts";
import { fileDatabase, openDeliveries, workerEnv, workersKilledAfterAll } from "../support/worker.ts";
import { fakesForThisFile } from "../support/fakes.ts";

const { resend, twilio } = fakesForThisFile();
const startWorker = workersKilledAfterAll();

async function seeded(name: string, emails: number, sms: number, rates: { email: number; sms: number }) {
  const { url, db } = await fileDatabase(`pigeon-eyes-${name}-`);
  const now = new Date();
  await updateSettings(
    db,
    {
      name: "Eyes",
      emailRatePerSecond: rates.email,
      smsRatePerSecond: rates.sms,
      sendWindowStart: "00:00",
      sendWindowEnd: "24:00",
    },
    now,
  );
  const n = Math.max(emails, sms);
  await db.run(sql`insert into customers (first_name, email, phone, consent_email, consent_sms, created_at, updated_at)
    select 'C' || value, ${name} || value || '@eyes.test', printf('+1888%d%06d', ${name.length}, value), 1, 1, ${now.getTime()}, ${now.getTime()}
    from generate_series(1, ${n})`);
  const rows = await db
    .select({ id: customers.id, email: customers.email, phone: customers.phone })
    .from(customers)
    .orderBy(customers.id);
  await db.run(
    sql`insert into phone_lookups (phone, line_type, looked_up_at) select phone, 'mobile', ${now.getTime()} from customers`,
  );
  await enqueueDeliveries(
    db,
    { sourceType: "test" },
    [
      ...rows.slice(0, emails).map((c) => ({
        key: deliveryKey({ kind: "test", id: name }, { customerId: c.id }, "email"),
        decision: { customerId: c.id, channel: "email" as const, to: c.email, skip: null },
        dueAt: now,
        subject: "Hello {{customer.first_name}}",
        body: "Hi {{customer.first_name}}",
      })),
      ...rows.slice(0, sms).map((c) => ({
        key: deliveryKey({ kind: "test", id: name }, { customerId: c.id }, "sms"),
        decision: { customerId: c.id, channel: "sms" as const, to: c.phone, skip: null },
        dueAt: now,
        body: "Hi {{customer.first_name}}",
      })),
    ],
    now,
  );
  const open = () => openDeliveries(db);
  const statuses = () =>
    db.all<{ status: string; n: number }>(sql`select status, count(*) as n from deliveries group by status`);
  const env = workerEnv({ url, resend, twilio, extra: { LEASE_MS: "1500", PROVIDER_TIMEOUT_MS: "2000" } });
  return { db, env, open, statuses };
}

const mine = (name: string) => ({
  emails: () => resend.sent.flatMap((m) => m.to).filter((to) => to.startsWith(name) && to.endsWith("@eyes.test")),
  sms: () => twilio.sent.map((m) => m.to).filter((to) => to.startsWith(`+1888${name.length}`)),
});

test(
  "kill -9 with a wave in flight (3 of 8 batches through, 5 held; 10 of 32 SMS through, 22 held): each recipient exactly once",
  async () => {
    const name = "killw";
    const { env, open, statuses } = await seeded(name, 800, 64, { email: 1000, sms: 1000 });
    resend.gate.closeAfter(3);
    const first = startWorker(env);
    await until("5 batches held", () => resend.gate.waiting >= 5, 30_000);
    first.kill("SIGKILL");
    await first.exited;
    resend.gate.open();
    await until("held batches accepted", () => resend.gate.waiting === 0);
    twilio.gate.closeAfter(10);
    const second = startWorker(env);
    await until("22 SMS held", () => twilio.gate.waiting >= 22, 30_000);
    second.kill("SIGKILL");
    await second.exited;
    twilio.gate.open();
    const third = startWorker(env);
    await until("all settled", async () => (await open()) === 0, 120_000);
    third.kill("SIGTERM");
    await third.exited;
    const m = mine(name);
    expect(m.emails().length).toBe(800);
    expect(new Set(m.emails()).size).toBe(800);
    expect(m.sms().length).toBe(64);
    expect(new Set(m.sms()).size).toBe(64);
    expect(await statuses()).toEqual([{ status: "sent", n: 864 }]);
  },
  { timeout: 300_000 },
);

test(
  "two workers on one big message (3,000 e-mails, 300 SMS): each recipient exactly once",
  async () => {
    const name = "twow";
    const { env, open, statuses } = await seeded(name, 3000, 300, { email: 1000, sms: 1000 });
    const ws = [startWorker(env), startWorker(env)];
    await until("all settled", async () => (await open()) === 0, 120_000);
    for (const w of ws) w.kill("SIGTERM");
    await Promise.all(ws.map((w) => w.exited));
    const m = mine(name);
    expect(m.emails().length).toBe(3000);
    expect(new Set(m.emails()).size).toBe(3000);
    expect(m.sms().length).toBe(300);
    expect(await statuses()).toEqual([{ status: "sent", n: 3300 }]);
  },
  { timeout: 300_000 },
);
