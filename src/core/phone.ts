// Phone numbers are stored in E.164, with any extension kept apart. Staff type them in their
// country's national format, so a number is read in a country (the customer's, else the
// studio's) by libphonenumber's tables; only numbers valid there are taken: a wrong guess
// would text a stranger. Pure: no settings are read here, the country is passed in.
import examples from "libphonenumber-js/examples.mobile.json";
import {
  type CountryCode,
  getCountryCallingCode,
  getExampleNumber,
  Metadata,
  type PhoneNumber,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from "libphonenumber-js/max";
import { countryName, isCountry } from "./country.ts";

export type ParsedPhone = { ok: true; e164: string; extension: string | null } | { ok: false; problem: string };

// Digits and the separators people type, then an optional extension (x123, ext. 123, ;ext=123, #123).
// Anything else ("call 030 …", letters) is refused rather than mined for digits.
const EXTENSION = /(?:;ext=|\s*(?:ext\.?|extension|x|#)\s*)\d{1,10}$/i;
const SHAPE = new RegExp(`^\\+?[\\d\\s().\\-/]+(?:${EXTENSION.source.slice(0, -1)})?$`, "i");

/**
 * `input` as E.164 and extension, read in `country` (ISO alpha-2) unless it starts with `+` or
 * `00`; or why not, in words staff can act on.
 */
export function parsePhone(input: string, country: string): ParsedPhone {
  const text = input.trim();
  const home = (isCountry(country) ? country : "US") as CountryCode;
  if (!SHAPE.test(text) || !/\d/.test(text))
    return { ok: false, problem: `must be a phone number, like ${example(home)}` };
  const intl = text.startsWith("+");
  let found = parsePhoneNumberFromString(text, home);
  // 00 is the international prefix in most of the world; the library knows only the country's own (011 in the US).
  if (!found?.isValid() && text.startsWith("00")) {
    const retry = parsePhoneNumberFromString(`+${text.slice(2)}`, home);
    if (retry?.isValid()) found = retry;
  }
  if (found?.isValid()) {
    const problem = intl ? null : nationalFormProblem(text, found, home);
    return problem ? { ok: false, problem } : { ok: true, e164: found.number, extension: found.ext ?? null };
  }
  return {
    ok: false,
    problem: intl || text.startsWith("00") ? internationalProblem(text) : nationalProblem(text, home),
  };
}

/**
 * Why a number typed without `+` cannot be taken as libphonenumber read it, or null. The library
 * is lenient where a wrong guess texts a stranger: in Germany it reads American (212) 555-0123 as
 * a Solingen number (+49 212 5550123), since it does not insist on the trunk prefix 0; and it
 * takes leading digits that equal the country's own calling code as that code, so in Belgium
 * (324) 218-1793 became +32 4 218 17 93. So: the digits before the national number must be the
 * country's international prefix and code (0049 …), or the trunk prefix its national format
 * writes (0 in most of Europe; optional 1 in North America), and never a calling code alone.
 */
function nationalFormProblem(text: string, n: PhoneNumber, home: CountryCode): string | null {
  if (n.countryCallingCode !== getCountryCallingCode(home)) return null; // dialled with the country's international prefix (011 49 …)
  const digits = text.replace(EXTENSION, "").replace(/\D/g, "");
  const national = n.nationalNumber as string;
  if (!digits.endsWith(national)) return null; // the library's own prefix rules (carrier codes) read it: nothing to compare
  const before = digits.slice(0, -national.length);
  const written = n.formatNational().replace(/\D/g, "");
  const trunk = written.endsWith(national) ? written.slice(0, -national.length) : "";
  if (before === trunk) return null;
  const plan = new Metadata();
  plan.selectNumberingPlan(home);
  // libphonenumber's typings leave out the numbering plan's accessors, which it documents.
  // oxlint-disable-next-line pigeon/no-double-cast
  const numbering = plan.numberingPlan as unknown as { IDDPrefix(): string; nationalPrefix(): string | undefined };
  if (new RegExp(`^(?:${numbering.IDDPrefix()}|00)${n.countryCallingCode}$`).test(before)) return null;
  if (!trunk && before === numbering.nationalPrefix()) return null; // North America's optional 1
  if (trunk || before.startsWith(n.countryCallingCode)) {
    const rule = trunk
      ? `numbers there start with ${trunk} (like ${example(home)})`
      : `a number from there has no country code before it (like ${example(home)})`;
    return `is not a number in ${countryName(home)}: ${rule}; a number from another country needs its country code, like ${foreignExample(home)}`;
  }
  return null;
}

/** A number from abroad in international format, for messages: an American one unless the studio is there. */
function foreignExample(home: string): string {
  return getCountryCallingCode(home as CountryCode) === "1" ? "+44 20 7946 0018" : "+1 212 555 0123";
}

function internationalProblem(text: string): string {
  const plus = text.startsWith("00") ? `+${text.slice(2)}` : text;
  const length = validatePhoneNumberLength(plus);
  const code = plus.replace(/[^\d+]/g, "").match(/^\+\d{1,3}/)?.[0] ?? "+";
  if (length === "INVALID_COUNTRY") return `starts with ${code.slice(0, 4)}…, which is no country's calling code`;
  const n = parsePhoneNumberFromString(plus);
  const where = n?.country
    ? `${countryName(n.country)} (+${n.countryCallingCode})`
    : `starting +${n?.countryCallingCode ?? code.slice(1)}`;
  if (length === "TOO_SHORT") return `is too short for a number ${n?.country ? "in " : ""}${where}: a digit is missing`;
  if (length === "TOO_LONG") return `is too long for a number ${n?.country ? "in " : ""}${where}`;
  return `is not a valid number ${n?.country ? "in " : ""}${where}: check the digits`;
}

function nationalProblem(text: string, home: CountryCode): string {
  const length = validatePhoneNumberLength(text, home);
  const what =
    length === "TOO_SHORT"
      ? "is too short for"
      : length === "TOO_LONG"
        ? "is too long for"
        : "is not a valid number in";
  const other = home === "GB" ? "+49 30 1234567" : "+44 20 7946 0018";
  return `${what} ${what.endsWith("for") ? "a number in " : ""}${countryName(home)}: check the digits, or give it with its country code if it is from another country (like ${other})`;
}

/** A made-up number in `country`'s own format, for messages and placeholders. */
export function example(country: string): string {
  const code = isCountry(country) ? getCountryCallingCode(country as CountryCode) : "1";
  return (
    EXAMPLES[country] ??
    (isCountry(country) ? getExampleNumber(country as CountryCode, examples)?.formatNational() : undefined) ??
    `+${code} …`
  );
}

const EXAMPLES: Record<string, string> = {
  US: "(212) 555-0123",
  CA: "(416) 555-0123",
  GB: "020 7946 0018",
  DE: "030 1234567",
  AT: "01 234567",
  CH: "044 668 18 00",
  FR: "01 23 45 67 89",
  AU: "(02) 9374 4000",
};

/** E.164 of `input` read in `country`, or null (extension dropped): for places that only need the number. */
export function toE164(input: string, country: string): string | null {
  const p = parsePhone(input, country);
  return p.ok ? p.e164 : null;
}

/**
 * A stored number for staff to read: in its own country's national format when that is `home`
 * (the studio's country), else in international format; an extension follows as "ext. 12". A
 * stored value that no longer parses is shown as stored. Only for pages that show it: a form
 * that sends it back uses editablePhone.
 */
export function formatPhone(e164: string | null | undefined, home: string, extension?: string | null): string {
  if (!e164) return "";
  const n = parsePhoneNumberFromString(e164);
  const number = !n?.isValid() ? e164 : n.country === home ? n.formatNational() : n.formatInternational();
  return extension ? `${number} ext. ${extension}` : number;
}

/**
 * A stored number put back into a form: always in international format (+49 170 1234567), so
 * reading it again gives the same number whatever country is chosen beside it. In national
 * format, changing only the Country field re-read 0170 1234567 as an Austrian number.
 */
export function editablePhone(e164: string | null | undefined, extension?: string | null): string {
  if (!e164) return "";
  const n = parsePhoneNumberFromString(e164);
  const number = n?.isValid() ? n.formatInternational() : e164;
  return extension ? `${number} ext. ${extension}` : number;
}

/**
 * What the number itself tells of its line for free: a fixed line (it cannot receive SMS) or a
 * mobile; null where the number plan does not say (US and Canada mix both in one range).
 */
export function lineTypeHint(e164: string): "landline" | "mobile" | null {
  const type = parsePhoneNumberFromString(e164)?.getType();
  return type === "FIXED_LINE" ? "landline" : type === "MOBILE" ? "mobile" : null;
}

type LineType = "mobile" | "landline" | "voip" | "unknown";

/**
 * What is known of a number's line without asking: a lookup kept from earlier (it was paid for and
 * knows ported numbers), else the number plan's hint. A fixed line is a landline: no SMS, as a
 * lookup would say. A mobile hint only lets the SMS be tried, which is what an unknown line gets
 * too: if it is wrong, the SMS fails and a call that waits on it still goes. US and Canadian
 * numbers mix both in one range, so they get no hint and are looked up.
 */
export function knownLineType(stored: string | undefined, phone: string): LineType | undefined {
  return (stored as LineType | undefined) ?? lineTypeHint(phone) ?? undefined;
}

/** `misread`: set when the number may have been read as American; `maybeTypedAs` is the other reading, if any. */
export type StoredNumberProblem = { problem: string; misread?: { country: string; maybeTypedAs: string | null } };

/**
 * Why a stored number needs a look, or null: it no longer validates, or (with `askIfNorthAmerican`)
 * it is North American while its customer is elsewhere. The old parser read every national
 * number as American (German 0170 78678194 became +1 707 867 8194), so such a number MAY be a
 * stranger's; but it may as well be right, typed with +1 after the upgrade. So both readings are
 * given (the national number it would have been typed as in `country`, if any), and only the customer can say which is theirs. `country`: the customer's (any case), else the studio's.
 */
export function storedNumberProblem(
  stored: string,
  country: string,
  askIfNorthAmerican = true,
): StoredNumberProblem | null {
  const home = country.trim().toUpperCase();
  const p = parsePhone(stored, isCountry(home) ? home : "US");
  if (!p.ok) return { problem: p.problem };
  // Every country of the North American plan (the US, Canada, Jamaica, …) has +1 numbers of its own.
  if (
    !askIfNorthAmerican ||
    !p.e164.startsWith("+1") ||
    !isCountry(home) ||
    getCountryCallingCode(home as CountryCode) === "1"
  )
    return null;
  const digits = p.e164.slice(1);
  const typed = [`0${digits}`, `0${digits.slice(1)}`].map((t) => parsePhone(t, home)).find((t) => t.ok);
  const maybeTypedAs = typed?.ok ? typed.e164 : null;
  const reading = maybeTypedAs
    ? `: then it is ${formatPhone(maybeTypedAs, home)} (${formatPhone(maybeTypedAs, "")})`
    : "";
  return {
    problem: `is a North American number (${formatPhone(p.e164, "")}), but the customer is in ${countryName(home)}. It may have been typed without its country code before Pigeon knew countries${reading}`,
    misread: { country: home, maybeTypedAs },
  };
}
