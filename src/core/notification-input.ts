// A notification as staff and integrations write it (SPEC P3, P4, I3): one zod schema for the
// field shapes, the rules between fields (which audiences and channels a trigger allows, what
// an offset and a time of day mean for it, placeholders its context offers), the form's way of
// spelling the same thing, and the sentence the profile page reads out. Pure: no database.
import { imageProblem } from "./email-images.ts";
import { z } from "zod";
import { AUDIENCES, CHANNELS, CONDITIONS, TRIGGERS } from "./vocabulary.ts";
import { CHANNEL_LABELS } from "./labels.ts";
import { imageSlotProblem } from "./image-slot.ts";
import { checkTemplate, contextForTrigger } from "./placeholders.ts";
import { type Audience, type Condition, TRIGGER_INFO, type Trigger, timeOfDay } from "./triggers.ts";
import { type SmsSaveCheck, smsLineBreaks, smsTemplateLengthProblem } from "./sms-text.ts";
import { CONTROL_PROBLEM, type FieldErrors, flag, noControl } from "./validation.ts";

type Channel = (typeof CHANNELS)[number];

/** A notification ready to store (camelCase, as the notifications table has it). */
export type NotificationInput = {
  trigger: Trigger;
  offsetDays: number;
  offsetHours: number;
  timeOfDay: string;
  audience: Audience;
  condition: Condition;
  channel: Channel;
  subject: string;
  /** An e-mail's preview line (the line an inbox shows after the subject); empty for other channels. */
  preheader?: string;
  /** The channel's text: an e-mail's Markdown, an SMS's plain text, a call's script. */
  body: string;
  active: boolean;
};

export type ParsedNotification = { ok: true; value: NotificationInput } | { ok: false; errors: FieldErrors };

export const MAX_OFFSET_DAYS = 365;
export const MAX_OFFSET_HOURS = 720;
export const MAX_SUBJECT = 300;
/** The most a text may hold per channel: Twilio refuses SMS over 1,600 characters (21617). */
export const MAX_BODY: Record<Channel, number> = { email: 50_000, sms: 1_600, voice: 4_000 };
/**
 * A preheader (the line an inbox shows after the subject) longer than this is cut off by every
 * inbox anyway (Gmail shows about 100 characters, Apple Mail up to 140), so it is refused.
 */
export const MAX_PREHEADER = 150;

/** Why a preheader as typed cannot be used, or null: one line, at most MAX_PREHEADER characters. */
export function preheaderProblem(text: string): string | null {
  if (/[\r\n]/.test(text.trim())) return "must be one line";
  if (text.trim().length > MAX_PREHEADER)
    return `must be at most ${MAX_PREHEADER} characters (inboxes show about 100); this one has ${text.trim().length}`;
  return null;
}

const AUDIENCE_WORDS: Record<Audience, string> = {
  all: "all customers",
  potential_buyers: "potential buyers",
  buyers: "buyers",
};

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

const wholeNumber = z.preprocess(
  (v) => (blank(v) ? undefined : typeof v === "string" ? Number(v.trim()) : v),
  z.number({ error: "must be a whole number" }).int("must be a whole number").optional(),
);

const text = (max: number) =>
  z.preprocess(
    (v) => (v === undefined || v === null ? "" : v),
    z
      .string({ error: "must be text" })
      .max(max, `must be at most ${max.toLocaleString("en")} characters`)
      .refine(noControl, CONTROL_PROBLEM),
  );

/** Each field on its own, so one bad field never hides the problems of the others. */
const FIELDS = {
  trigger: z.enum(TRIGGERS, { error: `must be one of ${TRIGGERS.join(", ")}` }),
  offset_days: wholeNumber,
  offset_hours: wholeNumber,
  time_of_day: z.preprocess(
    (v) => (blank(v) ? "immediately" : v),
    z.string({ error: 'must be "immediately" or a time like 09:00' }).pipe(timeOfDay),
  ),
  audience: z.preprocess(
    (v) => (blank(v) ? undefined : v),
    z.enum(AUDIENCES, { error: `must be one of ${AUDIENCES.join(", ")}` }).optional(),
  ),
  condition: z.preprocess(
    (v) => (blank(v) ? "any" : v),
    z.enum(CONDITIONS, { error: `must be one of ${CONDITIONS.join(", ")}` }),
  ),
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` }),
  subject: text(MAX_SUBJECT),
  preheader: text(MAX_SUBJECT),
  body: text(MAX_BODY.email),
  // The API leaves it out to mean "on"; the form always says (see notificationFormInput).
  active: z.preprocess((v) => (v === undefined ? true : v), flag),
} as const;

const BASE = z.object(FIELDS);
type Fields = z.output<typeof BASE>;

const plural = (n: number, unit: string) => `${n} ${n === 1 ? unit.replace(/s$/, "") : unit}`;

/** The audiences a trigger allows, in words: "potential buyers", "all customers, potential buyers or buyers". */
export function allowedAudiencesText(trigger: Trigger): string {
  const words = TRIGGER_INFO[trigger].audiences.map((a) => `${AUDIENCE_WORDS[a]} ("${a}")`);
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words.at(-1)}` : words[0]!;
}

