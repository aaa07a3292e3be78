// The built-in texts in Spanish, formal address (usted). Placeholders as in English; SMS in
// GSM-7, so they are worded around á, í, ó and ú (é, ñ, ¿ and ¡ are in it).
import { imageSlot } from "../../core/image-slot.ts";
import type { BuiltinTexts } from "./en.ts";

const HI = 'Estimado/a {{customer.first_name | "cliente"}}:';
const CODE = '{{customer.access_code | "en la tarjeta que recibió"}}';
/** An appointment's details and its links, as booking and reminder e-mails both give them. */
const APPOINTMENT = `- **Fecha:** {{appointment.date}}
- **Hora:** {{appointment.time}}
- **Lugar:** {{appointment.location | "en nuestro estudio"}}

[Confirmar]({{appointment.confirm_link}}) · [Pedir otra hora]({{appointment.reschedule_link}}) · [Cancelar]({{appointment.cancel_link}})`;

export const es: BuiltinTexts = {
  sellingEmail: {
    subject: "Sus fotos de {{job.name}} ya están en línea",
    body: `${HI}

Buenas noticias: las fotos de **{{job.name}}** ya están en línea, listas para que las vea y las pida.

[Ver sus fotos]({{customer.gallery_link}})

Su código de acceso es **${CODE}**. Lo necesitará para abrir la galería.

La galería estará abierta hasta {{job.archive_date | "el final del periodo de venta"}}, así que tómese su tiempo para elegir sus favoritas.

Un cordial saludo,
{{studio.name}}`,
  },
  sellingSms: {
    subject: "",
    body: '{{studio.name}}: ¡Ya puede ver las fotos de {{job.name}}! Su clave: {{customer.access_code | "en su tarjeta"}} {{customer.gallery_link}}',
  },
  photosEmail: {
    subject: '{{customer.first_name | "Hola"}}, sus fotos están listas',
    body: `${HI}

Acabamos de añadir sus fotos de **{{job.name}}** a su galería personal.

[Ver sus fotos]({{customer.gallery_link}})

Código de acceso: **${CODE}**

Haga su pedido antes de {{job.archive_date | "que cierre la galería"}} para no perdérselas.

Un cordial saludo,
{{studio.name}}`,
  },
  photosSms: {
    subject: "",
    body: "{{studio.name}}: Sus fotos de {{job.name}} ya se pueden ver: {{customer.gallery_link}}",
  },
  welcomeEmail: {
    subject: "¡Bienvenido/a! Se ha registrado en {{job.name}}",
    body: `${HI}

Gracias por registrarse en **{{job.name}}**. Le avisaremos en cuanto sus fotos estén listas.

Su código de acceso: **${CODE}**

[Abrir su galería]({{customer.gallery_link}})

¿Tiene alguna pregunta? Responda a este correo.

Saludos cordiales,
{{studio.name}}`,
  },
  welcomeSms: {
    subject: "",
    body: "{{studio.name}}: ¡Gracias por registrarse en {{job.name}}! Le avisaremos por SMS en cuanto pueda ver sus fotos.",
  },
  couponEmail: {
    subject: "Su cupón para {{job.name}} caduca pronto",
    body: `${HI}

Le recordamos que su cupón para **{{job.name}}** es válido hasta el **{{job.coupon_deadline}}**. Haga su pedido antes de esa fecha para obtener el descuento.

[Elegir sus fotos]({{customer.gallery_link}})

Código de acceso: **${CODE}**

Saludos cordiales,
{{studio.name}}`,
  },
  couponSms: {
    subject: "",
    body: "{{studio.name}}: ¡Su descuento para {{job.name}} termina pronto! Pedidos: {{customer.gallery_link}}",
  },
  archiveEmail: {
    subject: "Recordatorio: sus fotos de {{job.name}} se archivarán pronto",
    body: `${HI}

La galería de **{{job.name}}** cierra el **{{job.archive_date}}**. A partir de esa fecha, las fotos se archivarán y ya no podrán pedirse en línea.

Si desea copias impresas, descargas o regalos, este es un buen momento:

[Pedir sus fotos]({{customer.gallery_link}})

Código de acceso: **${CODE}**

Un cordial saludo,
{{studio.name}}`,
  },
  archiveSms: {
    subject: "",
    body: "{{studio.name}}: Le queda poco tiempo para pedir las fotos de {{job.name}}: {{customer.gallery_link}}",
  },
  thanksEmail: {
    subject: "¡Gracias por su pedido!",
    body: `${HI}

Gracias por su pedido de **{{order.amount}}** de **{{job.name}}**. Lo recibimos el {{order.date}} y ya lo estamos preparando.

[Volver a su galería]({{customer.gallery_link}})

Si tiene alguna pregunta sobre su pedido, responda a este correo.

¡Esperamos que disfrute de sus fotos!

Un cordial saludo,
{{studio.name}}`,
  },
  thanksSms: {
    subject: "",
    body: "{{studio.name}}: ¡Gracias por su pedido de {{order.amount}}! Ya lo estamos preparando.",
  },
  pictureDayEmail: {
    subject: "Se acerca el día de fotos de {{job.name}}",
    body: `${HI}

El día de fotos de **{{job.name}}** es el **{{job.shoot_date}}**. ¡Le esperamos con ilusión!

Algunos consejos para unas fotos estupendas:

- Elija ropa de colores lisos; los estampados llamativos y los logotipos grandes distraen.
- Traiga un peine o un cepillo para un último retoque.
- Dormir bien la noche anterior da las mejores sonrisas.

{{job.custom_text}}

Hasta pronto,
{{studio.name}}`,
  },
  pictureDaySms: {
    subject: "",
    body: "{{studio.name}}: Las fotos de {{job.name}} se hacen el {{job.shoot_date}}. ¡Le esperamos!",
  },
  shippingEmail: {
    subject: "El envío gratuito de {{job.name}} termina el {{job.shipping_deadline}}",
    body: `${HI}

Pida sus fotos de **{{job.name}}** antes del **{{job.shipping_deadline}}** y se las enviaremos gratis.

[Elegir sus fotos]({{customer.gallery_link}})

Código de acceso: **${CODE}**

Saludos cordiales,
{{studio.name}}`,
  },
  shippingSms: {
    subject: "",
    body: "{{studio.name}}: Pida ya las fotos de {{job.name}} y se las mandamos gratis, por poco tiempo: {{customer.gallery_link}}",
  },
  bookedEmail: {
    subject: "Su cita del {{appointment.date}} está reservada",
    body: `${HI}

Gracias por reservar con {{studio.name}}. Estos son los detalles:

${APPOINTMENT}

Hasta pronto,
{{studio.name}}`,
  },
  bookedSms: {
    subject: "",
    body: "{{studio.name}}: Su cita queda reservada para el {{appointment.date}} a las {{appointment.time}}. Responda C para confirmar o X para cancelar.",
  },
  bookedVoice: {
    subject: "",
    body: 'Hola, {{customer.first_name | "buenos días"}}. Le llamamos de {{studio.name}}. Su sesión de fotos está reservada para el {{appointment.date}} a las {{appointment.time}}. Le esperamos con mucho gusto. ¡Adiós!',
  },
  reminderEmail: {
    subject: "Recordatorio: su cita del {{appointment.date}} a las {{appointment.time}}",
    body: `${HI}

Le recordamos su cita con {{studio.name}}:

${APPOINTMENT}

Hasta pronto,
{{studio.name}}`,
  },
  reminderSms: {
    subject: "",
    body: "{{studio.name}}: Le recordamos su cita del {{appointment.date}} a las {{appointment.time}}. Responda C para confirmar o X para cancelar.",
  },
  reminderVoice: {
    subject: "",
    body: 'Hola, {{customer.first_name | "buenos días"}}. Le llamamos de {{studio.name}} para recordarle su sesión de fotos del {{appointment.date}} a las {{appointment.time}}, {{appointment.location | "en nuestro estudio"}}. Si necesita cambiarla, llámenos, por favor. ¡Gracias y hasta pronto!',
  },
  followupEmail: {
    subject: "Gracias por visitar {{studio.name}}",
    body: `${HI}

Gracias por su visita del {{appointment.date}}. ¡Esperamos que haya disfrutado de la sesión!

Le avisaremos en cuanto sus fotos estén listas. Si mientras tanto tiene alguna pregunta, responda a este correo.

Un cordial saludo,
{{studio.name}}`,
  },
  followupSms: {
    subject: "",
    body: "{{studio.name}}: ¡Gracias por su visita! Le avisaremos en cuanto sus fotos estén listas.",
  },
  followupVoice: {
    subject: "",
    body: 'Hola, {{customer.first_name | "buenos días"}}. Le llamamos de {{studio.name}}. ¡Gracias por su visita! Le avisaremos en cuanto sus fotos estén listas. ¡Adiós!',
  },
  announcementEmail: {
    subject: "Días de retratos familiares en {{studio.name}}",
    preheader: "Reserve una sesión familiar relajada esta temporada: las plazas son limitadas",
    body: `${imageSlot("Sustitúyala por su foto: pulse Imagen")}

## Llegan nuestros días de retratos familiares

${HI}

Esta temporada abrimos nuestro estudio para sesiones familiares relajadas. Padres, hijos, abuelos e incluso el perro de la familia son bienvenidos. Una sesión dura unos 30 minutos y después usted elige sus fotos favoritas en su propia galería en línea.

- **Dónde:** {{studio.address | "en nuestro estudio"}}
- **Cómo reservar:** responda a este correo o llámenos al {{studio.phone | "número que figura abajo"}}

Las plazas son limitadas: reserve pronto para conseguir el día que mejor le venga.

¡Esperamos verle pronto!
{{studio.name}}`,
  },
  saleEmail: {
    subject: "{{job.name}}: aquí tiene su código de descuento",
    preheader: "Ahorre en sus fotos de {{job.name}} hasta el {{job.coupon_deadline}}",
    body: `${HI}

Buenas noticias: durante unos días puede ahorrar en sus fotos de **{{job.name}}**.

**Su código de descuento: {{job.custom_text}}**

Introduzca el código al pagar. Es válido hasta el **{{job.coupon_deadline}}** para copias, descargas y regalos.

[Elegir sus fotos]({{customer.gallery_link}})

Su código de acceso a la galería: **${CODE}**

¡Disfrute eligiendo!
{{studio.name}}`,
  },
  gentleReminderEmail: {
    subject: "Un recordatorio amable de {{studio.name}}",
    preheader: "Sus fotos de {{job.name}} le están esperando",
    body: `${HI}

Solo un breve recordatorio: sus fotos de **{{job.name}}** siguen esperándole en su galería personal.

[Abrir su galería]({{customer.gallery_link}})

Su código de acceso: **${CODE}**

La galería permanece abierta hasta el {{job.archive_date | "final del periodo de venta"}}. Si tiene alguna pregunta, responda a este correo: le ayudaremos con mucho gusto.

Un cordial saludo,
{{studio.name}}`,
  },
};
