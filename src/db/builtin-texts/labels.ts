// The names staff see for the built-in profiles and templates, per language. Template names are
// keyed by the text they hold; the profiles by their external id, which never changes.
import type { Language } from "../../core/i18n/translate.ts";
import type { TextName } from "./en.ts";

export type ProfileLabel = { name: string; description: string };
/** The designed e-mails' descriptions: what each is for, shown in the template library. */
export type BuiltinLabels = {
  standard: ProfileLabel;
  intensive: ProfileLabel;
  templates: Record<TextName, string>;
  descriptions: Partial<Record<TextName, string>>;
};

export const LABELS: Record<Language, BuiltinLabels> = {
  en: {
    standard: {
      name: "Standard",
      description:
        "Six e-mails for a school job: photos online, each customer's photos ready, a welcome on registration, coupon and archive reminders for those who have not ordered yet, and a thank-you after an order.",
    },
    intensive: {
      name: "Intensive",
      description:
        "For jobs that need a stronger push: the Standard reminders plus text messages when selling starts and two days before the photos go offline (the thank-you is left to the shop's own order confirmation).",
    },
    templates: {
      sellingEmail: "Photos online (e-mail)",
      sellingSms: "Photos online (SMS)",
      photosEmail: "Photos ready for a customer (e-mail)",
      photosSms: "Photos ready for a customer (SMS)",
      welcomeEmail: "Welcome after registration (e-mail)",
      welcomeSms: "Welcome after registration (SMS)",
      couponEmail: "Coupon ends soon (e-mail)",
      couponSms: "Coupon ends soon (SMS)",
      archiveEmail: "Photos will be archived (e-mail)",
      archiveSms: "Last chance before archiving (SMS)",
      thanksEmail: "Thank you for your order (e-mail)",
      thanksSms: "Thank you for your order (SMS)",
      pictureDayEmail: "Picture day is coming (e-mail)",
      pictureDaySms: "Picture day is coming (SMS)",
      shippingEmail: "Free shipping ends (e-mail)",
      shippingSms: "Free shipping ends (SMS)",
      bookedEmail: "Appointment booked (e-mail)",
      bookedSms: "Appointment booked (SMS)",
      bookedVoice: "Appointment booked (call)",
      reminderEmail: "Appointment reminder (e-mail)",
      reminderSms: "Appointment reminder (SMS)",
      reminderVoice: "Appointment reminder (call)",
      followupEmail: "Thanks for your visit (e-mail)",
      followupSms: "Thanks for your visit (SMS)",
      followupVoice: "Thanks for your visit (call)",
      announcementEmail: "Announcement with a hero image",
      saleEmail: "Sale with a coupon",
      gentleReminderEmail: "Reminder",
    },
    descriptions: {
      announcementEmail:
        "A news e-mail that opens with a full-width picture: family portrait days, a new offer, studio news. Replace the grey picture slot at the top with your own picture (select that line and press Image) before you send it: an e-mail still holding the slot is refused when saved.",
      saleEmail:
        "A promotion with a coupon code and its deadline. Write the code in the job's Custom text (Jobs → Edit) and set the job's coupon deadline; the e-mail shows both, with the gallery link and access code.",
      gentleReminderEmail:
        "A short, friendly nudge for customers who have not ordered yet: their gallery link, access code and when the gallery closes.",
    },
  },
  de: {
    standard: {
      name: "Standard",
      description:
        "Sechs E-Mails für einen Schulauftrag: Fotos online, die Fotos jedes Kunden bereit, eine Begrüßung bei der Anmeldung, Gutschein- und Archiv-Erinnerungen für alle, die noch nicht bestellt haben, und ein Dankeschön nach einer Bestellung.",
    },
    intensive: {
      name: "Intensiv",
      description:
        "Für Aufträge, die mehr Nachdruck brauchen: die Standard-Erinnerungen plus SMS zum Verkaufsstart und zwei Tage bevor die Fotos offline gehen (das Dankeschön übernimmt die Bestellbestätigung des Shops).",
    },
    templates: {
      sellingEmail: "Fotos online (E-Mail)",
      sellingSms: "Fotos online (SMS)",
      photosEmail: "Fotos eines Kunden bereit (E-Mail)",
      photosSms: "Fotos eines Kunden bereit (SMS)",
      welcomeEmail: "Willkommen nach der Anmeldung (E-Mail)",
      welcomeSms: "Willkommen nach der Anmeldung (SMS)",
      couponEmail: "Gutschein läuft bald ab (E-Mail)",
      couponSms: "Gutschein läuft bald ab (SMS)",
      archiveEmail: "Fotos werden archiviert (E-Mail)",
      archiveSms: "Letzte Gelegenheit vor dem Archivieren (SMS)",
      thanksEmail: "Danke für Ihre Bestellung (E-Mail)",
      thanksSms: "Danke für Ihre Bestellung (SMS)",
      pictureDayEmail: "Fototag steht bevor (E-Mail)",
      pictureDaySms: "Fototag steht bevor (SMS)",
      shippingEmail: "Kostenloser Versand endet (E-Mail)",
      shippingSms: "Kostenloser Versand endet (SMS)",
      bookedEmail: "Termin gebucht (E-Mail)",
      bookedSms: "Termin gebucht (SMS)",
      bookedVoice: "Termin gebucht (Anruf)",
      reminderEmail: "Terminerinnerung (E-Mail)",
      reminderSms: "Terminerinnerung (SMS)",
      reminderVoice: "Terminerinnerung (Anruf)",
      followupEmail: "Danke für Ihren Besuch (E-Mail)",
      followupSms: "Danke für Ihren Besuch (SMS)",
      followupVoice: "Danke für Ihren Besuch (Anruf)",
      announcementEmail: "Ankündigung mit großem Bild",
      saleEmail: "Aktion mit Gutscheincode",
      gentleReminderEmail: "Erinnerung",
    },
    descriptions: {
      announcementEmail:
        "Eine Neuigkeiten-E-Mail, die mit einem Bild über die ganze Breite beginnt: Familien-Fototage, ein neues Angebot, Neues aus dem Studio. Ersetzen Sie den grauen Bildplatzhalter oben vor dem Senden durch Ihr eigenes Bild (die Zeile markieren und Bild drücken): eine E-Mail mit dem Platzhalter wird beim Speichern abgelehnt.",
      saleEmail:
        "Eine Aktion mit Gutscheincode und Frist. Schreiben Sie den Code in den eigenen Text des Auftrags (Aufträge → Bearbeiten) und setzen Sie die Gutscheinfrist; die E-Mail zeigt beides, mit Galerie-Link und Zugangscode.",
      gentleReminderEmail:
        "Eine kurze, freundliche Erinnerung für alle, die noch nicht bestellt haben: Galerie-Link, Zugangscode und wann die Galerie schließt.",
    },
  },
  fr: {
    standard: {
      name: "Standard",
      description:
        "Six e-mails pour une prise de vue scolaire : photos en ligne, photos de chaque client prêtes, bienvenue à l’inscription, rappels du bon de réduction et de l’archivage pour ceux qui n’ont pas encore commandé, et un remerciement après une commande.",
    },
    intensive: {
      name: "Intensif",
      description:
        "Pour les prises de vue qui demandent plus de relances : les rappels du profil Standard, plus des SMS à l’ouverture des ventes et deux jours avant que les photos ne soient plus en ligne (le remerciement est laissé à la confirmation de commande de la boutique).",
    },
    templates: {
      sellingEmail: "Photos en ligne (e-mail)",
      sellingSms: "Photos en ligne (SMS)",
      photosEmail: "Photos d’un client prêtes (e-mail)",
      photosSms: "Photos d’un client prêtes (SMS)",
      welcomeEmail: "Bienvenue après l’inscription (e-mail)",
      welcomeSms: "Bienvenue après l’inscription (SMS)",
      couponEmail: "Le bon de réduction expire bientôt (e-mail)",
      couponSms: "Le bon de réduction expire bientôt (SMS)",
      archiveEmail: "Les photos seront archivées (e-mail)",
      archiveSms: "Dernière chance avant l’archivage (SMS)",
      thanksEmail: "Merci pour votre commande (e-mail)",
      thanksSms: "Merci pour votre commande (SMS)",
      pictureDayEmail: "La séance photo approche (e-mail)",
      pictureDaySms: "La séance photo approche (SMS)",
      shippingEmail: "Fin de la livraison offerte (e-mail)",
      shippingSms: "Fin de la livraison offerte (SMS)",
      bookedEmail: "Rendez-vous réservé (e-mail)",
      bookedSms: "Rendez-vous réservé (SMS)",
      bookedVoice: "Rendez-vous réservé (appel)",
      reminderEmail: "Rappel de rendez-vous (e-mail)",
      reminderSms: "Rappel de rendez-vous (SMS)",
      reminderVoice: "Rappel de rendez-vous (appel)",
      followupEmail: "Merci de votre visite (e-mail)",
      followupSms: "Merci de votre visite (SMS)",
      followupVoice: "Merci de votre visite (appel)",
      announcementEmail: "Annonce avec grande image",
      saleEmail: "Promotion avec code promo",
      gentleReminderEmail: "Rappel",
    },
    descriptions: {
      announcementEmail:
        "Un e-mail de nouvelles qui s'ouvre sur une image pleine largeur : journées portraits de famille, nouvelle offre, nouvelles du studio. Remplacez l'emplacement gris en haut par votre propre photo (sélectionnez cette ligne et appuyez sur Image) avant l'envoi : un e-mail qui le contient encore est refusé à l'enregistrement.",
      saleEmail:
        "Une promotion avec un code promo et sa date limite. Écrivez le code dans le texte personnalisé du travail (Travaux → Modifier) et fixez la date limite du coupon ; l'e-mail affiche les deux, avec le lien de la galerie et le code d'accès.",
      gentleReminderEmail:
        "Un rappel court et aimable pour les clients qui n'ont pas encore commandé : lien de la galerie, code d'accès et date de fermeture de la galerie.",
    },
  },
  es: {
    standard: {
      name: "Estándar",
      description:
        "Seis correos para un trabajo escolar: fotos en línea, las fotos de cada cliente listas, una bienvenida al registrarse, recordatorios del cupón y del archivado para quienes aún no han pedido, y un agradecimiento tras cada pedido.",
    },
    intensive: {
      name: "Intensivo",
      description:
        "Para trabajos que necesitan un empujón: los recordatorios del perfil Estándar más SMS al empezar la venta y dos días antes de que las fotos dejen de estar en línea (el agradecimiento queda en manos de la confirmación de pedido de la tienda).",
    },
    templates: {
      sellingEmail: "Fotos en línea (correo)",
      sellingSms: "Fotos en línea (SMS)",
      photosEmail: "Fotos de un cliente listas (correo)",
      photosSms: "Fotos de un cliente listas (SMS)",
      welcomeEmail: "Bienvenida tras el registro (correo)",
      welcomeSms: "Bienvenida tras el registro (SMS)",
      couponEmail: "El cupón caduca pronto (correo)",
      couponSms: "El cupón caduca pronto (SMS)",
      archiveEmail: "Las fotos se archivarán (correo)",
      archiveSms: "Última oportunidad antes del archivado (SMS)",
      thanksEmail: "Gracias por su pedido (correo)",
      thanksSms: "Gracias por su pedido (SMS)",
      pictureDayEmail: "Se acerca el día de fotos (correo)",
      pictureDaySms: "Se acerca el día de fotos (SMS)",
      shippingEmail: "Termina el envío gratuito (correo)",
      shippingSms: "Termina el envío gratuito (SMS)",
      bookedEmail: "Cita reservada (correo)",
      bookedSms: "Cita reservada (SMS)",
      bookedVoice: "Cita reservada (llamada)",
      reminderEmail: "Recordatorio de cita (correo)",
      reminderSms: "Recordatorio de cita (SMS)",
      reminderVoice: "Recordatorio de cita (llamada)",
      followupEmail: "Gracias por su visita (correo)",
      followupSms: "Gracias por su visita (SMS)",
      followupVoice: "Gracias por su visita (llamada)",
      announcementEmail: "Anuncio con imagen grande",
      saleEmail: "Oferta con código de descuento",
      gentleReminderEmail: "Recordatorio",
    },
    descriptions: {
      announcementEmail:
        "Un correo de novedades que empieza con una imagen a todo lo ancho: días de retratos familiares, una oferta nueva, noticias del estudio. Sustituya el hueco gris de arriba por su propia foto (seleccione esa línea y pulse Imagen) antes de enviarlo: un correo que aún lo contiene se rechaza al guardarlo.",
      saleEmail:
        "Una promoción con código de descuento y su fecha límite. Escriba el código en el texto propio del trabajo (Trabajos → Editar) y fije la fecha límite del cupón; el correo muestra ambos, con el enlace a la galería y el código de acceso.",
      gentleReminderEmail:
        "Un recordatorio breve y amable para los clientes que aún no han pedido: enlace a la galería, código de acceso y cuándo se cierra la galería.",
    },
  },
};
