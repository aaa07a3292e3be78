// What an SMS reply does (SPEC D9, A3): STOP-family words opt out, START/YES opt back in, HELP
// answers, "C"/"YES" confirm and "X"/"NO" cancel the appointment the text answered was about (see
// whatItAnswers), anything else waits in the inbox. One function for every way a reply arrives —
// Twilio's signed webhook, and the dev outbox's "simulate a reply" — so a reply tried in dev mode
// does exactly what a real one would.
import { customerDate } from "../core/date-format.ts";
import { type Language, pickLanguage, t } from "../core/i18n/translate.ts";
import { usableLocale, usableTimeZone } from "../core/intl.ts";
import { classifyInboundSms } from "../core/sms-text.ts";
import { setAppointmentStatus } from "../db/appointment-changes.ts";
import type { Db, Tx } from "../db/client.ts";
import {
  appointmentSpoken,
  cancelledBySmsSince,
  handleInbound,
  lastTextTo,
  nextAppointment,
  type UpcomingAppointment,
} from "../db/inbound.ts";
import { type FetchedMedia, storeMedia } from "../db/inbox.ts";
import type { StudioSettings } from "../db/schema.ts";
import { customerLocale } from "../db/customers.ts";
import { getSettings } from "../db/settings.ts";
import { recordSmsStop } from "../db/unsubscribe-events.ts";
import { activeSuppressions, customersWithAddress, resubscribe, suppress } from "../db/suppressions.ts";
import type { Logger } from "../log.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type SmsReply = {
  from: string;
  to: string | null;
  /** Control characters already stripped. */
  body: string;
  /** The provider's message id: a second reply with it is a retry and does nothing. */
  sid: string;
  media: FetchedMedia[];
};

/**
 * Stores a reply and does what it asks, in one transaction; returns how it was handled and the
 * text to answer with, or null for a retry of a reply handled already (answering again would
 * text the customer twice).
 */
export async function receiveSmsReply(
  deps: { db: Db; clock: () => Date; log: Logger },
  r: SmsReply,
): Promise<{ id: number; handledAs: string; text?: string } | null> {
  const { db, log } = deps;
  const now = deps.clock();
  const customerIds = (await customersWithAddress(db, "sms", r.from)).map((row) => row.id);
  const settings = await getSettings(db);
  const lang = pickLanguage(await customerLocale(db, customerIds[0]), settings.locale);
  const word = replyWord(r.body);
  const message = {
    channel: "sms" as const,
    fromAddress: r.from,
    toAddress: r.to,
    customerId: customerIds[0] ?? null,
    body: r.body,
    providerMessageId: r.sid,
    receivedAt: now,
  };
  const outcome = await handleInbound(db, message, async (tx, inboundId) => {
    await storeMedia(tx, inboundId, r.media, now);
    const { awaiting, upcoming, about } = await whatItAnswers(tx, r.from, customerIds, now);
    const intent = replyIntent(word, { awaiting: !!awaiting, upcoming: !!upcoming });
    const done = await actOnReply(tx, now, intent, {
      from: r.from,
      body: r.body,
      word,
      customerId: customerIds[0] ?? null,
      awaiting,
      upcoming,
      settings,
      lang,
      inboundId,
    });
    // Twilio blocks any text to a number that opted out (error 21610): say nothing, claim nothing.
    const optedOut = (await activeSuppressions(tx, [r.from])).some((x) => x.channel === "sms");
    const text = optedOut ? undefined : done.text;
    // A reply is about the appointment it acted on, else (a question for staff) the one it answers:
    // it shows on that appointment, counts as its reply, and is that customer's (a family's phone).
    const appointment = done.appointment?.appointment ?? (done.handledAs === "inbox" ? about?.appointment : undefined);
    return {
      ...done,
      text,
      link: appointment ? { appointmentId: appointment.id, customerId: appointment.customerId } : undefined,
    };
  });
  if (!outcome) return null;
  const appointment = outcome.appointment?.appointment;
  log("info", "sms reply", {
    inbound: outcome.id,
    handledAs: outcome.handledAs,
    customer: appointment?.customerId ?? customerIds[0] ?? null,
    appointment: appointment?.id ?? null,
  });
  return { id: outcome.id, handledAs: outcome.handledAs, text: outcome.text };
}

/**
 * What a reply from `from` answers. The latest text or call to that number this week says: the
 * appointment it was about (C confirms it, X cancels it), or none — an answer from the inbox, a
 * campaign — and then "No" or "C" are words for staff, not keywords. With no text this week
 * (texted from elsewhere, or long ago), C confirms the customers' next appointment awaiting it and
 * X cancels their next one, unless one was cancelled by SMS within the hour: a second X is a
 * repeat (or a double-click), never the next appointment's cancellation.
 */
async function whatItAnswers(tx: Tx, from: string, customerIds: number[], now: Date) {
  const last = await lastTextTo(tx, customerIds, from, new Date(now.getTime() - 7 * DAY_MS));
  if (last) {
    const about = last.appointmentId ? await appointmentSpoken(tx, last.appointmentId) : null;
    const ahead = about && about.appointment.startsAt > now ? about : null;
    return {
      about,
      awaiting: ahead?.appointment.status === "scheduled" ? ahead : null,
      upcoming: ahead && ["scheduled", "confirmed"].includes(ahead.appointment.status) ? ahead : null,
    };
  }
  const next = await nextAppointment(tx, customerIds, now, ["scheduled", "confirmed"]);
  const awaiting =
    next?.appointment.status === "scheduled" ? next : await nextAppointment(tx, customerIds, now, ["scheduled"]);
  const repeat = await cancelledBySmsSince(tx, customerIds, new Date(now.getTime() - HOUR_MS));
  return { about: next, awaiting, upcoming: repeat ? null : next };
}

