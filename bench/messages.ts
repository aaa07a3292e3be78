// A one-time message over a million customers (SPEC O3, O6): the live recipient count and the start.
//   bun bench/messages.ts [count]      (default 1,000,000)
// Seeds a temporary file database in SQL (generate_series, a fixed pseudo-random spread): customers
// with and without e-mail and phone, families sharing addresses, ~2% suppressed, ~10% without
// e-mail consent, ~2,000 jobs with albums, registrations, orders, photos and appointments. Then
// prints the medians of a few runs of the queries behind the compose page for a filter that
// matches about a tenth of the customers (also counting who has no value for a placeholder the
// text cannot do without), and of the compose page's live count and preview requests through the
// real app (query + rendering, as the browser asks for them). Reports count_filter_ms (the live
// count for e-mail, whole request) and enqueue_recipients_per_s (a one-time e-mail to that tenth
// started as the scheduler starts it: deliveries written per second, median of 3 messages).
import { sql } from "drizzle-orm";
import { createApp } from "../src/app.ts";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { loadConfig } from "../src/config.ts";
import type { MessageFilters } from "../src/core/message-filters.ts";
import { createSession, createUser } from "../src/db/auth.ts";
import type { Database } from "../src/db/client.ts";
import { requiredKeys } from "../src/core/placeholders.ts";
import {
  type AudienceNeeds,
  audienceCustomerIds,
  audienceMembers,
  audienceSummary,
  excludedCustomers,
} from "../src/db/message-audience.ts";
import { getSettings } from "../src/db/settings.ts";
import { sharedValues } from "../src/dispatch/recipient-values.ts";
import { messages } from "../src/db/schema.ts";
import { createDeps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";
import { withoutCustomerTriggers } from "./support/seed.ts";
import { benchDatabase, median, timeMedian } from "./support/measure.ts";
import { report } from "./support/report.ts";

const COUNT = Number(process.argv[2] ?? 1_000_000);
const JOBS = 2_000;
/** Runs per query in the table printed for people; the reported figures take more. */
const RUNS = 3;
/** Runs of the live count reported as count_filter_ms. */
const COUNT_RUNS = 15;
/** Starts of a 100,000-recipient e-mail reported as enqueue_recipients_per_s. */
const STARTS = 3;
const NOW = new Date("2026-09-01T10:00:00Z");
const DAY = 86_400_000;

/**
 * A fixed pseudo-random number in [0, mod) per row and purpose `k`: a different permutation of
 * `value` modulo a prime for each purpose, so the attributes do not line up with each other.
 */
const MULTIPLIERS = [
  7919, 104_729, 224_737, 350_377, 479_909, 611_953, 746_773, 882_377, 15_485_863, 32_452_843, 49_979_687, 67_867_967,
  86_028_121, 104_395_301, 122_949_823, 141_650_939, 160_481_183,
];
const r = (k: number, mod: number, v = "value") => `((${v} * ${MULTIPLIERS[k]} + ${k * 977}) % 1000003 % ${mod})`;

const FIRST = [
  "Olivia",
  "Emma",
  "Liam",
  "Noah",
  "Ava",
  "Mia",
  "Lucas",
  "Anna",
  "Lena",
  "Felix",
  "Jonas",
  "Clara",
  "Leon",
  "Ida",
  "Max",
  "Greta",
];
const LAST = [
  "Smith",
  "Johnson",
  "Garcia",
  "Miller",
  "Davis",
  "Wilson",
  "Taylor",
  "Moore",
  "Mueller",
  "Schmidt",
  "Weber",
  "Wagner",
  "Becker",
  "Klein",
  "Wolf",
  "Braun",
];

async function seed(db: Database) {
  const run = (q: string) => db.$client.execute(q);
  await run("PRAGMA synchronous = OFF");
  await withoutCustomerTriggers(db, () => seedCustomers(db));
  await seedJobs(db);
  await run("PRAGMA synchronous = NORMAL");
  await run("ANALYZE");
}

/** Customers, their suppressions and phone lookups. */
async function seedCustomers(db: Database) {
  const run = (q: string) => db.$client.execute(q);
  const start = NOW.getTime() - 3 * 365 * DAY;
  // Customers are created in registration order, a job's families together, as an import does.
  // About 15% share a parent's e-mail and phone with the customer before them (siblings).
  const family = `(case when ${r(1, 100)} < 15 and value > 1 then value - 1 else value end)`;
  await run(`insert into customers (first_name, last_name, email, phone, consent_email, consent_sms, consent_voice, created_at, updated_at)
    select json_extract('${JSON.stringify(FIRST)}', '$[' || ${r(2, FIRST.length)} || ']'),
           json_extract('${JSON.stringify(LAST)}', '$[' || ${r(3, LAST.length)} || ']'),
           case when ${r(4, 100)} < 5 then null else 'parent' || ${family} || '@example' || (${family} % 7) || '.com' end,
           case when ${r(5, 100)} < 30 then null else '+1555' || printf('%07d', ${family}) end,
           ${r(6, 100)} >= 10, ${r(7, 100)} >= 20, ${r(8, 100)} >= 50,
           ${start} + value * 60000, ${start} + value * 60000
    from generate_series(1, ${COUNT})`);
  // ~2% of e-mail addresses and ~1% of phones suppressed with assorted reasons; some cleared.
  await run(`insert or ignore into suppressions (channel, address, customer_id, reason, source, cleared_at)
    select 'email', email, id,
           case ${r(10, 4, "id")} when 0 then 'unsubscribed' when 1 then 'bounced' when 2 then 'complained' else 'invalid_address' end,
           'bench', case when ${r(11, 10, "id")} = 0 then ${NOW.getTime()} end
    from customers where email is not null and ${r(9, 1000, "id")} < 22`);
  await run(`insert or ignore into suppressions (channel, address, customer_id, reason, source)
    select 'sms', phone, id, 'stop_keyword', 'bench' from customers where phone is not null and ${r(12, 100, "id")} < 1`);
  await run(`insert or ignore into phone_lookups (phone, line_type, looked_up_at)
    select phone, case when ${r(14, 100, "id")} < 12 then 'landline' else 'mobile' end, ${NOW.getTime()}
    from customers where phone is not null and ${r(13, 100, "id")} < 60`);
}

/** Jobs, albums, registrations, orders and appointments. */
async function seedJobs(db: Database) {
  const run = (q: string) => db.$client.execute(q);
  const start = NOW.getTime() - 3 * 365 * DAY;

  // Jobs: years 2020–2026; this year's jobs half selling, half planned; older ones archived.
  const TYPES = ["school", "kindergarten", "sports", "event", "portrait", "other"];
  await run(`insert into jobs (name, type, year, status, created_at, updated_at)
    select 'Job ' || value, json_extract('${JSON.stringify(TYPES)}', '$[' || (value % 6) || ']'), 2020 + value % 7,
           case when value % 7 = 6 and value % 20 < 11 then 'selling' when value % 7 = 6 then 'planning'
                when value % 7 = 5 then 'selling' else 'archived' end,
           ${start}, ${start}
    from generate_series(1, ${JOBS})`);
  await run(
    `insert into albums (job_id, name) select (value - 1) / 5 + 1, 'Class ' || ((value - 1) % 5 + 1) from generate_series(1, ${JOBS * 5})`,
  );

  // Each customer is registered in the job of their block; ~30% also in one other job.
  const perJob = Math.ceil(COUNT / JOBS);
  const registration = (
    job: string,
  ) => `select ${job} as job_id, value as customer_id, (${job} - 1) * 5 + 1 + ${r(15, 5)} as album_id,
           ${start} + value * 60000 as registered_at,
           case when j.status = 'planning' or ${r(16, 100)} < 20 then null
                when ${r(16, 100)} < 24 then ${NOW.getTime() + 3 * DAY} else ${NOW.getTime() - 30 * DAY} end as photos_available_at
    from generate_series(1, ${COUNT}) g join jobs j on j.id = ${job}`;
  await run(`insert into registrations (job_id, customer_id, album_id, registered_at, photos_available_at)
    select * from (${registration(`((value - 1) / ${perJob} + 1)`)})`);
  // In job order, as the (job, customer) index keeps them: written in any other order, each row
  // lands on a different page of it.
  await run(`insert or ignore into registrations (job_id, customer_id, album_id, registered_at, photos_available_at)
    select * from (${registration(`(${r(1, JOBS, "value * 31")} + 1)`)}) where ${r(0, 100, "customer_id")} < 30 order by job_id, customer_id`);
  // ~30% of registrations in jobs that sell(ed) have an order.
  await run(`insert into orders (job_id, customer_id, amount_minor, ordered_at)
    select r.job_id, r.customer_id, 2500, ${NOW.getTime() - 10 * DAY} from registrations r join jobs j on j.id = r.job_id
    where j.status != 'planning' and ${r(3, 100, "r.id")} < 30`);
  // 50,000 appointments over this year, in all statuses.
  await run(`insert into appointments (customer_id, starts_at, status, created_at, updated_at)
    select ${r(4, COUNT, "value")} + 1, ${Date.parse("2026-01-01T08:00:00Z")} + ${r(5, 365, "value")} * ${DAY} + ${r(6, 20, "value")} * 1800000,
           json_extract('["scheduled","confirmed","cancelled","reschedule_requested"]', '$[' || ${r(7, 4, "value")} || ']'), ${start}, ${start}
    from generate_series(1, 50000)`);
}

const time = (fn: () => Promise<unknown>) => timeMedian(RUNS, fn);

const db = await benchDatabase();
const t0 = performance.now();
await seed(db);
const seededIn = (performance.now() - t0) / 1000;
const count = async (table: string) =>
  Number((await db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))[0]?.n ?? 0);
