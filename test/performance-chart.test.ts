// The chart's geometry (src/core/chart.ts) and the message series behind it
// (src/db/performance-series.ts): buckets chosen from the span, running totals, a round axis,
// and a large message counted in SQL into a bounded number of buckets with the right totals.
import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import {
  barChart,
  chooseBucket,
  cumulative,
  MAX_BUCKETS,
  niceTicks,
  seriesFromRows,
  shorten,
  timeChart,
} from "../src/core/chart.ts";
import { createCustomer } from "../src/db/customers.ts";
import { performanceOf } from "../src/db/performance.ts";
import { messageSeries } from "../src/db/performance-series.ts";
import { jobs, messages } from "../src/db/schema.ts";
import { makeTestApp } from "./support/app.ts";

const HOUR = 3_600_000;

test("the bucket fits the span in at most MAX_BUCKETS: hours for a day, days for a month", () => {
  expect(chooseBucket(0)).toBe(HOUR);
  expect(chooseBucket(20 * HOUR)).toBe(HOUR);
  expect(chooseBucket(72 * HOUR)).toBe(HOUR);
  expect(chooseBucket(73 * HOUR)).toBe(3 * HOUR);
  expect(chooseBucket(30 * 24 * HOUR)).toBe(12 * HOUR);
  expect(chooseBucket(60 * 24 * HOUR)).toBe(24 * HOUR);
  expect(chooseBucket(5 * 365 * 24 * HOUR)).toBe(30 * 24 * HOUR);
  expect(Math.ceil((20 * 24 * HOUR) / chooseBucket(20 * 24 * HOUR))).toBeLessThanOrEqual(MAX_BUCKETS);
});

test("running totals, a round axis of whole numbers, names cut to fit", () => {
  expect(cumulative([3, 0, 2, 1])).toEqual([3, 3, 5, 6]);
  expect(niceTicks(0)).toEqual([0, 1]);
  expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
  expect(niceTicks(40)).toEqual([0, 10, 20, 30, 40]);
  expect(niceTicks(101)).toEqual([0, 50, 100, 150]);
  expect(shorten("short")).toBe("short");
  expect(shorten("x".repeat(80))).toHaveLength(56);
});

test("grouped rows spread over the buckets: running totals, orders per bucket, strays on the edges", () => {
  const s = seriesFromRows(
    [
      { s: "sent", k: 0, n: 5, r: 0 },
      { s: "sent", k: 2, n: 1, r: 0 },
      { s: "opened", k: -1, n: 2, r: 0 }, // an open recorded before the send's time: the first bucket
      { s: "ordered", k: 9, n: 1, r: 2490 }, // beyond the last: the last
    ],
    0,
    HOUR,
    3,
  );
  expect(s.sent).toEqual([5, 5, 6]);
  expect(s.opened).toEqual([2, 2, 2]);
  expect(s.clicked).toEqual([0, 0, 0]);
  expect(s.ordered).toEqual([0, 0, 1]);
  expect(s.revenueMinor).toEqual([0, 0, 2490]);
});

test("a time chart's lines end at their totals and its bars stand where orders were", () => {
  const c = timeChart({
    start: 0,
    bucketMs: HOUR,
    lines: [{ key: "sent", label: "Sent", values: [10, 20, 20, 20] }],
    bars: { label: "Orders", values: [0, 0, 2, 1] },
    tickLabel: (ms) => `${ms / HOUR}h`,
  });
  const line = c.lines[0]!;
  expect(line.points.split(" ")).toHaveLength(5); // from zero, then one point per bucket
  expect(line.last.value).toBe(20);
  expect(line.last.y).toBe(c.plot.y); // the axis tops out at 20
  expect(c.bars.map((b) => [b.bucket, b.value])).toEqual([
    [2, 2],
    [3, 1],
  ]);
  expect(c.bars[0]!.h).toBe(c.strip.h);
  expect(c.xTicks[0]!.label).toBe("0h");
  const bars = barChart([
    { label: "A", revenue: 100, revenueText: "€1.00", orders: 2 },
    { label: "B", revenue: 0, revenueText: "€0.00", orders: 0 },
  ]);
  expect(bars.rows[1]!.revenue.w).toBe(0);
  expect(bars.rows[0]!.orders.text).toBe("2 orders");
});

