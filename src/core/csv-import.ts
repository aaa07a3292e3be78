// CSV import of customers (SPEC I2), the part that needs no database: decoding the upload,
// parsing it with papaparse, mapping the header names people use to our fields, and checking
// every row with the same rules as the form and the API (customerFields).
import Papa from "papaparse";
import { z } from "zod";
import { type CustomerFields, customerFields } from "./customers.ts";
import { languageCode } from "./language-names.ts";
import { CONTROL_PROBLEM, noControl } from "./validation.ts";

export const MAX_CSV_BYTES = 5 * 1024 * 1024;
export const MAX_CSV_ROWS = 50_000;

export const CSV_FIELDS = [
  "first_name",
  "last_name",
  "email",
  "phone",
  "locale",
  "time_zone",
  "country",
  "external_id",
  "album",
  "access_code",
  "consent_email",
  "consent_sms",
  "consent_voice",
  "consent_source",
] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

/** The columns that are the customer's own fields, checked by customerFields. */
const CUSTOMER_COLUMNS = [
  "first_name",
  "last_name",
  "email",
  "phone",
  "locale",
  "time_zone",
  "country",
] as const satisfies CsvField[];

/**
 * Header names as spreadsheets spell them, in English, German, French and Spanish; matched
 * after `normalizeHeader`, so case, accents, spaces and punctuation do not matter.
 */
const ALIASES: Record<CsvField, string[]> = {
  first_name: ["first name", "first", "given name", "forename", "Vorname", "Prénom", "Nombre"],
  last_name: [
    "last name",
    "last",
    "surname",
    "family name",
    "Nachname",
    "Familienname",
    "Zuname",
    "Nom",
    "Nom de famille",
    "Apellido",
    "Apellidos",
    "Primer apellido",
  ],
  email: [
    "email",
    "mail",
    "email address",
    "E-Mail-Adresse",
    "Mailadresse",
    "Courriel",
    "Adresse e-mail",
    "Adresse mail",
    "Adresse électronique",
    "Correo",
    "Correo electrónico",
  ],
  phone: [
    "phone",
    "mobile",
    "phone number",
    "mobile phone",
    "mobile number",
    "cell",
    "cell phone",
    "telephone",
    "tel",
    "Telefon",
    "Telefonnummer",
    "Handy",
    "Handynummer",
    "Mobil",
    "Mobilnummer",
    "Mobiltelefon",
    "Numéro de téléphone",
    "Portable",
    "Téléphone portable",
    "Teléfono",
    "Número de teléfono",
    "Móvil",
    "Teléfono móvil",
    "Celular",
  ],
  locale: ["locale", "language", "lang", "Sprache", "Langue", "Idioma"],
  time_zone: ["time zone", "tz", "Zeitzone", "Fuseau horaire", "Zona horaria"],
  country: ["country", "country code", "Land", "Pays", "País"],
  external_id: ["external id", "ext id"],
  album: ["album", "album name", "class", "group", "Klasse", "Gruppe", "Classe", "Groupe", "Clase", "Grupo"],
  access_code: ["access code", "code"],
  consent_email: [
    "consent email",
    "email consent",
    "Einwilligung E-Mail",
    "E-Mail-Einwilligung",
    "Consentement e-mail",
    "Consentement courriel",
    "Consentimiento correo",
    "Consentimiento email",
  ],
  consent_sms: [
    "consent sms",
    "sms consent",
    "Einwilligung SMS",
    "SMS-Einwilligung",
    "Consentement SMS",
    "Consentimiento SMS",
  ],
  consent_voice: [
    "consent voice",
    "voice consent",
    "Einwilligung Anruf",
    "Anruf-Einwilligung",
    "Einwilligung Telefon",
    "Consentement appel",
    "Consentimiento llamada",
  ],
  consent_source: [
    "consent source",
    "Einwilligungsquelle",
    "Quelle der Einwilligung",
    "Source du consentement",
    "Origen del consentimiento",
  ],
};

// Built at first use, not at start: the first Unicode-property match (\p{M}) in a process costs
// the compiled binary hundreds of milliseconds, and only an import reads headers.
let byAlias: Map<string, CsvField> | undefined;
function fieldsByAlias(): Map<string, CsvField> {
  if (byAlias) return byAlias;
  const found = new Map<string, CsvField>();
  for (const [field, names] of Object.entries(ALIASES) as [CsvField, string[]][]) {
    for (const name of [field, ...names]) {
      const key = normalizeHeader(name);
      // One spelling meaning two fields would pick one of them silently.
      if (found.has(key) && found.get(key) !== field)
        throw new Error(`CSV header alias “${name}” names both ${found.get(key)} and ${field}`);
      found.set(key, field);
    }
  }
  return (byAlias = found);
}

