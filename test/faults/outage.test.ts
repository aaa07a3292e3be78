// A provider outage, waited out (SPEC D5, issue 10 §3): Resend answers 503 and Twilio 429 with
// Retry-After, then both hang past the provider timeout, then they recover. Sending resumes by
// itself, every recipient gets exactly one message, nothing fails or is held, and meanwhile the
// outbox shows each delivery waiting with the provider's own reason.
//
// "For minutes" in seconds: the retry policy's waits are shortened (base 200 ms, at most 1 s, the
// provider timeout 300 ms) and the first phase lasts until every delivery has been retried more
// often than the attempt limit (8) — so the outage is long relative to the policy, as a 30-minute outage
// is to the real one (5 s … 30 min), yet the test takes ~30 s. Phases end on those conditions,
// not on sleeps.
import { expect, test } from "bun:test";
import { count, sql } from "drizzle-orm";
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { RETRY } from "../../src/core/retry-policy.ts";
import { enqueueDeliveries } from "../../src/db/outbox.ts";
import { customers, deliveries, messages, phoneLookups } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { createDispatcher } from "../../src/dispatch/dispatcher.ts";
import { makeTestApp, signedInOwner } from "../support/app.ts";
import { until } from "../support/until.ts";
import { fakesForThisFile } from "../support/fakes.ts";
import { openDeliveries } from "../support/worker.ts";

const EMAILS = 200;
const SMS = 12;
const { resend, twilio } = fakesForThisFile();

