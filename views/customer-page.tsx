/** @jsxImportSource hono/jsx */
// One customer's page: details, consent, messages, registrations and orders with their forms,
// and the album field the registration form re-renders when the job changes.
import type { FC } from "hono/jsx";
import { usableLocale } from "../src/core/intl.ts";
import { CHANNEL_LABELS, jobLabel } from "../src/core/labels.ts";
import { exampleTypedAmount, formatMoney } from "../src/core/money.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { Album, Appointment, Customer, Job, Order, Registration } from "../src/db/schema.ts";
import { CHANNELS, type Channel } from "../src/core/vocabulary.ts";
import type { JobChoice } from "../src/db/jobs.ts";
import { Checkbox, Csrf, Field, FieldMessages, type Values } from "./form.tsx";
import { formatPhone } from "../src/core/phone.ts";
import { Page, PageHead } from "./layout.tsx";
import { CustomerMessages } from "./customer-history.tsx";
import { AppointmentStatusBadge } from "./appointments.tsx";
import type { HistoryItem } from "../src/db/customer-history.ts";
import { consentOf, day, fullName, invalid, minute, type Namesake } from "./customer-parts.tsx";
import type { Common } from "./layout.tsx";

type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;
type AlbumChoice = { id: number; jobId: number; name: string };

/** The album select: the chosen job's albums, or every listed job's albums grouped by job. */
export function AlbumField(p: {
  jobs: JobChoice[];
  albums: AlbumChoice[];
  jobId: number | null;
  values: Values;
  errors: FieldErrors;
}) {
  const groups = p.jobId
    ? p.jobs.filter((j) => j.id === p.jobId)
    : p.jobs.filter((j) => p.albums.some((a) => a.jobId === j.id));
  const option = (a: AlbumChoice) => (
    <option value={String(a.id)} selected={p.values.album_id === String(a.id)}>
      {a.name}
    </option>
  );
  return (
    <label id="album-field">
      Album
      <select
        name="album_id"
        aria-invalid={invalid("album_id", p.errors)}
        aria-describedby={p.errors.album_id ? "album_id-error" : undefined}
      >
        <option value="">No album</option>
        {p.jobId
          ? p.albums.filter((a) => a.jobId === p.jobId).map(option)
          : groups.map((j) => (
              <optgroup label={j.name}>{p.albums.filter((a) => a.jobId === j.id).map(option)}</optgroup>
            ))}
      </select>
      <FieldMessages
        name="album_id"
        errors={p.errors}
        hint={p.jobId && !p.albums.some((a) => a.jobId === p.jobId) ? "This job has no albums." : undefined}
      />
    </label>
  );
}

const JobSelect: FC<{
  name: string;
  id: string;
  jobs: JobChoice[];
  values: Values;
  errors: FieldErrors;
  blank: string;
  hx?: Record<string, string>;
}> = (p) => (
  <label>
    Job
    <select
      name={p.name}
      id={p.id}
      aria-invalid={invalid(p.name, p.errors)}
      aria-describedby={p.errors[p.name] ? `${p.name}-error` : undefined}
      {...p.hx}
    >
      <option value="">{p.blank}</option>
      {p.jobs.map((j) => (
        <option value={String(j.id)} selected={p.values[p.name] === String(j.id)}>
          {jobLabel(j)}
        </option>
      ))}
    </select>
    <FieldMessages name={p.name} errors={p.errors} />
  </label>
);

type RegistrationRow = { registration: Registration; job: Job; album: Album | null };
type Suppression = {
  id: number;
  channel: Channel;
  address: string;
  reason: string;
  source: string;
  createdAt: Date;
  clearedAt: Date | null;
};

export type CustomerPageProps = Common & {
  customer: Customer;
  /** The studio's country: numbers from it show in national format. */
  country: string;
  namesakes: Namesake[];
  registrations: RegistrationRow[];
  orders: { order: Order; job: Job }[];
  appointments: Appointment[];
  suppressions: Suppression[];
  /** The latest deliveries to this customer, newest first (SPEC A5). */
  messages: { items: HistoryItem[]; more: boolean };
  jobs: JobChoice[];
  albums: AlbumChoice[];
  registerValues: Values;
  registerErrors: FieldErrors;
  registerJobId: number | null;
  orderValues: Values;
  orderErrors: FieldErrors;
  /** The studio's currency (new orders are in it) and language (amounts are written its way). */
  money: { currency: string; locale: string };
  flash?: Flash;
  /** The studio's: every time on the page is shown in it. */
  timeZone: string;
};

