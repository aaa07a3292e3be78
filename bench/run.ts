// `bun run bench [name…]`: runs every benchmark in bench/ (or those whose file name contains one
// of the names given), each in its own process, one after another so they do not share the CPU.
// Prints every figure as a JSON line on standard output as it comes, then a table of all of them
// against their targets; what the benchmarks print besides figures goes to standard error.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FIGURE_MEANING, type Figure, higherIsBetter, meets, parseFigure } from "./support/report.ts";

const dir = import.meta.dir;
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .filter((f) => !filters.length || filters.some((n) => f.includes(n)))
  .sort();

const figures: (Figure & { file: string })[] = [];
const failed: string[] = [];
const started = performance.now();
for (const file of files) {
  const t0 = performance.now();
  console.error(`\n==> bun bench/${file}`);
  const child = Bun.spawn(["bun", join(dir, file)], { stdout: "pipe", stderr: "inherit" });
  let rest = "";
  const take = (line: string) => {
    const f = parseFigure(line);
    if (f) {
      figures.push({ ...f, file });
      console.log(JSON.stringify(f));
    } else if (line) console.error(line);
  };
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop()!;
    for (const line of lines) take(line);
  }
  take(rest);
  const code = await child.exited;
  if (code !== 0) failed.push(`${file} (exit ${code})`);
  console.error(`--- bench/${file}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const fmt = (x: number) => x.toLocaleString("en", { maximumFractionDigits: x < 10 ? 2 : x < 1000 ? 1 : 0 });
const rows = [
  ["figure", "value", "target", "", "what it is", "bench"],
  ...figures.map((f) => [
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.target === null ? "" : `${higherIsBetter(f.unit) ? "≥" : "≤"} ${fmt(f.target)} ${f.unit}`,
    ({ true: "met", false: "MISSED", null: "" } as const)[String(meets(f)) as "true" | "false" | "null"],
    FIGURE_MEANING[f.name] ?? "",
    f.file,
  ]),
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
const line = (r: string[]) =>
  r
    .map((cell, i) => cell.padEnd(widths[i]!))
    .join("  ")
    .trimEnd();
console.error(
  `\n${line(rows[0]!)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${rows.slice(1).map(line).join("\n")}`,
);
const minutes = (performance.now() - started) / 60_000;
console.error(
  `${figures.length} figures from ${files.length} benchmark file(s) in ${minutes.toFixed(1)} min on ${navigator.hardwareConcurrency} cores; ` +
    `${figures.filter((f) => meets(f) === false).length} missed their target (targets from issue 15; a miss does not fail the run, a benchmark that fails does)`,
);
if (failed.length) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exit(1);
}
