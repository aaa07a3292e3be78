// Customers list and search with a million customers (SPEC U5; issue 15: page_p95_ms).
//   bun bench/customers.ts [count]      (default 1,000,000)
// Seeds a temporary file database with multi-row INSERTs inside transactions, starts Pigeon on it
// in a second process (`bun src/main.ts serve`, scheduler off: nothing here is its), and asks it
// for a mix of list pages and searches over real HTTP, as a signed-in member of staff: the
// whole request (connection, session, query, rendering) as a browser would see it. Reports the
// 95th percentile over the mix (page_p95_ms), then the median of each kind of request, and of
// the queries behind the list in this process, so a slow page can be traced to its query.
import type { Database } from "../src/db/client.ts";
import { countCustomersUpTo } from "../src/db/customers.ts";
import { ftsQuery, listCustomers } from "../src/db/customers.ts";
import { withoutCustomerTriggers } from "./support/seed.ts";
import { benchDatabase, median, p95, timeMedian } from "./support/measure.ts";
import { report } from "./support/report.ts";
import { serveSignedIn } from "./support/serve.ts";

const COUNT = Number(process.argv[2] ?? 1_000_000);
const RUNS = 20;
/** Rounds of the whole mix for the percentile (each round asks every case once, in a shuffled order). */
const ROUNDS = 30;
const ROWS_PER_INSERT = 1_000;
const ROWS_PER_TRANSACTION = 100_000;

const FIRST = (
  "olivia emma amelia sophia isabella ava mia evelyn harper luna camila gianna elizabeth eleanor ella abigail sofia avery scarlett emily " +
  "liam noah oliver james elijah william henry lucas benjamin theodore mateo levi sebastian daniel jack michael alexander owen asher samuel " +
  "anna lena marie hannah lea clara emil paul felix jonas leon finn elias luis ben noel max moritz karl ida greta frieda mats lotta"
).split(" ");
const REAL_LAST = (
  "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore " +
  "jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill " +
  "flores green adams nelson baker hall rivera campbell mitchell carter roberts mueller schmidt schneider fischer weber meyer wagner becker " +
  "schulz hoffmann koch richter klein wolf schroeder neumann schwarz zimmermann braun krueger hofmann hartmann lange werner krause"
).split(" ");
const SYLLABLES = "ka ri mo ten bal vor sen dal mar tis lun bre hol wik fer gan pol dor sta vin mel ron".split(" ");
const DOMAINS =
  "gmail.com yahoo.com outlook.com icloud.com web.de gmx.de hotmail.com aol.com proton.me school.example.org".split(
    " ",
  );

