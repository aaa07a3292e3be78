// The confirm, cancel and reschedule links in appointment messages (SPEC A3, L4):
// `/a/<token>?do=confirm|cancel|reschedule`, made by src/dispatch/compose.ts. No session and no
// CSRF token can exist here; the signed token, naming the customer and the appointment, is the
// key, as for /u/. A GET only shows the page — link scanners and previews open links — and the
// page's button POSTs to the same URL, which changes the appointment through
// setAppointmentStatus with source "link" (so a cancellation or reschedule request is a staff alert).
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import {
  APPOINTMENT_MOVES,
  type AppointmentAction,
  type AppointmentPageState,
  appointmentAction,
  appointmentLinkState,
} from "../core/appointment-link.ts";
import { customerDate } from "../core/date-format.ts";
import { languageOf, t } from "../core/i18n/translate.ts";
import { usableLocale, usableTimeZone } from "../core/intl.ts";
import { setAppointmentStatus } from "../db/appointment-changes.ts";
import { type Appointment, appointments, jobs } from "../db/schema.ts";
import { linkBodyLimit, type OpenedLink, openCustomerLink, studioContacts } from "../http/customer-link.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { AppointmentLinkPage } from "../../views/appointment-link-page.tsx";
import { LinkProblemPage } from "../../views/link-pages.tsx";
import { formatPhone } from "../core/phone.ts";
import { studioCountry } from "../core/country.ts";

type Opened = OpenedLink & { appointment: Appointment; zone: string };

/** The customer and appointment the link names, or the page saying why it does not work. */
async function openAppointment(c: Ctx): Promise<Opened | Response> {
  const opened = await openCustomerLink(c, "appointment");
  if (opened instanceof Response) return opened;
  const { db } = c.get("deps");
  const [row] = opened.subjectId
    ? await db
        .select({ appointment: appointments, jobZone: jobs.timeZone })
        .from(appointments)
        .leftJoin(jobs, eq(jobs.id, appointments.jobId))
        .where(eq(appointments.id, opened.subjectId))
    : [];
  // Another customer's appointment answers as a missing one: the link shows nothing of it.
  if (!row || row.appointment.customerId !== opened.customer.id) return gone(c, opened);
  const zone = usableTimeZone(opened.customer.timeZone, row.jobZone, opened.settings.timeZone);
  return { ...opened, appointment: row.appointment, zone };
}

/** The page for an appointment deleted since the link was sent, with how to reach the studio. */
function gone(c: Ctx, o: OpenedLink) {
  const contacts = studioContacts(o.settings, o.lang);
  const message = [
    t(o.lang, "appointment.gone"),
    contacts ? t(o.lang, "link.expired.reach", { studio: o.studio, contacts }) : "",
  ]
    .filter(Boolean)
    .join(" ");
  return c.html(LinkProblemPage({ lang: o.lang, studio: o.studio, status: 404, message }), 404);
}

/** The page for `state`, the appointment's time in the customer's language and zone. */
function page(c: Ctx, o: Opened, state: AppointmentPageState, status: 200 | 400 | 409 = 200, notice?: string) {
  // Dates in the customer's own locale ("de-AT") when it is the page's language, else in the page's.
  const ownLocale = usableLocale(o.customer.locale, o.settings.locale);
  const locale = languageOf(ownLocale) === o.lang ? ownLocale : o.lang;
  const at = o.appointment.startsAt;
  const actionUrl = (a: AppointmentAction) => `${c.req.path}?do=${a}`;
  return c.html(
    AppointmentLinkPage({
      lang: o.lang,
      studio: o.studio,
      when: customerDate(at, locale, o.zone, "datetime"),
      date: customerDate(at, locale, o.zone, "long"),
      time: customerDate(at, locale, o.zone, "time"),
      location: o.appointment.location,
      status: o.appointment.status,
      state,
      actionUrl,
      phone: o.settings.phone,
      phoneShown: formatPhone(o.settings.phone, studioCountry(o.settings)),
      email: o.settings.replyTo,
      notice,
    }),
    status,
  );
}

export const appointmentLinkRoutes = new Hono<AppEnv>()
  .use("/a/*", linkBodyLimit)
  .get("/a/:token", async (c) => {
    const o = await openAppointment(c);
    if (o instanceof Response) return o;
    const { clock } = c.get("deps");
    return page(
      c,
      o,
      appointmentLinkState(appointmentAction(c.req.query("do")), o.appointment.status, o.appointment.startsAt, clock()),
    );
  })
  .post("/a/:token", async (c) => {
    const o = await openAppointment(c);
    if (o instanceof Response) return o;
    const { db, clock, log } = c.get("deps");
    const now = clock();
    const action = appointmentAction(c.req.query("do"));
    const a = o.appointment;
    if (!action)
      return page(c, o, appointmentLinkState(null, a.status, a.startsAt, now), 400, t(o.lang, "appointment.badAction"));
    const state = appointmentLinkState(action, a.status, a.startsAt, now);
    // Only the button's own question is answered by a change; a repeat (already) is a success.
    if (state.kind !== "ask") return page(c, o, state, state.kind === "already" ? 200 : 409);
    const { from, to } = APPOINTMENT_MOVES[action];
    // The change and its record (the staff alert) commit together or not at all (setAppointmentStatus
    // is one transaction): a failure is a 500 and the appointment stays as it was, so the customer
    // can try again.
    if (await setAppointmentStatus(db, a.id, from, to, now, { source: "link" })) {
      log("info", "appointment changed by link", { appointment: a.id, customer: o.customer.id, to });
      return page(c, { ...o, appointment: { ...a, status: to } }, { kind: "done", action });
    }
    // Changed meanwhile (a reply, staff, a second tab): say where it stands now.
    const fresh = await db.query.appointments.findFirst({ where: eq(appointments.id, a.id) });
    if (!fresh) return gone(c, o);
    const current = appointmentLinkState(action, fresh.status, fresh.startsAt, now);
    return page(c, { ...o, appointment: fresh }, current, current.kind === "already" ? 200 : 409);
  });
