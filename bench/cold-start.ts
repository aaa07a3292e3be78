// The compiled binary's cold start (issue 15: cold_start_ms): from spawning `pigeon serve` on an
// existing, already migrated database to its first answer from /healthz.
//   bun bench/cold-start.ts [starts]      (default 15)
// Builds the binary from the current source into a temporary folder (scripts/build.ts), so the
// figure is never that of a stale dist/pigeon. Resend and Twilio are configured (pointing at
// loopback ports nothing listens on; nothing is sent), as in production, so their SDKs would load
// if start-up loaded them. /healthz is asked in a tight loop from the moment the process is
// spawned. For a breakdown it also times `pigeon --help` (the runtime and the module graph
// alone, nothing opened) and `pigeon migrate` (the same plus opening and checking the database).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./support/measure.ts";
import { report } from "./support/report.ts";

const STARTS = Number(process.argv[2] ?? 15);
const root = join(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "pigeon-cold-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const binary = join(dir, "pigeon");

const built = Bun.spawnSync(["bun", join(root, "scripts", "build.ts"), binary], { stdout: "pipe", stderr: "pipe" });
if (built.exitCode !== 0) throw new Error(`build failed:\n${built.stderr.toString()}${built.stdout.toString()}`);
console.error(built.stdout.toString().trim());

const env = {
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "",
  DATABASE_URL: `file:${join(dir, "pigeon.db")}`,
  HOST: "127.0.0.1",
  PUBLIC_URL: "https://pigeon.test",
  LOG_LEVEL: "warn",
  RESEND_API_KEY: "re_bench",
  RESEND_BASE_URL: "http://127.0.0.1:9",
  EMAIL_FROM: "Studio <hello@studio.test>",
  TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
  TWILIO_AUTH_TOKEN: "bench",
  TWILIO_FROM: "+15550001111",
  TWILIO_BASE_URL: "http://127.0.0.1:9",
};

/** Milliseconds from spawn to exit of `pigeon <args>`. */
async function timeCommand(args: string[]): Promise<number> {
  const t0 = performance.now();
  const p = Bun.spawn([binary, ...args], { env, stdout: "ignore", stderr: "inherit" });
  const code = await p.exited;
  if (code !== 0) throw new Error(`pigeon ${args.join(" ")} exited with ${code}`);
  return performance.now() - t0;
}

/** A port free right now on loopback. */
async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  await s.stop(true);
  return port;
}

/** Milliseconds from spawning `pigeon serve` to the first 200 from /healthz; then stops it. */
async function timeServe(extra: Record<string, string> = {}): Promise<number> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/healthz`;
  const t0 = performance.now();
  const p = Bun.spawn([binary, "serve"], {
    env: { ...env, ...extra, PORT: String(port) },
    stdout: "ignore",
    stderr: "inherit",
  });
  try {
    for (;;) {
      const res = await fetch(url).catch(() => null);
      if (res?.status === 200) {
        const ms = performance.now() - t0;
        await res.arrayBuffer();
        return ms;
      }
      if (res) throw new Error(`/healthz answered ${res.status}: ${await res.text()}`);
      if (p.exitCode !== null) throw new Error(`pigeon serve exited with ${p.exitCode}`);
      if (performance.now() - t0 > 30_000) throw new Error("/healthz did not answer within 30 s");
    }
  } finally {
    p.kill("SIGTERM");
    await p.exited;
  }
}

// The database exists and is migrated before the timed starts, as on every start but the first.
await timeCommand(["migrate"]);
await timeServe();

const help: number[] = [];
const migrate: number[] = [];
const serve: number[] = [];
const webOnly: number[] = [];
for (let i = 0; i < STARTS; i++) {
  help.push(await timeCommand(["--help"]));
  migrate.push(await timeCommand(["migrate"]));
  webOnly.push(await timeServe({ SCHEDULER: "off" }));
  serve.push(await timeServe());
}

console.error(
  `\nbun bench/cold-start.ts ${STARTS}: median of ${STARTS} starts each (ms)\n` +
    Bun.inspect.table([
      { what: "pigeon --help (runtime + modules)", "median ms": median(help).toFixed(1) },
      { what: "pigeon migrate (+ open and check the database)", "median ms": median(migrate).toFixed(1) },
      { what: "SCHEDULER=off pigeon serve → first 200 from /healthz", "median ms": median(webOnly).toFixed(1) },
      { what: "pigeon serve → first 200 from /healthz", "median ms": median(serve).toFixed(1) },
    ]),
);
report("cold_start_ms", median(serve), "ms", 50);
