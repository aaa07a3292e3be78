// Upgrading while another process holds the database: the web process and the workers of one
// install start together after an upgrade (README: several workers), and a worker of the old
// version may still be writing. `pigeon migrate` must wait its turn, never crash, and never
// apply a migration twice.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "drizzle-orm/libsql/migrator";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import { journal, migrationsOfRelease, migrationsUpTo } from "./support/releases.ts";
import { schemaOf } from "./support/sql.ts";

const ROOT = join(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "pigeon-migrate-together-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database file as the release that shipped migrations up to `tag` left it, with a studio's rows. */
async function databaseAt(tag: string, name: string): Promise<string> {
  const folder = migrationsOfRelease(migrationsUpTo(tag));
  const file = join(dir, `${name}.db`);
  const db = await openDatabase(`file:${file}`);
  await migrate(db, { migrationsFolder: folder });
  await db.$client.execute(
    "INSERT INTO customers (first_name, last_name, email, consent_email) SELECT 'F' || value, 'L', 'c' || value || '@x.test', 1 FROM generate_series(1, 2000)",
  );
  await db.$client.execute("INSERT INTO jobs (name, type, year, status) VALUES ('Lincoln', 'school', 2026, 'selling')");
  db.$client.close();
  return file;
}

const pigeon = (file: string, ...args: string[]) =>
  Bun.spawn(["bun", join(ROOT, "src", "main.ts"), ...args], {
    env: { ...process.env, DATABASE_URL: `file:${file}`, LOG_LEVEL: "error" },
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });

async function finished(p: ReturnType<typeof pigeon>) {
  const code = await p.exited;
  return { code, out: await new Response(p.stdout).text(), err: await new Response(p.stderr).text() };
}

async function appliedOf(file: string) {
  const db = await openDatabase(`file:${file}`);
  const rows = (await db.$client.execute("SELECT hash FROM __drizzle_migrations")).rows.map((r) => String(r.hash));
  const fresh = await openDatabase(":memory:");
  await migrateDatabase(fresh);
  const result = {
    applied: rows.length,
    distinct: new Set(rows).size,
    sameSchema: Bun.deepEquals(await schemaOf(db), await schemaOf(fresh)),
  };
  db.$client.close();
  return result;
}

/** Another process that takes the write lock on `file` and keeps it until told to let go. */
async function lockHolder(file: string) {
  const holder = Bun.spawn(
    [
      "bun",
      "-e",
      `const { Database } = require("bun:sqlite");
       const db = new Database(${JSON.stringify(file)});
       db.run("BEGIN IMMEDIATE");
       db.run("UPDATE jobs SET name = 'Lincoln Elementary'");
       console.log("locked");
       for await (const _ of console) break;
       db.run("COMMIT");`,
    ],
    { stdin: "pipe", stdout: "pipe" },
  );
  const reader = holder.stdout.getReader();
  expect(new TextDecoder().decode((await reader.read()).value)).toContain("locked");
  return {
    async release() {
      await holder.stdin.write("done\n");
      await holder.stdin.end();
      expect(await holder.exited).toBe(0);
    },
  };
}

describe("migrating while another process holds the database", () => {
  test("pigeon migrate waits for another process's write to finish, then upgrades; it does not crash", async () => {
    const file = await databaseAt("0013_import_journal", "held");
    // Another process takes the write lock and keeps it until told to let go.
    const holder = await lockHolder(file);

    const upgrade = pigeon(file, "migrate");
    // The upgrade's first write meets the lock (held since before it started); it must wait, not
    // fail and not abort. It is still waiting a moment later (on a slow machine it may not have
    // reached its first write by then: the test then asks less, it cannot fail by that).
    const early = await Promise.race([upgrade.exited.then((code) => ({ code })), Bun.sleep(1_500).then(() => null)]);
    expect(early).toBeNull();
    await holder.release();

    const result = await finished(upgrade);
    expect({ code: result.code, err: result.err.trim() }).toEqual({ code: 0, err: "" });
    expect(await appliedOf(file)).toEqual({
      applied: journal.entries.length,
      distinct: journal.entries.length,
      sameSchema: true,
    });
  });

  test("two pigeon migrate started together: both end well, each migration applied once", async () => {
    const file = await databaseAt("0013_import_journal", "together");
    const [a, b] = await Promise.all([finished(pigeon(file, "migrate")), finished(pigeon(file, "migrate"))]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(await appliedOf(file)).toEqual({
      applied: journal.entries.length,
      distinct: journal.entries.length,
      sameSchema: true,
    });
  });
});

describe("after an upgrade, and when it must give up", () => {
  test("the server's connection fails at once on another process's lock again (no wait left in the driver)", async () => {
    const file = await databaseAt("0013_import_journal", "after");
    const db = await openDatabase(`file:${file}`);
    await migrateDatabase(db);
    expect((await db.$client.execute("PRAGMA busy_timeout")).rows[0]![0]).toBe(0);
    expect((await db.$client.execute("PRAGMA foreign_keys")).rows[0]![0]).toBe(1);
    db.$client.close();
  });

  test("starting on an up-to-date database takes no write lock: another process's long write does not hold it up", async () => {
    const file = await databaseAt("0013_import_journal", "current");
    const db = await openDatabase(`file:${file}`);
    await migrateDatabase(db);
    const holder = await lockHolder(file);
    const outcome = await migrateDatabase(db, { waitMs: 300 }).then(
      () => "started",
      (err: Error) => err.message,
    );
    await holder.release();
    db.$client.close();
    expect(outcome).toBe("started");
  });

  test("a lock held longer than the upgrade waits: one line saying so, nothing changed, no crash", async () => {
    const file = await databaseAt("0013_import_journal", "too-long");
    const holder = await lockHolder(file);
    const db = await openDatabase(`file:${file}`);
    const failed = await migrateDatabase(db, { waitMs: 300 }).then(
      () => null,
      (err: Error) => err.message,
    );
    await holder.release();
    expect(failed).toMatch(
      /^upgrading the database failed, and nothing was changed: another process kept the database locked for \d+ seconds; stop whatever is writing to it \(an older Pigeon still running\?\) and start again$/,
    );
    const applied = Number((await db.$client.execute("SELECT count(*) AS n FROM __drizzle_migrations")).rows[0]!.n);
    db.$client.close();
    expect(applied).toBe(migrationsUpTo("0013_import_journal"));
  });
});

describe("an upgrade that cannot be applied", () => {
  test("says so in one line naming what refused it, exits 1, and leaves the database as it was", async () => {
    const file = await databaseAt("0013_import_journal", "odd");
    const db = await openDatabase(`file:${file}`);
    await db.$client.execute(
      "INSERT INTO messages (name, channels, filters, status) VALUES ('Hand-edited', '[\"email\"]', '{}', 'archived')",
    );
    db.$client.close();
    const result = await finished(pigeon(file, "migrate"));
    expect(result.code).toBe(1);
    expect(result.err.trim().split("\n")).toEqual([
      "Refused: upgrading the database failed, and nothing was changed: a stored row holds a value this version does not allow (CHECK constraint failed: messages_status_check). Fix that row, or ask for help with this line.",
    ]);
    const after = await openDatabase(`file:${file}`);
    const applied = (await after.$client.execute("SELECT count(*) AS n FROM __drizzle_migrations")).rows[0]!.n;
    after.$client.close();
    expect(Number(applied)).toBe(migrationsUpTo("0013_import_journal"));
  });
});
