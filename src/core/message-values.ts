// What a one-time message's placeholders can count on (SPEC T1; issue 9): the keys each
// channel's text cannot do without (used without a fallback), where each value comes from, and
// which of them would be empty for every recipient. Those are refused while composing, naming
// the placeholder; what depends on the recipient is decided per recipient when the message
// starts (src/automation/one-time.ts, and in SQL for the live count) — never sent blank.
import type { Channel } from "./vocabulary.ts";
import { hasAppointmentFilter, hasJobFilter, type MessageFilters } from "./message-filters.ts";
import { isBlank, PLACEHOLDERS, type PlaceholderValues, requiredKeys } from "./placeholders.ts";
import type { FieldErrors } from "./validation.ts";

export type TextField = "subject" | "preheader" | "body" | "sms_body" | "voice_script";
/** A message's texts, one per channel (issue 12): the e-mail's subject, preheader and body, the SMS's, the call's. */
export type MessageText = {
  channels: readonly string[];
  subject: string;
  preheader: string;
  body: string;
  smsBody: string;
  voiceScript: string;
};
const TEXT_FIELDS: readonly TextField[] = ["subject", "preheader", "body", "sms_body", "voice_script"];

const CHANNEL_NAMES: readonly string[] = ["email", "sms", "voice"];

/**
 * The fields that make up the message on `channel`, as the sender reads them
 * (src/dispatch/content.ts): a value only the e-mail uses never keeps anyone from the SMS.
 */
export function channelFields(channel: Channel): TextField[] {
  if (channel === "email") return ["subject", "preheader", "body"];
  if (channel === "sms") return ["sms_body"];
  return ["voice_script"];
}

const fieldText = (m: MessageText, field: TextField) =>
  ({
    subject: m.subject,
    preheader: m.preheader,
    body: m.body,
    sms_body: m.smsBody,
    voice_script: m.voiceScript,
  })[field];

const ONE_TIME_KEYS = new Set(PLACEHOLDERS.filter((p) => p.contexts.includes("one_time_message")).map((p) => p.key));
/** Keys a one-time message can speak of; any other is refused by checkTemplate, so not counted here. */
const checkable = (key: string) => ONE_TIME_KEYS.has(key) || /^snippet\.[a-z0-9_]+$/.test(key);

/** Per chosen channel, the keys its text cannot do without, in order of first use (subject first). */
export function requiredByChannel(m: MessageText): Partial<Record<Channel, string[]>> {
  const out: Partial<Record<Channel, string[]>> = {};
  for (const ch of m.channels) {
    if (!CHANNEL_NAMES.includes(ch)) continue;
    const keys = new Set<string>();
    for (const field of channelFields(ch as Channel))
      for (const key of requiredKeys(fieldText(m, field))) if (checkable(key)) keys.add(key);
    out[ch as Channel] = [...keys];
  }
  return out;
}

/** Per channel, the first key of `required` whose value is blank: what decideRecipients skips on. */
export function missingByChannel(
  required: Partial<Record<Channel, readonly string[]>>,
  values: PlaceholderValues,
): Partial<Record<Channel, string | null>> {
  const out: Partial<Record<Channel, string | null>> = {};
  for (const [ch, keys] of Object.entries(required) as [Channel, string[]][])
    out[ch] = keys.find((k) => isBlank(values[k])) ?? null;
  return out;
}

/**
 * Where a value comes from, which decides when it can be missing: the same for everyone
 * (studio, snippets), the customer, a link (always there for a customer), the job the recipient
 * hears about, their registration in it, the appointment, or nowhere in a one-time message.
 */
export type ValueSource = "shared" | "customer" | "link" | "job" | "registration" | "appointment" | "none";

const REGISTRATION_KEYS = new Set([
  "album.name",
  "customer.access_code",
  "customer.photos_count",
  "customer.gallery_link",
]);

export function valueSource(key: string): ValueSource {
  if (key.startsWith("studio.") || key.startsWith("snippet.")) return "shared";
  if (key.startsWith("links.")) return "link";
  if (key.startsWith("appointment.")) return "appointment";
  if (key.startsWith("job.")) return "job";
  if (REGISTRATION_KEYS.has(key)) return "registration";
  if (key.startsWith("customer.")) return "customer";
  return "none";
}

