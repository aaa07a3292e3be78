/** @jsxImportSource hono/jsx */
// A customer's create/edit form, with the e-mail notice it re-renders as the address is typed.
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { Customer } from "../src/db/schema.ts";
import { CHANNELS } from "../src/core/vocabulary.ts";
import { Checkbox, Csrf, Field, FieldMessages, FormErrors, Select, type Values } from "./form.tsx";
import { COUNTRIES, countryName } from "../src/core/country.ts";
import { example } from "../src/core/phone.ts";
import { Page, PageHead } from "./layout.tsx";
import { consentOf, fullName, invalid, minute, type Namesake } from "./customer-parts.tsx";
import type { Common } from "./layout.tsx";

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
