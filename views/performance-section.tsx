/** @jsxImportSource hono/jsx */
// What a message or a notification achieved, where staff look (issue 14): the counts with their
// rates, what was left out and why, a chart, and the chart's numbers as a table for anyone who
// cannot see it (screen readers, no pictures, print).
import { barChart, timeChart } from "../src/core/chart.ts";
import { staffClock, staffDay, zoneAbbreviation } from "../src/core/date-format.ts";
import { formatMoney } from "../src/core/money.ts";
import { formatRate, ordersPhrase, type PerformanceCounts, performanceRates } from "../src/core/performance.ts";
import type { MessageSeries } from "../src/db/performance-series.ts";
import type { NotificationNumbers } from "../src/db/notification-numbers.ts";
import { BarChartSvg, TimeChartSvg } from "./performance-chart.tsx";

/** A count in the studio's locale ("1.234" in a German studio), like its rates and money. */
const nf = (n: number, locale: string) => n.toLocaleString(locale);
const DAY = 86_400_000;

type Money = { locale: string };

/** "12 clicks by link scanners …": what was left out, so the counts above need no footnote hunt. */
function LeftOut({ p, locale }: { p: PerformanceCounts } & Money) {
  const parts = [
    p.machineOpens > 0 &&
      `${nf(p.machineOpens, locale)} ${p.machineOpens === 1 ? "open" : "opens"} by mail privacy proxies and image prefetchers`,
    p.machineClicks > 0 &&
      `${nf(p.machineClicks, locale)} ${p.machineClicks === 1 ? "click" : "clicks"} by link scanners and prefetchers`,
  ].filter(Boolean);
  if (!parts.length) return null;
  return (
    <p class="muted machines-left-out">
      <small>{parts.join(" and ")} not counted: machines, not people.</small>
    </p>
  );
}

