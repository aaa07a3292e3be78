// The shapes the one-time message pages are built from (SPEC O1–O7): the compose form's state,
// the live count, the preview and a test's result, the progress and the report. The routes fill
// them from the database and the views render them, so they live below both.
import type { Values } from "./form-state.ts";
import type { SmsInfo } from "./sms-text.ts";
import type { Channel, MessageStatus } from "./vocabulary.ts";

export type ComposeState = {
  /** Single-valued fields, as typed. */
  values: Values;
  /** Multi-valued fields (channels and list filters), as typed. */
  lists: Record<string, string[]>;
};

/** For a message to appointments `matched` and `willReceive` count appointments (one message each) of `customers` customers. */
/**
 * With "call only where SMS cannot go": `unchecked` of the texts go to numbers whose line type is
 * not known yet (Pigeon checks each before sending; a landline is called instead), and
 * `ifSmsCannot` calls wait on such a text.
 */
export type ChannelCount = {
  channel: Channel;
  matched: number;
  willReceive: number;
  excluded: { reason: string; n: number }[];
  customers?: number;
  unchecked?: number;
  ifSmsCannot?: number;
  /** On the SMS count: recipients whose SMS cannot go and who are called instead. */
  calledInstead?: number;
};

export type CountData = {
  /** The filters in one sentence. */
  who: string;
  channels: ChannelCount[];
  /** Customers the filters match (appointments, for a message to appointments), shown even before a channel is chosen. */
  matched?: number;
  /** For a message to appointments: how many customers the matched appointments are of. */
  customers?: number;
  /** Per channel, the placeholders the text cannot do without, and the message's one job: the excluded lists count as the count does. */
  required?: Partial<Record<Channel, readonly string[]>>;
  jobId?: number | null;
  /** The filters as JSON, for the excluded-names links. */
  filtersJson: string;
  /** Why no count could be made (a filter is invalid). */
  problem?: string;
  /** A message to one typed address. */
  single?: boolean;
};

export type PreviewData = {
  options: { id: number; label: string }[];
  selectedId: number | null;
  /** For a message to appointments: the chosen customer's appointments it goes to, one message each. */
  appointmentOptions: { id: number; label: string; selected: boolean }[];
  /** Whose data is shown, and how they were chosen. */
  note: string;
  /** Channels this recipient will not get, with the reason (its help link, /help/not-reached#<reason>). */
  warnings: { text: string; reason?: string }[];
  /** `preheader`: as typed and filled in; empty means the inbox shows the message's first line. */
  email?: { to: string | null; subject: string; preheader: string; html: string };
  sms?: {
    to: string | null;
    text: string;
    info: SmsInfo /** The opt-out hint added to the text (in the customer's language), or null. */;
    optOutAdded: string | null;
  };
  /** `audio`: the recording the call plays instead of reading `text`. */
  voice?: { to: string | null; text: string; audio?: { name: string; src: string } };
  problem?: string;
};

/** `reason`: why a test was not sent, linked to its explanation beside the text. */
export type TestResult = { ok: boolean; text: string; deliveryId?: number; reason?: string };

export type Progress = {
  status: MessageStatus;
  /** Deliveries that will be or were attempted (not skipped). */
  total: number;
  sent: number;
  failed: number;
  queued: number;
  /** Calls waiting on their SMS: placed only if it cannot go. */
  waiting: number;
  held: number;
  /** Skipped, and the customer got nothing else of the message either. */
  skipped: number;
  /** Calls skipped because their customer got the SMS. */
  callsNotNeeded?: number;
  /** SMS that could not go to a customer who is called instead. */
  smsCalledInstead?: number;
  ratePerMinute: number | null;
  eta: string | null;
  startsAt: string | null;
  /** While armed: "it goes to 2 recipients by e-mail." */
  armedFor?: string | null;
  finished: boolean;
};

export type ReportData = {
  byChannel: { channel: string; counts: Record<string, number> }[];
  /** Of the skipped, the SMS-or-call halves whose customer the other half reached: no failure. */
  skippedReached?: number;
  totals: Record<string, number>;
  notReached: {
    customerId: number | null;
    name: string;
    channel: string;
    address: string | null;
    status: string;
    /** A code: skip reason, else status. */
    reason: string;
    /** The provider's error, for one that failed or bounced. */
    detail: string | null;
    appointment: string | null;
  }[];
  /** It went out per appointment: every number counts messages, one per appointment. */
  perAppointment: boolean;
  notReachedTotal: number;
  bySkipReason: Record<string, number>;
  /** "Call only where SMS cannot go": calls not needed (the SMS went), calls placed instead of an SMS. */
  smsOrCall: { smsInstead: number; calledInstead: number };
};

export const REPORT_COLUMNS = ["queued", "sent", "delivered", "failed", "bounced", "skipped"] as const;
/** Statuses folded into the report's columns: sending waits like queued, undelivered failed. */
export function reportBucket(status: string): (typeof REPORT_COLUMNS)[number] {
  if (status === "sending" || status === "held" || status === "waiting") return "queued";
  if (status === "undelivered") return "failed";
  return status as (typeof REPORT_COLUMNS)[number];
}
