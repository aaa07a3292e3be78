// What each automation trigger means (SPEC P3, P4): when it fires, which audiences it allows and
// why, and how a notification's timing turns into a moment. Pure: dates and zones go in, instants
// come out.
import { z } from "zod";
import { AUDIENCES, type CHANNELS, CONDITIONS, TRIGGERS } from "./vocabulary.ts";
import { CHANNEL_LABELS } from "./labels.ts";
import { zonedParts, zonedTimeToInstant } from "./send-window.ts";

export type Trigger = (typeof TRIGGERS)[number];
export type Audience = (typeof AUDIENCES)[number];
export type Condition = (typeof CONDITIONS)[number];
type Channel = (typeof CHANNELS)[number];

export type TriggerInfo = {
  label: string;
  /** What the moment is measured from. */
  anchor: "job_date" | "event" | "appointment";
  /** The job date a date trigger reads. */
  jobDate?: "archiveDate" | "shootDate" | "couponDeadline" | "shippingDeadline";
  /** Which way the offset counts: before the date, after the event, or either (picture day). */
  direction: "before" | "after" | "either";
  unit: "days" | "hours";
  /** Each customer gets their own moment (their event), rather than the whole job at once. */
  perCustomer: boolean;
  audiences: readonly Audience[];
  /** Why other audiences are not offered, shown in the editor. */
  audienceNote?: string;
  channels: readonly Channel[];
  /** Appointment messages are service messages: they go without marketing consent. */
  transactional: boolean;
};

const ALL = ["all", "potential_buyers", "buyers"] as const;

export const TRIGGER_INFO: Record<Trigger, TriggerInfo> = {
  job_selling: {
    label: "Job set to selling",
    anchor: "event",
    direction: "after",
    unit: "days",
    perCustomer: false,
    audiences: ALL,
    channels: ["email", "sms"],
    transactional: false,
  },
  job_archiving: {
    label: "Before the photos expire (archive date)",
    anchor: "job_date",
    jobDate: "archiveDate",
    direction: "before",
    unit: "days",
    perCustomer: false,
    audiences: ALL,
    channels: ["email", "sms"],
    transactional: false,
  },
  picture_day: {
    label: "Picture day",
    anchor: "job_date",
    jobDate: "shootDate",
    direction: "either",
    unit: "days",
    perCustomer: false,
    audiences: ALL,
    channels: ["email", "sms"],
    transactional: false,
  },
  photos_available: {
    label: "Photos available for a customer",
    anchor: "event",
    direction: "after",
    unit: "days",
    perCustomer: true,
    audiences: ALL,
    channels: ["email", "sms"],
    transactional: false,
  },
  customer_registered: {
    label: "Customer registered to the job",
    anchor: "event",
    direction: "after",
    unit: "days",
    perCustomer: true,
    audiences: ["potential_buyers"],
    audienceNote: "Someone who has just registered has not ordered yet, so only potential buyers are possible.",
    channels: ["email", "sms"],
    transactional: false,
  },
  coupon_deadline: {
    label: "Before the coupon deadline",
    anchor: "job_date",
    jobDate: "couponDeadline",
    direction: "before",
    unit: "days",
    perCustomer: false,
    audiences: ALL,
    channels: ["email", "sms"],
    transactional: false,
  },
  shipping_deadline: {
    label: "Before the free shipping deadline",
    anchor: "job_date",
    jobDate: "shippingDeadline",
    direction: "before",
    unit: "days",
    perCustomer: false,
    audiences: ALL,
    channels: ["email", "sms"],
    transactional: false,
  },
  order_placed: {
    label: "Order placed",
    anchor: "event",
    direction: "after",
    unit: "days",
    perCustomer: true,
    audiences: ["buyers"],
    audienceNote: "Only the customer who ordered, a buyer, receives it.",
    channels: ["email", "sms"],
    transactional: false,
  },
  appointment_booked: {
    label: "Appointment booked",
    anchor: "event",
    direction: "after",
    unit: "hours",
    perCustomer: true,
    audiences: ["all"],
    audienceNote: "Appointment messages go to the appointment's customer.",
    channels: ["email", "sms", "voice"],
    transactional: true,
  },
  appointment_reminder: {
    label: "Before an appointment",
    anchor: "appointment",
    direction: "before",
    unit: "hours",
    perCustomer: true,
    audiences: ["all"],
    audienceNote: "Reminders go to the appointment's customer, unless it was cancelled.",
    channels: ["email", "sms", "voice"],
    transactional: true,
  },
  appointment_followup: {
    label: "After an appointment",
    anchor: "appointment",
    direction: "after",
    unit: "hours",
    perCustomer: true,
    audiences: ["all"],
    audienceNote: "Follow-ups go to the appointment's customer, unless it was cancelled.",
    channels: ["email", "sms", "voice"],
    transactional: true,
  },
};

export const AUDIENCE_LABELS: Record<Audience, string> = {
  all: "All customers",
  potential_buyers: "Potential buyers (no order yet)",
  buyers: "Buyers",
};
export const CONDITION_LABELS: Record<Condition, string> = {
  any: "Everyone",
  with_photos: "Only with photos available",
  without_photos: "Only without photos available",
};

/** "immediately" or HH:MM. */
export const timeOfDay = z
  .string()
  .trim()
  .regex(/^(immediately|([01]\d|2[0-3]):[0-5]\d)$/, 'must be "immediately" or a time like 09:00');

export type Timing = { trigger: Trigger; offsetDays: number; offsetHours: number; timeOfDay: string };

const MINUTE = 60_000;
const HOUR = 3_600_000;

