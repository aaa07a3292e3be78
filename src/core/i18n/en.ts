// The English catalogue: every text a customer reads or hears that Pigeon writes itself (link
// pages, the e-mail footer, SMS hints and replies, call prompts). It defines the keys; the other
// languages must have the same ones (tsc checks), and a key any of them lacks reads in English.
// `{name}` marks a value filled in when the text is used; `{Name}` the same value with a capital.
export const en = {
  // Link pages: shared
  "page.linkProblem.title": "Link not valid",
  "page.linkProblem.heading": "This link does not work",
  "link.expired": "This link has expired.",
  "link.expired.preferences":
    "Links to your preferences work for {days} days. For a fresh one, use the preferences or unsubscribe link in our latest message, or contact us.",
  "link.expired.confirm":
    "This confirmation link worked for {days} days. Open the preferences link in our latest message and turn it on again for a new one.",
  "link.expired.other": "Newer messages have a fresh link.",
  "link.expired.reach": "You can reach {studio} at {contacts}.",
  "link.or": "or",
  "link.damaged": "The link is damaged or incomplete. Please use the link from your message exactly as it is.",
  "link.noCustomer": "We no longer have your details, so there is nothing to change.",
  "link.galleryOffline": "This gallery is not online (any more).",
  "link.messageGone": "We cannot find this message any more.",
  "link.messageUnavailable": "This message cannot be shown right now. Please contact us if you need it.",
  "link.messageWithdrawn": "This message was withdrawn.",
  "link.phoneChanged":
    "The phone number this link was sent to is no longer the one we have for you, so it cannot turn anything on.",

  // Unsubscribe page
  "unsubscribe.title": "Unsubscribe",
  "unsubscribe.doneHeading": "You are unsubscribed",
  "unsubscribe.doneText": "{address} will get no more marketing e-mails (news, offers, photo reminders) from {studio}.",
  "unsubscribe.mistake": "Was that a mistake?",
  "unsubscribe.changePreferences": "Change your preferences",
  "unsubscribe.askHeading": "Unsubscribe?",
  "unsubscribe.askText": "Stop marketing e-mails (news, offers, photo reminders) from {studio} to {address}.",
  "unsubscribe.button": "Unsubscribe",
  "unsubscribe.yourAddress": "your address",
  "unsubscribe.instead": "Choose which messages you get instead",
  "service.note": "Automatic reminders and confirmations of appointments you book with us still come.",

  // Preferences page
  "preferences.title": "Your preferences",
  "preferences.heading": "How may we contact you?",
  "preferences.saved": "Saved. Thank you!",
  "preferences.noAddress": "(we have no address for this)",
  "preferences.save": "Save preferences",
  "preferences.phoneNote":
    "Turning texts or calls on sends a text to your phone first: they start once you confirm with the link in it.",
  "preferences.email": "Marketing e-mails",
  "preferences.emailNote": "News, offers and reminders about your photos.",
  "preferences.sms": "Text messages",
  "preferences.voice": "Phone calls",
  "preferences.off": "Off: {reason}",
  "blocked.bounced":
    "our e-mails to this address bounced, so we stopped sending. Please contact us to turn them back on.",
  "blocked.complained":
    "our e-mails were reported as spam from this address, so we stopped sending. Please contact us to turn them back on.",
  "blocked.stop": "you texted STOP. Reply START to one of our texts to get them again.",
  "blocked.landline": "this number cannot receive texts. Please contact us.",
  "blocked.other": "we cannot reach this address. Please contact us.",

  // Turning texts or calls on: the page the confirmation text links to, and what leads there
  "channels.sms": "texts",
  "channels.voice": "calls",
  "channels.both": "texts and calls",
  "confirm.title": "Confirm",
  "confirm.doneHeading": "Confirmed",
  "confirm.doneText":
    "{studio} may now send you {what} at {phone}. You can change this with the preferences link in any of our messages.",
  "confirm.askHeading": "Turn on {what}?",
  "confirm.askText": "You asked {studio} to send you {what} at {phone}.",
  "confirm.button": "Yes, turn on {what}",
  "confirm.smsStayOff": "Texts stay off: {reason}",
  "confirm.voiceStayOff": "Calls stay off: {reason}",
  "confirm.stale": "You turned {what} off after this link was sent; ask for a new one from your preferences page.",
  "confirm.cannotText": "We cannot text {phone} to confirm, so {what} stay off. Please contact us to change this.",
  "confirm.stopped":
    "We do not text {phone} since you asked us to stop, so {what} stay off. Reply START to one of our texts, or contact us, to change this.",
  "confirm.alreadySent":
    "We sent a text to {phone} a few minutes ago; confirm with the link in it, or try again in a few minutes.",
  "confirm.sent": "We sent a text to {phone}. {What} start once you confirm with the link in it.",
  "confirm.sms":
    "{studio}: to get {what} from us at this number, confirm here: {url} If you did not ask, ignore this text.",

  // Appointment pages: the confirm, cancel and reschedule links in reminders
  "appointment.title": "Your appointment",
  "appointment.when": "When",
  "appointment.where": "Where",
  "appointment.with": "With",
  "appointment.status": "Status",
  "appointment.status.scheduled": "Booked",
  "appointment.status.confirmed": "Confirmed",
  "appointment.status.cancelled": "Cancelled",
  "appointment.status.reschedule_requested": "New time asked for",
  "appointment.ask.confirm": "Confirm your appointment?",
  "appointment.ask.confirmText": "Let {studio} know you will be there.",
  "appointment.button.confirm": "Yes, confirm my appointment",
  "appointment.ask.cancel": "Cancel your appointment?",
  "appointment.ask.cancelText": "{studio} will be told at once.",
  "appointment.button.cancel": "Cancel my appointment",
  "appointment.ask.reschedule": "Need a different time?",
  "appointment.ask.rescheduleText":
    "Ask {studio} for a new time. They will contact you to find one; until then your appointment stays booked.",
  "appointment.button.reschedule": "Ask for a new time",
  "appointment.orReschedule": "Rather move it to another time?",
  "appointment.done.confirm": "Confirmed",
  "appointment.done.confirmText": "Your appointment on {when} is confirmed. Thank you!",
  "appointment.done.cancel": "Cancelled",
  "appointment.done.cancelText": "Your appointment on {when} is cancelled.",
  "appointment.done.reschedule": "Request sent",
  "appointment.done.rescheduleText":
    "{Studio} knows you need a different time for your appointment on {when} and will contact you to find a new one.",
  "appointment.already.confirm": "Already confirmed",
  "appointment.already.confirmText": "Your appointment on {when} is already confirmed. See you then!",
  "appointment.already.cancel": "Already cancelled",
  "appointment.already.cancelText": "Your appointment on {when} is already cancelled.",
  "appointment.already.reschedule": "Already asked",
  "appointment.already.rescheduleText":
    "You already asked for a new time for your appointment on {when}. {Studio} will contact you.",
  "appointment.cancelled": "This appointment is cancelled",
  "appointment.cancelled.confirm": "Your appointment on {when} was cancelled, so it cannot be confirmed any more.",
  "appointment.cancelled.reschedule": "Your appointment on {when} was cancelled.",
  "appointment.past": "This appointment has passed",
  "appointment.pastText": "Your appointment on {when} has begun or is over, so it cannot be changed here.",
  "appointment.choose": "What would you like to do?",
  "appointment.chooseNone": "There is nothing to change here.",
  "appointment.badAction": "This link does not say what to do. Please choose below.",
  "appointment.bookAgain": "To book a new time, contact {studio}:",
  "appointment.bookAgainReply": "To book a new time, reply to our message.",
  "appointment.questions": "Questions? Contact {studio}:",
  "appointment.gone": "We cannot find this appointment any more. It may have been removed.",

  // E-mail footer
  "email.viewInBrowser": "View in browser",
  "email.unsubscribe": "Unsubscribe",
  "email.preferences": "E-mail preferences",

  // SMS: the opt-out hint and the answers to replies (keywords stay in English: carriers act on them)
  "sms.optOut": "Reply STOP to opt out.",
  "sms.helpCall": "{studio}: for help call us at {phone}.",
  "sms.helpReply": "{studio}: reply here and we will get back to you.",
  "sms.start": "{studio}: you will get our text messages again.",
  "sms.confirmed": "Thank you! Your appointment on {when} is confirmed. - {studio}",
  "sms.cancelledCall": "Your appointment on {when} is cancelled. Call us at {phone} to book a new time. - {studio}",
  "sms.cancelledReply": "Your appointment on {when} is cancelled. Reply here to book a new time. - {studio}",

  // Calls
  "voice.unavailable": "Hello, this is {studio}. Sorry, this message is no longer available. Goodbye.",
  "voice.press9": "Press 9 to stop these calls.",
  "voice.stopped": "You will not receive these calls any more. Goodbye.",
  "voice.thanks": "Thank you. Goodbye.",
} as const;

export type MessageKey = keyof typeof en;
/** A whole catalogue: tsc refuses a language that lacks a key or has one English does not. */
export type Catalogue = Record<MessageKey, string>;
