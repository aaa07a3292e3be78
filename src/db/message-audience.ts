// Who a one-time message reaches (SPEC O3): the customers its filters select, and per channel
// how many will receive it and why the others will not. The counting happens in SQL so the
// compose page can show a live count over a million customers; the rules are those of
// decideRecipients (src/core/recipients.ts) as the start applies them (src/automation/one-time.ts)
// — who has no value the text cannot do without included — in the same order, and a test holds
// them equal. A message filtered by appointment goes to each matching appointment: its rows
// are (customer, appointment) pairs.
import { type SQL, sql } from "drizzle-orm";
import { hasAppointmentFilter, hasJobFilter, type MessageFilters, withoutJobFilters } from "../core/message-filters.ts";
import { valueSource } from "../core/message-values.ts";
import { isBlank, type PlaceholderValues } from "../core/placeholders.ts";
import { missingReason, SKIP_REASONS, type SkipReason } from "../core/recipients.ts";
import { startOfZonedDay } from "../core/send-window.ts";
import type { Db } from "./client.ts";
import { ftsQuery } from "./customers.ts";
import { inJson } from "./in-json.ts";
import { type Channel, SUPPRESSION_REASONS } from "../core/vocabulary.ts";

export type AudienceOptions = {
  /** The zone the appointment date range is read in (the studio's); UTC when not given. */
  timeZone?: string;
};

/**
 * `matched` and `willReceive` count customers, or for a message to appointments appointments
 * (one message each), then `customers` says of how many customers.
 */
export type ChannelSummary = {
  matched: number;
  willReceive: number;
  excluded: Record<SkipReason, number>;
  customers?: number;
};

export type ExcludedCustomer = {
  id: number;
  firstName: string;
  lastName: string;
  address: string | null;
  appointment?: { id: number; startsAt: Date };
};

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
  return startOfZonedDay(
    { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() },
    timeZone,
  ).getTime();
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
  if (f.album_ids && f.job_ids) {
    // The jobs find the rows; the albums only narrow them. Through the (job, album) index SQLite
    // would look up every pair of the two lists: a message stored before lists were capped, with
    // 100,000 of each, never finished its count.
    reg.push(inList(sql`+r.album_id`, f.album_ids));
  } else if (f.album_ids) {
    // An album lies in one job: naming that job lets the (job, album) index find the rows.
    reg.push(
      inList(sql`r.album_id`, f.album_ids),
      sql`r.job_id in (select al.job_id from albums al where ${inList(sql`al.id`, f.album_ids)})`,
    );
  }
  const ordered = sql`exists (select 1 from orders o where o.job_id = r.job_id and o.customer_id = r.customer_id)`;
  if (f.audience === "potential_buyers") reg.push(sql`not ${ordered}`);
  if (f.audience === "buyers") reg.push(ordered);
  if (f.condition === "with_photos") reg.push(sql`r.photos_available_at <= ${now.getTime()}`);
  if (f.condition === "without_photos")
    reg.push(sql`(r.photos_available_at is null or r.photos_available_at > ${now.getTime()})`);
  return reg;
}

/** The terms the appointment filters put on an appointment aliased `alias`. */
function appointmentTerms(f: MessageFilters, opts: AudienceOptions, alias = "a"): SQL[] {
  const zone = opts.timeZone ?? "UTC";
  const a = (column: string) => sql.raw(`${alias}.${column}`);
  const appt: SQL[] = [];
  if (f.appointment_ids) appt.push(inList(a("id"), f.appointment_ids));
  if (f.appointment_statuses) appt.push(inList(a("status"), f.appointment_statuses));
  if (f.appointment_from) appt.push(sql`${a("starts_at")} >= ${dayStart(f.appointment_from, zone)}`);
  if (f.appointment_to) appt.push(sql`${a("starts_at")} < ${dayStart(f.appointment_to, zone, 1)}`);
  return appt;
}

/**
 * The condition the filters put on the customer whose id column is `customerId`; `1` when they
 * select everyone. Job filters pick registrations (registrationTerms), appointment filters pick
 * appointments, all terms on the same appointment. Each kind is a set the planner builds once
 * and drives the customer lookups from, in id order. `appointments: false` leaves the
 * appointment terms to a join that reads each matching appointment as a row of its own.
 */
