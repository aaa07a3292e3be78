// The two communication profiles and the template library Pigeon ships with (SPEC P2, T3):
// ready texts for a school job in the studio's language (English, German, French or Spanish;
// the texts live in builtin-texts/), read-only (staff duplicate a profile to change it).
// `ensureBuiltinProfiles` runs at every start and when the studio's language changes; it writes
// only what differs from these texts.
import { and, asc, eq, inArray, or } from "drizzle-orm";
import { type Language, languageOf } from "../core/i18n/translate.ts";
import type { NotificationInput } from "../core/notification-input.ts";
import type { Trigger } from "../core/triggers.ts";
import type { Db } from "./client.ts";
import { de } from "./builtin-texts/de.ts";
import { type BuiltinTexts, en, type Text, type TextName } from "./builtin-texts/en.ts";
import { es } from "./builtin-texts/es.ts";
import { fr } from "./builtin-texts/fr.ts";
import { LABELS } from "./builtin-texts/labels.ts";
import { communicationProfiles, notifications, studioSettings, templates } from "./schema.ts";
import type { Channel } from "../core/vocabulary.ts";

// ---------------------------------------------------------------- the texts

const TEXTS: Record<Language, BuiltinTexts> = { en, de, fr, es };

/** The built-in texts in one language (each with English's placeholders). */
export function builtinTexts(lang: Language): BuiltinTexts {
  return TEXTS[lang];
}

// ---------------------------------------------------------------- the profiles

type BuiltinNotification = Omit<NotificationInput, "subject" | "body"> & Text;

const note = (
  trigger: Trigger,
  channel: Channel,
  text: Text,
  rest: Partial<BuiltinNotification> = {},
): BuiltinNotification => ({
  trigger,
  channel,
  offsetDays: 0,
  offsetHours: 0,
  timeOfDay: "immediately",
  audience: "all",
  condition: "any",
  active: true,
  ...text,
  ...rest,
});

export type BuiltinProfile = {
  externalId: string;
  name: string;
  description: string;
  notifications: BuiltinNotification[];
};

/** Standard and Intensive in one language: the same notifications, with that language's texts. */
export function builtinProfiles(lang: Language): BuiltinProfile[] {
  const texts = TEXTS[lang];
  const labels = LABELS[lang];
  const sellingEmail = note("job_selling", "email", texts.sellingEmail, { condition: "with_photos" });
  const photosEmail = note("photos_available", "email", texts.photosEmail);
  const welcomeEmail = note("customer_registered", "email", texts.welcomeEmail, { audience: "potential_buyers" });
  const couponEmail = note("coupon_deadline", "email", texts.couponEmail, {
    offsetDays: 3,
    timeOfDay: "09:00",
    audience: "potential_buyers",
    condition: "with_photos",
  });
  const archiveEmail = note("job_archiving", "email", texts.archiveEmail, {
    offsetDays: 7,
    timeOfDay: "09:00",
    audience: "potential_buyers",
    condition: "with_photos",
  });
  return [
    {
      externalId: "pigeon:standard",
      ...labels.standard,
      notifications: [
        sellingEmail,
        photosEmail,
        welcomeEmail,
        couponEmail,
        archiveEmail,
        note("order_placed", "email", texts.thanksEmail, { audience: "buyers" }),
      ],
    },
    {
      externalId: "pigeon:intensive",
      ...labels.intensive,
      notifications: [
        sellingEmail,
        note("job_selling", "sms", texts.sellingSms, { condition: "with_photos" }),
        photosEmail,
        welcomeEmail,
        couponEmail,
        archiveEmail,
        note("job_archiving", "sms", texts.archiveSms, {
          offsetDays: 2,
          timeOfDay: "18:00",
          audience: "potential_buyers",
          condition: "with_photos",
        }),
      ],
    },
  ];
}

export const BUILTIN_PROFILES: readonly BuiltinProfile[] = builtinProfiles("en");

// ---------------------------------------------------------------- the template library

export type BuiltinTemplate = {
  /** Which text it is, whatever the studio's language: how a stored row is recognised. */
  text: TextName;
  name: string;
  trigger: Trigger | null;
  channel: Channel;
  subject: string;
  body: string;
  preheader: string;
  description: string;
};

// One ready text for every trigger and every channel it allows, then the designed e-mails for
// one-time messages (no trigger).
const LIBRARY: [TextName, Trigger | null, Channel][] = [
  ["sellingEmail", "job_selling", "email"],
  ["sellingSms", "job_selling", "sms"],
  ["photosEmail", "photos_available", "email"],
  ["photosSms", "photos_available", "sms"],
  ["welcomeEmail", "customer_registered", "email"],
  ["welcomeSms", "customer_registered", "sms"],
  ["couponEmail", "coupon_deadline", "email"],
  ["couponSms", "coupon_deadline", "sms"],
  ["archiveEmail", "job_archiving", "email"],
  ["archiveSms", "job_archiving", "sms"],
  ["thanksEmail", "order_placed", "email"],
  ["thanksSms", "order_placed", "sms"],
  ["pictureDayEmail", "picture_day", "email"],
  ["pictureDaySms", "picture_day", "sms"],
  ["shippingEmail", "shipping_deadline", "email"],
  ["shippingSms", "shipping_deadline", "sms"],
  ["bookedEmail", "appointment_booked", "email"],
  ["bookedSms", "appointment_booked", "sms"],
  ["bookedVoice", "appointment_booked", "voice"],
  ["reminderEmail", "appointment_reminder", "email"],
  ["reminderSms", "appointment_reminder", "sms"],
  ["reminderVoice", "appointment_reminder", "voice"],
  ["followupEmail", "appointment_followup", "email"],
  ["followupSms", "appointment_followup", "sms"],
  ["followupVoice", "appointment_followup", "voice"],
  ["announcementEmail", null, "email"],
  ["saleEmail", null, "email"],
  ["gentleReminderEmail", null, "email"],
];

