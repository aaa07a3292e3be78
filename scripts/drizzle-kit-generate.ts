// drizzle-kit's `generate` as Pigeon runs it (drizzle.config.ts's settings, given as flags), into
// a folder of the caller's choosing: the migrations check (scripts/check-migrations.ts) and the
// test that the migrations build what schema.ts declares (test/migrations-match-schema.test.ts).
import { join, relative } from "node:path";

const root = join(import.meta.dir, "..");

/**
 * Writes into `out` the migration drizzle-kit would write there, named `name`. drizzle-kit exits
 * 0 even when it fails, so callers judge by what it wrote (and by `output`).
 */
export function drizzleKitGenerate(out: string, name: string): { exitCode: number; output: string } {
  const kit = Bun.spawnSync(
    [
      "bunx",
      "drizzle-kit",
      "generate",
      "--dialect",
      "turso",
      "--schema",
      "./src/db/schema.ts",
      "--casing",
      "snake_case",
      // drizzle-kit reads --out relative to the working folder.
      "--out",
      relative(root, out),
      "--name",
      name,
    ],
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  return { exitCode: kit.exitCode, output: `${kit.stdout.toString()}${kit.stderr.toString()}` };
}
