// How Pigeon writes dates and times. For customers (placeholders, SMS replies): in their own zone
// and language, as Intl writes them ("1. September 2026"). For staff: in the studio's time zone,
// always with the zone named, in one compact form ("2026-09-01 12:00 CEST") on every page. The name changes with DST (CEST/CET,
// CDT/CST, GMT+11/GMT+10), so the hour a fall-back night shows twice still reads two ways.
// Exports carry ISO 8601 with the offset instead ("2026-09-01T12:00:00+02:00"): a spreadsheet or
// a script reads that without knowing any zone names.
import { usableTimeZone } from "./intl.ts";
import { zonedParts, zonedTimeToInstant } from "./send-window.ts";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

// ICU names a zone only in the English of a region that uses the name (CEST in en-GB, CDT in
// en-US, AEST in en-AU); elsewhere it says "GMT+2". The first region that has a name wins, per zone.
const NAMING_LOCALES = ["en-US", "en-GB", "en-AU"];
const namers = new Map<string, Intl.DateTimeFormat>();
const weekdays = new Map<string, Intl.DateTimeFormat>();

const zoneName = (f: Intl.DateTimeFormat, d: Date) =>
  f.formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "";
const isOffset = (name: string) => /^(GMT|UTC)[+-−]/u.test(name);

function namer(timeZone: string): Intl.DateTimeFormat {
  let f = namers.get(timeZone);
  if (!f) {
    const candidates = NAMING_LOCALES.map(
      (locale) => new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" }),
    );
    const probes = [new Date(Date.UTC(2026, 0, 15)), new Date(Date.UTC(2026, 6, 15))];
    f = candidates.find((c) => probes.every((d) => !isOffset(zoneName(c, d)))) ?? candidates[0]!;
    namers.set(timeZone, f);
  }
  return f;
}

/** The zone's short name at `d` as staff see it: "CEST", "CST", "GMT+5:30". */
export function zoneAbbreviation(d: Date, timeZone: string): string {
  return zoneName(namer(usableTimeZone(timeZone)), d);
}

/** "2026-09-01 12:00 CEST" (`seconds`: "12:00:05", `weekday`: "Tue 2026-09-01 …") in the studio's zone. */
export function staffTime(d: Date, timeZone: string, opts: { seconds?: boolean; weekday?: boolean } = {}): string {
  const tz = usableTimeZone(timeZone);
  const p = zonedParts(d, tz);
  const time = `${pad(p.hour)}:${pad(p.minute)}${opts.seconds ? `:${pad(p.second)}` : ""}`;
  return `${opts.weekday ? `${weekday(d, tz)} ` : ""}${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${time} ${zoneAbbreviation(d, tz)}`;
}

/** "12:00 CEST": the time of day alone, for an instant that is obviously today. */
export function staffClock(d: Date, timeZone: string): string {
  const tz = usableTimeZone(timeZone);
  const p = zonedParts(d, tz);
  return `${pad(p.hour)}:${pad(p.minute)} ${zoneAbbreviation(d, tz)}`;
}

/** "2026-09-01 12:00 CEST", or "—" for no time at all. */
export function staffTimeOrDash(d: Date | null | undefined, timeZone: string, opts?: { seconds?: boolean }): string {
  return d ? staffTime(d, timeZone, opts) : "—";
}

/** "2026-09-01": the studio's calendar day at `d`. */
export function staffDay(d: Date, timeZone: string): string {
  const p = zonedParts(d, usableTimeZone(timeZone));
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/**
 * The instant a calendar day typed on a staff form ("2026-10-25") stands for: noon of that day
 * in the studio's zone, so staffDay gives the same day back. Not UTC midnight, which is the
 * evening before west of UTC (São Paulo); and noon rather than midnight, so a customer a few
 * zones away still reads the same day, and no DST jump (they happen at night) can move it.
 */
export function staffDayInstant(isoDay: string, timeZone: string): Date {
  const [year, month, day] = isoDay.split("-").map(Number) as [number, number, number];
  return zonedTimeToInstant({ year, month, day }, "12:00", usableTimeZone(timeZone));
}

/** "2026-09-01T12:00:00+02:00": ISO 8601 with the studio zone's offset, for exports. */
export function isoWithOffset(d: Date, timeZone: string): string {
  const p = zonedParts(d, usableTimeZone(timeZone));
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const minutes = Math.round((wall - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export type CustomerDateStyle = "long" | "weekday" | "time" | "date" | "datetime";

const CUSTOMER_STYLES: Record<CustomerDateStyle, Intl.DateTimeFormatOptions> = {
  long: { weekday: "long", year: "numeric", month: "long", day: "numeric" },
  weekday: { weekday: "long", month: "long", day: "numeric" },
  time: { hour: "numeric", minute: "2-digit" },
  date: { dateStyle: "long" },
  datetime: { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" },
};

// Building an Intl formatter costs far more than using one, and a message's start values a
// hundred thousand recipients: one formatter per locale, zone and style, made once.
const customerFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * `d` as a customer reads it, in their language and zone (both already checked usable, see
 * intl.ts): "Dienstag, 1. September" (weekday), "14:30" (time), "1. September 2026" (date).
 */
export function customerDate(d: Date, locale: string, timeZone: string, style: CustomerDateStyle): string {
  const key = `${locale}|${timeZone}|${style}`;
  let f = customerFormats.get(key);
  if (!f) customerFormats.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone, ...CUSTOMER_STYLES[style] })));
  return f.format(d);
}

/** A calendar day ("2026-09-14", no time, no zone) as a customer reads it: "Montag, 14. September 2026". */
export function customerDay(isoDay: string, locale: string): string {
  // Noon UTC is the same calendar day everywhere a day is written, so the zone cannot move it.
  return customerDate(new Date(`${isoDay}T12:00:00Z`), locale, "UTC", "long");
}

function weekday(d: Date, timeZone: string): string {
  let f = weekdays.get(timeZone);
  if (!f) weekdays.set(timeZone, (f = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short" })));
  return f.format(d);
}
