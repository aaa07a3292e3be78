/** @jsxImportSource hono/jsx */
// What the customer list, form and page share: names, dates and consent as the staff reads them.
import type { FC } from "hono/jsx";
import { staffDay, staffTimeOrDash } from "../src/core/date-format.ts";
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { Customer } from "../src/db/schema.ts";
import { CHANNELS, type Channel } from "../src/core/vocabulary.ts";

export type Namesake = { id: number; firstName: string; lastName: string };

/** "First Last", or "(no name)" for a customer known only by an address. */
export const fullName = (c: { firstName: string; lastName: string }) =>
  `${c.firstName} ${c.lastName}`.trim() || "(no name)";
export const day = (d: Date | null, tz: string) => (d ? staffDay(d, tz) : "—");
export const minute = (d: Date | null, tz: string) => staffTimeOrDash(d, tz);

export function consentOf(c: Customer, channel: Channel): { given: boolean; source: string | null; at: Date | null } {
  if (channel === "email") return { given: c.consentEmail, source: c.consentEmailSource, at: c.consentEmailAt };
  if (channel === "sms") return { given: c.consentSms, source: c.consentSmsSource, at: c.consentSmsAt };
  return { given: c.consentVoice, source: c.consentVoiceSource, at: c.consentVoiceAt };
}

export const ConsentBadges: FC<{ customer: Customer }> = ({ customer }) => (
  <span class="consent-badges">
    {CHANNELS.map((ch) => {
      const { given, source } = consentOf(customer, ch);
      return (
        <span
          class={given ? "badge yes" : "badge consent-no"}
          title={given ? `${CHANNEL_LABELS[ch]} consent: ${source ?? ""}` : `No ${CHANNEL_LABELS[ch]} consent`}
        >
          {CHANNEL_LABELS[ch]}
          {given ? " ✓" : " ✗"}
        </span>
      );
    })}
  </span>
);

/** aria-invalid for a field the form refused. */
export const invalid = (name: string, errors: FieldErrors) => (errors[name] ? "true" : undefined);
