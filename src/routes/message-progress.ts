// What a message's page says about its send: the live numbers with rate and ETA (SPEC O6),
// streamed over SSE while it goes out, and the report once anything went out (SPEC O7). The
// figures come from named queries; this turns them into what the page shows.
import { type Progress, type ReportData, reportBucket } from "../core/message-pages.ts";
import type { Db } from "../db/client.ts";
import { sendPace } from "../db/message-pages.ts";
import { performanceOf } from "../db/performance.ts";
import { messageSeries } from "../db/performance-series.ts";
import type { PerformanceCounts } from "../core/performance.ts";
import type { MessageSeries } from "../db/performance-series.ts";
import {
  type Message,
  messageTotals,
  notReached,
  notReachedByReason,
  sentPerAppointment,
  skippedButReached,
  smsOrCallOutcome,
} from "../db/messages.ts";
import { CHANNELS } from "../core/vocabulary.ts";
import { formatInstant } from "./message-form.ts";
import { staffClock } from "../core/date-format.ts";

function minutesWords(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return "less than a minute left";
  if (min < 60) return `about ${min} ${min === 1 ? "minute" : "minutes"} left`;
  const h = Math.floor(min / 60);
  return `about ${h} h ${min % 60} min left`;
}

/** Live numbers of a send (SPEC O6): sent of total, rate per minute, ETA and what is still open. */
export async function messageProgress(db: Db, m: Message, now: Date, timeZone: string): Promise<Progress> {
  const totals = await messageTotals(db, m.id);
  const b = totals.byStatus;
  const sent = (b.sent ?? 0) + (b.delivered ?? 0) + (b.undelivered ?? 0) + (b.bounced ?? 0);
  const failed = b.failed ?? 0;
  const queued = (b.queued ?? 0) + (b.sending ?? 0);
  // A call waiting on its SMS goes only if the SMS cannot: counted apart, not as one more to send.
  const waiting = b.waiting ?? 0;
  const held = b.held ?? 0;
  const window = new Date(now.getTime() - 5 * 60_000);
  const [pace, reachedOtherwise] = await Promise.all([sendPace(db, m.id, window), skippedButReached(db, m.id)]);
  // A rate needs some seconds of sending behind it before it means anything.
  let ratePerMinute: number | null = null;
  const from = pace.first ? Math.max(window.getTime(), pace.first.getTime()) : now.getTime();
  if (now.getTime() - from >= 10_000) ratePerMinute = pace.recent / ((now.getTime() - from) / 60_000);
  let eta: string | null = null;
  if (queued > 0 && m.status !== "paused") {
    // Staggering sets each delivery's due time, so the last one bounds the end; the rate covers the rest.
    const byRate = ratePerMinute ? now.getTime() + (queued / ratePerMinute) * 60_000 : 0;
    const end = Math.max(pace.lastDue?.getTime() ?? 0, byRate);
    eta =
      end > now.getTime()
        ? `${minutesWords(end - now.getTime())} (done around ${staffClock(new Date(end), timeZone)})`
        : "finishing";
  }
  return {
    status: m.status,
    total: sent + failed + queued + held,
    sent,
    failed,
    queued,
    waiting,
    held,
    // A skipped call whose SMS went (or the reverse) is no failure: counted apart, as not needed.
    skipped: (b.skipped ?? 0) - reachedOtherwise.sms - reachedOtherwise.voice,
    callsNotNeeded: reachedOtherwise.voice,
    smsCalledInstead: reachedOtherwise.sms,
    ratePerMinute,
    eta,
    startsAt: m.status === "scheduled" && m.sendAt && m.sendAt > now ? `at ${formatInstant(m.sendAt, timeZone)}` : null,
    finished: m.status === "sent" || m.status === "cancelled",
  };
}

/**
 * The report (SPEC O7): totals, and who was not reached and why; null before
 * any delivery. A message to appointments counts messages, one per appointment, and says so.
 */
export async function messageReport(db: Db, m: Message, timeZone: string): Promise<ReportData | null> {
  const totals = await messageTotals(db, m.id);
  if (totals.total === 0) return null;
  const sum: Record<string, number> = {};
  const byChannel = new Map<string, Record<string, number>>();
  for (const r of totals.rows) {
    const bucket = reportBucket(r.status);
    sum[bucket] = (sum[bucket] ?? 0) + r.n;
    const ch = byChannel.get(r.channel) ?? {};
    ch[bucket] = (ch[bucket] ?? 0) + r.n;
    byChannel.set(r.channel, ch);
  }
  const [rows, perAppointment, bySkipReason, smsOrCall, reachedOtherwise] = await Promise.all([
    notReached(db, m.id, 200),
    sentPerAppointment(db, m.id),
    notReachedByReason(db, m.id),
    smsOrCallOutcome(db, m.id),
    skippedButReached(db, m.id),
  ]);
  return {
    perAppointment,
    skippedReached: reachedOtherwise.sms + reachedOtherwise.voice,
    totals: sum,
    byChannel: CHANNELS.filter((ch) => byChannel.has(ch)).map((ch) => ({ channel: ch, counts: byChannel.get(ch)! })),
    bySkipReason,
    smsOrCall,
    notReachedTotal: Object.values(bySkipReason).reduce((a, n) => a + n, 0),
    notReached: rows.map((r) => ({
      customerId: r.customerId,
      name: r.customerId
        ? `${r.firstName ?? ""} ${r.lastName ?? ""}`.trim() || `Customer #${r.customerId}`
        : (r.address ?? "—"),
      channel: r.channel,
      address: r.address,
      status: r.status,
      reason: r.reason,
      detail: r.detail,
      appointment: r.appointmentStartsAt ? formatInstant(r.appointmentStartsAt, timeZone) : null,
    })),
  };
}

/**
 * What the message achieved (issue 14) and its chart's series, in the studio's currency, zone and
 * language: the page's "Performance" section, and each live update's copy of it. The only opens
 * and clicks the page shows, so it never gives two different counts.
 */
export async function messagePerformance(
  db: Db,
  m: Message,
  settings: { currency: string; timeZone: string; locale: string; trackLinks: boolean },
): Promise<{
  p: PerformanceCounts;
  series: MessageSeries | null;
  name: string;
  timeZone: string;
  locale: string;
  emails: boolean;
  linksTracked: boolean;
}> {
  const [p, series] = await Promise.all([
    performanceOf(db, { messageId: m.id }, settings.currency),
    messageSeries(db, m.id, settings.currency, settings.timeZone),
  ]);
  // A message sent by SMS or call alone has no opens to count: it shows no open line at all.
  const emails = m.channels.includes("email");
  return {
    p,
    series,
    name: m.name,
    timeZone: settings.timeZone,
    locale: settings.locale,
    emails,
    linksTracked: settings.trackLinks,
  };
}
