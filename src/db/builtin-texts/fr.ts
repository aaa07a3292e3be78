// The built-in texts in French, formal address (vous). Placeholders as in English; SMS in GSM-7
// (no ç, â, ê, î, ô, û or curly apostrophe in them).
import { imageSlot } from "../../core/image-slot.ts";
import type { BuiltinTexts } from "./en.ts";

const HI = 'Bonjour {{customer.first_name | "à vous"}},';
const CODE = '{{customer.access_code | "sur la carte que vous avez reçue"}}';
/** An appointment's details and its links, as booking and reminder e-mails both give them. */
const APPOINTMENT = `- **Date :** {{appointment.date}}
- **Heure :** {{appointment.time}}
- **Lieu :** {{appointment.location | "à notre studio"}}

[Confirmer]({{appointment.confirm_link}}) · [Demander un autre horaire]({{appointment.reschedule_link}}) · [Annuler]({{appointment.cancel_link}})`;

export const fr: BuiltinTexts = {
  sellingEmail: {
    subject: "Vos photos de {{job.name}} sont en ligne",
    body: `${HI}

Bonne nouvelle : les photos de **{{job.name}}** sont en ligne. Vous pouvez dès maintenant les découvrir et les commander.

[Voir vos photos]({{customer.gallery_link}})

Votre code d’accès : **${CODE}**. Il vous permet d’ouvrir la galerie.

La galerie reste ouverte jusqu’au {{job.archive_date | "terme de la période de vente"}} : prenez le temps de choisir vos photos préférées.

Bien cordialement,
{{studio.name}}`,
  },
  sellingSms: {
    subject: "",
    body: '{{studio.name}} : les photos de {{job.name}} sont en ligne ! Code {{customer.access_code | "sur votre carte"}} {{customer.gallery_link}}',
  },
  photosEmail: {
    subject: '{{customer.first_name | "Bonjour"}}, vos photos sont prêtes',
    body: `${HI}

Vos photos de **{{job.name}}** viennent d’être ajoutées à votre galerie personnelle.

[Voir vos photos]({{customer.gallery_link}})

Code d’accès : **${CODE}**

Date limite de commande : {{job.archive_date | "la fermeture de la galerie"}}. Ne la manquez pas !

Bien cordialement,
{{studio.name}}`,
  },
  photosSms: {
    subject: "",
    body: "{{studio.name}} : vos photos de {{job.name}} sont disponibles : {{customer.gallery_link}}",
  },
  welcomeEmail: {
    subject: "Bienvenue ! Vous êtes inscrit(e) à {{job.name}}",
    body: `${HI}

Merci de vous être inscrit(e) à **{{job.name}}**. Nous vous préviendrons dès que vos photos seront prêtes.

Votre code d’accès : **${CODE}**

[Ouvrir votre galerie]({{customer.gallery_link}})

Une question ? Répondez simplement à cet e-mail.

Bien cordialement,
{{studio.name}}`,
  },
  welcomeSms: {
    subject: "",
    body: "{{studio.name}} : merci pour votre inscription à {{job.name}} ! Nous vous enverrons un SMS quand vos photos seront en ligne.",
  },
  couponEmail: {
    subject: "Votre bon de réduction pour {{job.name}} expire bientôt",
    body: `${HI}

Petit rappel : votre bon de réduction pour **{{job.name}}** est valable jusqu’au **{{job.coupon_deadline}}**. Commandez d’ici là pour profiter de votre remise.

[Choisir vos photos]({{customer.gallery_link}})

Code d’accès : **${CODE}**

Bien cordialement,
{{studio.name}}`,
  },
  couponSms: {
    subject: "",
    body: "{{studio.name}} : votre bon de réduction pour {{job.name}} expire dans quelques jours ! Commander : {{customer.gallery_link}}",
  },
  archiveEmail: {
    subject: "Rappel : vos photos de {{job.name}} seront bientôt archivées",
    body: `${HI}

La galerie de **{{job.name}}** ferme le **{{job.archive_date}}**. Après cette date, les photos seront archivées et ne pourront plus être commandées en ligne.

Tirages, téléchargements ou cadeaux : c’est le bon moment pour commander.

[Commander vos photos]({{customer.gallery_link}})

Code d’accès : **${CODE}**

Bien cordialement,
{{studio.name}}`,
  },
  archiveSms: {
    subject: "",
    body: "{{studio.name}} : dernière chance pour commander les photos de {{job.name}} : {{customer.gallery_link}}",
  },
  thanksEmail: {
    subject: "Merci pour votre commande !",
    body: `${HI}

Merci pour votre commande de **{{order.amount}}** pour **{{job.name}}**. Nous l’avons reçue le {{order.date}} et la préparons dès maintenant.

[Retour à votre galerie]({{customer.gallery_link}})

Pour toute question sur votre commande, répondez simplement à cet e-mail.

Nous espérons que vos photos vous plairont !

Bien cordialement,
{{studio.name}}`,
  },
  thanksSms: {
    subject: "",
    body: "{{studio.name}} : merci pour votre commande de {{order.amount}} ! Nous la préparons.",
  },
  pictureDayEmail: {
    subject: "La séance photo de {{job.name}} approche",
    body: `${HI}

La séance photo de **{{job.name}}** aura lieu le **{{job.shoot_date}}**. Nous avons hâte d’y être !

Quelques conseils pour de belles photos :

- Choisissez des vêtements unis ; les motifs chargés et les grands logos attirent l’œil.
- Prévoyez un peigne ou une brosse pour une dernière retouche.
- Une bonne nuit de sommeil donne les plus beaux sourires.

{{job.custom_text}}

À très bientôt,
{{studio.name}}`,
  },
  pictureDaySms: {
    subject: "",
    body: "{{studio.name}} : la séance photo de {{job.name}} aura lieu le {{job.shoot_date}}. A très vite !",
  },
  shippingEmail: {
    subject: "Livraison offerte pour {{job.name}} jusqu’au {{job.shipping_deadline}}",
    body: `${HI}

Commandez vos photos de **{{job.name}}** d’ici le **{{job.shipping_deadline}}** et nous vous les livrons gratuitement.

[Choisir vos photos]({{customer.gallery_link}})

Code d’accès : **${CODE}**

Bien cordialement,
{{studio.name}}`,
  },
  shippingSms: {
    subject: "",
    body: "{{studio.name}} : la livraison offerte pour {{job.name}} prend fin très vite : {{customer.gallery_link}}",
  },
  bookedEmail: {
    subject: "Votre rendez-vous du {{appointment.date}} est réservé",
    body: `${HI}

Merci d’avoir réservé chez {{studio.name}}. Voici les détails :

${APPOINTMENT}

À très bientôt,
{{studio.name}}`,
  },
  bookedSms: {
    subject: "",
    body: "{{studio.name}} : votre rendez-vous est réservé le {{appointment.date}} à {{appointment.time}}. Répondez C pour confirmer ou X pour annuler.",
  },
  bookedVoice: {
    subject: "",
    body: 'Bonjour {{customer.first_name | "à vous"}}, ici {{studio.name}}. Votre séance photo est réservée le {{appointment.date}} à {{appointment.time}}. Nous avons hâte de vous voir. Au revoir !',
  },
  reminderEmail: {
    subject: "Rappel : votre rendez-vous du {{appointment.date}} à {{appointment.time}}",
    body: `${HI}

Nous vous rappelons votre rendez-vous chez {{studio.name}} :

${APPOINTMENT}

À très bientôt,
{{studio.name}}`,
  },
  reminderSms: {
    subject: "",
    body: "{{studio.name}} : rappel de votre rendez-vous le {{appointment.date}} à {{appointment.time}}. Répondez C pour confirmer ou X pour annuler.",
  },
  reminderVoice: {
    subject: "",
    body: 'Bonjour {{customer.first_name | "à vous"}}, ici {{studio.name}}, pour vous rappeler votre séance photo le {{appointment.date}} à {{appointment.time}}, {{appointment.location | "à notre studio"}}. Si vous souhaitez la modifier, appelez-nous. Merci, et à très bientôt !',
  },
  followupEmail: {
    subject: "Merci de votre visite chez {{studio.name}}",
    body: `${HI}

Merci de votre visite le {{appointment.date}}. Nous espérons que la séance vous a plu !

Nous vous préviendrons dès que vos photos seront prêtes. D’ici là, pour toute question, répondez simplement à cet e-mail.

Bien cordialement,
{{studio.name}}`,
  },
  followupSms: {
    subject: "",
    body: "{{studio.name}} : merci de votre visite ! Nous vous préviendrons dès que vos photos seront disponibles.",
  },
  followupVoice: {
    subject: "",
    body: 'Bonjour {{customer.first_name | "à vous"}}, ici {{studio.name}}. Merci de votre visite ! Nous vous préviendrons dès que vos photos seront prêtes. Au revoir !',
  },
  announcementEmail: {
    subject: "Journées portraits de famille chez {{studio.name}}",
    preheader: "Réservez une séance photo en famille cette saison : les places sont limitées",
    body: `${imageSlot("Remplacez par votre photo : appuyez sur Image")}

## Nos journées portraits de famille sont là

${HI}

Cette saison, nous ouvrons notre studio à des séances photo en famille, dans une ambiance détendue. Parents, enfants, grands-parents et même le chien de la famille sont les bienvenus. Une séance dure environ 30 minutes ; vous choisissez ensuite vos photos préférées dans votre propre galerie en ligne.

- **Où :** {{studio.address | "à notre studio"}}
- **Pour réserver :** répondez à cet e-mail ou appelez-nous au {{studio.phone | "numéro ci-dessous"}}

Les places sont limitées : réservez tôt pour obtenir le jour qui vous convient.

Au plaisir de vous voir !
{{studio.name}}`,
  },
  saleEmail: {
    subject: "{{job.name}} : votre code promo est à l'intérieur",
    preheader: "Économisez sur vos photos de {{job.name}} jusqu'au {{job.coupon_deadline}}",
    body: `${HI}

Bonne nouvelle : pendant quelques jours, vous économisez sur vos photos de **{{job.name}}**.

**Votre code promo : {{job.custom_text}}**

Saisissez le code lors du paiement. Il est valable jusqu'au **{{job.coupon_deadline}}** pour les tirages, les téléchargements et les cadeaux.

[Choisir vos photos]({{customer.gallery_link}})

Votre code d'accès à la galerie : **${CODE}**

Bon choix !
{{studio.name}}`,
  },
  gentleReminderEmail: {
    subject: "Un petit rappel de {{studio.name}}",
    preheader: "Vos photos de {{job.name}} vous attendent",
    body: `${HI}

Un petit rappel : vos photos de **{{job.name}}** vous attendent toujours dans votre galerie personnelle.

[Ouvrir votre galerie]({{customer.gallery_link}})

Votre code d'accès : **${CODE}**

La galerie reste ouverte jusqu'au {{job.archive_date | "la fin de la période de vente"}}. Une question ? Répondez simplement à cet e-mail, nous vous aiderons avec plaisir.

Bien cordialement,
{{studio.name}}`,
  },
};
