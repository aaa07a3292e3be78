/** @jsxImportSource hono/jsx */
// One job's page: details and status buttons, planned notifications, messages, albums,
// registered customers and the status history.
import type { FieldErrors } from "../src/core/validation.ts";
import { JOB_STATUS_LABELS } from "../src/core/labels.ts";
import { staffTime } from "../src/core/date-format.ts";
import type { Album, Customer, Job, Registration } from "../src/db/schema.ts";
import { JOB_STATUSES } from "../src/core/vocabulary.ts";
import { ConfirmedPost, Csrf, Field, type Values } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import type { PlannedNotification } from "../src/db/job-automation.ts";
import { AutomatedNotifications } from "./job-automation.tsx";
import { withParams } from "./pager.tsx";
import { StatusBadge } from "./jobs.tsx";
import { AppointmentsTable, ComposeSelection } from "./appointments.tsx";
import type { ListedAppointment } from "../src/db/appointments.ts";
import type { MessageCounts } from "../src/core/appointment-list.ts";
import { JobNumbers, type NumbersProps as JobNumbersProps } from "./performance-section.tsx";

type RegistrationRow = { registration: Registration; customer: Customer; album: Album | null; orders: number };

export function JobPage(
  p: Common & {
    job: Job;
    albums: { album: Album; registrations: number }[];
    registrations: RegistrationRow[];
    registrationCount: number;
    history: { fromStatus: string | null; toStatus: string | null; occurredAt: Date; source: string }[];
    albumErrors?: FieldErrors;
    albumValues?: Values;
    flash?: { kind: "ok" | "bad" | "info"; text: string } | null;
    profileName: string | null;
    automation: { items: PlannedNotification[]; timeZone: string; now: Date };
    /** The job's first appointments, upcoming first, with their message counts. */
    appointments: { rows: ListedAppointment[]; total: number; upcoming: number; counts: Map<number, MessageCounts> };
    /** The status history is shown in it. */
    studioTimeZone: string;
    /** What each notification achieved on this job (issue 14). */
    numbers?: JobNumbersProps;
  },
) {
  const j = p.job;
  const dates: [string, string | null][] = [
    ["Picture day", j.shootDate],
    ["Selling starts", j.sellingStart],
    ["Coupon deadline", j.couponDeadline],
    ["Shipping deadline", j.shippingDeadline],
    ["Archive date", j.archiveDate],
  ];
  return (
    <Page title={j.name} user={p.user} csrf={p.csrf} section="jobs" flash={p.flash}>
      <p>
        <a href="/jobs">← Jobs</a>
      </p>
      <PageHead title={j.name}>
        <a role="button" class="secondary" href={`/jobs/${j.id}/edit`}>
          Edit
        </a>
      </PageHead>
      <article>
        <header class="page-head">
          <div>
            Status: <StatusBadge status={j.status} />{" "}
            <span class="muted">
              · {j.type} · {j.year}
              {j.timeZone ? ` · ${j.timeZone}` : ""}
            </span>
          </div>
          <div class="status-buttons" id="status-buttons">
            {JOB_STATUSES.filter((s) => s !== j.status).map((s) => (
              <form method="post" action={`/jobs/${j.id}/status`}>
                <Csrf token={p.csrf} />
                <input type="hidden" name="status" value={s} />
                <button type="submit" class={s === "planning" ? "secondary outline" : "outline"}>
                  Set to {JOB_STATUS_LABELS[s].toLowerCase()}
                </button>
              </form>
            ))}
          </div>
        </header>
        <div class="grid-2">
          <dl>
            {dates.map(([label, value]) => (
              <>
                <dt class="muted">{label}</dt>
                <dd>{value ?? "—"}</dd>
              </>
            ))}
          </dl>
          <dl>
            <dt class="muted">Gallery</dt>
            <dd>
              {j.galleryUrl ? (
                <a href={j.galleryUrl} rel="noopener noreferrer" target="_blank">
                  {j.galleryUrl}
                </a>
              ) : (
                "—"
              )}
            </dd>
            <dt class="muted">Communication profile</dt>
            <dd>{p.profileName ?? "None assigned"}</dd>
            <dt class="muted">Custom text</dt>
            <dd>{j.customText || "—"}</dd>
            {j.externalId && (
              <>
                <dt class="muted">External id</dt>
                <dd>
                  <code>{j.externalId}</code>
                </dd>
              </>
            )}
          </dl>
        </div>
      </article>

      <AutomatedNotifications
        jobId={j.id}
        profileName={p.profileName}
        items={p.automation.items}
        now={p.automation.now}
        timeZone={p.studioTimeZone}
      />

      {p.numbers && <JobNumbers {...p.numbers} />}

      <section id="communication">
        <h2>Communication</h2>
        <p class="actions">
          <a role="button" href={`/messages/new?job_id=${j.id}`}>
            Send a message to this job's customers
          </a>
        </p>
        {/* The job's recent one-time messages, loaded from the Messages page. */}
        <div hx-get={`/messages?job_id=${j.id}`} hx-trigger="load" hx-swap="innerHTML">
          <a href={`/messages?job_id=${j.id}`}>Messages sent to this job's customers</a>
        </div>
      </section>

      <section id="appointments">
        <h2>Appointments ({p.appointments.total.toLocaleString("en")})</h2>
        {p.appointments.rows.length === 0 ? (
          <p class="muted">
            No appointments for this job. Booking tools add them through the API with this job's id or external id.
          </p>
        ) : (
          <>
            <p class="actions">
              <ComposeSelection formId="compose-job-appointments" />
            </p>
            <AppointmentsTable
              rows={p.appointments.rows}
              counts={p.appointments.counts}
              timeZone={p.studioTimeZone}
              csrf={p.csrf}
              formId="compose-job-appointments"
              back={`/jobs/${j.id}`}
              showJob={false}
            />
            {p.appointments.total > p.appointments.rows.length && (
              <p>
                <a href={withParams("/appointments", { job: j.id })}>
                  All {p.appointments.total.toLocaleString("en")} appointments of this job →
                </a>
              </p>
            )}
          </>
        )}
      </section>

      <section id="albums">
        <h2>Albums</h2>
        {p.albums.length === 0 ? (
          <p class="muted">No albums yet. Albums group customers by class or team.</p>
        ) : (
          <ul>
            {p.albums.map(({ album, registrations }) => (
              <li>
                {album.name} <span class="muted">({registrations} registered)</span>{" "}
                <ConfirmedPost
                  action={`/jobs/${j.id}/albums/${album.id}/delete`}
                  csrf={p.csrf}
                  confirm={`Delete the album “${album.name}”? Registrations stay, without an album.`}
                  label="Delete"
                />
              </li>
            ))}
          </ul>
        )}
        <form method="post" action={`/jobs/${j.id}/albums`} class="filters">
          <Csrf token={p.csrf} />
          <div>
            <Field
              name="album_name"
              label="New album"
              values={p.albumValues ?? {}}
              errors={p.albumErrors ?? {}}
              placeholder="Class 3B"
            />
          </div>
          <button type="submit" class="secondary">
            Add album
          </button>
        </form>
      </section>

      <section id="registrations">
        <h2>Registered customers ({p.registrationCount.toLocaleString("en")})</h2>
        {p.registrations.length === 0 ? (
          <p class="muted">
            Nobody is registered yet. Add customers from the <a href="/customers">customer pages</a> or{" "}
            <a href={withParams("/customers/import", { job_id: j.id })}>import a CSV</a>.
          </p>
        ) : (
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th>Customer</th>
                  <th>Album</th>
                  <th class="hide-sm">Access code</th>
                  <th>Photos</th>
                  <th>Buyer</th>
                </tr>
              </thead>
              <tbody>
                {p.registrations.map((r) => (
                  <tr>
                    <td>
                      <a href={`/customers/${r.customer.id}`}>
                        {r.customer.firstName} {r.customer.lastName}
                      </a>
                    </td>
                    <td>{r.album?.name ?? "—"}</td>
                    <td class="hide-sm">
                      <code>{r.registration.accessCode || "—"}</code>
                    </td>
                    <td>{r.registration.photosAvailableAt ? `${r.registration.photosCount} available` : "Not yet"}</td>
                    <td>
                      {r.orders > 0 ? <span class="badge yes">Buyer</span> : <span class="badge">Potential</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {p.registrationCount > p.registrations.length && (
              <p class="muted">Showing the latest {p.registrations.length}.</p>
            )}
          </div>
        )}
      </section>

      <section>
        <h2>Status history</h2>
        {p.history.length === 0 ? (
          <p class="muted">No status changes yet.</p>
        ) : (
          <ul>
            {p.history.map((h) => (
              <li>
                {h.fromStatus} → <strong>{h.toStatus}</strong>{" "}
                <span class="muted">
                  {staffTime(h.occurredAt, p.studioTimeZone)} via {h.source}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
