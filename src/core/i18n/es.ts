// Spanish, formal address (usted). SMS texts avoid á, í, ó, ú and ¡: outside GSM-7, any one of
// them would turn the whole text into UCS-2 (70 characters a segment instead of 160); é and ñ are in it.
import type { Catalogue } from "./en.ts";

export const es: Catalogue = {
  "page.linkProblem.title": "Enlace no válido",
  "page.linkProblem.heading": "Este enlace no funciona",
  "link.expired": "Este enlace ha caducado.",
  "link.expired.preferences":
    "Los enlaces a sus preferencias son válidos durante {days} días. Para obtener uno nuevo, use el enlace de preferencias o de baja de nuestro último mensaje, o póngase en contacto con nosotros.",
  "link.expired.confirm":
    "Este enlace de confirmación era válido durante {days} días. Abra el enlace de preferencias de nuestro último mensaje y vuelva a activar la opción para recibir uno nuevo.",
  "link.expired.other": "Nuestros mensajes más recientes incluyen un enlace nuevo.",
  "link.expired.reach": "Puede contactar con {studio} en {contacts}.",
  "link.or": "o",
  "link.damaged": "El enlace está dañado o incompleto. Use el enlace de su mensaje exactamente como aparece.",
  "link.noCustomer": "Ya no guardamos sus datos, así que no hay nada que cambiar.",
  "link.galleryOffline": "Esta galería no está (o ya no está) en línea.",
  "link.messageGone": "Ya no encontramos este mensaje.",
  "link.messageUnavailable":
    "Este mensaje no se puede mostrar en este momento. Póngase en contacto con nosotros si lo necesita.",
  "link.messageWithdrawn": "Este mensaje fue retirado.",
  "link.phoneChanged":
    "El número de teléfono al que se envió este enlace ya no es el que tenemos registrado, así que no puede activar nada.",

  "unsubscribe.title": "Darse de baja",
  "unsubscribe.doneHeading": "Se ha dado de baja",
  "unsubscribe.doneText":
    "{address} ya no recibirá correos promocionales (novedades, ofertas, recordatorios de fotos) de {studio}.",
  "unsubscribe.mistake": "¿Ha sido un error?",
  "unsubscribe.changePreferences": "Cambie sus preferencias",
  "unsubscribe.askHeading": "¿Darse de baja?",
  "unsubscribe.askText":
    "Dejar de recibir correos promocionales (novedades, ofertas, recordatorios de fotos) de {studio} en {address}.",
  "unsubscribe.button": "Darse de baja",
  "unsubscribe.yourAddress": "su dirección",
  "unsubscribe.instead": "Elegir qué mensajes desea recibir",
  "service.note":
    "Seguirá recibiendo los recordatorios y las confirmaciones automáticas de las citas que reserve con nosotros.",

  "preferences.title": "Sus preferencias",
  "preferences.heading": "¿Cómo podemos contactarle?",
  "preferences.saved": "Guardado. ¡Gracias!",
  "preferences.noAddress": "(no tenemos ninguna dirección para esto)",
  "preferences.save": "Guardar preferencias",
  "preferences.phoneNote":
    "Si activa los SMS o las llamadas, primero enviamos un SMS a su teléfono: empezarán en cuanto confirme con el enlace que contiene.",
  "preferences.email": "Correos promocionales",
  "preferences.emailNote": "Novedades, ofertas y recordatorios sobre sus fotos.",
  "preferences.sms": "Mensajes de texto (SMS)",
  "preferences.voice": "Llamadas telefónicas",
  "preferences.off": "Desactivado: {reason}",
  "blocked.bounced":
    "nuestros correos a esta dirección fueron devueltos, así que dejamos de enviarlos. Póngase en contacto con nosotros para reactivarlos.",
  "blocked.complained":
    "nuestros correos fueron marcados como spam desde esta dirección, así que dejamos de enviarlos. Póngase en contacto con nosotros para reactivarlos.",
  "blocked.stop": "nos envió STOP. Responda START a cualquiera de nuestros SMS para volver a recibirlos.",
  "blocked.landline": "este número no puede recibir SMS. Póngase en contacto con nosotros.",
  "blocked.other": "no podemos llegar a esta dirección. Póngase en contacto con nosotros.",

  "channels.sms": "SMS",
  "channels.voice": "llamadas",
  "channels.both": "SMS y llamadas",
  "confirm.title": "Confirmar",
  "confirm.doneHeading": "Confirmado",
  "confirm.doneText":
    "{studio} ya puede enviarle {what} al {phone}. Puede cambiarlo con el enlace de preferencias de cualquiera de nuestros mensajes.",
  "confirm.askHeading": "¿Activar {what}?",
  "confirm.askText": "Ha pedido a {studio} que le envíe {what} al {phone}.",
  "confirm.button": "Sí, activar {what}",
  "confirm.smsStayOff": "Los SMS siguen desactivados: {reason}",
  "confirm.voiceStayOff": "Las llamadas siguen desactivadas: {reason}",
  "confirm.stale":
    "Desactivó {what} después de que se enviara este enlace; pida uno nuevo desde su página de preferencias.",
  "confirm.cannotText":
    "No podemos enviar un SMS al {phone} para confirmar, así que no podemos activar {what}. Póngase en contacto con nosotros para cambiarlo.",
  "confirm.stopped":
    "No enviamos SMS al {phone} desde que nos lo pidió, así que no podemos activar {what}. Responda START a uno de nuestros SMS, o póngase en contacto con nosotros, para cambiarlo.",
  "confirm.alreadySent":
    "Hace unos minutos enviamos un SMS al {phone}; confirme con el enlace que contiene o vuelva a intentarlo en unos minutos.",
  "confirm.sent": "Hemos enviado un SMS al {phone}. Recibirá {what} en cuanto confirme con el enlace que contiene.",
  "confirm.sms":
    "{studio}: para recibir {what} de nosotros en este teléfono, confirme en este enlace: {url} Si no lo ha pedido, ignore este SMS.",

  "appointment.title": "Su cita",
  "appointment.when": "Cuándo",
  "appointment.where": "Dónde",
  "appointment.with": "Con",
  "appointment.status": "Estado",
  "appointment.status.scheduled": "Reservada",
  "appointment.status.confirmed": "Confirmada",
  "appointment.status.cancelled": "Cancelada",
  "appointment.status.reschedule_requested": "Nueva hora solicitada",
  "appointment.ask.confirm": "¿Confirmar su cita?",
  "appointment.ask.confirmText": "Avise a {studio} de que asistirá.",
  "appointment.button.confirm": "Sí, confirmar mi cita",
  "appointment.ask.cancel": "¿Cancelar su cita?",
  "appointment.ask.cancelText": "{Studio} lo sabrá al instante.",
  "appointment.button.cancel": "Cancelar mi cita",
  "appointment.ask.reschedule": "¿Necesita otra hora?",
  "appointment.ask.rescheduleText":
    "Pida a {studio} una nueva hora; se pondrán en contacto con usted para encontrarla. Hasta entonces su cita sigue reservada.",
  "appointment.button.reschedule": "Pedir una nueva hora",
  "appointment.orReschedule": "¿Prefiere cambiarla a otra hora?",
  "appointment.done.confirm": "Confirmada",
  "appointment.done.confirmText": "Su cita del {when} queda confirmada. ¡Gracias!",
  "appointment.done.cancel": "Cancelada",
  "appointment.done.cancelText": "Su cita del {when} queda cancelada.",
  "appointment.done.reschedule": "Solicitud enviada",
  "appointment.done.rescheduleText":
    "{Studio} sabe que necesita otra hora para su cita del {when} y se pondrá en contacto con usted para encontrar una nueva.",
  "appointment.already.confirm": "Ya confirmada",
  "appointment.already.confirmText": "Su cita del {when} ya está confirmada. ¡Hasta pronto!",
  "appointment.already.cancel": "Ya cancelada",
  "appointment.already.cancelText": "Su cita del {when} ya está cancelada.",
  "appointment.already.reschedule": "Ya solicitada",
  "appointment.already.rescheduleText":
    "Ya pidió una nueva hora para su cita del {when}. {Studio} se pondrá en contacto con usted.",
  "appointment.cancelled": "Esta cita está cancelada",
  "appointment.cancelled.confirm": "Su cita del {when} fue cancelada y ya no se puede confirmar.",
  "appointment.cancelled.reschedule": "Su cita del {when} fue cancelada.",
  "appointment.past": "Esta cita ya pasó",
  "appointment.pastText": "Su cita del {when} ya empezó o terminó, así que no se puede cambiar aquí.",
  "appointment.choose": "¿Qué desea hacer?",
  "appointment.chooseNone": "Aquí no hay nada que cambiar.",
  "appointment.badAction": "Este enlace no indica qué hacer. Elija abajo, por favor.",
  "appointment.bookAgain": "Para reservar una nueva hora, contacte con {studio}:",
  "appointment.bookAgainReply": "Para reservar una nueva hora, responda a nuestro mensaje.",
  "appointment.questions": "¿Preguntas? Contacte con {studio}:",
  "appointment.gone": "Ya no encontramos esta cita. Puede que se haya eliminado.",

  "email.viewInBrowser": "Ver en el navegador",
  "email.unsubscribe": "Darse de baja",
  "email.preferences": "Preferencias de correo",

  "sms.optOut": "Responda STOP para darse de baja.",
  "sms.helpCall": "{studio}: si necesita ayuda, puede llamarnos al {phone}.",
  "sms.helpReply": "{studio}: responda a este mensaje y le contestaremos.",
  "sms.start": "{studio}: le volvemos a enviar nuestros SMS.",
  "sms.confirmed": "Gracias. Su cita del {when} queda confirmada. - {studio}",
  "sms.cancelledCall":
    "Su cita del {when} queda cancelada. Puede llamarnos al {phone} para reservar otra hora. - {studio}",
  "sms.cancelledReply":
    "Su cita del {when} queda cancelada. Responda a este mensaje para reservar otra hora. - {studio}",

  "voice.unavailable": "Hola, le llamamos de {studio}. Lo sentimos, este mensaje ya no está disponible. Adiós.",
  "voice.press9": "Pulse 9 si no desea recibir más llamadas como esta.",
  "voice.stopped": "No recibirá más llamadas como esta. Adiós.",
  "voice.thanks": "Gracias. Adiós.",
};