const sizes = {
  registrations: await count("registrations"),
  orders: await count("orders"),
  suppressions: await count("suppressions"),
  appointments: await count("appointments"),
};

const cases: { name: string; filters: MessageFilters }[] = [
  { name: "selling jobs of 2026", filters: { job_statuses: ["selling"], years: [2026] } },
  {
    name: "… potential buyers with photos",
    filters: { job_statuses: ["selling"], years: [2026], audience: "potential_buyers", condition: "with_photos" },
  },
  {
    name: "confirmed appointments in September",
    filters: { appointment_statuses: ["confirmed"], appointment_from: "2026-09-01", appointment_to: "2026-09-30" },
  },
];
const shared = sharedValues(await getSettings(db), {});
const needsFor = (body: string): AudienceNeeds => ({ required: { email: requiredKeys(body) }, jobId: null, shared });
const results = [];
for (const c of cases) {
  const ids = await audienceCustomerIds(db, c.filters, NOW);
  const { email } = await audienceSummary(db, c.filters, ["email"], NOW);
  results.push({
    filter: c.name,
    matched: ids.length,
    "e-mail will receive": email.willReceive,
    "summary e-mail ms": (await time(() => audienceSummary(db, c.filters, ["email"], NOW))).toFixed(1),
    "summary e-mail+SMS ms": (await time(() => audienceSummary(db, c.filters, ["email", "sms"], NOW))).toFixed(1),
    "excluded page (no consent) ms": (
      await time(() => excludedCustomers(db, c.filters, "email", "no_consent", NOW, { limit: 50 }))
    ).toFixed(1),
    "excluded page (duplicates) ms": (
      await time(() => excludedCustomers(db, c.filters, "email", "duplicate_address", NOW, { limit: 50 }))
    ).toFixed(1),
    "ids ms": (await time(() => audienceCustomerIds(db, c.filters, NOW))).toFixed(1),
    // A text with required placeholders: who has no value is counted too (issue 9).
    "summary e-mail, {{customer.first_name}} ms": (
      await time(() => audienceSummary(db, c.filters, ["email"], NOW, { needs: needsFor("{{customer.first_name}}") }))
    ).toFixed(1),
    "summary e-mail, {{customer.access_code}} ms": (
      await time(() => audienceSummary(db, c.filters, ["email"], NOW, { needs: needsFor("{{customer.access_code}}") }))
    ).toFixed(1),
  });
}
const first = await audienceSummary(db, cases[0]!.filters, ["email", "sms"], NOW);

