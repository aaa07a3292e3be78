// Backing up and restoring a file database. A backup is one self-contained file written by
// VACUUM INTO from a single read transaction, so it is consistent while the server writes. A
// restore never touches the live file until the backup has been checked and migrated on a private
// copy beside it, refuses while any process has the database open, and keeps the file it
// replaces. Every refusal is a BackupError whose message is one line for the operator.
import { type Client, createClient } from "@libsql/client";
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { type Database, migrateDatabase, NewerDatabaseError, openDatabase } from "./client.ts";
import { databaseFiles, FILE_MODE, FOLDER_MODE, tightenFile, type Warn } from "./file-modes.ts";

export class BackupError extends Error {}

/** Tables any Pigeon database has had since its first migration. */
const PIGEON_TABLES = ["__drizzle_migrations", "studio_settings", "customers", "jobs", "deliveries"];

/** Writes a consistent copy of the open database to `target`, a new file only we may read. */
export async function backupDatabase(db: Database, target: string): Promise<void> {
  createPrivateFile(target);
  try {
    // VACUUM INTO accepts an existing empty file and keeps its mode.
    await db.$client.execute({ sql: "VACUUM INTO ?", args: [target] });
  } catch (err) {
    rmSync(target, { force: true });
    throw new BackupError(`Backup failed: ${(err as Error).message}`);
  }
}

/**
 * Replaces the database at `target` with the backup at `source`; returns where the replaced file
 * was kept (null when there was none). `now` names that file.
 */
export async function restoreDatabase(
  source: string,
  target: string,
  now: Date,
  warn: Warn,
): Promise<{ kept: string | null }> {
  if (!existsSync(source)) throw new BackupError(`${source} does not exist.`);
  if (!statSync(source).isFile()) throw new BackupError(`${source} is not a file.`);
  if (existsSync(`${source}-wal`)) {
    throw new BackupError(
      `${source} has a write-ahead log beside it (${source}-wal): it is a live database, not a backup. Make one with \`pigeon backup\`.`,
    );
  }
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  mkdirSync(dirname(target), { recursive: true, mode: FOLDER_MODE });
  const copy = `${target}.restoring-${stamp}`;
  copyPrivately(source, copy);
  try {
    await checkPigeonDatabase(copy, source);
    await migrateCopy(copy, source);
    await closeIfIdle(target);
  } catch (err) {
    for (const f of databaseFiles(copy)) rmSync(f, { force: true });
    throw err;
  }
  let kept: string | null = null;
  if (existsSync(target) && statSync(target).size > 0) {
    kept = `${target}.before-restore-${stamp}`;
    renameSync(target, kept);
    tightenFile(kept, warn);
  } else rmSync(target, { force: true });
  // After closeIfIdle there is no log left; a file that was no database may still have one.
  if (existsSync(`${target}-wal`)) renameSync(`${target}-wal`, `${kept ?? target}.wal-before-restore-${stamp}`);
  rmSync(`${target}-shm`, { force: true });
  renameSync(copy, target);
  return { kept };
}

/** Refuses a file that is not an intact Pigeon database of a version this one can run. */
async function checkPigeonDatabase(path: string, shownAs: string): Promise<void> {
  const client = createClient({ url: `file:${path}` });
  try {
    let check: string;
    try {
      check = String((await client.execute("PRAGMA integrity_check")).rows[0]?.[0]);
    } catch (err) {
      if (
        /NOTADB|not a database|malformed|CORRUPT/i.test(
          String((err as { code?: string }).code) + (err as Error).message,
        )
      ) {
        throw new BackupError(`${shownAs} is not a SQLite database.`);
      }
      throw err;
    }
    if (check !== "ok") throw new BackupError(`${shownAs} is damaged (integrity check: ${check.split("\n")[0]}).`);
    const tables = new Set(
      (await client.execute("SELECT name FROM sqlite_master WHERE type = 'table'")).rows.map((r) => String(r.name)),
    );
    const missing = PIGEON_TABLES.filter((t) => !tables.has(t));
    if (missing.length)
      throw new BackupError(
        `${shownAs} is a SQLite database, but not Pigeon's (it has no ${missing.join(", ")} table${missing.length === 1 ? "" : "s"}).`,
      );
  } finally {
    client.close();
  }
}

/** Brings the copy to this version's schema, then makes it one self-contained file again. */
async function migrateCopy(path: string, shownAs: string): Promise<void> {
  const db = await openDatabase(`file:${path}`);
  try {
    await migrateDatabase(db);
    await db.$client.execute("PRAGMA journal_mode = DELETE");
  } catch (err) {
    if (err instanceof NewerDatabaseError) throw new BackupError(`${shownAs}: ${err.message}.`);
    throw new BackupError(`${shownAs} could not be brought up to date: ${(err as Error).message}`);
  } finally {
    db.$client.close();
  }
}

/**
 * Folds the live database's write-ahead log into the file and closes it, which SQLite allows only
 * when no other connection has it open: a running server or worker keeps one open all its life.
 */
async function closeIfIdle(path: string): Promise<void> {
  if (!existsSync(path) || statSync(path).size === 0) return;
  const client: Client = createClient({ url: `file:${path}` });
  try {
    await client.execute("PRAGMA journal_mode = DELETE");
  } catch (err) {
    const code = String((err as { code?: string }).code);
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
      throw new BackupError(`${path} is in use: stop Pigeon (the server and any workers) before restoring.`);
    }
    // Not a database (damaged, say): nothing can be serving it; it is kept aside as it is.
    if (!/NOTADB|CORRUPT/.test(code)) throw err;
  } finally {
    client.close();
  }
}

/** Creates `path` empty and private, with a one-line reason when it cannot. */
function createPrivateFile(path: string): void {
  if (existsSync(path)) throw new BackupError(`${path} exists already; choose a new file name.`);
  const folder = dirname(path);
  if (!existsSync(folder)) throw new BackupError(`Cannot write ${path}: the folder ${folder} does not exist.`);
  try {
    closeSync(openSync(path, "wx", FILE_MODE));
  } catch (err) {
    throw new BackupError(
      `Cannot write ${path}: ${(err as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : (err as Error).message}.`,
    );
  }
}

/** Copies a file into a new one only we may read (copyFile would give it the source's mode). */
function copyPrivately(source: string, target: string): void {
  const from = openSync(source, "r");
  const to = openSync(target, "wx", FILE_MODE);
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(from, buffer, 0, buffer.length, null)) > 0;) writeSync(to, buffer, 0, n);
  } finally {
    closeSync(from);
    closeSync(to);
  }
}
