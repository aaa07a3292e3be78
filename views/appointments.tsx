/** @jsxImportSource hono/jsx */
// Appointments list (SPEC A1): upcoming first, filterable by status and time.
import { staffTime } from "../src/core/date-format.ts";
import type { Appointment, Customer, Job, User } from "../src/db/schema.ts";
import { APPOINTMENT_STATUSES } from "../src/core/vocabulary.ts";
import { Page, PageHead } from "./layout.tsx";
import { Pager } from "./pager.tsx";

type Row = { appointment: Appointment; customer: Customer; job: Job | null };
export type AppointmentQuery = { when: "upcoming" | "past"; status?: string; page: number };

const fmt = (d: Date, tz: string) => staffTime(d, tz, { weekday: true });

export function AppointmentsPage(p: {
  user: User;
  csrf: string;
  rows: Row[];
  total: number;
  query: AppointmentQuery;
  pageSize: number;
  timeZone: string;
}) {
  const { page, ...params } = p.query;
  return (
    <Page title="Appointments" user={p.user} csrf={p.csrf} section="appointments">
      <PageHead title="Appointments">
        {p.rows.length ? (
          <button type="submit" form="compose-selection" title="A message to the checked appointments' customers">
            Compose
          </button>
        ) : (
          <a role="button" href="/messages/new">
            Compose
          </a>
        )}
      </PageHead>
      <form class="filters" method="get" action="/appointments">
        <select name="when" aria-label="When">
          <option value="upcoming" selected={p.query.when === "upcoming"}>
            Upcoming
          </option>
          <option value="past" selected={p.query.when === "past"}>
            Past
          </option>
        </select>
        <select name="status" aria-label="Status">
          <option value="">Any status</option>
          {APPOINTMENT_STATUSES.map((s) => (
            <option value={s} selected={p.query.status === s}>
              {s.replace("_", " ")}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      {p.rows.length === 0 ? (
        <div class="empty">
          <p>
            No {p.query.when} appointments{p.query.status ? ` with status ${p.query.status.replace("_", " ")}` : ""}.
            Booking tools add them through the API.
          </p>
        </div>
      ) : (
        <>
          {/* Compose sends the checked appointments to the message form (SPEC A1, O1). */}
          <form id="compose-selection" method="get" action="/messages/new" class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th>
                    <span class="hide-sm">Select</span>
                  </th>
                  <th>When</th>
                  <th>Customer</th>
                  <th class="hide-sm">Job</th>
                  <th class="hide-sm">Location</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map(({ appointment: a, customer, job }) => (
                  <tr>
                    <td>
                      <input
                        type="checkbox"
                        name="appointment_ids"
                        value={String(a.id)}
                        aria-label={`Select ${customer.firstName} ${customer.lastName}, ${fmt(a.startsAt, p.timeZone)}`}
                      />
                    </td>
                    <td>
                      {fmt(a.startsAt, p.timeZone)} <span class="muted">· {a.durationMinutes} min</span>
                    </td>
                    <td>
                      <a href={`/customers/${customer.id}`}>
                        {customer.firstName} {customer.lastName}
                      </a>
                    </td>
                    <td class="hide-sm">{job ? <a href={`/jobs/${job.id}`}>{job.name}</a> : "—"}</td>
                    <td class="hide-sm">{a.location || "—"}</td>
                    <td>
                      <span class={`badge ${a.status === "cancelled" ? "no" : a.status === "confirmed" ? "yes" : ""}`}>
                        {a.status.replace("_", " ")}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </form>
          <Pager path="/appointments" params={params} page={page} total={p.total} pageSize={p.pageSize} />
        </>
      )}
    </Page>
  );
}
