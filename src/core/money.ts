// Money (issue 11): amounts are whole minor units of their own ISO 4217 currency — cents, but
// whole yen and thousandths of a dinar — so no amount ever goes through binary fractions, and
// Intl decides both how many decimals a currency has and how a locale writes it.
import { z } from "zod";

export const CURRENCY_PROBLEM = "must be a currency code like EUR or USD (ISO 4217)";
export const AMOUNT_PROBLEM = "must be an amount like 24.90";

// ISO 4217's current currencies (List One, 2025), without what no studio sells in: the funds
// and units of account (BOV CHE CHW CLF COU MXV USN UYI UYW, XBA–XBD XDR XSU XUA), the metals
// (XAG XAU XPD XPT), the test code XTS and "no currency" XXX. A pattern would let "XYZ" in, and
// the runtime's own list is no better: Bun's ICU lists 300-odd codes, withdrawn ones included
// (DEM, FRF, HRK, VEF), so a typo'd or long-dead code would be taken as a price. Kept to codes
// the runtime can also format. A currency ISO adds later (XCG came in 2025) is added here.
const CURRENT_ISO_4217 = `
  AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
  CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
  GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW
  KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR
  MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR
  SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
  USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG`;
const RUNTIME_CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
const CURRENCIES = new Set(
  CURRENT_ISO_4217.trim()
    .split(/\s+/)
    .filter((code) => RUNTIME_CURRENCIES.has(code)),
);

/** True for a current ISO 4217 currency a studio can sell in, in capitals ("EUR", not "eur"). */
export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}

/** An ISO 4217 code as typed ("eur " is EUR), refused by name when no such currency exists. */
export const currencyCode = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toUpperCase() : v),
  z.string({ error: CURRENCY_PROBLEM }).refine(isCurrency, CURRENCY_PROBLEM),
);

// Asked per recipient of a batch, and each answer costs the runtime a formatter: kept.
const formatters = new Map<string, Intl.NumberFormat>();
function formatter(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency });
    if (formatters.size < 10_000) formatters.set(key, f);
  }
  return f;
}

/** How many decimals the currency's minor unit has: 2 for EUR and USD, 0 for JPY, 3 for BHD. */
export function currencyDigits(currency: string): number {
  return formatter("en", currency).resolvedOptions().maximumFractionDigits ?? 2;
}

const DECIMAL = /^(\d{1,9})(?:\.(\d+))?$/;
const decimalText = (amount: unknown) =>
  typeof amount === "number" ? String(amount) : typeof amount === "string" ? amount.trim() : "";

/** True for a plain decimal ("24.90", 24.9, "2490"), whatever currency it will be read in. */
export function isDecimal(amount: unknown): boolean {
  return DECIMAL.test(decimalText(amount));
}

export type AmountResult = { ok: true; minor: number } | { ok: false; problem: string };

/**
 * A decimal amount ("24.9", 24.9, "2490") in minor units of `currency`. Decimals the currency
 * does not have are refused rather than rounded: 24.999 euros is a typo, not 25.00. Zeros past
 * them change nothing and are let through ("2490.00" yen, as spreadsheets write it).
 */