export function CustomerPage(p: CustomerPageProps) {
  const cu = p.customer;
  const tz = p.timeZone;
  const buyerIn = new Set(p.orders.map((o) => o.job.id));
  const rv = p.registerValues;
  const re = p.registerErrors;
  const ov = p.orderValues;
  const oe = p.orderErrors;
  const albumUrl = `/customers/${cu.id}/album-field`;
  return (
    <Page title={fullName(cu)} user={p.user} csrf={p.csrf} section="customers" flash={p.flash}>
      <p>
        <a href="/customers">← Customers</a>
      </p>
      <PageHead title={fullName(cu)}>
        <a role="button" class="secondary" href={`/customers/${cu.id}/edit`}>
          Edit
        </a>
      </PageHead>
      {/* To this customer through the composer's filters, so consent, opt-outs and placeholders apply. */}
      <nav class="send-one" aria-label="Send a message">
        <span>Send a message:</span>
        {CHANNELS.map((ch) => (
          <a role="button" class="outline" href={`/messages/new?customer_ids=${cu.id}&channels=${ch}`}>
            {CHANNEL_LABELS[ch]}
          </a>
        ))}
      </nav>
      {p.namesakes.length > 0 && (
        <div class="flash info" role="status">
          Another customer has the same e-mail address:{" "}
          {p.namesakes.map((o, i) => (
            <>
              {i > 0 && ", "}
              <a href={`/customers/${o.id}`}>{fullName(o)}</a>
            </>
          ))}
          .
        </div>
      )}
      <article>
        <div class="grid-2">
          <dl>
            <dt class="muted">E-mail</dt>
            <dd>{cu.email ?? "—"}</dd>
            <dt class="muted">Phone</dt>
            <dd>{formatPhone(cu.phone, p.country, cu.phoneExtension) || "—"}</dd>
            <dt class="muted">Locale · time zone</dt>
            <dd>
              {cu.locale} · {cu.timeZone ?? "job's or studio's"}
            </dd>
          </dl>
          <dl>
            <dt class="muted">Created</dt>
            <dd>{minute(cu.createdAt, tz)}</dd>
            {cu.externalId && (
              <>
                <dt class="muted">External id</dt>
                <dd>
                  <code>{cu.externalId}</code>
                </dd>
              </>
            )}
          </dl>
        </div>
      </article>

      <section id="consent">
        <h2>Consent</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Channel</th>
                <th>Consent</th>
                <th>Source</th>
                <th>Recorded</th>
              </tr>
            </thead>
            <tbody>
              {CHANNELS.map((ch) => {
                const c = consentOf(cu, ch);
                return (
                  <tr>
                    <td>{CHANNEL_LABELS[ch]}</td>
                    <td>{c.given ? <span class="badge yes">Yes</span> : <span class="badge consent-no">No</span>}</td>
                    <td>{c.source ?? "—"}</td>
                    <td>{minute(c.at, tz)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {p.suppressions.length > 0 && (
          <>
            <h3>Suppressions</h3>
            <ul>
              {p.suppressions.map((s) => (
                <li>
                  {CHANNEL_LABELS[s.channel]} {s.address}: <strong>{s.reason.replace(/_/g, " ")}</strong>{" "}
                  <span class="muted">
                    since {minute(s.createdAt, tz)} via {s.source}
                  </span>
                  {s.clearedAt && <span class="muted"> · cleared {minute(s.clearedAt, tz)}</span>}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <CustomerMessages customerId={cu.id} items={p.messages.items} more={p.messages.more} timeZone={tz} />

      <section id="registrations">
        <h2>Registrations</h2>
        {p.registrations.length === 0 ? (
          <p class="muted">Not registered to any job yet. Register below, or import a CSV with a job chosen.</p>
        ) : (
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th>Job</th>
                  <th>Album</th>
                  <th>Access code</th>
                  <th>Photos</th>
                  <th>Buyer</th>
                </tr>
              </thead>
              <tbody>
                {p.registrations.map(({ registration: r, job, album }) => (
                  <tr>
                    <td>
                      <a href={`/jobs/${job.id}`}>{job.name}</a>
                    </td>
                    <td>{album?.name ?? "—"}</td>
                    <td>
                      <code>{r.accessCode || "—"}</code>
                    </td>
                    <td>
                      {r.photosAvailableAt
                        ? `${r.photosCount} available since ${day(r.photosAvailableAt, tz)}`
                        : "Not yet"}
                    </td>
                    <td>
                      {buyerIn.has(job.id) ? (
                        <span class="badge yes">Buyer</span>
                      ) : (
                        <span class="badge">Potential buyer</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form
          method="post"
          action={`/customers/${cu.id}/registrations#register`}
          id="register"
          class="subform"
          novalidate
        >
          <Csrf token={p.csrf} />
          <h3>Register to a job</h3>
          <p class="muted">
            Registering again to the same job updates that registration; blank fields keep what it has.
          </p>
          <div class="grid-2">
            <JobSelect
              name="job_id"
              id="reg-job-id"
              jobs={p.jobs}
              values={rv}
              errors={re}
              blank="Choose a job…"
              hx={{
                "hx-get": albumUrl,
                "hx-trigger": "change",
                "hx-include": "#reg-job-ref",
                "hx-target": "#album-field",
                "hx-swap": "outerHTML",
              }}
            />
            <label>
              or job id
              <input
                type="text"
                inputmode="numeric"
                name="job_ref"
                id="reg-job-ref"
                value={rv.job_ref ?? ""}
                placeholder="e.g. 42"
                aria-invalid={invalid("job_ref", re)}
                hx-get={albumUrl}
                hx-trigger="change"
                hx-include="#reg-job-id"
                hx-target="#album-field"
                hx-swap="outerHTML"
              />
              <FieldMessages name="job_ref" errors={re} hint="For a job not in the list." />
            </label>
            <AlbumField jobs={p.jobs} albums={p.albums} jobId={p.registerJobId} values={rv} errors={re} />
            <Field name="access_code" label="Access code" values={rv} errors={re} placeholder="ABC-123" />
          </div>
          <div class="grid-2">
            <Checkbox name="photos_available" label="Photos available" values={rv} errors={re} />
            <Field name="photos_count" label="Number of photos" type="number" values={rv} errors={re} placeholder="0" />
          </div>
          <button type="submit" class="secondary">
            Register
          </button>
        </form>
      </section>

      <section id="orders">
        <h2>Orders</h2>
        {p.orders.length === 0 ? (
          <p class="muted">No orders yet: in the jobs above this customer is a potential buyer.</p>
        ) : (
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>Job</th>
                  <th class="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {p.orders.map(({ order, job }) => (
                  <tr>
                    <td>{day(order.orderedAt, tz)}</td>
                    <td>
                      <a href={`/jobs/${job.id}`}>{job.name}</a>
                    </td>
                    <td class="num">{formatMoney(order.amountMinor, order.currency, usableLocale(p.money.locale))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form method="post" action={`/customers/${cu.id}/orders#add-order`} id="add-order" class="subform" novalidate>
          <Csrf token={p.csrf} />
          <h3>Add an order</h3>
          <div class="grid-2">
            <JobSelect
              name="order_job_id"
              id="order-job-id"
              jobs={p.jobs}
              values={ov}
              errors={oe}
              blank="Choose a job…"
            />
            <Field
              name="amount"
              label={`Amount (${p.money.currency})`}
              values={ov}
              errors={oe}
              placeholder={exampleTypedAmount(p.money.currency, usableLocale(p.money.locale))}
            />
            <Field name="order_date" label="Date" type="date" values={ov} errors={oe} />
          </div>
          <button type="submit" class="secondary">
            Add order
          </button>
        </form>
      </section>

      <section id="appointments">
        <h2>Appointments</h2>
        {p.appointments.length === 0 ? (
          <p class="muted">No appointments.</p>
        ) : (
          <ul>
            {p.appointments.map((a) => (
              <li>
                <a href={`/appointments/${a.id}`}>
                  {minute(a.startsAt, tz)} · {a.durationMinutes} min{a.location ? ` · ${a.location}` : ""}
                </a>{" "}
                <AppointmentStatusBadge status={a.status} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