/**
 * A header as a lookup key, letters and digits only: `Téléphone portable`, ` E-Mail ` and
 * `Apellido(s)` become `telephoneportable`, `email` and `apellidos`.
 */
export function normalizeHeader(h: string): string {
  return h
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]+/g, "");
}

/** The field a header names, if any. */
export const fieldForHeader = (header: string): CsvField | undefined => fieldsByAlias().get(normalizeHeader(header));

export type CsvRow = { line: number; values: Partial<Record<CsvField, string>>; raw: string[]; problem?: string };
/** Which field each column of the file went to; `field: null` for a column nothing matched. */
export type ColumnMapping = { header: string; field: CsvField | null }[];
export type ParsedCsv = { headers: string[]; columns: CsvField[]; mapping: ColumnMapping; rows: CsvRow[] };
export type Failure = { error: string };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Turns the uploaded bytes into text, refusing what is not a CSV text file: spreadsheets,
 * PDFs, images and other binary content. UTF-8 is expected; UTF-16 (Excel's "Unicode Text")
 * is read as such, and anything else as Windows-1252 (Excel's "CSV" in Western Europe).
 */
export function decodeCsv(bytes: Uint8Array): { text: string; note?: string } | Failure {
  if (bytes.length === 0)
    return { error: "The file is empty. Choose a CSV file with a header row and one customer per line." };
  if (bytes.length > MAX_CSV_BYTES) {
    return {
      error: `The file is ${mb(bytes.length)}; the limit is ${mb(MAX_CSV_BYTES)}. Split it into smaller files and import them one after the other.`,
    };
  }
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 8));
  if (head.startsWith("PK\u0003\u0004")) {
    return {
      error:
        "This is an Excel or other zipped file, not a CSV. In Excel choose File → Save As → “CSV UTF-8 (Comma delimited)” and upload that file.",
    };
  }
  const utf16 = utf16Text(bytes);
  if (utf16 !== null) return { text: utf16 };
  if (bytes.subarray(0, 4096).includes(0)) {
    return {
      error:
        "This file is not a CSV text file (it contains binary data). Export your list as CSV (comma-separated values) and upload that file.",
    };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return {
      text: new TextDecoder("windows-1252").decode(bytes),
      note: "The file was not UTF-8; it was read as Windows-1252 (older Excel). Check accented names in the preview.",
    };
  }
}

/**
 * The text of a UTF-16 file, or null: Excel's "Unicode Text (*.txt)" is UTF-16LE with a byte
 * order mark, TAB-separated. Without a mark, a NUL in every other byte (and in no other) is
 * UTF-16 of Latin text; anything that then fails to decode or holds control characters is
 * left to the binary check.
 */
function utf16Text(bytes: Uint8Array): string | null {
  let encoding: "utf-16le" | "utf-16be" | null = null;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = "utf-16le";
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = "utf-16be";
  else if (bytes.length >= 4 && bytes.length % 2 === 0) {
    const sample = bytes.subarray(0, 4096);
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < sample.length; i++) {
      if (sample[i] !== 0) continue;
      if (i % 2) oddZeros++;
      else evenZeros++;
    }
    const pairs = sample.length / 2;
    if (evenZeros === 0 && oddZeros >= pairs * 0.9) encoding = "utf-16le";
    else if (oddZeros === 0 && evenZeros >= pairs * 0.9) encoding = "utf-16be";
  }
  if (!encoding) return null;
  try {
    const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    return /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text) ? null : text;
  } catch {
    return null;
  }
}

/**
 * Parses CSV text with a header row into rows keyed by our field names, each with its line
 * number in the file (quoted values may span lines, so rows and lines can differ).
 */
