// Placeholder values for one recipient (SPEC T1), from rows loaded in bulk for a batch.
// Pure: the link maker and the rows come in, a flat key → value map goes out.
import { customerDate, customerDay, staffDay } from "../core/date-format.ts";
import { usableLocale, usableTimeZone } from "../core/intl.ts";
import { exampleMoney, formatMoneyForMessage } from "../core/money.ts";
import { formatPhone } from "../core/phone.ts";
import { PLACEHOLDERS, type PlaceholderValues } from "../core/placeholders.ts";
import type { RecipientRows } from "../db/recipient-rows.ts";
import type { Job, StudioSettings } from "../db/schema.ts";

export type LinkPurpose = "unsubscribe" | "preferences" | "gallery" | "view" | "appointment";
export type LinkMaker = (purpose: LinkPurpose, customerId: number, subjectId?: number, action?: string) => string;

const longDate = (isoDay: string | null | undefined, locale: string) => (isoDay ? customerDay(isoDay, locale) : "");

/** Builds every placeholder value the recipient's data allows; missing data is left out (fallbacks apply). */
export function recipientValues(
  rows: RecipientRows,
  studio: StudioSettings,
  snippets: Record<string, string>,
  link: LinkMaker,
  address?: string | null,
): PlaceholderValues {
  const c = rows.customer;
  const locale = usableLocale(c?.locale, studio.locale);
  const tz = usableTimeZone(c?.timeZone, rows.job?.timeZone, studio.timeZone);
  const values: PlaceholderValues = {
    "studio.name": studio.name,
    "studio.address": studio.postalAddress,
    // Readable international form (+1 217 555 0142), as the e-mail footer writes it: a customer
    // may read it anywhere, and the stored E.164 is hard to read.
    "studio.phone": formatPhone(studio.phone, ""),
    "studio.email": studio.replyTo || studio.senderEmail,
    "studio.website": studio.website,
  };
  if (c) {
    Object.assign(values, {
      "customer.first_name": c.firstName,
      "customer.last_name": c.lastName,
      "customer.name": `${c.firstName} ${c.lastName}`.trim(),
      "customer.email": c.email,
      "customer.phone": c.phone,
      "links.unsubscribe_link": link("unsubscribe", c.id, rows.deliveryId),
      "links.preferences_link": link("preferences", c.id),
      "links.view_in_browser_link": link("view", c.id, rows.deliveryId),
    });
  } else if (address) {
    values["customer.email"] = address.includes("@") ? address : null;
    values["customer.phone"] = address.includes("@") ? null : address;
  }
  if (rows.job) {
    const j = rows.job;
    Object.assign(values, {
      "job.name": j.name,
      "job.type": j.type,
      "job.shoot_date": longDate(j.shootDate, locale),
      "job.archive_date": longDate(j.archiveDate, locale),
      "job.coupon_deadline": longDate(j.couponDeadline, locale),
      "job.shipping_deadline": longDate(j.shippingDeadline, locale),
      "job.custom_text": j.customText,
    });
  }
  if (rows.registration && c) {
    values["customer.access_code"] = rows.registration.accessCode;
    values["customer.photos_count"] = String(rows.registration.photosCount);
    if (rows.job?.galleryUrl) values["customer.gallery_link"] = link("gallery", c.id, rows.job.id);
  }
  if (rows.album) values["album.name"] = rows.album.name;
  if (rows.order) {
    values["order.amount"] = formatMoneyForMessage(
      rows.order.amountMinor,
      rows.order.currency,
      usableLocale(c?.locale, studio.locale),
    );
    // The day the studio took the order, as one calendar day everywhere: read in a customer's far-off
    // zone, noon in Berlin was already the next day in Auckland.
    values["order.date"] = customerDate(
      new Date(`${staffDay(rows.order.orderedAt, studio.timeZone)}T12:00:00Z`),
      locale,
      "UTC",
      "date",
    );
  }
  if (rows.appointment && c) {
    const a = rows.appointment;
    Object.assign(values, {
      "appointment.date": customerDate(a.startsAt, locale, tz, "weekday"),
      "appointment.time": customerDate(a.startsAt, locale, tz, "time"),
      "appointment.location": a.location,
      "appointment.confirm_link": link("appointment", c.id, a.id, "confirm"),
      "appointment.cancel_link": link("appointment", c.id, a.id, "cancel"),
      "appointment.reschedule_link": link("appointment", c.id, a.id, "reschedule"),
    });
  }
  for (const [key, text] of Object.entries(snippets)) values[`snippet.${key}`] = text;
  return values;
}

const NO_ROWS: Omit<RecipientRows, "deliveryId"> = {
  customer: null,
  job: null,
  registration: null,
  album: null,
  order: null,
  appointment: null,
};
const noLink: LinkMaker = () => "";

/** The values every recipient gets alike: studio.* and snippet.*. */
export function sharedValues(studio: StudioSettings, snippets: Record<string, string>): PlaceholderValues {
  return recipientValues({ deliveryId: 0, ...NO_ROWS }, studio, snippets, noLink);
}

/** The job.* values of a job, as every recipient hearing about it gets them. */
export function jobValues(job: Job, studio: StudioSettings): PlaceholderValues {
  return recipientValues({ deliveryId: 0, ...NO_ROWS, job }, studio, {}, noLink);
}

/**
 * Example values for every placeholder, for a preview with no recipient chosen: the studio's own
 * details where set, an amount in its currency, and its snippets as they are.
 */
export function sampleValues(s: StudioSettings, snippets: Record<string, string>): PlaceholderValues {
  const values: PlaceholderValues = Object.fromEntries(PLACEHOLDERS.map((p) => [p.key, p.example]));
  const studio: PlaceholderValues = {
    "studio.name": s.name,
    "studio.address": s.postalAddress,
    "studio.phone": formatPhone(s.phone, ""),
    "studio.email": s.replyTo || s.senderEmail,
    "studio.website": s.website,
  };
  for (const [k, value] of Object.entries(studio)) if (value) values[k] = value;
  values["order.amount"] = exampleMoney(s.currency, usableLocale(s.locale));
  for (const [k, text] of Object.entries(snippets)) values[`snippet.${k}`] = text;
  return values;
}