// The compose page's own requests, signed in, with the CSRF token the page hands out.
const user = await createUser(db, {
  email: "bench@example.com",
  name: "Bench",
  password: "bench password 1",
  role: "owner",
});
const cookie = `pigeon_session=${await createSession(db, user.id, NOW, {})}`;
const app = createApp(
  createDeps({ db, config: loadConfig({ PUBLIC_URL: "http://localhost" }), clock: () => NOW, log: silentLogger }),
);
const page = await (await app.request("http://localhost/messages/new", { headers: { Cookie: cookie } })).text();
const csrf = page.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";
const post = async (path: string, fields: [string, string][]) => {
  const body = new URLSearchParams([["_csrf", csrf], ...fields]);
  const res = await app.request(`http://localhost${path}`, {
    method: "POST",
    body,
    headers: {
      Cookie: cookie,
      Origin: "http://localhost",
      "HX-Request": "true",
      "HX-Request-Type": "partial",
      "Content-Type": "application/x-www-form-urlencoded",
    },
  });
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return res.text();
};
const compose: [string, string][] = [
  ["mode", "filters"],
  ["name", "Bench"],
  ["filters.job_statuses", "selling"],
  ["filters.years", "2026"],
  ["subject", "{{customer.first_name}}, your photos of {{job.name}}"],
  ["body", 'Hi {{customer.first_name | "there"}},\n\nyour photos are **online**: {{links.gallery_link}}'],
];
const email: [string, string][] = [["channels", "email"]];
const emailSms: [string, string][] = [
  ["channels", "email"],
  ["channels", "sms"],
];
const requests = [
  { request: "live count, e-mail", path: "/messages/count", fields: [...compose, ...email] },
  { request: "live count, e-mail + SMS", path: "/messages/count", fields: [...compose, ...emailSms] },
  { request: "preview, e-mail + SMS (first recipient)", path: "/messages/preview", fields: [...compose, ...emailSms] },
  {
    request: "preview, search “olivia”",
    path: "/messages/preview",
    fields: [...compose, ...emailSms, ["preview_q", "olivia"] as [string, string]],
  },
];
const pages = [];
const counted: Record<string, number> = {};
for (const r of requests) {
  const html = await post(r.path, r.fields);
  const ms = await timeMedian(r.path === "/messages/count" ? COUNT_RUNS : RUNS, () => post(r.path, r.fields));
  counted[r.request] = ms;
  pages.push({
    request: `${r.request} (${cases[0]!.name})`,
    "KB of HTML": (html.length / 1024).toFixed(1),
    ms: ms.toFixed(1),
  });
}
const memberPage = (await time(() => audienceMembers(db, cases[0]!.filters, NOW, { limit: 50 }))).toFixed(1);

