// Sending windows and quiet hours (SPEC D6): "09:00–21:00" means wall-clock time in the
// recipient's (else the job's, else the studio's) time zone, across DST changes.

/** Wall-clock parts of `instant` in `timeZone`. */
export function zonedParts(instant: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** The zone's offset from UTC at `instant`, in milliseconds. */
function offsetMs(instant: Date, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` `HH:MM`. A time skipped by a
 * DST jump moves forward by the length of the gap (02:30 on a spring-forward night is 03:30).
 */
export function zonedTimeToInstant(date: { year: number; month: number; day: number }, hhmm: string, timeZone: string): Date {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, h, m);
  let guess = asUtc - offsetMs(new Date(asUtc), timeZone);
  guess = asUtc - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
};

/** `now` if it is inside the window, else the instant the window next opens. */
export function nextSendableInstant(now: Date, window: { start: string; end: string }, timeZone: string): Date {
  const p = zonedParts(now, timeZone);
  const minute = p.hour * 60 + p.minute;
  if (minute >= minutesOf(window.start) && minute < minutesOf(window.end)) return now;
  const today = { year: p.year, month: p.month, day: p.day };
  if (minute < minutesOf(window.start)) return zonedTimeToInstant(today, window.start, timeZone);
  const tomorrow = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return zonedTimeToInstant({ year: tomorrow.getUTCFullYear(), month: tomorrow.getUTCMonth() + 1, day: tomorrow.getUTCDate() }, window.start, timeZone);
}
