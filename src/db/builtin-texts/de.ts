// The built-in texts in German, formal address (Sie). Placeholders as in English; SMS in GSM-7.
import { imageSlot } from "../../core/image-slot.ts";
import type { BuiltinTexts } from "./en.ts";

const HI = 'Hallo {{customer.first_name | "zusammen"}},';
const CODE = '{{customer.access_code | "auf Ihrer Karte"}}';
/** An appointment's details and its links, as booking and reminder e-mails both give them. */
const APPOINTMENT = `- **Datum:** {{appointment.date}}
- **Uhrzeit:** {{appointment.time}}
- **Ort:** {{appointment.location | "in unserem Studio"}}

[Bestätigen]({{appointment.confirm_link}}) · [Anderen Termin anfragen]({{appointment.reschedule_link}}) · [Absagen]({{appointment.cancel_link}})`;

export const de: BuiltinTexts = {
  sellingEmail: {
    subject: "Ihre Fotos von {{job.name}} sind online",
    body: `${HI}

gute Nachrichten: Die Fotos von **{{job.name}}** sind online und warten darauf, von Ihnen angesehen und bestellt zu werden.

[Zu Ihren Fotos]({{customer.gallery_link}})

Ihr Zugangscode: **${CODE}**. Sie brauchen ihn, um die Galerie zu öffnen.

Die Galerie ist bis {{job.archive_date | "zum Ende des Verkaufszeitraums"}} geöffnet. Nehmen Sie sich also Zeit, Ihre Lieblingsbilder auszuwählen.

Herzliche Grüße
{{studio.name}}`,
  },
  sellingSms: {
    subject: "",
    body: '{{studio.name}}: Die Fotos von {{job.name}} sind online! Code {{customer.access_code | "auf Ihrer Karte"}} {{customer.gallery_link}}',
  },
  photosEmail: {
    subject: '{{customer.first_name | "Guten Tag"}}, Ihre Fotos sind da',
    body: `${HI}

Ihre Fotos von **{{job.name}}** sind gerade in Ihre persönliche Galerie gekommen.

[Fotos ansehen]({{customer.gallery_link}})

Zugangscode: **${CODE}**

Bestellen Sie bis {{job.archive_date | "zum Schließen der Galerie"}}, damit Sie nichts verpassen.

Herzliche Grüße
{{studio.name}}`,
  },
  photosSms: {
    subject: "",
    body: "{{studio.name}}: Ihre Fotos von {{job.name}} sind da: {{customer.gallery_link}}",
  },
  welcomeEmail: {
    subject: "Willkommen! Sie sind für {{job.name}} angemeldet",
    body: `${HI}

vielen Dank für Ihre Anmeldung zu **{{job.name}}**. Wir sagen Ihnen Bescheid, sobald Ihre Fotos fertig sind.

Ihr Zugangscode: **${CODE}**

[Galerie öffnen]({{customer.gallery_link}})

Haben Sie Fragen? Antworten Sie einfach auf diese E-Mail.

Viele Grüße
{{studio.name}}`,
  },
  welcomeSms: {
    subject: "",
    body: "{{studio.name}}: Danke für Ihre Anmeldung zu {{job.name}}! Wir schicken Ihnen eine SMS, sobald Ihre Fotos online sind.",
  },
  couponEmail: {
    subject: "Ihr Gutschein für {{job.name}} läuft bald ab",
    body: `${HI}

eine kurze Erinnerung: Ihr Gutschein für **{{job.name}}** gilt bis **{{job.coupon_deadline}}**. Bestellen Sie bis dahin, um Ihren Rabatt zu erhalten.

[Fotos auswählen]({{customer.gallery_link}})

Zugangscode: **${CODE}**

Viele Grüße
{{studio.name}}`,
  },
  couponSms: {
    subject: "",
    body: "{{studio.name}}: Ihr Gutschein für {{job.name}} läuft bald ab! Bestellen: {{customer.gallery_link}}",
  },
  archiveEmail: {
    subject: "Erinnerung: Ihre Fotos von {{job.name}} werden bald archiviert",
    body: `${HI}

die Galerie für **{{job.name}}** schließt am **{{job.archive_date}}**. Danach werden die Fotos archiviert und können nicht mehr online bestellt werden.

Wenn Sie Abzüge, Downloads oder Geschenke möchten, ist jetzt ein guter Zeitpunkt:

[Fotos bestellen]({{customer.gallery_link}})

Zugangscode: **${CODE}**

Freundliche Grüße
{{studio.name}}`,
  },
  archiveSms: {
    subject: "",
    body: "{{studio.name}}: Letzte Gelegenheit, die Fotos von {{job.name}} zu bestellen: {{customer.gallery_link}}",
  },
  thanksEmail: {
    subject: "Vielen Dank für Ihre Bestellung!",
    body: `${HI}

vielen Dank für Ihre Bestellung über **{{order.amount}}** aus **{{job.name}}**. Sie ist am {{order.date}} bei uns eingegangen, und wir bereiten sie gerade vor.

[Zurück zur Galerie]({{customer.gallery_link}})

Wenn Sie Fragen zu Ihrer Bestellung haben, antworten Sie einfach auf diese E-Mail.

Wir wünschen Ihnen viel Freude mit Ihren Fotos!

Herzliche Grüße
{{studio.name}}`,
  },
  thanksSms: {
    subject: "",
    body: "{{studio.name}}: Vielen Dank für Ihre Bestellung über {{order.amount}}! Wir bereiten sie gerade vor.",
  },
  pictureDayEmail: {
    subject: "Bald ist Fototag für {{job.name}}",
    body: `${HI}

der Fototag für **{{job.name}}** ist am **{{job.shoot_date}}**. Wir freuen uns darauf!

Ein paar Tipps für schöne Fotos:

- Wählen Sie einfarbige Kleidung; unruhige Muster und große Logos lenken ab.
- Denken Sie an Kamm oder Bürste für den letzten Schliff.
- Gut ausgeschlafen lächelt es sich am schönsten.

{{job.custom_text}}

Bis bald
{{studio.name}}`,
  },
  pictureDaySms: {
    subject: "",
    body: "{{studio.name}}: Der Fototag für {{job.name}} ist am {{job.shoot_date}}. Bis dann!",
  },
  shippingEmail: {
    subject: "Kostenloser Versand für {{job.name}} nur bis {{job.shipping_deadline}}",
    body: `${HI}

bestellen Sie Ihre Fotos von **{{job.name}}** bis **{{job.shipping_deadline}}**, dann schicken wir sie Ihnen kostenlos zu.

[Fotos auswählen]({{customer.gallery_link}})

Zugangscode: **${CODE}**

Viele Grüße
{{studio.name}}`,
  },
  shippingSms: {
    subject: "",
    body: "{{studio.name}}: Der kostenlose Versand für {{job.name}} endet bald: {{customer.gallery_link}}",
  },
  bookedEmail: {
    subject: "Ihr Termin am {{appointment.date}} ist gebucht",
    body: `${HI}

vielen Dank für Ihre Buchung bei {{studio.name}}. Hier die Einzelheiten:

${APPOINTMENT}

Bis bald
{{studio.name}}`,
  },
  bookedSms: {
    subject: "",
    body: "{{studio.name}}: Ihr Termin ist am {{appointment.date}} um {{appointment.time}} gebucht. Antworten Sie C zum Bestätigen oder X zum Absagen.",
  },
  bookedVoice: {
    subject: "",
    body: 'Hallo {{customer.first_name | "zusammen"}}, hier ist {{studio.name}}. Ihr Fototermin ist für {{appointment.date}} um {{appointment.time}} gebucht. Wir freuen uns auf Sie. Auf Wiederhören!',
  },
  reminderEmail: {
    subject: "Erinnerung: Ihr Termin am {{appointment.date}} um {{appointment.time}}",
    body: `${HI}

wir möchten Sie an Ihren Termin bei {{studio.name}} erinnern:

${APPOINTMENT}

Bis bald
{{studio.name}}`,
  },
  reminderSms: {
    subject: "",
    body: "{{studio.name}}: Erinnerung an Ihren Termin am {{appointment.date}} um {{appointment.time}}. Antworten Sie C zum Bestätigen oder X zum Absagen.",
  },
  reminderVoice: {
    subject: "",
    body: 'Hallo {{customer.first_name | "zusammen"}}, hier ist {{studio.name}} mit einer Erinnerung an Ihren Fototermin am {{appointment.date}} um {{appointment.time}}, {{appointment.location | "in unserem Studio"}}. Falls Sie ihn ändern möchten, rufen Sie uns bitte an. Vielen Dank und bis bald!',
  },
  followupEmail: {
    subject: "Vielen Dank für Ihren Besuch bei {{studio.name}}",
    body: `${HI}

vielen Dank für Ihren Besuch am {{appointment.date}}. Wir hoffen, das Shooting hat Ihnen Freude gemacht!

Wir sagen Ihnen Bescheid, sobald Ihre Fotos fertig sind. Wenn Sie bis dahin Fragen haben, antworten Sie einfach auf diese E-Mail.

Herzliche Grüße
{{studio.name}}`,
  },
  followupSms: {
    subject: "",
    body: "{{studio.name}}: Vielen Dank für Ihren Besuch! Wir melden uns, sobald Ihre Fotos fertig sind.",
  },
  followupVoice: {
    subject: "",
    body: 'Hallo {{customer.first_name | "zusammen"}}, hier ist {{studio.name}}. Vielen Dank für Ihren Besuch! Wir melden uns, sobald Ihre Fotos fertig sind. Auf Wiederhören!',
  },
  announcementEmail: {
    subject: "Familien-Fototage bei {{studio.name}}",
    preheader: "Buchen Sie ein entspanntes Familien-Shooting: die Plätze sind begrenzt",
    body: `${imageSlot("Durch Ihr Bild ersetzen: auf Bild drücken")}

## Unsere Familien-Fototage sind da

${HI}

in dieser Saison öffnen wir unser Studio für entspannte Familien-Shootings. Eltern, Kinder, Großeltern und sogar der Familienhund sind herzlich willkommen. Ein Shooting dauert etwa 30 Minuten, danach wählen Sie Ihre Lieblingsbilder in Ihrer eigenen Online-Galerie aus.

- **Wo:** {{studio.address | "in unserem Studio"}}
- **Buchen:** Antworten Sie auf diese E-Mail oder rufen Sie uns an unter {{studio.phone | "der Nummer unten"}}

Die Plätze sind begrenzt. Buchen Sie früh, damit Sie Ihren Wunschtag bekommen.

Wir freuen uns auf Sie!
{{studio.name}}`,
  },
  saleEmail: {
    subject: "{{job.name}}: Ihr Gutscheincode ist da",
    preheader: "Sparen Sie bei Ihren Fotos von {{job.name}} bis {{job.coupon_deadline}}",
    body: `${HI}

gute Nachrichten: Für kurze Zeit sparen Sie bei Ihren Fotos von **{{job.name}}**.

**Ihr Gutscheincode: {{job.custom_text}}**

Geben Sie den Code beim Bezahlen ein. Er gilt bis **{{job.coupon_deadline}}** für Abzüge, Downloads und Geschenke.

[Fotos auswählen]({{customer.gallery_link}})

Ihr Zugangscode für die Galerie: **${CODE}**

Viel Freude beim Aussuchen
{{studio.name}}`,
  },
  gentleReminderEmail: {
    subject: "Eine freundliche Erinnerung von {{studio.name}}",
    preheader: "Ihre Fotos von {{job.name}} warten auf Sie",
    body: `${HI}

eine kurze Erinnerung: Ihre Fotos von **{{job.name}}** warten noch in Ihrer persönlichen Galerie auf Sie.

[Galerie öffnen]({{customer.gallery_link}})

Ihr Zugangscode: **${CODE}**

Die Galerie ist bis {{job.archive_date | "zum Ende des Verkaufszeitraums"}} geöffnet. Haben Sie Fragen? Antworten Sie einfach auf diese E-Mail, wir helfen gern.

Herzliche Grüße
{{studio.name}}`,
  },
};
