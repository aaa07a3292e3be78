// The geometry of the performance charts (issue 14): where each line, bar, tick and label goes,
// in SVG user units. Pure numbers in, numbers and strings out; views/performance-chart.tsx draws
// them with hono/jsx, which escapes every name. Hand-written rather than a library: two chart
// kinds, no JavaScript, and nothing to download at run time.
import { startOfZonedDay, zonedParts } from "./send-window.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Bucket widths a time chart may use, smallest first. */
export const BUCKETS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 7 * DAY, 30 * DAY] as const;
/** At most this many buckets: enough to see a shape, few enough to label and to list in a table. */
export const MAX_BUCKETS = 72;

/** The smallest bucket that covers `spanMs` in at most MAX_BUCKETS (30 days beyond that). */
export function chooseBucket(spanMs: number): number {
  return BUCKETS.find((b) => Math.ceil(Math.max(spanMs, 1) / b) <= MAX_BUCKETS) ?? BUCKETS[BUCKETS.length - 1]!;
}

/**
 * Where the buckets of a span from `first` to `last` start and end (one more edge than buckets),
 * and their nominal width. Buckets under a day run from the hour of the first instant; a day or
 * more starts at each midnight in the studio's zone, so a bar is a calendar day there even when
 * summer time makes that day 23 or 25 hours long (a fixed 24 hours would label a day twice and
 * every later one a day early).
 */
export function bucketEdges(first: number, last: number, timeZone: string): { bucketMs: number; edges: number[] } {
  for (const bucketMs of BUCKETS.slice(BUCKETS.indexOf(chooseBucket(last - first) as (typeof BUCKETS)[number]))) {
    const edges: number[] = [];
    if (bucketMs < DAY) {
      const start = Math.floor(first / HOUR) * HOUR;
      for (let e = start; edges.length <= MAX_BUCKETS + 1; e += bucketMs) {
        edges.push(e);
        if (e > last) break;
      }
    } else {
      const p = zonedParts(new Date(first), timeZone);
      const day0 = Date.UTC(p.year, p.month - 1, p.day);
      for (let i = 0; edges.length <= MAX_BUCKETS + 1; i += bucketMs / DAY) {
        const d = new Date(day0 + i * DAY);
        const e = startOfZonedDay(
          { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
          timeZone,
        ).getTime();
        edges.push(e);
        if (e > last) break;
      }
    }
    if (edges.length - 1 <= MAX_BUCKETS || bucketMs === BUCKETS[BUCKETS.length - 1])
      return { bucketMs, edges: edges.slice(0, MAX_BUCKETS + 1) };
  }
  throw new Error("unreachable: the widest bucket always fits");
}

/** A message's numbers per time bucket (src/db/performance-series.ts counts them). */
export type MessageSeries = {
  /** Each bucket's start, and the last one's end (ms), and the buckets' nominal width. */
  edges: number[];
  bucketMs: number;
  /** Per bucket, running totals. */
  sent: number[];
  opened: number[];
  clicked: number[];
  /** Per bucket, not running: orders placed in it, and their revenue in the studio's currency. */
  ordered: number[];
  revenueMinor: number[];
  /** Per bucket: of its orders, those in another currency (not in its revenue; a free order is not one). */
  otherCurrency: number[];
};

/** Running totals: what had happened by the end of each bucket. */
export function cumulative(values: number[]): number[] {
  let sum = 0;
  return values.map((v) => (sum += v));
}

/** A round top for an axis (1, 2, 5 × 10ⁿ) at or above `max`, and its ticks from 0. */
export function niceTicks(max: number, count = 4): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  // Counts are whole: a step below 1 would label the axis 0.5, 1.5.
  const whole = Math.max(1, step);
  const ticks: number[] = [];
  for (let v = 0; v < max + whole; v += whole) ticks.push(v);
  return ticks;
}

export type TimeSeries = {
  key: string;
  label: string;
  /** Per bucket, running totals. */
  values: number[];
};

export type TimeChartInput = {
  /** Each bucket's start (ms since the epoch) and the last one's end; the buckets' nominal width. */
  edges: number[];
  bucketMs: number;
  /** The studio's locale, for the axis's numbers. */
  locale?: string;
  lines: TimeSeries[];
  /** Per bucket, not cumulative: orders placed in it (drawn as bars in a strip below). */
  bars: { label: string; values: number[] };
  /** How a tick's instant is written (in the studio's zone: the caller knows it). */
  tickLabel: (ms: number, bucketMs: number) => string;
};

export type TimeChart = {
  width: number;
  height: number;
  plot: { x: number; y: number; w: number; h: number };
  strip: { y: number; h: number };
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string }[];
  lines: { key: string; label: string; points: string; last: { x: number; y: number; value: number } }[];
  bars: { x: number; y: number; w: number; h: number; value: number; bucket: number }[];
  barsMax: number;
};

const W = 640;
const LEFT = 44;
const RIGHT = 16;
const TOP = 12;
const PLOT_H = 180;
const STRIP_GAP = 34;
const STRIP_H = 40;
const BOTTOM = 46;

