// The dashboard's "Today" (issue 14): which instants bound today, tomorrow and this week in the
// studio's zone, and how the rows the queries count become the lines staff read. No I/O here:
// src/db/today.ts counts, src/routes/dashboard.ts calls both.
import { TRIGGER_INFO, type Trigger } from "./triggers.ts";
import { usableTimeZone } from "./intl.ts";
import { startOfZonedDay, zonedParts } from "./send-window.ts";

/** A span of time [from, to): a calendar day (23, 24 or 25 hours long) or a week. */
export type Span = { from: Date; to: Date };

export type TodaySpans = {
  /** "2026-10-25": today's date in the studio's zone. */
  day: string;
  today: Span;
  tomorrow: Span;
  /** Monday 00:00 of this week until now's next Monday 00:00, in the studio's zone. */
  week: Span;
};

const DAY_MS = 86_400_000;
/** Lines shown per list on the card; the rest are counted and linked. */
export const TODAY_SHOWN = 20;

type CalendarDay = { year: number; month: number; day: number };
// Calendar arithmetic on dates alone (noon UTC, so no zone or DST can move the day).
const addDays = (d: CalendarDay, n: number): CalendarDay => {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day, 12) + n * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
};
const iso = (d: CalendarDay) =>
  `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

/**
 * Today, tomorrow and this week around `now` in `timeZone`. Each day runs from its own first
 * instant to the next day's, so a day with a clock change is 23 or 25 hours long, not 24; the
 * week starts on Monday (ISO 8601, as in most of the studios' countries; the locale does not change it).
 */
export function todaySpans(now: Date, timeZone: string): TodaySpans {
  const tz = usableTimeZone(timeZone);
  const p = zonedParts(now, tz);
  const today: CalendarDay = { year: p.year, month: p.month, day: p.day };
  const start = (d: CalendarDay) => startOfZonedDay(d, tz);
  // 0 is Sunday: Monday is 6 days back on a Sunday, 0 on a Monday.
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day, 12)).getUTCDay();
  const monday = addDays(today, -((weekday + 6) % 7));
  return {
    day: iso(today),
    today: { from: start(today), to: start(addDays(today, 1)) },
    tomorrow: { from: start(addDays(today, 1)), to: start(addDays(today, 2)) },
    week: { from: start(monday), to: start(addDays(monday, 7)) },
  };
}

/** A notification by what sets it off: the fallback of the dashboard's name (src/routes/dashboard.ts names it as its profile page does). */
export function notificationName(n: { subject: string; trigger: string }): string {
  // Never the subject: its {{placeholders}} are filled only in a customer's copy.
  return TRIGGER_INFO[n.trigger as Trigger]?.label || n.trigger;
}

/** A notification's deliveries (already written, waiting for their moment) on one job and day. */
export type OutgoingRow = {
  day: "today" | "tomorrow";
  notificationId: number;
  profileId: number;
  subject: string;
  trigger: string;
  jobId: number | null;
  jobName: string | null;
  channel: string;
  n: number;
  firstDue: Date;
};

/** A notification's firings planned for the day (their recipients are chosen when each fires). */
export type PlannedRow = Omit<OutgoingRow, "channel" | "n"> & { firings: number; channel: string };

/** One line of "goes out": a notification on a job, with what is written and what is only planned. */
export type OutgoingLine = {
  notificationId: number;
  profileId: number;
  name: string;
  jobId: number | null;
  jobName: string | null;
  /** Deliveries already in the outbox, per channel. */
  byChannel: { channel: string; n: number }[];
  /** Firings planned but not yet fired: how many people they reach is decided then. */
  plannedFirings: number;
  /** The earliest moment among them. */
  at: Date;
};

/**
 * Groups a day's rows per notification and job: the outbox's deliveries counted per channel,
 * the automation's planned firings beside them, earliest first.
 */
export function outgoingLines(
  day: "today" | "tomorrow",
  written: OutgoingRow[],
  planned: PlannedRow[],
): OutgoingLine[] {
  const lines = new Map<string, OutgoingLine>();
  const lineOf = (r: Omit<PlannedRow, "firings">): OutgoingLine => {
    const key = `${r.notificationId}:${r.jobId ?? 0}`;
    let line = lines.get(key);
    if (!line) {
      line = {
        notificationId: r.notificationId,
        profileId: r.profileId,
        name: notificationName(r),
        jobId: r.jobId,
        jobName: r.jobName,
        byChannel: [],
        plannedFirings: 0,
        at: r.firstDue,
      };
      lines.set(key, line);
    }
    if (r.firstDue < line.at) line.at = r.firstDue;
    return line;
  };
  for (const r of written.filter((r) => r.day === day)) lineOf(r).byChannel.push({ channel: r.channel, n: r.n });
  for (const r of planned.filter((r) => r.day === day)) lineOf(r).plannedFirings += r.firings;
  return [...lines.values()].sort((a, b) => a.at.getTime() - b.at.getTime() || a.name.localeCompare(b.name));
}

const CHANNEL_NOUNS: Record<string, [string, string]> = {
  email: ["e-mail", "e-mails"],
  sms: ["text", "texts"],
  voice: ["call", "calls"],
};

/** "42 e-mails", "1 text". */
export function channelCount(channel: string, n: number): string {
  const [one, many] = CHANNEL_NOUNS[channel] ?? ["message", "messages"];
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

/** A send in progress: done (sent or settled) of all its deliveries, as the message page counts. */
export type SendProgress = { done: number; total: number; failed: number; held: number };

export function progressOf(byStatus: Record<string, number>): SendProgress {
  const n = (s: string) => byStatus[s] ?? 0;
  const sent = n("sent") + n("delivered") + n("undelivered") + n("bounced");
  const failed = n("failed");
  const held = n("held");
  const open = n("queued") + n("sending");
  return { done: sent + failed, total: sent + failed + open + held, failed, held };
}
