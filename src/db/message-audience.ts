// Who a one-time message reaches (SPEC O3): the customers its filters select, and per channel
// how many will receive it and why the others will not. The counting happens in SQL so the
// compose page can show a live count over a million customers; the rules are those of
// decideRecipients (src/core/recipients.ts), in the same order, and a test holds them equal.
import { type SQL, sql } from "drizzle-orm";
import { hasAppointmentFilter, hasJobFilter, type MessageFilters } from "../core/message-filters.ts";
import { SKIP_REASONS, type SkipReason } from "../core/recipients.ts";
import { zonedTimeToInstant } from "../core/send-window.ts";
import type { Db } from "./client.ts";
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
  if (values.length > MAX_BOUND_VALUES) return sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
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
  return zonedTimeToInstant({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }, "00:00", timeZone).getTime();
}

/**
 * The condition the filters put on the customer whose id column is `customerId`; `1` when they
 * select everyone. Job filters pick registrations, and audience and condition apply to each
 * registration on its own: a customer who is a potential buyer in one matching job is in,
 * whatever they did in another. Appointment filters pick appointments, all terms on the same
 * appointment. Each kind is a set the planner builds once and drives the customer lookups from,
 * in id order. The registration date is not read: a one-time message goes to who is registered.
 */
function audienceWhere(f: MessageFilters, now: Date, opts: AudienceOptions, customerId = "c.id"): SQL {
  const id = sql.raw(customerId);
  const terms: SQL[] = [];
  if (hasJobFilter(f)) {
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
    terms.push(sql`${id} in (select r.customer_id from registrations r where ${and(reg)})`);
  }
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

/** The ids (ascending) of the customers the filters select; no filters select every customer. */
export async function audienceCustomerIds(db: Db, filters: MessageFilters, now: Date, opts: AudienceOptions = {}): Promise<number[]> {
  const rows = await db.all<{ id: number }>(sql`select c.id as id from customers c where ${audienceWhere(filters, now, opts)} order by c.id`);
  return rows.map((r) => Number(r.id));
}

/** The reasons decideRecipients can give before its duplicate check. */
const PRE_REASONS = [...new Set<SkipReason>(["no_address", ...SUPPRESSION_REASONS, "no_consent", "landline"])];

/**
 * For the customer aliased `c` on `channel`: its address, the suppression join, and the first
 * reason that stops it short of the duplicate check, in decideRecipients' order (no address,
 * suppressed, no consent, landline for SMS); null when none does. An empty address is none, as
 * in JS. Suppressions are active while not cleared, per channel and address; the join uses the
 * partial unique index, so it finds at most one.
 */
function decided(channel: Channel, c = "c") {
  const address = sql.raw(channel === "email" ? `nullif(${c}.email, '')` : `nullif(${c}.phone, '')`);
  const consent = sql.raw(`${c}.consent_${channel}`);
  const s = sql.raw(`${c}_${channel}_suppression`);
  const landline =
    channel === "sms" ? sql`when (select l.line_type from phone_lookups l where l.phone = ${sql.raw(`${c}.phone`)}) = 'landline' then 'landline'` : sql``;
  return {
    address,
    join: sql`left join suppressions ${s} on ${s}.channel = ${channel} and ${s}.address = ${address} and ${s}.cleared_at is null`,
    pre: sql`case when ${address} is null then 'no_address' when ${s}.reason is not null then ${s}.reason when not ${consent} then 'no_consent' ${landline} end`,
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
  const perChannel = [...new Set(channels)].map((ch) => ({ ch, ...decided(ch) }));
  if (!perChannel.length) return out;
  const columns = perChannel.map(({ ch, address, pre }) => sql`${address} as ${sql.raw(`${ch}_address`)}, ${pre} as ${sql.raw(`${ch}_pre`)}`);
  const counts = perChannel.flatMap(({ ch }) => [
    sql.raw(`sum(${ch}_pre is null) as ${ch}_ok, count(distinct case when ${ch}_pre is null then ${ch}_address end) as ${ch}_addresses`),
    ...PRE_REASONS.map((r) => sql.raw(`sum(${ch}_pre = '${r}') as ${ch}_${r}`)),
  ]);
  // `limit -1 offset 0` keeps the inner select from being flattened into the outer one, which
  // would evaluate each CASE once per aggregate instead of once per customer.
  const [row] = await db.all<Record<string, number | null>>(sql`select count(*) as matched, ${sql.join(counts, sql`, `)} from (
      select ${sql.join(columns, sql`, `)} from customers c ${sql.join(
        perChannel.map((p) => p.join),
        sql` `,
      )} where ${audienceWhere(filters, now, opts)} limit -1 offset 0)`);
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
  const mine = decided(channel, "c");
  let where: SQL;
  if (reason === "duplicate_address") {
    const earlier = decided(channel, "c2");
    // `+c2.id`: the audience is a check on the few customers found by address, not a list to walk.
    const column = sql.raw(channel === "email" ? "email" : "phone");
    where = sql`${mine.pre} is null and exists (
        select 1 from customers c2 ${earlier.join}
        where c2.${column} = c.${column} and c2.id < c.id and ${earlier.pre} is null and ${audienceWhere(filters, now, page, "+c2.id")})`;
  } else {
    where = sql`${mine.pre} = ${reason}`;
  }
  const rows = await db.all<{ id: number; first_name: string; last_name: string; address: string | null }>(
    sql`select c.id as id, c.first_name as first_name, c.last_name as last_name, ${mine.address} as address
      from customers c ${mine.join}
      where ${audienceWhere(filters, now, page)} and ${where}
      order by c.id limit ${page.limit} offset ${page.offset ?? 0}`,
  );
  return rows.map((r) => ({ id: Number(r.id), firstName: r.first_name, lastName: r.last_name, address: r.address }));
}
