// Customer input rules shared by the form, the API and CSV import.
import { z } from "zod";
import { CHANNELS, type Channel } from "./vocabulary.ts";
import { readCountry } from "./country.ts";
import { parsePhone } from "./phone.ts";
import { flag, optionalEmail, optionalLocale, optionalText, optionalTimeZone } from "./validation.ts";

export const consentFields = z
  .object(
    { email: flag.optional(), sms: flag.optional(), voice: flag.optional() },
    { error: 'must be an object like {"email": true}' },
  )
  .optional();

/** An ISO alpha-2 country, any case (stored upper case); blank or null: none. */
export const optionalCountry = z.preprocess(
  (v) => (v === null || (typeof v === "string" && v.trim() === "") ? undefined : v),
  z
    .string({ error: "must be a two-letter country code, like US, GB, DE or FR" })
    .transform((v, ctx) => {
      const c = readCountry(v);
      if (!c.ok) ctx.addIssue({ code: "custom", message: c.problem });
      return c.ok ? c.code : z.NEVER;
    })
    .optional(),
);

/** Digits dialled after the number answers; blank or null: none. */
const optionalExtension = z.preprocess(
  (v) => (v === null || (typeof v === "string" && v.trim() === "") ? undefined : typeof v === "number" ? String(v) : v),
  z
    .string({ error: "must be digits" })
    .trim()
    .regex(/^\d{1,10}$/, "must be 1 to 10 digits")
    .optional(),
);

const fields = z.object({
  first_name: optionalText(100),
  last_name: optionalText(100),
  email: optionalEmail,
  /** As typed; read in `country`, else the studio's (see customerFields). */
  phone: optionalText(60),
  phone_extension: optionalExtension,
  country: optionalCountry,
  locale: optionalLocale,
  time_zone: optionalTimeZone,
  consent: consentFields,
});

/** The country a customer's typed number is read in: their own when valid, else the studio's; null when theirs is invalid. */
function phoneCountry(country: unknown, studioCountry: string): string | null {
  if (country === undefined) return studioCountry;
  const c = typeof country === "string" ? readCountry(country) : null;
  return c?.ok ? c.code : null;
}

type Out<C> = Omit<C, "phone" | "phone_extension"> & { phone?: string; phone_extension?: string };

/**
 * A customer as forms, the API and CSV rows send it (snake_case, SPEC I3). A national number is
 * read in the customer's country, else `studioCountry`, and comes out as E.164 with its extension
 * apart (an extension typed in the number wins over `phone_extension`).
 */
export function customerFields(studioCountry: string) {
  return (
    fields
      .superRefine((c, ctx) => {
        if (!c.first_name && !c.last_name && !c.email && !c.phone) {
          ctx.addIssue({
            code: "custom",
            path: ["first_name"],
            message: "give at least a name, an e-mail address or a phone number",
          });
        }
      })
      // Checked here, not only in the transform, so a bad number is named even when other fields are bad too.
      .superRefine(
        (c, ctx) => {
          const country = phoneCountry(c.country, studioCountry);
          if (typeof c.phone !== "string" || !c.phone.trim() || !country) return;
          const p = parsePhone(c.phone, country);
          if (!p.ok) ctx.addIssue({ code: "custom", path: ["phone"], message: p.problem });
        },
        { when: () => true },
      )
      .transform((c): Out<typeof c> => {
        const p = c.phone ? parsePhone(c.phone, c.country ?? studioCountry) : null;
        if (!p?.ok) return { ...c, phone: undefined, phone_extension: undefined };
        return { ...c, phone: p.e164, phone_extension: p.extension ?? c.phone_extension };
      })
  );
}

export type CustomerFields = z.infer<ReturnType<typeof customerFields>>;
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
