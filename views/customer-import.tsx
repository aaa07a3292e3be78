/** @jsxImportSource hono/jsx */
// CSV import of customers (SPEC I2): upload, preview with every reported row, and the result.
// The preview carries the parsed file in a hidden field, so importing needs no second upload
// and no server-side state, with or without JavaScript.
import { formatPhone } from "../src/core/phone.ts";
import type { FC } from "hono/jsx";
import {
  type BadRow,
  type ColumnMapping,
  CSV_FIELDS,
  type CsvField,
  MAX_CSV_BYTES,
  MAX_CSV_ROWS,
} from "../src/core/csv-import.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { ImportResult, PlannedRow } from "../src/db/customer-import.ts";
import type { JobChoice } from "../src/db/jobs.ts";
import { CHANNELS } from "../src/core/vocabulary.ts";
import { CHANNEL_LABELS, jobLabel } from "../src/core/labels.ts";
import { Csrf, Field, FieldMessages, FormErrors, type Values } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";

type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;

/** Reported rows shown on one page; a file with more gets them in the next preview. */
export const BAD_ROWS_SHOWN = 1000;
export const GOOD_ROWS_SHOWN = 20;

const FIELD_LABELS: Record<CsvField, string> = {
  first_name: "First name",
  last_name: "Last name",
  email: "E-mail",
  phone: "Phone",
  locale: "Language",
  time_zone: "Time zone",
  country: "Country",
  external_id: "External id",
  album: "Album",
  access_code: "Access code",
  consent_email: "E-mail consent",
  consent_sms: "SMS consent",
  consent_voice: "Voice consent",
  consent_source: "Consent source",
};

/**
 * Each column of the file and the field it went to, in the file's own words ("Vorname → First
 * name"), so an owner sees that a column was understood, or why it was not imported.
 */
const ColumnMap: FC<{ mapping: ColumnMapping }> = ({ mapping }) => (
  <section id="columns">
    <h2>Columns</h2>
    <ul>
      {mapping.map(({ header, field }) =>
        field === null ? (
          <li class="warn">
            {header} → not imported: no field has this name (see “Which columns can the file have?” on the upload page)
          </li>
        ) : (
          <li>
            {header} → {FIELD_LABELS[field]}
          </li>
        ),
      )}
    </ul>
  </section>
);

const JobSelect: FC<{ jobs: JobChoice[]; values: Values; errors: FieldErrors }> = ({ jobs, values, errors }) => (
  <label>
    Register everyone to a job (optional)
    <select
      name="job_id"
      aria-invalid={errors.job_id ? "true" : undefined}
      aria-describedby={errors.job_id ? "job_id-error" : "job_id-hint"}
    >
      <option value="">Don't register to a job</option>
      {jobs.map((j) => (
        <option value={String(j.id)} selected={values.job_id === String(j.id)}>
          {jobLabel(j)}
        </option>
      ))}
    </select>
    <FieldMessages
      name="job_id"
      errors={errors}
      hint="An album column then puts each customer in that album; missing albums are created."
    />
  </label>
);

const ConsentSource: FC<{ values: Values; errors: FieldErrors }> = ({ values, errors }) => (
  <Field
    name="consent_source"
    label="Consent source"
    values={values}
    errors={errors}
    placeholder="school registration form 2026"
    hint="Needed when the file has consent columns without a consent_source column: how did these people agree?"
  />
);

