// What the dispatcher checks again right before sending (SPEC D6, D9, D10): suppressions that
// arrived after the send was queued, the sending window, a number's line type — and composing
// each delivery on its own, so one that cannot be composed fails alone instead of its batch.
import { usableTimeZone } from "../core/intl.ts";
import { missingReason, stopsThisMessage } from "../core/recipients.ts";
import { nextSendableInstant } from "../core/send-window.ts";
import { WINDOW_WAIT_REASON } from "../db/delivery-replan.ts";
import { failDelivery, requeue, skipClaimed } from "../db/outbox-leases.ts";
import type { Db } from "../db/client.ts";
import type { Delivery } from "../db/outbox.ts";
import { and, eq, sql } from "drizzle-orm";
import { inJson } from "../db/in-json.ts";
import { appointments, messages } from "../db/schema.ts";
import type { Channel } from "../core/vocabulary.ts";
import { activeSuppressions } from "../db/suppressions.ts";
import type { RecipientRows } from "../db/recipient-rows.ts";
import type { SendContext } from "./settle.ts";

/** Addresses suppressed now on `channel`, with the reason: an unsubscribe wins over a queued send. */
export async function suppressedNow(cx: SendContext, channel: Channel, addresses: string[]) {
  const rows = await activeSuppressions(cx.deps.db, addresses);
  return new Map<string, string>(rows.filter((r) => r.channel === channel).map((r) => [r.address, r.reason]));
}

/**
 * Holds a send outside the sending window until it opens (SPEC D6); true when it had to wait. The
 * window is the recipient's wall clock, else the job's, else the studio's.
 */
export async function outsideWindow(cx: SendContext, d: Delivery, rows: RecipientRows, now: Date) {
  // Staff-initiated tests go at once; automated e-mail and every text or call keep the window.
  const automatedOrPhone = d.channel !== "email" || d.sourceType === "notification";
  if (!automatedOrPhone || d.sourceType === "test") return false;
  const s = cx.settings;
  const timeZone = usableTimeZone(rows.customer?.timeZone, rows.job?.timeZone, s.timeZone);
  const opens = nextSendableInstant(now, { start: s.sendWindowStart, end: s.sendWindowEnd }, timeZone);
  if (opens.getTime() <= now.getTime()) return false;
  await requeue(cx.deps.db, d.id, cx.owner, now, opens, {
    waiting: `${WINDOW_WAIT_REASON} (${s.sendWindowStart}–${s.sendWindowEnd} ${timeZone})`,
    notAnAttempt: true,
  });
  cx.result.waiting++;
  return true;
}

/**
 * Composes a batch at once (one render per source), and when that throws, each delivery on its
 * own: the ones that still throw come back in `failed` with the reason, the rest go on.
 */
