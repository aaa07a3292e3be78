// The two communication profiles and the template library Pigeon ships with (SPEC P2, T3):
// ready English texts for a school job, read-only (staff duplicate a profile to change it).
// `ensureBuiltinProfiles` runs at every start; it writes only what differs from these texts.
import { and, asc, eq, inArray } from "drizzle-orm";
import type { NotificationInput } from "../core/notification-input.ts";
import type { Trigger } from "../core/triggers.ts";
import type { Db } from "./client.ts";
import { type Channel, communicationProfiles, notifications, templates } from "./schema.ts";

type Text = { subject: string; body: string };

// ---------------------------------------------------------------- the texts
// E-mail bodies are Markdown. SMS texts stay within GSM-7 (straight quotes, no dashes or
// ellipses) so one segment holds 160 characters; appointment texts mention the reply keywords.

const HI = 'Hi {{customer.first_name | "there"}},';
const CODE = '{{customer.access_code | "on the card you received"}}';

const TEXTS = {
  sellingEmail: {
    subject: "Your photos from {{job.name}} are online",
    body: `${HI}

Good news: the photos from **{{job.name}}** are online and ready for you to view and order.

[See your photos]({{customer.gallery_link}})

Your access code is **${CODE}**. You need it to open the gallery.

The gallery stays open until {{job.archive_date | "the end of the selling period"}}, so take your time choosing your favourites.

Warm regards,
{{studio.name}}`,
  },
  sellingSms: {
    subject: "",
    body: '{{studio.name}}: {{job.name}} photos online! Code {{customer.access_code | "on your card"}} {{customer.gallery_link}}',
  },
  photosEmail: {
    subject: '{{customer.first_name | "Hello"}}, your photos are ready',
    body: `${HI}

Your photos from **{{job.name}}** have just been added to your personal gallery.

[View your photos]({{customer.gallery_link}})

Access code: **${CODE}**

Order before {{job.archive_date | "the gallery closes"}} so you don't miss out.

Warm regards,
{{studio.name}}`,
  },
  photosSms: {
    subject: "",
    body: '{{studio.name}}: Your {{job.name}} photos are ready: {{customer.gallery_link}}',
  },
  welcomeEmail: {
    subject: "Welcome! You're registered for {{job.name}}",
    body: `${HI}

Thank you for registering for **{{job.name}}**. We'll let you know as soon as your photos are ready.

Your access code: **${CODE}**

[Open your gallery]({{customer.gallery_link}})

Any questions? Just reply to this e-mail.

Best wishes,
{{studio.name}}`,
  },
  welcomeSms: {
    subject: "",
    body: "{{studio.name}}: Thanks for registering for {{job.name}}! We'll text you when your photos are online.",
  },
  couponEmail: {
    subject: "Your coupon for {{job.name}} ends soon",
    body: `${HI}

A friendly reminder: your coupon for **{{job.name}}** is valid until **{{job.coupon_deadline}}**. Order by then to get your discount.

[Choose your photos]({{customer.gallery_link}})

Access code: **${CODE}**

Best wishes,
{{studio.name}}`,
  },
  couponSms: {
    subject: "",
    body: "{{studio.name}}: Your {{job.name}} coupon ends soon! Order: {{customer.gallery_link}}",
  },
  archiveEmail: {
    subject: "Reminder: your photos from {{job.name}} will be archived soon",
    body: `${HI}

The gallery for **{{job.name}}** closes on **{{job.archive_date}}**. After that date the photos are archived and can no longer be ordered online.

If you'd like prints, downloads or gifts, now is a good time:

[Order your photos]({{customer.gallery_link}})

Access code: **${CODE}**

Kind regards,
{{studio.name}}`,
  },
  archiveSms: {
    subject: "",
    body: "{{studio.name}}: Last chance to order {{job.name}} photos: {{customer.gallery_link}}",
  },
  thanksEmail: {
    subject: "Thank you for your order!",
    body: `${HI}

Thank you for your order of **{{order.amount}}** from **{{job.name}}**. We received it on {{order.date}} and are getting it ready.

[Back to your gallery]({{customer.gallery_link}})

If you have any questions about your order, just reply to this e-mail.

We hope you enjoy your photos!

Warm regards,
{{studio.name}}`,
  },
  thanksSms: {
    subject: "",
    body: "{{studio.name}}: Thank you for your order of {{order.amount}}! We're getting it ready.",
  },
  pictureDayEmail: {
    subject: "Picture day for {{job.name}} is coming up",
    body: `${HI}

Picture day for **{{job.name}}** is on **{{job.shoot_date}}**. We're looking forward to it!

A few tips for great photos:

- Choose clothes in solid colours; busy patterns and big logos distract.
- Bring a comb or brush for a last-minute touch-up.
- A good night's sleep makes for the brightest smiles.

{{job.custom_text}}

See you soon,
{{studio.name}}`,
  },
  pictureDaySms: {
    subject: "",
    body: "{{studio.name}}: Picture day for {{job.name}} is {{job.shoot_date}}. See you there!",
  },
  shippingEmail: {
    subject: "Free shipping for {{job.name}} ends on {{job.shipping_deadline}}",
    body: `${HI}

Order your photos from **{{job.name}}** by **{{job.shipping_deadline}}** and we ship them to you for free.

[Choose your photos]({{customer.gallery_link}})

Access code: **${CODE}**

Best wishes,
{{studio.name}}`,
  },
  shippingSms: {
    subject: "",
    body: "{{studio.name}}: Free shipping ends soon for {{job.name}}: {{customer.gallery_link}}",
  },
  bookedEmail: {
    subject: "Your appointment on {{appointment.date}} is booked",
    body: `${HI}

Thank you for booking with {{studio.name}}. Here are the details:

- **Date:** {{appointment.date}}
- **Time:** {{appointment.time}}
- **Where:** {{appointment.location | "at our studio"}}

[Confirm]({{appointment.confirm_link}}) · [Ask for another time]({{appointment.reschedule_link}}) · [Cancel]({{appointment.cancel_link}})

See you soon,
{{studio.name}}`,
  },
  bookedSms: {
    subject: "",
    body: "{{studio.name}}: You're booked for {{appointment.date}} at {{appointment.time}}. Reply C to confirm or X to cancel.",
  },
  bookedVoice: {
    subject: "",
    body: 'Hello {{customer.first_name | "there"}}, this is {{studio.name}}. Your photo appointment is booked for {{appointment.date}} at {{appointment.time}}. We look forward to seeing you. Goodbye!',
  },
  reminderEmail: {
    subject: "Reminder: your appointment on {{appointment.date}} at {{appointment.time}}",
    body: `${HI}

This is a friendly reminder of your appointment with {{studio.name}}:

- **Date:** {{appointment.date}}
- **Time:** {{appointment.time}}
- **Where:** {{appointment.location | "at our studio"}}

[Confirm]({{appointment.confirm_link}}) · [Ask for another time]({{appointment.reschedule_link}}) · [Cancel]({{appointment.cancel_link}})

See you soon,
{{studio.name}}`,
  },
  reminderSms: {
    subject: "",
    body: "{{studio.name}}: Reminder of your appointment {{appointment.date}} at {{appointment.time}}. Reply C to confirm or X to cancel.",
  },
  reminderVoice: {
    subject: "",
    body: 'Hello {{customer.first_name | "there"}}, this is {{studio.name}} with a reminder of your photo appointment on {{appointment.date}} at {{appointment.time}}, {{appointment.location | "at our studio"}}. If you need to change it, please give us a call. Thank you, and see you soon!',
  },
  followupEmail: {
    subject: "Thank you for visiting {{studio.name}}",
    body: `${HI}

Thank you for your visit on {{appointment.date}}. We hope you enjoyed your session!

We'll let you know as soon as your photos are ready. If you have any questions in the meantime, just reply to this e-mail.

Warm regards,
{{studio.name}}`,
  },
  followupSms: {
    subject: "",
    body: "{{studio.name}}: Thank you for your visit! We'll let you know as soon as your photos are ready.",
  },
  followupVoice: {
    subject: "",
    body: 'Hello {{customer.first_name | "there"}}, this is {{studio.name}}. Thank you for your visit! We will let you know as soon as your photos are ready. Goodbye!',
  },
} satisfies Record<string, Text>;