/** The template library in one language. */
export function builtinTemplates(lang: Language): BuiltinTemplate[] {
  return LIBRARY.map(([text, trigger, channel]) => {
    const { subject, body, preheader = "" } = TEXTS[lang][text];
    const description = LABELS[lang].descriptions[text] ?? "";
    return { text, name: LABELS[lang].templates[text], trigger, channel, subject, body, preheader, description };
  });
}

/** Every name a built-in text has had in any language: a stored row with one of them is that text. */
function namesOf(text: TextName): Set<string> {
  return new Set(Object.values(LABELS).map((l) => l.templates[text]));
}

export const BUILTIN_TEMPLATES: readonly BuiltinTemplate[] = builtinTemplates("en");

// ---------------------------------------------------------------- seeding

const FIELDS = [
  "trigger",
  "channel",
  "offsetDays",
  "offsetHours",
  "timeOfDay",
  "audience",
  "condition",
  "subject",
  "body",
  "active",
] as const;
const same = (a: Record<string, unknown>, b: Record<string, unknown>, keys: readonly string[]) =>
  keys.every((k) => a[k] === b[k]);

/**
 * Creates the built-in profiles and templates in the studio's language (`locale`, else the one in
 * its settings; English unless German, French or Spanish), or brings them up to date with those
 * texts: profiles matched by external id (or name) and templates by trigger and channel among
 * built-in rows, so a change of language rewrites them in place. Rows that already match are not
 * touched, so a second run writes nothing; a changed notification keeps its id (what it already
 * sent stays sent).
 */
export async function ensureBuiltinProfiles(db: Db, now: Date, locale?: string): Promise<void> {
  const studioLocale =
    locale ??
    (await db.select({ locale: studioSettings.locale }).from(studioSettings).where(eq(studioSettings.id, 1)))[0]
      ?.locale;
  const lang = languageOf(studioLocale) ?? "en";
  await db.transaction(async (tx) => {
    for (const p of builtinProfiles(lang)) {
      let profile = await tx.query.communicationProfiles.findFirst({
        where: and(
          or(eq(communicationProfiles.externalId, p.externalId), eq(communicationProfiles.name, p.name)),
          eq(communicationProfiles.builtIn, true),
        ),
      });
      if (!profile) {
        [profile] = await tx
          .insert(communicationProfiles)
          .values({
            name: p.name,
            description: p.description,
            externalId: p.externalId,
            builtIn: true,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
      } else if (
        profile.name !== p.name ||
        profile.description !== p.description ||
        profile.externalId !== p.externalId
      ) {
        await tx
          .update(communicationProfiles)
          .set({ name: p.name, description: p.description, externalId: p.externalId, updatedAt: now })
          .where(eq(communicationProfiles.id, profile.id));
      }
      const profileId = profile!.id;
      const existing = await tx
        .select()
        .from(notifications)
        .where(eq(notifications.profileId, profileId))
        .orderBy(asc(notifications.position), asc(notifications.id));
      for (const [position, wanted] of p.notifications.entries()) {
        const row = existing[position];
        if (!row)
          await tx.insert(notifications).values({ ...wanted, profileId, position, createdAt: now, updatedAt: now });
        else if (!same(row, wanted, FIELDS) || row.position !== position) {
          await tx
            .update(notifications)
            .set({ ...wanted, position, updatedAt: now })
            .where(eq(notifications.id, row.id));
        }
      }
      const extra = existing.slice(p.notifications.length).map((n) => n.id);
      if (extra.length) await tx.delete(notifications).where(inArray(notifications.id, extra));
    }

    const stored = await tx.select().from(templates).where(eq(templates.builtIn, true));
    const taken = new Set<number>();
    for (const { text, ...t } of builtinTemplates(lang)) {
      // By its name in any language, else (a text written for a trigger) by trigger and channel.
      const free = stored.filter((s) => !taken.has(s.id));
      const names = namesOf(text);
      const row =
        free.find((s) => names.has(s.name) && s.channel === t.channel) ??
        (t.trigger ? free.find((s) => s.trigger === t.trigger && s.channel === t.channel) : undefined);
      if (row) taken.add(row.id);
      if (!row) await tx.insert(templates).values({ ...t, builtIn: true, createdAt: now, updatedAt: now });
      else if (!same(row, t, ["name", "trigger", "subject", "body", "preheader", "description"])) {
        await tx
          .update(templates)
          .set({ ...t, updatedAt: now })
          .where(eq(templates.id, row.id));
      }
    }
  });
}
