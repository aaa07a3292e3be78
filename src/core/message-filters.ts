// Who a one-time message is for (SPEC O3, I3): the recipient filter object, validated once for
// forms and the API, and said back to staff in one sentence. Every key is optional; a list means
// "any of"; keys narrow together (a customer must match all of them).
import { z } from "zod";
import { APPOINTMENT_STATUSES, AUDIENCES, CONDITIONS, JOB_STATUSES, JOB_TYPES } from "./vocabulary.ts";
import { type FieldErrors, fieldErrors, idRef } from "./validation.ts";

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/**
 * The longest list a filter takes. Staff pick from a page and integrations name jobs or chosen
 * customers; a list longer than this is a mistake, and every page that shows the message reads it.
 */
export const MAX_FILTER_LIST = 1000;

/**
 * A list filter. A form sends one value as a plain string and several as an array; blank entries
 * are dropped, and an empty list means the filter is not given (not "match nobody").
 */
const list = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess(
    (v) => {
      if (isBlank(v)) return undefined;
      const xs = (Array.isArray(v) ? v : [v]).filter((x) => !isBlank(x));
      return xs.length ? xs : undefined;
    },
    z
      .array(item, { error: "must be a list" })
      .max(max, `must list at most ${max.toLocaleString("en")} entries`)
      .optional(),
  );

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(", ")}` });

const year = z.preprocess(
  (v) => (typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : v),
  z
    .number({ error: "must be a year like 2026" })
    .int("must be a year like 2026")
    .min(1900, "must be a year like 2026")
    .max(2200, "must be a year like 2026"),
);

/** A calendar day `YYYY-MM-DD` that exists. */
const day = z
  .string({ error: "must be a date like 2026-09-14" })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-09-14")
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
  }, "is not a real calendar date");

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (isBlank(v) ? undefined : v), schema.optional());

const shapeWith = (max: number) => ({
  job_ids: list(idRef, max),
  job_statuses: list(oneOf(JOB_STATUSES), max),
  years: list(year, max),
  album_ids: list(idRef, max),
  job_types: list(oneOf(JOB_TYPES), max),
  /** Within the matching jobs: everyone registered, those without an order, or those with one. */
  audience: optional(oneOf(AUDIENCES)),
  /** Within the matching jobs: whether the customer's photos are available. */
  condition: optional(oneOf(CONDITIONS)),
  appointment_ids: list(idRef, max),
  appointment_statuses: list(oneOf(APPOINTMENT_STATUSES), max),
  /** First and last calendar day (inclusive) of an appointment's start, in the studio's time zone. */
  appointment_from: optional(day),
  appointment_to: optional(day),
  customer_ids: list(idRef, max),
});

const filtersWith = (max: number) => {
  const shape = shapeWith(max);
  return z.preprocess(
    (v, ctx) => {
      // A misspelt key would otherwise be dropped and widen the audience, perhaps to everyone.
      // Own keys only: `in` would let `__proto__` or `constructor` (inherited names) through.
      if (v && typeof v === "object" && !Array.isArray(v)) {
        for (const key of Object.keys(v))
          if (!Object.hasOwn(shape, key))
            ctx.addIssue({ code: "custom", path: [key], message: "is not a recipient filter", input: v });
      }
      return v;
    },
    z
      .object(shape, { error: "must be an object of filters" })
      .refine((f) => !f.appointment_from || !f.appointment_to || f.appointment_from <= f.appointment_to, {
        path: ["appointment_to"],
        message: "must not be before the first day",
      }),
  );
};

/** Filters as forms and the API send them: each list at most MAX_FILTER_LIST long. */
export const messageFilters = filtersWith(MAX_FILTER_LIST);

/**
 * Filters as a message stored them. Messages saved before the cap may hold longer lists, and the
 * sender reads them as they are, so the pages must too: refusing them here would describe (and
 * count) the message as going to all customers.
 */
export const storedMessageFilters = filtersWith(Number.POSITIVE_INFINITY);

export type MessageFilters = z.output<typeof messageFilters>;

/** Validates a message's `filters`; errors are keyed by field path under `filters` (`filters.years.0`). */
export function parseMessageFilters(
  input: unknown,
): { ok: true; filters: MessageFilters } | { ok: false; errors: FieldErrors } {
  const r = z.object({ filters: z.preprocess((v) => v ?? {}, messageFilters) }).safeParse({ filters: input });
  return r.success ? { ok: true, filters: r.data.filters } : { ok: false, errors: fieldErrors(r.error) };
}

/** Whether the filters select by job registration (audience and condition only mean something there). */
export function hasJobFilter(f: MessageFilters): boolean {
  return !!(
    f.job_ids ||
    f.job_statuses ||
    f.years ||
    f.album_ids ||
    f.job_types ||
    (f.audience && f.audience !== "all") ||
    (f.condition && f.condition !== "any")
  );
}

/**
 * The one job a message is about, which gives `{{job.*}}` and `{{album.name}}` their values: the
 * job it was started from, else the one job its filters name; null when it spans several jobs
 * (then each recipient hears about their own, see audienceJobs).
 */
export function messageJob(startedFrom: number | null, f: MessageFilters): number | null {
  return startedFrom ?? (f.job_ids?.length === 1 ? f.job_ids[0]! : null);
}

const JOB_KEYS = ["job_ids", "job_statuses", "years", "album_ids", "job_types", "audience", "condition"] as const;

/** The filters without the ones that select by job registration. */
export function withoutJobFilters(f: MessageFilters): MessageFilters {
  return Object.fromEntries(
    Object.entries(f).filter(([k]) => !(JOB_KEYS as readonly string[]).includes(k)),
  ) as MessageFilters;
}

/** Whether the filters select by appointment. */
export function hasAppointmentFilter(f: MessageFilters): boolean {
  return !!(f.appointment_ids || f.appointment_statuses || f.appointment_from || f.appointment_to);
}

/** Names to print instead of ids; an unknown id is shown as "job #12". */
export type FilterNames = { jobs?: Record<number, string>; albums?: Record<number, string> };

const AUDIENCE_SUBJECT = { all: "Customers", potential_buyers: "Potential buyers", buyers: "Buyers" } as const;
const STATUS_WORDS: Record<(typeof JOB_STATUSES)[number], string> = {
  planning: "planned",
  selling: "selling",
  archived: "archived",
};
const APPOINTMENT_WORDS: Record<(typeof APPOINTMENT_STATUSES)[number], string> = {
  scheduled: "scheduled",
  confirmed: "confirmed",
  cancelled: "cancelled",
  reschedule_requested: "reschedule-requested",
};

const or = (xs: readonly (string | number)[]) =>
  xs.length < 2 ? String(xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} or ${xs.at(-1)}`;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Who the filters select, as one sentence for the compose page and the confirmation:
 * "Potential buyers of Lincoln Elementary (Class 3B) with photos available".
 */
