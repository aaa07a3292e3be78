// Shared zod building blocks. Forms send strings and the API sends JSON; both pass through
// the same schemas, so a rule is written once and a form and the API reject the same things.
import { z } from "zod";
import { utcMs } from "./send-window.ts";

/** Field path → first problem, the shape forms render beside fields and the API returns (SPEC I3). */
export type FieldErrors = Record<string, string>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.length ? issue.path.join(".") : "_";
    out[path] ??= issue.message;
  }
  return out;
}

// Control characters other than tab, line feed and carriage return. They are refused, not stripped:
// the database driver ends a text at NUL, so "An\0na" was stored as "An", and quietly changing
// what someone typed (or an integration sent) would hide that from them; a clear error lets them
// fix it. Forms, the API and the CSV import share these schemas, so all three refuse alike. Text
// from providers (an SMS reply) cannot be sent again, so it is stripped instead (stripControl).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const CONTROL_ALL = new RegExp(CONTROL.source, "g");
export const CONTROL_PROBLEM = "must not contain control characters (such as NUL); line breaks and tabs are fine";

/** Whether `v` holds no control characters but tab and line breaks. */
export const noControl = (v: string) => !CONTROL.test(v);

/** `v` without control characters (but tab and line breaks), for text we cannot refuse. */
export const stripControl = (v: string) => v.replace(CONTROL_ALL, "");

/** Empty form fields mean "not given". */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const blankToNull = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : v);

/** Text that may be left out; blank or null (the API's "clear it") mean not given. */
export const optionalText = (max: number) =>
  z.preprocess(
    (v) => (v === null ? undefined : blankToUndefined(v)),
    z
      .string({ error: "must be text" })
      .trim()
      .max(max, `must be at most ${max} characters`)
      .refine(noControl, CONTROL_PROBLEM)
      .optional(),
  );

export const requiredText = (max: number, what = "this field") =>
  z.preprocess(
    (v) => (v === undefined || v === null ? "" : v),
    z
      .string({ error: `${what} must be text` })
      .trim()
      .min(1, `${what} is required`)
      .max(max, `must be at most ${max} characters`)
      .refine(noControl, CONTROL_PROBLEM),
  );

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day `YYYY-MM-DD`; blank or null clears it. */
export const optionalDate = z.preprocess(
  blankToNull,
  z
    .string({ error: "must be a date like 2026-09-14" })
    .regex(isoDate, "must be a date like 2026-09-14")
    .refine((v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
    }, "is not a real calendar date")
    // Before 1900 no date here means anything, and JavaScript reads years 0–99 as 1900–1999.
    .refine((v) => v >= "1900", "must be a date from 1900 on")
    .nullable()
    .optional(),
);

// A time and a zone are required: a bare date or a zoneless time would be read as UTC, which
// for a send time or an appointment is hours away from what the sender most likely meant.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-](\d{2}):?(\d{2}))$/i;

/**
 * Whether every part of a matched INSTANT exists. The Date parser quietly rolls `02-30` into
 * March and `T24:00` into the next day, so a typo would be stored as another moment.
 */
function realInstantParts(m: readonly (string | undefined)[]): boolean {
  if (!m.length) return false;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", , , oh = "0", om = "0"] = m;
  // utcMs, not Date.UTC: that reads years 0000–0099 as 1900–1999, so none of them would match.
  const day = new Date(utcMs(Number(y), Number(mo), Number(d)));
  const dateOk =
    day.getUTCFullYear() === Number(y) && day.getUTCMonth() === Number(mo) - 1 && day.getUTCDate() === Number(d);
  return dateOk && Number(h) <= 23 && Number(mi) <= 59 && Number(sec) <= 59 && Number(oh) <= 14 && Number(om) <= 59;
}

/** An instant: ISO 8601 with a time and a zone (`Z` or an offset); a plain date or a zoneless time is refused. */
export const instant = z.preprocess(
  (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : v),
  z
    .string({ error: "must be a date and time like 2026-09-14T09:30:00Z" })
    .refine((v) => INSTANT.test(v), { message: "must be a date and time like 2026-09-14T09:30:00Z", abort: true })
    .refine((v) => realInstantParts(v.match(INSTANT) ?? []), { message: "is not a real date and time", abort: true })
    .transform((v) => new Date(v))
    .refine((d) => !Number.isNaN(d.getTime()), "is not a real date and time"),
);

/**
 * The zone's canonical name if the runtime can show times in it ("europe/berlin" →
 * "Europe/Berlin"), else null. The runtime is the judge because it is what the sending
 * window, the triggers and every formatted date will use the zone with.
 */
