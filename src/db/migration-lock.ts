// One process migrates a database file at a time. drizzle's migrate() reads which migrations are
// applied, then applies the rest in one transaction: two processes starting together after an
// upgrade (the web process and its workers) would both read "0013", and the second would apply
// 0014 again once the first had committed. So migrating takes a lock file beside the database
// (`pigeon.db.migrating`, created exclusively, holding the owner's pid); the others wait for it
// and then read again what is applied. A lock whose process is gone (killed mid-way: the
// transaction was rolled back) is taken over. Remote libSQL databases (libsql://, https://) have
// no file beside them: they are not locked here.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";

const POLL_MS = 100;
/** A lock file still empty after this was left by a process killed between creating and filling it. */
const EMPTY_FOR_MS = 5_000;

/** Whether the process that wrote `pid` still runs (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

function tryTake(path: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code !== "EEXIST") throw err;
    const owner = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    const abandoned = Number.isFinite(owner) ? !alive(owner) : Date.now() - statSync(path).mtimeMs > EMPTY_FOR_MS; // else created, not yet filled by its owner
    if (abandoned) {
      try {
        unlinkSync(path);
      } catch {
        // Another waiter took it over first.
      }
    }
    return false;
  }
}

/**
 * Runs `migrate` holding the lock for the database file `file`, after waiting (asynchronously)
 * for any other process that holds it; `onWait` hears once that this process waits.
 */
export async function withMigrationLock<T>(file: string, migrate: () => Promise<T>, onWait?: () => void): Promise<T> {
  const path = `${file}.migrating`;
  let told = false;
  while (!tryTake(path)) {
    if (!told) onWait?.();
    told = true;
    await Bun.sleep(POLL_MS);
  }
  try {
    return await migrate();
  } finally {
    unlinkSync(path);
  }
}
