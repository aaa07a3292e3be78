// `pigeon backup` and `pigeon restore` as an operator runs them: real processes on a database
// file, the data checked row for row after the round trip, and every bad input refused with one
// line (no stack trace) while the live database stays as it was.
import { afterAll, describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../src/cli.ts";
import { customers } from "../src/db/schema.ts";
import { makeTestApp, OWNER } from "./support/app.ts";

const root = join(import.meta.dir, "..");
const main = join(root, "src", "main.ts");

function place() {
  const dir = mkdtempSync(join(tmpdir(), "pigeon-backup-"));
  const file = join(dir, "data", "pigeon.db");
  const env = { ...process.env, DATABASE_URL: `file:${file}`, LOG_LEVEL: "warn" };
  const run = (...args: string[]) => {
    const p = Bun.spawnSync(["bun", main, ...args], { env, cwd: root });
    return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
  };
  return { dir, file, env, run };
}

/** Runs a step of test/support/backup-studio.ts in a process of its own; see why there. */
function step<T = Snapshot>(name: "studio" | "change" | "snapshot", file: string): T {
  const p = Bun.spawnSync(["bun", join(import.meta.dir, "support", "backup-studio.ts"), name, file], { cwd: root });
  if (p.exitCode !== 0) throw new Error(`${name} failed: ${p.stderr.toString()}`);
  return JSON.parse(p.stdout.toString());
}
type Snapshot = { counts: Record<string, number>; deliveries: unknown[]; search: unknown[] } & Record<string, unknown>;
const snapshot = (file: string) => step("snapshot", file);

function serve(env: Record<string, string | undefined>) {
  const p = Bun.spawn(["bun", main, "serve"], {
    env: { ...env, PORT: "0", LOG_LEVEL: "info" },
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
  });
  const ready = (async () => {
    let text = "";
    const reader = p.stdout.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`serve exited: ${text}${await new Response(p.stderr).text()}`);
      text += new TextDecoder().decode(value);
      const port = text.match(/listening on [^:]+:(\d+)/)?.[1];
      if (port) {
        reader.releaseLock();
        return Number(port);
      }
    }
  })();
  return { ready, stop: async () => (p.kill("SIGTERM"), await p.exited) };
}