export function describeFilters(f: MessageFilters, names: FilterNames = {}): string {
  const audience = f.audience ?? "all";
  const anyJobPart = hasJobFilter(f);
  const chosen = f.customer_ids && plural(f.customer_ids.length, "chosen customer", "chosen customers");
  if (chosen && !anyJobPart && !hasAppointmentFilter(f)) return chosen[0]!.toUpperCase() + chosen.slice(1);
  let out =
    audience === "all" && !anyJobPart && !hasAppointmentFilter(f) && !f.customer_ids
      ? "All customers"
      : AUDIENCE_SUBJECT[audience];

  if (anyJobPart) {
    const kinds = [f.job_statuses && or(f.job_statuses.map((s) => STATUS_WORDS[s])), f.job_types && or(f.job_types)]
      .filter(Boolean)
      .join(" ");
    const years = f.years ? ` from ${or(f.years)}` : "";
    const albums = f.album_ids ? or(f.album_ids.map((id) => names.albums?.[id] ?? `album #${id}`)) : "";
    if (f.job_ids) {
      out += ` of ${or(f.job_ids.map((id) => names.jobs?.[id] ?? `job #${id}`))}${albums && ` (${albums})`}`;
      if (kinds || years) out += `, if it is a ${kinds ? `${kinds} job` : "job"}${years}`;
    } else if (albums) {
      out += ` of ${albums}${kinds || years ? ` in ${kinds ? `${kinds} jobs` : "jobs"}${years}` : ""}`;
    } else if (kinds || years) {
      out += ` of ${kinds ? `${kinds} jobs` : "jobs"}${years}`;
    } else {
      out += " of any job";
    }
    if (f.condition === "with_photos") out += " with photos available";
    if (f.condition === "without_photos") out += " without photos available";
  }

  if (hasAppointmentFilter(f)) {
    const which = f.appointment_statuses
      ? `${or(f.appointment_statuses.map((s) => APPOINTMENT_WORDS[s]))} appointment`
      : "appointment";
    const article = /^[aeiou]/.test(which) ? "an" : "a";
    const ids = f.appointment_ids
      ? ` (${plural(f.appointment_ids.length, "chosen appointment", "chosen appointments")})`
      : "";
    const range =
      f.appointment_from && f.appointment_to
        ? f.appointment_from === f.appointment_to
          ? ` on ${f.appointment_from}`
          : ` between ${f.appointment_from} and ${f.appointment_to}`
        : f.appointment_from
          ? ` from ${f.appointment_from} on`
          : f.appointment_to
            ? ` until ${f.appointment_to}`
            : "";
    out += `${anyJobPart ? " and" : ""} with ${article} ${which}${ids}${range}`;
  }

  if (chosen) out += `, among ${chosen}`;
  return out;
}
