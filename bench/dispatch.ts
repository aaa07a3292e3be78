// Dispatch throughput (run: `bun run bench dispatch`, or `bun bench/dispatch.ts [e-mails] [sms]`).
// A one-time message's queued deliveries go out through the real dispatcher loop: claimed with
// leases, personalised, each e-mail batch's exact request recorded, sent through the real Resend
// and Twilio SDKs to the local fakes (their rate limit off; they run in a process of their own),
// and acknowledged in the database. Timed from the loop's start to the last acknowledgement.
//   dispatch_email_per_s          e-mails, in batches of 100
//   dispatch_sms_per_s            SMS to numbers whose line type is known (looked up before)
//   dispatch_sms_first_contact_per_s   SMS to numbers never texted: each is looked up first (D10)
// Medians of 3 runs; every run checks that the fakes received each message exactly once.
import { and, eq, inArray, sql } from "drizzle-orm";
import { loadConfig } from "../src/config.ts";
import { deliveryKey } from "../src/core/delivery-key.ts";
import type { Channel } from "../src/core/vocabulary.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { deliveries, messages } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { providersFromConfig } from "../src/dispatch/providers.ts";
import { createDeps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";
import { startFakeProviders, type Tally } from "./support/fake-providers.ts";
import { benchDatabase, median } from "./support/measure.ts";
import { report } from "./support/report.ts";

const EMAILS = Number(process.argv[2] ?? 10_000);
const SMS = Number(process.argv[3] ?? 2_000);
const RUNS = 3;
const CUSTOMERS = Math.max(EMAILS, SMS * RUNS);

const db = await benchDatabase();
const started = new Date();
await updateSettings(
  db,
  {
    name: "Bench Studio",
    emailRatePerSecond: 100_000,
    smsRatePerSecond: 100_000,
    sendWindowStart: "00:00",
    sendWindowEnd: "24:00",
  },
  started,
);
await db.run(sql`insert into customers (first_name, last_name, email, phone, consent_email, consent_sms, created_at, updated_at)
  select 'First' || value, 'Last' || value, 'c' || value || '@bench.test', '+1777' || printf('%07d', value), 1, 1, ${started.getTime()}, ${started.getTime()}
  from generate_series(1, ${CUSTOMERS})`);

const fakes = await startFakeProviders();
const config = loadConfig({
  PUBLIC_URL: "https://pigeon.test",
  RESEND_API_KEY: fakes.resend.apiKey,
  RESEND_BASE_URL: fakes.resend.url,
  EMAIL_FROM: "Bench <bench@bench.test>",
  TWILIO_ACCOUNT_SID: fakes.twilio.accountSid,
  TWILIO_AUTH_TOKEN: fakes.twilio.authToken,
  TWILIO_FROM: "+15550001111",
  TWILIO_BASE_URL: fakes.twilio.url,
});
const deps = createDeps({ db, config, clock: () => new Date(), log: silentLogger });
const dispatcher = createDispatcher(deps, providersFromConfig(config, db, deps.clock), { owner: "bench" });

const TEXTS = {
  email: {
    subject: "Your photos, {{customer.first_name}}",
    body: 'Hello {{customer.first_name}},\n\nyour photos from **{{job.name | "the shoot"}}** are ready. Order before Friday for free shipping.\n\n{{studio.name}}',
  },
  sms: { subject: "", body: "Hi {{customer.first_name}}, your photos are ready!" },
} as const;

/** Queues a one-time message on `channel` to customers first..first+n-1; returns its id. */
async function queueMessage(channel: "email" | "sms", first: number, n: number, label: string) {
  const now = new Date();
  const [m] = await db
    .insert(messages)
    .values({ name: label, channels: [channel], ...TEXTS[channel], filters: {}, status: "sending", activatedAt: now })
    .returning({ id: messages.id });
  const entries = Array.from({ length: n }, (_, i) => {
    const c = first + i;
    return {
      key: deliveryKey({ kind: "message", messageId: m!.id }, { customerId: c }, channel),
      decision: {
        customerId: c,
        channel: channel as Channel,
        to: channel === "email" ? `c${c}@bench.test` : `+1777${String(c).padStart(7, "0")}`,
        skip: null,
      },
      dueAt: new Date(0),
    };
  });
  await enqueueDeliveries(db, { sourceType: "message", messageId: m!.id }, entries, now);
  return m!.id;
}

const unfinished = async (messageId: number) =>
  (
    await db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(and(eq(deliveries.messageId, messageId), inArray(deliveries.status, ["queued", "sending"])))
      .limit(1)
  ).length > 0;

/** Sends the message through the running dispatcher loop; messages per second, checked against the fakes. */
async function dispatchRate(channel: "email" | "sms", messageId: number, n: number, what: string) {
  const t0 = performance.now();
  dispatcher.start();
  while (await unfinished(messageId)) await Bun.sleep(5);
  const seconds = (performance.now() - t0) / 1000;
  await dispatcher.stop();
  const [sent] = await db.all<{ n: number }>(
    sql`select count(*) as n from deliveries where message_id = ${messageId} and status = 'sent'`,
  );
  const got: Tally = await fakes.tally();
  const [count, distinct] = channel === "email" ? [got.emails, got.emailDeliveries] : [got.sms, got.smsDeliveries];
  if (sent!.n !== n || count !== n || distinct !== n)
    throw new Error(`${what}: ${sent!.n} of ${n} acknowledged, the fake received ${count} for ${distinct} deliveries`);
  return { rate: n / seconds, lookups: got.lookups };
}

const rates = { email: [] as number[], sms: [] as number[], firstContact: [] as number[] };
for (let run = 1; run <= RUNS; run++) {
  const email = await queueMessage("email", 1, EMAILS, `email ${run}`);
  rates.email.push((await dispatchRate("email", email, EMAILS, `e-mail run ${run}`)).rate);
  // New numbers each run: none has a line type on record, so each is looked up before its SMS.
  const first = (run - 1) * SMS + 1;
  const fresh = await queueMessage("sms", first, SMS, `sms first contact ${run}`);
  const firstContact = await dispatchRate("sms", fresh, SMS, `first-contact SMS run ${run}`);
  if (firstContact.lookups !== SMS) throw new Error(`expected ${SMS} line-type lookups, saw ${firstContact.lookups}`);
  rates.firstContact.push(firstContact.rate);
  // The same numbers again: their line types are on record now.
  const again = await queueMessage("sms", first, SMS, `sms ${run}`);
  const known = await dispatchRate("sms", again, SMS, `SMS run ${run}`);
  if (known.lookups !== 0) throw new Error(`expected no line-type lookups, saw ${known.lookups}`);
  rates.sms.push(known.rate);
}
fakes.stop();

const fmt = (x: number) => Math.round(x).toLocaleString("en");
console.error(
  `\nbun bench/dispatch.ts ${EMAILS} ${SMS} (e-mails, SMS per run): ${RUNS} runs, file database, the fakes in their own process\n` +
    `  each run in order: e-mail ${rates.email.map(fmt).join(", ")} /s; SMS (line types known) ${rates.sms.map(fmt).join(", ")} /s; ` +
    `SMS (first contact) ${rates.firstContact.map(fmt).join(", ")} /s; the figures below are their medians`,
);
report("dispatch_email_per_s", median(rates.email), "/s", 20_000);
report("dispatch_sms_per_s", median(rates.sms), "/s", 3_000);
report("dispatch_sms_first_contact_per_s", median(rates.firstContact), "/s");
process.exit(0);
