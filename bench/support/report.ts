// How a benchmark hands its figures to `bun run bench` (bench/run.ts): one JSON object per line on
// standard output. Anything else a benchmark prints (tables, progress) is for a person reading
// it and is passed through as it is.

/** One figure. `target` is what Pigeon must reach (null: measured, no target set). */
export type Figure = { name: string; value: number; unit: string; target: number | null };

/** A figure whose unit is a rate ("/s") is better higher; any other (ms, µs, MB) better lower. */
export const higherIsBetter = (unit: string) => unit.endsWith("/s");

/** Whether a figure meets its target; null when it has none. */
export function meets(f: Figure): boolean | null {
  if (f.target === null) return null;
  return higherIsBetter(f.unit) ? f.value >= f.target : f.value <= f.target;
}

/** Prints one figure as a JSON line for the runner (and for anyone piping the output). */
export function report(name: string, value: number, unit: string, target: number | null = null) {
  const figure: Figure = { name, value: Math.round(value * 1000) / 1000, unit, target };
  console.log(JSON.stringify(figure));
}

/** A line parsed back into a figure; null when the line is not one. */
export function parseFigure(line: string): Figure | null {
  if (!line.startsWith("{")) return null;
  try {
    const f = JSON.parse(line) as Partial<Figure>;
    if (typeof f.name !== "string" || typeof f.value !== "number" || typeof f.unit !== "string") return null;
    return { name: f.name, value: f.value, unit: f.unit, target: typeof f.target === "number" ? f.target : null };
  } catch {
    return null;
  }
}