export function parseCsv(input: string): ParsedCsv | Failure {
  const text = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (text.trim() === "")
    return { error: "The file is empty. Choose a CSV file with a header row and one customer per line." };
  if (text.includes("\u0000")) return { error: "This file is not a CSV text file (it contains binary data)." };

  // Papa guesses the separator from the first rows: comma, semicolon (German Excel) or tab
  // (Excel's "Unicode Text"); the whole file is then read with that one.
  const delimiter = Papa.parse<string[]>(text, { preview: 10, skipEmptyLines: "greedy" }).meta.delimiter;
  const tidy = tidyQuotes(text, delimiter);
  const records: { cells: string[]; line: number; error?: string }[] = [];
  let consumed = 0;
  let newlines = 0;
  let tooMany = false;
  Papa.parse<string[]>(tidy, {
    delimiter,
    skipEmptyLines: "greedy",
    step: (result, parser) => {
      const end = result.meta.cursor;
      const segment = tidy.slice(consumed, end);
      const lead = segment.length - segment.trimStart().length;
      const line = newlines + countNewlines(segment.slice(0, lead)) + 1;
      newlines += countNewlines(segment);
      consumed = end;
      const error = result.errors[0]
        ? `${result.errors[0].message.replace(/\.$/, "")} (check the quotes on this line)`
        : undefined;
      records.push({ cells: result.data, line, error });
      if (records.length > MAX_CSV_ROWS + 1) {
        tooMany = true;
        parser.abort();
      }
    },
  });
  if (tooMany) {
    return {
      error: `The file has more than ${MAX_CSV_ROWS.toLocaleString("en")} rows, the limit for one import. Split it into smaller files.`,
    };
  }

  const [header, ...body] = records;
  const headers = header!.cells.map((h) => h.trim());
  const fieldAt = headers.map(fieldForHeader);
  const columns: CsvField[] = [];
  for (const [i, field] of fieldAt.entries()) {
    if (!field) continue;
    if (columns.includes(field))
      return {
        error: `Two columns mean the same thing (“${field}”): “${headers[fieldAt.indexOf(field)]}” and “${headers[i]}”. Remove one of them.`,
      };
    columns.push(field);
  }
  if (!columns.some((f) => f === "first_name" || f === "last_name" || f === "email" || f === "phone")) {
    return {
      error: `The first row must name the columns, with at least one of first_name, last_name, email or phone. This file's first row is: ${headers
        .slice(0, 12)
        .map((h) => `“${h}”`)
        .join(", ")}.`,
    };
  }
  if (body.length === 0) return { error: "The file has a header row but no customers below it." };
  const mapping = headers.flatMap((header, i) => (header === "" ? [] : [{ header, field: fieldAt[i] ?? null }]));

  const rows = body.map(({ cells, line, error }): CsvRow => {
    const values: Partial<Record<CsvField, string>> = {};
    cells.forEach((cell, i) => {
      const field = fieldAt[i];
      if (field) values[field] = cell.trim();
    });
    const extra = cells.slice(headers.length).filter((c) => c.trim() !== "");
    const problem =
      error ?? (extra.length ? `has ${cells.length} values but the header names ${headers.length} columns` : undefined);
    return { line, values, raw: cells, ...(problem && { problem }) };
  });
  return { headers, columns, mapping, rows };
}

/**
 * Drops the blanks around a quoted value (` "Vorname"; "Nachname"`), as hand-edited files and
 * some exports have them: Papa reads a quote only as a value's first character, and would
 * keep the quotes as part of the value. Only a quoted value that ends at its separator or line
 * end is touched; the text inside quotes never is, and no line break is removed.
 */
