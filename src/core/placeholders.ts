// Placeholders in subjects and bodies (SPEC T1): `{{customer.first_name}}`, optionally with a
// fallback `{{customer.first_name | "there"}}`. Templates are checked when staff save them;
// at send time a message is rendered once and then compiled and filled per recipient (T6).
import type { TRIGGERS } from "./vocabulary.ts";

/**
 * Where a template is used decides which values exist for it:
 * - job_notification: job triggers; no appointment or order at hand.
 * - order_notification: order_placed; the job's values plus the order.
 * - appointment_notification: appointment triggers; the customer, the appointment and the job's
 *   name and type (empty for a standalone appointment), but no deadlines, album or order.
 * - one_time_message: everything but order.* (a customer may have many orders); job, album and
 *   appointment values come from what the recipient was selected by, else the fallback applies.
 * studio.*, links.* and snippets work everywhere.
 */
export const PLACEHOLDER_CONTEXTS = [
  "job_notification",
  "order_notification",
  "appointment_notification",
  "one_time_message",
] as const;
export type PlaceholderContext = (typeof PLACEHOLDER_CONTEXTS)[number];

export const CONTEXT_LABELS: Record<PlaceholderContext, string> = {
  job_notification: "job notifications",
  order_notification: "order notifications",
  appointment_notification: "appointment notifications",
  one_time_message: "one-time messages",
};

export type Placeholder = {
  key: string;
  description: string;
  example: string;
  contexts: readonly PlaceholderContext[];
};

const ALL = PLACEHOLDER_CONTEXTS;
const JOBS: readonly PlaceholderContext[] = ["job_notification", "order_notification", "one_time_message"];
const ORDERS: readonly PlaceholderContext[] = ["order_notification"];
const APPOINTMENTS: readonly PlaceholderContext[] = ["appointment_notification", "one_time_message"];

const entry = (
  key: string,
  description: string,
  example: string,
  contexts: readonly PlaceholderContext[],
): Placeholder => ({ key, description, example, contexts });

/** Every placeholder except snippets, in the order the editors' picker lists them. */
export const PLACEHOLDERS: readonly Placeholder[] = [
  entry("customer.first_name", "Customer's first name", "Anna", ALL),
  entry("customer.last_name", "Customer's last name", "Smith", ALL),
  entry("customer.name", "Customer's full name", "Anna Smith", ALL),
  entry("customer.email", "Customer's e-mail address", "anna@example.com", ALL),
  entry("customer.phone", "Customer's phone number", "+1 555 201 0001", ALL),
  entry("customer.access_code", "Access code for the job's gallery", "AB12-CD34", JOBS),
  entry("customer.gallery_link", "Personal, signed link to the gallery", "https://photos.example.com/l/g/eyJ…", JOBS),
  entry("customer.photos_count", "Number of the customer's photos", "12", JOBS),
  entry("job.name", "Job name", "Lincoln Elementary – Fall portraits", ALL),
  entry("job.type", "Job type", "school", ALL),
  entry("job.shoot_date", "Picture day", "September 14, 2026", JOBS),
  entry("job.archive_date", "Date the photos expire", "December 31, 2026", JOBS),
  entry("job.coupon_deadline", "Last day for the coupon", "October 15, 2026", JOBS),
  entry("job.shipping_deadline", "Last day for free shipping", "November 1, 2026", JOBS),
  entry("job.custom_text", "The job's custom text", "Pick-up is at the school office.", JOBS),
  entry("album.name", "Album (class or group)", "Class 3B", JOBS),
  entry("order.amount", "Order amount", "$24.90", ORDERS),
  entry("order.date", "Order date", "October 2, 2026", ORDERS),
  entry("appointment.date", "Appointment date", "Tuesday, October 6, 2026", APPOINTMENTS),
  entry("appointment.time", "Appointment start time", "2:30 PM", APPOINTMENTS),
  entry("appointment.location", "Appointment location", "Studio A, 412 Orchard Lane", APPOINTMENTS),
  entry(
    "appointment.confirm_link",
    "Link that confirms the appointment",
    "https://photos.example.com/l/a/eyJ…",
    APPOINTMENTS,
  ),
  entry(
    "appointment.cancel_link",
    "Link that cancels the appointment",
    "https://photos.example.com/l/a/eyJ…",
    APPOINTMENTS,
  ),
  entry(
    "appointment.reschedule_link",
    "Link that asks for another time",
    "https://photos.example.com/l/a/eyJ…",
    APPOINTMENTS,
  ),
  entry("studio.name", "Studio name", "Sunny Side Photo", ALL),
  entry("studio.address", "Studio postal address", "412 Orchard Lane, Springfield", ALL),
  entry("studio.phone", "Studio phone number", "+1 217 555 0142", ALL),
  entry("studio.email", "Studio e-mail address", "hello@sunnyside.example", ALL),
  entry("studio.website", "Studio website", "https://sunnyside.example", ALL),
  entry("links.unsubscribe_link", "Link to unsubscribe", "https://photos.example.com/l/u/eyJ…", ALL),
  entry(
    "links.preferences_link",
    "Link to the customer's message preferences",
    "https://photos.example.com/l/p/eyJ…",
    ALL,
  ),
  entry("links.view_in_browser_link", "Link to this e-mail in a browser", "https://photos.example.com/l/v/eyJ…", ALL),
];

