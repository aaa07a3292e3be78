// CSV import of customers (SPEC I2), the part that needs no database: decoding the upload,
// parsing it with papaparse, mapping the header names people use to our fields, and checking
// every row with the same rules as the form and the API (customerFields).
import Papa from "papaparse";
import { z } from "zod";
import { type CustomerFields, customerFields } from "./customers.ts";
import { CONTROL_PROBLEM, noControl } from "./validation.ts";

export const MAX_CSV_BYTES = 5 * 1024 * 1024;
export const MAX_CSV_ROWS = 50_000;

export const CSV_FIELDS = [
  "first_name",
  "last_name",
  "email",
  "phone",
  "country",
  "locale",
  "time_zone",
  "external_id",
  "album",
  "access_code",
  "consent_email",
  "consent_sms",
  "consent_voice",
  "consent_source",
] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

/** Header names as spreadsheets spell them, after `normalizeHeader`. */
const ALIASES: Record<CsvField, string[]> = {
  first_name: ["first_name", "firstname", "first", "given_name", "forename"],
  last_name: ["last_name", "lastname", "last", "surname", "family_name"],
  email: ["email", "e_mail", "email_address", "e_mail_address", "mail"],
  phone: ["phone", "mobile", "phone_number", "mobile_phone", "mobile_number", "cell", "cell_phone", "telephone", "tel"],
  country: ["country", "country_code"],
  locale: ["locale", "language", "lang"],
  time_zone: ["time_zone", "timezone", "tz"],
  external_id: ["external_id", "externalid", "ext_id"],
  album: ["album", "album_name", "class", "group"],
  access_code: ["access_code", "accesscode", "code"],
  consent_email: ["consent_email", "email_consent", "e_mail_consent"],
  consent_sms: ["consent_sms", "sms_consent"],
  consent_voice: ["consent_voice", "voice_consent"],
  consent_source: ["consent_source"],
};

const BY_ALIAS = new Map(Object.entries(ALIASES).flatMap(([field, names]) => names.map((n) => [n, field as CsvField])));

export function normalizeHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, "_");
}

export type CsvRow = { line: number; values: Partial<Record<CsvField, string>>; raw: string[]; problem?: string };
export type ParsedCsv = { headers: string[]; columns: CsvField[]; ignored: string[]; rows: CsvRow[] };
export type Failure = { error: string };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Turns the uploaded bytes into text, refusing what is not a CSV text file: spreadsheets,
 * PDFs, images and other binary content. UTF-8 is expected; Windows-1252 (older Excel) is
 * accepted as a fallback.
 */
export function decodeCsv(bytes: Uint8Array): { text: string; note?: string } | Failure {
  if (bytes.length === 0) return { error: "The file is empty. Choose a CSV file with a header row and one customer per line." };
  if (bytes.length > MAX_CSV_BYTES) {
    return { error: `The file is ${mb(bytes.length)}; the limit is ${mb(MAX_CSV_BYTES)}. Split it into smaller files and import them one after the other.` };
  }
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 8));
  if (head.startsWith("PK\u0003\u0004")) {
    return { error: "This is an Excel or other zipped file, not a CSV. In Excel choose File → Save As → “CSV UTF-8 (Comma delimited)” and upload that file." };
  }
  if (bytes.subarray(0, 4096).includes(0)) {
    return { error: "This file is not a CSV text file (it contains binary data). Export your list as CSV (comma-separated values) and upload that file." };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), note: "The file was not UTF-8; it was read as Windows-1252 (older Excel). Check accented names in the preview." };
  }
}

/**
 * Parses CSV text with a header row into rows keyed by our field names, each with its line
 * number in the file (quoted values may span lines, so rows and lines can differ).
 */
