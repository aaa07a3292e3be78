/** @jsxImportSource hono/jsx */
// The performance charts as server-rendered SVG (issue 14), from the geometry src/core/chart.ts
// works out. Each chart names itself (<title>, <desc>) for screen readers, tells its lines apart
// by dash and marker as well as colour, and prints; the numbers are also in a table beside it.
import type { Child } from "hono/jsx";
import type { BarChart, TimeChart } from "../src/core/chart.ts";

/** Dash patterns and markers per line: a legend readable without colour (and on a black-and-white print). */
const LINE_STYLE: Record<string, { dash?: string; marker: "circle" | "square" | "diamond" }> = {
  sent: { marker: "circle" },
  opened: { dash: "6 4", marker: "square" },
  clicked: { dash: "2 3", marker: "diamond" },
};

function Marker({ kind, x, y }: { kind: "circle" | "square" | "diamond"; x: number; y: number }) {
  if (kind === "circle") return <circle cx={x} cy={y} r="3.5" />;
  if (kind === "square") return <rect x={x - 3.5} y={y - 3.5} width="7" height="7" />;
  return <path d={`M${x} ${y - 4.5} L${x + 4.5} ${y} L${x} ${y + 4.5} L${x - 4.5} ${y} Z`} />;
}

/** A legend entry's small picture of a line or a bar. */
function Swatch({ children }: { children: Child }) {
  return (
    <svg width="34" height="12" viewBox="0 0 34 12">
      {children}
    </svg>
  );
}

/** The chart's own SVG, named by its <title> and described by its <desc> for screen readers. */
function NamedSvg({
  chart,
  id,
  title,
  desc,
  children,
}: {
  chart: { width: number; height: number };
  id: string;
  title: string;
  desc: string;
  children: Child;
}) {
  return (
    <svg
      viewBox={`0 0 ${chart.width} ${chart.height}`}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      {children}
    </svg>
  );
}

/** Running totals of sends, opens and clicks over time, and the orders per bucket in a strip below. */
export function TimeChartSvg({
  chart: c,
  title,
  desc,
  id,
  timeLabel,
  locale = "en",
}: {
  chart: TimeChart;
  /** The studio's locale, for the orders' counts. */
  locale?: string;
  title: string;
  desc: string;
  id: string;
  /** The x axis's name, with the studio's zone. */
  timeLabel: string;
}) {
  return (
    <figure class="chart time-chart">
      <ul class="chart-legend" aria-hidden="true">
        {c.lines.map((l) => (
          <li class={`series-${l.key}`}>
            <Swatch>
              <line x1="1" y1="6" x2="33" y2="6" stroke-dasharray={LINE_STYLE[l.key]?.dash} />
              <Marker kind={LINE_STYLE[l.key]?.marker ?? "circle"} x={17} y={6} />
            </Swatch>{" "}
            {l.label}
          </li>
        ))}
        <li class="series-ordered">
          <Swatch>
            <rect x="11" y="1" width="12" height="10" />
          </Swatch>{" "}
          Orders (bars)
        </li>
      </ul>
      <NamedSvg chart={c} id={id} title={title} desc={desc}>
        <g class="grid">
          {c.yTicks.map((t) => (
            <>
              <line x1={c.plot.x} x2={c.plot.x + c.plot.w} y1={t.y} y2={t.y} />
              <text x={c.plot.x - 6} y={t.y + 4} text-anchor="end">
                {t.label}
              </text>
            </>
          ))}
        </g>
        <g class="axis">
          <line x1={c.plot.x} x2={c.plot.x + c.plot.w} y1={c.plot.y + c.plot.h} y2={c.plot.y + c.plot.h} />
          <line x1={c.plot.x} x2={c.plot.x + c.plot.w} y1={c.strip.y + c.strip.h} y2={c.strip.y + c.strip.h} />
          {c.xTicks.map((t) => (
            <>
              <line x1={t.x} x2={t.x} y1={c.strip.y + c.strip.h} y2={c.strip.y + c.strip.h + 4} />
              <text x={t.x} y={c.strip.y + c.strip.h + 16} text-anchor="middle">
                {t.label}
              </text>
            </>
          ))}
          <text x={c.plot.x + c.plot.w} y={c.height - 2} text-anchor="end" class="axis-title">
            {timeLabel}
          </text>
          <text x={c.plot.x} y={c.strip.y - 6} class="axis-title">
            Orders{c.barsMax > 0 ? ` (most in one bar: ${c.barsMax.toLocaleString(locale)})` : ": none yet"}
          </text>
        </g>
        {c.lines.map((l) => (
          <g class={`series series-${l.key}`}>
            <polyline points={l.points} fill="none" stroke-dasharray={LINE_STYLE[l.key]?.dash} />
            <Marker kind={LINE_STYLE[l.key]?.marker ?? "circle"} x={l.last.x} y={l.last.y} />
          </g>
        ))}
        <g class="series series-ordered">
          {c.bars.map((b) => (
            <rect x={b.x} y={b.y} width={b.w} height={b.h}>
              <title>{`${b.value.toLocaleString(locale)} ${b.value === 1 ? "order" : "orders"}`}</title>
            </rect>
          ))}
        </g>
      </NamedSvg>
    </figure>
  );
}

/** Revenue and orders per notification as horizontal bars, each labelled with its number. */
export function BarChartSvg({
  chart: c,
  title,
  desc,
  id,
}: {
  chart: BarChart;
  title: string;
  desc: string;
  id: string;
}) {
  return (
    <figure class="chart bar-chart">
      <ul class="chart-legend" aria-hidden="true">
        <li class="series-revenue">
          <Swatch>
            <rect x="1" y="1" width="32" height="10" />
          </Swatch>{" "}
          Revenue (upper bar)
        </li>
        <li class="series-orders">
          <Swatch>
            <rect x="1" y="3" width="32" height="6" />
          </Swatch>{" "}
          Orders (lower, thinner bar)
        </li>
      </ul>
      <NamedSvg chart={c} id={id} title={title} desc={desc}>
        {c.rows.map((r) => (
          <g class="bar-row">
            <text x="0" y={r.y + 16} class="bar-label">
              {r.label}
            </text>
            <rect class="series-revenue" x="0" y={r.y + 24} width={Math.max(r.revenue.w, 1)} height="16" />
            <text x={r.revenue.w + 6} y={r.y + 37}>
              {r.revenue.text}
            </text>
            <rect class="series-orders" x="0" y={r.y + 44} width={Math.max(r.orders.w, 1)} height="10" />
            <text x={r.orders.w + 6} y={r.y + 54} class="small">
              {r.orders.text}
            </text>
          </g>
        ))}
        <line class="axis" x1="0" x2="0" y1="20" y2={c.height} />
      </NamedSvg>
    </figure>
  );
}