export function ImportUploadPage(p: Common & { jobs: JobChoice[]; values: Values; errors: FieldErrors }) {
  const e = p.errors;
  return (
    <Page title="Import customers" user={p.user} csrf={p.csrf} section="customers">
      <p>
        <a href="/customers">← Customers</a>
      </p>
      <PageHead title="Import customers from CSV" />
      <FormErrors errors={e} />
      <form method="post" action="/customers/import/preview" enctype="multipart/form-data" novalidate>
        <Csrf token={p.csrf} />
        <label>
          CSV file
          <input
            type="file"
            name="file"
            accept=".csv,.txt,text/csv,text/plain"
            aria-invalid={e.file ? "true" : undefined}
            aria-describedby={e.file ? "file-error" : "file-hint"}
          />
          <FieldMessages
            name="file"
            errors={e}
            hint={`Up to ${MAX_CSV_BYTES / 1024 / 1024} MB and ${MAX_CSV_ROWS.toLocaleString("en")} rows, with a header row; separated by commas, semicolons or tabs; UTF-8, Excel's “Unicode Text” or Windows-1252.`}
          />
        </label>
        <div class="grid-2">
          <JobSelect jobs={p.jobs} values={p.values} errors={e} />
          <ConsentSource values={p.values} errors={e} />
        </div>
        <button type="submit">Preview import</button>
      </form>
      <details>
        <summary>Which columns can the file have?</summary>
        <p>
          The first row names the columns; upper or lower case, accents and spaces do not matter, and unknown columns
          are reported in the preview and not imported. At least one of first_name, last_name, email or phone is needed.
          Consent columns take yes/no (also ja/nein, oui/non, sí/no).
        </p>
        <p>
          <code>{CSV_FIELDS.join(", ")}</code>
        </p>
        <p>
          Also understood: first name, surname, e-mail, mobile, timezone, email consent…; in German, French and Spanish:
          Vorname, Nachname, Telefon, Handy, E-Mail, Sprache, Zeitzone, Land, Einwilligung E-Mail, SMS-Einwilligung;
          Prénom, Nom, Téléphone, Portable, Courriel, Langue, Pays; Nombre, Apellidos, Teléfono, Móvil, Correo
          electrónico, Idioma, País… Existing customers are updated instead of duplicated: matched by external_id, else
          by e-mail when exactly one customer has it. <a href="/customers/import/sample.csv">Download a sample file</a>.
        </p>
      </details>
    </Page>
  );
}

const rawLine = (raw: string[]) => {
  const s = raw.join(", ");
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
};

