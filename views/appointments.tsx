/** @jsxImportSource hono/jsx */
// Appointments (SPEC A1): the list with its filters, the table the job page shows too (ticks for
// Compose, the Messages column, a status change per row), and one appointment's page.
import type { FC } from "hono/jsx";
import { formatPhone } from "../src/core/phone.ts";
import type { AppointmentListQuery, MessageCounts } from "../src/core/appointment-list.ts";
import { staffTime } from "../src/core/date-format.ts";
import {
  APPOINTMENT_CHANGE_SOURCE_LABELS,
  APPOINTMENT_STATUS_LABELS,
  CHANNEL_LABELS,
  jobLabel,
} from "../src/core/labels.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import { APPOINTMENT_STATUSES, CHANNELS, type Channel } from "../src/core/vocabulary.ts";
import type { AppointmentRow, HistoryEntry, ListedAppointment } from "../src/db/appointments.ts";
import type { JobChoice } from "../src/db/jobs.ts";
import type { OutboxRow } from "../src/db/outbox-list.ts";
import type { Appointment } from "../src/db/schema.ts";
import { DeliveryStatusBadge, Reason, Source, Stamp } from "./delivery-parts.tsx";
import { Csrf, FieldMessages } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import { Pager, withParams } from "./pager.tsx";

type Status = Appointment["status"];
type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;

const when = (d: Date, tz: string) => staffTime(d, tz, { weekday: true });
const nameOf = (c: { firstName: string; lastName: string }) => `${c.firstName} ${c.lastName}`.trim() || "(no name)";
const TONE: Record<Status, string> = {
  scheduled: "",
  confirmed: "yes",
  cancelled: "no",
  reschedule_requested: "planning",
};

/** "Thu 2026-12-03 09:30 CET", wrapping between the day and the time, never inside either. */
const WhenStamp: FC<{ at: Date; tz: string }> = ({ at, tz }) => {
  const [weekday, day, time, zone] = when(at, tz).split(" ");
  return (
    <>
      <span class="nowrap">
        {weekday} {day}
      </span>{" "}
      <span class="nowrap">
        {time} {zone}
      </span>
    </>
  );
};

export const AppointmentStatusBadge: FC<{ status: Status }> = ({ status }) => (
  <span class={`badge ${TONE[status]} appointment-${status}`}>{APPOINTMENT_STATUS_LABELS[status]}</span>
);

/** The composer for one appointment's customer, by one channel (SPEC O1, issue 13 item 6). */
export const composeFor = (appointmentId: number, channel?: Channel) =>
  withParams("/messages/new", { appointment_ids: appointmentId, channels: channel });

/** What the Messages column says: counts that link to where the messages are. */
export const MessageCountsCell: FC<{ id: number; customerId: number; counts: MessageCounts }> = ({
  id,
  customerId,
  counts,
}) => {
  const outbox = withParams("/outbox", { appointment: id });
  const parts = [
    counts.scheduled > 0 && (
      <a href={outbox} class="count-scheduled">
        {counts.scheduled} scheduled
      </a>
    ),
    counts.sent > 0 && (
      <a href={outbox} class="count-sent">
        {counts.sent} sent
      </a>
    ),
    counts.not_sent > 0 && (
      <a href={outbox} class="count-not-sent" title="Skipped or failed: the outbox says why">
        {counts.not_sent} not sent
      </a>
    ),
    counts.replied > 0 && (
      <a href={`/customers/${customerId}#messages`} class="count-replied">
        {counts.replied} replied
      </a>
    ),
  ].filter(Boolean);
  if (!parts.length) return <span class="muted">None</span>;
  return (
    <span class="message-counts">
      {parts.map((p, i) => (
        <>
          {i > 0 && <span class="muted"> · </span>}
          {p}
        </>
      ))}
    </span>
  );
};

/**
 * A small form that moves one appointment to another status by hand. `from` is the status staff
 * saw: if someone changed it meanwhile, the change is refused and says so.
 */
export const StatusForm: FC<{ a: Appointment; csrf: string; back?: string; compact?: boolean }> = ({
  a,
  csrf,
  back,
  compact,
}) => {
  const others = APPOINTMENT_STATUSES.filter((s) => s !== a.status);
  if (compact)
    return (
      <form method="post" action={`/appointments/${a.id}/status`} class="row-status">
        <Csrf token={csrf} />
        <input type="hidden" name="from" value={a.status} />
        {back && <input type="hidden" name="back" value={back} />}
        <select name="status" aria-label="New status">
          {others.map((s) => (
            <option value={s}>Mark {APPOINTMENT_STATUS_LABELS[s].toLowerCase()}</option>
          ))}
        </select>
        <button type="submit" class="secondary outline">
          Set
        </button>
      </form>
    );
  return (
    <div class="status-buttons">
      {others.map((s) => (
        <form
          method="post"
          action={`/appointments/${a.id}/status`}
          data-confirm={s === "cancelled" ? "Mark this appointment cancelled?" : undefined}
        >
          <Csrf token={csrf} />
          <input type="hidden" name="from" value={a.status} />
          <input type="hidden" name="status" value={s} />
          <button type="submit" class={s === "cancelled" ? "secondary outline" : "outline"}>
            Mark {APPOINTMENT_STATUS_LABELS[s].toLowerCase()}
          </button>
        </form>
      ))}
    </div>
  );
};

