// The words staff read for the domain's values: channels, statuses, delivery sources and skip
// reasons. One table per thing, so every page names a channel or a reason the same way.
import type {
  APPOINTMENT_CHANGE_SOURCES,
  APPOINTMENT_STATUSES,
  Channel,
  DELIVERY_STATUSES,
  JobStatus,
  MESSAGE_STATUSES,
} from "./vocabulary.ts";
import { missingKey, type SKIP_REASONS } from "./recipients.ts";

export const CHANNEL_LABELS: Record<Channel, string> = { email: "E-mail", sms: "SMS", voice: "Voice call" };

/** A channel inside a sentence: "Send to 3 recipients by e-mail and 2 by voice call?". */
export const CHANNEL_IN_SENTENCE: Record<Channel, string> = {
  email: "by e-mail",
  sms: "by SMS",
  voice: "by voice call",
};

type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  undelivered: "Undelivered",
  failed: "Failed",
  bounced: "Bounced",
  skipped: "Skipped",
  held: "Held",
  waiting: "Waits for the SMS",
};

/** The order the outbox's status filter offers them: from planned to settled. */
export const DELIVERY_STATUS_ORDER: readonly DeliveryStatus[] = [
  "queued",
  "waiting",
  "sending",
  "sent",
  "delivered",
  "undelivered",
  "failed",
  "bounced",
  "skipped",
  "held",
];

export const DELIVERY_SOURCE_LABELS: Record<"notification" | "message" | "test", string> = {
  notification: "Notification",
  message: "One-time message",
  test: "Test",
};

export const MESSAGE_STATUS_LABELS: Record<(typeof MESSAGE_STATUSES)[number], string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  sending: "Sending",
  paused: "Paused",
  sent: "Sent",
  cancelled: "Cancelled",
};

export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  planning: "Planning",
  selling: "Selling",
  archived: "Archived",
};

export const SKIP_REASON_LABELS: Record<(typeof SKIP_REASONS)[number], string> = {
  no_address: "No address for this channel",
  no_consent: "No consent for this channel",
  unsubscribed: "Unsubscribed",
  bounced: "Address bounced",
  complained: "Marked as spam",
  stop_keyword: "Replied STOP",
  invalid_address: "Invalid address",
  landline: "Landline (cannot receive SMS)",
  duplicate_address: "Same address as another recipient",
  cancelled: "The message was cancelled before it was sent",
  sms_sent_instead: "Got the SMS instead (calls only where SMS cannot go)",
  empty_message: "Nothing to send: the text came out empty for this recipient",
  cancelled_by_staff: "Cancelled by staff",
  customer_removed: "The customer was removed before it was sent (an import taken back)",
  appointment_cancelled: "The appointment was cancelled before it was sent",
};

/** A delivery that went but did not arrive is "not reached" by its status (the provider's words are its detail). */
export const NOT_DELIVERED_LABELS: Record<"failed" | "undelivered", string> = {
  failed: "Sending failed",
  undelivered: "Not delivered by the phone network",
};

/** The label of any skip reason, `missing:<key>` included; a reason with no label reads as its words. */
export function skipReasonLabel(reason: string): string {
  const key = missingKey(reason);
  if (key !== null) return `No value for {{${key}}}`;
  return (
    ({ ...SKIP_REASON_LABELS, ...NOT_DELIVERED_LABELS } as Record<string, string>)[reason] ?? reason.replace(/_/g, " ")
  );
}

/** Where the help page explains a reason (views/help-not-reached.tsx): every `missing:<key>` shares one section. */
export function skipReasonHelpUrl(reason: string): string {
  return `/help/not-reached#${missingKey(reason) !== null ? "missing" : reason}`;
}

/** A reason's label inside a sentence: "landline (cannot receive SMS)" — the first letter lower, acronyms kept. */
export function skipReasonInSentence(reason: string): string {
  const label = skipReasonLabel(reason);
  return /^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label;
}

/** An appointment's status as staff read it (SPEC A1). */
export const APPOINTMENT_STATUS_LABELS: Record<(typeof APPOINTMENT_STATUSES)[number], string> = {
  scheduled: "Scheduled",
  confirmed: "Confirmed",
  cancelled: "Cancelled",
  reschedule_requested: "Reschedule requested",
};

/** Who changed an appointment, as its history names them. */
export const APPOINTMENT_CHANGE_SOURCE_LABELS: Record<(typeof APPOINTMENT_CHANGE_SOURCES)[number], string> = {
  staff: "staff",
  api: "the booking tool (API)",
  link: "the customer's link",
  sms: "the customer's SMS reply",
  voice: "the customer, on a call",
  demo: "the demo data",
};

/** What Pigeon did with a reply by itself (inbound_messages.handled_as); "inbox" waits for staff. */
export const REPLY_HANDLED_LABELS: Record<string, string> = {
  inbox: "Waiting for you",
  confirmed: "Confirmed the appointment automatically",
  cancelled: "Cancelled the appointment automatically",
  stop: "Opted out of texts (STOP) automatically",
  start: "Opted back in to texts automatically",
  help: "Answered with the studio's help text automatically",
};

/** A job as pickers name it: "River FC (2026)", but "Family Portrait Days 2026" keeps its own year once. */
export const jobLabel = (j: { name: string; year: number }): string =>
  j.name.includes(String(j.year)) ? j.name : `${j.name} (${j.year})`;
