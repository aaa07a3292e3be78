// The database files hold customers' personal data and, when SECRET_KEY is unset, the key that
// signs customer links: only the account running Pigeon may read them.
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

function place(umask = "022") {
  const dir = mkdtempSync(join(tmpdir(), "pigeon-modes-"));
  const folder = join(dir, "data");
  const file = join(folder, "pigeon.db");
  // Through a shell so the usual umask applies, as it would for an operator.
  const run = (...args: string[]) => {
    const p = Bun.spawnSync(
      ["sh", "-c", `umask ${umask} && exec bun "$@"`, "sh", join(root, "src", "main.ts"), ...args],
      { env: { ...process.env, DATABASE_URL: `file:${file}` }, cwd: root },
    );
    return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
  };
  return { dir, folder, file, run };
}

describe("database file modes", () => {
  test("a new install's folder is 0700 and its database, log, index and backups 0600", () => {
    const { dir, folder, file, run } = place();
    expect(run("migrate").code).toBe(0);
    expect(modeOf(folder)).toBe("700");
    // `migrate` exits without a checkpoint, so the write-ahead log and its index are still there.
    expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual(["600", "600", "600"]);
    expect(run("backup", join(dir, "backup.db")).code).toBe(0);
    expect(modeOf(join(dir, "backup.db"))).toBe("600");
  });

  test("files an earlier version left readable by others are made 0600 at start, with a warning; a folder it made is only warned about", () => {
    const { folder, file, run } = place();
    mkdirSync(folder, { mode: 0o755 });
    chmodSync(folder, 0o755);
    expect(run("migrate").code).toBe(0);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) chmodSync(f, 0o644);

    const r = run("migrate");
    expect(r.code).toBe(0);
    expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual(["600", "600", "600"]);
    const warnings = r.out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .filter((l) => l.level === "warn");
    expect(warnings).toContainEqual(
      expect.objectContaining({
        msg: "a database file could be read by other accounts; it is now 0600",
        file,
        was: "0644",
      }),
    );
    // The folder may be the operator's own, holding other things: named, with the fix, not changed.
    expect(warnings).toContainEqual(
      expect.objectContaining({
        msg: "the database folder can be entered by other accounts",
        folder,
        mode: "0755",
        fix: `chmod 700 ${folder}`,
      }),
    );
    expect(modeOf(folder)).toBe("755");
  });

  test("an empty database file made by hand is used as it is and kept private", () => {
    const { folder, file, run } = place("000");
    mkdirSync(folder, { mode: 0o700 });
    writeFileSync(file, "", { mode: 0o666 });
    expect(run("migrate").code).toBe(0);
    expect(modeOf(file)).toBe("600");
    expect(modeOf(`${file}-wal`)).toBe("600");
  });
});
