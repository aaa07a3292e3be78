/** @jsxImportSource hono/jsx */
// First-run setup and login pages.
import type { FieldErrors } from "../src/core/validation.ts";
import { COUNTRIES } from "../src/core/country.ts";
import { COMMON_CURRENCIES, CUSTOMER_LANGUAGES } from "../src/core/settings.ts";
import { Csrf, Field, FormErrors, Select, type Values } from "./form.tsx";
import { Page } from "./layout.tsx";

export function SetupPage(p: { csrf: string; values: Values; errors: FieldErrors }) {
  return (
    <Page title="Set up Pigeon" user={null} csrf={p.csrf}>
      <article class="auth-card">
        <header>
          <h1>Welcome to Pigeon</h1>
          <p class="muted">Create the owner account for your studio. You can add staff later in Settings.</p>
        </header>
        <FormErrors errors={p.errors} />
        <form method="post" action="/setup">
          <Csrf token={p.csrf} />
          <Field name="studio_name" label="Studio name" values={p.values} errors={p.errors} required autofocus />
          <Field name="name" label="Your name" values={p.values} errors={p.errors} required autocomplete="name" />
          <Field
            name="email"
            label="E-mail"
            type="email"
            values={p.values}
            errors={p.errors}
            required
            autocomplete="email"
          />
          <Field
            name="password"
            label="Password"
            type="password"
            values={{}}
            errors={p.errors}
            required
            autocomplete="new-password"
            hint="At least 10 characters."
          />
          <fieldset>
            <legend>Where the studio is</legend>
            <Field
              name="time_zone"
              label="Time zone"
              values={p.values}
              errors={p.errors}
              placeholder="Europe/Berlin"
              hint="Your browser's zone is filled in; blank keeps UTC. You can change everything here later in Settings."
              detectZone
            />
            <div class="grid-2">
              <Select
                name="country"
                label="Country"
                values={p.values}
                errors={p.errors}
                blank="The time zone's country"
                options={COUNTRIES}
                hint="Phone numbers without a country code are read as this country's."
              />
              <Select
                name="currency"
                label="Currency"
                values={p.values}
                errors={p.errors}
                blank="The country's"
                options={[...COMMON_CURRENCIES]}
              />
              <Select
                name="locale"
                label="Language for customers"
                values={p.values}
                errors={p.errors}
                blank="The country's (else English)"
                options={CUSTOMER_LANGUAGES.map(([c, n]) => [c, n] as [string, string])}
              />
            </div>
          </fieldset>
          <button type="submit">Create owner account</button>
        </form>
      </article>
    </Page>
  );
}

export function LoginPage(p: { csrf: string; values: Values; errors: FieldErrors; next: string; status?: number }) {
  return (
    <Page title="Log in" user={null} csrf={p.csrf}>
      <article class="auth-card">
        <header>
          <h1>Log in</h1>
        </header>
        <FormErrors errors={p.errors._ ? { _: p.errors._ } : {}} />
        <form method="post" action="/login">
          <Csrf token={p.csrf} />
          <input type="hidden" name="next" value={p.next} />
          <Field
            name="email"
            label="E-mail"
            type="email"
            values={p.values}
            errors={p.errors}
            required
            autocomplete="username"
            autofocus
          />
          <Field
            name="password"
            label="Password"
            type="password"
            values={{}}
            errors={p.errors}
            required
            autocomplete="current-password"
          />
          <button type="submit">Log in</button>
        </form>
      </article>
    </Page>
  );
}
