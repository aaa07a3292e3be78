// Appointments (SPEC A1): the list (filters, Messages column, Compose from ticks), one
// appointment's page (its messages and history), and staff's status change by hand — through
// setAppointmentStatus, so it is recorded with who made it and a change lost to a race says so.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { AppointmentPage, AppointmentsPage } from "../../views/appointments.tsx";
import { readAppointmentQuery } from "../core/appointment-list.ts";
import { APPOINTMENT_STATUS_LABELS } from "../core/labels.ts";
import { APPOINTMENT_STATUSES } from "../core/vocabulary.ts";
import { setAppointmentStatus } from "../db/appointment-changes.ts";
import {
  APPOINTMENTS_PAGE_SIZE,
  appointmentDeliveries,
  appointmentReplies,
  getAppointmentRow,
  historyWithNames,
  listAppointments,
  messageCounts,
} from "../db/appointments.ts";
import { audit } from "../db/audit.ts";
import { getJob, jobChoices } from "../db/jobs.ts";
import { getSettings } from "../db/settings.ts";
import { studioCountry } from "../core/country.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { pathIdNumber } from "../http/path-id.ts";
import { NOTICE_PARAMS, noticeQuery, readNotice } from "./appointment-notice.ts";

type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;

/** Where a status change may send staff back to: the list or a job's page, with their filters. */
const BACK = /^\/(appointments|jobs\/[1-9]\d*)(\?[^#\s]*)?$/;

async function loadRow(c: Ctx) {
  const id = pathIdNumber(c.req.param("id"));
  const row = id === null ? undefined : await getAppointmentRow(c.get("deps").db, id);
  if (!row) throw new HTTPException(404, { message: "There is no such appointment. It may have been deleted." });
  return row;
}

async function renderAppointment(c: Ctx, flash: Flash = null, status: 200 | 422 = 200) {
  const { db } = c.get("deps");
  const row = await loadRow(c);
  const id = row.appointment.id;
  const [counts, deliveries, replies, history, settings] = await Promise.all([
    messageCounts(db, [id]),
    appointmentDeliveries(db, id),
    appointmentReplies(db, id),
    historyWithNames(db, id),
    getSettings(db),
  ]);
  return c.html(
    AppointmentPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      row,
      counts: counts.get(id)!,
      deliveries,
      replies,
      history,
      timeZone: settings.timeZone,
      country: studioCountry(settings),
      flash,
    }),
    status,
  );
}

const statusForm = z.object({
  status: z.enum(APPOINTMENT_STATUSES, { error: "Choose one of the statuses offered." }),
  from: z.enum(APPOINTMENT_STATUSES, { error: "The form is out of date: reload the page and try again." }),
  back: z.string().max(2000).optional(),
});

export const appointmentRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db, clock } = c.get("deps");
    const query = readAppointmentQuery(c.req.queries());
    const settings = await getSettings(db);
    const bad = { ...query.errors };
    // A job id that names no job is a mistake beside the field, not an empty list.
    if (query.filter.jobId && !(await getJob(db, query.filter.jobId))) bad.job = "There is no such job any more";
    const ok = Object.keys(bad).length === 0;
    const list = ok
      ? await listAppointments(db, query.filter, { timeZone: settings.timeZone, now: clock(), page: query.page })
      : { rows: [], total: 0, upcoming: 0 };
    const [counts, jobs] = await Promise.all([
      messageCounts(
        db,
        list.rows.map((r) => r.appointment.id),
      ),
      jobChoices(db, [query.filter.jobId]),
    ]);
    const flash = await readNotice(db, (k) => c.req.query(k), settings.timeZone);
    const url = new URL(c.req.url);
    for (const k of NOTICE_PARAMS) url.searchParams.delete(k);
    return c.html(
      AppointmentsPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        ...list,
        counts,
        query: { ...query, errors: bad },
        jobs,
        pageSize: APPOINTMENTS_PAGE_SIZE,
        timeZone: settings.timeZone,
        flash,
        self: `${url.pathname}${url.search}`,
      }),
      ok ? 200 : 400,
    );
  })
  .get("/:id", async (c) => {
    const { db } = c.get("deps");
    const { timeZone } = await getSettings(db);
    return renderAppointment(c, await readNotice(db, (k) => c.req.query(k), timeZone));
  })
  .post("/:id/status", async (c) => {
    const { db, clock } = c.get("deps");
    const row = await loadRow(c);
    const id = row.appointment.id;
    const parsed = statusForm.safeParse(await c.req.parseBody());
    if (!parsed.success)
      return renderAppointment(c, { kind: "bad", text: `Not changed. ${parsed.error.issues[0]?.message ?? ""}` }, 422);
    const { status, from, back } = parsed.data;
    if (status === from)
      return renderAppointment(c, {
        kind: "info",
        text: `It is ${APPOINTMENT_STATUS_LABELS[status].toLowerCase()} already.`,
      });
    const user = c.get("user")!;
    const now = clock();
    const moved = await db.transaction(async (tx) => {
      const ok = await setAppointmentStatus(tx, id, [from], status, now, { source: "staff", userId: user.id });
      if (ok) await audit(tx, { userId: user.id }, "status_changed", "appointment", id, { from, to: status });
      return ok;
    });
    // Back to the page staff came from either way (post/redirect/get: a reload posts nothing
    // again), the outcome in the URL; a change lost to a race is said there, nothing written.
    const to = back && BACK.test(back) ? back : `/appointments/${id}`;
    const url = new URL(to, "http://x");
    for (const [k, v] of Object.entries(noticeQuery(moved ? { done: status } : { refused: true }, id)))
      url.searchParams.set(k, v);
    return c.redirect(`${url.pathname}${url.search}`, 303);
  });