export function canonicalTimeZone(tz: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

// Language (ISO 639), then optional script, region and variants. BCP 47 also allows 5–8 letter
// languages and extensions, which would let "English" through as a language nobody speaks.
const LOCALE_SHAPE = /^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|\d{3}))?(-([a-z\d]{5,8}|\d[a-z\d]{3}))*$/i;

/** The tag's canonical form if it is a language tag the runtime accepts ("de-at" → "de-AT"), else null. */
function wellFormedLocale(tag: string): string | null {
  if (!LOCALE_SHAPE.test(tag)) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (!canonical) return null;
    new Intl.DateTimeFormat(canonical);
    new Intl.NumberFormat(canonical);
    return canonical;
  } catch {
    return null;
  }
}

/**
 * The tag's canonical form if the runtime can format dates and numbers in it ("de-at" →
 * "de-AT"), else null. A well-shaped tag is not enough: Intl throws on `en-abc`, and it would
 * throw at send time, inside the dispatcher, for every message to that customer. Nor is a tag
 * Intl accepts: for "zz", "tlh" or "und" it has no data and silently writes English, which
 * would put "October 25, 2026" inside a German text. supportedLocalesOf names those (it keeps
 * "en-ZZ", whose language it has, and drops "zz-DE").
 */
export function canonicalLocale(tag: string): string | null {
  const canonical = wellFormedLocale(tag);
  return canonical && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length > 0 ? canonical : null;
}

const TIME_ZONE = "must be an IANA time zone such as Europe/Berlin";
const LOCALE = "must be a language code like en or de-AT";
const LOCALE_WITHOUT_DATA = "is not a language Pigeon can write dates in (like de, fr-CA)";

/**
 * Trimmed text kept in the form `canonical` gives it; refused with `message` where that is null.
 * A refinement rather than an issue raised in the transform, so that a form's other checks
 * (its cross-field rules) still run and every problem is shown at once.
 */
const canonicalText = (canonical: (v: string) => string | null, message: string, max = 100) =>
  z
    .string({ error: message })
    .trim()
    .max(max, message)
    .refine((v) => canonical(v) !== null, message)
    .transform((v) => canonical(v)!);

/** A time zone the runtime can use, stored by its canonical name. */
export const timeZone = canonicalText(canonicalTimeZone, TIME_ZONE);

export const optionalTimeZone = z.preprocess(blankToNull, timeZone.nullable().optional());

/** A locale (a BCP 47 language tag) the runtime can format dates in, stored in canonical form. */
export const optionalLocale = z.preprocess(
  blankToUndefined,
  canonicalText(wellFormedLocale, LOCALE, 35)
    .refine((v) => canonicalLocale(v) !== null, LOCALE_WITHOUT_DATA)
    .optional(),
);

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "must be at most 254 characters")
  .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an e-mail address like name@example.com")
  .refine(noControl, "must be an e-mail address like name@example.com");

export const optionalEmail = z.preprocess(blankToNull, email.nullable().optional());

/**
 * Whether links can point at `v` (a gallery redirect, the studio's website): an http(s) address with a host, as the
 * URL parser reads it (`http://[bad` starts right and parses as nothing; `http:///x` parses as
 * the host "x", so the host must be written where it belongs).
 */
export function isWebAddress(v: string): boolean {
  if (!/^https?:\/\/[^\s/?#@]/i.test(v) || /\s/.test(v)) return false;
  const url = URL.parse(v);
  return url !== null && (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

/** Checkboxes send "on"; JSON sends booleans; CSV sends yes/no. */
export const flag = z.preprocess(
  (v) => {
    if (typeof v === "boolean") return v;
    if (v === undefined || v === null) return false;
    const s = String(v).trim().toLowerCase();
    // Also in German, French and Spanish: spreadsheets from European studios say ja, oui, sí.
    if (["on", "true", "yes", "y", "1", "x", "ja", "j", "oui", "si", "sí"].includes(s)) return true;
    if (["", "off", "false", "no", "n", "0", "nein", "non"].includes(s)) return false;
    return v;
  },
  z.boolean({ error: "must be yes or no (ja/nein, oui/non, sí/no)" }),
);

/** A positive database id, from a form string or a JSON number. */
export const idRef = z.preprocess(
  (v) => (typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : blankToUndefined(v)),
  z.number({ error: "must be an id (a whole number)" }).int("must be a whole number").positive("must be a positive id"),
);

export const optionalIdRef = z.preprocess(blankToNull, idRef.nullable().optional());

/**
 * A form field that must be given, read by an optional rule: a field left out of the post
 * entirely (an old page, a script) is read as blank. A zod object skips every check of an
 * optional field whose key is absent (the wrapper inherits "optional" from its inner rule), so
 * without `nonoptional` a `.refine` saying "required" never runs and undefined gets through.
 */
export const givenAsBlank = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === undefined || v === null ? "" : v), schema).nonoptional();
