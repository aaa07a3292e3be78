// SPEC D4 under real crashes: a `pigeon worker` process sending 10,000 e-mails and 2,000 SMS to the local fake
// Resend and Twilio is killed with SIGKILL twice — once while an e-mail batch is in flight, once
// while an SMS is — and started again each time. The fakes' logs must show every recipient
// exactly once. Conditions decide when to kill, not the clock: each fake holds its sending
// requests at a gate after a random number of them, the worker is killed while a request waits
// there, and the held request is then completed (the provider got it; the worker never heard).
import { expect, test } from "bun:test";
import { count, sql } from "drizzle-orm";
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { loadConfig } from "../../src/config.ts";
import { enqueueDeliveries } from "../../src/db/outbox.ts";
import { customers, deliveries } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { createDeps } from "../../src/deps.ts";
import { silentLogger } from "../../src/log.ts";
import { until } from "../support/until.ts";
import { fileDatabase, openDeliveries, workersKilledAfterAll } from "../support/worker.ts";
import { fakesForThisFile } from "../support/fakes.ts";

const EMAILS = 10_000;
const SMS = 2_000;
const { resend, twilio } = fakesForThisFile();
const startPigeon = workersKilledAfterAll();

/** A real `pigeon worker` process (test/support/worker.ts), killed after all tests if still alive. */
const startWorker = (env: Record<string, string>) => startPigeon({ LOG_LEVEL: "warn", ...env });

const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));

test(
  "kill -9 inside an e-mail batch and inside an SMS, restart: every recipient exactly once, nobody skipped",
  async () => {
    const { url, db } = await fileDatabase("pigeon-crash-");
    const now = new Date();
    // Rate limiting off, window round the clock: this test is about exactly-once, not pacing.
    await updateSettings(
      db,
      {
        name: "Crash Studio",
        emailRatePerSecond: 1000,
        smsRatePerSecond: 1000,
        sendWindowStart: "00:00",
        sendWindowEnd: "24:00",
      },
      now,
    );
    await db.run(sql`insert into customers (first_name, email, phone, consent_email, consent_sms, created_at, updated_at)
      select 'C' || value, 'c' || value || '@crash.test', '+1777' || printf('%07d', value), 1, 1, ${now.getTime()}, ${now.getTime()}
      from generate_series(1, ${EMAILS})`);
    const ids = (await db.select({ id: customers.id }).from(customers).orderBy(customers.id)).map((r) => r.id);
    const entries = [
      ...ids.map((id, i) => ({
        key: deliveryKey({ kind: "test", id: "crash" }, { customerId: id }, "email"),
        decision: { customerId: id, channel: "email" as const, to: `c${i + 1}@crash.test`, skip: null },
        dueAt: now,
        subject: "Hello {{customer.first_name}}",
        body: "Your photos, {{customer.first_name}}.",
      })),
      ...ids.slice(0, SMS).map((id, i) => ({
        key: deliveryKey({ kind: "test", id: "crash" }, { customerId: id }, "sms"),
        decision: {
          customerId: id,
          channel: "sms" as const,
          to: `+1777${String(i + 1).padStart(7, "0")}`,
          skip: null,
        },
        dueAt: now,
        body: "Photos ready, {{customer.first_name}}",
      })),
    ];
    await enqueueDeliveries(db, { sourceType: "test" }, entries, now);

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
      // A killed worker's leases lapse in 1.5 s, and an attempt is over after 2 s (its timeout).
      LEASE_MS: "1500",
      PROVIDER_TIMEOUT_MS: "2000",
    };

    // Kill 1: while an e-mail batch is in flight, somewhere between the 10th and 80th batch.
    const batches = between(10, 80);
    resend.gate.closeAfter(batches);
    const first = startWorker(env);
    await until("an e-mail batch held in flight", () => resend.gate.waiting > 0);
    first.kill("SIGKILL");
    await first.exited;
    resend.gate.open();
    await until("the held batch to be accepted", () => resend.gate.waiting === 0);

    // Kill 2: while an SMS is in flight, somewhere between the 100th and 1,800th.
    const texts = between(100, 1_800);
    twilio.gate.closeAfter(Math.max(1, texts - twilio.sent.length));
    const second = startWorker(env);
    await until("an SMS held in flight", () => twilio.gate.waiting > 0);
    second.kill("SIGKILL");
    await second.exited;
    twilio.gate.open();
    const killedAt = { email: resend.sent.length, sms: twilio.sent.length };

    const third = startWorker(env);
    const open = () => openDeliveries(db);
    await until("every delivery to be settled", async () => (await open()) === 0);
    third.kill("SIGTERM");
    await third.exited;

    const emailsTo = resend.sent.map((m) => m.to).flat();
    expect(emailsTo.length).toBe(EMAILS);
    expect(new Set(emailsTo).size).toBe(EMAILS);
    const smsTo = twilio.sent.map((m) => m.to);
    expect(smsTo.length).toBe(SMS);
    expect(new Set(smsTo).size).toBe(SMS);
    const settled = await db
      .select({ status: deliveries.status, n: count() })
      .from(deliveries)
      .groupBy(deliveries.status);
    expect(settled).toEqual([{ status: "sent", n: EMAILS + SMS }]);
    console.log(
      `crash test: killed inside e-mail batch ${batches + 1} and inside SMS ${texts + 1} (${killedAt.email} e-mails and ${killedAt.sms} SMS out by then); ${EMAILS} e-mails and ${SMS} SMS sent exactly once`,
    );
  },
  { timeout: 600_000 },
);

