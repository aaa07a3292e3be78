import { pickLanguage, t } from "./i18n/translate.ts";
import { signLinkToken } from "./link-tokens.ts";
import { isTrackable, rewriteTextUrls } from "./tracked-links.ts";

// What an SMS costs and how replies are read (SPEC P3, D9). Carriers bill per segment: GSM-7
// texts fit 160 units in one segment and 153 per segment once split (the rest carries the
// concatenation header); one character outside GSM-7 turns the whole text into UCS-2 at 70/67.

// 3GPP TS 23.038 basic set (without the escape character itself) and its extension table,
// whose characters are sent as escape + character and so take two units.
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENSION = new Set("^{}\\[~]|€\f");

export type SmsInfo = {
  encoding: "GSM-7" | "UCS-2";
  /** What a person counts: user-perceived characters (an emoji with skin tone is one). */
  characters: number;
  /** What the carrier counts: GSM-7 septets, or UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  perSegment: number;
  /** The characters that forced UCS-2, so staff can replace a stray ’ or emoji. */
  nonGsm: string[];
  warning?: string;
  /** Links were counted as the tracked links they become (smsInfoAsSent). */
  linksTracked?: boolean;
};

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Encoding, length and segment count of an SMS body, with a warning when it runs long. */
export function smsInfo(text: string): SmsInfo {
  const chars = Array.from(text);
  const nonGsm = [...new Set(chars.filter((c) => !GSM_BASIC.has(c) && !GSM_EXTENSION.has(c)))];
  const gsm = nonGsm.length === 0;
  // Unit cost per code point; a character is never split across two segments.
  const costs = chars.map((c) => (gsm ? (GSM_EXTENSION.has(c) ? 2 : 1) : c.length));
  const units = costs.reduce((a, b) => a + b, 0);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  const segments = units === 0 ? 0 : units <= single ? 1 : packedSegments(costs, multi);
  let characters = 0;
  for (const _ of graphemes.segment(text)) characters++;
  const info: SmsInfo = {
    encoding: gsm ? "GSM-7" : "UCS-2",
    characters,
    units,
    segments,
    perSegment: segments > 1 ? multi : single,
    nonGsm,
  };
  if (characters > 150)
    info.warning = `Long messages cost more: this one is ${segments} ${segments === 1 ? "segment" : "segments"}`;
  return info;
}

// Characters that force UCS-2 and show as nothing (or as a plain space): staff cannot find
// them by looking, so the counter names them instead of showing a blank.
const INVISIBLE: Record<string, string> = {
  "\u00A0": "non-breaking space",
  "\u00AD": "soft hyphen",
  "\u2009": "thin space",
  "\u200B": "zero-width space",
  "\u200C": "zero-width non-joiner",
  "\u200D": "zero-width joiner",
  "\u200E": "left-to-right mark",
  "\u200F": "right-to-left mark",
  "\u2028": "line separator",
  "\u202F": "narrow non-breaking space",
  "\u2060": "word joiner",
  "\uFEFF": "zero-width no-break space",
};

/** A character as the counter names it: itself, or for an invisible one its name and code ("non-breaking space (U+00A0)"). */
export function characterLabel(ch: string): string {
  const name = INVISIBLE[ch];
  if (!name) return ch;
  return `${name} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`;
}

function packedSegments(costs: number[], perSegment: number): number {
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > perSegment) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return segments;
}

export const OPT_OUT_HINT = "Reply STOP to opt out.";

/** The opt-out line in the studio's language: what a save counts (a customer's own language may differ, see compose.ts). */
export const studioOptOutHint = (studioLocale: string | null | undefined) =>
  t(pickLanguage(null, studioLocale), "sms.optOut");

/**
 * What a save counts of an SMS beyond its own text, for one studio: `hint`, its opt-out line;
 * `trackedBase`, its public address when it tracks links (each trackable address in the text is
 * sent as `<base>/t/<token>`, which can be longer than the address itself).
 */
export type SmsSaveCheck = { hint?: string; trackedBase?: string };

/** The studio's save check: its opt-out line, and its public address if it tracks links. */
export function smsSaveCheck(
  studio: { locale: string | null; trackLinks: boolean; publicUrl: string },
  configPublicUrl: string,
): SmsSaveCheck {
  const hint = studioOptOutHint(studio.locale);
  return studio.trackLinks ? { hint, trackedBase: studio.publicUrl || configPublicUrl } : { hint };
}

// The longest tracked-link token: every id it names (customer, delivery, link) at the largest
// a token can carry. Computed from the real signing, so a change to the token's layout follows.
const LARGEST_ID = Number.MAX_SAFE_INTEGER;
export const LONGEST_TRACK_TOKEN = signLinkToken("length only", {
  purpose: "track",
  customerId: LARGEST_ID,
  subjectId: LARGEST_ID,
  linkId: LARGEST_ID,
}).length;

/**
 * `text` with each trackable address replaced by a stand-in as long as the longest tracked link
 * it can become (`<base>/t/<token>`): what a length check counts, never shorter than what is sent.
 */
export function withTrackedLinkLengths(text: string, base: string): { text: string; changed: boolean } {
  const stand = `${base.replace(/\/+$/, "")}/t/${"x".repeat(LONGEST_TRACK_TOKEN)}`;
  let changed = false;
  const out = rewriteTextUrls(text, (url) => {
    if (!isTrackable(url, base)) return undefined;
    changed = true;
    return stand;
  });
  return { text: out, changed };
}

