/** @jsxImportSource hono/jsx */
// Settings: the tabs' shell, and the Studio tab (studio details and sending policy). The other
// tabs: settings-messaging.tsx, settings-staff.tsx, settings-api-keys.tsx.
import type { Child } from "hono/jsx";
import { studioCountry } from "../src/core/country.ts";
import { quietHoursRules, windowWarning } from "../src/core/quiet-hours.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { FileInfo } from "../src/db/files.ts";
import { Csrf, Field, FormErrors, Select, TextArea, type Values } from "./form.tsx";
import { TrackingFields } from "./settings-tracking.tsx";
import { UploadForm } from "./files.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import { COUNTRIES } from "../src/core/country.ts";
import { example } from "../src/core/phone.ts";
import { COMMON_CURRENCIES, CUSTOMER_LANGUAGES } from "../src/core/settings.ts";

/** The common currencies, and the studio's own if it is another one. */
const currencyOptions = (current: string | undefined) => [
  ...new Set([...COMMON_CURRENCIES, ...(current && /^[A-Z]{3}$/.test(current) ? [current] : [])]),
];

/** A settings tab: a staff page with the notice its last save left. */
export type SettingsCommon = Common & { flash?: { kind: "ok" | "bad" | "info"; text: string } | null };
type Tab = "studio" | "messaging" | "staff" | "api-keys" | "snippets";

export function SettingsShell(p: SettingsCommon & { tab: Tab; title: string; children?: Child }) {
  const tabs: [Tab, string, string][] = [
    ["studio", "/settings", "Studio"],
    ["messaging", "/settings/messaging", "Messaging"],
    ["snippets", "/settings/snippets", "Snippets"],
    ["staff", "/settings/staff", "Staff"],
    ["api-keys", "/settings/api-keys", "API keys"],
  ];
  // The file manager lives under Communication; Settings links to it too (where studios look for it).
  const files = (
    <li>
      <a href="/files">Files</a>
    </li>
  );
  return (
    <Page title={p.title} user={p.user} csrf={p.csrf} section="settings" flash={p.flash}>
      <PageHead title="Settings" />
      <nav aria-label="Settings sections" class="settings-nav">
        <ul>
          {tabs.map(([tab, href, label]) => (
            <li>
              <a href={href} aria-current={tab === p.tab ? "page" : undefined}>
                {label}
              </a>
            </li>
          ))}
          {files}
        </ul>
      </nav>
      {p.children}
    </Page>
  );
}

/** The sending-hours rules of the studio's country beside the window, and a warning when the window is wider. */
function QuietHoursNote({ values: v }: { values: Values }) {
  const rules = quietHoursRules(studioCountry({ country: v.country ?? "", timeZone: v.time_zone ?? "UTC" }));
  const warning = windowWarning({ start: v.send_window_start ?? "", end: v.send_window_end ?? "" }, rules);
  return (
    <div id="quiet-hours" class="quiet-hours">
      <p class="muted">
        <strong>Sending hours: {rules.countryName}</strong> (guidance, not legal advice): {rules.summary}
        {rules.recommended && ` Recommended window: ${rules.recommended.start}–${rules.recommended.end}.`} The window
        applies in each recipient's own time zone when Pigeon knows it, else in the studio's.
      </p>
      {warning && (
        <p class="flash bad" role="status">
          {warning}
        </p>
      )}
    </div>
  );
}

/**
 * The logo every e-mail's header shows (issue 12): its preview on the brand colour as e-mails
 * show it, Remove, and an upload (images only) — forms of their own beside the settings form.
 */
function LogoSection(p: { csrf: string; logo?: FileInfo | null; error?: string; studioName: string; brand: string }) {
  const errors: FieldErrors = p.error ? { file: p.error } : {};
  return (
    <section class="logo-settings" aria-labelledby="logo-title">
      <h2 id="logo-title">Logo</h2>
      {p.logo ? (
        <div class="logo-preview">
          <div class="logo-band" style={`background:${/^#[0-9a-fA-F]{6}$/.test(p.brand) ? p.brand : "#2f6fdf"}`}>
            <img src={`/media/${p.logo.storedName}`} alt={p.studioName} height="48" />
          </div>
          <span class="muted">
            {p.logo.originalName}
            {p.logo.width && p.logo.height ? ` · ${p.logo.width} × ${p.logo.height} px` : ""}: shown at 48 px high at
            the top of every e-mail, its alt text the studio's name.
          </span>
          <form method="post" action="/settings/logo/remove" class="inline-form">
            <Csrf token={p.csrf} />
            <button type="submit" class="secondary outline">
              Remove the logo
            </button>
          </form>
        </div>
      ) : (
        <p class="muted">No logo: e-mails show the studio's name in their header. Upload one to show it instead.</p>
      )}
      <UploadForm csrf={p.csrf} errors={errors} action="/settings/logo" imagesOnly />
    </section>
  );
}

