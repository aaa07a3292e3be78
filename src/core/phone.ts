// Phone numbers are stored in E.164. Staff type them in many shapes; we accept the common
// ones and refuse what we cannot turn into a number with certainty.
import { z } from "zod";

const callingCodes: Record<string, string> = { US: "1", CA: "1", GB: "44", DE: "49", AT: "43", CH: "41", FR: "33", NL: "31", AU: "61" };

/** Normalises to E.164 or returns null. National numbers need a country (default US). */
export function toE164(input: string, country = "US"): string | null {
  const trimmed = input.trim();
  if (trimmed === "") return null;
  if (/[^\d\s()+.\-/]/.test(trimmed)) return null;
  let digits = trimmed.replace(/[^\d+]/g, "");
  if (digits.startsWith("00")) digits = `+${digits.slice(2)}`;
  if (!digits.startsWith("+")) {
    const code = callingCodes[country.toUpperCase()];
    if (!code) return null;
    const national = digits.replace(/^0/, "");
    if (code === "1" && national.length === 11 && national.startsWith("1")) digits = `+${national}`;
    else digits = `+${code}${national}`;
  }
  return /^\+[1-9]\d{6,14}$/.test(digits) ? digits : null;
}

export const optionalPhone = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? null : v),
  z
    .string({ error: "must be a phone number" })
    .transform((v, ctx) => {
      const e164 = toE164(v);
      if (!e164) {
        ctx.addIssue({ code: "custom", message: "must be a phone number like +1 555 123 4567" });
        return z.NEVER;
      }
      return e164;
    })
    .nullable()
    .optional(),
);
