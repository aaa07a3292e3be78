// What a message or a notification achieved (issue 14): counts of what happened after it was
// sent, and each as a rate. Pure: the counts come from src/db/performance.ts.
import { fromMinor } from "./money.ts";

/**
 * Counts of deliveries (not people: one customer may get a message by e-mail and SMS).
 * `opened` and `clicked` leave out machines (see ENGAGEMENT_KINDS); `machineOpens` and
 * `machineClicks` are what was left out, so a page can say so. `ordered` counts the deliveries
 * that led to at least one attributed order (last click within the window): buyers, so the buy
 * rate of delivered never passes 100 % when one reader orders three times; `orders` counts the
 * orders themselves. `revenueMinor` sums all those orders in the studio's currency,
 * `otherCurrencyOrders` the ones in another (not converted, not summed).
 */
export type PerformanceCounts = {
  sent: number;
  delivered: number;
  /** Delivered e-mails: only an e-mail can be opened, so the open rate is of these. */
  deliveredEmails: number;
  bounced: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
  /** Deliveries with at least one attributed order (buyers). */
  ordered: number;
  /** Attributed orders (one buyer may place several). */
  orders: number;
  revenueMinor: number;
  currency: string;
  otherCurrencyOrders: number;
  machineOpens: number;
  machineClicks: number;
  /**
   * Sent and not yet known to have arrived (no delivery report, nothing the reader did): the
   * rates of delivered leave these out, so a page says how many there are.
   */
  awaitingReport: number;
};

export const NO_PERFORMANCE = (currency: string): PerformanceCounts => ({
  sent: 0,
  delivered: 0,
  deliveredEmails: 0,
  bounced: 0,
  opened: 0,
  clicked: 0,
  unsubscribed: 0,
  ordered: 0,
  orders: 0,
  revenueMinor: 0,
  currency,
  otherCurrencyOrders: 0,
  machineOpens: 0,
  machineClicks: 0,
  awaitingReport: 0,
});

/** A share in [0, 1], or null when there is nothing to divide by (a rate of nothing is no 0 %). */
export type Rate = number | null;

export type PerformanceRates = {
  /** Of sent. */
  delivered: Rate;
  /** Of sent: a bounce is a delivery that did not happen. */
  bounced: Rate;
  /** Of delivered e-mails; an estimate (machines and blocked images distort it either way). */
  opened: Rate;
  /** The rest of delivered. */
  clicked: Rate;
  unsubscribed: Rate;
  ordered: Rate;
};

const share = (n: number, of: number): Rate => (of > 0 ? n / of : null);

export function performanceRates(c: PerformanceCounts): PerformanceRates {
  return {
    delivered: share(c.delivered, c.sent),
    bounced: share(c.bounced, c.sent),
    opened: share(c.opened, c.deliveredEmails),
    clicked: share(c.clicked, c.delivered),
    unsubscribed: share(c.unsubscribed, c.delivered),
    ordered: share(c.ordered, c.delivered),
  };
}

/** Each count of `a` with the same count of `b` (both in one currency). */
function countByCount(a: PerformanceCounts, b: PerformanceCounts, op: (x: number, y: number) => number) {
  const out = { ...a };
  for (const key of Object.keys(a) as (keyof PerformanceCounts)[]) {
    if (key === "currency") continue;
    (out[key] as number) = op(a[key] as number, b[key] as number);
  }
  return out;
}

/** Adds counts (a profile's across its notifications); both must be in one currency. */
export const addPerformance = (a: PerformanceCounts, b: PerformanceCounts): PerformanceCounts =>
  countByCount(a, b, (x, y) => x + y);

/** `a` less `b`, count by count: what a total holds that its rows do not. */
export const subtractPerformance = (a: PerformanceCounts, b: PerformanceCounts): PerformanceCounts =>
  countByCount(a, b, (x, y) => x - y);

/** "1 order", "3 orders": beside the buyers, since one buyer may order several times. */
export const ordersPhrase = (n: number, locale = "en") => `${n.toLocaleString(locale)} ${n === 1 ? "order" : "orders"}`;

/** "12.5 %", "0 %", or "–" for no rate; one decimal below 10 %, none above. */
export function formatRate(r: Rate, locale = "en"): string {
  if (r === null) return "–";
  const digits = r > 0 && r < 0.1 ? 1 : 0;
  return new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  }).format(r);
}

/**
 * The API's `performance` object (SPEC I3): the counts (`ordered`: deliveries that led to an
 * order; `orders`: how many orders), `revenue` as a decimal of `currency`, and `rates` of delivered (as fractions, null when nothing was delivered).
 */
export function performanceJson(c: PerformanceCounts) {
  const r = performanceRates(c);
  return {
    sent: c.sent,
    delivered: c.delivered,
    bounced: c.bounced,
    opened: c.opened,
    clicked: c.clicked,
    unsubscribed: c.unsubscribed,
    ordered: c.ordered,
    orders: c.orders,
    revenue: fromMinor(c.revenueMinor, c.currency),
    revenue_minor: c.revenueMinor,
    currency: c.currency,
    rates: {
      delivered: r.delivered,
      bounced: r.bounced,
      opened: r.opened,
      clicked: r.clicked,
      unsubscribed: r.unsubscribed,
      ordered: r.ordered,
    },
    opened_is_estimate: true,
    machine_opens: c.machineOpens,
    machine_clicks: c.machineClicks,
    awaiting_report: c.awaitingReport,
    other_currency_orders: c.otherCurrencyOrders,
  };
}