const SNIPPET_KEY = /^[a-z0-9_]+$/;

/** The placeholders the picker offers in a context, studio snippets last. */
export function placeholdersFor(context: PlaceholderContext, snippetKeys: readonly string[]): Placeholder[] {
  const snippets = snippetKeys
    .filter((k) => SNIPPET_KEY.test(k))
    .map((k) => entry(`snippet.${k}`, `Snippet “${k}”`, `(the text of snippet ${k})`, ALL));
  return [...PLACEHOLDERS.filter((p) => p.contexts.includes(context)), ...snippets];
}

/** Which context a notification's trigger renders in. */
export function contextForTrigger(trigger: (typeof TRIGGERS)[number]): PlaceholderContext {
  if (trigger === "order_placed") return "order_notification";
  return trigger.startsWith("appointment_") ? "appointment_notification" : "job_notification";
}

// ---------------------------------------------------------------- parsing

export type TemplatePart =
  | { kind: "text"; text: string }
  | { kind: "placeholder"; key: string; fallback?: string; raw: string; line: number; column: number };
/** Lines and columns count from 1; columns in UTF-16 code units, as a textarea does. */
export type TemplateError = { message: string; line: number; column: number };
export type ParsedTemplate = { parts: TemplatePart[]; errors: TemplateError[] };

// A Markdown or React renderer may have turned the quotes into entities before we compile the
// HTML, and a Mac turns them into curly quotes as staff type; all of them delimit a fallback.
const QUOTES = ['"', "&quot;", "&#34;", "&#x22;", "“", "”"];
const quoteAt = (s: string, i: number) => QUOTES.find((q) => s.startsWith(q, i));
const SPACE = /[ \t\u00a0]/;
const KEY = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

type Scan = { ok: true; end: number; key: string; fallback?: string } | { ok: false; problem: string; hint: string };

/** Reads the placeholder whose `{{` is at `start`; it must end on the same line. */
function scanPlaceholder(s: string, start: number): Scan {
  const lineEnd = s.indexOf("\n", start) === -1 ? s.length : s.indexOf("\n", start);
  const close = s.indexOf("}}", start + 2);
  const nextOpen = s.indexOf("{{", start + 2);
  if (close === -1 || close > lineEnd || (nextOpen !== -1 && nextOpen < close))
    return { ok: false, problem: "Unclosed {{", hint: ": end the placeholder with }} on the same line" };
  const shown = s.slice(start, close + 2);
  let i = start + 2;
  while (SPACE.test(s[i] ?? "")) i++;
  const keyStart = i;
  while (i < lineEnd && !/[\s|{}]/.test(s[i]!)) i++;
  const key = s.slice(keyStart, i);
  while (SPACE.test(s[i] ?? "")) i++;
  if (key === "" && s.startsWith("}}", i))
    return {
      ok: false,
      problem: "Empty placeholder {{ }}",
      hint: ": write a name inside, like {{customer.first_name}}",
    };
  if (!KEY.test(key) || (!s.startsWith("}}", i) && s[i] !== "|")) {
    return {
      ok: false,
      problem: `Bad placeholder ${shown}`,
      hint: ": names hold only letters, digits, underscores and dots, like {{customer.first_name}}",
    };
  }
  if (s[i] !== "|") return { ok: true, end: i + 2, key };
  const fallbackHint = `: put the fallback in double quotes, like {{${key} | "there"}}`;
  i++;
  while (SPACE.test(s[i] ?? "")) i++;
  const open = quoteAt(s, i);
  if (!open) return { ok: false, problem: `Bad fallback in ${shown}`, hint: fallbackHint };
  i += open.length;
  let fallback = "";
  let closing: string | undefined;
  while (!(closing = quoteAt(s, i))) {
    if (i >= lineEnd) return { ok: false, problem: `Bad fallback in ${shown}`, hint: ": the closing quote is missing" };
    if (s[i] === "\\") {
      // An escaped quote keeps the spelling it was written in, so `\&quot;` stays valid HTML.
      const escaped = quoteAt(s, i + 1) ?? (s[i + 1] === "\\" ? "\\" : undefined);
      if (escaped) {
        fallback += escaped;
        i += 1 + escaped.length;
        continue;
      }
    }
    fallback += s[i];
    i++;
  }
  i += closing.length;
  while (SPACE.test(s[i] ?? "")) i++;
  if (!s.startsWith("}}", i))
    return { ok: false, problem: `Bad fallback in ${shown}`, hint: ": nothing may follow the closing quote" };
  return { ok: true, end: i + 2, key, fallback };
}

