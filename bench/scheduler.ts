// Automation tick cost (run: `bun bench/scheduler.ts`): 10,000 jobs and 1,000,000
// registrations on a file database. A tick must cost what is due, not what is stored:
// measured once with nothing due, once with 10,000 deliveries due, and with 10,000 recent
// photos_available events: the ticks that fire them, then idle ticks while they are still recent.
// Reports tick_10k_due_ms (median of the three 10,000-delivery ticks) and tick_idle_ms (median of
// the idle ticks with the 10,000 events recent, as issue 15 defines it).
import { count, sql } from "drizzle-orm";
import { runAutomation } from "../src/automation/run.ts";
import { loadConfig } from "../src/config.ts";
import { communicationProfiles, deliveries, events, notifications } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDeps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";
import { benchDatabase, median } from "./support/measure.ts";
import { report } from "./support/report.ts";

const JOBS = 10_000;
const CUSTOMERS = 100_000;
const PER_CUSTOMER = 10; // registrations per customer → 1,000,000 in all

const db = await benchDatabase();
const t0 = new Date("2026-03-01T12:00:00Z");
await updateSettings(db, { name: "Bench", timeZone: "America/Chicago" }, t0);
const [profile] = await db.insert(communicationProfiles).values({ name: "Bench profile" }).returning();
const p = profile!.id;
await db.insert(notifications).values([
  { profileId: p, trigger: "job_selling", channel: "email", subject: "s", body: "b" },
  { profileId: p, trigger: "photos_available", channel: "email", subject: "s", body: "b" },
  {
    profileId: p,
    trigger: "customer_registered",
    channel: "email",
    audience: "potential_buyers",
    subject: "s",
    body: "b",
  },
  {
    profileId: p,
    trigger: "coupon_deadline",
    channel: "email",
    offsetDays: 3,
    timeOfDay: "09:00",
    subject: "s",
    body: "b",
  },
  {
    profileId: p,
    trigger: "job_archiving",
    channel: "email",
    offsetDays: 7,
    timeOfDay: "09:00",
    subject: "s",
    body: "b",
  },
  { profileId: p, trigger: "job_archiving", channel: "sms", offsetDays: 2, timeOfDay: "18:00", body: "b" },
]);
const started = performance.now();
const ms = t0.getTime();
// Jobs' dates spread over the year ahead; none falls within the first days. They were set up a
// month ago, like the registrations: a tick re-plans jobs changed since the last one.
await db.run(sql`insert into jobs (name, type, year, status, shoot_date, coupon_deadline, archive_date, profile_id, created_at, updated_at)
  select 'Job ' || value, 'school', 2026, 'selling',
    date('2026-03-20', '+' || (value % 300) || ' days'), date('2026-04-10', '+' || (value % 300) || ' days'), date('2026-06-01', '+' || (value % 300) || ' days'),
    ${p}, ${ms - 30 * 86_400_000}, ${ms - 30 * 86_400_000} from generate_series(1, ${JOBS})`);
await db.run(sql`insert into customers (first_name, email, consent_email, created_at, updated_at)
  select 'C' || value, 'c' || value || '@bench.test', 1, ${ms}, ${ms} from generate_series(1, ${CUSTOMERS})`);
// In (job, customer) order, as that index keeps them: in any other order each row lands on
// another page of it.
await db.run(sql`insert into registrations (job_id, customer_id, access_code, registered_at)
  select ((c.value * 7 + k.value * 1009) % ${JOBS}) + 1, c.value, 'X', ${ms - 30 * 86_400_000}
  from generate_series(1, ${CUSTOMERS}) c, generate_series(0, ${PER_CUSTOMER - 1}) k order by 1, 2`);
const [regs] = await db.select({ n: count() }).from(sql`registrations`);
console.log(
  `seeded ${JOBS.toLocaleString("en")} jobs, ${regs!.n.toLocaleString("en")} registrations in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

let now = t0;
const deps = createDeps({ db, config: loadConfig({}), clock: () => now, log: silentLogger });
await runAutomation(deps, now);

// 1. Nothing due: ticks two seconds apart.
const idle: number[] = [];
for (let i = 1; i <= 20; i++) {
  now = new Date(t0.getTime() + i * 2000);
  const s = performance.now();
  await runAutomation(deps, now);
  idle.push(performance.now() - s);
}

// 2. 10,000 deliveries due: 100 jobs set to selling, 100 registrations each... (registrations per
// job vary around 100: the count is reported).
const busy: number[] = [];
const queued: number[] = [];
for (let run = 0; run < 3; run++) {
  now = new Date(t0.getTime() + 3600_000 * (run + 1));
  await db.run(sql`insert into events (type, job_id, from_status, to_status, source, occurred_at, created_at)
    select 'job_status_changed', value, 'planning', 'selling', 'api', ${now.getTime() - 1000}, ${now.getTime()} from generate_series(${run * 100 + 1}, ${run * 100 + 100})`);
  const [before] = await db.select({ n: count() }).from(deliveries);
  const s = performance.now();
  await runAutomation(deps, now);
  busy.push(performance.now() - s);
  const [after] = await db.select({ n: count() }).from(deliveries);
  queued.push(after!.n - before!.n);
}

// 3. 10,000 customers' photos become available within the hour: the ticks that fire them (until
// a tick fires nothing), then idle ticks while those events are still recent.
const PHOTOS = 10_000;
now = new Date(t0.getTime() + 3600_000 * 5);
await db.run(sql`insert into events (type, job_id, customer_id, source, occurred_at, created_at)
  select 'photos_available', ((value * 7) % ${JOBS}) + 1, value, 'api', ${now.getTime() - 3600_000} + value * 300, ${now.getTime()}
  from generate_series(1, ${PHOTOS})`);
const [photosBefore] = await db.select({ n: count() }).from(deliveries);
const firing: number[] = [];
for (let i = 0; i < 200; i++) {
  now = new Date(now.getTime() + 2000);
  const s = performance.now();
  const r = await runAutomation(deps, now);
  firing.push(performance.now() - s);
  if (!r.fired && !r.missed && i > 0) break;
}
const [photosAfter] = await db.select({ n: count() }).from(deliveries);
const recentIdle: number[] = [];
for (let i = 0; i < 10; i++) {
  now = new Date(now.getTime() + 2000);
  const s = performance.now();
  await runAutomation(deps, now);
  recentIdle.push(performance.now() - s);
}
const [eventCount] = await db.select({ n: count() }).from(events);

console.log(
  `\nbun bench/scheduler.ts — ${JOBS.toLocaleString("en")} jobs, ${regs!.n.toLocaleString("en")} registrations, 6 notifications\n`,
);
console.table([
  { tick: "nothing due (median of 20)", ms: median(idle).toFixed(1), deliveries: 0 },
  { tick: "100 jobs set to selling (median of 3)", ms: median(busy).toFixed(0), deliveries: median(queued) },
  { tick: `10,000 photos available: first tick`, ms: firing[0]!.toFixed(0), deliveries: "" },
  {
    tick: `… all fired: ${firing.length} ticks (sum)`,
    ms: firing.reduce((a, b) => a + b, 0).toFixed(0),
    deliveries: photosAfter!.n - photosBefore!.n,
  },
  {
    tick: `… then nothing due, ${eventCount!.n.toLocaleString("en")} events kept (median of 10)`,
    ms: median(recentIdle).toFixed(1),
    deliveries: 0,
  },
]);
report("tick_idle_ms", median(recentIdle), "ms", 20);
report("tick_10k_due_ms", median(busy), "ms", 200);
process.exit(0);