/** A small deterministic PRNG so every run seeds the same data. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}
const random = rng(42);
const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
const LAST = [...REAL_LAST];
while (LAST.length < 3_000) LAST.push(pick(SYLLABLES) + pick(SYLLABLES) + pick(SYLLABLES));

async function seed(db: Database) {
  const client = db.$client;
  await client.execute("PRAGMA synchronous = OFF");
  await withoutCustomerTriggers(db, () => seedCustomers(client));
  await client.execute("PRAGMA synchronous = NORMAL");
  await client.execute("ANALYZE");
}

async function seedCustomers(client: Database["$client"]) {
  const start = Date.parse("2020-01-01T00:00:00Z");
  const span = Date.parse("2026-09-01T00:00:00Z") - start;
  for (let done = 0; done < COUNT; done += ROWS_PER_TRANSACTION) {
    const tx = await client.transaction("write");
    for (let from = done; from < Math.min(done + ROWS_PER_TRANSACTION, COUNT); from += ROWS_PER_INSERT) {
      const n = Math.min(ROWS_PER_INSERT, COUNT - from);
      const args: (string | number | null)[] = [];
      for (let i = 0; i < n; i++) {
        const first = pick(FIRST);
        const last = pick(LAST);
        const at = start + Math.floor(((from + i) / COUNT) * span);
        const email = random() < 0.95 ? `${first}.${last}${Math.floor(random() * 1000)}@${pick(DOMAINS)}` : null;
        const phone = random() < 0.7 ? `+1555${String(Math.floor(random() * 1e7)).padStart(7, "0")}` : null;
        const consent = random() < 0.6 ? 1 : 0;
        args.push(
          first[0]!.toUpperCase() + first.slice(1),
          last[0]!.toUpperCase() + last.slice(1),
          email,
          phone,
          consent,
          consent ? "import: bench" : null,
          consent ? at : null,
          at,
          at,
        );
      }
      const values = Array.from({ length: n }, () => "(?,?,?,?,?,?,?,?,?)").join(",");
      await tx.execute({
        sql: `insert into customers (first_name, last_name, email, phone, consent_email, consent_email_source, consent_email_at, created_at, updated_at) values ${values}`,
        args,
      });
    }
    await tx.commit();
  }
}

const time = (fn: () => Promise<unknown>) => timeMedian(RUNS, fn);

const db = await benchDatabase();
const t0 = performance.now();
await seed(db);
const seededIn = (performance.now() - t0) / 1000;

// The server: Pigeon as deployed, in its own process, on a free loopback port.
const served = await serveSignedIn(db, new Date());
const get = (path: string, partial: boolean) =>
  served.get(path, partial ? { "HX-Request": "true", "HX-Request-Type": "partial" } : {});

const maxId = Number((await db.$client.execute("select max(id) as n from customers")).rows[0]?.n ?? 0);
// Pages are whole pages (a link followed); searches are what typing in the search box asks for
// (htmx partials with the results only). Each kind is asked with other words or another cursor
// every round (`vary`), so no round repeats the one before it; the table below shows the first.
type Case = { name: string; partial: boolean; vary: (round: number) => { q?: string; before?: number } };
const at = <T>(list: T[], round: number) => list[round % list.length]!;
const cursor = (share: number) => Math.max(2, Math.floor(maxId * share));
const cases: Case[] = [
  { name: "first page of the list", partial: false, vary: () => ({}) },
  { name: "page halfway back", partial: false, vary: (r) => ({ before: cursor(0.5 - r / 1000) }) },
  { name: "page at a deep cursor", partial: false, vary: (r) => ({ before: cursor(0.02 + r / 1000) }) },
  { name: "search by last-name prefix", partial: true, vary: (r) => ({ q: at(REAL_LAST, r * 7).slice(0, 4) }) },
  {
    name: "search by first name and last-name prefix",
    partial: true,
    vary: (r) => ({ q: `${at(FIRST, r * 5)} ${at(REAL_LAST, r * 3).slice(0, 3)}` }),
  },
  {
    name: "search by e-mail prefix",
    partial: true,
    vary: (r) => ({ q: `${at(FIRST, r * 11)}.${at(REAL_LAST, r * 13).slice(0, 1)}` }),
  },
  { name: "search by phone prefix", partial: true, vary: (r) => ({ q: `+1555${String(100 + ((r * 37) % 900))}` }) },
  {
    name: "(worst case) search by mail domain, ~1 in 10",
    partial: true,
    vary: (r) => ({ q: at(DOMAINS, r).split(".")[0] }),
  },
];
const pathOf = (v: { q?: string; before?: number }) =>
  `/customers${v.q ? `?q=${encodeURIComponent(v.q)}` : v.before ? `?before=${v.before}` : ""}`;

// Warm-up: one request of each kind (the server's first request loads what pages need).
for (const c of cases) await get(pathOf(c.vary(ROUNDS)), c.partial);
const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const all: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const order = [...cases].sort(() => random() - 0.5);
  for (const c of order) {
    const { ms } = await get(pathOf(c.vary(round)), c.partial);
    samples.get(c.name)!.push(ms);
    all.push(ms);
  }
}

const results = [];
for (const c of cases) {
  const v = c.vary(0);
  const { html } = await get(pathOf(v), c.partial);
  const shown = (html.match(/<tr>/g)?.length ?? 1) - 1;
  const match = v.q ? ftsQuery(v.q) : null;
  results.push({
    case: `${c.name}${v.q ? ` “${v.q}”` : ""}`,
    "page ms": median(samples.get(c.name)!),
    "list query ms": await time(() => listCustomers(db, v)),
    "capped count ms": await time(() => countCustomersUpTo(db, match, 10_000)),
    rows: shown,
  });
}
await served.stop();

console.error(
  `\nbun bench/customers.ts ${COUNT}: ${COUNT.toLocaleString("en")} customers seeded in ${seededIn.toFixed(1)} s; ` +
    `${all.length} requests from a second process (${ROUNDS} shuffled rounds of ${cases.length} kinds, other words or cursors each round): ` +
    `p95 ${p95(all).toFixed(1)} ms, median ${median(all).toFixed(1)} ms, slowest ${Math.max(...all).toFixed(1)} ms; ` +
    `per kind the median page, and of ${RUNS} runs of its first round's queries in this process\n`,
);
console.error(
  Bun.inspect.table(
    results.map((r) => ({
      ...r,
      "page ms": r["page ms"].toFixed(1),
      "list query ms": r["list query ms"].toFixed(1),
      "capped count ms": r["capped count ms"].toFixed(1),
    })),
  ),
);
report("page_p95_ms", p95(all), "ms", 30);
db.$client.close();
