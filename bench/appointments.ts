// The Appointments page with 100,000 appointments (SPEC A1, issue 13: "fast with 100,000").
//   bun bench/appointments.ts [count]      (default 100,000)
// Seeds a temporary file database (20,000 customers, 200 jobs, the appointments a year either side
// of now, two deliveries for most of them and a reply for one in ten), starts Pigeon on it in a
// second process (scheduler off) and asks it, as a signed-in member of staff over real HTTP, for a
// mix of list pages: the first, a deep one, a week, statuses, a job, a customer's name, all of them
// at once. Reports the 95th percentile over the mix (appointments_page_p95_ms, no target yet), the
// median of each kind, and the query plans of the list and the Messages column.
import type { Database } from "../src/db/client.ts";
import { listAppointments, messageCounts } from "../src/db/appointments.ts";
import { withoutCustomerTriggers } from "./support/seed.ts";
import { benchDatabase, median, p95, timeMedian } from "./support/measure.ts";
import { report } from "./support/report.ts";
import { serveSignedIn } from "./support/serve.ts";

const COUNT = Number(process.argv[2] ?? 100_000);
const CUSTOMERS = 20_000;
const JOBS = 200;
const ROUNDS = 30;
const RUNS = 20;
const PER_INSERT = 500;
const ZONE = "Europe/Berlin";
const DAY = 86_400_000;
const STATUSES = ["scheduled", "scheduled", "confirmed", "confirmed", "cancelled", "reschedule_requested"];
const FIRST = "olivia emma amelia sophia noah liam oliver james anna lena marie paul felix jonas".split(" ");
const LAST = "smith johnson brown garcia miller davis lopez wilson mueller schmidt schneider fischer weber".split(" ");

function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}
const random = rng(7);
const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Rows `n` at a time as multi-row INSERTs in one transaction. */
async function insertRows(db: Database, table: string, columns: string[], rows: (string | number | null)[][]) {
  const tx = await db.$client.transaction("write");
  for (let i = 0; i < rows.length; i += PER_INSERT) {
    const chunk = rows.slice(i, i + PER_INSERT);
    await tx.execute({
      sql: `insert into ${table} (${columns.join(", ")}) values ${chunk.map(() => `(${columns.map(() => "?").join(",")})`).join(",")}`,
      args: chunk.flat(),
    });
  }
  await tx.commit();
}

async function seed(db: Database, now: number) {
  await db.$client.execute("PRAGMA synchronous = OFF");
  await insertRows(
    db,
    "jobs",
    ["name", "type", "year", "status", "created_at", "updated_at"],
    Array.from({ length: JOBS }, (_, i) => [`Job ${i + 1}`, "portrait", 2026, "selling", now, now]),
  );
  await withoutCustomerTriggers(db, () =>
    insertRows(
      db,
      "customers",
      ["first_name", "last_name", "email", "created_at", "updated_at"],
      Array.from({ length: CUSTOMERS }, (_, i) => {
        const first = pick(FIRST);
        const last = `${pick(LAST)}${i % 97 ? "" : "ova"}`;
        return [cap(first), cap(last), `${first}.${last}${i}@x.test`, now, now];
      }),
    ),
  );
  const appointments: (string | number | null)[][] = [];
  for (let i = 0; i < COUNT; i++) {
    const startsAt = now - 365 * DAY + Math.floor(random() * 730 * DAY);
    appointments.push([
      1 + Math.floor(random() * CUSTOMERS),
      random() < 0.9 ? 1 + Math.floor(random() * JOBS) : null,
      startsAt - (startsAt % (15 * 60_000)),
      30,
      "Studio A",
      pick(STATUSES),
      now,
      now,
    ]);
  }
  await insertRows(
    db,
    "appointments",
    ["customer_id", "job_id", "starts_at", "duration_minutes", "location", "status", "created_at", "updated_at"],
    appointments,
  );
  const deliveries: (string | number | null)[][] = [];
  const replies: (string | number | null)[][] = [];
  for (let id = 1; id <= COUNT; id++) {
    const customer = appointments[id - 1]![0] as number;
    if (random() < 0.7)
      for (const [n, status] of [
        [1, pick(["sent", "delivered", "skipped"])],
        [2, pick(["queued", "sent", "failed"])],
      ] as const)
        deliveries.push([
          `bench-${id}-${n}`,
          "notification",
          n === 1 ? "email" : "sms",
          status,
          customer,
          id,
          now,
          now,
          now,
        ]);
    if (random() < 0.1) replies.push(["sms", "+15550000000", "C", customer, id, "confirmed", now]);
  }
  await insertRows(
    db,
    "deliveries",
    [
      "delivery_key",
      "source_type",
      "channel",
      "status",
      "customer_id",
      "appointment_id",
      "due_at",
      "created_at",
      "updated_at",
    ],
    deliveries,
  );
  await insertRows(
    db,
    "inbound_messages",
    ["channel", "from_address", "body", "customer_id", "appointment_id", "handled_as", "received_at"],
    replies,
  );
  await db.$client.execute(`update studio_settings set time_zone = '${ZONE}'`);
  await db.$client.execute("PRAGMA synchronous = NORMAL");
  await db.$client.execute("ANALYZE");
  return { deliveries: deliveries.length, replies: replies.length };
}

