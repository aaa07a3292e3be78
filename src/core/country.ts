// Countries: how a studio's country is known (set in settings, else read from its time zone) and
// the codes staff may choose. Pure.
import ct from "countries-and-timezones";
import { getCountries, isSupportedCountry } from "libphonenumber-js/max";

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
const WITH_THE = new Set(["US", "GB", "NL", "CZ", "PH", "AE", "DO", "BS", "GM"]);

/** "Germany", "United States": a country's name as a list or a heading shows it. */
export function countryLabel(country: string): string {
  return isCountry(country) ? (regionNames.of(country) ?? country) : country;
}

/** "Germany", "the United States": a country code as a sentence names it. */
export function countryName(country: string): string {
  const name = countryLabel(country);
  return WITH_THE.has(country) ? `the ${name}` : name;
}

/** Whether `code` is an upper-case ISO 3166 alpha-2 code whose phone numbers we can read. */
export function isCountry(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
}

/** Every country staff may choose, as [code, name], by name. */
export const COUNTRIES: [string, string][] = getCountries()
  .map((c): [string, string] => [c, countryLabel(c)])
  .sort((a, b) => a[1].localeCompare(b[1], "en"));

/** The country of an IANA time zone (Europe/Berlin → DE), or null (UTC, unknown zones). */
export function countryOfZone(zone: string): string | null {
  const found = ct.getTimezone(zone)?.countries[0];
  return found && isCountry(found) ? found : null;
}

/** The studio's country: as set, else its time zone's, else the US (the default before countries existed). */
export function studioCountry(s: { country: string; timeZone: string }): string {
  return (s.country && isCountry(s.country) ? s.country : null) ?? countryOfZone(s.timeZone) ?? "US";
}

/** An ISO alpha-2 code as typed (any case, blank = none), checked. */
export function readCountry(v: string): { ok: true; code: string } | { ok: false; problem: string } {
  const code = v.trim().toUpperCase();
  if (isCountry(code)) return { ok: true, code };
  // The one code people commonly write that ISO 3166 does not have (it is reserved, not assigned).
  if (code === "UK") return { ok: false, problem: "must be a two-letter country code: UK is written GB (ISO 3166)" };
  return { ok: false, problem: "must be a two-letter country code, like US, GB, DE or FR" };
}

const EURO = new Set([
  "AT",
  "BE",
  "CY",
  "DE",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PT",
  "SI",
  "SK",
  "AD",
  "MC",
  "SM",
  "VA",
  "ME",
  "XK",
]);
const CURRENCY: Record<string, string> = {
  GB: "GBP",
  CH: "CHF",
  LI: "CHF",
  CA: "CAD",
  AU: "AUD",
  NZ: "NZD",
  SE: "SEK",
  NO: "NOK",
  DK: "DKK",
  PL: "PLN",
  JP: "JPY",
};
const LANGUAGE: Record<string, string> = {
  DE: "de",
  AT: "de",
  LI: "de",
  FR: "fr",
  MC: "fr",
  ES: "es",
  MX: "es",
  AR: "es",
  CO: "es",
  CL: "es",
  PE: "es",
};

/** What a new studio in `country` most likely uses, until the owner says otherwise in Settings. */
export function countryDefaults(country: string): { currency: string; locale: string } {
  return { currency: EURO.has(country) ? "EUR" : (CURRENCY[country] ?? "USD"), locale: LANGUAGE[country] ?? "en" };
}
