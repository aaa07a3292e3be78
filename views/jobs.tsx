/** @jsxImportSource hono/jsx */
// Jobs: the list with its filters and the table fragment it re-renders (locality of behaviour),
// and the status badge the job page shows too.
import { JOB_STATUS_LABELS } from "../src/core/labels.ts";
import type { JobListQuery } from "../src/core/jobs.ts";
import type { Job } from "../src/db/schema.ts";
import { JOB_STATUSES, JOB_TYPES } from "../src/core/vocabulary.ts";
import { type Common, Page, PageHead } from "./layout.tsx";
import { Pager } from "./pager.tsx";

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
  p: Common & {
    rows: JobRow[];
    total: number;
    query: JobListQuery;
    years: number[];
    pageSize: number;
    flash?: { kind: "ok"; text: string } | null;
  },
) {
  const q = p.query;
  return (
    <Page title="Jobs" user={p.user} csrf={p.csrf} section="jobs" flash={p.flash}>
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
