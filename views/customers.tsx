/** @jsxImportSource hono/jsx */
// Customers: the searchable list and the results fragment it re-renders, the create/edit
// form, and the customer page with its registration and order forms (locality of behaviour).
import type { FC } from "hono/jsx";
import { staffDay, staffTimeOrDash } from "../src/core/date-format.ts";
import { usableLocale } from "../src/core/intl.ts";
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import { exampleTypedAmount, formatMoney } from "../src/core/money.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { Album, Appointment, Customer, Job, Order, Registration, User } from "../src/db/schema.ts";
import { CHANNELS, type Channel } from "../src/core/vocabulary.ts";
import type { JobChoice } from "../src/db/jobs.ts";
import { Checkbox, Csrf, Field, FieldMessages, FormErrors, Select, type Values } from "./form.tsx";
import { COUNTRIES, countryName } from "../src/core/country.ts";
import { example, formatPhone } from "../src/core/phone.ts";
import { Page, PageHead } from "./layout.tsx";
import { CustomerMessages } from "./customer-history.tsx";
import type { OutboxRow } from "../src/db/outbox-list.ts";
import { withParams } from "./pager.tsx";

type Common = { user: User; csrf: string };
type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;
type Namesake = { id: number; firstName: string; lastName: string };

const fullName = (c: { firstName: string; lastName: string }) => `${c.firstName} ${c.lastName}`.trim() || "(no name)";
const day = (d: Date | null, tz: string) => (d ? staffDay(d, tz) : "—");
const minute = (d: Date | null, tz: string) => staffTimeOrDash(d, tz);

export function consentOf(c: Customer, channel: Channel): { given: boolean; source: string | null; at: Date | null } {
  if (channel === "email") return { given: c.consentEmail, source: c.consentEmailSource, at: c.consentEmailAt };
  if (channel === "sms") return { given: c.consentSms, source: c.consentSmsSource, at: c.consentSmsAt };
  return { given: c.consentVoice, source: c.consentVoiceSource, at: c.consentVoiceAt };
}

export const ConsentBadges: FC<{ customer: Customer }> = ({ customer }) => (
  <span class="consent-badges">
    {CHANNELS.map((ch) => {
      const { given, source } = consentOf(customer, ch);
      return (
        <span
          class={given ? "badge yes" : "badge consent-no"}
          title={given ? `${CHANNEL_LABELS[ch]} consent: ${source ?? ""}` : `No ${CHANNEL_LABELS[ch]} consent`}
        >
          {CHANNEL_LABELS[ch]}
          {given ? " ✓" : " ✗"}
        </span>
      );
    })}
  </span>
);

const invalid = (name: string, errors: FieldErrors) => (errors[name] ? "true" : undefined);

// ---------------------------------------------------------------- list

export type CustomerListQuery = { q?: string; before?: number };

