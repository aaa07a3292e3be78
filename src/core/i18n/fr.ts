// French, formal address (vous). SMS texts avoid ç, â, ê, î, ô, û: outside GSM-7, any one of
// them would turn the whole text into UCS-2 (70 characters a segment instead of 160).
import type { Catalogue } from "./en.ts";

export const fr: Catalogue = {
  "page.linkProblem.title": "Lien non valide",
  "page.linkProblem.heading": "Ce lien ne fonctionne pas",
  "link.expired": "Ce lien a expiré.",
  "link.expired.preferences":
    "Les liens vers vos préférences sont valables {days} jours. Pour en obtenir un nouveau, utilisez le lien des préférences ou de désabonnement de notre dernier message, ou contactez-nous.",
  "link.expired.confirm":
    "Ce lien de confirmation était valable {days} jours. Ouvrez le lien des préférences de notre dernier message et réactivez l’option pour en recevoir un nouveau.",
  "link.expired.other": "Nos messages plus récents contiennent un lien valide.",
  "link.expired.reach": "Vous pouvez joindre {studio} au {contacts}.",
  "link.or": "ou",
  "link.damaged": "Le lien est endommagé ou incomplet. Veuillez utiliser le lien de votre message tel quel.",
  "link.noCustomer": "Nous ne conservons plus vos coordonnées : il n’y a donc rien à modifier.",
  "link.galleryOffline": "Cette galerie n’est pas (ou plus) en ligne.",
  "link.messageGone": "Nous ne trouvons plus ce message.",
  "link.messageUnavailable":
    "Ce message ne peut pas être affiché pour le moment. Contactez-nous si vous en avez besoin.",
  "link.messageWithdrawn": "Ce message a été retiré.",
  "link.phoneChanged":
    "Le numéro de téléphone auquel ce lien a été envoyé n’est plus celui que nous avons pour vous : il ne peut donc rien activer.",

  "unsubscribe.title": "Se désabonner",
  "unsubscribe.doneHeading": "Vous êtes désabonné(e)",
  "unsubscribe.doneText":
    "{address} ne recevra plus d’e-mails promotionnels (actualités, offres, rappels photo) de {studio}.",
  "unsubscribe.mistake": "C’était une erreur ?",
  "unsubscribe.changePreferences": "Modifier vos préférences",
  "unsubscribe.askHeading": "Se désabonner ?",
  "unsubscribe.askText":
    "Ne plus recevoir d’e-mails promotionnels (actualités, offres, rappels photo) de {studio} à l’adresse {address}.",
  "unsubscribe.button": "Se désabonner",
  "unsubscribe.yourAddress": "votre adresse",
  "unsubscribe.instead": "Choisir plutôt les messages que vous recevez",
  "service.note":
    "Les rappels et confirmations automatiques des rendez-vous que vous prenez chez nous continueront de vous parvenir.",

  "preferences.title": "Vos préférences",
  "preferences.heading": "Comment pouvons-nous vous contacter ?",
  "preferences.saved": "Enregistré. Merci !",
  "preferences.noAddress": "(nous n’avons pas d’adresse pour cela)",
  "preferences.save": "Enregistrer les préférences",
  "preferences.phoneNote":
    "Si vous activez les SMS ou les appels, nous envoyons d’abord un SMS à votre téléphone : ils commencent dès que vous confirmez avec le lien qu’il contient.",
  "preferences.email": "E-mails promotionnels",
  "preferences.emailNote": "Actualités, offres et rappels concernant vos photos.",
  "preferences.sms": "SMS",
  "preferences.voice": "Appels téléphoniques",
  "preferences.off": "Désactivé : {reason}",
  "blocked.bounced":
    "nos e-mails à cette adresse ont été rejetés, nous avons donc arrêté les envois. Contactez-nous pour les réactiver.",
  "blocked.complained":
    "nos e-mails ont été signalés comme spam depuis cette adresse, nous avons donc arrêté les envois. Contactez-nous pour les réactiver.",
  "blocked.stop": "vous avez envoyé STOP. Répondez START à l’un de nos SMS pour les recevoir à nouveau.",
  "blocked.landline": "ce numéro ne peut pas recevoir de SMS. Veuillez nous contacter.",
  "blocked.other": "nous ne pouvons pas joindre cette adresse. Veuillez nous contacter.",

  "channels.sms": "SMS",
  "channels.voice": "appels",
  "channels.both": "SMS et appels",
  "confirm.title": "Confirmer",
  "confirm.doneHeading": "Confirmé",
  "confirm.doneText":
    "{studio} peut désormais vous envoyer des {what} au {phone}. Vous pouvez modifier ce choix avec le lien des préférences présent dans chacun de nos messages.",
  "confirm.askHeading": "Activer les {what} ?",
  "confirm.askText": "Vous avez demandé à {studio} de vous envoyer des {what} au {phone}.",
  "confirm.button": "Oui, activer les {what}",
  "confirm.smsStayOff": "Les SMS restent désactivés : {reason}",
  "confirm.voiceStayOff": "Les appels restent désactivés : {reason}",
  "confirm.stale":
    "Vous avez désactivé les {what} après l’envoi de ce lien ; demandez-en un nouveau depuis votre page de préférences.",
  "confirm.cannotText":
    "Nous ne pouvons pas envoyer de SMS au {phone} pour confirmer : les {what} restent donc désactivés. Contactez-nous pour changer cela.",
  "confirm.stopped":
    "Nous n’envoyons plus de SMS au {phone} depuis que vous nous l’avez demandé : les {what} restent donc désactivés. Répondez START à l’un de nos SMS, ou contactez-nous, pour changer cela.",
  "confirm.alreadySent":
    "Nous avons envoyé un SMS au {phone} il y a quelques minutes ; confirmez avec le lien qu’il contient, ou réessayez dans quelques minutes.",
  "confirm.sent":
    "Nous avons envoyé un SMS au {phone}. Les {what} commencent dès que vous confirmez avec le lien qu’il contient.",
  "confirm.sms":
    "{studio} : pour recevoir nos {what} sur ce numéro, confirmez ici : {url} Si vous n'avez rien demandé, ignorez ce SMS.",

  "appointment.title": "Votre rendez-vous",
  "appointment.when": "Quand",
  "appointment.where": "Où",
  "appointment.with": "Avec",
  "appointment.status": "Statut",
  "appointment.status.scheduled": "Réservé",
  "appointment.status.confirmed": "Confirmé",
  "appointment.status.cancelled": "Annulé",
  "appointment.status.reschedule_requested": "Nouvel horaire demandé",
  "appointment.ask.confirm": "Confirmer votre rendez-vous ?",
  "appointment.ask.confirmText": "Indiquez à {studio} que vous serez là.",
  "appointment.button.confirm": "Oui, je confirme mon rendez-vous",
  "appointment.ask.cancel": "Annuler votre rendez-vous ?",
  "appointment.ask.cancelText": "{Studio} en sera informé aussitôt.",
  "appointment.button.cancel": "Annuler mon rendez-vous",
  "appointment.ask.reschedule": "Besoin d'un autre horaire ?",
  "appointment.ask.rescheduleText":
    "Demandez un nouvel horaire à {studio}, qui vous contactera pour en trouver un ; d'ici là, votre rendez-vous reste réservé.",
  "appointment.button.reschedule": "Demander un nouvel horaire",
  "appointment.orReschedule": "Plutôt le déplacer à un autre moment ?",
  "appointment.done.confirm": "Confirmé",
  "appointment.done.confirmText": "Votre rendez-vous du {when} est confirmé. Merci !",
  "appointment.done.cancel": "Annulé",
  "appointment.done.cancelText": "Votre rendez-vous du {when} est annulé.",
  "appointment.done.reschedule": "Demande envoyée",
  "appointment.done.rescheduleText":
    "{Studio} sait qu'il vous faut un autre horaire pour votre rendez-vous du {when} et vous contactera pour en trouver un nouveau.",
  "appointment.already.confirm": "Déjà confirmé",
  "appointment.already.confirmText": "Votre rendez-vous du {when} est déjà confirmé. À bientôt !",
  "appointment.already.cancel": "Déjà annulé",
  "appointment.already.cancelText": "Votre rendez-vous du {when} est déjà annulé.",
  "appointment.already.reschedule": "Déjà demandé",
  "appointment.already.rescheduleText":
    "Vous avez déjà demandé un nouvel horaire pour votre rendez-vous du {when}. {Studio} vous contactera.",
  "appointment.cancelled": "Ce rendez-vous est annulé",
  "appointment.cancelled.confirm": "Votre rendez-vous du {when} a été annulé et ne peut plus être confirmé.",
  "appointment.cancelled.reschedule": "Votre rendez-vous du {when} a été annulé.",
  "appointment.past": "Ce rendez-vous est passé",
  "appointment.pastText": "Votre rendez-vous du {when} a commencé ou est terminé et ne peut plus être modifié ici.",
  "appointment.choose": "Que souhaitez-vous faire ?",
  "appointment.chooseNone": "Il n'y a rien à modifier ici.",
  "appointment.badAction": "Ce lien n'indique pas quoi faire. Veuillez choisir ci-dessous.",
  "appointment.bookAgain": "Pour prendre un nouveau rendez-vous, contactez {studio} :",
  "appointment.bookAgainReply": "Pour prendre un nouveau rendez-vous, répondez à notre message.",
  "appointment.questions": "Des questions ? Contactez {studio} :",
  "appointment.gone": "Nous ne trouvons plus ce rendez-vous. Il a peut-être été supprimé.",

  "email.viewInBrowser": "Voir dans le navigateur",
  "email.unsubscribe": "Se désabonner",
  "email.preferences": "Préférences e-mail",

  "sms.optOut": "Répondez STOP pour vous désabonner.",
  "sms.helpCall": "{studio} : pour toute aide, appelez-nous au {phone}.",
  "sms.helpReply": "{studio} : répondez à ce SMS et nous reviendrons vers vous.",
  "sms.start": "{studio} : vous recevrez de nouveau nos SMS.",
  "sms.confirmed": "Merci ! Votre rendez-vous du {when} est confirmé. - {studio}",
  "sms.cancelledCall":
    "Votre rendez-vous du {when} est annulé. Appelez-nous au {phone} pour en fixer un autre. - {studio}",
  "sms.cancelledReply": "Votre rendez-vous du {when} est annulé. Répondez à ce SMS pour en fixer un autre. - {studio}",

  "voice.unavailable": "Bonjour, ici {studio}. Désolés, ce message n’est plus disponible. Au revoir.",
  "voice.press9": "Appuyez sur 9 pour ne plus recevoir ces appels.",
  "voice.stopped": "Vous ne recevrez plus ces appels. Au revoir.",
  "voice.thanks": "Merci. Au revoir.",
};
