// Who gets a message on a channel, and why not (SPEC D2, O3): a pure decision per candidate,
// so the outbox can record a reason for every recipient it will not send to.
import { type Channel, SUPPRESSION_REASONS } from "../db/schema.ts";

/** Why a recipient is not sent to: every suppression reason, what the audience rules find, and staff decisions. */
export const SKIP_REASONS = ["no_address", "no_consent", ...SUPPRESSION_REASONS, "duplicate_address", "cancelled", "sms_sent_instead", "cancelled_by_staff"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const SKIP_REASON_LABELS: Record<SkipReason, string> = {
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
  cancelled_by_staff: "Cancelled by staff",
};

export type Candidate = {
  customerId: number;
  email: string | null;
  phone: string | null;
  consent: Record<Channel, boolean>;
  /** Active suppression reason per normalised address, if any. */
  suppression: Partial<Record<Channel, SkipReason>>;
  /** Twilio Lookup line type, when known (SPEC D10). */
  lineType?: "mobile" | "landline" | "voip" | "unknown";
};

export type Decision = { customerId: number; channel: Channel; to: string | null; skip: SkipReason | null };

/**
 * Decides for each candidate whether it is sent on `channel`. A second candidate with the same
 * address is skipped as a duplicate, so a family sharing an inbox gets one message, not three.
 * Consent is required only where the law asks for it (`requireConsent`); transactional
 * appointment messages pass `false`. An audience decided a page at a time passes the same
 * `seen` set to every page: the addresses already given the message, added to as it goes.
 */
export function decideRecipients(candidates: Candidate[], channel: Channel, opts: { requireConsent: boolean; seen?: Set<string> }): Decision[] {
  const seen = opts.seen ?? new Set<string>();
  return candidates.map((c) => {
    const to = channel === "email" ? c.email : c.phone;
    const skip = skipReason(c, channel, to, opts.requireConsent, seen);
    if (!skip && to) seen.add(to);
    return { customerId: c.customerId, channel, to, skip };
  });
}

/**
 * An e-mail unsubscribe stops marketing: a message sent without asking for consent is a service
 * message (an appointment reminder) and still goes. Bounces, complaints, STOP and opt-outs on the
 * phone stop everything.
 */
export const stopsThisMessage = (channel: Channel, reason: string, marketing: boolean) => marketing || !(channel === "email" && reason === "unsubscribed");

function skipReason(c: Candidate, channel: Channel, to: string | null, requireConsent: boolean, seen: Set<string>): SkipReason | null {
  if (!to) return "no_address";
  const suppressed = c.suppression[channel];
  if (suppressed && stopsThisMessage(channel, suppressed, requireConsent)) return suppressed;
  if (requireConsent && !c.consent[channel]) return "no_consent";
  if (channel === "sms" && c.lineType === "landline") return "landline";
  if (seen.has(to)) return "duplicate_address";
  return null;
}