/** The rules between fields; `v` holds the fields that passed on their own. */
function crossFieldErrors(v: Partial<Fields>, snippetKeys: readonly string[], sms: SmsSaveCheck = {}): FieldErrors {
  const errors: FieldErrors = {};
  const trigger = v.trigger;
  if (!trigger) return errors;
  const info = TRIGGER_INFO[trigger];
  const days = v.offset_days ?? 0;
  const hours = v.offset_hours ?? 0;

  if (info.unit === "days" && hours !== 0) {
    errors.offset_hours = `“${info.label}” counts in days: use offset_days (only appointment triggers count in hours)`;
  }
  if (info.direction === "either") {
    if (Math.abs(days) > MAX_OFFSET_DAYS)
      errors.offset_days = `must be between -${MAX_OFFSET_DAYS} (before) and ${MAX_OFFSET_DAYS} (after) days`;
  } else if (days < 0) {
    errors.offset_days = `must be 0 or more: “${info.label}” always counts ${info.direction === "before" ? "before" : "after"} its moment`;
  } else if (days > MAX_OFFSET_DAYS) {
    errors.offset_days = `must be at most ${MAX_OFFSET_DAYS} days`;
  }
  if (info.unit === "hours" && (hours < 0 || hours > MAX_OFFSET_HOURS))
    errors.offset_hours ??= `must be between 0 and ${MAX_OFFSET_HOURS} hours`;

  if (v.time_of_day !== undefined) {
    if (info.anchor === "job_date" && v.time_of_day === "immediately") {
      errors.time_of_day = `“${info.label}” goes out at a time of day: choose 09:00 (morning), 18:00 (evening) or an exact time`;
    } else if (info.unit === "hours" && v.time_of_day !== "immediately" && days === 0) {
      errors.time_of_day =
        "A time of day only applies when counting in days; an offset in hours goes exactly that long from the appointment";
    }
  }

  if (v.audience && !info.audiences.includes(v.audience)) {
    errors.audience =
      `“${info.label}” goes only to ${allowedAudiencesText(trigger)}. ${info.audienceNote ?? ""}`.trim();
  }

  if (v.channel && !info.channels.includes(v.channel)) {
    errors.channel =
      v.channel === "voice"
        ? `Voice calls are only for appointment triggers; “${info.label}” can be sent by e-mail or SMS`
        : `“${info.label}” cannot be sent by ${CHANNEL_LABELS[v.channel]}`;
  }

  const context = contextForTrigger(trigger);
  const templateErrors = (value: string) =>
    checkTemplate(value, context, snippetKeys)
      .map((e) => e.message)
      .join("; ");
  if (v.channel === "email" && v.subject !== undefined) {
    const subject = v.subject.trim();
    if (!subject) errors.subject = "An e-mail needs a subject";
    else if (/[\r\n]/.test(subject)) errors.subject = "must be one line";
    else if (templateErrors(subject)) errors.subject = templateErrors(subject);
  }
  if (v.channel && v.channel !== "email" && v.preheader?.trim())
    errors.preheader = `only an e-mail has a preheader; ${CHANNEL_LABELS[v.channel]} shows none: leave it out`;
  if (v.channel === "email" && v.preheader?.trim()) {
    const preheader = v.preheader.trim();
    const problem = preheaderProblem(preheader) ?? templateErrors(preheader);
    if (problem) errors.preheader = problem;
  }
  if (v.body !== undefined && v.channel) {
    const body = v.body.trim();
    if (!body) errors.body = v.channel === "voice" ? "The call script is required" : "The message is required";
    else if (v.channel === "sms" && smsBodyProblem(body, trigger, sms))
      errors.body = smsBodyProblem(body, trigger, sms)!;
    else if (body.length > MAX_BODY[v.channel])
      errors.body = `must be at most ${MAX_BODY[v.channel].toLocaleString("en")} characters for ${CHANNEL_LABELS[v.channel]}`;
    else if (templateErrors(body)) errors.body = templateErrors(body);
    else if (v.channel === "email" && imageProblem(body)) errors.body = imageProblem(body)!;
    else if (v.channel === "email" && imageSlotProblem(body)) errors.body = imageSlotProblem(body)!;
  }
  return errors;
}

