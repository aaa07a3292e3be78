/** @jsxImportSource hono/jsx */
// The dashboard: what the studio has, and on a fresh install, how to get started.
import type { AlertList } from "../src/db/inbox.ts";
import type { User } from "../src/db/schema.ts";
import { Alerts } from "./inbox.tsx";
import type { TodayData } from "../src/db/today.ts";
import { TodayCard } from "./dashboard-today.tsx";
import { Csrf } from "./form.tsx";
import { Page, PageHead } from "./layout.tsx";

export type DashboardStats = {
  jobs: number;
  selling: number;
  customers: number;
  registrations: number;
  orders: number;
  upcomingAppointments: number;
};

export function DashboardPage(p: {
  user: User;
  csrf: string;
  studioName: string;
  stats: DashboardStats;
  /** Deliveries held for review (after an outage, or of unknown outcome): staff release or cancel them. */
  heldForReview: number;
  /** Customers' cancellations and reschedule requests nobody has marked seen (SPEC A3). */
  alerts: AlertList;
  timeZone: string;
  /** The "Today" card's contents, and the fingerprint its live update starts from. */
  today: TodayData;
  todayVersion: string;
  welcome: boolean;
  flash?: { kind: "ok" | "bad" | "info"; text: string } | null;
}) {
  const s = p.stats;
  const fresh = s.jobs === 0 && s.customers === 0;
  return (
    <Page
      title="Dashboard"
      user={p.user}
      csrf={p.csrf}
      section="dashboard"
      flash={p.flash}
      stylesheets={p.alerts.rows.length ? ["inbox.css"] : undefined}
    >
      <PageHead title={p.studioName} />
      {p.welcome && <div class="flash ok">Your owner account is ready. Welcome to Pigeon!</div>}
      <Alerts alerts={p.alerts} csrf={p.csrf} timeZone={p.timeZone} back="/" />
      {p.heldForReview > 0 && (
        <div class="flash info held-for-review">
          {p.heldForReview.toLocaleString("en")}{" "}
          {p.heldForReview === 1 ? "e-mail, text or call is" : "e-mails, texts and calls are"} held for review and will
          not go out until you decide: <a href="/outbox?status=held">release or cancel them</a>.
        </div>
      )}
      <div class="stats">
        <article>
          <strong>{s.jobs.toLocaleString("en")}</strong> <a href="/jobs">jobs</a>
        </article>
        <article>
          <strong>{s.selling.toLocaleString("en")}</strong> <a href="/jobs?status=selling">selling now</a>
        </article>
        <article>
          <strong>{s.customers.toLocaleString("en")}</strong> <a href="/customers">customers</a>
        </article>
        <article>
          <strong>{s.registrations.toLocaleString("en")}</strong> registrations
        </article>
        <article>
          <strong>{s.orders.toLocaleString("en")}</strong> orders
        </article>
        <article>
          <strong>{s.upcomingAppointments.toLocaleString("en")}</strong>{" "}
          <a href="/appointments">upcoming appointments</a>
        </article>
      </div>
      {fresh ? (
        <article>
          <header>
            <h2>Get started</h2>
          </header>
          <ol>
            <li>
              Fill in your <a href="/settings">studio settings</a>: name, postal address, sender details.
            </li>
            <li>
              <a href="/jobs/new">Create a job</a> for your next shoot.
            </li>
            <li>
              Add <a href="/customers/new">customers</a> or <a href="/customers/import">import them from a CSV file</a>.
            </li>
          </ol>
          <p>
            Or look around first with a believable demo studio: jobs in every status, a few hundred customers, albums,
            orders and appointments.
          </p>
          <form method="post" action="/demo">
            <Csrf token={p.csrf} />
            <button type="submit" class="secondary">
              Load demo data
            </button>
          </form>
        </article>
      ) : (
        <TodayCard d={p.today} version={p.todayVersion} />
      )}
    </Page>
  );
}
