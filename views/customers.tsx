/** @jsxImportSource hono/jsx */
// Customers: the searchable list and the results fragment it re-renders (locality of behaviour).
import { Csrf } from "./form.tsx";
import { formatPhone } from "../src/core/phone.ts";
import type { Customer } from "../src/db/schema.ts";
import { Page, PageHead } from "./layout.tsx";
import { withParams } from "./pager.tsx";
import { ConsentBadges, day, fullName } from "./customer-parts.tsx";
import type { Common } from "./layout.tsx";

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