/** Splits a template into text and placeholders, collecting syntax errors with their position. */
export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: TemplateError[] = [];
  let textStart = 0;
  let line = 1;
  let lineStart = 0;
  let counted = 0;
  for (let at = text.indexOf("{{"); at !== -1;) {
    for (; counted < at; counted++) {
      if (text.charCodeAt(counted) === 10) {
        line++;
        lineStart = counted + 1;
      }
    }
    const column = at - lineStart + 1;
    const scan = scanPlaceholder(text, at);
    if (!scan.ok) {
      // The broken text stays literal; saving is refused, so it never reaches a customer.
      errors.push({ message: `${scan.problem} at line ${line}, column ${column}${scan.hint}`, line, column });
      at = text.indexOf("{{", at + 2);
      continue;
    }
    if (at > textStart) parts.push({ kind: "text", text: text.slice(textStart, at) });
    const part: TemplatePart = { kind: "placeholder", key: scan.key, raw: text.slice(at, scan.end), line, column };
    if (scan.fallback !== undefined) part.fallback = scan.fallback;
    parts.push(part);
    textStart = scan.end;
    at = text.indexOf("{{", scan.end);
  }
  if (textStart < text.length) parts.push({ kind: "text", text: text.slice(textStart) });
  return { parts, errors };
}

// ---------------------------------------------------------------- checking

