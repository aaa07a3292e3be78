// Studio settings input (SPEC §3): what the Settings form and the first-run defaults accept.
import { z } from "zod";
import { readCountry } from "./country.ts";
import { isCurrency } from "./money.ts";
import { parsePhone } from "./phone.ts";
import {
  flag,
  isWebAddress,
  optionalEmail,
  optionalIdRef,
  optionalText,
  requiredText,
  timeZone,
} from "./validation.ts";

const hhmm = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time like 09:00");
/** The window may close at 24:00, the end of the day, for round-the-clock sending. */
const closing = z
  .string()
  .trim()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "must be a time like 21:00 (24:00 for the end of the day)");

const wholeNumber = (min: number, max: number, unit: string) =>
  z.preprocess(
    // Only plain decimal digits: Number() would also read "1e1", "0x1e" and "+7" as numbers.
    (v) => (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : v),
    z
      .number({ error: `must be a number of ${unit}` })
      .int(`must be a whole number of ${unit}`)
      .min(min, `must be between ${min} and ${max} ${unit}`)
      .max(max, `must be between ${min} and ${max} ${unit}`),
  );

const optionalUrl = z.preprocess(
  (v) => (typeof v === "string" ? v.trim() : v),
  z
    .string()
    .max(300)
    .refine((v) => v === "" || isWebAddress(v), "must be a web address like https://studio.example.com")
    .optional(),
);

/** Currencies the settings offer first; any other current ISO 4217 currency is accepted too (money.ts). */
export const COMMON_CURRENCIES = [
  "USD",
  "EUR",
  "GBP",
  "CHF",
  "CAD",
  "AUD",
  "NZD",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "JPY",
] as const;

/** Languages of customer pages and built-in texts. */
export const CUSTOMER_LANGUAGES = [
  ["en", "English"],
  ["de", "Deutsch (German)"],
  ["fr", "Français (French)"],
  ["es", "Español (Spanish)"],
] as const;

/** Left out of a post (an older form, a script) is undefined: the stored value stays. */
const given = (normalise: (v: string) => string) => (v: unknown) =>
  v === undefined ? undefined : typeof v === "string" ? normalise(v) : "";

export const country = z.preprocess(
  given((v) => v),
  z.string().transform((v, ctx) => {
    const c = readCountry(v);
    if (!c.ok) ctx.addIssue({ code: "custom", message: v.trim() ? c.problem : "Choose the studio's country" });
    return c.ok ? c.code : z.NEVER;
  }),
);

export const currency = z.preprocess(
  given((v) => v.trim().toUpperCase()),
  z.string().refine(isCurrency, "must be a three-letter ISO 4217 currency code, like USD, EUR or GBP"),
);

export const customerLanguage = z.preprocess(
  given((v) => v.trim().toLowerCase()),
  z
    .string()
    .refine(
      (v) => CUSTOMER_LANGUAGES.some(([code]) => code === v),
      `must be one of ${CUSTOMER_LANGUAGES.map(([c]) => c).join(", ")}`,
    ),
);

/** A number of the studio's own, read in `country`: E.164, nothing else (no extension). */
function studioPhone(v: unknown, country: string): { e164: string } | { problem: string } | null {
  if (typeof v !== "string" || !v.trim()) return null;
  const p = parsePhone(v, country);
  if (!p.ok) return { problem: p.problem };
  return p.extension ? { problem: "must be the number alone, without an extension" } : { e164: p.e164 };
}

const fields = z.object({
  name: requiredText(120, "Studio name"),
  postal_address: optionalText(500),
  /** Read in `country` (see settingsFields). */
  phone: optionalText(60),
  website: optionalUrl,
  brand_color: z
    .string()
    .trim()
    .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #2f6fdf"),
  sender_name: optionalText(120),
  sender_email: optionalEmail,
  reply_to: optionalEmail,
  sms_from: optionalText(60),
  time_zone: timeZone,
  country: country.optional(),
  currency: currency.optional(),
  locale: customerLanguage.optional(),
  send_window_start: hhmm,
  send_window_end: closing,
  stagger_batch_size: wholeNumber(1, 100_000, "messages"),
  stagger_interval_seconds: wholeNumber(1, 86_400, "seconds"),
  overdue_hold_minutes: wholeNumber(0, 10_080, "minutes"),
  late_grace_hours: wholeNumber(0, 720, "hours"),
  sms_help_reply: optionalText(320),
  public_url: optionalUrl,
  default_profile_id: optionalIdRef,
  // Tracking (issue 14). The form marks its Tracking fieldset with `tracking_shown`: there an
  // unticked box (sent as nothing) means off; a post without the fieldset keeps what is stored.
  tracking_shown: z.unknown().optional(),
  track_links: flag.optional(),
  track_opens: flag.optional(),
  attribution_days: wholeNumber(1, 90, "days").optional(),
});

/** Why a link base cannot be used while links must be https (see Config.httpsLinksOnly), or null. */
export function publicUrlProblem(url: string, rules: { httpsLinksOnly: boolean }): string | null {
  if (!rules.httpsLinksOnly || url === "" || /^https:\/\//i.test(url)) return null;
  return "must start with https:// while e-mail goes through Resend: every e-mail's one-click unsubscribe link points at it, and RFC 8058 requires https (ALLOW_HTTP_PUBLIC_URL=true allows http, for local testing only)";
}

/**
 * The studio settings form; `rules` come from the configuration (see Config.httpsLinksOnly) and
 * the stored settings: `country` reads the numbers when the post leaves the country out.
 */
export function settingsFields(rules: { httpsLinksOnly: boolean; country: string }) {
  const readIn = (s: { country?: unknown }) =>
    s.country === undefined ? rules.country : typeof s.country === "string" ? readCountry(s.country) : null;
  return fields
    .superRefine(
      (s, ctx) => {
        // The numbers are read in the country chosen in the same form; with no valid one there, they wait for it.
        const c = readIn(s);
        const where = typeof c === "string" ? c : c?.ok ? c.code : null;
        if (!where) return;
        for (const key of ["phone", "sms_from"] as const) {
          const p = studioPhone(s[key], where);
          if (p && "problem" in p) ctx.addIssue({ code: "custom", path: [key], message: p.problem });
        }
      },
      { when: () => true },
    )
    .superRefine((s, ctx) => {
      if (s.send_window_start >= s.send_window_end) {
        ctx.addIssue({
          code: "custom",
          path: ["send_window_end"],
          message: "must be later than the start of the window",
        });
      }
      const problem = typeof s.public_url === "string" ? publicUrlProblem(s.public_url, rules) : null;
      if (problem) ctx.addIssue({ code: "custom", path: ["public_url"], message: problem });
    })
    .transform(({ tracking_shown, ...s }) => ({
      ...s,
      track_links: tracking_shown !== undefined ? (s.track_links ?? false) : s.track_links,
      track_opens: tracking_shown !== undefined ? (s.track_opens ?? false) : s.track_opens,
      phone: e164Of(studioPhone(s.phone, s.country ?? rules.country)),
      sms_from: e164Of(studioPhone(s.sms_from, s.country ?? rules.country)),
    }));
}

const e164Of = (p: ReturnType<typeof studioPhone>) => (p && "e164" in p ? p.e164 : undefined);

export type SettingsFields = z.output<ReturnType<typeof settingsFields>>;