// Starting a one-time e-mail to that audience, armed as the app arms it, its text needing the
// first name (values checked): every recipient written queued or skipped with its reason. A new
// message each time, so each start writes all its deliveries.
const deps = createDeps({
  db,
  config: loadConfig({ PUBLIC_URL: "http://localhost" }),
  clock: () => NOW,
  log: silentLogger,
});
const starts: { seconds: number; written: number; perSecond: number }[] = [];
const rssBefore = process.memoryUsage().rss;
for (let i = 0; i < STARTS; i++) {
  const [message] = await db
    .insert(messages)
    .values({
      name: `Bench ${i}`,
      channels: ["email"],
      subject: "Hi",
      body: "Hi {{customer.first_name}}",
      filters: cases[0]!.filters,
      status: "scheduled",
      createdAt: NOW,
      updatedAt: NOW,
    })
    .returning();
  const startedAt = performance.now();
  await runOneTimeMessages(deps, NOW);
  const seconds = (performance.now() - startedAt) / 1000;
  const written = Number(
    (await db.all<{ n: number }>(sql`select count(*) as n from deliveries where message_id = ${message!.id}`))[0]?.n ??
      0,
  );
  starts.push({ seconds, written, perSecond: written / seconds });
}
const rssGrowth = Math.round((process.memoryUsage().rss - rssBefore) / 1024 / 1024);

console.log(
  `\nbun bench/messages.ts ${COUNT}: ${COUNT.toLocaleString("en")} customers, ${JOBS.toLocaleString("en")} jobs, ${Object.entries(
    sizes,
  )
    .map(([k, v]) => `${v.toLocaleString("en")} ${k}`)
    .join(", ")}; seeded in ${seededIn.toFixed(1)} s; median of ${RUNS} runs\n`,
);
console.table(results);
console.log(
  `\nThrough the app (median of ${RUNS}, the live counts of ${COUNT_RUNS}; the preview's recipient list alone: ${memberPage} ms):`,
);
console.table(pages);
console.log(`\nStarting a one-time e-mail to ${cases[0]!.name} (${STARTS} messages, RSS grew by ${rssGrowth} MB):`);
console.table(
  starts.map((s) => ({ deliveries: s.written, s: s.seconds.toFixed(2), "per s": Math.round(s.perSecond) })),
);
console.log(`\n${cases[0]!.name}, e-mail:`, first.email);
console.log(`${cases[0]!.name}, SMS:`, first.sms);
report("count_filter_ms", counted["live count, e-mail"]!, "ms", 100);
report("enqueue_recipients_per_s", median(starts.map((s) => s.perSecond)), "/s", 200_000);
db.$client.close();
