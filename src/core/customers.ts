// Customer input rules shared by the form, the API and CSV import.
import { z } from "zod";
import { CHANNELS, type Channel } from "../db/schema.ts";
import { optionalPhone } from "./phone.ts";
import { flag, optionalEmail, optionalLocale, optionalText, optionalTimeZone } from "./validation.ts";

export const consentFields = z
  .object({ email: flag.optional(), sms: flag.optional(), voice: flag.optional() }, { error: "must be an object like {\"email\": true}" })
  .optional();

/** A customer as forms, the API and CSV rows send it (snake_case, SPEC I3). */
export const customerFields = z
  .object({
    first_name: optionalText(100),
    last_name: optionalText(100),
    email: optionalEmail,
    phone: optionalPhone,
    locale: optionalLocale,
    time_zone: optionalTimeZone,
    consent: consentFields,
  })
  .superRefine((c, ctx) => {
    if (!c.first_name && !c.last_name && !c.email && !c.phone) {
      ctx.addIssue({ code: "custom", path: ["first_name"], message: "give at least a name, an e-mail address or a phone number" });
    }
  });

export type CustomerFields = z.infer<typeof customerFields>;
export type ConsentInput = NonNullable<CustomerFields["consent"]>;

/**
 * Consent columns to write: a channel whose consent changes gets the new source and time;
 * one that stays as it was keeps its original record (SPEC C: consent with source and time).
 */
export function consentChanges(
  current: Partial<Record<Channel, boolean>> | null,
  wanted: ConsentInput | undefined,
  source: string,
  now: Date,
) {
  const out: Record<string, boolean | string | Date | null> = {};
  for (const channel of CHANNELS) {
    const want = wanted?.[channel];
    if (want === undefined) continue;
    if (current && current[channel] === want) continue;
    // A new customer without consent has nothing to record: there was nothing to withdraw.
    if (!current && !want) continue;
    const key = channel.charAt(0).toUpperCase() + channel.slice(1);
    out[`consent${key}`] = want;
    out[`consent${key}Source`] = want ? source : `withdrawn: ${source}`;
    out[`consent${key}At`] = now;
  }
  return out;
}
