// Who may read the database files. They hold customers' personal data and, when SECRET_KEY is
// unset, the key that signs customer links, so only the account running Pigeon may read them:
// the folder is created 0700 and the files 0600. SQLite gives the -wal and -shm files the mode
// of the database file, so creating that file 0600 before the driver opens it covers all three.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";

export const FOLDER_MODE = 0o700;
export const FILE_MODE = 0o600;

export type Warn = (msg: string, fields: Record<string, unknown>) => void;

/** The database's own files: the file, its write-ahead log and shared-memory index. */
export function databaseFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/**
 * Makes the folder and the database file private before the driver opens them. A folder we
 * create is 0700; one that exists is left as it is (it may be the operator's own folder, shared
 * with other things) with a warning when others can enter it. Files of ours that others can read
 * (made by an earlier Pigeon, which left them 0644) are tightened to 0600, with a warning.
 */
export function secureDatabaseFiles(path: string, warn: Warn): void {
  const folder = dirname(path);
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: FOLDER_MODE });
  else if (ownedByUs(folder) && statSync(folder).mode & 0o077) {
    warn("the database folder can be entered by other accounts", {
      folder,
      mode: octal(statSync(folder).mode),
      fix: `chmod 700 ${folder}`,
    });
  }
  // An empty file is a valid empty database; creating it here decides its mode.
  if (!existsSync(path)) closeSync(openSync(path, "a", FILE_MODE));
  for (const file of databaseFiles(path)) tightenFile(file, warn);
}

/** Tightens one file to 0600 when others may read it and it is ours to change. */
export function tightenFile(file: string, warn: Warn): void {
  if (!existsSync(file)) return;
  const mode = statSync(file).mode;
  if (!(mode & 0o077)) return;
  if (!ownedByUs(file)) {
    warn("a database file can be read by other accounts and is not ours to change", { file, mode: octal(mode) });
    return;
  }
  chmodSync(file, FILE_MODE);
  warn("a database file could be read by other accounts; it is now 0600", { file, was: octal(mode) });
}

function ownedByUs(path: string): boolean {
  return process.getuid === undefined || statSync(path).uid === process.getuid();
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}
