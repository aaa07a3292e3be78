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

/** What each figure is, for the runner's table (the targets are set by each benchmark). */
export const FIGURE_MEANING: Record<string, string> = {
  enqueue_recipients_per_s: "one-time e-mail to 100,000 of 1,000,000 customers: audience → deliveries",
  dispatch_email_per_s: "queued e-mails sent through the Resend SDK to the fake, acknowledged",
  dispatch_sms_per_s: "queued SMS (line types known) through the Twilio SDK to the fake",
  dispatch_sms_first_contact_per_s: "the same to numbers never texted (a line-type lookup each)",
  personalise_us: "one rendered e-mail filled for one recipient (HTML + text)",
  tick_idle_ms: "automation tick, 10,000 jobs, 1,000,000 registrations, nothing due",
  tick_10k_due_ms: "the same tick with 10,000 deliveries due",
  count_filter_ms: "compose page's live count, 100,000 of 1,000,000 customers (HTTP)",
  page_p95_ms: "customer list and search, 1,000,000 customers, p95 (HTTP, second process)",
  appointments_page_p95_ms:
    "Appointments page with its Messages column, 100,000 appointments, p95 (HTTP, second process)",
  rss_mb: "peak resident memory while sending 100,000 e-mails",
  rss_growth_mb: "resident memory kept over a further 100,000 e-mails",
  cold_start_ms: "compiled binary: spawn → first 200 from /healthz (pigeon serve)",
  storm_callbacks_per_s: "provider status callbacks a server takes in a storm",
  storm_healthz_p95_ms: "/healthz p95 during that storm",
  held_restagger_100k_ms: "100,000 staggered sends re-spread after a stagger change",
  held_release_100k_ms: "100,000 held deliveries released",
  held_cancel_100k_ms: "100,000 held deliveries cancelled",
  import_50k_rows_ms: "a 50,000-row CSV import",
  import_healthz_max_ms: "slowest /healthz answer during that import",
  schema_upgrade_200k_ms: "upgrade to the self-guarding schema, 200,000 deliveries",
  tracking_overhead_ratio: "e-mail personalisation with tracked links over the same without (compose step)",
  performance_100k_ms: "a message's numbers and chart, 100,000 recipients (performanceOf + messageSeries)",
};
