// What an SMS reply does (SPEC D9, A3): STOP-family words opt out, START/YES opt back in, HELP
// answers, "C"/"YES" confirm and "X"/"NO" cancel the next appointment, anything else waits in the
// inbox. One function for every way a reply arrives — Twilio's signed webhook, and the dev
// outbox's "simulate a reply" — so a reply tried in dev mode does exactly what a real one would.
import { eq } from "drizzle-orm";
import { customerDate } from "../core/date-format.ts";
import { type Language, pickLanguage, t } from "../core/i18n/translate.ts";
import { usableLocale, usableTimeZone } from "../core/intl.ts";
import { classifyInboundSms } from "../core/sms-text.ts";
import { setAppointmentStatus } from "../db/appointment-changes.ts";
import type { Db, Tx } from "../db/client.ts";
import { handleInbound, lastAppointmentTexted, nextAppointment, type UpcomingAppointment } from "../db/inbound.ts";
import { type FetchedMedia, storeMedia } from "../db/inbox.ts";
import { customers, type StudioSettings } from "../db/schema.ts";
import { getSettings } from "../db/settings.ts";
import { customersWithAddress, resubscribe, suppress } from "../db/suppressions.ts";
import type { Logger } from "../log.ts";

const DAY_MS = 86_400_000;

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
    const upcoming = await nextAppointment(tx, customerIds, now, ["scheduled", "confirmed"]);
    const awaiting =
      upcoming?.appointment.status === "scheduled"
        ? upcoming
        : await nextAppointment(tx, customerIds, now, ["scheduled"]);
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
    const appointment = done.appointment?.appointment;
    if (appointment) return { ...done, link: { appointmentId: appointment.id, customerId: appointment.customerId } };
    // A question for staff is about the appointment the customer was last texted or called about
    // (this week), else their next one: it shows on that appointment and counts as its reply.
    const about =
      done.handledAs === "inbox"
        ? ((await lastAppointmentTexted(tx, customerIds, new Date(now.getTime() - 7 * DAY_MS))) ??
          upcoming?.appointment.id ??
          null)
        : null;
    return { ...done, link: about ? { appointmentId: about } : undefined };
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

/** The locale of the customer a delivery or reply belongs to, if any. */
export async function customerLocale(db: Db, customerId: number | null | undefined): Promise<string | null> {
  if (!customerId) return null;
  const [row] = await db.select({ locale: customers.locale }).from(customers).where(eq(customers.id, customerId));
  return row?.locale ?? null;
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
 * confirm the next appointment awaiting confirmation; without one, YES is the opt-in keyword it
 * is for Twilio. "X" and "NO" cancel the next appointment: CANCEL is a STOP word and never does.
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
      );
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
      if (!(await setAppointmentStatus(tx, a.appointment.id, ["scheduled"], "confirmed", now, bySms(r))))
        return { handledAs: "inbox" };
      return {
        handledAs: "confirmed",
        appointment: a,
        text: t(r.lang, "sms.confirmed", { when: when(a, r.settings), studio }),
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
        text: t(r.lang, phone ? "sms.cancelledCall" : "sms.cancelledReply", {
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
