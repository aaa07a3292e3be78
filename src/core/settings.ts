// Studio settings input (SPEC §3): what the Settings form and the first-run defaults accept.
import { z } from "zod";
import { optionalPhone } from "./phone.ts";
import { isWebAddress, optionalEmail, optionalIdRef, optionalText, requiredText, timeZone } from "./validation.ts";

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
    (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v),
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

const fields = z.object({
  name: requiredText(120, "Studio name"),
  postal_address: optionalText(500),
  phone: optionalPhone,
  website: optionalUrl,
  brand_color: z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #2f6fdf"),
  sender_name: optionalText(120),
  sender_email: optionalEmail,
  reply_to: optionalEmail,
  sms_from: optionalPhone,
  time_zone: timeZone,
  send_window_start: hhmm,
  send_window_end: closing,
  stagger_batch_size: wholeNumber(1, 100_000, "messages"),
  stagger_interval_seconds: wholeNumber(1, 86_400, "seconds"),
  overdue_hold_minutes: wholeNumber(0, 10_080, "minutes"),
  late_grace_hours: wholeNumber(0, 720, "hours"),
  sms_help_reply: optionalText(320),
  public_url: optionalUrl,
  default_profile_id: optionalIdRef,
});

/** Why a link base cannot be used while links must be https (see Config.httpsLinksOnly), or null. */
export function publicUrlProblem(url: string, rules: { httpsLinksOnly: boolean }): string | null {
  if (!rules.httpsLinksOnly || url === "" || /^https:\/\//i.test(url)) return null;
  return "must start with https:// while e-mail goes through Resend: every e-mail's one-click unsubscribe link points at it, and RFC 8058 requires https (ALLOW_HTTP_PUBLIC_URL=true allows http, for local testing only)";
}

/** The studio settings form; `rules` come from the configuration (see Config.httpsLinksOnly). */
export function settingsFields(rules: { httpsLinksOnly: boolean }) {
  return fields.superRefine((s, ctx) => {
    if (s.send_window_start >= s.send_window_end) {
      ctx.addIssue({ code: "custom", path: ["send_window_end"], message: "must be later than the start of the window" });
    }
    const problem = typeof s.public_url === "string" ? publicUrlProblem(s.public_url, rules) : null;
    if (problem) ctx.addIssue({ code: "custom", path: ["public_url"], message: problem });
  });
}

export type SettingsFields = z.infer<typeof fields>;
