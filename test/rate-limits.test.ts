// "Fast yet within the configured rates" (SPEC D3): with the fake Resend and Twilio enforcing
// the same per-second limits the studio configured, a large send never gets a 429.
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import { createDeps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { createCustomer } from "../src/db/customers.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { providersFromConfig } from "../src/dispatch/providers.ts";
import { makeTestApp } from "./support/app.ts";
import { fakesForThisFile } from "./support/fakes.ts";

const { resend, twilio } = fakesForThisFile();

test(
  "1,000 e-mails and 40 SMS at 5 requests/s and 20 SMS/s: all sent, not one 429",
  async () => {
    const t = await makeTestApp({
      env: {
        PUBLIC_URL: "https://pigeon.test",
        RESEND_API_KEY: resend.apiKey,
        RESEND_BASE_URL: resend.url,
        EMAIL_FROM: "Studio <hi@studio.test>",
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM: "+17770001111",
        TWILIO_BASE_URL: twilio.url!,
      },
    });
    const now = new Date();
    t.setNow(now);
    const clock = () => new Date();
    const deps = { ...t.deps, clock };
    await updateSettings(
      t.db,
      { emailRatePerSecond: 5, smsRatePerSecond: 20, sendWindowStart: "00:00", sendWindowEnd: "24:00" },
      now,
    );
    resend.setRateLimit(5);
    twilio.setRateLimit(20);
    const customer = await createCustomer(t.db, { first_name: "Ann", email: "ann@x.test" }, "test", now);
    const entries = [
      ...Array.from({ length: 1000 }, (_, i) => ({
        key: deliveryKey({ kind: "test", id: "rate" }, { address: `p${i}@x.test` }, "email"),
        decision: { customerId: customer.id, channel: "email" as const, to: `p${i}@x.test`, skip: null },
        dueAt: now,
        subject: "Hi",
        body: "Hello",
      })),
      ...Array.from({ length: 40 }, (_, i) => ({
        key: deliveryKey({ kind: "test", id: "rate" }, { address: `+1777000${String(i).padStart(4, "0")}` }, "sms"),
        decision: {
          customerId: customer.id,
          channel: "sms" as const,
          to: `+1777000${String(i).padStart(4, "0")}`,
          skip: null,
        },
        dueAt: now,
        body: "Hello",
      })),
    ];
    await enqueueDeliveries(t.db, { sourceType: "test" }, entries, now);
    const dispatcher = createDispatcher(deps, providersFromConfig(t.deps.config, t.db, clock), { owner: "rate" });
    let sent = 0;
    let retried = 0;
    const deadline = Date.now() + 30_000;
    while (sent < 1040 && Date.now() < deadline) {
      const r = await dispatcher.tick();
      sent += r.sent;
      retried += r.retried;
      await Bun.sleep(r.throttledMs ?? 5);
    }
    expect(sent).toBe(1040);
    expect(retried).toBe(0);
    expect(resend.sent).toHaveLength(1000);
    expect(twilio.sent).toHaveLength(40);
  },
  { timeout: 300_000 },
);

test(
  "two processes on one database share the rate: 60 SMS at 10/s from two dispatchers, not one 429",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "pigeon-rate-"));
    const url = `file:${join(dir, "pigeon.db")}`;
    const env = {
      DATABASE_URL: url,
      PUBLIC_URL: "https://pigeon.test",
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: "+17770001111",
      TWILIO_BASE_URL: twilio.url!,
    };
    // Two connections to one file, as two processes have: each its own dispatcher.
    const processes = [];
    for (const name of ["web", "worker"]) {
      const db = await openDatabase(url);
      await migrateDatabase(db);
      processes.push(
        createDeps({
          db,
          config: loadConfig(env),
          clock: () => new Date(),
          log: silentLogger,
          dispatcher: { owner: name },
        }),
      );
    }
    const { db } = processes[0]!;
    const now = new Date();
    await updateSettings(db, { smsRatePerSecond: 10, sendWindowStart: "00:00", sendWindowEnd: "24:00" }, now);
    twilio.setRateLimit(10);
    const before = twilio.sent.length;
    const customer = await createCustomer(db, { first_name: "Ann", phone: "+17770009999" }, "test", now);
    const entries = Array.from({ length: 60 }, (_, i) => {
      const to = `+1777100${String(i).padStart(4, "0")}`;
      return {
        key: deliveryKey({ kind: "test", id: "shared" }, { address: to }, "sms"),
        decision: { customerId: customer.id, channel: "sms" as const, to, skip: null },
        dueAt: now,
        body: "Hello",
      };
    });
    await enqueueDeliveries(db, { sourceType: "test" }, entries, now);
    const totals = { sent: 0, retried: 0 };
    const deadline = Date.now() + 60_000;
    await Promise.all(
      processes.map(async (p) => {
        while (totals.sent < 60 && Date.now() < deadline) {
          const r = await p.dispatcher.tick();
          totals.sent += r.sent;
          totals.retried += r.retried;
          await Bun.sleep(r.throttledMs ?? 5);
        }
      }),
    );
    expect(totals).toEqual({ sent: 60, retried: 0 });
    expect(twilio.sent.length - before).toBe(60);
    twilio.setRateLimit(null);
  },
  { timeout: 300_000 },
);
