// The dashboard and the fresh-install "Load demo data" action.
import { and, count, eq, gt, inArray, ne } from "drizzle-orm";
import { Hono } from "hono";
import { DashboardPage } from "../../views/dashboard.tsx";
import { audit } from "../db/audit.ts";
import { loadDemoData } from "../db/demo.ts";
import { countHeld } from "../db/held-deliveries.ts";
import { alertRows } from "../db/inbox.ts";
import { appointments, customers, jobs, messages, notifications, orders, registrations } from "../db/schema.ts";
import { describeNotification } from "../core/notification-input.ts";
import { getSettings } from "../db/settings.ts";
import { type RecentSend, recentSends, type TodayData, todayCounts } from "../db/today.ts";
import { type OutgoingLine, outgoingLines, todaySpans } from "../core/today.ts";
import type { StudioSettings } from "../db/schema.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { TodayBody } from "../../views/dashboard-today.tsx";
import { goesTo } from "../../views/message-confirm.tsx";
import { countAudience, fromMessage } from "./message-count.ts";
import { liveView } from "./inbox.ts";

/** A live connection's counts of scheduled messages, by the message as read: counted once, as on the message page. */
type GoesToCache = Map<string, string>;

/**
 * "1 recipient by e-mail": whom a scheduled message goes to, counted as its own page counts it
 * (consent, addresses, suppressions, values the text needs), not everyone its filters select.
 * One read of the listed messages, then one count each (at most TODAY_SHOWN).
 */
async function scheduledGoesTo(c: Ctx, ids: number[], timeZone: string, cache: GoesToCache = new Map()) {
  if (!ids.length) return new Map<number, string>();
  const rows = await c.get("deps").db.select().from(messages).where(inArray(messages.id, ids));
  const out = new Map<number, string>();
  for (const m of rows) {
    const key = JSON.stringify(m);
    let phrase = cache.get(key);
    if (phrase === undefined) {
      phrase = goesTo(await countAudience(c, fromMessage(m), timeZone));
      cache.set(key, phrase);
    }
    out.set(m.id, phrase);
  }
  return out;
}

/**
 * Each listed notification named as its profile page names it ("E-mail · as soon as the job is set
 * to selling · everyone"), never by its subject, whose {{placeholders}} only a customer's copy fills.
 * One read for every notification the card lists.
 */
async function notificationNames(c: Ctx, ids: number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await c.get("deps").db.select().from(notifications).where(inArray(notifications.id, unique));
  return new Map(rows.map((n) => [n.id, describeNotification(n)]));
}

/** What "Today" shows at `now`: one set of queries (src/db/today.ts), shaped by src/core/today.ts. */
async function todayData(
  c: Ctx,
  settings: StudioSettings,
  now: Date,
  live?: { recent?: RecentSend[]; cache?: GoesToCache },
): Promise<TodayData> {
  const { db } = c.get("deps");
  const spans = todaySpans(now, settings.timeZone);
  const counts = await todayCounts(db, spans, now, settings.currency, live?.recent);
  // A scheduled message's recipients are chosen when it starts; until then, as its page says.
  const goesTo = await scheduledGoesTo(
    c,
    counts.scheduled.map((m) => m.id),
    settings.timeZone,
    live?.cache,
  );
  const names = await notificationNames(c, [
    ...counts.written.map((r) => r.notificationId),
    ...counts.planned.map((r) => r.notificationId),
    ...counts.recent.flatMap((r) => (r.kind === "notification" ? [r.id] : [])),
  ]);
  const named = (lines: OutgoingLine[]) => lines.map((l) => ({ ...l, name: names.get(l.notificationId) ?? l.name }));
  const scheduled = counts.scheduled.map((m) => ({
    id: m.id,
    name: m.name,
    sendAt: m.sendAt,
    goesTo: goesTo.get(m.id) ?? "",
  }));
  return {
    spans,
    now,
    today: named(outgoingLines("today", counts.written, counts.planned)),
    tomorrow: named(outgoingLines("tomorrow", counts.written, counts.planned)),
    notificationNames: names,
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
      todayData(c, settings, clock()),
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

async function todayHtml(
  c: Ctx,
  settings: StudioSettings,
  now: Date,
  live: { recent?: RecentSend[]; cache?: GoesToCache },
): Promise<string> {
  return String(await TodayBody({ d: await todayData(c, settings, now, live) }));
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
    const cache: GoesToCache = new Map();
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
      html = await todayHtml(c, settings, now, { recent: recent.rows, cache });
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
