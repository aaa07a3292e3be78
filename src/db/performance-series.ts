// A one-time message's numbers over time, for its chart (issue 14): sends, first opens and first
// clicks by people, and the orders attributed to it, counted per time bucket in SQL — a message to
// 100,000 customers returns at most a few hundred rows, never one per delivery. The totals match
// src/db/performance.ts's: the same deliveries, the same counted kinds.
import { type SQL, sql } from "drizzle-orm";
import { bucketEdges, type MessageSeries, seriesFromRows } from "../core/chart.ts";
import type { Db } from "./client.ts";
import { COUNTED, SENT } from "./performance.ts";

const n = (v: unknown) => Number(v ?? 0);

export type { MessageSeries };

/** A delivery's send time: a bounce reported before its send was recorded still went out at its due time. */
const SENT_AT = sql`coalesce(d.sent_at, d.due_at)`;

/** The message's series, or null when nothing of it has gone out. */
export async function messageSeries(
  db: Db,
  messageId: number,
  currency: string,
  timeZone: string,
): Promise<MessageSeries | null> {
  const where = sql`d.message_id = ${messageId} and d.source_type = 'message'`;
  const [span] = await db.all<{ first: number | null; last: number | null; e: number | null; o: number | null }>(sql`
    select min(${SENT_AT}) as first, max(${SENT_AT}) as last,
      (select max(e.occurred_at) from engagements e join deliveries d on d.id = e.delivery_id
        where ${where} and e.kind in (${COUNTED})) as e,
      (select max(o.ordered_at) from orders o join deliveries d on d.id = o.attributed_delivery_id where ${where}) as o
    from deliveries d where ${where} and ${SENT}`);
  if (!span?.first) return null;
  const first = n(span.first);
  const last = Math.max(first, n(span.last), n(span.e), n(span.o));
  const { bucketMs, edges } = bucketEdges(first, last, timeZone);
  // The bucket of an instant: the last edge at or before it (edges are our own integers, and a
  // day's length varies with summer time, so this is a comparison chain, not a division).
  const inner = edges.slice(1, -1);
  const k = (t: SQL) =>
    inner.length === 0
      ? sql`0`
      : sql`(case ${sql.join(
          inner.map((e, i) => sql`when ${t} < ${sql.raw(String(Math.trunc(e)))} then ${sql.raw(String(i))}`),
          sql` `,
        )} else ${sql.raw(String(inner.length))} end)`;
  // An e-mail whose link a person followed was opened (as performance.ts counts it).
  const opens = (type: "open" | "click") =>
    type === "open" ? sql`(e.type = 'open' or (e.type = 'click' and d.channel = 'email'))` : sql`e.type = 'click'`;
  const firstOf = (type: "open" | "click") => sql`
    select ${type === "open" ? sql`'opened'` : sql`'clicked'`} as s, ${k(sql`t`)} as k, count(*) as n, 0 as r, 0 as x
    from (select min(e.occurred_at) as t from engagements e join deliveries d on d.id = e.delivery_id
          where ${where} and ${opens(type)} and e.kind in (${COUNTED}) group by e.delivery_id)
    group by k`;
  const rows = await db.all<{ s: string; k: number; n: number; r: number; x: number }>(sql`
    select 'sent' as s, ${k(SENT_AT)} as k, count(*) as n, 0 as r, 0 as x from deliveries d where ${where} and ${SENT} group by k
    union all ${firstOf("open")}
    union all ${firstOf("click")}
    union all
    select 'ordered' as s, ${k(sql`o.ordered_at`)} as k, count(*) as n,
      sum(case when o.currency = ${currency} then o.amount_minor else 0 end) as r,
      sum(case when o.currency = ${currency} then 0 else 1 end) as x
    from orders o join deliveries d on d.id = o.attributed_delivery_id where ${where} group by k`);
  return seriesFromRows(rows, edges, bucketMs);
}