export async function composeEach<T extends { delivery: Delivery }>(
  batch: Delivery[],
  compose: (ds: Delivery[]) => Promise<T[]>,
) {
  const failed = new Map<number, string>();
  try {
    return { composed: await compose(batch), failed };
  } catch {
    const composed: T[] = [];
    for (const d of batch) {
      try {
        composed.push(...(await compose([d])));
      } catch (err) {
        failed.set(d.id, `its message could not be composed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { composed, failed };
  }
}

/** The reason a delivery fails when the notification or message it came from is gone. */
export const SOURCE_GONE = "its message or notification was deleted before it could be sent";

/** What was found about a claimed delivery right before sending it. */
export type Found = {
  /** The active suppression of its address on its channel, if any. */
  suppression?: string;
  /** A marketing message (a service e-mail goes on after a marketing unsubscribe). */
  marketing: boolean;
  /** Why its message could not be composed (or its source is gone), if so. */
  problem: string | null;
  /** The first placeholder it cannot do without that has no value for it, if any. */
  missing: string | null;
  /** Its one-time message, or the appointment it is about, was cancelled since it was decided. */
  cancelled?: CancelledReason;
  /** Its text came out blank for this recipient. */
  empty?: boolean;
};

/** Why a queued delivery must not go after all: its one-time message or its appointment was cancelled. */
export type CancelledReason = "cancelled" | "appointment_cancelled";

/**
 * Which of these deliveries must not go because something was cancelled: their one-time message,
 * or the appointment they are about (SPEC A3: a cancelled appointment's pending messages stop).
 * The automation never means to write to a cancelled appointment, so its messages about one are
 * skipped whenever it was cancelled (a "booked" message firing after the cancellation too). Staff
 * may: a message they started after the cancellation ("sorry, we had to cancel") goes, one
 * started before it is skipped, even when its deliveries are written later, at its send time.
 * One query per kind for the batch, never one per delivery. Also asked when a call is answered
 * (webhooks /twilio/voice): it may have been cancelled while the phone rang.
 */
export async function cancelledSince(
  cx: { deps: { db: Db } },
  claimed: Delivery[],
): Promise<Map<number, CancelledReason>> {
  const { db } = cx.deps;
  const out = new Map<number, CancelledReason>();
  const messageIds = [...new Set(claimed.map((d) => d.messageId).filter((id): id is number => id !== null))];
  const appointmentIds = [...new Set(claimed.map((d) => d.appointmentId).filter((id): id is number => id !== null))];
  const sources = messageIds.length
    ? await db
        .select({ id: messages.id, status: messages.status, activatedAt: messages.activatedAt })
        .from(messages)
        .where(inJson(messages.id, messageIds))
    : [];
  const message = new Map(sources.map((m) => [m.id, m]));
  // The latest move into "cancelled" is when it was cancelled; an appointment cancelled before
  // changes were recorded (or by a path that records none) has only its last update to go by.
  const cancelledAt = appointmentIds.length
    ? await db
        .select({
          id: appointments.id,
          at: sql<number>`coalesce((select max(c.created_at) from appointment_changes c
            where c.appointment_id = ${appointments.id} and c.to_status = 'cancelled'), ${appointments.updatedAt})`,
        })
        .from(appointments)
        .where(and(inJson(appointments.id, appointmentIds), eq(appointments.status, "cancelled")))
    : [];
  const cancelledAppointment = new Map(cancelledAt.map((a) => [a.id, Number(a.at)]));
  for (const d of claimed) {
    const m = d.messageId !== null ? message.get(d.messageId) : undefined;
    if (m?.status === "cancelled") {
      out.set(d.id, "cancelled");
      continue;
    }
    const at = d.appointmentId !== null ? cancelledAppointment.get(d.appointmentId) : undefined;
    if (at === undefined) continue;
    const decided = Math.min(d.createdAt.getTime(), m?.activatedAt?.getTime() ?? Infinity);
    // A cancellation in the very millisecond staff decided counts as after it: the safe side.
    if (d.sourceType === "notification" || at >= decided) out.set(d.id, "appointment_cancelled");
  }
  return out;
}

/**
 * The checks every claimed delivery passes before it goes, in order: an address, no suppression
 * that stops this message, a message that could be composed, and a value for each placeholder it
 * cannot do without — never sent blank. Records the outcome; true when the delivery stops here.
 */
export async function stoppedBeforeSending(cx: SendContext, d: Delivery, found: Found, at: Date): Promise<boolean> {
  const { db } = cx.deps;
  const suppressed =
    found.suppression && stopsThisMessage(d.channel, found.suppression, found.marketing) ? found.suppression : null;
  const blank = found.missing ? missingReason(found.missing) : found.empty ? "empty_message" : null;
  const skip = found.cancelled
    ? found.cancelled
    : !d.toAddress
      ? "no_address"
      : (suppressed ?? (!found.problem ? blank : null));
  if (skip) {
    if (await skipClaimed(db, d.id, cx.owner, at, skip)) cx.result.skipped++;
    return true;
  }
  if (found.problem) {
    if (await failDelivery(db, d.id, cx.owner, at, found.problem)) cx.result.failed++;
    return true;
  }
  return false;
}