test("a message to 20,000 customers is counted per bucket in SQL: at most 72 buckets, totals as performanceOf's", async () => {
  const start = new Date("2026-09-01T10:00:00Z");
  const t = await makeTestApp({ now: start });
  const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", consent: {} }, "test", start);
  const [job] = await t.db.insert(jobs).values({ name: "Big", type: "school", year: 2026 }).returning();
  const [m] = await t.db
    .insert(messages)
    .values({ name: "Big", channels: ["email"], filters: {}, status: "sent" })
    .returning();
  const t0 = start.getTime();
  // 20,000 deliveries over 10 hours; every 4th opened by a person an hour later, every 3rd by a
  // privacy proxy (not counted); every 50th clicked; every 1,000th bought from a day later.
  await t.db.run(sql`
    with recursive i(n) as (select 1 union all select n + 1 from i where n < 20000)
    insert into deliveries (delivery_key, source_type, message_id, channel, customer_id, to_address, status, sent_at, due_at, created_at, updated_at)
    select 'big' || n, 'message', ${m!.id}, 'email', ${cu.id}, 'anna@x.test', 'delivered',
      ${t0} + (n % 600) * 60000, ${t0}, ${t0}, ${t0} from i`);
  await t.db.run(sql`
    insert into engagements (delivery_id, customer_id, type, source, kind, occurred_at)
    select id, ${cu.id}, 'open', 'pixel', 'person', sent_at + ${HOUR} from deliveries where message_id = ${m!.id} and id % 4 = 0
    union all
    select id, ${cu.id}, 'open', 'pixel', 'privacy_proxy', sent_at from deliveries where message_id = ${m!.id} and id % 3 = 0
    union all
    select id, ${cu.id}, 'click', 'link', 'person', sent_at + ${2 * HOUR} from deliveries where message_id = ${m!.id} and id % 50 = 0`);
  await t.db.run(sql`
    insert into orders (job_id, customer_id, amount_minor, currency, ordered_at, attributed_delivery_id, created_at)
    select ${job!.id}, ${cu.id}, 1000, 'USD', sent_at + ${24 * HOUR}, id, ${t0} from deliveries where message_id = ${m!.id} and id % 1000 = 0`);

  const s = (await messageSeries(t.db, m!.id, "USD", "UTC"))!;
  const p = await performanceOf(t.db, { messageId: m!.id }, "USD");
  expect(s.bucketMs).toBe(HOUR); // 10 hours of sends, opens an hour, orders a day later: 35 hours
  expect(s.sent.length).toBeLessThanOrEqual(72);
  expect(s.sent.at(-1)).toBe(20_000);
  expect(s.sent.at(-1)).toBe(p.sent);
  expect(s.opened.at(-1)).toBe(p.opened);
  expect(s.opened.at(-1)).toBe(5_000);
  expect(s.clicked.at(-1)).toBe(p.clicked);
  expect(s.ordered.reduce((a, b) => a + b, 0)).toBe(p.orders);
  expect(s.revenueMinor.reduce((a, b) => a + b, 0)).toBe(p.revenueMinor);
  // Running totals never go down.
  expect(s.opened.every((v, i) => i === 0 || v >= s.opened[i - 1]!)).toBe(true);
}, 120_000);

test("nothing sent: no series", async () => {
  const t = await makeTestApp();
  const [m] = await t.db
    .insert(messages)
    .values({ name: "Draft", channels: ["email"], filters: {}, status: "draft" })
    .returning();
  expect(await messageSeries(t.db, m!.id, "USD", "UTC")).toBeNull();
});
