// /healthz while a webhook storm runs (run: `bun bench/healthz-under-storm.ts [runs]`, default 3).
// The storm of test/faults/webhook-storm.test.ts without its checks (test/support/webhook-storm.ts:
// 200 e-mails and 150 SMS really sent through the SDKs to the local fakes, then their status
// callbacks — each genuine one one to five times, plus forgeries, shuffled — posted 50 at a time
// to a real server on a file database), while /healthz is asked one request after another (20 ms apart). Each run prints
// callbacks/s, /healthz median/p95/max, the time /healthz spent in its handler, the CPU the
// process used, and how long its event-loop thread ran versus waited for a CPU (Linux); with
// several runs, the medians last.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sendStudio } from "../test/support/send-studio.ts";
import { post, storm as stormOf, stormCallbacks, studioThatSent } from "../test/support/webhook-storm.ts";
import { median } from "./support/measure.ts";
import { report } from "./support/report.ts";

const RUNS = Number(process.argv[2] ?? 3);
type Figures = {
  callbacks: number;
  perSecond: number;
  healthzMedian: number;
  healthzP95: number;
  healthzMax: number;
  handlerMedian: number;
  polls: number;
  cpuSeconds: number;
  onCpuSeconds: number;
  waitingForCpuSeconds: number;
  stormSeconds: number;
};

/**
 * Seconds the main thread (the event loop) has run on a CPU and has waited, runnable, for one
 * (Linux's schedstat; null elsewhere). On a loaded machine the second says how much of a slow
 * answer was the process not being scheduled at all.
 */
function mainThreadSchedule(): { onCpu: number; waiting: number } | null {
  try {
    const [onCpu, waiting] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ").map(Number);
    return { onCpu: onCpu! / 1e9, waiting: waiting! / 1e9 };
  } catch {
    return null;
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;

async function run(): Promise<Figures> {
  const studio = sendStudio();
  const dir = mkdtempSync(join(tmpdir(), "pigeon-bench-storm-"));
  try {
    const { t, sent } = await studioThatSent(studio, `file:${join(dir, "storm.db")}`);

    // Time inside the app for each /healthz, to tell the handler's own time from waiting its turn.
    const inHandler: number[] = [];
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: async (req: Request) => {
        const t0 = performance.now();
        const res = await t.app.fetch(req);
        if (req.url.endsWith("/healthz")) inHandler.push(performance.now() - t0);
        return res;
      },
    });

    const origin = `http://127.0.0.1:${server.port}`;
    const storm = stormOf(stormCallbacks(studio, sent, origin).callbacks);

    let over = false;
    const healthz: number[] = [];
    const poll = (async () => {
      while (!over) {
        const started = performance.now();
        await (await fetch(`${origin}/healthz`)).arrayBuffer();
        healthz.push(performance.now() - started);
        await Bun.sleep(20);
      }
    })();
    const sched0 = mainThreadSchedule();
    const cpu = process.cpuUsage();
    const started = performance.now();
    await post(storm);
    const stormMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const sched1 = mainThreadSchedule();
    over = true;
    await poll;
    await server.stop(true);
    t.db.$client.close();
    const sorted = healthz.sort((a, b) => a - b);
    return {
      callbacks: storm.length,
      perSecond: storm.length / (stormMs / 1000),
      healthzMedian: quantile(sorted, 0.5),
      healthzP95: quantile(sorted, 0.95),
      healthzMax: sorted.at(-1) ?? 0,
      polls: sorted.length,
      cpuSeconds: (used.user + used.system) / 1e6,
      handlerMedian: quantile(
        inHandler.sort((a, b) => a - b),
        0.5,
      ),
      onCpuSeconds: sched0 && sched1 ? sched1.onCpu - sched0.onCpu : NaN,
      waitingForCpuSeconds: sched0 && sched1 ? sched1.waiting - sched0.waiting : NaN,
      stormSeconds: stormMs / 1000,
    };
  } finally {
    studio.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const all: Figures[] = [];
for (let i = 1; i <= RUNS; i++) {
  const f = await run();
  all.push(f);
  console.log(
    `run ${i}: ${f.callbacks} callbacks in ${f.stormSeconds.toFixed(1)} s = ${Math.round(f.perSecond)}/s (CPU ${f.cpuSeconds.toFixed(1)} s); ` +
      `/healthz ${f.polls} polls: median ${ms(f.healthzMedian)}, p95 ${ms(f.healthzP95)}, max ${ms(f.healthzMax)} (in the handler: median ${ms(f.handlerMedian)}); ` +
      `event loop thread on a CPU ${f.onCpuSeconds.toFixed(1)} s, waiting for one ${f.waitingForCpuSeconds.toFixed(1)} s`,
  );
}
report("storm_callbacks_per_s", median(all.map((f) => f.perSecond)), "/s");
report("storm_healthz_p95_ms", median(all.map((f) => f.healthzP95)), "ms");
if (RUNS > 1) {
  const m = (k: keyof Figures) => median(all.map((f) => f[k]));
  console.log(
    `medians of ${RUNS} runs: ${Math.round(m("perSecond"))} callbacks/s; /healthz median ${ms(m("healthzMedian"))}, p95 ${ms(m("healthzP95"))}, max ${ms(m("healthzMax"))} ` +
      `(in the handler ${ms(m("handlerMedian"))}); event loop thread waiting for a CPU ${m("waitingForCpuSeconds").toFixed(1)} s of ${m("stormSeconds").toFixed(1)} s`,
  );
}