export function parseCsv(input: string): ParsedCsv | Failure {
  const text = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (text.trim() === "") return { error: "The file is empty. Choose a CSV file with a header row and one customer per line." };
  if (text.includes("\u0000")) return { error: "This file is not a CSV text file (it contains binary data)." };

  const records: { cells: string[]; line: number; error?: string }[] = [];
  let consumed = 0;
  let newlines = 0;
  let tooMany = false;
  Papa.parse<string[]>(text, {
    skipEmptyLines: "greedy",
    step: (result, parser) => {
      const end = result.meta.cursor;
      const segment = text.slice(consumed, end);
      const lead = segment.length - segment.trimStart().length;
      const line = newlines + countNewlines(segment.slice(0, lead)) + 1;
      newlines += countNewlines(segment);
      consumed = end;
      const error = result.errors[0] ? `${result.errors[0].message.replace(/\.$/, "")} (check the quotes on this line)` : undefined;
      records.push({ cells: result.data, line, error });
      if (records.length > MAX_CSV_ROWS + 1) {
        tooMany = true;
        parser.abort();
      }
    },
  });
  if (tooMany) {
    return { error: `The file has more than ${MAX_CSV_ROWS.toLocaleString("en")} rows, the limit for one import. Split it into smaller files.` };
  }

  const [header, ...body] = records;
  const headers = header!.cells.map((h) => h.trim());
  const fieldAt = headers.map((h) => BY_ALIAS.get(normalizeHeader(h)));
  const columns: CsvField[] = [];
  for (const [i, field] of fieldAt.entries()) {
    if (!field) continue;
    if (columns.includes(field)) return { error: `Two columns mean the same thing (“${field}”): “${headers[fieldAt.indexOf(field)]}” and “${headers[i]}”. Remove one of them.` };
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
  const ignored = headers.filter((h, i) => h !== "" && !fieldAt[i]);

  const rows = body.map(({ cells, line, error }): CsvRow => {
    const values: Partial<Record<CsvField, string>> = {};
    cells.forEach((cell, i) => {
      const field = fieldAt[i];
      if (field) values[field] = cell.trim();
    });
    const extra = cells.slice(headers.length).filter((c) => c.trim() !== "");
    const problem = error ?? (extra.length ? `has ${cells.length} values but the header names ${headers.length} columns` : undefined);
    return { line, values, raw: cells, ...(problem && { problem }) };
  });
  return { headers, columns, ignored, rows };
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
};
export type BadRow = { line: number; problems: string[]; raw: string[] };

const extra = (max: number) => z.string().max(max, `must be at most ${max} characters`).refine(noControl, CONTROL_PROBLEM);

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
    const parsed = rules.safeParse({
      first_name: v.first_name,
      last_name: v.last_name,
      email: v.email,
      phone: v.phone,
      country: v.country,
      locale: v.locale,
      time_zone: v.time_zone,
      consent,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path[0] === "consent" ? `consent_${String(issue.path[1])}` : String(issue.path[0] ?? "row");
        problems.push(`${path}: ${issue.message}${v[path as CsvField] ? ` (“${clip(v[path as CsvField]!)}”)` : ""}`);
      }
    }
    const extras = rowExtras.safeParse({ external_id: v.external_id ?? "", album: v.album ?? "", access_code: v.access_code ?? "", consent_source: v.consent_source ?? "" });
    if (!extras.success) for (const issue of extras.error.issues) problems.push(`${String(issue.path[0])}: ${issue.message}`);

    const grants = parsed.success && Object.values(parsed.data.consent ?? {}).some(Boolean);
    const consentSource = v.consent_source || opts.consentSource?.trim() || null;
    if (grants && !consentSource) {
      problems.push("consent_source: consent needs a source: add a consent_source column or fill in “Consent source” for the whole file");
    }

    if (!problems.length && parsed.success) {
      const c = parsed.data;
      const key = v.external_id ? `x:${v.external_id}` : `p:${(c.first_name ?? "").toLowerCase()}|${(c.last_name ?? "").toLowerCase()}|${c.email ?? ""}|${c.phone ?? ""}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push(`duplicate of row ${first}${v.external_id ? " (same external_id)" : " (same name, e-mail and phone)"}`);
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
        });
        continue;
      }
    }
    bad.push({ line: row.line, problems, raw: row.raw });
  }
}

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
