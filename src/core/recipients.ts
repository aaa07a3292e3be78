// Who gets a message on a channel, and why not (SPEC D2, O3): a pure decision per candidate,
// so the outbox can record a reason for every recipient it will not send to.
import { type Channel, SUPPRESSION_REASONS } from "./vocabulary.ts";

/** Why a recipient is not sent to: every suppression reason, what the audience rules find, and staff decisions. */
export const SKIP_REASONS = [
  "no_address",
  "no_consent",
  ...SUPPRESSION_REASONS,
  "duplicate_address",
  "cancelled",
  "sms_sent_instead",
  "cancelled_by_staff",
  "empty_message",
  "customer_removed",
  "appointment_cancelled",
] as const;
/** A placeholder the message cannot do without has no value for this recipient: `missing:customer.first_name`. */
export type MissingReason = `missing:${string}`;
export type SkipReason = (typeof SKIP_REASONS)[number] | MissingReason;

export const missingReason = (key: string): MissingReason => `missing:${key}`;
/** The placeholder key of a `missing:<key>` reason, else null. */
export const missingKey = (reason: string): string | null => (reason.startsWith("missing:") ? reason.slice(8) : null);

export type Candidate = {
  customerId: number;
  /** For a message to appointments: the appointment this message is about (one per appointment). */
  appointmentId?: number | null;
  /** The job its placeholders speak of, if any. */
  jobId?: number | null;
  email: string | null;
  phone: string | null;
  consent: Record<Channel, boolean>;
  /** Active suppression reason per normalised address, if any. */
  suppression: Partial<Record<Channel, SkipReason>>;
  /** Twilio Lookup line type, when known (SPEC D10). */
  lineType?: "mobile" | "landline" | "voip" | "unknown";
  /** Per channel, the first placeholder the text cannot do without that has no value for them. */
  missing?: Partial<Record<Channel, string | null>>;
};

/**
 * `lineType`: for a number, its line type when already known. `waitsOnSms`: a call that goes only
 * if its SMS cannot (see core/sms-or-call.ts).
 */
export type Decision = {
  customerId: number;
  channel: Channel;
  to: string | null;
  skip: SkipReason | null;
  appointmentId?: number | null;
  jobId?: number | null;
  lineType?: Candidate["lineType"];
  waitsOnSms?: boolean;
  /** The recipient whose SMS a call waits on, when it is not the call's own (one phone shared). */
  waitsOn?: { customerId: number; appointmentId: number | null; to: string | null };
};

/**
 * Decides for each candidate whether it is sent on `channel`. A second candidate with the same
 * address is skipped as a duplicate, so a family sharing an inbox gets one message, not three;
 * a message per appointment is its own, so two appointments on one number get one each.
 * Consent is required only where the law asks for it (`requireConsent`); transactional
 * appointment messages pass `false`. An audience decided a page at a time passes the same
 * `seen` set to every page: the addresses already given the message, added to as it goes.
 */
export function decideRecipients(
  candidates: Candidate[],
  channel: Channel,
  opts: { requireConsent: boolean; seen?: Set<string> },
): Decision[] {
  const seen = opts.seen ?? new Set<string>();
  return candidates.map((c) => {
    const to = channel === "email" ? c.email : c.phone;
    const seenAs = c.appointmentId ? `${to} a${c.appointmentId}` : to;
    const skip = skipReason(c, channel, to, seenAs, opts.requireConsent, seen);
    if (!skip && seenAs) seen.add(seenAs);
    const d: Decision = { customerId: c.customerId, channel, to, skip };
    if (c.appointmentId) d.appointmentId = c.appointmentId;
    if (c.jobId) d.jobId = c.jobId;
    if (channel !== "email" && c.lineType) d.lineType = c.lineType;
    return d;
  });
}

/**
 * An e-mail unsubscribe stops marketing: a message sent without asking for consent is a service
 * message (an appointment reminder) and still goes. Bounces, complaints, STOP and opt-outs on the
 * phone stop everything.
 */
export const stopsThisMessage = (channel: Channel, reason: string, marketing: boolean) =>
  marketing || !(channel === "email" && reason === "unsubscribed");

function skipReason(
  c: Candidate,
  channel: Channel,
  to: string | null,
  seenAs: string | null,
  requireConsent: boolean,
  seen: Set<string>,
): SkipReason | null {
  if (!to) return "no_address";
  const suppressed = c.suppression[channel];
  if (suppressed && stopsThisMessage(channel, suppressed, requireConsent)) return suppressed;
  if (requireConsent && !c.consent[channel]) return "no_consent";
  if (channel === "sms" && c.lineType === "landline") return "landline";
  const missing = c.missing?.[channel];
  if (missing) return missingReason(missing);
  if (seen.has(seenAs!)) return "duplicate_address";
  return null;
}
