// Customers list and search with a million customers (SPEC U5).
//   bun bench/customers.ts [count]      (default 1,000,000)
// Seeds a temporary file database with multi-row INSERTs inside transactions, then measures
// the median of 20 runs of each list request through the real app (query + rendering), and of
// the queries behind it, so a slow page can be traced to its query.
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createSession, createUser } from "../src/db/auth.ts";
import type { Database } from "../src/db/client.ts";
import { countCustomersUpTo } from "../src/db/customers.ts";
import { ftsQuery, listCustomers } from "../src/db/customers.ts";
import { createDeps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";
import { benchDatabase, timeMedian } from "./support/measure.ts";

const COUNT = Number(process.argv[2] ?? 1_000_000);
const RUNS = 20;
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
  await client.execute("PRAGMA synchronous = NORMAL");
  await client.execute("ANALYZE");
}

const time = (fn: () => Promise<unknown>) => timeMedian(RUNS, fn);

const db = await benchDatabase();
const t0 = performance.now();
await seed(db);
const seededIn = (performance.now() - t0) / 1000;

const now = new Date();
const user = await createUser(db, {
  email: "bench@example.com",
  name: "Bench",
  password: "bench password 1",
  role: "owner",
});
const token = await createSession(db, user.id, now, {});
const app = createApp(
  createDeps({ db, config: loadConfig({ PUBLIC_URL: "http://localhost" }), clock: () => now, log: silentLogger }),
);
const get = async (path: string) => {
  const res = await app.request(`http://localhost${path}`, { headers: { Cookie: `pigeon_session=${token}` } });
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return res.text();
};

const maxId = Number((await db.$client.execute("select max(id) as n from customers")).rows[0]?.n ?? 0);
const deep = Math.max(2, Math.floor(Number(maxId) * 0.02)); // 98% of the way to the oldest customer
const cases: { name: string; path: string; q?: string; before?: number }[] = [
  { name: "first page of the list", path: "/customers" },
  { name: "page at a deep cursor", path: `/customers?before=${deep}`, before: deep },
  { name: "search by last-name prefix “wils”", path: "/customers?q=wils", q: "wils" },
  { name: "search by e-mail prefix “olivia.j”", path: "/customers?q=olivia.j", q: "olivia.j" },
  { name: "(worst case) search “gmail”, ~1 in 10", path: "/customers?q=gmail", q: "gmail" },
];

const results = [];
for (const c of cases) {
  const html = await get(c.path);
  const shown = (html.match(/<tr>/g)?.length ?? 1) - 1;
  const match = c.q ? ftsQuery(c.q) : null;
  results.push({
    case: c.name,
    "page ms": await time(() => get(c.path)),
    "list query ms": await time(() => listCustomers(db, { q: c.q, before: c.before })),
    "capped count ms": await time(() => countCustomersUpTo(db, match, 10_000)),
    "exact count ms": await time(() => countCustomersUpTo(db, match, Number.MAX_SAFE_INTEGER)),
    rows: shown,
  });
}

console.log(
  `\nbun bench/customers.ts ${COUNT}: ${COUNT.toLocaleString("en")} customers seeded in ${seededIn.toFixed(1)} s; median of ${RUNS} runs\n`,
);
console.table(
  results.map((r) => ({
    ...r,
    "page ms": r["page ms"].toFixed(1),
    "list query ms": r["list query ms"].toFixed(1),
    "capped count ms": r["capped count ms"].toFixed(1),
    "exact count ms": r["exact count ms"].toFixed(1),
  })),
);
db.$client.close();
