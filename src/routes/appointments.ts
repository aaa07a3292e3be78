// Appointments list. Composing messages to a selection arrives with one-time messages.
import { and, asc, count, desc, eq, gte, lt } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { AppointmentsPage } from "../../views/appointments.tsx";
import { appointments, customers, jobs } from "../db/schema.ts";
import { APPOINTMENT_STATUSES } from "../core/vocabulary.ts";
import { getSettings } from "../db/settings.ts";
import type { AppEnv } from "../http/env.ts";

const PAGE_SIZE = 50;
const query = z.object({
  when: z.enum(["upcoming", "past"]).catch("upcoming").default("upcoming"),
  status: z.enum(APPOINTMENT_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).catch(1).default(1),
});

export const appointmentRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const { db, clock } = c.get("deps");
  const q = query.parse(c.req.query());
  const now = clock();
  const where = and(
    q.when === "upcoming" ? gte(appointments.startsAt, now) : lt(appointments.startsAt, now),
    q.status ? eq(appointments.status, q.status) : undefined,
  );
  const [rows, [total], settings] = await Promise.all([
    db
      .select({ appointment: appointments, customer: customers, job: jobs })
      .from(appointments)
      .innerJoin(customers, eq(customers.id, appointments.customerId))
      .leftJoin(jobs, eq(jobs.id, appointments.jobId))
      .where(where)
      .orderBy(q.when === "upcoming" ? asc(appointments.startsAt) : desc(appointments.startsAt))
      .limit(PAGE_SIZE)
      .offset((q.page - 1) * PAGE_SIZE),
    db.select({ n: count() }).from(appointments).where(where),
    getSettings(db),
  ]);
  return c.html(
    AppointmentsPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      rows,
      total: total?.n ?? 0,
      query: { when: q.when, status: q.status, page: q.page },
      pageSize: PAGE_SIZE,
      timeZone: settings.timeZone,
    }),
  );
});