/**
 * An SMS notification's text against Twilio's limit, opt-out line included where it is added:
 * every trigger but an appointment's is marketing (dispatch/content.ts), so it gets the line.
 */
function smsBodyProblem(body: string, trigger: Trigger, sms: SmsSaveCheck = {}): string | null {
  return smsTemplateLengthProblem(body, { required: !trigger.startsWith("appointment_"), ...sms });
}

function toInput(v: Fields): NotificationInput {
  const info = TRIGGER_INFO[v.trigger];
  return {
    trigger: v.trigger,
    offsetDays: v.offset_days ?? 0,
    offsetHours: info.unit === "hours" ? (v.offset_hours ?? 0) : 0,
    timeOfDay: v.time_of_day,
    audience: v.audience ?? info.audiences[0]!,
    condition: v.condition,
    channel: v.channel,
    // Only e-mail has a subject; whatever else arrives in it is not kept.
    subject: v.channel === "email" ? v.subject.trim() : "",
    preheader: v.channel === "email" ? v.preheader.trim() : "",
    body: v.body.replace(/\s+$/, ""),
    active: v.active,
  };
}

/**
 * The zod schema of one notification in the API's shape (SPEC I3), cross-field rules included.
 * Placeholders are checked against `snippetKeys` as well as the built-in ones.
 */
export function notificationSchema(snippetKeys: readonly string[] = [], sms: SmsSaveCheck = {}) {
  return BASE.superRefine((v, ctx) => {
    for (const [path, message] of Object.entries(crossFieldErrors(v, snippetKeys, sms)))
      ctx.addIssue({ code: "custom", path: [path], message });
  }).transform(toInput);
}

/**
 * A notification has one channel and one text (SPEC P3: an e-mail and an SMS on the same trigger
 * are two notifications). The API also names that text by its channel, as a message does:
 * `sms_body` for an SMS, `voice_script` for a call, either instead of `body` or beside it with
 * the same text. Returns the text to use as `body`, and the problems under the fields' names.
 */