/** Syntax errors, unknown placeholders (with the likely intended one) and ones the context lacks. */
export function checkTemplate(
  text: string,
  context: PlaceholderContext,
  snippetKeys: readonly string[],
): TemplateError[] {
  const { parts, errors } = parseTemplate(text);
  const offered = placeholdersFor(context, snippetKeys);
  const snippets = new Set(snippetKeys);
  for (const part of parts) {
    if (part.kind !== "placeholder") continue;
    const at = `line ${part.line}, column ${part.column}`;
    const known = PLACEHOLDERS.find((p) => p.key === part.key);
    const isSnippet =
      part.key.startsWith("snippet.") && snippets.has(part.key.slice(8)) && SNIPPET_KEY.test(part.key.slice(8));
    if (!known && !isSnippet) {
      const guess = closestKey(
        part.key,
        offered.map((p) => p.key),
      );
      // A snippet the studio has not written (or has deleted) is named as one, with where to add it.
      const what = part.key.startsWith("snippet.") ? "snippet" : "placeholder";
      const hint = guess
        ? ` — did you mean {{${guess}}}?`
        : what === "snippet"
          ? `: there is no snippet “${part.key.slice(8)}”; add it under Settings → Snippets`
          : "";
      errors.push({
        message: `Unknown ${what} {{${part.key}}} at ${at}${hint}`,
        line: part.line,
        column: part.column,
      });
    } else if (known && !known.contexts.includes(context)) {
      const where = known.contexts.map((c) => CONTEXT_LABELS[c]).join(" and ");
      errors.push({
        message: `{{${part.key}}} is not available in ${CONTEXT_LABELS[context]} (${at}); it works in ${where}`,
        line: part.line,
        column: part.column,
      });
    }
  }
  return errors.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The candidate a typo most likely meant, or undefined when none is close. */
function closestKey(typed: string, candidates: string[]): string | undefined {
  const lower = typed.toLowerCase();
  // `{{first_name}}` without its group: suggest the one key that ends that way.
  const byTail = candidates.filter((c) => c.endsWith(`.${lower}`));
  if (byTail.length === 1) return byTail[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(lower.length / 6)) + 1;
  for (const c of candidates) {
    const d = editDistance(lower, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** Levenshtein distance where swapping two neighbours ("frist") counts as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

// ---------------------------------------------------------------- filling

export type PlaceholderValues = Record<string, string | null | undefined>;
/** Makes a value safe for the output it lands in; `key` is the placeholder it fills. */
export type Escape = (value: string, key: string) => string;
export type CompiledTemplate = ((values: PlaceholderValues, escape: Escape) => string) & {
  readonly keys: readonly string[];
  /** The keys used at least once without a fallback (see requiredKeys). */
  readonly required: readonly string[];
};

/** Thrown when compiling a template with syntax errors: better no message than one with `{{`. */
export class TemplateSyntaxError extends Error {
  constructor(readonly errors: TemplateError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "TemplateSyntaxError";
  }
}

/** Escapes `& < > " '` in a value for HTML text and quoted attributes. */
export function escapeHtml(value: string): string {
  // Bun's native escaper is ~2× faster than a regex replace, which counts at 100k recipients.
  return Bun.escapeHTML(value);
}

/** The escape for SMS, voice and plain text: values go in as they are. */
export const noEscape: Escape = (value) => value;

/**
 * Precomputes a template into text runs and slots, for filling per recipient. `keys` lists the
 * placeholders used, so the caller computes (and signs links for) only those.
 */
export function compileTemplate(source: string | ParsedTemplate): CompiledTemplate {
  const parsed = typeof source === "string" ? parseTemplate(source) : source;
  if (parsed.errors.length > 0) throw new TemplateSyntaxError(parsed.errors);
  const runs = [""];
  const keys: string[] = [];
  const fallbacks: string[] = [];
  for (const part of parsed.parts) {
    if (part.kind === "text") runs[runs.length - 1] += part.text;
    else {
      keys.push(part.key);
      // Fallbacks are template text, already rendered and sanitised with it: not escaped again.
      fallbacks.push(part.fallback ?? "");
      runs.push("");
    }
  }
  const slots = keys.length;
  // Joined from an array rather than with `+=`: the string comes out flat in one copy instead of
  // as a rope of 2n+1 pieces the provider's JSON serialisation flattens later (~30 % faster for
  // a 6 KB e-mail, bench/personalise.ts).
  const fill = (values: PlaceholderValues, escape: Escape): string => {
    const out = new Array<string>(2 * slots + 1);
    out[0] = runs[0]!;
    for (let i = 0; i < slots; i++) {
      const value = values[keys[i]!];
      out[2 * i + 1] = value != null && value.trim() !== "" ? escape(value, keys[i]!) : fallbacks[i]!;
      out[2 * i + 2] = runs[i + 1]!;
    }
    return out.join("");
  };
  return Object.assign(fill, { keys: [...new Set(keys)], required: requiredKeys(parsed) });
}

/**
 * The keys a template cannot do without, in order of first use: those used at least once
 * without a fallback. An empty fallback (`{{x | ""}}`) is a fallback: staff chose the blank.
 */
export function requiredKeys(source: string | ParsedTemplate): string[] {
  const parsed = typeof source === "string" ? parseTemplate(source) : source;
  const out = new Set<string>();
  for (const part of parsed.parts) if (part.kind === "placeholder" && part.fallback === undefined) out.add(part.key);
  return [...out];
}

/** Whether a value counts as missing: what the fill replaces with the fallback. */
export const isBlank = (value: string | null | undefined): boolean => value == null || value.trim() === "";

/** The first of `keys` whose value is blank, or null when every one has a value. */
export function firstMissing(keys: readonly string[], values: PlaceholderValues): string | null {
  for (const key of keys) if (isBlank(values[key])) return key;
  return null;
}

/** Fills a template once; a missing or blank value takes the fallback, else nothing. */
export function fillTemplate(source: string | ParsedTemplate, values: PlaceholderValues, escape: Escape): string {
  return compileTemplate(source)(values, escape);
}
