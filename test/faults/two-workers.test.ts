// One web process and two workers on one database file (issue 10 §4), as the README deploys them:
// `SCHEDULER=off pigeon serve` and `pigeon worker` twice, all real processes. Through the web
// process's JSON API a one-time message is sent and a job is set to selling, which fires its
// profile's notification (read and fired by whichever worker gets there). Nothing goes twice,
// and the fakes, limited to exactly the studio's configured rates, never answer 429: the rate
// budget is one for all processes. The web process's /healthz reports the workers' ticks.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { count, sql } from "drizzle-orm";
import { communicationProfiles, deliveries, notifications } from "../../src/db/schema.ts";
import { createJob } from "../../src/db/jobs.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { until } from "../support/until.ts";
import { fileDatabase, workerEnv, workersKilledAfterAll } from "../support/worker.ts";
import { fakesForThisFile } from "../support/fakes.ts";

const CUSTOMERS = 300;
const MOBILES = 60;
const EMAIL_RATE = 2; // requests per second (a batch of up to 100 is one)
const SMS_RATE = 10; // messages per second
const { resend, twilio } = fakesForThisFile();
const startWorker = workersKilledAfterAll();

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const freePort = () => {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port;
  void s.stop(true);
  return port;
};

test(
  "a web process and two workers send a one-time message and a job's notification together: each once, never over the provider's rate",
  async () => {
    const { url, db } = await fileDatabase("pigeon-two-workers-");
    const now = new Date();
    await updateSettings(
      db,
      {
        name: "Two Workers Studio",
        emailRatePerSecond: EMAIL_RATE,
        smsRatePerSecond: SMS_RATE,
        sendWindowStart: "00:00",
        sendWindowEnd: "24:00",
        staggerBatchSize: 100_000,
        staggerIntervalSeconds: 0,
      },
      now,
    );
    resend.setRateLimit(EMAIL_RATE);
    twilio.setRateLimit(SMS_RATE);
    await db.run(sql`insert into customers (first_name, email, phone, consent_email, consent_sms, created_at, updated_at)
      select 'C' || value, 'w' || value || '@two.test', case when value <= ${MOBILES} then '+1780' || printf('%07d', value) end, 1, 1, ${now.getTime()}, ${now.getTime()}
      from generate_series(1, ${CUSTOMERS})`);
    const [profile] = await db.insert(communicationProfiles).values({ name: "School" }).returning();
    await db.insert(notifications).values([
      {
        profileId: profile!.id,
        trigger: "job_selling",
        channel: "email",
        subject: "Your photos are on sale",
        body: "Order now, {{customer.first_name}}.",
      },
      { profileId: profile!.id, trigger: "job_selling", channel: "sms", body: "Your photos are on sale." },
    ]);
    const job = await createJob(db, { name: "Lincoln", type: "school", profile_id: profile!.id }, {}, "ui", now);
    await db.run(
      sql`insert into registrations (job_id, customer_id, registered_at) select ${job.id}, id, ${now.getTime()} from customers`,
    );

    const env = workerEnv({ url, resend, twilio, extra: { LEASE_MS: "3000", PROVIDER_TIMEOUT_MS: "5000" } });
    const created = Bun.spawnSync(["bun", MAIN, "create-api-key", "--name", "faults"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    });
    const apiKey = created.stdout.toString().trim().split("\n").at(-1)!;
    const port = freePort();
    const web = startWorker({ ...env, SCHEDULER: "off", PORT: String(port), HOST: "127.0.0.1" }, "serve");
    const workers = [startWorker(env), startWorker(env)];
    const base = `http://127.0.0.1:${port}`;
    await until(
      "the web process to answer",
      async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok === true,
      60_000,
      100,
    );
    await until(
      "a worker's first tick in the web process's /healthz",
      async () => (await (await fetch(`${base}/healthz`)).json()).scheduler.workers_last_tick_at !== null,
      60_000,
      100,
    );

    let slowestHealthz = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const started = performance.now();
        const res = await fetch(`${base}/healthz`);
        expect(res.status).toBe(200);
        await res.text();
        slowestHealthz = Math.max(slowestHealthz, performance.now() - started);
        await Bun.sleep(100);
      }
    })();

    const api = (path: string, body: unknown) =>
      fetch(`${base}/api/v1${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const draft = await api("/messages", {
      name: "Picture day",
      channels: ["email", "sms"],
      subject: "Picture day, {{customer.first_name}}",
      body: "Picture day is Friday.",
      sms_body: "Picture day is Friday.",
    });
    expect(draft.status).toBe(201);
    const message = (await draft.json()) as { id: number };
    expect((await api(`/messages/${message.id}/send`, {})).status).toBe(200);
    expect((await api(`/jobs/${job.id}/status`, { status: "selling" })).status).toBe(200);

    const expected = { email: 2 * CUSTOMERS, sms: 2 * MOBILES };
    const settled = async () => {
      const [row] = await db.all<{ open: number; sent: number }>(
        sql`select sum(status not in ('sent', 'failed', 'skipped', 'held')) as open, sum(status = 'sent') as sent from deliveries`,
      );
      return row!.open === 0 && row!.sent === expected.email + expected.sms;
    };
    await until("both sends settled", settled, 240_000, 100);
    polling = false;
    await poll;

    const emails = resend.sent.map((e) => `${e.to.join()}|${e.subject}`);
    const texts = twilio.sent.map((s) => `${s.to}|${s.body}`);
    const duplicates = emails.length - new Set(emails).size + (texts.length - new Set(texts).size);
    expect(duplicates).toBe(0);
    expect({ email: emails.length, sms: texts.length }).toEqual(expected);
    const bySource = await db.all<{ source: string; channel: string; status: string; n: number }>(
      sql`select source_type as source, channel, status, count(*) as n from deliveries group by 1, 2, 3 order by 1, 2, 3`,
    );
    expect(bySource.filter((r) => r.status !== "skipped")).toEqual([
      { source: "message", channel: "email", status: "sent", n: CUSTOMERS },
      { source: "message", channel: "sms", status: "sent", n: MOBILES },
      { source: "notification", channel: "email", status: "sent", n: CUSTOMERS },
      { source: "notification", channel: "sms", status: "sent", n: MOBILES },
    ]);
    const skippedWithoutReason = (
      await db
        .select({ n: count() })
        .from(deliveries)
        .where(sql`${deliveries.status} = 'skipped' and ${deliveries.skipReason} is null`)
    )[0]!.n;
    expect(skippedWithoutReason).toBe(0);
    const tooMany = { resend: resend.rateLimited, twilio: twilio.rateLimited };
    expect(tooMany).toEqual({ resend: 0, twilio: 0 });
    // SIGTERM to all three at once: each stops cleanly while the others still write.
    for (const w of workers) w.kill("SIGTERM");
    web.kill("SIGTERM");
    expect(await Promise.all([...workers, web].map((p) => p.exited))).toEqual([0, 0, 0]);
    console.log(
      `two workers and a web process: sent ${emails.length} e-mails and ${texts.length} SMS (a message and a notification); duplicates ${duplicates}; skipped without reason ${skippedWithoutReason}; 429s seen ${tooMany.resend + tooMany.twilio} at ${EMAIL_RATE} e-mail requests/s and ${SMS_RATE} SMS/s; slowest /healthz ${slowestHealthz.toFixed(0)} ms`,
    );
  },
  { timeout: 300_000 },
);
