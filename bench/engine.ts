// Messaging engine throughput (run: `bun run bench`, or `bun bench/engine.ts [recipients]`).
// 1. audience → deliveries: loading candidates, deciding, and writing 100,000 deliveries.
// 2. dispatch to the local fake Resend and Twilio, rate limiting off: e-mails/s and SMS/s
//    through the real SDKs over loopback HTTP.
// Prints medians of 3 runs and the peak RSS of this process.
import { count, sql } from "drizzle-orm";
import { loadConfig } from "../src/config.ts";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { decideRecipients } from "../src/core/recipients.ts";
import { enqueueDeliveries, loadCandidates } from "../src/db/outbox.ts";
import { customers, deliveries } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { providersFromConfig } from "../src/dispatch/providers.ts";
import { createDeps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";
import { startFakeResend } from "../test/fakes/fake-resend.ts";
import { startFakeTwilio } from "../test/fakes/fake-twilio.ts";
import { benchDatabase, median } from "./support/measure.ts";

const RECIPIENTS = Number(process.argv[2] ?? 100_000);
const DISPATCH_EMAILS = 20_000;
const DISPATCH_SMS = 5_000;
const RUNS = 3;

/** The process's peak resident set so far, in MB (the kernel's own high-water mark). */
const peakRssMb = () => Math.round((process.resourceUsage().maxRSS * 1024) / 1024 / 1024);

const db = await benchDatabase();
const now = new Date();
await updateSettings(
  db,
  {
    name: "Bench Studio",
    emailRatePerSecond: 100_000,
    smsRatePerSecond: 100_000,
    sendWindowStart: "00:00",
    sendWindowEnd: "24:00",
  },
  now,
);
await db.run(sql`insert into customers (first_name, last_name, email, phone, consent_email, consent_sms, created_at, updated_at)
  select 'First' || value, 'Last' || value, 'c' || value || '@bench.test', '+1777' || printf('%07d', value), value % 10 != 0, value % 3 = 0, ${now.getTime()}, ${now.getTime()}
  from generate_series(1, ${RECIPIENTS})`);
const ids = (await db.select({ id: customers.id }).from(customers)).map((r) => r.id);

// 1. audience → deliveries
const enqueueRates: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  const started = performance.now();
  const decisions = decideRecipients(await loadCandidates(db, ids), "email", { requireConsent: true });
  const source = { kind: "message" as const, messageId: run };
  await enqueueDeliveries(
    db,
    { sourceType: "message", messageId: null },
    decisions.map((d) => ({
      key: deliveryKey(source, { customerId: d.customerId }, "email"),
      decision: d,
      dueAt: new Date(0),
    })),
    now,
  );
  enqueueRates.push(RECIPIENTS / ((performance.now() - started) / 1000));
}
await db.delete(deliveries);
const peakBeforeFakes = peakRssMb();

// 2. dispatch to the fakes (they run in this process and keep every request they receive,
//    so the peak RSS from here on is mostly theirs)
const resend = startFakeResend();
const twilio = startFakeTwilio();
const config = loadConfig({
  PUBLIC_URL: "https://pigeon.test",
  RESEND_API_KEY: resend.apiKey,
  RESEND_BASE_URL: resend.url,
  EMAIL_FROM: "Bench <bench@bench.test>",
  TWILIO_ACCOUNT_SID: twilio.accountSid,
  TWILIO_AUTH_TOKEN: twilio.authToken,
  TWILIO_FROM: "+15550001111",
  TWILIO_BASE_URL: twilio.url!,
});
const deps = createDeps({ db, config, clock: () => new Date(), log: silentLogger });
const dispatcher = createDispatcher(deps, providersFromConfig(config, db, deps.clock), { owner: "bench" });

async function dispatchRate(channel: "email" | "sms", n: number, run: number) {
  const body =
    channel === "email"
      ? 'Hello {{customer.first_name}}, your photos from **{{job.name | "the shoot"}}** are ready.'
      : "Hi {{customer.first_name}}, your photos are ready!";
  await enqueueDeliveries(
    db,
    { sourceType: "test" },
    ids.slice(0, n).map((id, i) => ({
      key: deliveryKey({ kind: "test", id: `${channel}${run}` }, { customerId: id }, channel),
      decision: {
        customerId: id,
        channel,
        to: channel === "email" ? `c${i + 1}@bench.test` : `+1777${String(i + 1).padStart(7, "0")}`,
        skip: null,
      },
      dueAt: new Date(0),
      subject: "Your photos, {{customer.first_name}}",
      body,
    })),
    new Date(),
  );
  const started = performance.now();
  for (;;) {
    const r = await dispatcher.tick();
    if (r.sent + r.retried + r.failed + r.skipped === 0) {
      const [left] = await db
        .select({ n: count() })
        .from(deliveries)
        .where(sql`${deliveries.status} in ('queued', 'sending')`);
      if (left!.n === 0) break;
    }
  }
  return n / ((performance.now() - started) / 1000);
}
const emailRates: number[] = [];
const smsRates: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  emailRates.push(await dispatchRate("email", DISPATCH_EMAILS, run));
  smsRates.push(await dispatchRate("sms", DISPATCH_SMS, run));
}
if (resend.sent.length !== DISPATCH_EMAILS * RUNS || twilio.sent.length !== DISPATCH_SMS * RUNS)
  throw new Error("the fakes did not receive every message exactly once");
resend.stop();
twilio.stop();

const fmt = (x: number) => Math.round(x).toLocaleString("en");
console.log(`\nbun bench/engine.ts ${RECIPIENTS} — medians of ${RUNS} runs, file database, loopback fakes\n`);
console.table([
  { measure: `audience → deliveries (${fmt(RECIPIENTS)} recipients)`, "per second": fmt(median(enqueueRates)) },
  {
    measure: `dispatch e-mail to fake Resend (${fmt(DISPATCH_EMAILS)}, batches of 100)`,
    "per second": fmt(median(emailRates)),
  },
  { measure: `dispatch SMS to fake Twilio (${fmt(DISPATCH_SMS)})`, "per second": fmt(median(smsRates)) },
]);
console.log(`peak RSS while turning ${fmt(RECIPIENTS)} recipients into deliveries: ${peakBeforeFakes} MB`);
console.log(`peak RSS with the in-process fakes holding every request: ${peakRssMb()} MB`);
process.exit(0);