// ---------------------------------------------------------------- the profiles

type BuiltinNotification = Omit<NotificationInput, "subject" | "body"> & Text;

const note = (trigger: Trigger, channel: Channel, text: Text, rest: Partial<BuiltinNotification> = {}): BuiltinNotification => ({
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

const sellingEmail = note("job_selling", "email", TEXTS.sellingEmail, { condition: "with_photos" });
const photosEmail = note("photos_available", "email", TEXTS.photosEmail);
const welcomeEmail = note("customer_registered", "email", TEXTS.welcomeEmail, { audience: "potential_buyers" });
const couponEmail = note("coupon_deadline", "email", TEXTS.couponEmail, { offsetDays: 3, timeOfDay: "09:00", audience: "potential_buyers", condition: "with_photos" });
const archiveEmail = note("job_archiving", "email", TEXTS.archiveEmail, { offsetDays: 7, timeOfDay: "09:00", audience: "potential_buyers", condition: "with_photos" });

export type BuiltinProfile = { externalId: string; name: string; description: string; notifications: BuiltinNotification[] };

export const BUILTIN_PROFILES: readonly BuiltinProfile[] = [
  {
    externalId: "pigeon:standard",
    name: "Standard",
    description:
      "Six e-mails for a school job: photos online, each customer's photos ready, a welcome on registration, coupon and archive reminders for those who have not ordered yet, and a thank-you after an order.",
    notifications: [sellingEmail, photosEmail, welcomeEmail, couponEmail, archiveEmail, note("order_placed", "email", TEXTS.thanksEmail, { audience: "buyers" })],
  },
  {
    externalId: "pigeon:intensive",
    name: "Intensive",
    description:
      "For jobs that need a stronger push: the Standard reminders plus text messages when selling starts and two days before the photos go offline (the thank-you is left to the shop's own order confirmation).",
    notifications: [
      sellingEmail,
      note("job_selling", "sms", TEXTS.sellingSms, { condition: "with_photos" }),
      photosEmail,
      welcomeEmail,
      couponEmail,
      archiveEmail,
      note("job_archiving", "sms", TEXTS.archiveSms, { offsetDays: 2, timeOfDay: "18:00", audience: "potential_buyers", condition: "with_photos" }),
    ],
  },
];

// ---------------------------------------------------------------- the template library

export type BuiltinTemplate = { name: string; trigger: Trigger; channel: Channel } & Text;

const template = (name: string, trigger: Trigger, channel: Channel, text: Text): BuiltinTemplate => ({ name, trigger, channel, ...text });

/** One ready text for every trigger and every channel it allows. */
export const BUILTIN_TEMPLATES: readonly BuiltinTemplate[] = [
  template("Photos online (e-mail)", "job_selling", "email", TEXTS.sellingEmail),
  template("Photos online (SMS)", "job_selling", "sms", TEXTS.sellingSms),
  template("Photos ready for a customer (e-mail)", "photos_available", "email", TEXTS.photosEmail),
  template("Photos ready for a customer (SMS)", "photos_available", "sms", TEXTS.photosSms),
  template("Welcome after registration (e-mail)", "customer_registered", "email", TEXTS.welcomeEmail),
  template("Welcome after registration (SMS)", "customer_registered", "sms", TEXTS.welcomeSms),
  template("Coupon ends soon (e-mail)", "coupon_deadline", "email", TEXTS.couponEmail),
  template("Coupon ends soon (SMS)", "coupon_deadline", "sms", TEXTS.couponSms),
  template("Photos will be archived (e-mail)", "job_archiving", "email", TEXTS.archiveEmail),
  template("Last chance before archiving (SMS)", "job_archiving", "sms", TEXTS.archiveSms),
  template("Thank you for your order (e-mail)", "order_placed", "email", TEXTS.thanksEmail),
  template("Thank you for your order (SMS)", "order_placed", "sms", TEXTS.thanksSms),
  template("Picture day is coming (e-mail)", "picture_day", "email", TEXTS.pictureDayEmail),
  template("Picture day is coming (SMS)", "picture_day", "sms", TEXTS.pictureDaySms),
  template("Free shipping ends (e-mail)", "shipping_deadline", "email", TEXTS.shippingEmail),
  template("Free shipping ends (SMS)", "shipping_deadline", "sms", TEXTS.shippingSms),
  template("Appointment booked (e-mail)", "appointment_booked", "email", TEXTS.bookedEmail),
  template("Appointment booked (SMS)", "appointment_booked", "sms", TEXTS.bookedSms),
  template("Appointment booked (call)", "appointment_booked", "voice", TEXTS.bookedVoice),
  template("Appointment reminder (e-mail)", "appointment_reminder", "email", TEXTS.reminderEmail),
  template("Appointment reminder (SMS)", "appointment_reminder", "sms", TEXTS.reminderSms),
  template("Appointment reminder (call)", "appointment_reminder", "voice", TEXTS.reminderVoice),
  template("Thanks for your visit (e-mail)", "appointment_followup", "email", TEXTS.followupEmail),
  template("Thanks for your visit (SMS)", "appointment_followup", "sms", TEXTS.followupSms),
  template("Thanks for your visit (call)", "appointment_followup", "voice", TEXTS.followupVoice),
];

// ---------------------------------------------------------------- seeding

const FIELDS = ["trigger", "channel", "offsetDays", "offsetHours", "timeOfDay", "audience", "condition", "subject", "body", "active"] as const;
const same = (a: Record<string, unknown>, b: Record<string, unknown>, keys: readonly string[]) => keys.every((k) => a[k] === b[k]);

/**
 * Creates the built-in profiles and templates, or brings them up to date with the texts above,
 * matched by name among built-in rows. Rows that already match are not touched, so a second run
 * writes nothing; a changed notification keeps its id (what it already sent stays sent).
 */
export async function ensureBuiltinProfiles(db: Db, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    for (const p of BUILTIN_PROFILES) {
      let profile = await tx.query.communicationProfiles.findFirst({
        where: and(eq(communicationProfiles.name, p.name), eq(communicationProfiles.builtIn, true)),
      });
      if (!profile) {
        [profile] = await tx
          .insert(communicationProfiles)
          .values({ name: p.name, description: p.description, externalId: p.externalId, builtIn: true, createdAt: now, updatedAt: now })
          .returning();
      } else if (profile.description !== p.description || profile.externalId !== p.externalId) {
        await tx.update(communicationProfiles).set({ description: p.description, externalId: p.externalId, updatedAt: now }).where(eq(communicationProfiles.id, profile.id));
      }
      const profileId = profile!.id;
      const existing = await tx.select().from(notifications).where(eq(notifications.profileId, profileId)).orderBy(asc(notifications.position), asc(notifications.id));
      for (const [position, wanted] of p.notifications.entries()) {
        const row = existing[position];
        if (!row) await tx.insert(notifications).values({ ...wanted, profileId, position, createdAt: now, updatedAt: now });
        else if (!same(row, wanted, FIELDS) || row.position !== position) {
          await tx.update(notifications).set({ ...wanted, position, updatedAt: now }).where(eq(notifications.id, row.id));
        }
      }
      const extra = existing.slice(p.notifications.length).map((n) => n.id);
      if (extra.length) await tx.delete(notifications).where(inArray(notifications.id, extra));
    }

    const stored = await tx.select().from(templates).where(eq(templates.builtIn, true));
    for (const t of BUILTIN_TEMPLATES) {
      const row = stored.find((s) => s.name === t.name);
      if (!row) await tx.insert(templates).values({ ...t, builtIn: true, createdAt: now, updatedAt: now });
      else if (!same(row, t, ["trigger", "channel", "subject", "body"])) {
        await tx.update(templates).set({ trigger: t.trigger, channel: t.channel, subject: t.subject, body: t.body, updatedAt: now }).where(eq(templates.id, row.id));
      }
    }
  });
}
