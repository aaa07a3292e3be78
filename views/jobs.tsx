/** @jsxImportSource hono/jsx */
// Jobs: the list with its filters, the job page, and the create/edit form. The list page
// and the table fragment it re-renders live together (locality of behaviour).
import type { FieldErrors } from "../src/core/validation.ts";
import { JOB_STATUS_LABELS } from "../src/core/labels.ts";
import type { JobListQuery } from "../src/core/jobs.ts";
import { staffTime } from "../src/core/date-format.ts";
import type { Album, Customer, Job, Registration, User } from "../src/db/schema.ts";
import { JOB_STATUSES, JOB_TYPES } from "../src/core/vocabulary.ts";
import { Csrf, Field, FormErrors, Select, TextArea, type Values } from "./form.tsx";
import { Page, PageHead } from "./layout.tsx";
import type { PlannedNotification } from "../src/db/job-automation.ts";
import { AutomatedNotifications } from "./job-automation.tsx";
import { Pager, withParams } from "./pager.tsx";

type Common = { user: User; csrf: string };
type JobRow = { job: Job; registrations: number; orders: number };

export const StatusBadge = ({ status }: { status: Job["status"] }) => (
  <span class={`badge ${status}`}>{JOB_STATUS_LABELS[status]}</span>
);

export function JobsTable(p: { rows: JobRow[]; total: number; query: JobListQuery; pageSize: number }) {
  const { page, ...params } = p.query;
  const filtered = Object.values(params).some(Boolean);
  return (
    <div id="jobs-results">
      {p.rows.length === 0 ? (
        <div class="empty">
          {filtered ? (
            <p>
              No jobs match these filters. <a href="/jobs">Clear the filters</a>
            </p>
          ) : (
            <>
              <p>No jobs yet. Create your first photo job, or load the demo studio from the dashboard.</p>
              <a role="button" href="/jobs/new">
                New job
              </a>
            </>
          )}
        </div>
      ) : (
        <>
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th>Job</th>
                  <th>Status</th>
                  <th class="hide-sm">Type</th>
                  <th class="num">Year</th>
                  <th class="hide-sm">Picture day</th>
                  <th class="num">Registered</th>
                  <th class="num hide-sm">Orders</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map(({ job, registrations, orders }) => (
                  <tr>
                    <td>
                      <a href={`/jobs/${job.id}`}>{job.name}</a>
                    </td>
                    <td>
                      <StatusBadge status={job.status} />
                    </td>
                    <td class="hide-sm">{job.type}</td>
                    <td class="num">{job.year}</td>
                    <td class="hide-sm">{job.shootDate ?? "—"}</td>
                    <td class="num">{registrations}</td>
                    <td class="num hide-sm">{orders}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager path="/jobs" params={params} page={page} total={p.total} pageSize={p.pageSize} />
        </>
      )}
    </div>
  );
}

export function JobsPage(
  p: Common & { rows: JobRow[]; total: number; query: JobListQuery; years: number[]; pageSize: number },
) {
  const q = p.query;
  return (
    <Page title="Jobs" user={p.user} csrf={p.csrf} section="jobs">
      <PageHead title="Jobs">
        <a role="button" href="/jobs/new">
          New job
        </a>
      </PageHead>
      <form
        class="filters"
        method="get"
        action="/jobs"
        role="search"
        hx-get="/jobs"
        hx-trigger="input changed delay:300ms from:'find input', change from:'find select'"
        hx-target="#jobs-results"
        hx-select="#jobs-results"
        hx-swap="outerHTML"
        hx-push-url="true"
      >
        <input type="search" name="q" value={q.q ?? ""} placeholder="Search jobs…" aria-label="Search jobs" />
        <select name="status" aria-label="Status">
          <option value="">Any status</option>
          {JOB_STATUSES.map((s) => (
            <option value={s} selected={q.status === s}>
              {JOB_STATUS_LABELS[s]}
            </option>
          ))}
        </select>
        <select name="year" aria-label="Year">
          <option value="">Any year</option>
          {p.years.map((y) => (
            <option value={String(y)} selected={q.year === String(y)}>
              {y}
            </option>
          ))}
        </select>
        <select name="type" aria-label="Type">
          <option value="">Any type</option>
          {JOB_TYPES.map((t) => (
            <option value={t} selected={q.type === t}>
              {t}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <JobsTable rows={p.rows} total={p.total} query={q} pageSize={p.pageSize} />
    </Page>
  );
}

export function JobForm(
  p: Common & { job?: Job; values: Values; errors: FieldErrors; profiles: { id: number; name: string }[] },
) {
  const action = p.job ? `/jobs/${p.job.id}` : "/jobs";
  const v = p.values;
  const e = p.errors;
  return (
    <Page title={p.job ? `Edit ${p.job.name}` : "New job"} user={p.user} csrf={p.csrf} section="jobs">
      <PageHead title={p.job ? `Edit “${p.job.name}”` : "New job"} />
      <FormErrors errors={e} />
      <form method="post" action={action} novalidate>
        <Csrf token={p.csrf} />
        <Field
          name="name"
          label="Name"
          values={v}
          errors={e}
          required
          placeholder="Lincoln Elementary – Fall portraits"
        />
        <div class="grid-2">
          <Select name="type" label="Type" values={v} errors={e} options={JOB_TYPES} />
          <Field
            name="year"
            label="Year"
            type="number"
            values={v}
            errors={e}
            placeholder="2026"
            hint="Defaults to the picture day's year."
          />
          {!p.job && (
            <Select
              name="status"
              label="Status"
              values={v}
              errors={e}
              options={JOB_STATUSES.map((s) => [s, JOB_STATUS_LABELS[s]] as [string, string])}
            />
          )}
          <Field
            name="time_zone"
            label="Time zone"
            values={v}
            errors={e}
            placeholder="Europe/Berlin"
            hint="Blank uses the studio's time zone."
          />
        </div>
        <fieldset>
          <legend>Dates</legend>
          <div class="grid-2">
            <Field name="shoot_date" label="Picture day" type="date" values={v} errors={e} />
            <Field name="selling_start" label="Selling starts" type="date" values={v} errors={e} />
            <Field name="coupon_deadline" label="Coupon deadline" type="date" values={v} errors={e} />
            <Field name="shipping_deadline" label="Free shipping deadline" type="date" values={v} errors={e} />
            <Field name="archive_date" label="Archive date (photos expire)" type="date" values={v} errors={e} />
          </div>
        </fieldset>
        <Field
          name="gallery_url"
          label="Gallery URL"
          type="url"
          values={v}
          errors={e}
          placeholder="https://shop.example.com/lincoln"
        />
        <TextArea
          name="custom_text"
          label="Custom text"
          values={v}
          errors={e}
          hint="Shown in messages through {{job.custom_text}}."
        />
        <Select
          name="profile_id"
          label="Communication profile"
          values={v}
          errors={e}
          blank="None"
          options={p.profiles.map((pr) => [String(pr.id), pr.name] as [string, string])}
        />
        <div class="status-buttons">
          <button type="submit">{p.job ? "Save job" : "Create job"}</button>
          <a role="button" class="secondary outline" href={p.job ? `/jobs/${p.job.id}` : "/jobs"}>
            Cancel
          </a>
        </div>
      </form>
    </Page>
  );
}

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
    /** The status history is shown in it. */
    studioTimeZone: string;
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

      <section id="albums">
        <h2>Albums</h2>
        {p.albums.length === 0 ? (
          <p class="muted">No albums yet. Albums group customers by class or team.</p>
        ) : (
          <ul>
            {p.albums.map(({ album, registrations }) => (
              <li>
                {album.name} <span class="muted">({registrations} registered)</span>{" "}
                <form
                  method="post"
                  action={`/jobs/${j.id}/albums/${album.id}/delete`}
                  class="inline-form"
                  data-confirm={`Delete the album “${album.name}”? Registrations stay, without an album.`}
                >
                  <Csrf token={p.csrf} />
                  <button type="submit" class="secondary outline">
                    Delete
                  </button>
                </form>
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
