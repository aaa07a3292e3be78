// What the law and regulators say about the hours a studio may contact people, by the studio's
// country, for the Settings page and a new studio's default sending window. Guidance only, kept
// short and modest: most of these rules are about marketing (telemarketing calls above all),
// and Pigeon's window is one range of hours, the same every day, in each recipient's own zone.

import { countryLabel } from "./country.ts";

export type Window = { start: string; end: string };
export type QuietHoursRules = {
  /** ISO 3166 alpha-2: the studio's country (studioCountry), always known. */
  country: string;
  countryName: string;
  /** What applies there, in a sentence or three. */
  summary: string;
  /** A window that stays within those rules on every day sending is allowed; null when there is none to recommend. */
  recommended: Window | null;
};

type Entry = { summary: string; recommended: Window };

const NO_STATUTE: Window = { start: "09:00", end: "21:00" };

const RULES: Record<string, Entry> = {
  US: {
    summary:
      "Federal rules (TCPA) allow telemarketing calls and texts only between 8:00 and 21:00 in the recipient's local time. Several states are stricter: Florida, Oklahoma and Maryland allow 8:00–20:00, and some states also limit Sundays and public holidays. Check your state's rules.",
    recommended: { start: "08:00", end: "20:00" },
  },
  CA: {
    summary:
      "The CRTC's telemarketing rules allow calls weekdays 9:00–21:30 and weekends 10:00–18:00, in the recipient's local time. Pigeon's window is the same every day, so 10:00–18:00 keeps weekends within them too.",
    recommended: { start: "10:00", end: "18:00" },
  },
  GB: {
    summary:
      "No hours are set in law. Marketing texts and e-mails need consent (PECR), and the regulators (ICO, Ofcom) expect calls and messages at reasonable hours.",
    recommended: NO_STATUTE,
  },
  DE: {
    summary:
      "No hours are set in law for messages about orders and appointments. Advertising by phone, SMS or e-mail needs the person's prior consent (UWG §7); keep to reasonable hours.",
    recommended: NO_STATUTE,
  },
  FR: {
    summary:
      "Marketing calls are allowed only on weekdays 10:00–13:00 and 14:00–20:00, never on Saturdays, Sundays or public holidays (décret n° 2022-1313); this matters for voice calls. Marketing texts and e-mails need prior consent. Pigeon's window cannot skip the lunch hour or weekends.",
    recommended: { start: "10:00", end: "20:00" },
  },
  ES: {
    summary:
      "Commercial phone calls are allowed only between 9:00 and 21:00 and never on weekends or public holidays (consumer law, art. 96 LGDCU), and need prior consent. Pigeon's window cannot skip weekends or holidays.",
    recommended: { start: "09:00", end: "21:00" },
  },
  AU: {
    summary:
      "The telemarketing standard allows calls weekdays 9:00–20:00 and Saturdays 9:00–17:00, never on Sundays or national public holidays. Pigeon's window is the same every day, so 9:00–17:00 keeps Saturdays within it; it cannot skip Sundays or holidays. Marketing texts need consent (Spam Act).",
    recommended: { start: "09:00", end: "17:00" },
  },
};

/** The sending-hours guidance for the studio's country (alpha-2, as studioCountry gives it). */
export function quietHoursRules(country: string): QuietHoursRules {
  const countryName = countryLabel(country);
  const entry = RULES[country];
  if (!entry)
    return {
      country,
      countryName,
      summary: `Pigeon has no notes on ${countryName}'s rules: check the local rules for marketing calls and messages.`,
      recommended: null,
    };
  return { country, countryName, ...entry };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function duration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const parts = [h && `${h} ${h === 1 ? "hour" : "hours"}`, m && `${m} ${m === 1 ? "minute" : "minutes"}`].filter(
    Boolean,
  );
  return parts.join(" ");
}

/** Why a window is wider than the one recommended, naming the difference; null when it is within it. */
export function windowWarning(window: Window, rules: QuietHoursRules): string | null {
  const rec = rules.recommended;
  if (!rec || !/^\d\d:\d\d$/.test(window.start) || !/^\d\d:\d\d$/.test(window.end)) return null;
  const early = minutesOf(rec.start) - minutesOf(window.start);
  const late = minutesOf(window.end) - minutesOf(rec.end);
  if (early <= 0 && late <= 0) return null;
  const how = [early > 0 && `opens ${duration(early)} earlier`, late > 0 && `closes ${duration(late)} later`]
    .filter(Boolean)
    .join(" and ");
  return `The sending window ${window.start}–${window.end} is wider than the recommended ${rec.start}–${rec.end} (${rules.countryName}): it ${how}.`;
}

/** A new studio's window: the install default narrowed to what its country's rules recommend. */
export function safeDefaultWindow(current: Window, country: string): Window {
  const rec = quietHoursRules(country).recommended;
  if (!rec) return current;
  return {
    start: minutesOf(rec.start) > minutesOf(current.start) ? rec.start : current.start,
    end: minutesOf(rec.end) < minutesOf(current.end) ? rec.end : current.end,
  };
}