/**
 * The appointments table: a tick per row for Compose (the form `formId`, outside the table so the
 * per-row status forms are not nested in it), select-all by static/app.js, the Messages column.
 */
export function AppointmentsTable(p: {
  rows: ListedAppointment[];
  counts: Map<number, MessageCounts>;
  timeZone: string;
  csrf: string;
  formId: string;
  /** Where a status change returns to: this page with its filters. */
  back: string;
  showJob?: boolean;
}) {
  let pastShown = false;
  const columns = p.showJob === false ? 6 : 7;
  return (
    <div class="table-wrap">
      <table class="striped appointments-table">
        <thead>
          <tr>
            <th>
              {/* Shown by static/app.js: without JavaScript each row is ticked on its own. */}
              <input
                type="checkbox"
                data-select-all={p.formId}
                aria-label="Select all appointments on this page"
                hidden
              />
              <span class="hide-sm" data-select-label>
                Select
              </span>
            </th>
            <th>When</th>
            <th class="hide-sm">Customer</th>
            {p.showJob !== false && <th class="hide-sm">Job</th>}
            <th class="hide-sm">Status</th>
            <th class="hide-sm">Messages</th>
            <th class="hide-sm">Change</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map(({ appointment: a, customer, job, upcoming }) => {
            const divider = !upcoming && !pastShown && p.rows.some((r) => r.upcoming);
            if (!upcoming) pastShown = true;
            return (
              <>
                {divider && (
                  <tr class="divider">
                    <th colspan={columns}>Past appointments, latest first</th>
                  </tr>
                )}
                <tr>
                  <td>
                    <input
                      type="checkbox"
                      name="appointment_ids"
                      value={String(a.id)}
                      form={p.formId}
                      aria-label={`Select ${nameOf(customer)}, ${when(a.startsAt, p.timeZone)}`}
                    />
                  </td>
                  <td>
                    <a href={`/appointments/${a.id}`}>
                      <WhenStamp at={a.startsAt} tz={p.timeZone} />
                    </a>{" "}
                    <span class="muted hide-sm">
                      · {a.durationMinutes} min{a.location ? ` · ${a.location}` : ""}
                    </span>
                    {/* On a phone the Messages column would be off screen: its counts go here. */}
                    <span class="sm-only">
                      <br />
                      <MessageCountsCell id={a.id} customerId={customer.id} counts={p.counts.get(a.id)!} />
                    </span>
                  </td>
                  <td>
                    <a href={`/customers/${customer.id}`}>{nameOf(customer)}</a>
                    <span class="sm-only">
                      {" "}
                      <AppointmentStatusBadge status={a.status} />
                    </span>
                    <br />
                    <a
                      class="muted"
                      href={composeFor(a.id)}
                      title={`A message to ${nameOf(customer)} about this appointment`}
                    >
                      Message
                    </a>
                    {/* On a phone the Change column would be off screen: its form goes here. */}
                    <div class="sm-only sm-change">
                      <StatusForm a={a} csrf={p.csrf} back={p.back} compact />
                    </div>
                  </td>
                  {p.showJob !== false && (
                    <td class="hide-sm">{job ? <a href={`/jobs/${job.id}`}>{job.name}</a> : "—"}</td>
                  )}
                  <td class="hide-sm">
                    <AppointmentStatusBadge status={a.status} />
                  </td>
                  <td class="hide-sm">
                    <MessageCountsCell id={a.id} customerId={customer.id} counts={p.counts.get(a.id)!} />
                  </td>
                  <td class="hide-sm">
                    <StatusForm a={a} csrf={p.csrf} back={p.back} compact />
                  </td>
                </tr>
              </>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The Compose button and the form the ticks belong to; with none ticked it opens the composer for anyone. */
export const ComposeSelection: FC<{ formId: string }> = ({ formId }) => (
  <form id={formId} method="get" action="/messages/new" class="inline-form compose-selection">
    <button type="submit" title="A message to the ticked appointments' customers, one per appointment">
      Compose
    </button>{" "}
    <small class="muted" data-selected-count={formId}></small>
  </form>
);

export type AppointmentsPageProps = Common & {
  rows: ListedAppointment[];
  counts: Map<number, MessageCounts>;
  total: number;
  upcoming: number;
  query: AppointmentListQuery;
  jobs: JobChoice[];
  pageSize: number;
  timeZone: string;
  flash?: Flash;
  /** This page with its filters, for status changes to come back to. */
  self: string;
};

function Filters(p: { query: AppointmentListQuery; jobs: JobChoice[]; timeZone: string }) {
  const t = p.query.typed;
  const e: FieldErrors = p.query.errors;
  const invalid = (k: string) => (e[k] ? { "aria-invalid": "true", "aria-describedby": `${k}-error` } : {});
  return (
    <form class="appointment-filters" method="get" action="/appointments" novalidate>
      <div class="filters">
        <label>
          From
          <input type="date" name="from" value={t.from} {...invalid("from")} />
          <FieldMessages name="from" errors={e} />
        </label>
        <label>
          To
          <input type="date" name="to" value={t.to} {...invalid("to")} />
          <FieldMessages name="to" errors={e} />
        </label>
        <label class="job-filter">
          Job
          <select name="job" {...invalid("job")}>
            <option value="">Any job</option>
            {p.jobs.map((j) => (
              <option value={String(j.id)} selected={t.job === String(j.id)}>
                {jobLabel(j)}
              </option>
            ))}
          </select>
          <FieldMessages name="job" errors={e} />
        </label>
        <label>
          Customer
          <input type="search" name="q" value={t.q} placeholder="Name, e-mail or phone" />
        </label>
      </div>
      <fieldset class="checks status-filter">
        <legend>Status</legend>
        {APPOINTMENT_STATUSES.map((s) => (
          <label>
            <input type="checkbox" name="status" value={s} checked={t.statuses.includes(s)} {...invalid("status")} />
            {APPOINTMENT_STATUS_LABELS[s]}
          </label>
        ))}
        <FieldMessages name="status" errors={e} hint={`None ticked: any status. Days are in ${p.timeZone}.`} />
      </fieldset>
      <p class="actions">
        <button type="submit" class="secondary">
          Filter
        </button>{" "}
        <a href="/appointments">Clear</a>
      </p>
    </form>
  );
}

export function AppointmentsPage(p: AppointmentsPageProps) {
  const bad = Object.keys(p.query.errors).length > 0;
  const t = p.query.typed;
  const filtered = !!(t.from || t.to || t.statuses.length || t.job || t.q);
  const params = { from: t.from, to: t.to, status: t.statuses.join(",") || undefined, job: t.job, q: t.q };
  return (
    <Page title="Appointments" user={p.user} csrf={p.csrf} section="appointments" flash={p.flash}>
      <PageHead title="Appointments">
        <ComposeSelection formId="compose-selection" />
      </PageHead>
      <Filters query={p.query} jobs={p.jobs} timeZone={p.timeZone} />
      {bad ? (
        <div class="flash bad" role="alert">
          Nothing is listed until the filters marked above are corrected.
        </div>
      ) : p.rows.length === 0 ? (
        <div class="empty">
          <p>
            {filtered
              ? "No appointments match these filters. Widen the dates or tick more statuses."
              : "No appointments yet. Booking tools add them through the API (POST /api/v1/appointments); the demo data has some."}
          </p>
        </div>
      ) : (
        <>
          <p class="muted">
            {p.upcoming.toLocaleString("en")} upcoming, {(p.total - p.upcoming).toLocaleString("en")} past. Tick
            appointments and press Compose to write to their customers; open one to see its messages and history.
          </p>
          <AppointmentsTable
            rows={p.rows}
            counts={p.counts}
            timeZone={p.timeZone}
            csrf={p.csrf}
            formId="compose-selection"
            back={p.self}
          />
          <Pager path="/appointments" params={params} page={p.query.page} total={p.total} pageSize={p.pageSize} />
        </>
      )}
    </Page>
  );
}

// ---------------------------------------------------------------- one appointment

const changeText = (h: HistoryEntry, tz: string) => {
  const parts: string[] = [];
  if (h.fromStatus === null) parts.push(`Booked as ${APPOINTMENT_STATUS_LABELS[h.toStatus].toLowerCase()}`);
  else if (h.fromStatus !== h.toStatus)
    parts.push(`${APPOINTMENT_STATUS_LABELS[h.fromStatus]} → ${APPOINTMENT_STATUS_LABELS[h.toStatus].toLowerCase()}`);
  if (h.fromStartsAt && h.toStartsAt && h.fromStartsAt.getTime() !== h.toStartsAt.getTime())
    parts.push(`moved from ${when(h.fromStartsAt, tz)} to ${when(h.toStartsAt, tz)}`);
  return parts.join(", ") || "Changed";
};

export function AppointmentPage(
  p: Common & {
    row: AppointmentRow;
    counts: MessageCounts;
    deliveries: OutboxRow[];
    replies: { id: number; channel: Channel; body: string; handledAs: string; receivedAt: Date }[];
    history: HistoryEntry[];
    timeZone: string;
    /** The studio's country: its numbers read in national format. */
    country?: string;
    flash?: Flash;
  },
) {
  const { appointment: a, customer, job } = p.row;
  const tz = p.timeZone;
  return (
    <Page
      title={`${nameOf(customer)} · appointment`}
      user={p.user}
      csrf={p.csrf}
      section="appointments"
      flash={p.flash}
    >
      <p>
        <a href="/appointments">← Appointments</a>
      </p>
      <PageHead title={`${nameOf(customer)}, ${when(a.startsAt, tz)}`} />
      <article>
        <header class="page-head">
          <div>
            Status: <AppointmentStatusBadge status={a.status} />
          </div>
          <StatusForm a={a} csrf={p.csrf} />
        </header>
        <dl class="grid-2">
          <div>
            <dt class="muted">When</dt>
            <dd>
              {when(a.startsAt, tz)} · {a.durationMinutes} min
            </dd>
            <dt class="muted">Where</dt>
            <dd>{a.location || "—"}</dd>
            <dt class="muted">Job</dt>
            <dd>{job ? <a href={`/jobs/${job.id}`}>{job.name}</a> : "—"}</dd>
          </div>
          <div>
            <dt class="muted">Customer</dt>
            <dd>
              <a href={`/customers/${customer.id}`}>{nameOf(customer)}</a>
              <br />
              <span class="muted">
                {[customer.email, formatPhone(customer.phone, p.country ?? "", customer.phoneExtension)]
                  .filter(Boolean)
                  .join(" · ") || "no address"}
              </span>
            </dd>
            <dt class="muted">Messages</dt>
            <dd>
              <MessageCountsCell id={a.id} customerId={customer.id} counts={p.counts} />
            </dd>
            {a.externalId && (
              <>
                <dt class="muted">External id</dt>
                <dd>
                  <code>{a.externalId}</code>
                </dd>
              </>
            )}
          </div>
        </dl>
      </article>

      <section id="compose">
        <h2>Send a message</h2>
        <p class="actions">
          {CHANNELS.map((ch) => (
            <>
              <a role="button" class="secondary" href={composeFor(a.id, ch)}>
                {CHANNEL_LABELS[ch]}
              </a>{" "}
            </>
          ))}
        </p>
        <p class="muted">
          To {nameOf(customer)} about this appointment; consent, opt-outs and {"{{appointment.*}}"} placeholders apply.
        </p>
      </section>

      <section id="messages">
        <h2>Messages about this appointment</h2>
        {p.deliveries.length === 0 ? (
          <p class="muted">Nothing sent or planned about this appointment yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Channel</th>
                  <th>Source</th>
                  <th>Status</th>
                  <th>Reason or error</th>
                </tr>
              </thead>
              <tbody>
                {p.deliveries.map((row) => {
                  const d = row.delivery;
                  return (
                    <tr>
                      <td>
                        <a href={`/outbox/${d.id}`}>
                          <Stamp at={d.sentAt ?? d.createdAt} tz={tz} />
                        </a>
                      </td>
                      <td>{CHANNEL_LABELS[d.channel]}</td>
                      <td>
                        <Source row={row} />
                      </td>
                      <td>
                        <DeliveryStatusBadge status={d.status} />
                      </td>
                      <td>
                        <Reason d={d} tz={tz} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <h3>Replies</h3>
        {p.replies.length === 0 ? (
          <p class="muted">No replies about this appointment.</p>
        ) : (
          <ul class="replies">
            {p.replies.map((r) => (
              <li>
                <span class="muted">
                  <Stamp at={r.receivedAt} tz={tz} /> · {CHANNEL_LABELS[r.channel]}
                  {r.handledAs !== "inbox" ? ` · ${r.handledAs}` : ""}
                </span>
                <br />“{r.body}”
              </li>
            ))}
          </ul>
        )}
      </section>

      <section id="history">
        <h2>History</h2>
        {p.history.length === 0 ? (
          <p class="muted">No changes recorded. Appointments booked before Pigeon kept a history start it here.</p>
        ) : (
          <ol class="history">
            {p.history.map((h) => (
              <li>
                {changeText(h, tz)}{" "}
                <span class="muted">
                  · by{" "}
                  {h.source === "staff" && h.actorName
                    ? `${h.actorName} (staff)`
                    : APPOINTMENT_CHANGE_SOURCE_LABELS[h.source]}{" "}
                  · {staffTime(h.createdAt, tz)}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </Page>
  );
}
