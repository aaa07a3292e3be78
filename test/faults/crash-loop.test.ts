// The crash loop (issue 10 §2): a one-time message to 20,000 customers by e-mail and SMS (2,000 of
// them have a mobile number) is started and sent by a real `pigeon worker` process against the
// local fake Resend and Twilio, and that process is killed with SIGKILL at least 10 times and
// started again. Every kill comes after a random number of provider requests the fakes saw since
// the worker started (the first one as soon as the message's first deliveries are written, so the
// scheduler's start is in the crash too) — conditions, not sleeps. At the end the fakes' logs show
// every recipient exactly once per channel (a replay Resend answers from its idempotency cache is
// not a send, and the fake does not log it as one), every skip has a reason, nothing is stuck.
import { expect, test } from "bun:test";
import { count, eq, sql } from "drizzle-orm";
import { deliveries, messages } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { until } from "../support/until.ts";
import { fileDatabase, openDeliveries, workerEnv, workersKilledAfterAll } from "../support/worker.ts";
import { fakesForThisFile } from "../support/fakes.ts";

const CUSTOMERS = 20_000;
const MOBILES = 2_000;
const KILLS = 10;
const { resend, twilio } = fakesForThisFile();
const startWorker = workersKilledAfterAll();

const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));

test(
  `pigeon worker killed with SIGKILL ${KILLS} times while sending 20,000 e-mails and 2,000 SMS: each recipient exactly once, every skip explained, nothing stuck`,
  async () => {
    const { url, db } = await fileDatabase("pigeon-crash-loop-");
    const now = new Date();
    // Fast rates and no stagger: this is about exactly-once under crashes, not pacing.
    await updateSettings(
      db,
      {
        name: "Crash Studio",
        emailRatePerSecond: 1000,
        smsRatePerSecond: 1000,
        sendWindowStart: "00:00",
        sendWindowEnd: "24:00",
        staggerBatchSize: 100_000,
        staggerIntervalSeconds: 0,
      },
      now,
    );
    await db.run(sql`insert into customers (first_name, email, phone, consent_email, consent_sms, created_at, updated_at)
      select 'C' || value, 'c' || value || '@loop.test', case when value <= ${MOBILES} then '+1779' || printf('%07d', value) end, 1, 1, ${now.getTime()}, ${now.getTime()}
      from generate_series(1, ${CUSTOMERS})`);
    // Their line types known already: Lookup is not what this is about, and it halves Twilio's requests.
    await db.run(
      sql`insert into phone_lookups (phone, line_type, looked_up_at) select phone, 'mobile', ${now.getTime()} from customers where phone is not null`,
    );
    // Armed as the Send button arms it: the worker's scheduler starts it.
    const [m] = await db
      .insert(messages)
      .values({
        name: "Picture day",
        channels: ["email", "sms"],
        subject: "Picture day, {{customer.first_name}}",
        body: "Picture day is Friday, {{customer.first_name}}.",
        smsBody: "Picture day is Friday, {{customer.first_name}}.",
        filters: {},
        status: "scheduled",
        activatedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const env = workerEnv({ url, resend, twilio, extra: { LEASE_MS: "1500", PROVIDER_TIMEOUT_MS: "2000" } });
    const requests = () => resend.requests.length + twilio.requests.length;
    const open = () => openDeliveries(db);
    const written = async () => (await db.select({ n: count() }).from(deliveries))[0]!.n;

    const kills: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const w = startWorker(env);
      if (k === 0) {
        await until("the message's first deliveries written", async () => (await written()) > 0);
      } else {
        const target = requests() + between(3, 25);
        await until("the fakes to see more requests", () => requests() >= target);
      }
      w.kill("SIGKILL");
      await w.exited;
      kills.push(k === 0 ? `${await written()} deliveries written` : `${requests()} requests`);
      expect(await open()).toBeGreaterThan(0); // killed while work was left
    }
    const last = startWorker(env);
    await until(
      "the message to be sent",
      async () =>
        (await db.select({ status: messages.status }).from(messages).where(eq(messages.id, m!.id)))[0]!.status ===
          "sent" && (await open()) === 0,
      240_000,
      100,
    );
    last.kill("SIGTERM");
    expect(await last.exited).toBe(0);

    const emailsTo = resend.sent.flatMap((e) => e.to);
    const smsTo = twilio.sent.map((s) => s.to);
    const duplicates = emailsTo.length - new Set(emailsTo).size + (smsTo.length - new Set(smsTo).size);
    expect(duplicates).toBe(0);
    expect(new Set(emailsTo).size).toBe(CUSTOMERS);
    expect(new Set(smsTo).size).toBe(MOBILES);
    const byStatus = await db.all<{ channel: string; status: string; reason: string | null; n: number }>(
      sql`select channel, status, skip_reason as reason, count(*) as n from deliveries group by 1, 2, 3 order by 1, 2, 3`,
    );
    expect(byStatus).toEqual([
      { channel: "email", status: "sent", reason: null, n: CUSTOMERS },
      { channel: "sms", status: "sent", reason: null, n: MOBILES },
      { channel: "sms", status: "skipped", reason: "no_address", n: CUSTOMERS - MOBILES },
    ]);
    const skippedWithoutReason = (
      await db
        .select({ n: count() })
        .from(deliveries)
        .where(sql`${deliveries.status} = 'skipped' and ${deliveries.skipReason} is null`)
    )[0]!.n;
    const leased = (
      await db
        .select({ n: count() })
        .from(deliveries)
        .where(sql`${deliveries.leaseOwner} is not null or ${deliveries.status} = 'sending'`)
    )[0]!.n;
    expect([skippedWithoutReason, leased]).toEqual([0, 0]);
    const keys = resend.requests.map((r) => r.headers["idempotency-key"]).filter(Boolean);
    console.log(
      `crash loop: ${kills.length} kills survived (after ${kills.join(", ")}); sent ${emailsTo.length} e-mails and ${smsTo.length} SMS; duplicates ${duplicates}; skipped without reason ${skippedWithoutReason}; ` +
        `${keys.length - new Set(keys).size} Resend replays under a key already used; 429s seen ${resend.rateLimited + twilio.rateLimited}`,
    );
  },
  { timeout: 300_000 },
);
