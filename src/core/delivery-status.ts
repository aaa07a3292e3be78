// How a delivery's status moves (SPEC D7) and what the providers' webhook events mean in our
// words. Pure: the webhook handlers look rows up and write; this decides.
import { openKind } from "./engagement-kinds.ts";
import type { DELIVERY_STATUSES, EngagementKind } from "./vocabulary.ts";

export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

// queued → sending → sent → delivered | undelivered | failed | bounced. The last three are final.
// `delivered` may still become `bounced`: a mail server can accept an e-mail and bounce it later
// (an asynchronous bounce), and that bounce is the truth. Nothing ever becomes `delivered` again
// after a bounce or failure. `skipped` and `held` are outside the chain: nothing a provider
// says can move them.
const STEP: Partial<Record<DeliveryStatus, number>> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 4,
  failed: 4,
  bounced: 4,
};

/** The status a delivery takes on `incoming`, or null when it must stay (late, duplicate, out of order). */
export function nextStatus(current: DeliveryStatus, incoming: DeliveryStatus): DeliveryStatus | null {
  const from = STEP[current];
  const to = STEP[incoming];
  if (from === undefined || to === undefined || current === incoming) return null;
  if (current === "delivered") return incoming === "bounced" ? "bounced" : null;
  return to > from ? incoming : null;
}

/**
 * One provider event in our words: `event` is the delivery event recorded (the provider's own
 * word), `status` the status it implies (null: recorded as an event only), `suppress` the
 * reason the address must not be sent to again, `error` what went wrong in words for staff.
 */
export type ProviderEvent = {
  event: string;
  status: DeliveryStatus | null;
  suppress?: "bounced" | "complained" | "stop_keyword";
  error?: string;
};

export type ResendEmailData = {
  bounce?: { type?: string; subType?: string; message?: string };
  failed?: { reason?: string };
  suppressed?: { type?: string; message?: string };
};

/**
 * A Resend `email.*` event; null for event types that are not about a sent e-mail. Only a bounce
 * the payload calls permanent suppresses the address: a soft (transient or undetermined) bounce
 * is recorded but changes neither the status nor the suppression list, since the mailbox may
 * take mail again tomorrow.
 */
export function resendEvent(type: string, data: ResendEmailData): ProviderEvent | null {
  switch (type) {
    case "email.sent":
      return { event: "sent", status: "sent" };
    case "email.delivered":
      return { event: "delivered", status: "delivered" };
    case "email.bounced": {
      const why = [data.bounce?.type, data.bounce?.subType, data.bounce?.message].filter(Boolean).join(": ");
      if (!/^(permanent|hard)$/i.test(data.bounce?.type ?? ""))
        return { event: "soft_bounce", status: null, error: why || undefined };
      return { event: "bounced", status: "bounced", suppress: "bounced", error: why || "bounced" };
    }
    case "email.complained":
      return { event: "complained", status: null, suppress: "complained" };
    case "email.failed":
      return { event: "failed", status: "failed", error: data.failed?.reason ?? "Resend could not send it" };
    // Resend refused to send to an address on its own suppression list: mirror it in ours.
    case "email.suppressed":
      return {
        event: "suppressed",
        status: "failed",
        suppress: /complain/i.test(data.suppressed?.type ?? "") ? "complained" : "bounced",
        error: `suppressed by Resend${data.suppressed?.message ? `: ${data.suppressed.message}` : ""}`,
      };
    case "email.delivery_delayed":
    case "email.opened":
    case "email.clicked":
    case "email.scheduled":
      return { event: type.slice("email.".length), status: null };
    default:
      return null;
  }
}

export type ResendEngagementData = {
  click?: { link?: string; userAgent?: string; ipAddress?: string; timestamp?: string };
};

/**
 * The open or click a Resend `email.opened` / `email.clicked` event reports (issue 14), else null.
 * Resend's click carries the link, user agent, IP address and time (any may be absent): its kind is
 * decided where it is recorded (recordClick), against the delivery's earlier clicks, as a click
 * on the tracked redirect is. Its open carries none of these, so an open is a person unless
 * something says otherwise.
 */
export function resendEngagement(
  type: string,
  data: ResendEngagementData,
):
  | { type: "open"; kind: EngagementKind }
  | { type: "click"; url: string | null; userAgent: string | null; at: string | null }
  | null {
  if (type === "email.opened") return { type: "open", kind: openKind({ userAgent: undefined }) };
  if (type !== "email.clicked") return null;
  const click = data.click ?? {};
  return {
    type: "click",
    url: click.link ?? null,
    userAgent: click.userAgent?.trim() || null,
    at: click.timestamp ?? null,
  };
}

// Twilio's MessageStatus and CallStatus values. Everything before the final answer means "the
// provider has it", which for us is `sent`; `read` (WhatsApp, RCS) is an event only.
const TWILIO_MESSAGE: Record<string, DeliveryStatus | null> = {
  accepted: "sent",
  scheduled: "sent",
  queued: "sent",
  sending: "sent",
  sent: "sent",
  delivered: "delivered",
  undelivered: "undelivered",
  failed: "failed",
  canceled: "failed",
  read: null,
};
const TWILIO_CALL: Record<string, DeliveryStatus | null> = {
  queued: "sent",
  initiated: "sent",
  ringing: "sent",
  "in-progress": "sent",
  completed: "delivered",
  busy: "undelivered",
  "no-answer": "undelivered",
  canceled: "failed",
  failed: "failed",
};

// The error codes a status callback carries most often, in words staff can act on.
const TWILIO_ERRORS: Record<string, string> = {
  "21610": "the recipient replied STOP and has unsubscribed",
  "21614": "the number is not a mobile number",
  "30003": "unreachable handset (switched off or out of coverage)",
  "30004": "message blocked by the recipient or their carrier",
  "30005": "unknown handset (the number may not exist)",
  "30006": "landline or unreachable carrier",
  "30007": "filtered by the carrier as spam",
  "30008": "unknown error at the carrier",
};

/** A Twilio status callback for a message or a call; an unknown status word is an event only. */
export function twilioEvent(
  kind: "message" | "call",
  status: string,
  errorCode?: string,
  errorMessage?: string,
): ProviderEvent {
  const table = kind === "message" ? TWILIO_MESSAGE : TWILIO_CALL;
  const mapped = table[status] ?? null;
  const out: ProviderEvent = { event: status, status: mapped };
  if (errorCode && errorCode !== "0")
    out.error = `Twilio error ${errorCode}: ${errorMessage || TWILIO_ERRORS[errorCode] || "see twilio.com/docs/errors"}`;
  else if (status === "busy" || status === "no-answer")
    out.error = status === "busy" ? "the line was busy" : "nobody answered";
  // 21610: the number opted out at the carrier; texting it again is refused (SPEC D9).
  if (errorCode === "21610") out.suppress = "stop_keyword";
  return out;
}
