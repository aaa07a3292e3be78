// SPEC I2 ("nothing half-written") through a real crash: `pigeon serve` is importing a 30,000-row
// CSV, a few hundred rows to a transaction, when it is killed with SIGKILL. The customers its
// committed transactions wrote are in the database; the next `pigeon serve` takes the import
// back once its heartbeat has stopped long enough to be a dead process's, skips what a message
// queued meanwhile for those customers, and the same file then imports whole.
// Conditions decide when to kill (rows visible in the database), not the clock.
import { expect, test } from "bun:test";
import { count, eq } from "drizzle-orm";
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { enqueueDeliveries } from "../../src/db/outbox.ts";
import { customers, deliveries, importRuns, importUndo, messages } from "../../src/db/schema.ts";
import { Browser, OWNER } from "../support/app.ts";
import { until } from "../support/until.ts";
import { fileDatabase, workerEnv, workersKilledAfterAll } from "../support/worker.ts";

const ROWS = 30_000;
const startPigeon = workersKilledAfterAll();

/** A free loopback port for the server this test starts. */
function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  void probe.stop(true);
  return port;
}

/** The staff client of test/support/app.ts, talking to a real server instead of the app in memory. */
function browserAt(base: string): Browser {
  return new Browser({
    request: (url: string, init?: RequestInit) => fetch(url.replace("http://localhost", base), init),
  });
}

test(
  "kill -9 in the middle of a 30,000-row import: the next start takes it back, and the file then imports whole",
  async () => {
    const { url, db } = await fileDatabase("pigeon-import-crash-");
    const port = freePort();
    const base = `http://127.0.0.1:${port}`;
    // Links and the CSRF origin check follow PUBLIC_URL: the client below speaks as http://localhost.
    const env = workerEnv({
      url,
      extra: { PORT: String(port), HOST: "127.0.0.1", PUBLIC_URL: "http://localhost", SCHEDULER: "off" },
    });
    // Web only, no worker: /healthz says "degraded" (503), which is an answer all the same.
    const answers = async () => (await fetch(`${base}/healthz`).catch(() => null)) !== null;
    const customersNow = async () => (await db.select({ n: count() }).from(customers))[0]!.n;

    let server = startPigeon(env, "serve");
    await until("the server answers", answers);
    const b = browserAt(base);
    await b.get("/setup");
    expect((await b.post("/setup", OWNER)).status).toBe(303);
    await b.get("/customers/import");

    const csv = [
      "first_name,last_name,email",
      ...Array.from({ length: ROWS }, (_, i) => `Kim${i},Lee,kim${i}@import.test`),
    ].join("\n");
    const importFile = () => {
      const form = new FormData();
      for (const [k, v] of Object.entries({ _csrf: b.csrf, csv, file_name: "big.csv", lawful: "on" })) form.set(k, v);
      return b.request("/customers/import", { method: "POST", body: form, headers: { Origin: "http://localhost" } });
    };
    const cutOff = importFile().catch(() => null);
    await until("part of the file is written", async () => (await customersNow()) >= 1_000, 120_000);
    server.kill("SIGKILL");
    await server.exited;
    await cutOff;
    const left = await customersNow();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(ROWS);
    expect((await db.select({ n: count() }).from(importRuns))[0]!.n).toBe(1);
    console.log(`  killed with ${left} of ${ROWS} rows written`);
    // Before the web process is back, a worker started a message: it queued e-mails to the half
    // of the file that was in (as `enqueueDeliveries` does for any audience).
    const half = (await db.select({ id: customers.id, email: customers.email }).from(customers)).slice(0, 50);
    const [m] = await db
      .insert(messages)
      .values({ name: "Hello", channels: ["email"], subject: "Hi", body: "Hello", filters: {}, status: "sending" })
      .returning();
    const now = new Date();
    await enqueueDeliveries(
      db,
      { sourceType: "message", messageId: m!.id },
      half.map((c) => ({
        key: deliveryKey({ kind: "message", messageId: m!.id }, { customerId: c.id }, "email"),
        decision: { customerId: c.id, channel: "email" as const, to: c.email, skip: null },
        dueAt: now,
      })),
      now,
    );

    server = startPigeon(env, "serve");
    await until("the server answers again", answers);
    // Taken back once its heartbeat has been silent long enough to be a dead process's (30 s).
    await until("the import is taken back", async () => (await customersNow()) === 0, 120_000);
    expect((await db.select({ n: count() }).from(importRuns))[0]!.n).toBe(0);
    expect((await db.select({ n: count() }).from(importUndo))[0]!.n).toBe(0);
    // Those e-mails do not go to people the import no longer has: skipped, saying why.
    const queued = await db
      .select({ status: deliveries.status, skipReason: deliveries.skipReason })
      .from(deliveries)
      .where(eq(deliveries.messageId, m!.id));
    expect(queued).toHaveLength(half.length);
    expect(new Set(queued.map((d) => `${d.status} ${d.skipReason}`))).toEqual(new Set(["skipped customer_removed"]));

    // The session survived the restart (it is in the database): the same file now imports whole.
    await b.get("/customers/import");
    const done = await importFile();
    expect(await done.text()).toContain(`${ROWS.toLocaleString("en")} imported`);
    expect(await customersNow()).toBe(ROWS);
    expect((await db.select({ n: count() }).from(importRuns))[0]!.n).toBe(0);
    server.kill("SIGTERM");
    await server.exited;
    db.$client.close();
  },
  { timeout: 240_000 },
);