/** The command line in this process, its output captured. */
async function cli(env: Record<string, string | undefined>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { env, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const modeOf = (path: string) => statSync(path).mode & 0o777;
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes(".restoring-"));

describe("backup and restore", () => {
  const servers: { stop: () => Promise<unknown> }[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  test("a backup restored over changed data gives back every row; the replaced database is kept; Pigeon starts on it", async () => {
    const { dir, file, env, run } = place();
    const { messageId } = step<{ messageId: number }>("studio", file);
    const before = snapshot(file);
    expect(before.counts.customers).toBeGreaterThan(300);
    expect(before.deliveries).toHaveLength(3);
    expect(before.search.length).toBeGreaterThan(0);

    const backupFile = join(dir, "nightly.db");
    const backup = run("backup", backupFile);
    expect(backup).toMatchObject({ code: 0, err: "" });
    expect(backup.out).toContain(`Backup written to ${backupFile}.`);

    // Then things change: the message and its deliveries deleted, a customer renamed, one deleted.
    step("change", file);
    const changed = snapshot(file);
    expect(changed.deliveries).toHaveLength(0);

    // While Pigeon runs, restore refuses and touches nothing.
    const server = serve(env);
    servers.push(server);
    await server.ready;
    const refused = run("restore", backupFile);
    expect(refused.code).toBe(1);
    expect(refused.err.trim()).toBe(`${file} is in use: stop Pigeon (the server and any workers) before restoring.`);
    await server.stop();
    // (The server's housekeeping changes sessions and worker state; the studio's data it leaves.)
    const afterServe = snapshot(file);
    expect({ ...afterServe, counts: undefined }).toEqual({ ...changed, counts: undefined });
    expect(leftovers(join(dir, "data"))).toEqual([]);

    const restored = run("restore", backupFile);
    expect(restored.err).toBe("");
    expect(restored.code).toBe(0);
    const kept = restored.out.match(/kept as (\S+)\.$/m)?.[1];
    expect(kept).toMatch(/pigeon\.db\.before-restore-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(snapshot(file)).toEqual(before);
    // The database it replaced holds the changed data, readable only by us like the restored one.
    expect(snapshot(kept!)).toEqual(afterServe);
    expect(statSync(kept!).mode & 0o777).toBe(0o600);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(leftovers(join(dir, "data"))).toEqual([]);

    // Pigeon starts on the restored database: health, and the owner sees the message again.
    const again = serve(env);
    servers.push(again);
    const port = await again.ready;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await again.stop();
    const app = await makeTestApp({ url: `file:${file}` });
    const b = app.browser();
    await b.get("/login");
    expect((await b.post("/login", { email: OWNER.email, password: OWNER.password })).status).toBe(303);
    const page = await b.get(`/messages/${messageId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Picture day");
    app.db.$client.close();
  }, 120_000);

  test("a backup taken while another process writes is a consistent copy", async () => {
    const { dir, file, run } = place();
    expect(run("migrate").code).toBe(0);
    const t = await makeTestApp({ url: `file:${file}` });
    // Each write adds two customers in one transaction: a copy of a moment has them in pairs, and
    // the search index and customer_reach (kept by triggers) in step with them.
    let writing = true;
    let pairs = 0;
    const writer = (async () => {
      while (writing) {
        await t.db.transaction(async (tx) => {
          for (const side of ["left", "right"])
            await tx
              .insert(customers)
              .values({ firstName: `Pair${pairs}`, lastName: side, email: `${side}${pairs}@pairs.test` });
        });
        pairs++;
        await Bun.sleep(0);
      }
    })();
    const backups: string[] = [];
    for (let i = 0; i < 3; i++) {
      const target = join(dir, `during-${i}.db`);
      const p = Bun.spawn(["bun", main, "backup", target], {
        env: { ...process.env, DATABASE_URL: `file:${file}` },
        cwd: root,
        stdout: "pipe",
        stderr: "pipe",
      });
      expect(await p.exited).toBe(0);
      backups.push(target);
    }
    writing = false;
    await writer;
    t.db.$client.close();
    const seen: number[] = [];
    for (const target of backups) {
      const c = createClient({ url: `file:${target}` });
      expect((await c.execute("PRAGMA integrity_check")).rows[0]![0]).toBe("ok");
      const n = Number((await c.execute("SELECT count(*) AS n FROM customers")).rows[0]!.n);
      expect(n % 2).toBe(0);
      expect(Number((await c.execute("SELECT count(*) AS n FROM customer_reach")).rows[0]!.n)).toBe(n);
      expect(
        Number(
          (await c.execute("SELECT count(*) AS n FROM customers_fts WHERE customers_fts MATCH 'pairs'")).rows[0]!.n,
        ),
      ).toBe(n);
      seen.push(n);
      c.close();
    }
    // How far the writer got meanwhile (recorded, not judged: it depends on the machine's speed).
    console.log(`backups during writes: customers in each copy ${seen.join(", ")}; ${pairs * 2} written in all`);
  }, 120_000);
});

describe("backup and restore refuse bad input with one line", () => {
  const oneLine = (err: string) => {
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).not.toMatch(/^\s+at /m);
  };

  test("a backup into a folder that does not exist", () => {
    const { run } = place();
    expect(run("migrate").code).toBe(0);
    const r = run("backup", "/missing-dir/x.db");
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe("Cannot write /missing-dir/x.db: the folder /missing-dir does not exist.");
    oneLine(r.err);
  });

  test("a restore of a missing file, a file that is no database, another app's database, a newer Pigeon's, a live database", async () => {
    const { dir, file, env, run } = place();
    expect(run("migrate").code).toBe(0);
    expect(run("create-owner", "--email", "boss@studio.test", "--password", "a long password").code).toBe(0);
    const live = snapshot(file);

    const text = join(dir, "notes.txt");
    writeFileSync(text, "these are not the rows you are looking for\n".repeat(200));
    const other = join(dir, "other-app.db");
    const o = createClient({ url: `file:${other}` });
    await o.execute("CREATE TABLE notes (id integer primary key, body text)");
    await o.execute("INSERT INTO notes (body) VALUES ('hello')");
    o.close();
    const newer = join(dir, "newer.db");
    expect(run("backup", newer).code).toBe(0);
    const n = createClient({ url: `file:${newer}` });
    await n.execute("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('from-the-future', 4102444800000)");
    n.close();
    const copyOfLive = join(dir, "copied-live.db");
    copyFileSync(file, copyOfLive);
    copyFileSync(`${file}-wal`, `${copyOfLive}-wal`);

    const cases: [string[], number, string][] = [
      [["restore"], 2, "Missing <file>."],
      [["restore", join(dir, "nope.db")], 1, `${join(dir, "nope.db")} does not exist.`],
      [["restore", dir], 1, `${dir} is not a file.`],
      [["restore", text], 1, `${text} is not a SQLite database.`],
      [
        ["restore", other],
        1,
        `${other} is a SQLite database, but not Pigeon's (it has no __drizzle_migrations, studio_settings, customers, jobs, deliveries tables).`,
      ],
      [
        ["restore", newer],
        1,
        `${newer}: the database was written by a newer version of Pigeon (1 migration this version does not know); run that version or a newer one.`,
      ],
      [
        ["restore", copyOfLive],
        1,
        `${copyOfLive} has a write-ahead log beside it (${copyOfLive}-wal): it is a live database, not a backup. Make one with \`pigeon backup\`.`,
      ],
    ];
    // In this process through runCli (a cold start of bun per case would cost seconds each on a
    // busy machine); the real process's stderr is checked above and below.
    for (const [args, code, message] of cases) {
      const r = await cli(env, ...args);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.err.split("\n")[0]).toBe(message);
      if (code === 1) oneLine(r.err);
    }
    // Nothing was replaced and nothing left behind.
    expect(snapshot(file)).toEqual(live);
    expect(readdirSync(join(dir, "data")).filter((f) => !/^pigeon\.db(-wal|-shm)?$/.test(f))).toEqual([]);

    // On a new machine: a refused restore leaves no database behind; a good one makes it.
    const elsewhere = place();
    const refused = elsewhere.run("restore", text);
    expect(refused.code).toBe(1);
    expect(refused.err.trim()).toBe(`${text} is not a SQLite database.`);
    expect(existsSync(elsewhere.file)).toBe(false);
    const good = join(dir, "good.db");
    expect(run("backup", good).code).toBe(0);
    const restored = elsewhere.run("restore", good);
    expect(restored).toMatchObject({ code: 0, err: "" });
    expect(restored.out.trim()).toBe(`Restored ${good} into ${elsewhere.file}.`);
    expect(snapshot(elsewhere.file).users).toEqual(live.users);
    expect(modeOf(join(elsewhere.dir, "data"))).toBe(0o700);
  }, 120_000);

  test("serve on a database a newer Pigeon migrated refuses with one line", () => {
    const { file, run } = place();
    expect(run("migrate").code).toBe(0);
    const c = Bun.spawnSync(
      [
        "bun",
        "-e",
        `import { createClient } from "@libsql/client"; const c = createClient({ url: "file:${file}" }); await c.execute("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('x', 4102444800000)"); c.close();`,
      ],
      { cwd: root },
    );
    expect(c.exitCode).toBe(0);
    const r = run("migrate");
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(
      "Refused: the database was written by a newer version of Pigeon (1 migration this version does not know); run that version or a newer one.",
    );
    expect(existsSync(file)).toBe(true);
  });
});