/** Lines of running totals over the buckets and the orders strip beneath them, in a 640-wide box. */
export function timeChart(input: TimeChartInput): TimeChart {
  const n = Math.max(1, ...input.lines.map((l) => l.values.length), input.bars.values.length);
  const plot = { x: LEFT, y: TOP, w: W - LEFT - RIGHT, h: PLOT_H };
  const ticks = niceTicks(Math.max(0, ...input.lines.flatMap((l) => l.values)));
  const top = ticks[ticks.length - 1]!;
  // A bucket's running total is drawn at its end: the line starts at zero at the first start.
  const xAt = (i: number) => plot.x + (plot.w * i) / n;
  const yAt = (v: number) => plot.y + plot.h - (plot.h * v) / top;
  const lines = input.lines.map((l) => {
    const pts = [{ x: xAt(0), y: yAt(0) }, ...l.values.map((v, i) => ({ x: xAt(i + 1), y: yAt(v) }))];
    const lastValue = l.values[l.values.length - 1] ?? 0;
    return {
      key: l.key,
      label: l.label,
      points: pts.map((p) => `${round(p.x)},${round(p.y)}`).join(" "),
      last: { x: round(pts[pts.length - 1]!.x), y: round(pts[pts.length - 1]!.y), value: lastValue },
    };
  });
  const strip = { y: plot.y + plot.h + STRIP_GAP, h: STRIP_H };
  const barsMax = Math.max(0, ...input.bars.values);
  const bw = plot.w / n;
  const bars = input.bars.values.flatMap((v, i) =>
    v > 0
      ? [
          {
            x: round(xAt(i) + bw * 0.15),
            w: round(Math.max(2, bw * 0.7)),
            h: round((STRIP_H * v) / barsMax),
            y: round(strip.y + STRIP_H - (STRIP_H * v) / barsMax),
            value: v,
            bucket: i,
          },
        ]
      : [],
  );
  // About six labels along the bottom, on bucket edges.
  const every = Math.max(1, Math.ceil(n / 6));
  const xTicks: TimeChart["xTicks"] = [];
  for (let i = 0; i <= n; i += every)
    xTicks.push({ x: round(xAt(i)), label: input.tickLabel(input.edges[i] ?? 0, input.bucketMs) });
  return {
    width: W,
    height: strip.y + STRIP_H + BOTTOM,
    plot,
    strip,
    yTicks: ticks.map((v) => ({ y: round(yAt(v)), label: v.toLocaleString(input.locale ?? "en") })),
    xTicks,
    lines,
    bars,
    barsMax,
  };
}

export type BarRow = { label: string; revenue: number; revenueText: string; orders: number };

export type BarChart = {
  width: number;
  height: number;
  rows: {
    label: string;
    y: number;
    revenue: { w: number; text: string };
    orders: { w: number; text: string };
  }[];
};

const BAR_W = 640;
const ROW_H = 64;

/** Cuts a name to fit above its bars (the full name is in the table beside the chart). */
export function shorten(s: string, max = 56): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Horizontal bars per notification: revenue above, orders below, each scaled to its own
 * largest; the numbers are written beside the bars, so nothing depends on reading a length.
 */
export function barChart(rows: BarRow[], locale = "en"): BarChart {
  // Each name sits on its own line above its bars, so the bars get the whole width but their labels.
  const room = BAR_W - 110;
  const maxRevenue = Math.max(0, ...rows.map((r) => r.revenue));
  const maxOrders = Math.max(0, ...rows.map((r) => r.orders));
  const width = (v: number, max: number) => (max > 0 ? round((room * v) / max) : 0);
  return {
    width: BAR_W,
    height: Math.max(1, rows.length) * ROW_H + 4,
    rows: rows.map((r, i) => ({
      label: shorten(r.label),
      y: i * ROW_H,
      revenue: { w: width(r.revenue, maxRevenue), text: r.revenueText },
      orders: {
        w: width(r.orders, maxOrders),
        text: `${r.orders.toLocaleString(locale)} ${r.orders === 1 ? "order" : "orders"}`,
      },
    })),
  };
}

const round = (v: number) => Math.round(v * 10) / 10;

/** Spreads the grouped rows over the buckets between `edges` (anything outside the span lands on its edge). */
export function seriesFromRows(
  rows: { s: string; k: number; n: number; r: number; x?: number }[],
  edges: number[],
  bucketMs: number,
): MessageSeries {
  const count = Math.max(1, edges.length - 1);
  const zero = () => new Array<number>(count).fill(0);
  const per: Record<string, number[]> = { sent: zero(), opened: zero(), clicked: zero(), ordered: zero() };
  const revenue = zero();
  const other = zero();
  for (const row of rows) {
    const i = Math.min(count - 1, Math.max(0, Math.floor(Number(row.k ?? 0))));
    per[row.s]![i]! += Number(row.n ?? 0);
    if (row.s === "ordered") {
      revenue[i]! += Number(row.r ?? 0);
      other[i]! += Number(row.x ?? 0);
    }
  }
  return {
    edges,
    bucketMs,
    sent: cumulative(per.sent!),
    opened: cumulative(per.opened!),
    clicked: cumulative(per.clicked!),
    ordered: per.ordered!,
    revenueMinor: revenue,
    otherCurrency: other,
  };
}