/** Sent with no word yet of arrival: the rates of delivered leave them out, so say how many. */
function AwaitingReport({ p, locale }: { p: PerformanceCounts } & Money) {
  if (p.awaitingReport === 0) return null;
  const one = p.awaitingReport === 1;
  return (
    <p class="muted awaiting-report">
      <small>
        {nf(p.awaitingReport, locale)} of {nf(p.sent, locale)} sent {one ? "has" : "have"} no delivery report yet
        (reports come from the provider's webhooks: see Going live in the README): the rates are of the{" "}
        {nf(p.delivered, locale)} known to have arrived.
      </small>
    </p>
  );
}

function OtherCurrency({ p, locale }: { p: PerformanceCounts } & Money) {
  if (p.otherCurrencyOrders === 0) return null;
  const one = p.otherCurrencyOrders === 1;
  return (
    <p class="muted other-currency">
      <small>
        {nf(p.otherCurrencyOrders, locale)} {one ? "order was" : "orders were"} in another currency than {p.currency}:
        counted as {one ? "an order" : "orders"}, not in the revenue.
      </small>
    </p>
  );
}

/** The counts as cards, each with its rate and what the rate is of. */
export function PerformanceStats({ p, locale, emails = true }: { p: PerformanceCounts; emails?: boolean } & Money) {
  const r = performanceRates(p);
  const card = (key: string, label: string, count: string, rate?: string, of?: string) => (
    <article data-perf={key}>
      <span class="muted">{label}</span>
      <strong>{count}</strong>
      {rate !== undefined && (
        <small class="rate">
          <span class="rate-value">{rate}</span> {of}
        </small>
      )}
    </article>
  );
  return (
    <div class="stats perf-stats">
      {card("sent", "Sent", nf(p.sent, locale))}
      {card("delivered", "Delivered", nf(p.delivered, locale), formatRate(r.delivered, locale), "of sent")}
      {card("bounced", "Bounced", nf(p.bounced, locale), formatRate(r.bounced, locale), "of sent")}
      {emails &&
        card("opened", "Opened (estimate)", nf(p.opened, locale), formatRate(r.opened, locale), "of delivered e-mails")}
      {card("clicked", "Clicked", nf(p.clicked, locale), formatRate(r.clicked, locale), "of delivered")}
      {card(
        "unsubscribed",
        "Unsubscribed",
        nf(p.unsubscribed, locale),
        formatRate(r.unsubscribed, locale),
        "of delivered",
      )}
      {/* Buyers (deliveries that led to an order), so the rate never passes 100 %; then the orders. */}
      {card(
        "ordered",
        "Bought",
        nf(p.ordered, locale),
        formatRate(r.ordered, locale),
        `of delivered · ${ordersPhrase(p.orders)}`,
      )}
      {card("revenue", "Revenue", formatMoney(p.revenueMinor, p.currency, locale))}
    </div>
  );
}

/** Why the open rate is an estimate, in a line. */
export const OPEN_ESTIMATE =
  "Opens are an estimate: Apple Mail loads pictures by itself, whether or not anyone reads, and some mail apps block them, so a read e-mail may count as unopened.";

function tickLabel(timeZone: string) {
  return (ms: number, bucketMs: number) => {
    const d = new Date(ms);
    if (bucketMs >= DAY) return staffDay(d, timeZone).slice(5);
    const clock = staffClock(d, timeZone).split(" ")[0]!;
    // Midnight says which day it starts.
    return clock === "00:00" ? staffDay(d, timeZone).slice(5) : clock;
  };
}

function bucketName(ms: number): string {
  if (ms >= 30 * DAY) return "30 days";
  if (ms >= 7 * DAY) return "week";
  if (ms >= DAY) return "day";
  const h = ms / 3_600_000;
  return h === 1 ? "hour" : `${h} hours`;
}

/** The message's chart and, in a <details>, the same numbers per bucket. */
export function MessageChart({
  series: s,
  name,
  timeZone,
  currency,
  locale,
  emails = true,
}: { series: MessageSeries; name: string; timeZone: string; currency: string; emails?: boolean } & Money) {
  const chart = timeChart({
    edges: s.edges,
    bucketMs: s.bucketMs,
    locale,
    lines: [
      { key: "sent", label: "Sent", values: s.sent },
      ...(emails ? [{ key: "opened", label: "Opened (estimate)", values: s.opened }] : []),
      { key: "clicked", label: "Clicked", values: s.clicked },
    ],
    bars: { label: "Orders", values: s.ordered },
    tickLabel: tickLabel(timeZone),
  });
  const lineNames = emails ? "sent, opened and clicked" : "sent and clicked";
  const at = (i: number) => new Date(s.edges[i] ?? s.edges[0]!);
  // One abbreviation ("CEST") would claim one offset for a span that crosses a summer-time
  // change; then the zone is named instead, and each hour's row still carries its own.
  const first = zoneAbbreviation(at(0), timeZone);
  const zone = first === zoneAbbreviation(at(s.edges.length - 1), timeZone) ? first : timeZone;
  const last = s.sent.length - 1;
  const totalOrders = s.ordered.reduce((a, b) => a + b, 0);
  const desc = `Running totals per ${bucketName(s.bucketMs)} from ${staffDay(at(0), timeZone)}: ${nf(s.sent[last] ?? 0, locale)} sent, ${emails ? `${nf(s.opened[last] ?? 0, locale)} opened, ` : ""}${nf(s.clicked[last] ?? 0, locale)} clicked; ${nf(totalOrders, locale)} ${totalOrders === 1 ? "order" : "orders"} after it. The table below has every ${bucketName(s.bucketMs)}.`;
  const label = (i: number) =>
    s.bucketMs >= DAY ? staffDay(at(i), timeZone) : `${staffDay(at(i), timeZone)} ${staffClock(at(i), timeZone)}`;
  return (
    <>
      <TimeChartSvg
        chart={chart}
        id="message-chart"
        title={`${name}: ${lineNames} over time, and orders after it`}
        desc={desc}
        locale={locale}
        timeLabel={`Time (${zone}), one bar per ${bucketName(s.bucketMs)}`}
      />
      <details class="chart-data">
        <summary>The chart's numbers</summary>
        <div class="table-wrap">
          <table class="striped">
            <caption class="muted">
              Per {bucketName(s.bucketMs)} starting at, in {zone}; {lineNames} are running totals.
            </caption>
            <thead>
              <tr>
                <th>From</th>
                <th class="num">Sent</th>
                {emails && <th class="num">Opened</th>}
                <th class="num">Clicked</th>
                <th class="num">Orders</th>
                <th class="num">Revenue</th>
              </tr>
            </thead>
            <tbody>
              {s.sent.map((_, i) => (
                <tr>
                  <td>{label(i)}</td>
                  <td class="num">{nf(s.sent[i]!, locale)}</td>
                  {emails && <td class="num">{nf(s.opened[i]!, locale)}</td>}
                  <td class="num">{nf(s.clicked[i]!, locale)}</td>
                  <td class="num">{nf(s.ordered[i]!, locale)}</td>
                  <td class="num">
                    {!s.ordered[i]
                      ? "–"
                      : s.otherCurrency[i] === s.ordered[i]
                        ? "in another currency"
                        : `${formatMoney(s.revenueMinor[i]!, currency, locale)}${s.otherCurrency[i] ? ` (+${nf(s.otherCurrency[i]!, locale)} in another currency)` : ""}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

/**
 * The message page's "Performance" section (also sent out of band with each live update, so
 * it follows the send). Empty, but present to be replaced, until something has gone out.
 */
export function MessagePerformance({
  p,
  series,
  name,
  timeZone,
  locale,
  oob,
  emails = true,
  linksTracked = true,
}: {
  p: PerformanceCounts;
  /** Whether it went by e-mail: only then has it opens to count and the estimate to explain. */
  emails?: boolean;
  series: MessageSeries | null;
  name: string;
  timeZone: string;
  oob?: boolean;
  /** Settings → Studio → Tracking "Count clicks on links": off, no click is counted. */
  linksTracked?: boolean;
} & Money) {
  return (
    <section id="performance" class="performance" hx-swap-oob={oob ? "true" : undefined}>
      {p.sent > 0 && (
        <>
          <h2>Performance</h2>
          <PerformanceStats p={p} locale={locale} emails={emails} />
          {emails && (
            <p class="muted open-estimate">
              <small>{OPEN_ESTIMATE}</small>
            </p>
          )}
          <AwaitingReport p={p} locale={locale} />
          <LeftOut p={p} locale={locale} />
          <OtherCurrency p={p} locale={locale} />
          {!linksTracked && (
            <p class="links-untracked">
              Link tracking is off (<a href="/settings#tracking">Settings → Studio → Tracking</a>): clicks are not
              counted. Resend's own click reports, if click tracking is on in Resend, still count.
            </p>
          )}
          <p class="muted">
            <small>
              Delivered counts a provider's delivery report, or what proves one: an open or click by a person, an
              unsubscribe through the message's link, a STOP reply. Rates are of delivered messages (opens: of delivered
              e-mails; delivered and bounced: of sent). An order counts for the message whose link its customer clicked
              last before ordering.
            </small>
          </p>
          {series && (
            <MessageChart
              series={series}
              name={name}
              timeZone={timeZone}
              currency={p.currency}
              locale={locale}
              emails={emails}
            />
          )}
        </>
      )}
    </section>
  );
}

const cell = (count: number, rate: string | null, locale: string) => (
  <td class="num">
    {nf(count, locale)}
    {rate !== null && <small class="rate muted"> {rate}</small>}
  </td>
);

/** One row per notification (and a total): sent, delivered, bounced, opened, clicked, unsubscribed, bought, revenue (and orders), with rates. */
export function NotificationNumbersTable({
  rows,
  total,
  locale,
}: { rows: NotificationNumbers[]; total?: PerformanceCounts } & Money) {
  const line = (name: unknown, p: PerformanceCounts, attrs: Record<string, string>) => {
    const r = performanceRates(p);
    return (
      <tr {...attrs}>
        <th scope="row">{name}</th>
        {cell(p.sent, null, locale)}
        {cell(p.delivered, formatRate(r.delivered, locale), locale)}
        {cell(p.bounced, formatRate(r.bounced, locale), locale)}
        {cell(p.opened, formatRate(r.opened, locale), locale)}
        {cell(p.clicked, formatRate(r.clicked, locale), locale)}
        {cell(p.unsubscribed, formatRate(r.unsubscribed, locale), locale)}
        {cell(p.ordered, formatRate(r.ordered, locale), locale)}
        <td class="num">
          {formatMoney(p.revenueMinor, p.currency, locale)}
          <small class="muted"> · {ordersPhrase(p.orders)}</small>
          {p.otherCurrencyOrders > 0 && (
            <small class="muted"> (+{nf(p.otherCurrencyOrders, locale)} in another currency)</small>
          )}
        </td>
      </tr>
    );
  };
  return (
    <div class="table-wrap">
      <table class="striped perf-table">
        <thead>
          <tr>
            <th>Notification</th>
            <th class="num">Sent</th>
            <th class="num">Delivered</th>
            <th class="num">Bounced</th>
            <th class="num">Opened (estimate)</th>
            <th class="num">Clicked</th>
            <th class="num">Unsubscribed</th>
            <th class="num">Bought</th>
            <th class="num">Revenue</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) =>
            line(row.href ? <a href={row.href}>{row.name}</a> : row.name, row.counts, {
              "data-notification": row.id === 0 ? "deleted" : String(row.id),
            }),
          )}
        </tbody>
        {total && <tfoot>{line("All notifications", total, { "data-total": "all" })}</tfoot>}
      </table>
    </div>
  );
}

/** How the table's rates read, and the estimate; under each per-notification table. */
export function NumbersNote() {
  return (
    <p class="muted">
      <small>
        Each rate is of delivered (opened: of delivered e-mails; delivered and bounced: of sent); "–" where there is
        nothing to divide by. {OPEN_ESTIMATE} Link scanners and mail proxies are not counted.
      </small>
    </p>
  );
}

/** "Which notification earns what": revenue and orders per notification, as bars. */
export function NotificationEarningsChart({ rows, locale, of }: { rows: NotificationNumbers[]; of: string } & Money) {
  const chart = barChart(
    rows.map((r) => ({
      label: r.name,
      revenue: r.counts.revenueMinor,
      revenueText: formatMoney(r.counts.revenueMinor, r.counts.currency, locale),
      orders: r.counts.orders,
    })),
    locale,
  );
  return (
    <BarChartSvg
      chart={chart}
      id="earnings-chart"
      title={`Which notification earns what: ${of}`}
      desc={rows
        .map(
          (r) =>
            `${r.name}: ${formatMoney(r.counts.revenueMinor, r.counts.currency, locale)}, ${ordersPhrase(r.counts.orders)}`,
        )
        .join("; ")}
    />
  );
}

export type NumbersProps = { rows: NotificationNumbers[]; total: PerformanceCounts } & Money;

/** The profile page's "Performance": per notification across all jobs, and which earns what. */
export function ProfileNumbers({ rows, total, locale }: NumbersProps) {
  return (
    <section id="performance" class="performance">
      <h2>Performance</h2>
      {total.sent === 0 ? (
        <p class="muted empty-numbers">
          Nothing sent yet. Once its notifications go out to a job's customers, this shows what each achieved: sent,
          delivered, opened, clicked, ordered and revenue, across all jobs.
        </p>
      ) : (
        <>
          <h3>Which notification earns what</h3>
          <NotificationEarningsChart rows={rows} locale={locale} of="revenue and orders per notification, all jobs" />
          <NotificationNumbersTable rows={rows} total={total} locale={locale} />
          <NumbersNote />
        </>
      )}
    </section>
  );
}

/** The job page's "Performance": its notifications' numbers on this job, and the job's total. */
export function JobNumbers({ rows, total, locale }: NumbersProps) {
  return (
    <section id="performance" class="performance">
      <h2>Performance</h2>
      {total.sent === 0 ? (
        <p class="muted empty-numbers">
          No notification has gone out for this job yet. Once its profile's notifications are sent, their numbers appear
          here.
        </p>
      ) : (
        <>
          <PerformanceStats p={total} locale={locale} />
          <LeftOut p={total} locale={locale} />
          <OtherCurrency p={total} locale={locale} />
          <NotificationNumbersTable rows={rows} total={total} locale={locale} />
          <NumbersNote />
        </>
      )}
    </section>
  );
}
