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
import { audienceSize } from "../db/message-audience.ts";
import { type RecentSend, recentSends, type TodayData, todayCounts } from "../db/today.ts";
import { outgoingLines, todaySpans } from "../core/today.ts";
import type { StudioSettings } from "../db/schema.ts";
import type { Db } from "../db/client.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { TodayBody } from "../../views/dashboard-today.tsx";
import { storedFilters } from "./message-form.ts";
import { liveView } from "./inbox.ts";

/** What "Today" shows at `now`: one set of queries (src/db/today.ts), shaped by src/core/today.ts. */
async function todayData(db: Db, settings: StudioSettings, now: Date, recent?: RecentSend[]): Promise<TodayData> {
  const spans = todaySpans(now, settings.timeZone);
  const counts = await todayCounts(db, spans, now, settings.currency, recent);
  // A scheduled message's recipients are chosen when it starts; until then its filters say how
  // many they select now (at most TODAY_SHOWN messages, each one count).
  const scheduled = await Promise.all(
    counts.scheduled.map(async (m) => ({
      id: m.id,
      name: m.name,
      sendAt: m.sendAt,
      recipients: m.toAddress
        ? 1
        : await audienceSize(db, storedFilters({ filters: m.filters }), now, { timeZone: settings.timeZone }),
    })),
  );
  return {
    spans,
    now,
    today: outgoingLines("today", counts.written, counts.planned),
    tomorrow: outgoingLines("tomorrow", counts.written, counts.planned),
    scheduled,
    counts,
    timeZone: settings.timeZone,
    currency: settings.currency,
    locale: settings.locale,
  };
}

async function render(
  c: Ctx,
  flash: { kind: "ok" | "bad" | "info"; text: string } | null = null,
  status: 200 | 409 = 200,
) {
  const { db, clock } = c.get("deps");
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0]?.n ?? 0;
  const settings = await getSettings(db);
  const [today, jobCount, selling, customerCount, registrationCount, orderCount, upcoming, held, alerts] =
    await Promise.all([
      todayData(db, settings, clock()),
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
      today,
      todayVersion: todayVersion(String(await TodayBody({ d: today }))),
    }),
    status,
  );
}

async function todayHtml(db: Db, settings: StudioSettings, now: Date, recent?: RecentSend[]): Promise<string> {
  return String(await TodayBody({ d: await todayData(db, settings, now, recent) }));
}

/**
 * How many ticks of the live card reuse the recent sends' numbers before reading them again.
 * They are the slow part (a performanceOf over every delivery of each send: 646 ms a tick with a
 * 200,000-delivery message, per open tab); the rest of the card (what goes out, progress, failures,
 * replies) is cheap and read every tick. A rate a few seconds late is fine; a stuck progress bar is not.
 */
export const RECENT_SENDS_EVERY = 15;

/** A short fingerprint of what the card reads: what the live update compares. */
const todayVersion = (html: string) => new Bun.CryptoHasher("sha256").update(html).digest("hex").slice(0, 24);

export const dashboardRoutes = new Hono<AppEnv>()
  .get("/", (c) => render(c))
  // The card's live update: each tick asks the cheap queries once (the recent sends' numbers
  // only every RECENT_SENDS_EVERY ticks) and sends the card's body when it reads differently
  // from what was sent last (a send progressed, a reply came).
  .get("/today/events", async (c) => {
    const { db, clock, health } = c.get("deps");
    let html = "";
    let recent: { rows: RecentSend[]; week: number; currency: string; age: number } | null = null;
    const version = async () => {
      const settings = await getSettings(db);
      const now = clock();
      const week = todaySpans(now, settings.timeZone).week;
      health.todayLive.ticks++;
      // Read again every RECENT_SENDS_EVERY ticks, and at once when the week or the currency changed.
      if (
        !recent ||
        ++recent.age >= RECENT_SENDS_EVERY ||
        recent.week !== week.from.getTime() ||
        recent.currency !== settings.currency
      ) {
        health.todayLive.recentSendsRead++;
        const rows = await recentSends(db, week, settings.currency);
        recent = { rows, week: week.from.getTime(), currency: settings.currency, age: 0 };
      }
      html = await todayHtml(db, settings, now, recent.rows);
      return todayVersion(html);
    };
    // From what the page showed (`v`), so a change between the page and this connection is sent at once.
    const shown = c.req.query("v");
    return liveView(c, shown && shown.length <= 100 ? shown : await version(), version, async () => html);
  })
  .post("/demo", async (c) => {
    const { db, clock } = c.get("deps");
    const result = await loadDemoData(db, clock());
    if (!result.loaded) return render(c, { kind: "bad", text: result.reason }, 409);
    await audit(db, { userId: c.get("user")!.id }, "loaded", "demo_data", null, result.counts);
    return c.redirect("/jobs?demo=loaded", 303);
  });
