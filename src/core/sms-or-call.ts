// "SMS, and call only where SMS cannot go" (SPEC D10, A2). Whether an SMS can go is known for
// sure only once it is tried (Twilio's line type, a landline refusal, a failure), so a call
// never decides early: it waits on its SMS, and the outbox settles it when the SMS is settled
// (migration 0010's trigger). Pure: decisions in, decisions and predictions out.
import type { Decision } from "./recipients.ts";

/** One recipient of a message (a customer, per appointment; or a typed address), whatever the channel. */
export const who = (d: Decision) => `${d.customerId}:${d.appointmentId ?? 0}:${d.customerId ? "" : d.to}`;

/**
 * The call decisions of a message that calls only where its SMS cannot go: a call whose SMS will
 * be tried waits on it (`waitsOnSms`); a call whose SMS is ruled out already (a known landline,
 * no consent, no number…) goes on its own terms — unless another recipient's SMS goes to the same
 * number (a family sharing a phone, whose duplicate SMS is skipped): then the call waits on that
 * one (`waitsOn`), so the number is texted or called, not both. `texted` carries the numbers
 * texted so far across the pages of one audience, as the recipients' `seen` sets do.
 */
export function callsAfterTexts(sms: Decision[], calls: Decision[], texted = new Map<string, Decision>()): Decision[] {
  for (const d of sms) if (!d.skip && d.to && !texted.has(numberOf(d))) texted.set(numberOf(d), d);
  const own = new Set(sms.filter((d) => !d.skip).map(who));
  return calls.map((d) => {
    if (d.skip) return d;
    if (own.has(who(d))) return { ...d, waitsOnSms: true };
    const other = d.to ? texted.get(numberOf(d)) : undefined;
    return other
      ? {
          ...d,
          waitsOnSms: true,
          waitsOn: { customerId: other.customerId, appointmentId: other.appointmentId ?? null, to: other.to },
        }
      : d;
  });
}

/** The number an SMS goes to, per appointment: where recipients are told apart as duplicates. */
const numberOf = (d: Decision) => `${d.to} a${d.appointmentId ?? 0}`;

/**
 * What will become of a call that waits on its SMS, as far as the number's line type tells now:
 * a known mobile gets the SMS instead, anything not yet checked could go either way.
 */
export function expectedCall(d: Decision): "called" | "sms_instead" | "unknown" {
  if (!d.waitsOnSms) return "called";
  return d.lineType === "mobile" || d.lineType === "voip" ? "sms_instead" : "unknown";
}

/** The recipients whose SMS is ruled out while their call goes: called instead of texted. */
export function calledInsteadOfTexted(sms: Decision[], calls: Decision[]): Set<string> {
  const ruledOut = new Set(sms.filter((d) => d.skip).map(who));
  return new Set(calls.filter((d) => !d.skip && !d.waitsOnSms && ruledOut.has(who(d))).map(who));
}
