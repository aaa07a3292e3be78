// Overlapping work in one process on a real database file: a write that arrives while a
// transaction is open waits for it instead of failing or freezing the process.
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import { jobs } from "../src/db/schema.ts";

test("a write during another request's open transaction waits its turn, and both land", async () => {
  const db = await openDatabase(`file:${join(mkdtempSync(join(tmpdir(), "pigeon-lock-")), "p.db")}`);
  await migrateDatabase(db);
  const order: string[] = [];
  const slowTransaction = db.transaction(async (tx) => {
    await tx.insert(jobs).values({ name: "In transaction", type: "school", year: 2026 });
    await Bun.sleep(50); // another request runs meanwhile
    order.push("transaction done");
  });
  await Bun.sleep(5);
  const outsideWrite = db
    .insert(jobs)
    .values({ name: "Outside", type: "event", year: 2026 })
    .then(() => order.push("outside write done"));
  await Promise.all([slowTransaction, outsideWrite]);
  expect(order).toEqual(["transaction done", "outside write done"]);
  expect((await db.select().from(jobs)).map((j) => j.name).sort()).toEqual(["In transaction", "Outside"]);
});

test("foreign keys are enforced on the database's connection", async () => {
  const db = await openDatabase(`file:${join(mkdtempSync(join(tmpdir(), "pigeon-fk-")), "p.db")}`);
  await migrateDatabase(db);
  const { albums } = await import("../src/db/schema.ts");
  let error: unknown;
  try {
    await db.insert(albums).values({ jobId: 12345, name: "Orphan" });
  } catch (err) {
    error = err;
  }
  expect(String((error as { cause?: unknown }).cause)).toContain("FOREIGN KEY constraint failed");
});

// The connection reuses one prepared statement per SQL text (src/db/local-connections.ts): a
// statement that failed, or was left mid-way by a rolled-back transaction, must answer afresh.
test("a reused statement answers afresh after a failure and after a rollback", async () => {
  const db = await openDatabase(`file:${join(mkdtempSync(join(tmpdir(), "pigeon-stmt-")), "p.db")}`);
  await migrateDatabase(db);
  const insert = (name: string, externalId: string) =>
    db.insert(jobs).values({ name, type: "school", year: 2026, externalId });
  await insert("First", "a");
  await expect(Promise.resolve(insert("Same external id", "a"))).rejects.toThrow();
  await insert("Second", "b");
  await expect(
    db.transaction(async (tx) => {
      await tx.insert(jobs).values({ name: "Rolled back", type: "school", year: 2026, externalId: "c" });
      expect((await tx.select({ name: jobs.name }).from(jobs)).map((j) => j.name)).toEqual([
        "First",
        "Second",
        "Rolled back",
      ]);
      throw new Error("changed my mind");
    }),
  ).rejects.toThrow("changed my mind");
  expect((await db.select({ name: jobs.name }).from(jobs)).map((j) => j.name)).toEqual(["First", "Second"]);
  await insert("Third", "c");
  expect((await db.select({ name: jobs.name }).from(jobs)).map((j) => j.name)).toEqual(["First", "Second", "Third"]);
});

// Another process's lock (SQLITE_BUSY) fails a statement mid-way, and libSQL leaves that
// statement in progress: until the same statement runs again, its connection keeps an old
// snapshot, holds whatever it writes next without committing it, and blocks every writer — the
// stuck workers and ever-growing WAL an outside probe found when several callers on one
// connection met another process's lock at once (each retry reset only its own statement).
// Here one statement meets a snapshot another process has moved past, and is never run again.
test("a statement another process's lock failed leaves nothing held: the next write commits and others can write", async () => {
  const url = `file:${join(mkdtempSync(join(tmpdir(), "pigeon-busy-")), "p.db")}`;
  const holder = await openDatabase(url);
  await migrateDatabase(holder);
  const worker = await openDatabase(url);
  const lock = await holder.$client.transaction("write");
  await lock.execute(
    "insert into jobs (name, type, year, created_at, updated_at) values ('Holder', 'event', 2026, 0, 0)",
  );
  const stale = await worker.$client.transaction("deferred");
  await stale.execute("select count(*) from jobs"); // reads the snapshot before Holder
  await lock.commit();
  const failed = await stale
    .execute("insert into jobs (name, type, year, created_at, updated_at) values ('Stale', 'event', 2026, 0, 0)")
    .catch((err: { code?: string }) => err.code);
  expect(failed).toStartWith("SQLITE_BUSY");
  await stale.rollback();
  // The worker's next write lands, committed: the other connection sees it and can write after it.
  await worker.insert(jobs).values({ name: "Next", type: "event", year: 2026 });
  await holder.insert(jobs).values({ name: "After", type: "event", year: 2026 });
  expect((await holder.select({ name: jobs.name }).from(jobs)).map((j) => j.name).sort()).toEqual([
    "After",
    "Holder",
    "Next",
  ]);
  // A connection opened in place of the broken one has the same settings.
  const { albums } = await import("../src/db/schema.ts");
  const orphan = await worker
    .insert(albums)
    .values({ jobId: 12345, name: "Orphan" })
    .then(
      () => "inserted",
      (err) => String(err.cause ?? err),
    );
  expect(orphan).toContain("FOREIGN KEY constraint failed");
}, 60_000);
