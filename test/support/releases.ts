// Databases as an earlier release left them: the committed migrations up to one of them, as a
// folder of their own, so drizzle stops there. For the upgrade tests and bench/schema-upgrade.ts.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resourcePath } from "../../src/resources.ts";

/** The committed migrations, oldest first, by tag ("0013_import_journal"). */
export const journal = JSON.parse(readFileSync(resourcePath("migrations", "meta", "_journal.json"), "utf8")) as {
  entries: { tag: string }[];
};

/** How many migrations a release that shipped up to `tag` carried. */
export const migrationsUpTo = (tag: string) => journal.entries.findIndex((e) => e.tag === tag) + 1;

/** A migrations folder as a release that carried only the first `n` migrations shipped it. */
export function migrationsOfRelease(n: number): string {
  const folder = mkdtempSync(join(tmpdir(), `pigeon-migrations-${n}-`));
  mkdirSync(join(folder, "meta"));
  writeFileSync(
    join(folder, "meta", "_journal.json"),
    JSON.stringify({ ...journal, entries: journal.entries.slice(0, n) }),
  );
  for (const e of journal.entries.slice(0, n))
    copyFileSync(resourcePath("migrations", `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
  return folder;
}
