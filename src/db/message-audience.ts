// Who a one-time message reaches (SPEC O3): the customers its filters select, and per channel
// how many will receive it and why the others will not. The counting happens in SQL so the
// compose page can show a live count over a million customers; the rules are those of
// decideRecipients (src/core/recipients.ts), in the same order, and a test holds them equal.
import { type SQL, sql } from "drizzle-orm";
import { hasAppointmentFilter, hasJobFilter, type MessageFilters, withoutJobFilters } from "../core/message-filters.ts";
import { SKIP_REASONS, type SkipReason } from "../core/recipients.ts";
import { startOfZonedDay } from "../core/send-window.ts";
import type { Db } from "./client.ts";
import { ftsQuery } from "./customers.ts";
import { inJson } from "./in-json.ts";
import { type Channel, SUPPRESSION_REASONS } from "./schema.ts";

export type AudienceOptions = {
  /** The zone the appointment date range is read in (the studio's); UTC when not given. */
  timeZone?: string;
};

export type ChannelSummary = { matched: number; willReceive: number; excluded: Record<SkipReason, number> };

export type ExcludedCustomer = { id: number; firstName: string; lastName: string; address: string | null };

/** Up to this many values are bound one by one; a longer list goes in as one JSON array. */
const MAX_BOUND_VALUES = 500;