type ReplyIntent = "stop" | "start" | "help" | "confirm" | "cancel" | "inbox";

/** A reply as one upper-case word, the way keywords are matched ("yes." → "YES"). */
function replyWord(body: string): string {
  return body
    .trim()
    .replace(/[\s.!?,;:]+$/u, "")
    .toUpperCase();
}

/**
 * What an SMS reply asks for (SPEC D9, A3). STOP-family words always opt out. "C" and "YES"
 * confirm the appointment it answers if that awaits confirmation; without one, YES is the opt-in
 * keyword it is for Twilio. "X" and "NO" cancel it: CANCEL is a STOP word and never does.
 */
function replyIntent(word: string, has: { awaiting: boolean; upcoming: boolean }): ReplyIntent {
  const kind = classifyInboundSms(word);
  if (kind === "stop") return "stop";
  if ((word === "C" || word === "YES") && has.awaiting) return "confirm";
  if ((word === "X" || word === "NO") && has.upcoming) return "cancel";
  if (kind === "start" || kind === "help") return kind;
  return "inbox";
}

type ReplyContext = {
  from: string;
  body: string;
  word: string;
  customerId: number | null;
  awaiting: UpcomingAppointment | null;
  upcoming: UpcomingAppointment | null;
  settings: StudioSettings;
  /** The customer's language (then the studio's) for our answer; keywords stay English. */
  lang: Language;
  /** The stored reply, named in the appointment's history as what changed it. */
  inboundId: number;
};

const bySms = (r: ReplyContext) => ({ source: "sms" as const, inboundMessageId: r.inboundId });

/**
 * Does what a reply asks, on the transaction that stores it; returns how it was handled and the
 * text to answer with, if any.
 */
async function actOnReply(
  tx: Tx,
  now: Date,
  intent: ReplyIntent,
  r: ReplyContext,
): Promise<{ handledAs: string; text?: string; appointment?: UpcomingAppointment }> {
  const studio = r.settings.name;
  switch (intent) {
    case "stop":
      // Twilio answers STOP itself (Advanced Opt-Out); a second answer from us would be noise.
      if (
        await suppress(
          tx,
          {
            channel: "sms",
            address: r.from,
            reason: "stop_keyword",
            source: "STOP reply",
            customerId: r.customerId,
            detail: r.body.slice(0, 160),
          },
          now,
        )
      )
        await recordSmsStop(tx, r.from, now);
      return { handledAs: "stop" };
    case "start": {
      const cleared = await resubscribe(tx, "sms", r.from, `${r.word} reply`, now);
      // A YES that re-subscribed nothing answers some question of ours: staff should read it.
      if (!cleared && r.word === "YES") return { handledAs: "inbox" };
      return { handledAs: "start", text: `${t(r.lang, "sms.start", { studio })} ${t(r.lang, "sms.optOut")}` };
    }
    case "help": {
      const phone = r.settings.phone.trim();
      const text =
        r.settings.smsHelpReply.trim() ||
        `${t(r.lang, phone ? "sms.helpCall" : "sms.helpReply", { studio, phone })} ${t(r.lang, "sms.optOut")}`;
      return { handledAs: "help", text };
    }
    case "confirm": {
      const a = r.awaiting!;
      // YES is also Twilio's opt-in word: Twilio lifts its block on it, so Pigeon lifts its STOP too.
      if (r.word === "YES") await resubscribe(tx, "sms", r.from, "YES reply", now);
      if (!(await setAppointmentStatus(tx, a.appointment.id, ["scheduled"], "confirmed", now, bySms(r))))
        return { handledAs: "inbox" };
      return {
        handledAs: "confirmed",
        appointment: a,
        // In the language of the customer whose appointment it is (a family shares one phone).
        text: t(pickLanguage(a.locale, r.settings.locale), "sms.confirmed", { when: when(a, r.settings), studio }),
      };
    }
    case "cancel": {
      const a = r.upcoming!;
      if (!(await setAppointmentStatus(tx, a.appointment.id, ["scheduled", "confirmed"], "cancelled", now, bySms(r))))
        return { handledAs: "inbox" };
      const phone = r.settings.phone.trim();
      return {
        handledAs: "cancelled",
        appointment: a,
        text: t(pickLanguage(a.locale, r.settings.locale), phone ? "sms.cancelledCall" : "sms.cancelledReply", {
          when: when(a, r.settings),
          phone,
          studio,
        }),
      };
    }
    case "inbox":
      return { handledAs: "inbox" };
  }
}

/** "Tue, Sep 8, 10:00 AM" in the customer's language and (else the job's, else the studio's) time zone. */
function when(a: UpcomingAppointment, s: StudioSettings): string {
  return (
    customerDate(
      a.appointment.startsAt,
      usableLocale(a.locale, s.locale),
      usableTimeZone(a.timeZone, s.timeZone),
      "datetime",
    )
      // ICU puts a narrow no-break space before AM/PM, which would make the whole SMS UCS-2.
      .replace(/\s/gu, " ")
  );
}
