// `pigeon worker` as an operator runs it (SPEC X6, issue 10 §1): a real process on a database
// file, sending through the fake Resend and Twilio with no web server; a one-time message armed
// in the database goes out, its heartbeat reaches a web-only process's /healthz, and SIGTERM stops it
// cleanly (exit 0).
import { expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import { messages } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDeps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";
import { recordSchedulerTick } from "../src/db/liveness.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { until } from "./support/until.ts";
import { fileDatabase, startWorker, workerEnv } from "./support/worker.ts";
import { fakesForThisFile } from "./support/fakes.ts";

const { resend, twilio } = fakesForThisFile();

test("pigeon worker sends an armed one-time message with no web server, shows in a web-only /healthz, and stops on SIGTERM with 0", async () => {
  const { url, db } = await fileDatabase("pigeon-worker-");
  const now = new Date();
  await updateSettings(
    db,
    {
      name: "Worker Studio",
      sendWindowStart: "00:00",
      sendWindowEnd: "24:00",
      emailRatePerSecond: 100,
      smsRatePerSecond: 100,
    },
    now,
  );
  await db.run(sql`insert into customers (first_name, email, phone, consent_email, consent_sms, created_at, updated_at)
    values ('Anna', 'anna@worker.test', '+17790000001', 1, 1, ${now.getTime()}, ${now.getTime()}), ('Ben', 'ben@worker.test', null, 1, 1, ${now.getTime()}, ${now.getTime()})`);
  const [m] = await db
    .insert(messages)
    .values({
      name: "Hello",
      channels: ["email", "sms"],
      subject: "Hello {{customer.first_name}}",
      body: "Picture day is Friday.",
      smsBody: "Picture day is Friday.",
      filters: {},
      status: "scheduled",
      activatedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();

  const env = workerEnv({ url, resend, twilio });
  // A web-only process on the same database: its /healthz has no scheduler of its own to ask.
  const web = createApp(
    createDeps({ db, config: loadConfig({ ...env, SCHEDULER: "off" }), clock: () => new Date(), log: silentLogger }),
  );
  const before = await (await web.request("/healthz")).json();
  expect(before.scheduler).toEqual({ enabled: false, workers_last_tick_at: null });

  const worker = startWorker(env);
  try {
    await until(
      "the message to be sent",
      async () =>
        (await db.select({ status: messages.status }).from(messages).where(eq(messages.id, m!.id)))[0]!.status ===
        "sent",
      60_000,
      50,
    );
    const health = await web.request("/healthz");
    expect(health.status).toBe(200);
    expect((await health.json()).scheduler.workers_last_tick_at).toEqual(expect.any(String));
  } finally {
    worker.kill("SIGTERM");
  }
  expect(await worker.exited).toBe(0);
  expect(resend.sent.map((e) => [e.to[0], e.subject])).toEqual([
    ["anna@worker.test", "Hello Anna"],
    ["ben@worker.test", "Hello Ben"],
  ]);
  expect(twilio.sent.map((s) => s.to)).toEqual(["+17790000001"]);
});

test("a web-only process whose workers stopped ticking 10 minutes ago reports itself degraded", async () => {
  const db = await openDatabase(":memory:");
  await migrateDatabase(db);
  const now = new Date();
  await db.run(
    sql`insert into worker_state (name, key, value, updated_at) values ('scheduler', 'last_tick', ${String(now.getTime() - 10 * 60_000)}, ${now.getTime()})`,
  );
  const web = createApp(
    createDeps({ db, config: loadConfig({ SCHEDULER: "off" }), clock: () => now, log: silentLogger }),
  );
  const res = await web.request("/healthz");
  expect(res.status).toBe(503);
  expect(await res.json()).toMatchObject({
    status: "degraded",
    reason: "no worker has run for 10 minutes: start `pigeon worker`",
  });
});

// The new-owner walk: a web-only server with no worker said "It starts within seconds" for ever.
test("staff pages say when nothing is being sent, and since when; they say nothing while it runs", async () => {
  const t = await makeTestApp({ env: { SCHEDULER: "off" } });
  const owner = await signedInOwner(t);
  await updateSettings(t.db, { timeZone: "Europe/Berlin" }, t.deps.clock());
  const page = await owner.get("/messages");
  expect(page.text).toContain('hx-get="/sending-status"');

  // No worker ever ran on this database.
  let status = await owner.get("/sending-status");
  expect(status.text).toContain(
    "Nothing is being sent:</strong> no worker has run on this database yet: start <code>pigeon worker</code>.",
  );
  let health = await t.app.request("/healthz");
  expect(health.status).toBe(503);
  expect((await health.json()).reason).toBe("no worker has run on this database yet: start `pigeon worker`");

  // A worker ran, then stopped 12 minutes ago.
  await recordSchedulerTick(t.db, new Date(t.deps.clock().getTime() - 12 * 60_000));
  status = await owner.get("/sending-status");
  expect(status.text).toContain(
    "no worker has run for 12 minutes: start <code>pigeon worker</code>. Last run: 2026-09-01 11:48 CEST.",
  );

  // It runs again: the line goes, /healthz is ok.
  await recordSchedulerTick(t.db, t.deps.clock());
  status = await owner.get("/sending-status");
  expect(status.status).toBe(204);
  expect(status.text).toBe("");
  health = await t.app.request("/healthz");
  expect(health.status).toBe(200);
  expect(await health.json()).not.toHaveProperty("reason");
});