export function toMinor(amount: unknown, currency: string): AmountResult {
  const m = DECIMAL.exec(decimalText(amount));
  if (!m) return { ok: false, problem: AMOUNT_PROBLEM };
  const digits = currencyDigits(currency);
  const fraction = (m[2] ?? "").replace(/0+$/, "");
  if (fraction.length > digits) {
    return {
      ok: false,
      problem:
        digits === 0
          ? `must be a whole number of ${currency}`
          : `must have at most ${digits} decimal places for ${currency}`,
    };
  }
  return { ok: true, minor: Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0") };
}

// Spaces and apostrophes group digits in several languages (fr: 1 000, de-CH: 1'000); staff type
// whichever of the look-alikes their keyboard has, so each family is read as one character.
const sameSeparator = (ch: string) => (/^[\s\u00a0\u202f]$/u.test(ch) ? " " : ch === "\u2019" ? "'" : ch);
const separators = new Map<string, { group: string; decimal: string }>();

/** How `locale` groups thousands and marks decimals in Latin digits: en "," and ".", de "." and ",". */
function separatorsOf(locale: string) {
  let s = separators.get(locale);
  if (!s) {
    const parts = new Intl.NumberFormat(locale, { numberingSystem: "latn" }).formatToParts(1234567.5);
    s = {
      group: sameSeparator(parts.find((p) => p.type === "group")?.value ?? ","),
      decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
    };
    if (separators.size < 1000) separators.set(locale, s);
  }
  return s;
}

const escape = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** How `locale` writes a larger and a usual amount of `currency`: "1,000.50 or 24.90", "1.000 or 2.490" (de, yen). */
function writtenLike(currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  const f = new Intl.NumberFormat(locale, {
    numberingSystem: "latn",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: "always",
  });
  const large = digits === 0 ? 1000 : 1000.5;
  return `${f.format(large)} or ${f.format(fromMinor(exampleMinor(currency), currency))}`.replace(
    /[\u00a0\u202f]/g,
    " ",
  );
}

/**
 * An amount typed by staff, read the way the studio's language writes numbers: in en "1,000.50",
 * in de "1.000,50". The grouping separator is taken only between proper groups of three, so
 * "24,90" in an English studio (a German habit, or a typo) is refused rather than read as 2,490;
 * and decimals the currency lacks are refused even when they are zeros, since "1.000" typed
 * for yen in an English studio may well mean a thousand. The API keeps plain decimals (toMinor).
 */
export function typedAmount(typed: string, currency: string, locale: string): AmountResult {
  const { group, decimal } = separatorsOf(locale);
  const text = [...typed.trim()].map(sameSeparator).join("");
  const g = escape(group);
  // Grouped amounts start with a non-zero group: "0.500" is no thousand, it is a misplaced decimal.
  const shape = new RegExp(`^(\\d{1,9}|[1-9]\\d{0,2}(?:${g}\\d{3})+)(?:${escape(decimal)}(\\d+))?$`);
  const m = shape.exec(text);
  const whole = m?.[1]!.split(group).join("");
  if (!m || whole!.length > 9)
    return { ok: false, problem: `must be an amount written like ${writtenLike(currency, locale)}` };
  const digits = currencyDigits(currency);
  const fraction = m[2] ?? "";
  if (fraction.length > digits) {
    return {
      ok: false,
      problem:
        digits === 0
          ? `must be a whole number of ${currency}`
          : `must have at most ${digits} decimal places for ${currency}`,
    };
  }
  return toMinor(fraction ? `${whole}.${fraction}` : whole, currency);
}

/** An example amount as staff type it in `locale`: "24.90" in en, "24,90" in de, "2,490" yen in en. */
export function exampleTypedAmount(currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(locale, {
    numberingSystem: "latn",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  })
    .format(fromMinor(exampleMinor(currency), currency))
    .replace(/[\u00a0\u202f]/g, " ");
}

/** Minor units back as a decimal number of the currency (2490 EUR → 24.9), for the API's `amount`. */
export function fromMinor(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency);
}

/** An amount as the locale writes it: "24,90 €" in de, "$24.90" in en-US, "￥2,490" in ja. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  return formatter(locale, currency).format(fromMinor(minor, currency));
}

/**
 * As formatMoney, with plain spaces where Intl puts no-break ones ("24,90 €" in de, "1 234,50 €"
 * in fr): those are outside GSM-7, and one of them would make a whole SMS UCS-2, at 70
 * characters a segment instead of 160.
 */
export function formatMoneyForMessage(minor: number, currency: string, locale: string): string {
  return formatMoney(minor, currency, locale).replace(/[\u00a0\u202f]/g, " ");
}

// 24.90 where the currency has cents, but 2,490 yen: a price of 25 yen would look like a mistake.
const exampleMinor = (currency: string) => {
  const digits = currencyDigits(currency);
  return digits === 0 ? 2490 : 249 * 10 ** (digits - 1);
};

/** The example `{{order.amount}}` a preview without a real order shows: "$24.90", "24,90 €". */
export function exampleMoney(currency: string, locale: string): string {
  return formatMoneyForMessage(exampleMinor(currency), currency, locale);
}