function audienceWhere(
  f: MessageFilters,
  now: Date,
  opts: AudienceOptions,
  customerId = "c.id",
  appointments = true,
): SQL {
  const id = sql.raw(customerId);
  const terms: SQL[] = [];
  if (hasJobFilter(f))
    terms.push(sql`${id} in (select r.customer_id from registrations r where ${and(registrationTerms(f, now))})`);
  if (appointments && hasAppointmentFilter(f))
    terms.push(sql`${id} in (select a.customer_id from appointments a where ${and(appointmentTerms(f, opts))})`);
  if (f.customer_ids) terms.push(inList(id, f.customer_ids));
  return and(terms);
}

/**
 * The ids (ascending) of the customers the filters select; no filters select every customer.
 * With `limit`, one page of them: those after `afterId`.
 */
export async function audienceCustomerIds(
  db: Db,
  filters: MessageFilters,
  now: Date,
  opts: AudienceOptions & { afterId?: number; limit?: number } = {},
): Promise<number[]> {
  const after = opts.afterId !== undefined ? sql` and c.id > ${opts.afterId}` : sql``;
  const limit = opts.limit !== undefined ? sql` limit ${opts.limit}` : sql``;
  const rows = await db.all<{ id: number }>(
    sql`select c.id as id from customers c where ${audienceWhere(filters, now, opts)}${after} order by c.id${limit}`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * For a message about several jobs, the job each selected customer hears about: of the jobs in
 * which the job filters match one of their registrations, the first by id, so `{{job.name}}` and
 * `{{album.name}}` are theirs. Empty when the filters do not select by job.
 */
export async function audienceJobs(
  db: Db,
  filters: MessageFilters,
  now: Date,
  opts: AudienceOptions = {},
): Promise<Map<number, number>> {
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
export async function audienceSize(
  db: Db,
  filters: MessageFilters,
  now: Date,
  opts: AudienceOptions = {},
): Promise<number> {
  const [row] = await db.all<{ n: number }>(
    sql`select count(*) as n from customers c where ${audienceWhere(filters, now, opts)}`,
  );
  return Number(row?.n ?? 0);
}

/** How many of the customers the filters select have each stored language, most first. */
export async function audienceLocales(
  db: Db,
  filters: MessageFilters,
  now: Date,
  opts: AudienceOptions = {},
): Promise<{ locale: string; n: number }[]> {
  const rows = await db.all<{ locale: string; n: number }>(
    sql`select c.locale as locale, count(*) as n from customers c where ${audienceWhere(filters, now, opts)} group by c.locale order by n desc`,
  );
  return rows.map((r) => ({ locale: String(r.locale), n: Number(r.n) }));
}

export type AudienceMember = {
  id: number;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
};

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
  const rows = await db.all<{
    id: number;
    first_name: string;
    last_name: string;
    email: string | null;
    phone: string | null;
  }>(
    sql`select c.id as id, c.first_name as first_name, c.last_name as last_name, c.email as email, c.phone as phone
      from customers c where ${and(terms)} order by c.id limit ${page.limit}`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    phone: r.phone,
  }));
}

/**
 * For a message to appointments (its filters select by appointment), the matching appointments
 * of the given customers, by customer then id: each is a message of its own.
 */