test(
  "a worker frozen mid-request (SIGSTOP) keeps its SMS: another worker whose clock runs 40 s ahead does not send it again",
  async () => {
    const { url, db } = await fileDatabase("pigeon-frozen-");
    const now = new Date();
    await updateSettings(
      db,
      { name: "Frozen Studio", smsRatePerSecond: 1000, sendWindowStart: "00:00", sendWindowEnd: "24:00" },
      now,
    );
    const phone = "+17779990001";
    const [c] = await db
      .insert(customers)
      .values({ firstName: "Anna", phone, consentSms: true, createdAt: now, updatedAt: now })
      .returning();
    await enqueueDeliveries(
      db,
      { sourceType: "test" },
      [
        {
          key: deliveryKey({ kind: "test", id: "frozen" }, { customerId: c!.id }, "sms"),
          decision: { customerId: c!.id, channel: "sms", to: phone, skip: null },
          dueAt: now,
          body: "Photos ready",
        },
      ],
      now,
    );
    const env = {
      DATABASE_URL: url,
      PUBLIC_URL: "https://pigeon.test",
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: "+15550001111",
      TWILIO_BASE_URL: twilio.url!,
      // Its claim lease is 300 ms; the provider's timeout stays 30 s.
      LEASE_MS: "300",
    };
    const sentBefore = twilio.sent.length;
    twilio.gate.closeAfter(0);
    const a = startWorker(env);
    await until("A's SMS held in flight", () => twilio.gate.waiting > 0);
    a.kill("SIGSTOP"); // A is frozen while Twilio works on its request: no heartbeat, no answer
    const b = createDeps({
      db,
      config: loadConfig(env),
      clock: () => new Date(Date.now() + 40_000),
      log: silentLogger,
      dispatcher: { owner: "B", leaseMs: 300 },
    });
    let trying = true;
    const bTries = (async () => {
      while (trying) {
        await b.dispatcher.tick();
        await Bun.sleep(50);
      }
    })();
    // B tries for a second and a half: five times A's claim lease, far short of the provider's timeout.
    await Bun.sleep(1_500);
    a.kill("SIGCONT");
    twilio.gate.open();
    trying = false;
    await bTries;
    const status = async () => (await db.select({ status: deliveries.status }).from(deliveries))[0]!.status;
    await until("the SMS to be settled", async () => (await status()) === "sent", 60_000);
    a.kill("SIGTERM");
    await a.exited;
    expect(twilio.sent.slice(sentBefore).map((m) => m.to)).toEqual([phone]);
  },
  { timeout: 300_000 },
);
