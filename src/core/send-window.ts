// Sending windows and quiet hours (SPEC D6): "09:00–21:00" means wall-clock time in the
// recipient's (else the job's, else the studio's) time zone, across DST changes.
//
// A wall-clock time the clock skips, or shows twice, resolves as Temporal's
// `disambiguation: "compatible"` does: a skipped time moves forward by the length of the gap
// (02:30 on a US spring-forward night is 03:30), a repeated time is its earlier occurrence.
// Offsets come from Intl, so they follow the runtime's time-zone data.

const DAY = 86_400_000;

// Building a DateTimeFormat costs far more than using one; a process sees a handful of zones.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Wall-clock parts of `instant` in `timeZone`. */
export function zonedParts(instant: Date, timeZone: string) {
  const format = formatFor(timeZone);
  // format() is several times faster than formatToParts(), and en-US with these options always
  // reads "MM/DD/YYYY, HH:MM:SS"; the parts are the fallback should a runtime differ.
  const n = format.format(instant).match(/\d+/g);
  if (n?.length === 6)
    return { year: +n[2]!, month: +n[0]!, day: +n[1]!, hour: +n[3]!, minute: +n[4]!, second: +n[5]! };
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

/** The instant of a UTC date and time (month 1–12): Date.UTC, except that years 0–99 stay themselves. */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.setUTCHours(hour, minute, second, 0);
}

/** The zone's offset from UTC at `instant` (epoch ms), in ms; constant within each whole second. */

function offsetMs(instant: number, timeZone: string): number {
  const p = zonedParts(new Date(instant), timeZone);
  return utcMs(p.year, p.month, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instants at which the clock in `timeZone` shows `wall` (a wall-clock time written as if it
 * were UTC), earliest first: none in a gap, two in an overlap. Like Temporal, it looks for the
 * offsets in force a day either side, so it sees one transition near `wall`, which is all real
 * zones have.
 */
function possibleInstants(wall: number, timeZone: string): number[] {
  const before = offsetMs(wall - DAY, timeZone);
  const after = offsetMs(wall + DAY, timeZone);
  const candidates = before === after ? [wall - before] : [wall - before, wall - after];
  return candidates.filter((t) => offsetMs(t, timeZone) === wall - t).sort((a, b) => a - b);
}

/** `wall` resolved the "compatible" way: the earlier of two, or moved forward past a gap. */
function compatibleInstant(wall: number, timeZone: string): number {
  const found = possibleInstants(wall, timeZone);
  if (found.length) return found[0]!;
  const gap = offsetMs(wall + DAY, timeZone) - offsetMs(wall - DAY, timeZone);
  // Temporal reads the time shifted by the gap; that is the same instant as reading `wall` with
  // the offset before the gap, which is also the answer if the shifted time is itself missing.
  return possibleInstants(wall + gap, timeZone).at(-1) ?? wall - offsetMs(wall - DAY, timeZone);
}

/** The first instant in (from, to] whose offset differs from the one at `from`; there must be one. */
function firstOffsetChange(from: number, to: number, timeZone: string): number {
  const offset = offsetMs(from, timeZone);
  // Offsets change on whole seconds, so search whole seconds: lo keeps `offset`, hi does not.
  let lo = Math.floor(from / 1000);
  let hi = Math.floor(to / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMs(mid * 1000, timeZone) === offset) lo = mid;
    else hi = mid;
  }
  return hi * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` `HH:MM`, as Temporal's
 * "compatible" disambiguation gives it: a time skipped by a DST jump moves forward by the length
 * of the gap (02:30 on a spring-forward night is 03:30), a time shown twice is the earlier one.
 */
export function zonedTimeToInstant(
  date: { year: number; month: number; day: number },
  hhmm: string,
  timeZone: string,
): Date {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return new Date(compatibleInstant(utcMs(date.year, date.month, date.day, h, m), timeZone));
}

/**
 * The first instant of `date` in `timeZone`: its midnight (the earlier one if shown twice), or,
 * where a DST jump skips midnight (America/Santiago, Asia/Beirut), the moment of that jump.
 */
export function startOfZonedDay(date: { year: number; month: number; day: number }, timeZone: string): Date {
  const midnight = utcMs(date.year, date.month, date.day);
  const found = possibleInstants(midnight, timeZone);
  if (found.length) return new Date(found[0]!);
  // Not the compatible reading: a gap from 23:30 to 00:30 starts the day at 00:30, not 01:00.
  return new Date(firstOffsetChange(midnight - DAY, compatibleInstant(midnight, timeZone), timeZone));
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
};

/** Milliseconds since midnight on the wall clock in `timeZone` at `instant`. */
function clockMs(instant: number, timeZone: string): number {
  const wall = instant + offsetMs(instant, timeZone);
  return ((wall % DAY) + DAY) % DAY;
}

/**
 * `now` if the window is open (its start ≤ the wall clock < its end, which may be "24:00"),
 * else the earliest later instant at which it is. That is not always the start time resolved
 * like zonedTimeToInstant: when a DST jump skips the start, the window opens at the jump itself
 * (03:00 for a 02:30 start on a US spring-forward night), and when the clock falls back to
 * before the start, the window opens again at its second showing.
 */
export function nextSendableInstant(now: Date, window: { start: string; end: string }, timeZone: string): Date {
  const start = minutesOf(window.start) * 60_000;
  const end = minutesOf(window.end) * 60_000;
  let t = now.getTime();
  // Each round either finds the opening or moves to the next offset change before it, so the
  // number of rounds is bounded by the transitions in the next day or two.
  for (let round = 0; round < 16; round++) {
    const clock = clockMs(t, timeZone);
    if (clock >= start && clock < end) return round === 0 ? now : new Date(t);
    // Where the clock would show the start next if no offset changed on the way.
    const reach = t + (clock < start ? start - clock : DAY - clock + start);
    if (offsetMs(reach, timeZone) === offsetMs(t, timeZone)) return new Date(reach);
    // The clock jumps on the way: look again from the jump, which may land inside the window.
    t = firstOffsetChange(t, reach, timeZone);
  }
  throw new Error(`no opening of the sending window ${window.start}–${window.end} found in ${timeZone}`);
}
