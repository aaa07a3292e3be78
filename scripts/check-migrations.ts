// Fails when src/db/schema.ts and migrations/ disagree: runs `drizzle-kit generate` against a
// copy of migrations/ in a temporary folder (never the real one) and reports any migration it
// writes there — a schema change committed without its migration. Run with
// `bun run check:migrations`; CI runs it after the type check.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drizzleKitGenerate } from "./drizzle-kit-generate.ts";

const root = join(import.meta.dir, "..");
const copy = mkdtempSync(join(tmpdir(), "pigeon-migrations-check-"));
try {
  cpSync(join(root, "migrations"), copy, { recursive: true });
  const before = new Set(readdirSync(copy));
  const kit = drizzleKitGenerate(copy, "drift");
  const output = kit.output;
  // drizzle-kit exits 0 even when it fails.
  const unchanged = output.includes("No schema changes");
  const added = readdirSync(copy).filter((f) => !before.has(f) && f.endsWith(".sql"));
  if (kit.exitCode !== 0 || (!unchanged && !added.length)) {
    console.error(output);
    console.error(`check-migrations: drizzle-kit generate failed (exit ${kit.exitCode})`);
    process.exit(1);
  }
  if (added.length) {
    for (const f of added)
      console.error(`--- ${f} (what drizzle-kit would add)\n${readFileSync(join(copy, f), "utf8")}`);
    console.error(
      `check-migrations: src/db/schema.ts has changes no migration carries; run \`bun run db:generate\`, review the migration and commit it`,
    );
    process.exit(1);
  }
  console.log("check-migrations: migrations/ matches src/db/schema.ts");
} finally {
  rmSync(copy, { recursive: true, force: true });
}