function inList(column: SQL, values: readonly (string | number)[]): SQL {
  if (values.length > MAX_BOUND_VALUES) return inJson(column, values);
  return sql`${column} in (${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

const and = (terms: SQL[]) => (terms.length ? sql.join(terms, sql` and `) : sql`1`);

/** The instant a calendar day (plus `addDays`) begins in `timeZone`. */
function dayStart(day: string, timeZone: string, addDays = 0): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + addDays));
  return startOfZonedDay({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }, timeZone).getTime();
}

/**
 * The condition the job filters put on a registration aliased `r`. Audience and condition apply
 * to each registration on its own: a customer who is a potential buyer in one matching job is
 * in, whatever they did in another. The registration date is not read: a one-time message goes
 * to who is registered.
 */
function registrationTerms(f: MessageFilters, now: Date): SQL[] {
  const reg: SQL[] = [];
  if (f.job_ids) reg.push(inList(sql`r.job_id`, f.job_ids));
  const job: SQL[] = [];
  if (f.job_statuses) job.push(inList(sql`j.status`, f.job_statuses));
  if (f.years) job.push(inList(sql`j.year`, f.years));
  if (f.job_types) job.push(inList(sql`j.type`, f.job_types));
  if (job.length) reg.push(sql`r.job_id in (select j.id from jobs j where ${and(job)})`);
  if (f.album_ids) {
    // An album lies in one job: naming that job lets the (job, album) index find the rows.
    reg.push(inList(sql`r.album_id`, f.album_ids), sql`r.job_id in (select al.job_id from albums al where ${inList(sql`al.id`, f.album_ids)})`);
  }
  const ordered = sql`exists (select 1 from orders o where o.job_id = r.job_id and o.customer_id = r.customer_id)`;
  if (f.audience === "potential_buyers") reg.push(sql`not ${ordered}`);
  if (f.audience === "buyers") reg.push(ordered);
  if (f.condition === "with_photos") reg.push(sql`r.photos_available_at <= ${now.getTime()}`);
  if (f.condition === "without_photos") reg.push(sql`(r.photos_available_at is null or r.photos_available_at > ${now.getTime()})`);
  return reg;
}

/**
 * The condition the filters put on the customer whose id column is `customerId`; `1` when they
 * select everyone. Job filters pick registrations (registrationTerms), appointment filters pick
 * appointments, all terms on the same appointment. Each kind is a set the planner builds once
 * and drives the customer lookups from, in id order.
 */
function audienceWhere(f: MessageFilters, now: Date, opts: AudienceOptions, customerId = "c.id"): SQL {
  const id = sql.raw(customerId);
  const terms: SQL[] = [];
  if (hasJobFilter(f)) terms.push(sql`${id} in (select r.customer_id from registrations r where ${and(registrationTerms(f, now))})`);
  if (hasAppointmentFilter(f)) {
    const zone = opts.timeZone ?? "UTC";
    const appt: SQL[] = [];
    if (f.appointment_ids) appt.push(inList(sql`a.id`, f.appointment_ids));
    if (f.appointment_statuses) appt.push(inList(sql`a.status`, f.appointment_statuses));
    if (f.appointment_from) appt.push(sql`a.starts_at >= ${dayStart(f.appointment_from, zone)}`);
    if (f.appointment_to) appt.push(sql`a.starts_at < ${dayStart(f.appointment_to, zone, 1)}`);
    terms.push(sql`${id} in (select a.customer_id from appointments a where ${and(appt)})`);
  }
  if (f.customer_ids) terms.push(inList(id, f.customer_ids));
  return and(terms);
}

/**
 * The ids (ascending) of the customers the filters select; no filters select every customer.
 * With `limit`, one page of them: those after `afterId`.
 */
export async function audienceCustomerIds(db: Db, filters: MessageFilters, now: Date, opts: AudienceOptions & { afterId?: number; limit?: number } = {}): Promise<number[]> {
  const after = opts.afterId !== undefined ? sql` and c.id > ${opts.afterId}` : sql``;
  const limit = opts.limit !== undefined ? sql` limit ${opts.limit}` : sql``;
  const rows = await db.all<{ id: number }>(sql`select c.id as id from customers c where ${audienceWhere(filters, now, opts)}${after} order by c.id${limit}`);
  return rows.map((r) => Number(r.id));
}

/**
 * For a message about several jobs, the job each selected customer hears about: of the jobs in
 * which the job filters match one of their registrations, the first by id, so `{{job.name}}` and
 * `{{album.name}}` are theirs. Empty when the filters do not select by job.
 */
export async function audienceJobs(db: Db, filters: MessageFilters, now: Date, opts: AudienceOptions = {}): Promise<Map<number, number>> {
  if (!hasJobFilter(filters)) return new Map();
  // The registrations matched already say the job part; only the rest narrows the customers.
  const rows = await db.all<{ customer_id: number; job_id: number }>(
    sql`select r.customer_id as customer_id, min(r.job_id) as job_id from registrations r
      where ${and(registrationTerms(filters, now))} and ${audienceWhere(withoutJobFilters(filters), now, opts, "r.customer_id")}
      group by r.customer_id`,
  );
  return new Map(rows.map((r) => [Number(r.customer_id), Number(r.job_id)]));
}

/** How many customers the filters select. */
export async function audienceSize(db: Db, filters: MessageFilters, now: Date, opts: AudienceOptions = {}): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql`select count(*) as n from customers c where ${audienceWhere(filters, now, opts)}`);
  return Number(row?.n ?? 0);
}

export type AudienceMember = { id: number; firstName: string; lastName: string; email: string | null; phone: string | null };

/**
 * The first customers (by id) the filters select, for the preview's recipient list: those whose
 * name, e-mail or phone starts with the words of `q` (the customer search's full-text index), or
 * just `customerId` when given. A page costs the same however large the audience is.
 */
export async function audienceMembers(
  db: Db,
  filters: MessageFilters,
  now: Date,
  page: AudienceOptions & { limit: number; q?: string; customerId?: number },
): Promise<AudienceMember[]> {
  const terms = [audienceWhere(filters, now, page)];
  const match = page.q ? ftsQuery(page.q) : null;
  if (match) terms.push(sql`c.id in (select rowid from customers_fts where customers_fts match ${match})`);
  if (page.customerId !== undefined) terms.push(sql`c.id = ${page.customerId}`);
  const rows = await db.all<{ id: number; first_name: string; last_name: string; email: string | null; phone: string | null }>(
    sql`select c.id as id, c.first_name as first_name, c.last_name as last_name, c.email as email, c.phone as phone
      from customers c where ${and(terms)} order by c.id limit ${page.limit}`,
  );
  return rows.map((r) => ({ id: Number(r.id), firstName: r.first_name, lastName: r.last_name, email: r.email, phone: r.phone }));
}

/** The reasons decideRecipients can give before its duplicate check. */
const PRE_REASONS = [...new Set<SkipReason>(["no_address", ...SUPPRESSION_REASONS, "no_consent", "landline"])];

/**
 * The customer_reach columns of `channel` on the row aliased `x` (migration 0007): the number of
 * the customer's address and the first reason, in decideRecipients' order, that stops a
 * marketing message short of the duplicate check; null when none does. Calls go to the phone.
 */
function reach(channel: Channel, x = "x") {
  return {
    address: sql.raw(`${x}.${channel === "email" ? "email" : "sms"}_address`),
    skip: sql.raw(`${x}.${channel}_skip`),
  };
}

const emptyExcluded = () => Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;

/**
 * Per channel: how many customers the filters match, how many will receive the message, and how
 * many will not, by reason. One-time messages are marketing, so consent is required. Among those
 * who pass every other rule the first customer (by id) with an address gets it and the others
 * are duplicates, as many as such customers minus their distinct addresses. One pass over the
 * matched customers serves every channel.
 */
export async function audienceSummary<C extends Channel>(
  db: Db,
  filters: MessageFilters,
  channels: readonly C[],
  now: Date,
  opts: AudienceOptions = {},
): Promise<Record<C, ChannelSummary>> {
  const out = {} as Record<C, ChannelSummary>;
  const perChannel = [...new Set(channels)].map((ch) => ({ ch, ...reach(ch) }));
  if (!perChannel.length) return out;
  // `count(*) filter` skips the aggregate step for the rows it does not count, which `sum(a = b)`
  // cannot: measurably faster with a dozen counts over a hundred thousand rows.
  const counts = perChannel.flatMap(({ ch, address, skip }) => [
    sql`count(*) filter (where ${skip} is null) as ${sql.raw(`${ch}_ok`)}`,
    sql`count(distinct ${address}) filter (where ${skip} is null) as ${sql.raw(`${ch}_addresses`)}`,
    ...PRE_REASONS.map((r) => sql`count(*) filter (where ${skip} = ${r}) as ${sql.raw(`${ch}_${r}`)}`),
  ]);
  const [row] = await db.all<Record<string, number | null>>(
    sql`select count(*) as matched, ${sql.join(counts, sql`, `)} from customer_reach x where ${audienceWhere(filters, now, opts, "x.customer_id")}`,
  );
  const n = (key: string) => Number(row?.[key] ?? 0);
  for (const { ch } of perChannel) {
    const excluded = emptyExcluded();
    for (const r of PRE_REASONS) excluded[r] = n(`${ch}_${r}`);
    excluded.duplicate_address = n(`${ch}_ok`) - n(`${ch}_addresses`);
    out[ch] = { matched: n("matched"), willReceive: n(`${ch}_addresses`), excluded };
  }
  return out;
}

/**
 * The customers behind one excluded count of audienceSummary, by id, a page at a time. A
 * duplicate is a customer who passes every other rule while a customer with a lower id, also
 * matched and passing them, has the same address.
 */
export async function excludedCustomers(
  db: Db,
  filters: MessageFilters,
  channel: Channel,
  reason: SkipReason,
  now: Date,
  page: AudienceOptions & { limit: number; offset?: number },
): Promise<ExcludedCustomer[]> {
  const mine = reach(channel, "x");
  const column = sql.raw(channel === "email" ? "email" : "phone");
  let where: SQL;
  if (reason === "duplicate_address") {
    const earlier = reach(channel, "x2");
    // `+c2.id`: the audience is a check on the few customers found by address, not a list to walk.
    where = sql`${mine.skip} is null and exists (
        select 1 from customers c2 join customer_reach x2 on x2.customer_id = c2.id
        where c2.${column} = c.${column} and c2.id < c.id and ${earlier.skip} is null and ${audienceWhere(filters, now, page, "+c2.id")})`;
  } else {
    where = sql`${mine.skip} = ${reason}`;
  }
  const rows = await db.all<{ id: number; first_name: string; last_name: string; address: string | null }>(
    sql`select c.id as id, c.first_name as first_name, c.last_name as last_name, nullif(c.${column}, '') as address
      from customer_reach x join customers c on c.id = x.customer_id
      where ${audienceWhere(filters, now, page, "x.customer_id")} and ${where}
      order by x.customer_id limit ${page.limit} offset ${page.offset ?? 0}`,
  );
  return rows.map((r) => ({ id: Number(r.id), firstName: r.first_name, lastName: r.last_name, address: r.address }));
}
