// German, formal address (Sie). SMS texts stay in GSM-7: ä, ö, ü and ß are in it.
import type { Catalogue } from "./en.ts";

export const de: Catalogue = {
  "page.linkProblem.title": "Link ungültig",
  "page.linkProblem.heading": "Dieser Link funktioniert nicht",
  "link.expired": "Dieser Link ist abgelaufen.",
  "link.expired.preferences":
    "Links zu Ihren Einstellungen gelten {days} Tage. Einen neuen finden Sie als Einstellungs- oder Abmeldelink in unserer letzten Nachricht, oder Sie wenden sich an uns.",
  "link.expired.confirm":
    "Dieser Bestätigungslink galt {days} Tage. Öffnen Sie den Einstellungslink in unserer letzten Nachricht und schalten Sie es dort erneut ein, dann erhalten Sie einen neuen.",
  "link.expired.other": "Neuere Nachrichten enthalten einen aktuellen Link.",
  "link.expired.reach": "Sie erreichen {studio} unter {contacts}.",
  "link.or": "oder",
  "link.damaged":
    "Der Link ist beschädigt oder unvollständig. Bitte verwenden Sie den Link aus Ihrer Nachricht genau so, wie er ist.",
  "link.noCustomer": "Wir haben Ihre Daten nicht mehr gespeichert, es gibt also nichts zu ändern.",
  "link.galleryOffline": "Diese Galerie ist nicht (mehr) online.",
  "link.messageGone": "Wir können diese Nachricht nicht mehr finden.",
  "link.messageUnavailable":
    "Diese Nachricht kann gerade nicht angezeigt werden. Bitte wenden Sie sich an uns, wenn Sie sie brauchen.",
  "link.messageWithdrawn": "Diese Nachricht wurde zurückgezogen.",
  "link.phoneChanged":
    "Die Telefonnummer, an die dieser Link ging, ist nicht mehr die, die wir für Sie gespeichert haben. Daher kann er nichts einschalten.",

  "unsubscribe.title": "Abmelden",
  "unsubscribe.doneHeading": "Sie sind abgemeldet",
  "unsubscribe.doneText":
    "{address} erhält keine Werbe-E-Mails (Neuigkeiten, Angebote, Foto-Erinnerungen) von {studio} mehr.",
  "unsubscribe.mistake": "War das ein Versehen?",
  "unsubscribe.changePreferences": "Einstellungen ändern",
  "unsubscribe.askHeading": "Abmelden?",
  "unsubscribe.askText":
    "Keine Werbe-E-Mails (Neuigkeiten, Angebote, Foto-Erinnerungen) von {studio} mehr an {address}.",
  "unsubscribe.button": "Abmelden",
  "unsubscribe.yourAddress": "Ihre Adresse",
  "unsubscribe.instead": "Stattdessen auswählen, welche Nachrichten Sie erhalten",
  "service.note":
    "Automatische Erinnerungen und Bestätigungen zu Terminen, die Sie bei uns buchen, erhalten Sie weiterhin.",

  "preferences.title": "Ihre Einstellungen",
  "preferences.heading": "Wie dürfen wir Sie kontaktieren?",
  "preferences.saved": "Gespeichert. Vielen Dank!",
  "preferences.noAddress": "(dafür haben wir keine Adresse)",
  "preferences.save": "Einstellungen speichern",
  "preferences.phoneNote":
    "Wenn Sie SMS oder Anrufe einschalten, schicken wir zuerst eine SMS an Ihr Telefon: Sie beginnen, sobald Sie mit dem Link darin bestätigen.",
  "preferences.email": "Werbe-E-Mails",
  "preferences.emailNote": "Neuigkeiten, Angebote und Erinnerungen zu Ihren Fotos.",
  "preferences.sms": "SMS",
  "preferences.voice": "Anrufe",
  "preferences.off": "Aus: {reason}",
  "blocked.bounced":
    "Unsere E-Mails an diese Adresse kamen zurück, daher senden wir keine mehr. Bitte wenden Sie sich an uns, um sie wieder einzuschalten.",
  "blocked.complained":
    "Unsere E-Mails wurden von dieser Adresse als Spam gemeldet, daher senden wir keine mehr. Bitte wenden Sie sich an uns, um sie wieder einzuschalten.",
  "blocked.stop": "Sie haben STOP geschickt. Antworten Sie auf eine unserer SMS mit START, um sie wieder zu erhalten.",
  "blocked.landline": "Diese Nummer kann keine SMS empfangen. Bitte wenden Sie sich an uns.",
  "blocked.other": "Wir erreichen diese Adresse nicht. Bitte wenden Sie sich an uns.",

  "channels.sms": "SMS",
  "channels.voice": "Anrufe",
  "channels.both": "SMS und Anrufe",
  "confirm.title": "Bestätigen",
  "confirm.doneHeading": "Bestätigt",
  "confirm.doneText":
    "{studio} darf Ihnen jetzt {what} an {phone} senden. Sie können das jederzeit über den Einstellungslink in unseren Nachrichten ändern.",
  "confirm.askHeading": "{What} einschalten?",
  "confirm.askText": "Sie haben {studio} gebeten, Ihnen {what} an {phone} zu senden.",
  "confirm.button": "Ja, {what} einschalten",
  "confirm.smsStayOff": "SMS bleiben aus: {reason}",
  "confirm.voiceStayOff": "Anrufe bleiben aus: {reason}",
  "confirm.stale":
    "Sie haben {what} ausgeschaltet, nachdem dieser Link verschickt wurde. Fordern Sie auf Ihrer Einstellungsseite einen neuen an.",
  "confirm.cannotText":
    "Wir können {phone} keine SMS zur Bestätigung schicken, daher bleiben {what} aus. Bitte wenden Sie sich an uns, um das zu ändern.",
  "confirm.stopped":
    "Wir schicken {phone} keine SMS, seit Sie uns darum gebeten haben, daher bleiben {what} aus. Antworten Sie auf eine unserer SMS mit START oder wenden Sie sich an uns, um das zu ändern.",
  "confirm.alreadySent":
    "Wir haben vor wenigen Minuten eine SMS an {phone} geschickt. Bestätigen Sie mit dem Link darin oder versuchen Sie es in ein paar Minuten erneut.",
  "confirm.sent": "Wir haben eine SMS an {phone} geschickt. {What} beginnen, sobald Sie mit dem Link darin bestätigen.",
  "confirm.sms":
    "{studio}: Um {what} von uns an diese Nummer zu erhalten, bestätigen Sie hier: {url} Falls Sie das nicht angefordert haben, ignorieren Sie diese SMS.",

  "appointment.title": "Ihr Termin",
  "appointment.when": "Wann",
  "appointment.where": "Wo",
  "appointment.with": "Bei",
  "appointment.status": "Status",
  "appointment.status.scheduled": "Gebucht",
  "appointment.status.confirmed": "Bestätigt",
  "appointment.status.cancelled": "Abgesagt",
  "appointment.status.reschedule_requested": "Neuer Termin angefragt",
  "appointment.ask.confirm": "Termin bestätigen?",
  "appointment.ask.confirmText": "Sagen Sie {studio} Bescheid, dass Sie kommen.",
  "appointment.button.confirm": "Ja, Termin bestätigen",
  "appointment.ask.cancel": "Termin absagen?",
  "appointment.ask.cancelText": "{Studio} erfährt es sofort.",
  "appointment.button.cancel": "Termin absagen",
  "appointment.ask.reschedule": "Brauchen Sie einen anderen Termin?",
  "appointment.ask.rescheduleText":
    "Bitten Sie {studio} um einen neuen Termin. Man meldet sich bei Ihnen, um einen zu finden; bis dahin bleibt Ihr Termin gebucht.",
  "appointment.button.reschedule": "Neuen Termin anfragen",
  "appointment.orReschedule": "Lieber auf einen anderen Zeitpunkt verschieben?",
  "appointment.done.confirm": "Bestätigt",
  "appointment.done.confirmText": "Ihr Termin am {when} ist bestätigt. Vielen Dank!",
  "appointment.done.cancel": "Abgesagt",
  "appointment.done.cancelText": "Ihr Termin am {when} ist abgesagt.",
  "appointment.done.reschedule": "Anfrage gesendet",
  "appointment.done.rescheduleText":
    "{Studio} weiß, dass Sie für Ihren Termin am {when} eine andere Zeit brauchen, und meldet sich bei Ihnen, um eine neue zu finden.",
  "appointment.already.confirm": "Bereits bestätigt",
  "appointment.already.confirmText": "Ihr Termin am {when} ist bereits bestätigt. Bis dann!",
  "appointment.already.cancel": "Bereits abgesagt",
  "appointment.already.cancelText": "Ihr Termin am {when} ist bereits abgesagt.",
  "appointment.already.reschedule": "Bereits angefragt",
  "appointment.already.rescheduleText":
    "Sie haben für Ihren Termin am {when} bereits einen neuen Termin angefragt. {Studio} meldet sich bei Ihnen.",
  "appointment.cancelled": "Dieser Termin ist abgesagt",
  "appointment.cancelled.confirm": "Ihr Termin am {when} wurde abgesagt und kann nicht mehr bestätigt werden.",
  "appointment.cancelled.reschedule": "Ihr Termin am {when} wurde abgesagt.",
  "appointment.past": "Dieser Termin ist vorbei",
  "appointment.pastText": "Ihr Termin am {when} hat begonnen oder ist vorbei und kann hier nicht mehr geändert werden.",
  "appointment.choose": "Was möchten Sie tun?",
  "appointment.chooseNone": "Hier gibt es nichts zu ändern.",
  "appointment.badAction": "Dieser Link sagt nicht, was zu tun ist. Bitte wählen Sie unten.",
  "appointment.bookAgain": "Für einen neuen Termin wenden Sie sich an {studio}:",
  "appointment.bookAgainReply": "Für einen neuen Termin antworten Sie einfach auf unsere Nachricht.",
  "appointment.questions": "Fragen? Wenden Sie sich an {studio}:",
  "appointment.gone": "Wir können diesen Termin nicht mehr finden. Er wurde vielleicht entfernt.",

  "email.viewInBrowser": "Im Browser ansehen",
  "email.unsubscribe": "Abmelden",
  "email.preferences": "E-Mail-Einstellungen",

  "sms.optOut": "Antworten Sie STOP zum Abmelden.",
  "sms.helpCall": "{studio}: Hilfe erhalten Sie unter {phone}.",
  "sms.helpReply": "{studio}: Antworten Sie einfach auf diese SMS, wir melden uns bei Ihnen.",
  "sms.start": "{studio}: Sie erhalten unsere SMS wieder.",
  "sms.confirmed": "Vielen Dank! Ihr Termin am {when} ist bestätigt. - {studio}",
  "sms.cancelledCall":
    "Ihr Termin am {when} ist abgesagt. Rufen Sie uns unter {phone} an, um einen neuen Termin zu vereinbaren. - {studio}",
  "sms.cancelledReply":
    "Ihr Termin am {when} ist abgesagt. Antworten Sie auf diese SMS, um einen neuen Termin zu vereinbaren. - {studio}",

  "voice.unavailable":
    "Guten Tag, hier ist {studio}. Diese Nachricht ist leider nicht mehr verfügbar. Auf Wiederhören.",
  "voice.press9": "Drücken Sie die 9, wenn Sie keine weiteren Anrufe dieser Art wünschen.",
  "voice.stopped": "Sie erhalten diese Anrufe nicht mehr. Auf Wiederhören.",
  "voice.thanks": "Vielen Dank. Auf Wiederhören.",
};