export async function audienceAppointments(
  db: Db,
  filters: MessageFilters,
  customerIds: number[],
  opts: AudienceOptions = {},
): Promise<AudienceAppointment[]> {
  if (!customerIds.length || !hasAppointmentFilter(filters)) return [];
  const rows = await db.all<{ id: number; customer_id: number; job_id: number | null; starts_at: number }>(
    sql`select a.id as id, a.customer_id as customer_id, a.job_id as job_id, a.starts_at as starts_at from appointments a
      where ${and([...appointmentTerms(filters, opts), inJson(sql`a.customer_id`, customerIds)])} order by a.customer_id, a.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    customerId: Number(r.customer_id),
    jobId: r.job_id === null ? null : Number(r.job_id),
    startsAt: new Date(Number(r.starts_at)),
  }));
}

export type AudienceAppointment = { id: number; customerId: number; jobId: number | null; startsAt: Date };

/** The reasons decideRecipients can give before its duplicate check. */
const PRE_REASONS = [...new Set<SkipReason>(["no_address", ...SUPPRESSION_REASONS, "no_consent", "landline"])];

/**
 * What the message's text needs of each recipient (src/core/message-values.ts): a recipient
 * without a value for one of these keys is skipped as `missing:<key>`, after the reasons of
 * customer_reach and before the duplicate check, as decideRecipients does.
 */
export type AudienceNeeds = {
  /** Per channel, the keys its text cannot do without, in order of first use. */
  required: Partial<Record<Channel, readonly string[]>>;
  /** The message's one job (messageJob), which every recipient hears about. */
  jobId: number | null;
  /** studio.* and snippet.* as every recipient gets them. */
  shared: PlaceholderValues;
};

// What String.prototype.trim() removes, so "blank" means in SQL what it means to the fill.
const JS_SPACE = sql.raw(
  `char(${[9, 10, 11, 12, 13, 32, 160, 5760, ...Array.from({ length: 11 }, (_, i) => 8192 + i), 8232, 8233, 8239, 8287, 12288, 65279].join(", ")})`,
);
const blank = (column: string) => sql`trim(coalesce(${sql.raw(column)}, ''), ${JS_SPACE}) = ''`;

/**
 * The rows of an audience as the SQL below reads them, with aliases suffixed by `s`: `x`
 * (customer_reach), `c` (customers, joined when a key or the caller needs it), and for a message
 * to appointments `ap`, one row per matching appointment. The job each row hears about is the
 * message's, else the one its job filters matched first (as audienceJobs), else the
 * appointment's; `mj`, `mr` and `ma` are that job, the registration in it and its album,
 * joined only when a key needs them. `skip(channel)` is the first reason the row is not sent
 * to short of the duplicate check: customer_reach's, else `missing:<key>`.
 */
export function rowScope(
  f: MessageFilters,
  now: Date,
  opts: AudienceOptions,
  needs: AudienceNeeds | undefined,
  s = "",
  customerJoined = false,
  mode: ScopeMode = {},
) {
  const [x, c, ap, mj, mr, ma] = ["x", "c", "ap", "mj", "mr", "ma"].map((a) => `${a}${s}`) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const perAppointment = hasAppointmentFilter(f);
  const grouped = !!mode.grouped && hasJobFilter(f) && !perAppointment;
  const jobFrom = needs?.jobId ? "message" : hasJobFilter(f) ? "registration" : perAppointment ? "appointment" : null;
  const use = { customer: false, job: false, registration: false, album: false };
  /** SQL true when the key has no value for the row; `true` for every row; null when it always has one. */
  const blankFor = (key: string): SQL | true | null => {
    switch (valueSource(key)) {
      case "shared":
        return isBlank(needs?.shared[key]) ? true : null;
      case "none":
        return true;
      case "link":
        return null;
      case "appointment":
        if (!perAppointment) return true;
        return key === "appointment.location" ? blank(`${ap}.location`) : null;
      case "customer": {
        // Names are marked in customer_reach (migration 0008), so the count reads no customer row.
        if (key === "customer.first_name") return sql.raw(`(${x}.blank_names & 1) != 0`);
        if (key === "customer.last_name") return sql.raw(`(${x}.blank_names & 2) != 0`);
        if (key === "customer.name") return sql.raw(`${x}.blank_names = 3`);
        use.customer = true;
        return blank(`${c}.${key.slice(9)}`);
      }
      case "job": {
        if (!jobFrom) return true;
        // Every row matched through the job filters has a job, and a job always has a name and
        // a type (required on every way in): nothing to look up for those.
        if (jobFrom === "registration" && (key === "job.name" || key === "job.type")) return null;
        use.job = true;
        const column = `${mj}.${key.slice(4)}`;
        // Dates are ISO days or null: an empty one formats as nothing, any other as a date.
        return key.endsWith("_date") || key.endsWith("_deadline")
          ? sql`coalesce(${sql.raw(column)}, '') = ''`
          : blank(column);
      }
      case "registration": {
        if (!jobFrom) return true;
        use.registration = true;
        if (key === "album.name") {
          use.album = true;
          return blank(`${ma}.name`);
        }
        if (key === "customer.access_code") return blank(`${mr}.access_code`);
        if (key === "customer.photos_count") return sql.raw(`${mr}.id is null`);
        use.job = true;
        return sql.raw(`(${mr}.id is null or coalesce(${mj}.gallery_url, '') = '')`);
      }
    }
  };
  const missing = new Map<Channel, { key: string; when: SQL | true }[]>();
  for (const [ch, keys] of Object.entries(needs?.required ?? {}) as [Channel, string[]][]) {
    const list: { key: string; when: SQL | true }[] = [];
    for (const key of keys) {
      const when = blankFor(key);
      if (when === null) continue;
      list.push({ key, when });
      // Nothing after a key blank for everyone can come first.
      if (when === true) break;
    }
    missing.set(ch, list);
  }
  if (jobFrom === "registration" && (use.job || (mode.job && !grouped))) use.registration = true;

  const joins: SQL[] = [];
  if (use.customer && !customerJoined) joins.push(sql.raw(`join customers ${c} on ${c}.id = ${x}.customer_id`));
  const jobId = jobFrom === "message" ? sql`${needs!.jobId}` : sql.raw(`${ap}.job_id`);
  if (use.registration) {
    if (grouped) {
      // The registration of the job the rows were grouped by (the (job, customer) index).
      joins.push(
        sql.raw(
          `left join registrations ${mr} on ${mr}.job_id = mq${s}.job_id and ${mr}.customer_id = mq${s}.customer_id`,
        ),
      );
    } else if (jobFrom === "registration") {
      // The registration audienceJobs picks: the first matching job of this customer's.
      // By the customer's own few registrations: the (job, customer) index would try every matching job.
      joins.push(sql`left join registrations ${sql.raw(mr)} on ${sql.raw(mr)}.id = (select r.id from registrations r indexed by registrations_customer_idx
        where r.customer_id = ${sql.raw(x)}.customer_id and ${and(registrationTerms(f, now))} order by r.job_id limit 1)`);
    } else {
      joins.push(
        sql`left join registrations ${sql.raw(mr)} on ${sql.raw(mr)}.job_id = ${jobId} and ${sql.raw(mr)}.customer_id = ${sql.raw(x)}.customer_id`,
      );
    }
  }
  if (use.job)
    joins.push(
      sql`left join jobs ${sql.raw(mj)} on ${sql.raw(mj)}.id = ${jobFrom === "registration" ? sql.raw(`${mr}.job_id`) : jobId}`,
    );
  if (use.album) joins.push(sql.raw(`left join albums ${ma} on ${ma}.id = ${mr}.album_id`));

  const range = (column: string): SQL[] => [
    ...(mode.range?.after !== undefined ? [sql`${sql.raw(column)} > ${mode.range.after}`] : []),
    ...(mode.range?.upTo !== undefined ? [sql`${sql.raw(column)} <= ${mode.range.upTo}`] : []),
  ];
  let from: SQL;
  let where: SQL;
  if (grouped) {
    // The customers of the matching registrations, each with the first job it matched in, read
    // from the (job, customer) index (a range of customers reads only its part of it).
    from = sql`from (select r.customer_id as customer_id, min(r.job_id) as job_id from registrations r
      where ${and([...registrationTerms(f, now), ...range("r.customer_id")])} group by r.customer_id) ${sql.raw(`mq${s}`)}
      join customer_reach ${sql.raw(x)} on ${sql.raw(x)}.customer_id = ${sql.raw(`mq${s}`)}.customer_id`;
    where = and([audienceWhere(withoutJobFilters(f), now, opts, `${x}.customer_id`)]);
  } else if (perAppointment) {
    from = sql`from appointments ${sql.raw(ap)} cross join customer_reach ${sql.raw(x)} on ${sql.raw(x)}.customer_id = ${sql.raw(ap)}.customer_id`;
    where = and([
      ...appointmentTerms(f, opts, ap),
      audienceWhere(f, now, opts, `${x}.customer_id`, false),
      ...range(`${x}.customer_id`),
    ]);
  } else {
    from = sql`from customer_reach ${sql.raw(x)}`;
    where = and([audienceWhere(f, now, opts, `${x}.customer_id`), ...range(`${x}.customer_id`)]);
  }
  const jobOf: Record<string, SQL> = {
    message: sql`${needs?.jobId ?? null}`,
    registration: sql.raw(grouped ? `mq${s}.job_id` : `${mr}.job_id`),
    appointment: sql.raw(`${ap}.job_id`),
  };

  return {
    perAppointment,
    /** `from …` starting at customer_reach (or at the appointments, for a message to appointments). */
    from,
    joins: sql.join(joins, sql` `),
    where,
    /** With `mode.job`: the job the row hears about (null when none); without, only where a key needed it. */
    job: jobFrom ? jobOf[jobFrom]! : sql`null`,
    /** The `missing:<key>` reasons the rows can have on `channel`, in order. */
    missingReasons: (ch: Channel) => (missing.get(ch) ?? []).map((m) => missingReason(m.key)),
    /** The first `missing:<key>` of the row on `channel`, null when it has every value; null SQL when no key can be missing. */
    missing(ch: Channel): SQL | null {
      const list = missing.get(ch) ?? [];
      if (!list.length) return null;
      return sql`case ${sql.join(
        list.map((m) => sql`when ${m.when === true ? sql`1` : m.when} then ${missingReason(m.key)}`),
        sql` `,
      )} end`;
    },
    skip(ch: Channel): SQL {
      const own = reach(ch, x).skip;
      const missing = this.missing(ch);
      return missing ? sql`coalesce(${own}, ${missing})` : own;
    },
  };
}

/**
 * How the start reads the rows (src/db/audience-start.ts): `grouped` drives a message chosen by
 * job from the matching registrations grouped by customer (the job each hears about comes with
 * them), `range` takes the customers with ids in (after, upTo], `job` joins what `job` needs.
 */
export type ScopeMode = { grouped?: boolean; range?: { after?: number; upTo?: number }; job?: boolean };

/**
 * The customer_reach columns of `channel` on the row aliased `x` (migration 0007): the number of
 * the customer's address and the first reason, in decideRecipients' order, that stops a
 * marketing message short of the duplicate check; null when none does. Calls go to the phone.
 */
export function reach(channel: Channel, x = "x") {
  return {
    address: sql.raw(`${x}.${channel === "email" ? "email" : "sms"}_address`),
    skip: sql.raw(`${x}.${channel}_skip`),
  };
}

const emptyExcluded = () => Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;

/**
 * Per channel: how many the filters match, how many will receive the message, and how many will
 * not, by reason. One-time messages are marketing, so consent is required. Among those who pass
 * every other rule the first customer (by id) with an address gets it and the others are
 * duplicates, as many as such customers minus their distinct addresses. A message to
 * appointments counts appointments (`customers` says of how many): each is a message of its
 * own, so none is a duplicate. With `needs`, a recipient without a value the text cannot do
 * without is counted as `missing:<key>` (only keys that can be blank cost anything). One pass
 * over the matched rows serves every channel.
 */
export async function audienceSummary<C extends Channel>(
  db: Db,
  filters: MessageFilters,
  channels: readonly C[],
  now: Date,
  opts: AudienceOptions & { needs?: AudienceNeeds } = {},
): Promise<Record<C, ChannelSummary>> {
  const out = {} as Record<C, ChannelSummary>;
  const rows = rowScope(filters, now, opts, opts.needs);
  const perChannel = [...new Set(channels)].map((ch) => {
    const { address, skip: own } = reach(ch);
    const missing = rows.missing(ch);
    // customer_reach's reasons come first and are read as they are; the values are looked at
    // only for the rows it lets through, once per count that needs them.
    const ok = missing ? sql`${own} is null and ${missing} is null` : sql`${own} is null`;
    return { ch, address, own, missing, ok, missingReasons: rows.missingReasons(ch) };
  });
  if (!perChannel.length) return out;
  // `count(*) filter` skips the aggregate step for the rows it does not count, which `sum(a = b)`
  // cannot: measurably faster with a dozen counts over a hundred thousand rows.
  const reasons = (ch: { missingReasons: string[] }) => [...PRE_REASONS, ...ch.missingReasons];
  const counts = perChannel.flatMap((ch) => [
    sql`count(*) filter (where ${ch.ok}) as ${sql.raw(`${ch.ch}_ok`)}`,
    ...(rows.perAppointment
      ? []
      : [sql`count(distinct ${ch.address}) filter (where ${ch.ok}) as ${sql.raw(`${ch.ch}_addresses`)}`]),
    ...PRE_REASONS.map((r, i) => sql`count(*) filter (where ${ch.own} = ${r}) as ${sql.raw(`${ch.ch}_r${i}`)}`),
    ...ch.missingReasons.map(
      (r, i) =>
        sql`count(*) filter (where ${ch.own} is null and ${ch.missing} = ${r}) as ${sql.raw(`${ch.ch}_r${PRE_REASONS.length + i}`)}`,
    ),
  ]);
  const customers = rows.perAppointment ? sql`, count(distinct x.customer_id) as customers` : sql``;
  const [row] = await db.all<Record<string, number | null>>(
    sql`select count(*) as matched${customers}, ${sql.join(counts, sql`, `)} ${rows.from} ${rows.joins} where ${rows.where}`,
  );
  const n = (key: string) => Number(row?.[key] ?? 0);
  for (const ch of perChannel) {
    const excluded = emptyExcluded();
    for (const [i, r] of reasons(ch).entries())
      if (!r.startsWith("missing:") || n(`${ch.ch}_r${i}`) > 0) excluded[r as SkipReason] = n(`${ch.ch}_r${i}`);
    // A message per appointment is never a duplicate: each says something of its own.
    const willReceive = rows.perAppointment ? n(`${ch.ch}_ok`) : n(`${ch.ch}_addresses`);
    excluded.duplicate_address = n(`${ch.ch}_ok`) - willReceive;
    const summary: ChannelSummary = { matched: n("matched"), willReceive, excluded };
    if (rows.perAppointment) summary.customers = n("customers");
    out[ch.ch] = summary;
  }
  return out;
}

/**
 * The customers behind one excluded count of audienceSummary, by id (and appointment), a page
 * at a time. A duplicate is a customer who passes every other rule while a customer with a
 * lower id, also matched and passing them, has the same address.
 */
export async function excludedCustomers(
  db: Db,
  filters: MessageFilters,
  channel: Channel,
  reason: SkipReason,
  now: Date,
  page: AudienceOptions & { limit: number; offset?: number; needs?: AudienceNeeds },
): Promise<ExcludedCustomer[]> {
  const rows = rowScope(filters, now, page, page.needs, "", true);
  const column = sql.raw(channel === "email" ? "email" : "phone");
  let where: SQL;
  if (reason === "duplicate_address") {
    if (rows.perAppointment) return [];
    const earlier = rowScope(filters, now, page, page.needs, "2", true);
    // `+c2.id`: the audience is a check on the few customers found by address, not a list to walk.
    where = sql`${rows.skip(channel)} is null and exists (
        select 1 from customers c2 join customer_reach x2 on x2.customer_id = c2.id ${earlier.joins}
        where c2.${column} = c.${column} and c2.id < c.id and ${earlier.skip(channel)} is null and ${audienceWhere(filters, now, page, "+c2.id")})`;
  } else {
    where = sql`${rows.skip(channel)} = ${reason}`;
  }
  const appointment = rows.perAppointment ? sql`, ap.id as appointment_id, ap.starts_at as starts_at` : sql``;
  const result = await db.all<{
    id: number;
    first_name: string;
    last_name: string;
    address: string | null;
    appointment_id?: number;
    starts_at?: number;
  }>(
    sql`select c.id as id, c.first_name as first_name, c.last_name as last_name, nullif(c.${column}, '') as address${appointment}
      ${rows.from} join customers c on c.id = x.customer_id ${rows.joins}
      where ${rows.where} and ${where}
      order by x.customer_id${rows.perAppointment ? sql`, ap.id` : sql``} limit ${page.limit} offset ${page.offset ?? 0}`,
  );
  return result.map((r) => {
    const found: ExcludedCustomer = {
      id: Number(r.id),
      firstName: r.first_name,
      lastName: r.last_name,
      address: r.address,
    };
    if (r.appointment_id != null)
      found.appointment = { id: Number(r.appointment_id), startsAt: new Date(Number(r.starts_at)) };
    return found;
  });
}
