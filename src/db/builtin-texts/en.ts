// The built-in texts in English (SPEC P2, T3): the texts every other language translates, with
// the same placeholders. E-mail bodies are Markdown. SMS texts stay within GSM-7 (straight
// quotes, no dashes or ellipses) so one segment holds 160 characters; appointment texts mention
// the reply keywords, which stay C and X in every language. The designed e-mails at the end (for
// one-time messages, no trigger) carry their own inbox preview line; the announcement opens with a
// picture slot (src/core/image-slot.ts) staff replace with their own picture.
import { imageSlot } from "../../core/image-slot.ts";

/** `preheader`: the inbox preview line; none: the body's first line. */
export type Text = { subject: string; body: string; preheader?: string };

const HI = 'Hi {{customer.first_name | "there"}},';
const CODE = '{{customer.access_code | "on the card you received"}}';
/** An appointment's details and its links, as booking and reminder e-mails both give them. */
const APPOINTMENT = `- **Date:** {{appointment.date}}
- **Time:** {{appointment.time}}
- **Where:** {{appointment.location | "at our studio"}}

[Confirm]({{appointment.confirm_link}}) · [Ask for another time]({{appointment.reschedule_link}}) · [Cancel]({{appointment.cancel_link}})`;

export const en = {
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
    body: "{{studio.name}}: Your {{job.name}} photos are ready: {{customer.gallery_link}}",
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

${APPOINTMENT}

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

${APPOINTMENT}

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
  announcementEmail: {
    subject: "Family portrait days at {{studio.name}}",
    preheader: "Book a relaxed family session this season: places are limited",
    body: `${imageSlot("Replace with your picture: press Image")}

## Family portrait days are here

${HI}

This season we are opening our studio for relaxed family sessions. Parents, children, grandparents and even the family dog are welcome. A session takes about 30 minutes, and afterwards you choose your favourite photos in your own online gallery.

- **Where:** {{studio.address | "at our studio"}}
- **How to book:** reply to this e-mail or call us at {{studio.phone | "the number below"}}

Places are limited, so book early to get the day that suits you.

We look forward to seeing you!
{{studio.name}}`,
  },
  saleEmail: {
    subject: "{{job.name}}: your coupon code is inside",
    preheader: "Save on your photos from {{job.name}} until {{job.coupon_deadline}}",
    body: `${HI}

Good news: for a short time you can save on your photos from **{{job.name}}**.

**Your coupon code: {{job.custom_text}}**

Enter the code at checkout. It is valid until **{{job.coupon_deadline}}** for prints, downloads and gifts alike.

[Choose your photos]({{customer.gallery_link}})

Your access code for the gallery: **${CODE}**

Happy choosing,
{{studio.name}}`,
  },
  gentleReminderEmail: {
    subject: "A friendly reminder from {{studio.name}}",
    preheader: "Your photos from {{job.name}} are waiting for you",
    body: `${HI}

Just a friendly reminder: your photos from **{{job.name}}** are still waiting for you in your personal gallery.

[Open your gallery]({{customer.gallery_link}})

Your access code: **${CODE}**

The gallery stays open until {{job.archive_date | "the end of the selling period"}}. If you have any questions, just reply to this e-mail: we are happy to help.

Warm regards,
{{studio.name}}`,
  },
};

export type TextName = keyof typeof en;
/** A language's built-in texts: tsc refuses one that lacks a text English has. */
export type BuiltinTexts = Record<TextName, Text>;
