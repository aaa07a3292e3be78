// Pigeon's own lint rules (scripts/lint-rules.js), run by the real oxlint with the repository's
// .oxlintrc.json on fixture files: each double cast is flagged, a single cast is not.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "pigeon-lint-rules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The lines of `code` (as casts.ts) oxlint flags with `rule`. */
function flaggedLines(code: string, rule: string): number[] {
  writeFileSync(join(dir, "casts.ts"), code);
  const run = Bun.spawnSync(
    [join(ROOT, "node_modules/.bin/oxlint"), "-c", join(ROOT, ".oxlintrc.json"), "-f", "json", "casts.ts"],
    { cwd: dir },
  );
  const out = run.stdout.toString();
  const report = JSON.parse(out) as { diagnostics: { code: string; labels: { span: { line: number } }[] }[] };
  return report.diagnostics
    .filter((d) => d.code === rule)
    .map((d) => d.labels[0]!.span.line)
    .sort((a, b) => a - b);
}

test("pigeon/no-double-cast flags every double cast, through parentheses, ! and satisfies, and not a single cast", () => {
  const cases = [
    "declare const x: string;",
    "export const a = x as unknown as number;",
    "export const b = x as any as number;",
    "export const c = x as never as number;",
    "export const d = <number>(<unknown>x);",
    "export const e = (x as unknown)! as number;",
    "export const f = (x as unknown satisfies unknown) as number;",
    "export const g = <number>(x as unknown);",
    "export const h = (<never>x) as number;",
    "export const i = ((x as unknown)!) as number;",
    // Single casts, and a cast of something narrower: not double casts.
    "export const j = x as never;",
    "export const k = x as unknown;",
    "export const l = <unknown>x;",
    'export const m = (x as "a" | "b") as string;',
    "export const n = x satisfies string;",
  ];
  expect(flaggedLines(cases.join("\n"), "pigeon(no-double-cast)")).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test("pigeon/no-double-cast sees through {} and object, sequences, branches, arrays, an alias of unknown and a cast<T> helper", () => {
  const cases = [
    "declare const x: string, c: boolean;",
    "export const a = x as {} as number;",
    "export const b = x as object as number;",
    "export const d = (0, x as unknown) as number;",
    "export const e = (c ? (x as unknown) : null) as number;",
    "export const f = (c ? null : <any>x) as number;",
    "export const g = [x as unknown][0] as number;",
    "type U = unknown;",
    "export const h = x as U as number;",
    "export function cast<T>(v: unknown): T {",
    "  return v as T;",
    "}",
    // Not double casts: a non-empty object type, a narrow first cast in a branch, a typed generic.
    "export const i = (x as { length: number }) as { length: number };",
    'export const j = (c ? (x as "a") : "b") as string;',
    "export function same<T>(v: T): T {",
    "  return v as T;",
    "}",
    "export const k = (0, x) as string;",
  ];
  expect(flaggedLines(cases.join("\n"), "pigeon(no-double-cast)")).toEqual([2, 3, 4, 5, 6, 7, 9, 11]);
});
