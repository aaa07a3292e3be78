// SPEC D4 under a real crash: a worker sending 10,000 e-mails and 2,000 SMS to the local fake
// Resend and Twilio is killed with SIGKILL mid-send and started again. The fakes' logs must
// show every recipient exactly once.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { count, eq, sql } from "drizzle-orm";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { customers, deliveries } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { startFakeResend } from "./fakes/fake-resend.ts";
import { startFakeTwilio } from "./fakes/fake-twilio.ts";

const EMAILS = 10_000;
const SMS = 2_000;
const resend = startFakeResend();
const twilio = startFakeTwilio();
const workers: ReturnType<typeof Bun.spawn>[] = [];
afterAll(() => {
  for (const w of workers) w.kill("SIGKILL");
  resend.stop();
  twilio.stop();
});

function startWorker(env: Record<string, string>) {
  const worker = Bun.spawn(["bun", join(import.meta.dir, "support", "dispatch-worker.ts")], { env: { ...process.env, ...env }, stdout: "ignore", stderr: "inherit" });
  workers.push(worker);
  return worker;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

test(
  "kill -9 mid-batch and restart: every e-mail recipient exactly once, no SMS twice, nobody skipped",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "pigeon-crash-"));
    const url = `file:${join(dir, "pigeon.db")}`;
    const db = await openDatabase(url);
    await migrateDatabase(db);
    const now = new Date();
    // Rate limiting off, window round the clock: this test is about exactly-once, not pacing.
    await updateSettings(db, { name: "Crash Studio", emailRatePerSecond: 1000, smsRatePerSecond: 1000, sendWindowStart: "00:00", sendWindowEnd: "24:00" }, now);
    await db.run(sql`insert into customers (first_name, email, phone, consent_email, consent_sms, created_at, updated_at)
      select 'C' || value, 'c' || value || '@crash.test', '+1777' || printf('%07d', value), 1, 1, ${now.getTime()}, ${now.getTime()}
      from generate_series(1, ${EMAILS})`);
    const ids = (await db.select({ id: customers.id }).from(customers).orderBy(customers.id)).map((r) => r.id);
    const entries = [
      ...ids.map((id, i) => ({ key: deliveryKey({ kind: "test", id: "crash" }, { customerId: id }, "email"), decision: { customerId: id, channel: "email" as const, to: `c${i + 1}@crash.test`, skip: null }, dueAt: now, subject: "Hello {{customer.first_name}}", body: "Your photos, {{customer.first_name}}." })),
      ...ids.slice(0, SMS).map((id, i) => ({ key: deliveryKey({ kind: "test", id: "crash" }, { customerId: id }, "sms"), decision: { customerId: id, channel: "sms" as const, to: `+1777${String(i + 1).padStart(7, "0")}`, skip: null }, dueAt: now, body: "Photos ready, {{customer.first_name}}" })),
    ];
    await enqueueDeliveries(db, { sourceType: "test" }, entries, now);
    resend.latencyMs = 40;
    twilio.latencyMs = 1;

    const env = {
      DATABASE_URL: url,
      PUBLIC_URL: "https://pigeon.test",
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      EMAIL_FROM: "Crash Studio <hello@crash.test>",
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: "+15550001111",
      TWILIO_BASE_URL: twilio.url!,
      LEASE_MS: "1500",
    };
    const first = startWorker(env);
    await until("the first worker to be mid-send", () => resend.sent.length >= 3_000 && twilio.sent.length >= 200);
    first.kill("SIGKILL");
    await first.exited;
    const sentBeforeCrash = { email: resend.sent.length, sms: twilio.sent.length };
    expect(sentBeforeCrash.email).toBeLessThan(EMAILS);

    const second = startWorker(env);
    const pending = async () => (await db.select({ n: count() }).from(deliveries).where(sql`${deliveries.status} not in ('sent', 'failed', 'skipped')`))[0]!.n;
    await until("every delivery to be settled", async () => (await pending()) === 0);
    second.kill("SIGTERM");
    await second.exited;

    const emailsTo = resend.sent.map((m) => m.to).flat();
    expect(new Set(emailsTo).size).toBe(EMAILS);
    expect(emailsTo.length).toBe(EMAILS);
    const smsTo = twilio.sent.map((m) => m.to);
    expect(smsTo.length).toBe(SMS);
    expect(new Set(smsTo).size).toBe(SMS);
    const settled = await db.select({ status: deliveries.status, n: count() }).from(deliveries).groupBy(deliveries.status);
    expect(settled).toEqual([{ status: "sent", n: EMAILS + SMS }]);
    const failed = await db.select().from(deliveries).where(eq(deliveries.status, "failed"));
    expect(failed).toHaveLength(0);
    console.log(`crash test: killed after ${sentBeforeCrash.email} e-mails and ${sentBeforeCrash.sms} SMS; ${EMAILS} e-mails and ${SMS} SMS sent exactly once`);
  },
  { timeout: 180_000 },
);