/** `country`: the studio's, whose numbers show in national format (see formatPhone). */
export function CustomersResults(p: {
  rows: Customer[];
  nextBefore: number | null;
  query: CustomerListQuery;
  count: number;
  countCap: number;
  csrf: string;
  country: string;
  timeZone: string;
}) {
  const { q, before } = p.query;
  const counted = p.count >= p.countCap ? `${p.countCap.toLocaleString("en")}+` : p.count.toLocaleString("en");
  return (
    <div id="customers-results">
      {p.rows.length === 0 ? (
        <div class="empty">
          {q ? (
            <p>
              No customers match “{q}”. Search finds names, e-mail addresses and phone numbers by the start of their
              words. <a href="/customers">Clear the search</a>
            </p>
          ) : before ? (
            <p>
              There are no older customers. <a href="/customers">Back to the newest</a>
            </p>
          ) : (
            <>
              <p>
                No customers yet. Add your first customer, import a CSV file from your registration list, or load the
                demo studio to look around.
              </p>
              <div class="status-buttons empty-actions">
                <a role="button" href="/customers/new">
                  New customer
                </a>
                <a role="button" class="secondary" href="/customers/import">
                  Import CSV
                </a>
                <form method="post" action="/demo">
                  <Csrf token={p.csrf} />
                  <button type="submit" class="secondary outline">
                    Load demo data
                  </button>
                </form>
              </div>
            </>
          )}
        </div>
      ) : (
        <>
          <p class="muted">
            {q
              ? `${counted} ${p.count === 1 ? "customer matches" : "customers match"} “${q}”`
              : `${counted} ${p.count === 1 ? "customer" : "customers"}`}
            {before ? " · older pages" : ""}
          </p>
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>E-mail</th>
                  <th class="hide-sm">Phone</th>
                  <th>Consent</th>
                  <th class="hide-sm">Created</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((c) => (
                  <tr>
                    <td>
                      <a href={`/customers/${c.id}`}>{fullName(c)}</a>
                    </td>
                    <td>{c.email ?? "—"}</td>
                    <td class="hide-sm">{formatPhone(c.phone, p.country, c.phoneExtension) || "—"}</td>
                    <td>
                      <ConsentBadges customer={c} />
                    </td>
                    <td class="hide-sm">{day(c.createdAt, p.timeZone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Pages">
            <a href={withParams("/customers", { q })} aria-disabled={before ? undefined : "true"} rel="first">
              ← Newest
            </a>
            <a
              href={withParams("/customers", { q, before: p.nextBefore })}
              aria-disabled={p.nextBefore ? undefined : "true"}
              rel="next"
            >
              Older →
            </a>
          </nav>
        </>
      )}
    </div>
  );
}

export function CustomersPage(p: Common & Parameters<typeof CustomersResults>[0]) {
  return (
    <Page title="Customers" user={p.user} csrf={p.csrf} section="customers">
      <PageHead title="Customers">
        <a role="button" href="/customers/new">
          New customer
        </a>
        <a role="button" class="secondary" href="/customers/import">
          Import CSV
        </a>
      </PageHead>
      <form class="filters" method="get" action="/customers" role="search">
        <input
          type="search"
          name="q"
          value={p.query.q ?? ""}
          placeholder="Search by name, e-mail or phone…"
          aria-label="Search customers"
          hx-get="/customers"
          hx-trigger="input changed delay:300ms, search"
          hx-target="#customers-results"
          hx-swap="outerHTML"
          hx-push-url="true"
        />
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <CustomersResults {...p} />
    </Page>
  );
}

// ---------------------------------------------------------------- create / edit

/** The "someone else has this e-mail" notice: information, never a refusal. */
export function EmailNotice({ others }: { others: Namesake[] }) {
  return (
    <div id="email-notice" aria-live="polite">
      {others.length > 0 && (
        <small class="notice">
          Note: this e-mail address is already used by{" "}
          {others.map((o, i) => (
            <>
              {i > 0 && ", "}
              <a href={`/customers/${o.id}`}>{fullName(o)}</a>
            </>
          ))}
          . That is fine for families sharing an address; otherwise check for a duplicate.
        </small>
      )}
    </div>
  );
}

export function CustomerForm(
  p: Common & {
    customer?: Customer;
    values: Values;
    errors: FieldErrors;
    namesakes: Namesake[];
    country: string;
    timeZone: string;
  },
) {
  const cu = p.customer;
  const v = p.values;
  const e = p.errors;
  const title = cu ? `Edit ${fullName(cu)}` : "New customer";
  return (
    <Page title={title} user={p.user} csrf={p.csrf} section="customers">
      <p>
        <a href={cu ? `/customers/${cu.id}` : "/customers"}>← {cu ? fullName(cu) : "Customers"}</a>
      </p>
      <PageHead title={title} />
      <FormErrors errors={e} />
      <form method="post" action={cu ? `/customers/${cu.id}` : "/customers"} novalidate>
        <Csrf token={p.csrf} />
        <div class="grid-2">
          <Field name="first_name" label="First name" values={v} errors={e} autocomplete="off" />
          <Field name="last_name" label="Last name" values={v} errors={e} autocomplete="off" />
          <label>
            E-mail
            <input
              type="email"
              name="email"
              value={v.email ?? ""}
              autocomplete="off"
              aria-invalid={invalid("email", e)}
              aria-describedby={e.email ? "email-error" : undefined}
              hx-get="/customers/email-check"
              hx-trigger="change"
              hx-vals={cu ? JSON.stringify({ except: String(cu.id) }) : undefined}
              hx-target="#email-notice"
              hx-swap="outerHTML"
            />
            <FieldMessages name="email" errors={e} />
            <EmailNotice others={p.namesakes} />
          </label>
          <Field
            name="phone"
            label="Phone"
            type="tel"
            values={v}
            errors={e}
            placeholder={example(v.country || p.country)}
            hint={`Read as a number in ${countryName(v.country || p.country)} (the country below); numbers from elsewhere need their country code, like +44 20 7946 0018. An extension may follow, like “ext. 12”.`}
          />
          <Select
            name="country"
            label="Country"
            values={v}
            errors={e}
            blank={`The studio's (${countryName(p.country)})`}
            options={COUNTRIES}
            hint="Where the customer's national numbers are from."
          />
          <Field
            name="locale"
            label="Locale"
            values={v}
            errors={e}
            placeholder="en"
            hint="Language for messages, like en or de-AT."
          />
          <Field
            name="time_zone"
            label="Time zone"
            values={v}
            errors={e}
            placeholder="America/New_York"
            hint="Blank uses the job's or studio's time zone."
          />
        </div>
        <fieldset>
          <legend>Consent to be contacted</legend>
          {CHANNELS.map((ch) => {
            const current = cu ? consentOf(cu, ch) : null;
            const hint = current?.given
              ? `Given ${minute(current.at, p.timeZone)} · ${current.source ?? ""}`
              : current?.source
                ? `Not given · ${current.source}`
                : undefined;
            return <Checkbox name={`consent_${ch}`} label={CHANNEL_LABELS[ch]} values={v} errors={e} hint={hint} />;
          })}
          <Field
            name="consent_source"
            label="Consent source"
            values={v}
            errors={e}
            placeholder="signed form at picture day"
            hint="Required when you tick a box: how did they agree? It is stored with the time."
          />
        </fieldset>
        <div class="status-buttons">
          <button type="submit">{cu ? "Save customer" : "Create customer"}</button>
          <a role="button" class="secondary outline" href={cu ? `/customers/${cu.id}` : "/customers"}>
            Cancel
          </a>
        </div>
      </form>
    </Page>
  );
}

// ---------------------------------------------------------------- customer page

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
          {j.name} ({j.year})
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
  messages: OutboxRow[];
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

      <CustomerMessages customerId={cu.id} rows={p.messages} timeZone={tz} />

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
                {minute(a.startsAt, tz)} · {a.durationMinutes} min{a.location ? ` · ${a.location}` : ""}{" "}
                <span class="badge">{a.status.replace(/_/g, " ")}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
