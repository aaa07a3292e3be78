// A one-time message's deliveries written set-based (SPEC O3, O6): SQLite decides every recipient
// with the SQL the live count uses (message-audience.ts rowScope, held equal to decideRecipients by
// the tests) and inserts the rows itself, a range of customers per short transaction. Nothing
// per recipient passes through JavaScript: a 100,000-customer audience is a handful of statements.
import { type SQL, sql } from "drizzle-orm";
import type { MessageFilters } from "../core/message-filters.ts";
import type { Channel } from "../core/vocabulary.ts";
import type { Db, Tx } from "./client.ts";
import { type AudienceNeeds, type AudienceOptions, reach, rowScope } from "./message-audience.ts";

/** One range of customers (ids in (after, upTo]) and where its sends fall in the stagger, per channel. */
export type StartPage = {
  after?: number;
  upTo?: number;
  /** Per channel, the index in the stagger of the page's first send on it. */
  firstIndex: Partial<Record<Channel, number>>;
};

type PlanRow = Record<string, number | null>;

/**
 * The pages a message's audience is written in, read in one pass without taking the write lock:
 * `pageSize` rows each, and where each page's sends fall in the stagger. Sends are numbered as the
 * pages will write them (page by page, channel by channel, by customer), leaving out the rows that
 * will be duplicates: a row that passes every rule while an earlier one (by customer id) with the
 * same address also passes them, as decideRecipients decides with its `seen` set. Who is a
 * duplicate is decided again as each page is written (writeStartPage); an edit in between only
 * moves a send by a slot. A message to appointments has none (each appointment is its own message).
 */
export async function planStart(
  db: Db,
  filters: MessageFilters,
  channels: readonly Channel[],
  now: Date,
  opts: AudienceOptions & { needs: AudienceNeeds; pageSize: number },
): Promise<StartPage[]> {
  const rows = rowScope(filters, now, opts, opts.needs, "", false, { grouped: true });
  const cols = channels.map((ch, i) => ({ ch, i, address: reach(ch).address, skip: rows.skip(ch) }));
  const dup = (i: number) => sql.raw(`d${i}`);
  const plan = await db.all<PlanRow>(sql`select cid, rn, total, ${sql.join(
    cols.map((c) => sql`${dup(c.i)}, ${sql.raw(`n${c.i}`)}`),
    sql`, `,
  )} from (
      select cid, rn, count(*) over () as total, ${sql.join(
        cols.map(
          (c) =>
            sql`${dup(c.i)}, sum(${sql.raw(`s${c.i}`)} is null and ${dup(c.i)} is not 1) over (order by rn rows unbounded preceding) as ${sql.raw(`n${c.i}`)}`,
        ),
        sql`, `,
      )} from (
        select cid, ${sql.join(
          cols.map((c) => {
            const s = sql.raw(`s${c.i}`);
            const d = rows.perAppointment
              ? sql`null`
              : sql`case when ${s} is null then row_number() over (partition by ${sql.raw(`a${c.i}`)}, ${s} is null order by cid) > 1 end`;
            return sql`${s}, ${d} as ${dup(c.i)}`;
          }),
          sql`, `,
        )}, row_number() over (order by cid, aid) as rn from (
          select x.customer_id as cid, ${rows.perAppointment ? sql`ap.id` : sql`null`} as aid, ${sql.join(
            cols.map((c) => sql`${c.skip} as ${sql.raw(`s${c.i}`)}, ${c.address} as ${sql.raw(`a${c.i}`)}`),
            sql`, `,
          )}
          ${rows.from} ${rows.joins} where ${rows.where})))
    where rn % ${opts.pageSize} = 0 or rn = total or ${sql.join(
      cols.map((c) => sql`${dup(c.i)} = 1`),
      sql` or `,
    )}`);
  // Page boundaries: the row ending each full page, and the last row.
  const ends = plan.filter((r) => Number(r.rn) % opts.pageSize === 0 || r.rn === r.total);
  const pages: StartPage[] = [];
  let after: number | undefined;
  const placed = cols.map(() => 0);
  for (const [k, end] of ends.entries()) {
    const last = k === ends.length - 1;
    const upTo = last ? undefined : Number(end.cid);
    const firstIndex: Partial<Record<Channel, number>> = {};
    // Page-major, then channel-major within a page, as the pages are written.
    let base = placed.reduce((a, b) => a + b, 0);
    for (const c of cols) {
      firstIndex[c.ch] = base;
      const through = Number(end[`n${c.i}`] ?? 0);
      base += through - placed[c.i]!;
      placed[c.i] = through;
    }
    pages.push({ after, upTo, firstIndex });
    after = upTo;
  }
  return pages;
}

