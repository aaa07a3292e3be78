// The domain's vocabulary: every closed list of words Pigeon stores (statuses, channels,
// triggers, reasons). It lives in core so the pure rules can name it without reaching into
// the database layer; schema.ts builds its enum columns from these same lists.

export const JOB_STATUSES = ["planning", "selling", "archived"] as const;
export const JOB_TYPES = ["school", "kindergarten", "sports", "event", "portrait", "other"] as const;
export const APPOINTMENT_STATUSES = ["scheduled", "confirmed", "cancelled", "reschedule_requested"] as const;
export const CHANNELS = ["email", "sms", "voice"] as const;
/** What a file does for a message or notification: an e-mail attachment, or a picture sent as MMS. */
export const CONTENT_FILE_ROLES = ["attachment", "mms"] as const;
export const SUPPRESSION_REASONS = [
  "unsubscribed",
  "bounced",
  "complained",
  "stop_keyword",
  "invalid_address",
  "landline",
] as const;
export const DELIVERY_STATUSES = [
  "queued",
  "skipped",
  "sending",
  "sent",
  "delivered",
  "undelivered",
  "failed",
  "bounced",
  "held",
  // A call that goes only if its SMS cannot (SPEC D10): decided when the SMS is settled.
  "waiting",
] as const;
export const TRIGGERS = [
  "job_selling",
  "job_archiving",
  "picture_day",
  "photos_available",
  "customer_registered",
  "coupon_deadline",
  "shipping_deadline",
  "order_placed",
  "appointment_booked",
  "appointment_reminder",
  "appointment_followup",
] as const;
export const AUDIENCES = ["all", "potential_buyers", "buyers"] as const;
export const CONDITIONS = ["any", "with_photos", "without_photos"] as const;
export const EVENT_TYPES = [
  "job_status_changed",
  "customer_registered",
  "photos_available",
  "order_placed",
  "appointment_booked",
] as const;
export const MESSAGE_STATUSES = ["draft", "scheduled", "sending", "paused", "sent", "cancelled"] as const;
export const USER_ROLES = ["owner", "staff"] as const;
/** Where a change came from, recorded on its event. */
export const EVENT_SOURCES = ["ui", "api", "import", "demo", "cli"] as const;
/**
 * Who changed an appointment: staff by hand, the booking tool through the API, or the customer
 * (a confirm/cancel/reschedule link, an SMS reply, a key pressed on a call).
 */
export const APPOINTMENT_CHANGE_SOURCES = ["staff", "api", "link", "sms", "voice", "demo"] as const;
/** A planned automated notification's firing: planned, then sent, missed, skipped or failed. */
export const RUN_STATUSES = ["planned", "sent", "missed", "skipped", "failed"] as const;
/** What a delivery was sent for: an automated notification, a one-time message, or a test. */
export const DELIVERY_SOURCES = ["notification", "message", "test"] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];
export type JobType = (typeof JOB_TYPES)[number];
export type Channel = (typeof CHANNELS)[number];
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** What a customer did with a message (issue 14): opened an e-mail, or followed one of its links. */
export const ENGAGEMENT_TYPES = ["open", "click"] as const;
export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];
/**
 * Where it was seen: our tracked redirect (`link`), our open pixel (`pixel`), or a Resend webhook.
 */
export const ENGAGEMENT_SOURCES = ["link", "pixel", "resend"] as const;
export type EngagementSource = (typeof ENGAGEMENT_SOURCES)[number];
/**
 * Who it was, as far as can be told. `person` and `image_proxy` (Gmail and Yahoo fetch images
 * when the reader opens the mail) count as people; the rest are machines and do not count:
 * `prefetch` (a HEAD request, a link preview), `scanner` (a known link scanner's user agent),
 * `burst` (every link of a message followed within seconds of its delivery: a security scanner),
 * `privacy_proxy` (Apple Mail Privacy Protection loads every image whether or not it is read).
 */
export const ENGAGEMENT_KINDS = ["person", "image_proxy", "prefetch", "scanner", "burst", "privacy_proxy"] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];
export const COUNTED_ENGAGEMENT_KINDS = ["person", "image_proxy"] as const satisfies readonly EngagementKind[];