const db = await benchDatabase();
const nowDate = new Date();
const t0 = performance.now();
const seeded = await seed(db, nowDate.getTime());
const seededIn = (performance.now() - t0) / 1000;

const served = await serveSignedIn(db, nowDate);
const get = (path: string) => served.get(path);

const dayOf = (offsetDays: number) => new Date(nowDate.getTime() + offsetDays * DAY).toISOString().slice(0, 10);
type Case = { name: string; vary: (round: number) => Record<string, string | number> };
const cases: Case[] = [
  { name: "first page", vary: () => ({}) },
  { name: "page 40 (deep in the upcoming ones)", vary: (r) => ({ page: 40 + (r % 5) }) },
  { name: "a week", vary: (r) => ({ from: dayOf(r % 30), to: dayOf((r % 30) + 6) }) },
  { name: "confirmed or cancelled", vary: () => ({ status: "confirmed,cancelled" }) },
  { name: "one job", vary: (r) => ({ job: 1 + ((r * 7) % JOBS) }) },
  { name: "a customer's name", vary: (r) => ({ q: FIRST[r % FIRST.length]! }) },
  { name: "a rare name", vary: () => ({ q: "millerova" }) },
  {
    name: "job, status and a month",
    vary: (r) => ({ job: 1 + ((r * 11) % JOBS), status: "scheduled", from: dayOf(-15), to: dayOf(15) }),
  },
];
const pathOf = (params: Record<string, string | number>) => {
  const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return `/appointments${q ? `?${q}` : ""}`;
};

for (const c of cases) await get(pathOf(c.vary(ROUNDS)));
const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const all: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const c of [...cases].sort(() => random() - 0.5)) {
    const { ms } = await get(pathOf(c.vary(round)));
    samples.get(c.name)!.push(ms);
    all.push(ms);
  }
}

const results = [];
for (const c of cases) {
  const v = c.vary(0);
  const filter = {
    from: v.from as string | undefined,
    to: v.to as string | undefined,
    statuses: v.status ? (String(v.status).split(",") as ("confirmed" | "cancelled" | "scheduled")[]) : undefined,
    jobId: v.job ? Number(v.job) : undefined,
    q: v.q as string | undefined,
  };
  const opts = { timeZone: ZONE, now: nowDate, page: Number(v.page ?? 1) };
  const listed = await listAppointments(db, filter, opts);
  results.push({
    case: c.name,
    "page ms": median(samples.get(c.name)!).toFixed(1),
    "list query ms": (await timeMedian(RUNS, () => listAppointments(db, filter, opts))).toFixed(1),
    "counts ms": (
      await timeMedian(RUNS, () =>
        messageCounts(
          db,
          listed.rows.map((r) => r.appointment.id),
        ),
      )
    ).toFixed(1),
    rows: listed.rows.length,
    matches: listed.total,
  });
}
await served.stop();

// The plans: every read is by an index (no full scan of appointments, deliveries or replies).
const plan = async (sql: string) =>
  (await db.$client.execute(`explain query plan ${sql}`)).rows.map((r) => String(r.detail)).join("; ");
const plans = {
  "upcoming page": await plan(
    `select * from appointments where starts_at >= ${nowDate.getTime()} order by starts_at, id limit 50 offset 100`,
  ),
  "one job's page": await plan(
    `select * from appointments where job_id = 3 and starts_at >= ${nowDate.getTime()} order by starts_at, id limit 50`,
  ),
  "a name": await plan(
    `select * from appointments where customer_id in (select rowid from customers_fts where customers_fts match '"miller"*') and starts_at >= 0 order by starts_at limit 50`,
  ),
  "deliveries counted": await plan(
    "select appointment_id, status, count(*) from deliveries where appointment_id in (select value from json_each('[1,2,3]')) group by appointment_id, status",
  ),
  "replies counted": await plan(
    "select appointment_id, count(*) from inbound_messages where appointment_id in (select value from json_each('[1,2,3]')) group by appointment_id",
  ),
};

console.error(
  `\nbun bench/appointments.ts ${COUNT}: ${COUNT.toLocaleString("en")} appointments, ${seeded.deliveries.toLocaleString("en")} deliveries ` +
    `and ${seeded.replies.toLocaleString("en")} replies seeded in ${seededIn.toFixed(1)} s; ${all.length} requests from a second process ` +
    `(${ROUNDS} shuffled rounds of ${cases.length} kinds): p95 ${p95(all).toFixed(1)} ms, median ${median(all).toFixed(1)} ms, ` +
    `slowest ${Math.max(...all).toFixed(1)} ms; per kind the median page, and of ${RUNS} runs of its first round's queries in this process\n`,
);
console.error(Bun.inspect.table(results));
for (const [name, detail] of Object.entries(plans)) console.error(`plan, ${name}: ${detail}`);
report("appointments_page_p95_ms", p95(all), "ms");
db.$client.close();