/** Every reported row with its number (its line in the file) and what is wrong with it. */
export const BadRows: FC<{ rows: BadRow[] }> = ({ rows }) =>
  rows.length === 0 ? null : (
    <section id="bad-rows">
      <h2>
        {rows.length.toLocaleString("en")} {rows.length === 1 ? "row" : "rows"} reported (not imported)
      </h2>
      <p class="muted">Rows are numbered by their line in the file, the header being row 1.</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Row</th>
              <th>Problems</th>
              <th class="hide-sm">Values in the file</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, BAD_ROWS_SHOWN).map((r) => (
              <tr class="bad">
                <td class="nowrap">Row {r.line}</td>
                <td class="problems">
                  {r.problems.map((problem, i) => (
                    <>
                      {i > 0 && <br />}
                      {problem}
                    </>
                  ))}
                </td>
                <td class="hide-sm">
                  <code>{rawLine(r.raw)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > BAD_ROWS_SHOWN && (
        <p class="muted">
          Showing the first {BAD_ROWS_SHOWN.toLocaleString("en")} of {rows.length.toLocaleString("en")}. Fix these in
          the file and preview it again to see the rest.
        </p>
      )}
    </section>
  );

export type PreviewProps = Common & {
  fileName: string;
  csv: string;
  mapping: ColumnMapping;
  notes: string[];
  good: PlannedRow[];
  bad: BadRow[];
  /** The studio's: numbers from it show in national format. */
  country: string;
  jobs: JobChoice[];
  values: Values;
  errors: FieldErrors;
  flash?: Flash;
};

export function ImportPreviewPage(p: PreviewProps) {
  const created = p.good.filter((r) => !r.existing).length;
  const updates = p.good.length - created;
  const e = p.errors;
  return (
    <Page title="Import preview" user={p.user} csrf={p.csrf} section="customers" flash={p.flash}>
      <p>
        <a href="/customers/import">← Upload a different file</a>
      </p>
      <PageHead title={`Preview of ${p.fileName}`} />
      <FormErrors errors={e} />
      <p>
        <strong>
          {p.good.length.toLocaleString("en")} {p.good.length === 1 ? "row is" : "rows are"} ready to import
        </strong>{" "}
        ({created.toLocaleString("en")} new, {updates.toLocaleString("en")} {updates === 1 ? "update" : "updates"} of
        existing customers)
        {p.bad.length > 0 && (
          <>
            ,{" "}
            <a href="#bad-rows">
              {p.bad.length.toLocaleString("en")} {p.bad.length === 1 ? "row" : "rows"} reported
            </a>
          </>
        )}
        .
      </p>
      {p.notes.map((n) => (
        <div class="flash info" role="status">
          {n}
        </div>
      ))}

      <ColumnMap mapping={p.mapping} />

      {p.good.length > 0 && (
        <section>
          <h2>{p.good.length > GOOD_ROWS_SHOWN ? `First ${GOOD_ROWS_SHOWN} rows to import` : "Rows to import"}</h2>
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th class="num">Row</th>
                  <th>Name</th>
                  <th>E-mail</th>
                  <th class="hide-sm">Phone</th>
                  <th>Consent</th>
                  <th class="hide-sm">Album</th>
                  <th>Will</th>
                </tr>
              </thead>
              <tbody>
                {p.good.slice(0, GOOD_ROWS_SHOWN).map((r) => {
                  const c = r.customer;
                  const granted = CHANNELS.filter((ch) => c.consent?.[ch]);
                  return (
                    <tr>
                      <td class="num">{r.line}</td>
                      <td>{`${c.first_name ?? ""} ${c.last_name ?? ""}`.trim() || "—"}</td>
                      <td>{c.email ?? "—"}</td>
                      <td class="hide-sm">{formatPhone(c.phone, p.country, c.phone_extension) || "—"}</td>
                      <td>{granted.length ? granted.map((ch) => CHANNEL_LABELS[ch]).join(", ") : "—"}</td>
                      <td class="hide-sm">{r.album ?? "—"}</td>
                      <td>
                        {r.existing ? <a href={`/customers/${r.existing.id}`}>update #{r.existing.id}</a> : "create"}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      )}

      <BadRows rows={p.bad} />

      <form method="post" action="/customers/import" enctype="multipart/form-data" novalidate>
        <Csrf token={p.csrf} />
        <input type="hidden" name="file_name" value={p.fileName} />
        {/* The parser drops one newline right after <textarea>; the leading "\n" keeps the text exact. */}
        <textarea name="csv" hidden aria-hidden="true">
          {`\n${p.csv}`}
        </textarea>
        <div class="grid-2">
          <JobSelect jobs={p.jobs} values={p.values} errors={e} />
          <ConsentSource values={p.values} errors={e} />
        </div>
        <label>
          <input
            type="checkbox"
            name="lawful"
            checked={p.values.lawful === "on"}
            aria-invalid={e.lawful ? "true" : undefined}
            aria-describedby={e.lawful ? "lawful-error" : undefined}
          />
          I confirm these people gave consent and I may lawfully contact them
        </label>
        <FieldMessages name="lawful" errors={e} />
        <div class="status-buttons">
          <button type="submit" disabled={p.good.length === 0}>
            Import
          </button>
          <button type="submit" class="secondary outline" formaction="/customers/import/preview">
            Preview again
          </button>
        </div>
      </form>
    </Page>
  );
}

export function ImportResultPage(
  p: Common & { fileName: string; result: ImportResult; bad: BadRow[]; job: { id: number; name: string } | null },
) {
  const r = p.result;
  const imported = r.created + r.updated + r.unchanged;
  const summary = `${imported.toLocaleString("en")} imported (${r.created.toLocaleString("en")} new, ${(r.updated + r.unchanged).toLocaleString("en")} updated), ${p.bad.length.toLocaleString("en")} ${p.bad.length === 1 ? "row" : "rows"} reported`;
  return (
    <Page title="Import finished" user={p.user} csrf={p.csrf} section="customers">
      <PageHead title="Import finished" />
      <div class="flash ok" role="status">
        {summary}
      </div>
      <ul>
        <li>File: {p.fileName}</li>
        {r.unchanged > 0 && (
          <li>{r.unchanged.toLocaleString("en")} of the updated customers were already up to date.</li>
        )}
        {p.job && (
          <li>
            {r.registered.toLocaleString("en")} newly registered to <a href={`/jobs/${p.job.id}`}>{p.job.name}</a>
            {r.albumsCreated > 0 && `, ${r.albumsCreated} ${r.albumsCreated === 1 ? "album" : "albums"} created`}.
          </li>
        )}
      </ul>
      <BadRows rows={p.bad} />
      <div class="status-buttons">
        <a role="button" href="/customers">
          View customers
        </a>
        <a role="button" class="secondary" href="/customers/import">
          Import another file
        </a>
      </div>
    </Page>
  );
}