/**
 * The counter's numbers for `text` as it is sent: with `trackedBase` (the studio tracks links)
 * each trackable address counts as the longest tracked link it becomes, as the save check counts it.
 */
export function smsInfoAsSent(text: string, sms: Pick<SmsSaveCheck, "trackedBase">): SmsInfo {
  if (!sms.trackedBase) return smsInfo(text);
  const tracked = withTrackedLinkLengths(text, sms.trackedBase);
  return tracked.changed ? { ...smsInfo(tracked.text), linksTracked: true } : smsInfo(text);
}

/** Twilio refuses a text longer than this (error 21617): the text as sent, opt-out line included. */
export const SMS_MAX = 1_600;

/**
 * A text's line breaks as a phone gets them: a browser posts a textarea's breaks as CRLF, and
 * on a phone the CR is one more character paid for. Every input edge of an SMS text calls this,
 * so what is counted, previewed, tested and sent is the same text.
 */
export const smsLineBreaks = (text: string): string => text.replace(/\r\n?/g, "\n");

const count = (n: number) => n.toLocaleString("en");

/**
 * Why `text` (as it will be sent: filled in, opt-out line added) is too long for Twilio, or null.
 * Twilio counts UTF-16 units (an emoji is two) where the counter shows characters as a person
 * reads them, so when the two differ both are named: staff see 801 on the counter, not 1,602.
 * `hintAdded`: the opt-out line is part of `text`; `placeholdersLeftOut`: only the fixed part was counted.
 */
export function smsLengthProblem(
  text: string,
  how: { hintAdded: boolean; placeholdersLeftOut?: boolean; linksTracked?: boolean },
): string | null {
  if (text.length <= SMS_MAX) return null;
  const characters = smsInfo(text).characters;
  const size =
    characters === text.length
      ? `${count(characters)} characters`
      : `${count(characters)} characters, which Twilio counts as ${count(text.length)} (an emoji or a rare symbol counts as two)`;
  const counted = [
    how.hintAdded && "the opt-out line Pigeon adds",
    how.linksTracked && "links counted as the short tracked links they become",
  ].filter(Boolean);
  const withHint = counted.length ? `with ${counted.join(" and ")}, ` : "";
  const fixed = how.placeholdersLeftOut ? " before its placeholders are filled in" : "";
  return `An SMS can hold at most ${count(SMS_MAX)} characters (Twilio's limit); ${withHint}this text has ${size}${fixed}`;
}

/** A template's fixed part: its placeholders left out, as they are filled only at sending. */
const fixedPart = (template: string) => template.replace(/\{\{[^{}]*\}\}/g, "");

/**
 * The save-time check of an SMS template: its fixed part with the opt-out line `hint` (when
 * `required`) must fit, or it cannot fit for anyone. With `trackedBase` (the studio tracks
 * links) each trackable address counts as the longest tracked link it can become, so a text
 * that passes here is not failed at sending for every recipient once its links are rewritten.
 * What placeholders add is checked per delivery when sending (dispatch/compose.ts), which fails
 * that one delivery naming the limit.
 */
export function smsTemplateLengthProblem(
  template: string,
  options: { required: boolean } & SmsSaveCheck,
): string | null {
  const text = smsLineBreaks(template);
  const fixed = fixedPart(text);
  const tracked = options.trackedBase ? withTrackedLinkLengths(fixed, options.trackedBase) : null;
  const sent = withOptOutHint(tracked?.text ?? fixed, options);
  return smsLengthProblem(sent, {
    hintAdded: options.required && !/\bSTOP\b/i.test(fixed),
    placeholdersLeftOut: fixed !== text,
    linksTracked: tracked?.changed ?? false,
  });
}

/**
 * Appends the opt-out hint when it is required and the text does not already mention STOP.
 * `hint` is the hint in the recipient's language; every one keeps the keyword STOP in English,
 * the word carriers and Twilio act on.
 */
export function withOptOutHint(text: string, options: { required: boolean; hint?: string }): string {
  if (!options.required || /\bSTOP\b/i.test(text)) return text;
  const hint = options.hint ?? OPT_OUT_HINT;
  const body = text.trimEnd();
  if (body === "") return hint;
  return `${body}${body.includes("\n") ? "\n" : " "}${hint}`;
}

// Twilio's default Advanced Opt-Out keywords; Twilio itself also acts on them, we mirror it.
export const STOP_KEYWORDS = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"] as const;
export const START_KEYWORDS = ["START", "UNSTOP", "YES"] as const;
export const HELP_KEYWORDS = ["HELP", "INFO"] as const;

export type InboundKind = "stop" | "start" | "help" | "other";

const KIND_BY_WORD = new Map<string, InboundKind>([
  ...STOP_KEYWORDS.map((k) => [k, "stop"] as const),
  ...START_KEYWORDS.map((k) => [k, "start"] as const),
  ...HELP_KEYWORDS.map((k) => [k, "help"] as const),
]);

/**
 * Whether a reply is an opt-out, opt-in or help request. Only a whole-message keyword counts,
 * as with Twilio: "Stop." does, "Please don't stop sending" must not unsubscribe anyone.
 */
export function classifyInboundSms(body: string): InboundKind {
  const word = body
    .trim()
    .replace(/[\s.!?,;:]+$/u, "")
    .toUpperCase();
  return KIND_BY_WORD.get(word) ?? "other";
}
