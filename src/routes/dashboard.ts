// The dashboard and the fresh-install "Load demo data" action.
import { and, count, eq, gt, ne } from "drizzle-orm";
import { Hono } from "hono";
import { DashboardPage } from "../../views/dashboard.tsx";
import { audit } from "../db/audit.ts";
import { loadDemoData } from "../db/demo.ts";
import { countHeld } from "../db/held-deliveries.ts";
import { alertRows } from "../db/inbox.ts";
import { appointments, customers, jobs, orders, registrations } from "../db/schema.ts";
import { getSettings } from "../db/settings.ts";
import type { AppEnv, Ctx } from "../http/env.ts";

async function render(
  c: Ctx,
  flash: { kind: "ok" | "bad" | "info"; text: string } | null = null,
  status: 200 | 409 = 200,
) {
  const { db, clock } = c.get("deps");
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0]?.n ?? 0;
  const [settings, jobCount, selling, customerCount, registrationCount, orderCount, upcoming, held, alerts] =
    await Promise.all([
      getSettings(db),
      n(db.select({ n: count() }).from(jobs)),
      n(db.select({ n: count() }).from(jobs).where(eq(jobs.status, "selling"))),
      n(db.select({ n: count() }).from(customers)),
      n(db.select({ n: count() }).from(registrations)),
      n(db.select({ n: count() }).from(orders)),
      // A cancelled appointment is not coming up, though it stays on the list for its history.
      n(
        db
          .select({ n: count() })
          .from(appointments)
          .where(and(gt(appointments.startsAt, clock()), ne(appointments.status, "cancelled"))),
      ),
      countHeld(db, {}),
      alertRows(db),
    ]);
  return c.html(
    DashboardPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      studioName: settings.name,
      welcome: c.req.query("welcome") === "1",
      flash,
      stats: {
        jobs: jobCount,
        selling,
        customers: customerCount,
        registrations: registrationCount,
        orders: orderCount,
        upcomingAppointments: upcoming,
      },
      // What waits for staff to decide; what a paused message holds waits for its Resume instead.
      heldForReview: held.total - held.ofPausedMessages,
      alerts,
      timeZone: settings.timeZone,
    }),
    status,
  );
}

export const dashboardRoutes = new Hono<AppEnv>()
  .get("/", (c) => render(c))
  .post("/demo", async (c) => {
    const { db, clock } = c.get("deps");
    const result = await loadDemoData(db, clock());
    if (!result.loaded) return render(c, { kind: "bad", text: result.reason }, 409);
    await audit(db, { userId: c.get("user")!.id }, "loaded", "demo_data", null, result.counts);
    return c.redirect("/jobs?demo=loaded", 303);
  });