/**
 * Writes one page of a message's deliveries on `channel` with one INSERT … SELECT: a skipped row
 * with its reason for everyone not sent to, the rest queued (or held, with `hold`) and staggered
 * from `now`. A delivery key already there is left alone, so a page written again after a crash
 * adds only what is missing. Returns how many rows were new.
 */
export async function writeStartPage(
  db: Db | Tx,
  m: { id: number; filters: MessageFilters; jobId: number | null },
  channel: Channel,
  page: StartPage,
  now: Date,
  opts: AudienceOptions & {
    needs: AudienceNeeds;
    stagger: { batchSize: number; intervalSeconds: number };
    hold?: string;
  },
): Promise<number> {
  const rows = rowScope(m.filters, now, opts, opts.needs, "", true, {
    grouped: true,
    job: true,
    range: { after: page.after, upTo: page.upTo },
  });
  // A bound number arrives as a real ('m1.0:…', and `/` would divide exactly): cast to a whole
  // one. Bound rather than written into the text, so the statement is one SQL text for every page.
  const int = (n: number) => sql`cast(${Math.trunc(n)} as integer)`;
  const address = sql.raw(channel === "email" ? "c.email" : "c.phone");
  // A row already written (a page written again after a crash) is left out before duplicates are
  // counted: it stays as it was, and a twin must not count it as the address's first copy.
  const key = (cid: SQL, aid: SQL) =>
    sql`'m' || ${int(m.id)} || coalesce(':a' || ${aid}, '') || ':c' || ${cid} || ${`:${channel}`}`;
  const aid = rows.perAppointment ? sql`ap.id` : sql`null`;
  // A duplicate is decided here, in the page's own transaction, from what is written by then: the
  // address already has this message on this channel (an earlier page), or an earlier customer of
  // this page has it. The plan's guess would be stale after an edit in between (an address taken
  // or given up): two copies to one address, or a skip for the twin of someone who left.
  // A copy staff cancelled counts as given: the address was dealt with, and a twin must not take it
  // (whether its page came before the cancel or after it).
  const written = sql`(select d.to_address from deliveries d where d.message_id = ${int(m.id)} and d.channel = ${channel}
    and (d.status <> 'skipped' or d.skip_reason = 'cancelled_by_staff'))`;
  const base = rows.skip(channel);
  const skip: SQL = rows.perAppointment
    ? base
    : sql`coalesce(${base}, case when ${address} in ${written} then 'duplicate_address' end)`;
  const t = int(now.getTime());
  const hold = opts.hold ?? null;
  const batch = int(Math.max(1, opts.stagger.batchSize));
  const intervalMs = int(opts.stagger.intervalSeconds * 1000);
  const first = int(page.firstIndex[channel] ?? 0);
  // `where true` tells SQLite the ON CONFLICT belongs to the INSERT, not to a join.
  const result = await db.run(sql`insert into deliveries (delivery_key, source_type, message_id, job_id, customer_id,
      appointment_id, channel, to_address, status, skip_reason, due_at, waiting_reason, created_at, updated_at)
    select ${key(sql`cid`, sql`aid`)}, 'message', ${int(m.id)}, job, cid, aid,
      ${channel}, addr, case when skip is not null then 'skipped' when ${hold} is not null then 'held' else 'queued' end, skip,
      case when skip is null then ${t} + ((${first} + row_number() over (partition by skip is null order by cid, aid) - 1) / ${batch}) * ${intervalMs} else ${t} end,
      case when skip is null then ${hold} end, ${t}, ${t}
    from (select cid, aid, job, addr, coalesce(skip, case when ${rows.perAppointment ? sql`false` : sql`true`}
        and row_number() over (partition by addr, skip is null order by cid, aid) > 1 then 'duplicate_address' end) as skip
      from (select x.customer_id as cid, ${aid} as aid, coalesce(${m.jobId === null ? sql`null` : int(m.jobId)}, ${rows.job}) as job, ${address} as addr, ${skip} as skip
        ${rows.from} join customers c on c.id = x.customer_id ${rows.joins} where ${rows.where}
          and not exists (select 1 from deliveries k where k.delivery_key = ${key(sql`x.customer_id`, aid)})))
    where true on conflict (delivery_key) do nothing`);
  return result.rowsAffected;
}