const hhmm = (p: { hour: number; minute: number }) =>
  `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;

function addCalendarDays(day: { year: number; month: number; day: number }, n: number) {
  const d = new Date(Date.UTC(day.year, day.month - 1, day.day + n));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The moment a notification is due for one anchor: a job date (`YYYY-MM-DD`), an event's
 * instant or an appointment's start. Offsets in days move calendar days in `timeZone` (so
 * "7 days before at 09:00" is 09:00 local across a DST change); "immediately" keeps the
 * anchor's own time. Negative `offsetDays` on picture day means before it.
 */
export function notificationMoment(
  t: Timing,
  anchor: { date?: string | null; at?: Date | null },
  timeZone: string,
): Date | null {
  const info = TRIGGER_INFO[t.trigger];
  const sign = info.direction === "before" ? -1 : 1;
  if (info.unit === "hours") {
    const at = anchor.at;
    if (!at) return null;
    // Hours are exact durations: "24 hours before" is 24 h earlier, even across a DST change.
    const shifted = new Date(at.getTime() + sign * t.offsetHours * HOUR);
    if (t.offsetDays === 0) return shifted;
    // Days are calendar days in `timeZone`, like the other triggers. This used to add 24 h per
    // day and then read the local date, which is off by one near midnight across a DST change:
    // an appointment at 00:30 the day after spring-forward, "2 days before at 18:00", went to
    // 23:30 three days before and so gave 18:00 a day early (a day late around the autumn change).
    const p = zonedParts(shifted, timeZone);
    const day = addCalendarDays(p, sign * t.offsetDays);
    if (t.timeOfDay !== "immediately") return zonedTimeToInstant(day, t.timeOfDay, timeZone);
    // "immediately" keeps the anchor's wall-clock time, seconds included.
    return new Date(
      zonedTimeToInstant(day, hhmm(p), timeZone).getTime() + (((shifted.getTime() % MINUTE) + MINUTE) % MINUTE),
    );
  }
  if (info.anchor === "job_date") {
    if (!anchor.date) return null;
    const [y, m, d] = anchor.date.split("-").map(Number) as [number, number, number];
    const day = addCalendarDays({ year: y, month: m, day: d }, sign * t.offsetDays);
    return zonedTimeToInstant(day, t.timeOfDay === "immediately" ? "09:00" : t.timeOfDay, timeZone);
  }
  const at = anchor.at;
  if (!at) return null;
  if (t.timeOfDay === "immediately" && t.offsetDays === 0) return at;
  const p = zonedParts(at, timeZone);
  const day = addCalendarDays(p, t.offsetDays);
  const local = t.timeOfDay === "immediately" ? hhmm(p) : t.timeOfDay;
  const moment = zonedTimeToInstant(day, local, timeZone);
  // "0 days after at 09:00" for an event at 15:00 means the next 09:00, not this morning's.
  return moment < at ? zonedTimeToInstant(addCalendarDays(day, 1), local, timeZone) : moment;
}

/** Whether a customer belongs to a notification's audience and condition (SPEC P4). */
export function inAudience(
  audience: Audience,
  condition: Condition,
  c: { orders: number; photosAvailable: boolean },
): boolean {
  if (audience === "potential_buyers" && c.orders > 0) return false;
  if (audience === "buyers" && c.orders === 0) return false;
  if (condition === "with_photos" && !c.photosAvailable) return false;
  if (condition === "without_photos" && c.photosAvailable) return false;
  return true;
}

/** What to do with a moment at `now`: wait, send, or skip as missed beyond the grace period (SPEC P6). */
export function momentState(moment: Date, now: Date, graceMs: number): "ahead" | "due" | "missed" {
  if (moment > now) return "ahead";
  return now.getTime() - moment.getTime() > graceMs ? "missed" : "due";
}

/** A notification's timing in words, e.g. "7 days before the archive date at 09:00". */
export function describeTiming(t: Timing): string {
  const info = TRIGGER_INFO[t.trigger];
  const at = t.timeOfDay === "immediately" ? "" : ` at ${t.timeOfDay}`;
  const n = info.unit === "hours" ? t.offsetHours + t.offsetDays * 24 : t.offsetDays;
  const unit = info.unit === "hours" ? (n === 1 ? "hour" : "hours") : Math.abs(n) === 1 ? "day" : "days";
  const what: Record<Trigger, string> = {
    job_selling: "the job is set to selling",
    job_archiving: "the archive date",
    picture_day: "picture day",
    photos_available: "the customer's photos are available",
    customer_registered: "the customer registers",
    coupon_deadline: "the coupon deadline",
    shipping_deadline: "the shipping deadline",
    order_placed: "an order is placed",
    appointment_booked: "the appointment is booked",
    appointment_reminder: "the appointment",
    appointment_followup: "the appointment",
  };
  if (n === 0) {
    if (info.anchor === "job_date") return `On ${what[t.trigger]}${at || " at 09:00"}`;
    return `${t.timeOfDay === "immediately" ? "Immediately when" : "When"} ${what[t.trigger]}${at ? `, then${at}` : ""}`;
  }
  const direction = info.direction === "either" ? (n < 0 ? "before" : "after") : info.direction;
  return `${Math.abs(n)} ${unit} ${direction} ${what[t.trigger]}${at}`;
}

/** "E-mail · 7 days before the archive date at 09:00 · potential buyers · only with photos available" */
export function describeNotification(
  n: Timing & { channel: Channel; audience: Audience; condition: Condition },
): string {
  const parts = [CHANNEL_LABELS[n.channel], describeTiming(n), AUDIENCE_LABELS[n.audience].toLowerCase()];
  if (n.condition !== "any") parts.push(CONDITION_LABELS[n.condition].toLowerCase());
  return parts.join(" · ");
}