export type MessageShape = MessageText & { filters: MessageFilters; toAddress: string | null };

export type ValueContext = {
  /** studio.* and snippet.* as every recipient gets them. */
  shared: PlaceholderValues;
  /** The message's one job (messageJob): its name, job.* values and whether it has a gallery; null without one. */
  job: { name: string; values: PlaceholderValues; hasGallery: boolean } | null;
};

const STUDIO_FIELDS: Record<string, string> = {
  "studio.name": "name",
  "studio.address": "postal address",
  "studio.phone": "phone",
  "studio.email": "e-mail address (reply-to or sender)",
  "studio.website": "website",
};
const JOB_FIELDS: Record<string, string> = {
  "job.name": "name",
  "job.type": "type",
  "job.shoot_date": "picture day",
  "job.archive_date": "archive date",
  "job.coupon_deadline": "coupon deadline",
  "job.shipping_deadline": "shipping deadline",
  "job.custom_text": "custom text",
};

const orFallback = (key: string) => `give it a fallback like {{${key} | "…"}}`;

/** Why `key` would be empty for every recipient of the message, or null when a recipient can have it. */
export function emptyForEveryone(key: string, m: MessageShape, ctx: ValueContext): string | null {
  const source = valueSource(key);
  const single = !!m.toAddress;
  if (source === "shared") {
    if (!isBlank(ctx.shared[key])) return null;
    if (key.startsWith("snippet."))
      return `{{${key}}} is empty: the snippet “${key.slice(8)}” has no text. Write it, or ${orFallback(key)}`;
    return `{{${key}}} is empty: set the studio's ${STUDIO_FIELDS[key] ?? key.slice(7)} in Settings, or ${orFallback(key)}`;
  }
  if (source === "none") return `{{${key}}} has no value in a one-time message: ${orFallback(key)}`;
  if (source === "appointment") {
    if (!single && hasAppointmentFilter(m.filters)) return null;
    return `{{${key}}} has no value: this message does not go to appointments. Choose appointments (by status or date) under Recipients, or ${orFallback(key)}`;
  }
  if (source === "job" || source === "registration") {
    // A job can come from the message, the job filters a recipient matched, or their appointment.
    const canHaveJob = !!ctx.job || (!single && (hasJobFilter(m.filters) || hasAppointmentFilter(m.filters)));
    if (!canHaveJob)
      return `{{${key}}} has no value: this message is not about a job. Choose a job under Recipients, or ${orFallback(key)}`;
    if (ctx.job && source === "job" && isBlank(ctx.job.values[key]))
      return `{{${key}}} is empty: ${ctx.job.name} has no ${JOB_FIELDS[key] ?? key.slice(4)}. Set it on the job, or ${orFallback(key)}`;
    if (ctx.job && key === "customer.gallery_link" && !ctx.job.hasGallery)
      return `{{${key}}} is empty: ${ctx.job.name} has no gallery URL. Set it on the job, or ${orFallback(key)}`;
  }
  if (single && source !== "job") {
    const own = m.toAddress!.includes("@") ? "customer.email" : "customer.phone";
    if (key !== own)
      return `{{${key}}} has no value: this message goes to a typed-in address, not a customer. Remove it, or ${orFallback(key)}`;
  }
  return null;
}

/**
 * Per text field the message uses on its channels, the first placeholder it cannot do without
 * that would be empty for every recipient, with why and what to do.
 */
export function messageValueProblems(m: MessageShape, ctx: ValueContext): FieldErrors {
  const errors: FieldErrors = {};
  const used = new Set(
    m.channels.filter((ch) => CHANNEL_NAMES.includes(ch)).flatMap((ch) => channelFields(ch as Channel)),
  );
  for (const field of TEXT_FIELDS) {
    if (!used.has(field)) continue;
    for (const key of requiredKeys(fieldText(m, field))) {
      const why = checkable(key) ? emptyForEveryone(key, m, ctx) : null;
      if (why) {
        errors[field] = why;
        break;
      }
    }
  }
  return errors;
}