function channelText(raw: Record<string, unknown>): { body?: unknown; errors: FieldErrors } {
  const given = (v: unknown) => typeof v === "string" && v.trim() !== "";
  const errors: FieldErrors = {};
  let body = raw.body;
  for (const [field, channel, what] of [
    ["sms_body", "sms", "an SMS"],
    ["voice_script", "voice", "a call"],
  ] as const) {
    const v = raw[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") errors[field] = "must be text";
    else if (!given(v)) continue;
    else if (raw.channel !== channel)
      errors[field] =
        `is the text of ${what} notification; for ${what} on this trigger add a second notification with channel "${channel}"`;
    else if (given(body) && String(body).trim() !== v.trim())
      errors[field] = `differs from body: give the text once, in ${field} or in body`;
    else body = v;
  }
  return { body, errors };
}

/** Parses a notification in the API's shape, reporting every bad field at once by its I3 name. */
export function parseNotification(
  input: unknown,
  snippetKeys: readonly string[],
  sms: SmsSaveCheck = {},
): ParsedNotification {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    return { ok: false, errors: { _: "must be an object" } };
  const given = input as Record<string, unknown>;
  const named = channelText(given);
  // The one edge for an SMS text's line breaks (form and API both come through here): see smsLineBreaks.
  const smsText = given.channel === "sms" && typeof named.body === "string" ? smsLineBreaks(named.body) : named.body;
  const raw: Record<string, unknown> = { ...given, body: smsText };
  const errors: FieldErrors = { ...named.errors };
  const good: Partial<Record<keyof Fields, unknown>> = {};
  for (const [key, schema] of Object.entries(FIELDS) as [keyof Fields, z.ZodType][]) {
    const result = schema.safeParse(raw[key]);
    if (result.success) good[key] = result.data;
    else errors[key] = result.error.issues[0]?.message ?? "is not valid";
  }
  for (const [key, message] of Object.entries(crossFieldErrors(good as Partial<Fields>, snippetKeys, sms)))
    errors[key] ??= message;
  // A text given as sms_body or voice_script is answered under that name.
  const source = given.channel === "sms" ? "sms_body" : given.channel === "voice" ? "voice_script" : null;
  const sourceText = source ? given[source] : undefined;
  if (source && errors.body && typeof sourceText === "string" && sourceText.trim() && !errors[source]) {
    errors[source] = errors.body;
    delete errors.body;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: toInput(good as Fields) };
}

// ---------------------------------------------------------------- the editor form

/** How the form spells a time of day: a choice, plus the exact time when that is chosen. */
export const TIME_MODES = { immediately: "immediately", morning: "09:00", evening: "18:00" } as const;

/**
 * The editor form's fields in the API's shape. The form asks for an offset with a unit (hours or
 * days for appointment triggers) and a direction (picture day), and a time as a choice.
 */
export function notificationFormInput(form: Record<string, unknown>): Record<string, unknown> {
  const trigger = String(form.trigger ?? "");
  const info = TRIGGER_INFO[trigger as Trigger] as (typeof TRIGGER_INFO)[Trigger] | undefined;
  const offsetText = typeof form.offset === "string" ? form.offset.trim() : "";
  const inHours = info?.unit === "hours" && form.offset_unit !== "days";
  let offset: unknown = offsetText === "" ? "0" : offsetText;
  if (info?.direction === "either" && form.offset_direction === "before" && /^\d+$/.test(offsetText))
    offset = String(-Number(offsetText));
  const mode = String(form.time_mode ?? "");
  const time = Object.hasOwn(TIME_MODES, mode)
    ? TIME_MODES[mode as keyof typeof TIME_MODES]
    : mode === "exact"
      ? String(form.time_exact ?? "").trim() || "(blank)"
      : form.time_of_day;
  return {
    trigger: form.trigger,
    offset_days: inHours ? "0" : offset,
    offset_hours: inHours ? offset : "0",
    time_of_day: time,
    audience: form.audience,
    condition: form.condition,
    channel: form.channel,
    subject: form.subject,
    // The editor hides the preheader for an SMS or a call; what it still holds is not theirs.
    preheader: form.channel === "email" ? form.preheader : undefined,
    body: form.body,
    active: form.active === undefined ? false : form.active,
  };
}

/** Parses the editor form; errors come back under the form's own field names. */
export function parseNotificationForm(
  form: Record<string, unknown>,
  snippetKeys: readonly string[],
  sms: SmsSaveCheck = {},
): ParsedNotification {
  const parsed = parseNotification(notificationFormInput(form), snippetKeys, sms);
  if (parsed.ok) return parsed;
  const errors: FieldErrors = {};
  for (const [key, message] of Object.entries(parsed.errors)) {
    const field =
      key === "offset_days" || key === "offset_hours"
        ? "offset"
        : key === "time_of_day"
          ? form.time_mode === "exact"
            ? "time_exact"
            : "time_mode"
          : key;
    errors[field] ??= message.replace(/^must be "immediately" or a time like 09:00$/, "must be a time like 09:00");
  }
  return { ok: false, errors };
}

/** The editor form's values for a stored notification. */
export function notificationFormValues(
  n: Omit<NotificationInput, "active"> & { active: boolean },
): Record<string, string> {
  const info = TRIGGER_INFO[n.trigger];
  const useHours = info.unit === "hours" && (n.offsetHours !== 0 || n.offsetDays === 0);
  const offset = useHours ? n.offsetHours + 24 * n.offsetDays : n.offsetDays;
  const mode = Object.entries(TIME_MODES).find(([, t]) => t === n.timeOfDay)?.[0] ?? "exact";
  return {
    trigger: n.trigger,
    offset: String(Math.abs(offset)),
    offset_unit: useHours ? "hours" : "days",
    offset_direction: offset < 0 ? "before" : "after",
    time_mode: mode,
    time_exact: mode === "exact" ? n.timeOfDay : "",
    audience: n.audience,
    condition: n.condition,
    channel: n.channel,
    subject: n.subject,
    preheader: n.preheader ?? "",
    body: n.body,
    active: n.active ? "on" : "",
  };
}

// ---------------------------------------------------------------- reading it out

/** What an offset counts from, as the editor and the sentences say it. */
export const ANCHOR_WORDS: Record<Trigger, string> = {
  job_selling: "the job is set to selling",
  job_archiving: "the archive date",
  picture_day: "the picture day",
  photos_available: "a customer's photos are available",
  customer_registered: "a customer registers",
  coupon_deadline: "the coupon deadline",
  shipping_deadline: "the free shipping deadline",
  order_placed: "an order is placed",
  appointment_booked: "an appointment is booked",
  appointment_reminder: "the appointment",
  appointment_followup: "the appointment",
};

/** "days before the archive date", "hours after an appointment is booked": the words after the offset box. */
export function offsetWords(trigger: Trigger, unit: "days" | "hours" = TRIGGER_INFO[trigger].unit): string {
  const info = TRIGGER_INFO[trigger];
  const direction = info.direction === "either" ? "" : `${info.direction} `;
  return `${unit} ${direction}${ANCHOR_WORDS[trigger]}`;
}

type Timing = Pick<NotificationInput, "trigger" | "offsetDays" | "offsetHours" | "timeOfDay">;

/** When a notification goes, in words: "7 days before the archive date at 09:00". */
export function timingWords(n: Timing): string {
  const info = TRIGGER_INFO[n.trigger];
  const anchor = ANCHOR_WORDS[n.trigger];
  const at = n.timeOfDay === "immediately" ? "" : ` at ${n.timeOfDay}`;
  if (info.unit === "hours") {
    const parts = [
      n.offsetDays ? plural(n.offsetDays, "days") : "",
      n.offsetHours ? plural(n.offsetHours, "hours") : "",
    ].filter(Boolean);
    if (!parts.length)
      return info.anchor === "appointment" ? "at the start of the appointment" : `as soon as ${anchor}`;
    return `${parts.join(" and ")} ${info.direction} ${anchor}${n.offsetDays ? at : ""}`;
  }
  if (info.anchor === "job_date") {
    const days = n.offsetDays;
    if (days === 0) return `on ${anchor}${at}`;
    const direction = info.direction === "either" ? (days < 0 ? "before" : "after") : info.direction;
    return `${plural(Math.abs(days), "days")} ${direction} ${anchor}${at}`;
  }
  if (n.offsetDays === 0)
    return n.timeOfDay === "immediately" ? `as soon as ${anchor}` : `the next ${n.timeOfDay} after ${anchor}`;
  return `${plural(n.offsetDays, "days")} after ${anchor}${at || ", at the same time of day"}`;
}

/** Who gets it, in words. */
export function audienceWords(n: Pick<NotificationInput, "trigger" | "audience" | "condition">): string {
  const who = n.trigger.startsWith("appointment_") ? "the appointment's customer" : AUDIENCE_WORDS[n.audience];
  const condition =
    n.condition === "with_photos"
      ? "only with photos available"
      : n.condition === "without_photos"
        ? "only without photos available"
        : "";
  return [who, condition].filter(Boolean).join(" · ");
}

/** The profile page's sentence: "E-mail · 7 days before the archive date at 09:00 · potential buyers · only with photos available". */
export function describeNotification(n: Omit<NotificationInput, "subject" | "preheader" | "body" | "active">): string {
  return `${CHANNEL_LABELS[n.channel]} · ${timingWords(n)} · ${audienceWords(n)}`;
}

/** A stored notification in the API's shape (SPEC I3). */
export function notificationJson(n: NotificationInput & { id: number; position?: number }) {
  const hours = TRIGGER_INFO[n.trigger].unit === "hours";
  return {
    id: n.id,
    trigger: n.trigger,
    offset_days: n.offsetDays,
    ...(hours && { offset_hours: n.offsetHours }),
    time_of_day: n.timeOfDay,
    audience: n.audience,
    condition: n.condition,
    channel: n.channel,
    subject: n.subject,
    preheader: n.preheader ?? "",
    body: n.body,
    // The same text under its channel's name, as a message's (issue 12); empty on other channels.
    sms_body: n.channel === "sms" ? n.body : "",
    voice_script: n.channel === "voice" ? n.body : "",
    active: n.active,
  };
}