export function tidyQuotes(text: string, delimiter: string): string {
  const blank = (ch: string | undefined) => ch === " " || (ch === "\t" && delimiter !== "\t");
  // Most files have no blank before a quote: nothing to do.
  if (!/(^|[^"])[ \t]+"/.test(text)) return text;
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    // i is at the start of a value.
    let j = i;
    while (blank(text[j])) j++;
    if (text[j] === '"') {
      let k = j + 1;
      for (;;) {
        const q = text.indexOf('"', k);
        if (q === -1) return [...parts, text.slice(copied)].join("");
        if (text[q + 1] === '"') k = q + 2;
        else {
          k = q + 1;
          break;
        }
      }
      let after = k;
      while (blank(text[after])) after++;
      if (after === text.length || text[after] === "\n" || text.startsWith(delimiter, after)) {
        parts.push(text.slice(copied, i), text.slice(j, k));
        copied = after;
      }
      i = after;
    }
    // Past this value's unquoted part, to the next separator or line end.
    while (i < text.length && text[i] !== "\n" && !text.startsWith(delimiter, i)) i++;
    if (i < text.length) i += text[i] === "\n" ? 1 : delimiter.length;
  }
  parts.push(text.slice(copied));
  return parts.join("");
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

export type GoodRow = {
  line: number;
  raw: string[];
  customer: CustomerFields;
  externalId: string | null;
  album: string | null;
  accessCode: string | null;
  /** Where this row's consent came from; set when the row grants any consent. */
  consentSource: string | null;
  /**
   * The phone cell as typed when the row gives no country, so it was read in the studio's; a row
   * that turns out to update a customer with a country of their own is read again in that one.
   */
  phoneTyped: string | null;
};
export type BadRow = { line: number; problems: string[]; raw: string[] };

const extra = (max: number) =>
  z.string().max(max, `must be at most ${max} characters`).refine(noControl, CONTROL_PROBLEM);

const rowExtras = z.object({
  external_id: extra(200),
  album: extra(120),
  access_code: extra(100),
  consent_source: extra(200),
});

const CONSENT_COLUMNS = { consent_email: "email", consent_sms: "sms", consent_voice: "voice" } as const;

/**
 * Checks every row with the customer rules and splits them into rows to import and rows to
 * report, each problem named by its column. A row repeating an earlier one (same external id,
 * or same name, e-mail and phone) is reported as a duplicate of that row. Rows are numbered by
 * their line in the file, the header being row 1, as a spreadsheet numbers them.
 */
export function validateRows(rows: CsvRow[], opts: RowOptions): { good: GoodRow[]; bad: BadRow[] } {
  const validator = rowValidator(opts);
  validator.check(rows);
  return validator.result;
}

/**
 * validateRows a part at a time, for a caller that lets other work run between parts (50,000
 * rows take seconds): duplicates are found across all the parts checked.
 */
export function rowValidator(opts: RowOptions) {
  const result = { good: [] as GoodRow[], bad: [] as BadRow[] };
  const seen = new Map<string, number>();
  const rules = customerFields(opts.studioCountry);
  return { result, check: (rows: CsvRow[]) => checkRows(rows, opts, rules, seen, result) };
}

/** `studioCountry`: where national numbers of rows without a country are read. */
type RowOptions = { consentSource?: string | null; studioCountry: string };

function checkRows(
  rows: CsvRow[],
  opts: RowOptions,
  rules: ReturnType<typeof customerFields>,
  seen: Map<string, number>,
  { good, bad }: { good: GoodRow[]; bad: BadRow[] },
) {
  for (const row of rows) {
    const v = row.values;
    const problems: string[] = row.problem ? [row.problem] : [];
    const consent: Record<string, string> = {};
    for (const [column, channel] of Object.entries(CONSENT_COLUMNS)) {
      const cell = v[column as keyof typeof CONSENT_COLUMNS];
      if (cell !== undefined && cell !== "") consent[channel] = cell;
    }
    const fields: Record<string, string | undefined> = Object.fromEntries(CUSTOMER_COLUMNS.map((f) => [f, v[f]]));
    if (fields.locale) fields.locale = languageCode(fields.locale);
    const parsed = rules.safeParse({ ...fields, consent });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path[0] === "consent" ? `consent_${String(issue.path[1])}` : String(issue.path[0] ?? "row");
        problems.push(`${path}: ${issue.message}${v[path as CsvField] ? ` (“${clip(v[path as CsvField]!)}”)` : ""}`);
      }
    }
    const extras = rowExtras.safeParse({
      external_id: v.external_id ?? "",
      album: v.album ?? "",
      access_code: v.access_code ?? "",
      consent_source: v.consent_source ?? "",
    });
    if (!extras.success)
      for (const issue of extras.error.issues) problems.push(`${String(issue.path[0])}: ${issue.message}`);

    const grants = parsed.success && Object.values(parsed.data.consent ?? {}).some(Boolean);
    const consentSource = v.consent_source || opts.consentSource?.trim() || null;
    if (grants && !consentSource) {
      problems.push(
        "consent_source: consent needs a source: add a consent_source column or fill in “Consent source” for the whole file",
      );
    }

    if (!problems.length && parsed.success) {
      const c = parsed.data;
      const key = v.external_id
        ? `x:${v.external_id}`
        : `p:${(c.first_name ?? "").toLowerCase()}|${(c.last_name ?? "").toLowerCase()}|${c.email ?? ""}|${c.phone ?? ""}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push(
          `duplicate of row ${first}${v.external_id ? " (same external_id)" : " (same name, e-mail and phone)"}`,
        );
      } else {
        seen.set(key, row.line);
        good.push({
          line: row.line,
          raw: row.raw,
          customer: c,
          externalId: v.external_id || null,
          album: v.album || null,
          accessCode: v.access_code || null,
          consentSource: grants ? consentSource : null,
          phoneTyped: !c.country && c.phone ? v.phone! : null,
        });
        continue;
      }
    }
    bad.push({ line: row.line, problems, raw: row.raw });
  }
}

/** A cell shortened for a problem message. */
export const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