export function StudioSettingsPage(
  p: SettingsCommon & {
    values: Values;
    errors: FieldErrors;
    profiles: { id: number; name: string }[];
    logo?: FileInfo | null;
    logoError?: string;
  },
) {
  const v = p.values;
  const e = p.errors;
  return (
    <SettingsShell {...p} tab="studio" title="Studio settings">
      <LogoSection
        csrf={p.csrf}
        logo={p.logo}
        error={p.logoError}
        studioName={v.name ?? ""}
        brand={v.brand_color ?? ""}
      />
      <FormErrors errors={e} />
      <form method="post" action="/settings" novalidate>
        <Csrf token={p.csrf} />
        <fieldset>
          <legend>Studio</legend>
          <div class="grid-2">
            <Field name="name" label="Studio name" values={v} errors={e} required />
            <Field
              name="phone"
              label="Phone"
              type="tel"
              values={v}
              errors={e}
              placeholder={example(v.country ?? "US")}
            />
            <Field
              name="website"
              label="Website"
              type="url"
              values={v}
              errors={e}
              placeholder="https://studio.example.com"
            />
            <Field name="brand_color" label="Brand colour" type="color" values={v} errors={e} />
          </div>
          <div class="grid-2">
            <Select
              name="country"
              label="Country"
              values={v}
              errors={e}
              blank="Choose…"
              options={COUNTRIES}
              hint="Phone numbers typed without a country code are read as this country's."
            />
            <Select name="currency" label="Currency" values={v} errors={e} options={currencyOptions(v.currency)} />
            <Select
              name="locale"
              label="Language for customers"
              values={v}
              errors={e}
              options={CUSTOMER_LANGUAGES.map(([c, n]) => [c, n] as [string, string])}
              hint="Customer pages and built-in texts, for customers without a language of their own."
            />
          </div>
          <TextArea
            name="postal_address"
            label="Postal address"
            values={v}
            errors={e}
            hint="Printed in the footer of every marketing e-mail, as the law requires."
          />
        </fieldset>
        <fieldset>
          <legend>Senders</legend>
          <div class="grid-2">
            <Field name="sender_name" label="Sender name" values={v} errors={e} />
            <Field name="sender_email" label="Sender e-mail" type="email" values={v} errors={e} />
            <Field name="reply_to" label="Reply-to e-mail" type="email" values={v} errors={e} />
            <Field
              name="sms_from"
              label="SMS sender number"
              type="tel"
              values={v}
              errors={e}
              placeholder="+12125550123"
            />
          </div>
          <TextArea name="sms_help_reply" label="Reply to HELP by SMS" values={v} errors={e} />
        </fieldset>
        <fieldset>
          <legend>Sending</legend>
          <div class="grid-2">
            <Field name="time_zone" label="Default time zone" values={v} errors={e} placeholder="America/Chicago" />
            <Field name="send_window_start" label="Sending window opens" type="time" values={v} errors={e} />
            <Field
              name="send_window_end"
              label="Sending window closes"
              type="time"
              values={v}
              errors={e}
              hint="Deliveries waiting for the window follow a new one as soon as it is saved."
            />
            <QuietHoursNote values={v} />
            <Field
              name="stagger_batch_size"
              label="Batch size"
              type="number"
              values={v}
              errors={e}
              hint="Messages per batch in large sends. A change spreads sends already planned again from now."
            />
            <Field
              name="stagger_interval_seconds"
              label="Seconds between batches"
              type="number"
              values={v}
              errors={e}
            />
            <Field
              name="overdue_hold_minutes"
              label="Hold overdue work after (minutes)"
              type="number"
              values={v}
              errors={e}
              hint="After an outage, work this late waits for review."
            />
            <Field
              name="late_grace_hours"
              label="Late notification grace (hours)"
              type="number"
              values={v}
              errors={e}
            />
            <Select
              name="default_profile_id"
              label="Default profile for new jobs"
              values={v}
              errors={e}
              blank="None"
              options={p.profiles.map((pr) => [String(pr.id), pr.name] as [string, string])}
            />
          </div>
          <Field
            name="public_url"
            label="Public base URL"
            type="url"
            values={v}
            errors={e}
            hint="Used for links in messages. Blank uses the PUBLIC_URL setting."
          />
        </fieldset>
        <TrackingFields values={v} errors={e} />
        <button type="submit">Save settings</button>
      </form>
    </SettingsShell>
  );
}
