import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { writeAtomically } from "../../src/db/api-upserts.ts";
import { createApiKey } from "../../src/db/auth.ts";
import { type Db, migrateDatabase, openDatabase } from "../../src/db/client.ts";
import { getJobByExternalId } from "../../src/db/jobs.ts";
import { customers, events, jobs, orders, registrations } from "../../src/db/schema.ts";
import { silentLogger } from "../../src/log.ts";
import { createDeps } from "../../src/deps.ts";
import { apiRequest, makeApiApp, rows } from "./support.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The app on a real database file, so racing requests use the driver's pool of connections. */
async function fileApp() {
  const dir = mkdtempSync(join(tmpdir(), "pigeon-api-"));
  dirs.push(dir);
  const db = await openDatabase(`file:${join(dir, "pigeon.db")}`);
  await migrateDatabase(db);
  const app = createApp(
    createDeps({
      db,
      config: loadConfig({ PUBLIC_URL: "http://localhost" }),
      clock: () => new Date(),
      log: silentLogger,
    }),
  );
  const { key } = await createApiKey(db, "test", null);
  return { db, post: (path: string, body: unknown) => apiRequest(app, "POST", path, { key, body }) };
}

async function race(t: { db: Db; post: (path: string, body: unknown) => Promise<{ status: number }> }) {
  await t.post("/jobs", { external_id: "JOB-1", name: "Oak Hill Elementary" });
  const registration = {
    external_id: "REG-1",
    job_external_id: "JOB-1",
    customer: { external_id: "CUS-1", first_name: "Ann" },
  };
  const order = { external_id: "ORD-1", job_external_id: "JOB-1", customer_external_id: "CUS-1", amount: 24.9 };
  const registered = await Promise.all(Array.from({ length: 8 }, () => t.post("/registrations", registration)));
  const ordered = await Promise.all(Array.from({ length: 8 }, () => t.post("/orders", order)));
  const renamed = await Promise.all(
    Array.from({ length: 8 }, (_, i) => t.post("/jobs", { external_id: "JOB-1", name: `Oak ${i}` })),
  );
  for (const answers of [registered, ordered])
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
  expect(renamed.map((r) => r.status)).toEqual(Array(8).fill(200));
  expect(await rows(t.db, jobs)).toBe(1);
  expect(await rows(t.db, customers)).toBe(1);
  expect(await rows(t.db, registrations)).toBe(1);
  expect(await rows(t.db, orders)).toBe(1);
  expect((await t.db.select().from(events)).map((e) => e.type)).toEqual(["customer_registered", "order_placed"]);
}

describe("racing identical writes", () => {
  test("identical POSTs at once create one row each (in memory)", async () => {
    await race(await makeApiApp());
  });

  test("identical POSTs at once create one row each (database file)", async () => {
    await race(await fileApp());
  });

  test("a write that loses the race on a unique index runs again and takes the update path", async () => {
    const t = await makeApiApp();
    await t.db.insert(jobs).values({ name: "Inserted by the winner", type: "school", year: 2026, externalId: "JOB-1" });
    let runs = 0;
    const result = await writeAtomically(t.db, async (tx) => {
      runs++;
      // The first run looked before the winner committed, so it saw nothing.
      const existing = runs === 1 ? undefined : await getJobByExternalId(tx, "JOB-1");
      if (existing) return `updated ${existing.name}`;
      await tx.insert(jobs).values({ name: "Loser", type: "school", year: 2026, externalId: "JOB-1" });
      return "inserted";
    });
    expect(result).toBe("updated Inserted by the winner");
    expect(runs).toBe(2);
    expect(await rows(t.db, jobs)).toBe(1);
  });
});