test(
  "Resend 503s, Twilio 429s, then both hang, for longer than the attempt limit: sending resumes by itself, nothing lost or doubled, the outbox says why it waits",
  async () => {
    const t = await makeTestApp({
      now: new Date(),
      env: {
        PUBLIC_URL: "https://pigeon.test",
        RESEND_API_KEY: resend.apiKey,
        RESEND_BASE_URL: resend.url,
        EMAIL_FROM: "Outage Studio <hello@outage.test>",
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM: "+15550001111",
        TWILIO_BASE_URL: twilio.url!,
        PROVIDER_TIMEOUT_MS: "300",
      },
    });
    const { db } = t;
    const staff = await signedInOwner(t);
    const now = new Date();
    await updateSettings(db, { name: "Outage Studio", sendWindowStart: "00:00", sendWindowEnd: "24:00" }, now);
    await db.run(sql`insert into customers (first_name, email, phone, consent_email, consent_sms, created_at, updated_at)
      select 'C' || value, 'o' || value || '@outage.test', '+1778' || printf('%07d', value), 1, 1, ${now.getTime()}, ${now.getTime()}
      from generate_series(1, ${EMAILS})`);
    const people = await db
      .select({ id: customers.id, email: customers.email, phone: customers.phone })
      .from(customers)
      .orderBy(customers.id);
    await db
      .insert(phoneLookups)
      .values(people.slice(0, SMS).map((p) => ({ phone: p.phone!, lineType: "mobile", lookedUpAt: now })));
    const [m] = await db
      .insert(messages)
      .values({
        name: "Picture day",
        channels: ["email", "sms"],
        subject: "Picture day, {{customer.first_name}}",
        body: "Picture day is Friday.",
        smsBody: "Picture day is Friday.",
        filters: {},
        status: "sending",
      })
      .returning();
    const entry = (p: (typeof people)[number], channel: "email" | "sms") => ({
      key: deliveryKey({ kind: "message", messageId: m!.id }, { customerId: p.id }, channel),
      decision: { customerId: p.id, channel, to: channel === "email" ? p.email : p.phone, skip: null },
      dueAt: now,
    });
    await enqueueDeliveries(
      db,
      { sourceType: "message", messageId: m!.id },
      [...people.map((p) => entry(p, "email")), ...people.slice(0, SMS).map((p) => entry(p, "sms"))],
      now,
    );

    // The whole app on the real clock: the dispatcher as `pigeon worker` runs it, the policy's waits shortened.
    const clock = () => new Date();
    t.setNow(clock());
    const deps = { ...t.deps, clock };
    // No jitter: a batch's members stay together, so each round is one replay per batch, not one per
    // member (which is right, only slower: every replay of a 100-member batch is a 300 ms hang here).
    const dispatcher = createDispatcher(deps, t.deps.providers, {
      owner: "outage",
      idleMs: 50,
      providerTimeoutMs: 300,
      random: () => 0.5,
      retry: { baseMs: 200, maxDelayMs: 1_000 },
    });

    // /healthz polled throughout: its slowest answer is measured and printed, not judged.
    let slowestHealthz = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const started = performance.now();
        const res = await t.app.request("/healthz");
        await res.text();
        slowestHealthz = Math.max(slowestHealthz, performance.now() - started);
        await Bun.sleep(50);
      }
    })();

    const retriesSince = async (since: number) =>
      (
        await db.all<{ channel: string; least: number }>(sql`
        select d.channel, min(coalesce(n, 0)) as least from deliveries d
          left join (select delivery_id, count(*) as n from delivery_events where type = 'retry_scheduled' and occurred_at >= ${since} group by delivery_id) e on e.delivery_id = d.id
         group by d.channel`)
      ).reduce((least, r) => Math.min(least, r.least), Number.POSITIVE_INFINITY);
    const settledBadly = async () =>
      (
        await db
          .select({ n: count() })
          .from(deliveries)
          .where(sql`${deliveries.status} in ('failed', 'held', 'skipped')`)
      )[0]!.n;

    // Phase 1: Resend answers 503, Twilio 429 with Retry-After, until every delivery has been
    // retried more often than the attempt limit allows (the code before this fix gave up there).
    resend.outage.begin({
      fault: { status: 503, name: "internal_server_error", message: "Resend is down for maintenance" },
    });
    twilio.outage.begin({
      fault: { status: 429, retryAfter: 1, message: "Too Many Requests: the account's queue is full" },
    });
    const phase1 = Date.now();
    dispatcher.start();
    await until(
      "every delivery retried past the attempt limit, or one given up",
      async () => (await retriesSince(phase1)) > RETRY.maxAttempts || (await settledBadly()) > 0,
      120_000,
    );
    expect(await settledBadly()).toBe(0);

    // What staff see meanwhile: each delivery waits, saying when it is tried again and why.
    const emailList = await staff.get(`/outbox?status=queued&channel=email&message=${m!.id}`);
    expect(emailList.text).toContain("Will try again at");
    expect(emailList.text).toContain("503 internal_server_error Resend is down for maintenance");
    const smsList = await staff.get(`/outbox?status=queued&channel=sms&message=${m!.id}`);
    expect(smsList.text).toContain("Too Many Requests: the account&#39;s queue is full");

    // Phase 2: both hang past the provider timeout (the hung requests are never carried out), until
    // every delivery has timed out at least once more and an SMS of unknown outcome has been looked
    // up at Twilio (that look-up hangs too, and is waited out as well).
    resend.outage.end();
    twilio.outage.end();
    resend.outage.begin({ hang: true });
    twilio.outage.begin({ hang: true });
    const phase2 = Date.now();
    const lookUps = () => twilio.requests.filter((r) => r.method === "GET" && r.at.getTime() >= phase2).length;
    await until(
      "every delivery timed out once more and an SMS looked up, or one given up",
      async () => ((await retriesSince(phase2)) >= 1 && lookUps() > 0) || (await settledBadly()) > 0,
      120_000,
    );
    expect(await settledBadly()).toBe(0);
    const during = { resend: resend.sent.length, twilio: twilio.sent.length };

    // Recovery: nobody touches anything, and it all goes out.
    resend.outage.end();
    twilio.outage.end();
    const open = () => openDeliveries(db);
    await until("every delivery settled after the recovery", async () => (await open()) === 0, 120_000);
    await dispatcher.stop();
    polling = false;
    await poll;

    expect(during).toEqual({ resend: 0, twilio: 0 });
    const emailsTo = resend.sent.flatMap((e) => e.to);
    expect(emailsTo.length).toBe(EMAILS);
    expect(new Set(emailsTo).size).toBe(EMAILS);
    const smsTo = twilio.sent.map((s) => s.to);
    expect(smsTo.length).toBe(SMS);
    expect(new Set(smsTo).size).toBe(SMS);
    const settled = await db
      .select({ status: deliveries.status, n: count() })
      .from(deliveries)
      .groupBy(deliveries.status);
    expect(settled).toEqual([{ status: "sent", n: EMAILS + SMS }]);
    const [most] = await db.all<{ n: number }>(
      sql`select max(n) as n from (select count(*) as n from delivery_events where type = 'retry_scheduled' group by delivery_id)`,
    );
    console.log(
      `outage: ${resend.outage.met} Resend and ${twilio.outage.met} Twilio requests met the outage, up to ${most!.n} retries per delivery (attempt limit ${RETRY.maxAttempts}); then ${EMAILS} e-mails and ${SMS} SMS sent, duplicates ${emailsTo.length - new Set(emailsTo).size + smsTo.length - new Set(smsTo).size}, failed or held 0, rate-limit 429s ${resend.rateLimited + twilio.rateLimited}; slowest /healthz ${slowestHealthz.toFixed(0)} ms`,
    );
  },
  { timeout: 240_000 },
);
