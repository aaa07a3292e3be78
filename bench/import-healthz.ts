// How long /healthz takes to answer while a large CSV import runs (issue 10: a 50,000-row import
// stalled the server, /healthz 6.2 s).
//   bun bench/import-healthz.ts [rows]      (default 50,000)
// A real server (Bun.serve on a free port) over a temporary file database, a signed-in owner,
// a job to register everyone to; then one import request of `rows` new customers while a second
// client asks /healthz one request after another until the import has answered. Prints the
// import's duration and the /healthz latencies (median, max, count).
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createSession, createUser } from "../src/db/auth.ts";
import { createJob } from "../src/db/jobs.ts";
import { createDeps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";
import { benchDatabase, median } from "./support/measure.ts";
import { report } from "./support/report.ts";

const ROWS = Number(process.argv[2] ?? 50_000);

/** Asks /healthz one request after another (20 ms apart) until SIGTERM, then prints the latencies as JSON. */
const POLLER = `
const base = process.argv.at(-1);
const latencies = [];
let stop = false;
process.on("SIGTERM", () => { stop = true; });
while (!stop) {
  const t0 = performance.now();
  const res = await fetch(base + "/healthz");
  await res.arrayBuffer();
  latencies.push(performance.now() - t0);
  if (res.status !== 200) console.error("/healthz answered " + res.status);
  await Bun.sleep(20);
}
console.log(JSON.stringify(latencies));
process.exit(0);
`;
const NOW = new Date("2026-09-01T10:00:00Z");

const db = await benchDatabase();
const deps = createDeps({
  db,
  config: loadConfig({ PUBLIC_URL: "http://localhost", SCHEDULER: "off" }),
  clock: () => NOW,
  log: silentLogger,
});
const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: createApp(deps).fetch });
const base = `http://127.0.0.1:${server.port}`;

const user = await createUser(db, {
  email: "bench@example.com",
  name: "Bench",
  password: "bench password 1",
  role: "owner",
});
const cookie = `pigeon_session=${await createSession(db, user.id, NOW, {})}`;
const job = await createJob(db, { name: "Lincoln Elementary", type: "school" }, {}, "ui", NOW);
const page = await (await fetch(`${base}/customers/import`, { headers: { Cookie: cookie } })).text();
const csrf = page.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";

const lines = ["external_id,first_name,last_name,email,phone,album,consent_email"];
for (let i = 0; i < ROWS; i++)
  lines.push(`K${i},Kid${i},Family${i % 700},p${i}@ex.com,+1555${String(1_000_000 + i)},Class ${i % 30},yes`);
const form = new URLSearchParams({
  _csrf: csrf,
  csv: `${lines.join("\n")}\n`,
  file_name: "bench.csv",
  job_id: String(job.id),
  consent_source: "bench",
  lawful: "on",
});

// The poller is a process of its own: in this one, a stalled event loop would stall the clock too.
const poller = Bun.spawn(["bun", "-e", POLLER, base], { stdout: "pipe", stderr: "inherit" });
await Bun.sleep(300);
const started = performance.now();
const res = await fetch(`${base}/customers/import`, {
  method: "POST",
  body: form,
  headers: { Cookie: cookie, Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
});
const text = await res.text();
const result = {
  status: res.status,
  ms: performance.now() - started,
  summary: text.match(/[\d,]+ imported \([^)]*\)/)?.[0] ?? text.slice(0, 300),
};
poller.kill("SIGTERM");
const latencies: number[] = JSON.parse(await new Response(poller.stdout).text());
await server.stop(true);

const ms = (n: number) => `${n.toFixed(1)} ms`;
console.log(
  `${ROWS.toLocaleString("en")} rows: import ${result.status} in ${(result.ms / 1000).toFixed(1)} s — ${result.summary}`,
);
console.log(
  `/healthz during the import: ${latencies.length} requests, median ${ms(median(latencies))}, max ${ms(Math.max(...latencies))}`,
);
report("import_50k_rows_ms", result.ms, "ms");
report("import_healthz_max_ms", Math.max(...latencies), "ms");
process.exit(0);
