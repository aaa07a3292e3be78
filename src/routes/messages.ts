// Staff pages for one-time messages (SPEC O1–O7): compose from all jobs, a job's page, chosen
// appointments or to one typed address; a live recipient count with everyone left out, by
// reason; a preview with a real recipient's data and a test to oneself; the explicit Send step
// with its confirmation; pause, resume and cancel; live progress over SSE; the report and its CSV.
import { and, count, countDistinct, desc, eq, inArray, min, ne, sql } from "drizzle-orm";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { streamSSE } from "hono/streaming";
import Papa from "papaparse";
import { z } from "zod";
import type { Values } from "../../views/form.tsx";
import {
  AlbumFilter,
  armedPhrase,
  type ChannelCount,
  ComposePage,
  type ComposeProps,
  type ComposeState,
  ConfirmPage,
  type CountData,
  ExcludedNames,
  ExcludedPage,
  type Flash,
  MessageActions,
  MessageForm,
  MessagePage,
  MessagePreview,
  type MessageRow,
  MessagesPage,
  MessagesTable,
  type PreviewData,
  type Progress,
  ProgressBody,
  RecipientCount,
  type ReportData,
  reasonLabel,
  reportBucket,
  type TestResult,
  TestSendResult,
} from "../../views/messages.tsx";
import { messageDecisions } from "../automation/one-time.ts";
import { randomToken } from "../core/crypto.ts";
import { deliveryKey } from "../core/delivery-key.ts";
import { describeFilters, type FilterNames, type MessageFilters, messageFilters, parseMessageFilters } from "../core/message-filters.ts";
import { activationProblem, type MessageInput, messageInput } from "../core/message-input.ts";
import { toE164 } from "../core/phone.ts";
import {
  checkTemplate,
  escapeHtml,
  fillTemplate,
  PLACEHOLDERS,
  type PlaceholderValues,
  placeholdersFor,
  TemplateSyntaxError,
} from "../core/placeholders.ts";
import { decideRecipients, SKIP_REASONS, type SkipReason } from "../core/recipients.ts";
import { zonedParts, zonedTimeToInstant } from "../core/send-window.ts";
import { smsInfo, withOptOutHint } from "../core/sms-text.ts";
import { type FieldErrors, fieldErrors } from "../core/validation.ts";
import { audit } from "../db/audit.ts";
import type { Db } from "../db/client.ts";
import { albumsOfJobs, getJob, jobChoices, jobYears } from "../db/jobs.ts";
import { audienceMembers, audienceSummary, excludedCustomers } from "../db/message-audience.ts";
import {
  activateMessage,
  cancelMessage,
  createMessage,
  getMessage,
  listMessages,
  type Message,
  messageTotals,
  notReached,
  pauseMessage,
  resumeMessage,
  setMessageStatus,
  updateMessage,
} from "../db/messages.ts";
import { deliveryIdByKey } from "../db/outbox-list.ts";
import { type Delivery, enqueueDeliveries, loadCandidates } from "../db/outbox.ts";
import { loadRecipientRows, loadSnippets } from "../db/recipient-rows.ts";
import { albums, appointments, type Channel, CHANNELS, customers, deliveries, deliveryEvents, jobs, type StudioSettings, templates } from "../db/schema.ts";
import { getSettings } from "../db/settings.ts";
import { createComposer } from "../dispatch/compose.ts";
import { createDispatcher } from "../dispatch/dispatcher.ts";
import { providersFromConfig } from "../dispatch/providers.ts";
import type { LinkMaker, RecipientRows } from "../dispatch/recipient-values.ts";
import { recipientValues } from "../dispatch/recipient-values.ts";
import { personalizeEmail, renderEmailVariant } from "../email/render.ts";
import { type AppEnv, type Ctx, isPartial } from "../http/env.ts";
import { typedValues } from "../http/form-values.ts";

const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const LIST_FILTERS = ["job_ids", "job_statuses", "years", "album_ids", "job_types", "appointment_ids", "appointment_statuses"] as const;
const SCALAR_FILTERS = ["audience", "condition", "appointment_from", "appointment_to"] as const;
const LIST_FIELDS = ["channels", ...LIST_FILTERS.map((k) => `filters.${k}`)];
const PREVIEW_OPTIONS = 50;
const EXCLUDED_PAGE = 50;
const SSE_INTERVAL_MS = 1500;
/** An SSE connection ends after this many updates (~10 minutes); the browser reconnects. */
const SSE_MAX_EVENTS = 400;
const isChannel = (ch: unknown): ch is Channel => CHANNELS.includes(ch as Channel);

// ---------------------------------------------------------------- named queries for these pages

/** Templates usable in a one-time message: those whose placeholders all exist there. */
async function oneTimeTemplates(db: Db, snippetKeys: string[]) {
  const rows = await db.select().from(templates).orderBy(desc(templates.builtIn), templates.name);
  return rows.filter((t) => checkTemplate(`${t.subject}\n${t.body}`, "one_time_message", snippetKeys).length === 0);
}

/** Job and album names for describeFilters. */
async function filterNames(db: Db, list: MessageFilters[]): Promise<FilterNames> {
  const jobIds = [...new Set(list.flatMap((f) => f.job_ids ?? []))];
  const albumIds = [...new Set(list.flatMap((f) => f.album_ids ?? []))];
  const [js, as] = await Promise.all([
    jobIds.length ? db.select({ id: jobs.id, name: jobs.name }).from(jobs).where(inArray(jobs.id, jobIds)) : [],
    albumIds.length ? db.select({ id: albums.id, name: albums.name }).from(albums).where(inArray(albums.id, albumIds)) : [],
  ]);
  return { jobs: Object.fromEntries(js.map((j) => [j.id, j.name])), albums: Object.fromEntries(as.map((a) => [a.id, a.name])) };
}

/** Deliveries that will be or were attempted (not skipped), per message. */
async function recipientsPerMessage(db: Db, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: deliveries.messageId, n: count() })
    .from(deliveries)
    .where(and(inArray(deliveries.messageId, ids), ne(deliveries.status, "skipped")))
    .groupBy(deliveries.messageId);
  return new Map(rows.map((r) => [r.id!, r.n]));
}

/** Chosen appointments with who and when, for the compose page. */
async function appointmentLabels(db: Db, ids: number[], timeZone: string) {
  if (!ids.length) return [];
  const rows = await db
    .select({ id: appointments.id, startsAt: appointments.startsAt, first: customers.firstName, last: customers.lastName })
    .from(appointments)
    .innerJoin(customers, eq(customers.id, appointments.customerId))
    .where(inArray(appointments.id, ids))
    .orderBy(appointments.startsAt);
  return rows.map((r) => ({ id: r.id, label: `${`${r.first} ${r.last}`.trim() || "(no name)"} · ${formatInstant(r.startsAt, timeZone)}` }));
}

/** How fast a message is going out and when its last queued delivery is due. */
async function sendPace(db: Db, id: number, since: Date) {
  const [row] = await db
    .select({
      first: min(deliveries.sentAt),
      recent: sql<number>`sum(case when ${deliveries.sentAt} >= ${since.getTime()} then 1 else 0 end)`,
      lastDue: sql<number | null>`max(case when ${deliveries.status} = 'queued' then ${deliveries.dueAt} end)`,
    })
    .from(deliveries)
    .where(eq(deliveries.messageId, id));
  return { first: row?.first ?? null, recent: Number(row?.recent ?? 0), lastDue: row?.lastDue ? new Date(Number(row.lastDue)) : null };
}

/** E-mails of a message opened and clicked, where the provider reports it. */
async function engagement(db: Db, id: number) {
  const rows = await db
    .select({ type: deliveryEvents.type, n: countDistinct(deliveryEvents.deliveryId) })
    .from(deliveryEvents)
    .innerJoin(deliveries, eq(deliveries.id, deliveryEvents.deliveryId))
    .where(and(eq(deliveries.messageId, id), inArray(deliveryEvents.type, ["opened", "clicked"])))
    .groupBy(deliveryEvents.type);
  const of = (t: string) => rows.find((r) => r.type === t)?.n ?? 0;
  return { opened: of("opened"), clicked: of("clicked") };
}

// ---------------------------------------------------------------- form state

const strings = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string" && x !== "");

/** What the compose form sent, kept as typed. */
function formState(body: Record<string, unknown>): ComposeState {
  const lists: Record<string, string[]> = {};
  for (const k of LIST_FIELDS) lists[k] = strings(body[k]);
  const single: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!LIST_FIELDS.includes(k)) single[k] = Array.isArray(v) ? v.at(-1) : v;
  return { values: typedValues(single), lists };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A `datetime-local` value for an instant, in `timeZone`. */
function localInput(d: Date, timeZone: string): string {
  const p = zonedParts(d, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

function formatInstant(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", month: "short", day: "numeric", year: "numeric", hour: "numeric", minute: "2-digit" }).format(d);
}

/** The form's state for a saved message. */
function stateFromMessage(m: Message, timeZone: string): ComposeState {
  const f = storedFilters(m);
  const values: Values = {
    name: m.name,
    subject: m.subject,
    body: m.body,
    voice_script: m.voiceScript,
    call_only_if_no_sms: m.callOnlyIfNoSms ? "on" : "",
    to_address: m.toAddress ?? "",
    mode: m.toAddress ? "address" : "filters",
    job_id: m.jobId ? String(m.jobId) : "",
    send_mode: m.sendAt ? "later" : "now",
    send_at_local: m.sendAt ? localInput(m.sendAt, timeZone) : "",
  };
  for (const k of SCALAR_FILTERS) values[`filters.${k}`] = f[k] ?? "";
  const lists: Record<string, string[]> = { channels: [...m.channels] };
  for (const k of LIST_FILTERS) lists[`filters.${k}`] = (f[k] ?? []).map(String);
  return { values, lists };
}

function storedFilters(m: Pick<Message, "filters">): MessageFilters {
  const r = messageFilters.safeParse(m.filters ?? {});
  return r.success ? r.data : {};
}

/** The raw filter object of a form state; a message started from a job keeps to that job. */
function rawFilters(s: ComposeState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of LIST_FILTERS) out[k] = s.lists[`filters.${k}`] ?? [];
  for (const k of SCALAR_FILTERS) out[k] = s.values[`filters.${k}`] ?? "";
  if (s.values.job_id) out.job_ids = [s.values.job_id];
  return out;
}

const single = (s: ComposeState) => s.values.mode === "address";
const stateChannels = (s: ComposeState): Channel[] => CHANNELS.filter((ch) => (s.lists.channels ?? []).includes(ch));

/** Error keys as the form names its fields: `filters.years.0` → `filters.years`, `send_at` → `send_at_local`. */
function formErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, msg] of Object.entries(errors)) {
    const key = k === "send_at" ? "send_at_local" : k.replace(/^(filters\.\w+)\..*$/, "$1");
    out[key] ??= msg;
  }
  return out;
}

/** The send time typed in the studio's zone, as an instant; an error beside the field when it cannot be. */
function sendAtFrom(s: ComposeState, timeZone: string, now: Date): { at?: Date; error?: string } {
  if (s.values.send_mode !== "later") return {};
  const raw = (s.values.send_at_local ?? "").trim();
  if (!raw) return { error: "Choose the date and time, or send now" };
  const m = raw.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2})?$/);
  if (!m) return { error: "must be a date and time like 2026-09-14 09:30" };
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1 || h > 23 || mi > 59) return { error: "is not a real date and time" };
  const at = zonedTimeToInstant({ year: y, month: mo, day: d }, `${pad(h)}:${pad(mi)}`, timeZone);
  if (at.getTime() < now.getTime() - 60_000) return { error: `is in the past (it is ${formatInstant(now, timeZone)} in ${timeZone}): choose a later time, or send now` };
  return { at };
}

type Parsed = { ok: true; input: MessageInput } | { ok: false; errors: FieldErrors };

/** Checks the compose form with the one schema forms and the API share (SPEC U3). */
async function parseCompose(c: Ctx, s: ComposeState, settings: StudioSettings): Promise<Parsed> {
  const { db, clock } = c.get("deps");
  const snippetKeys = Object.keys(await loadSnippets(db));
  const when = sendAtFrom(s, settings.timeZone, clock());
  const v = s.values;
  const raw = {
    name: v.name,
    channels: s.lists.channels ?? [],
    subject: v.subject,
    body: v.body,
    voice_script: v.voice_script,
    // The option shows only with SMS and voice both chosen; hidden, it is not asked for.
    call_only_if_no_sms: (s.lists.channels ?? []).includes("sms") && (s.lists.channels ?? []).includes("voice") ? (v.call_only_if_no_sms ?? "") : "",
    filters: single(s) ? {} : rawFilters(s),
    to_address: single(s) ? (v.to_address ?? "") : undefined,
    send_at: when.at?.toISOString(),
    job_id: single(s) ? undefined : v.job_id,
  };
  const r = messageInput(snippetKeys).safeParse(raw);
  const errors = r.success ? {} : formErrors(fieldErrors(r.error));
  if (single(s) && !v.to_address?.trim()) errors.to_address ??= "Enter the e-mail address or phone number to send to";
  if (when.error) errors.send_at_local = when.error;
  if (!r.success || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, input: r.data };
}

// ---------------------------------------------------------------- counting

type Audience = { channels: Channel[]; filters: MessageFilters; toAddress: string | null; callOnlyIfNoSms: boolean };

const fromMessage = (m: Message): Audience => ({ channels: m.channels.filter(isChannel), filters: storedFilters(m), toAddress: m.toAddress, callOnlyIfNoSms: m.callOnlyIfNoSms });

const sortExcluded = (excluded: Partial<Record<string, number>>) =>
  Object.entries(excluded)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([reason, n]) => ({ reason, n: n! }))
    .sort((a, b) => b.n - a.n);

/** Per channel: how many the filters match, how many will receive it, and who will not, by reason. */
async function countAudience(c: Ctx, a: Audience, timeZone: string): Promise<ChannelCount[]> {
  const deps = c.get("deps");
  const now = deps.clock();
  if (a.toAddress) {
    const channel = a.channels[0] ?? "email";
    const ok = channel === "email" ? /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a.toAddress) : !!toE164(a.toAddress);
    return [{ channel, matched: 1, willReceive: ok ? 1 : 0, excluded: ok ? [] : [{ reason: "no_address", n: 1 }] }];
  }
  if (a.callOnlyIfNoSms && a.channels.includes("sms") && a.channels.includes("voice")) {
    // "Call only where SMS cannot go" depends on both channels' decisions: count what the send will do.
    const probe = { channels: a.channels, filters: a.filters, toAddress: null, callOnlyIfNoSms: true } as unknown as Message;
    const decided = await messageDecisions(deps, probe, now);
    return decided.map(({ channel, decisions }) => {
      const excluded: Record<string, number> = {};
      for (const d of decisions) if (d.skip) excluded[d.skip] = (excluded[d.skip] ?? 0) + 1;
      return { channel, matched: decisions.length, willReceive: decisions.filter((d) => !d.skip).length, excluded: sortExcluded(excluded) };
    });
  }
  const summary = await audienceSummary(deps.db, a.filters, a.channels, now, { timeZone });
  return a.channels.map((channel) => ({ channel, matched: summary[channel].matched, willReceive: summary[channel].willReceive, excluded: sortExcluded(summary[channel].excluded) }));
}

async function countData(c: Ctx, s: ComposeState, timeZone: string): Promise<CountData> {
  const parsed = parseMessageFilters(rawFilters(s));
  if (!parsed.ok) return { who: "", channels: [], filtersJson: "{}", problem: `Check the recipient filters: ${Object.values(parsed.errors)[0]}.` };
  const channels = stateChannels(s);
  const names = await filterNames(c.get("deps").db, [parsed.filters]);
  const counts = await countAudience(c, { channels: channels.length ? channels : ["email"], filters: parsed.filters, toAddress: null, callOnlyIfNoSms: !!s.values.call_only_if_no_sms }, timeZone);
  return {
    who: describeFilters(parsed.filters, names),
    // With no channel chosen the e-mail count still says how many match.
    channels: channels.length ? counts : [],
    matched: counts[0]?.matched ?? 0,
    filtersJson: JSON.stringify(parsed.filters),
  };
}

// ---------------------------------------------------------------- preview

const branding = (s: StudioSettings) => ({ name: s.name, postalAddress: s.postalAddress, phone: s.phone, website: s.website, brandColor: s.brandColor });

/** Example values for every placeholder, with the studio's own details. */
function sampleValues(s: StudioSettings, snippets: Record<string, string>): PlaceholderValues {
  const values: PlaceholderValues = Object.fromEntries(PLACEHOLDERS.map((p) => [p.key, p.example]));
  Object.assign(values, { "studio.name": s.name, "studio.address": s.postalAddress, "studio.phone": s.phone, "studio.email": s.replyTo || s.senderEmail, "studio.website": s.website });
  for (const [k, text] of Object.entries(snippets)) values[`snippet.${k}`] = text;
  return values;
}

type Chosen = { rows: RecipientRows | null; address: string | null; options: PreviewData["options"]; selectedId: number | null; note: string };

/** The recipient a preview or test shows: the chosen one, else the first of the audience. */
async function chooseRecipient(c: Ctx, s: ComposeState, timeZone: string): Promise<Chosen> {
  const { db, clock } = c.get("deps");
  const jobId = Number(s.values.job_id) || null;
  const emptyRows = async (): Promise<RecipientRows> => ({
    deliveryId: 0,
    customer: null,
    job: jobId ? ((await getJob(db, jobId)) ?? null) : null,
    registration: null,
    album: null,
    order: null,
    appointment: null,
  });
  if (single(s)) {
    const to = s.values.to_address?.trim() || null;
    return { rows: await emptyRows(), address: to, options: [], selectedId: null, note: to ? `Shown as ${to} will get it: no customer data, so customer placeholders use their fallbacks.` : "Enter the address to send to." };
  }
  const parsed = parseMessageFilters(rawFilters(s));
  if (!parsed.ok) return { rows: null, address: null, options: [], selectedId: null, note: "Fix the recipient filters to preview with a real recipient; this shows sample values." };
  const now = clock();
  const q = (s.values.preview_q ?? "").trim();
  // Pages of the audience, never all of it: a preview costs the same for ten recipients or 100,000.
  const found = await audienceMembers(db, parsed.filters, now, { timeZone, limit: PREVIEW_OPTIONS, q });
  const wanted = Number(s.values.preview_customer_id) || null;
  let chosen = found.find((o) => o.id === wanted) ?? null;
  if (!chosen && wanted && !q) chosen = (await audienceMembers(db, parsed.filters, now, { timeZone, limit: 1, customerId: wanted }))[0] ?? null;
  chosen ??= found[0] ?? null;
  const options = found.map((o) => ({ id: o.id, label: `${`${o.firstName} ${o.lastName}`.trim() || `Customer #${o.id}`}${o.email ? ` · ${o.email}` : o.phone ? ` · ${o.phone}` : ""}` }));
  if (chosen && !options.some((o) => o.id === chosen.id)) options.unshift({ id: chosen.id, label: `${chosen.firstName} ${chosen.lastName}`.trim() });
  if (!chosen) {
    const anyone = q && (await audienceMembers(db, parsed.filters, now, { timeZone, limit: 1 })).length > 0;
    const note = anyone ? `Nobody among the recipients matches “${q}”; this shows sample values.` : "Nobody matches these filters yet, so this shows sample values.";
    return { rows: null, address: null, options, selectedId: null, note };
  }
  const probe: Pick<Delivery, "id" | "customerId" | "jobId" | "appointmentId"> = { id: 0, customerId: chosen.id, jobId, appointmentId: null };
  const rows = (await loadRecipientRows(db, [probe] as Delivery[])).get(0) ?? null;
  const name = `${chosen.firstName} ${chosen.lastName}`.trim() || `customer #${chosen.id}`;
  const more = found.length === PREVIEW_OPTIONS && !q ? ` The list shows the first ${PREVIEW_OPTIONS} recipients; search by name, e-mail or phone to find others.` : "";
  return { rows, address: null, options, selectedId: chosen.id, note: `Shown with ${name}'s real data.${more}` };
}

/** Values for the chosen recipient, with signed links as the send will make them (or the test's dead ones). */
async function valuesFor(c: Ctx, chosen: Chosen, settings: StudioSettings, snippets: Record<string, string>, link?: LinkMaker): Promise<PlaceholderValues> {
  const deps = c.get("deps");
  if (!chosen.rows) return sampleValues(settings, snippets);
  const maker = link ?? (await createComposer(deps, settings, deps.clock())).link;
  return recipientValues(chosen.rows, settings, snippets, maker, chosen.address);
}

async function buildPreview(c: Ctx, s: ComposeState, settings: StudioSettings): Promise<PreviewData> {
  const { db } = c.get("deps");
  const snippets = await loadSnippets(db);
  const chosen = await chooseRecipient(c, s, settings.timeZone);
  const values = await valuesFor(c, chosen, settings, snippets);
  const channels = stateChannels(s);
  const customer = chosen.rows?.customer ?? null;
  const pv: PreviewData = { options: chosen.options, selectedId: chosen.selectedId, note: chosen.note, warnings: [] };
  if (!channels.length) {
    pv.problem = "Choose a channel to see the message.";
    return pv;
  }
  if (customer) {
    // Say so when the person shown will not get it on a channel.
    const [candidate] = await loadCandidates(db, [customer.id]);
    for (const ch of channels) {
      const skip = candidate ? decideRecipients([candidate], ch, { requireConsent: true })[0]!.skip : null;
      if (skip) pv.warnings.push(`${`${customer.firstName} ${customer.lastName}`.trim()} will not get the ${ch === "email" ? "e-mail" : ch === "sms" ? "SMS" : "call"}: ${reasonLabel(skip).toLowerCase()}.`);
    }
  }
  const v = s.values;
  const problems = (["subject", "body", "voice_script"] as const).flatMap((k) => checkTemplate(v[k] ?? "", "one_time_message", Object.keys(snippets)).map((e) => e.message));
  if (problems.length) pv.problem = problems[0];
  try {
    if (channels.includes("email")) {
      const variant = await renderEmailVariant({ subject: v.subject ?? "", body: v.body ?? "", format: "markdown", studio: branding(settings), personalLinks: !!customer });
      const email = personalizeEmail(variant, values);
      pv.email = { to: customer?.email ?? chosen.address, subject: email.subject, html: email.html };
    }
    if (channels.includes("sms")) {
      const filled = fillTemplate(v.body ?? "", values, (x) => x);
      const text = withOptOutHint(filled, { required: true });
      pv.sms = { to: customer?.phone ?? chosen.address, text, info: smsInfo(text), optOutAdded: text !== filled };
    }
    if (channels.includes("voice")) {
      pv.voice = { to: customer?.phone ?? chosen.address, text: fillTemplate(v.voice_script?.trim() ? v.voice_script : (v.body ?? ""), values, (x) => x) };
    }
  } catch (err) {
    if (!(err instanceof TemplateSyntaxError)) throw err;
    pv.problem = `${problems[0] ?? err.errors[0]?.message}. The preview shows once it is fixed.`;
  }
  return pv;
}

// ---------------------------------------------------------------- pages

const DONE: Record<string, string> = {
  saved: "Draft saved. Nothing is sent until you press Send.",
  unscheduled: "Saved. The message is a draft again: send it again when it is ready.",
  armed: "Armed. It goes out at its time; you can still cancel it until then.",
  paused: "Paused. Nothing more goes out until you resume.",
  resumed: "Resumed: what was held goes out again, staggered from now.",
  cancelled: "Cancelled. Nothing more of it goes out.",
};
const doneFlash = (done: string | undefined): Flash => (done && DONE[done] ? { kind: "ok", text: DONE[done]! } : null);

async function loadMessage(c: Ctx): Promise<Message> {
  const id = idParam.safeParse(c.req.param("id"));
  const m = id.success ? await getMessage(c.get("deps").db, id.data) : undefined;
  if (!m) throw new HTTPException(404, { message: "There is no such message. It may have been deleted." });
  return m;
}

async function composeProps(c: Ctx, s: ComposeState, errors: FieldErrors, message: Message | undefined, extra: { testResult?: TestResult | null; flash?: Flash } = {}): Promise<ComposeProps> {
  const { db } = c.get("deps");
  const settings = await getSettings(db);
  const tz = settings.timeZone;
  const snippetKeys = Object.keys(await loadSnippets(db));
  const fixedJobId = Number(s.values.job_id) || null;
  const fixedJob = fixedJobId ? await getJob(db, fixedJobId) : undefined;
  const chosenJobs = fixedJob ? [fixedJob.id] : (s.lists["filters.job_ids"] ?? []).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const appointmentIds = (s.lists["filters.appointment_ids"] ?? []).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const [jobList, years, albumList, appts, tpl, count, preview] = await Promise.all([
    jobChoices(db, chosenJobs),
    jobYears(db),
    albumsOfJobs(db, chosenJobs),
    appointmentLabels(db, appointmentIds, tz),
    oneTimeTemplates(db, snippetKeys),
    single(s) ? Promise.resolve<CountData>({ who: "", channels: [], filtersJson: "{}", single: true }) : countData(c, s, tz),
    buildPreview(c, s, settings),
  ]);
  return {
    user: c.get("user")!,
    csrf: c.get("csrfToken"),
    message,
    state: s,
    errors,
    choices: { jobs: jobList, years, albums: albumList, fixedJob: fixedJob ? { id: fixedJob.id, name: fixedJob.name } : null, appointments: appts },
    templates: tpl,
    placeholders: placeholdersFor("one_time_message", snippetKeys),
    count,
    preview,
    timeZone: tz,
    testResult: extra.testResult,
    flash: extra.flash,
  };
}

async function renderCompose(c: Ctx, s: ComposeState, errors: FieldErrors, message?: Message, status: 200 | 409 | 422 = 200, extra: { testResult?: TestResult | null; flash?: Flash } = {}) {
  return c.html(ComposePage(await composeProps(c, s, errors, message, extra)), status);
}

/** The message a form belongs to, when it edits one that has not started. */
async function formMessage(c: Ctx, s: ComposeState): Promise<Message | undefined> {
  const id = idParam.safeParse(s.values.message_id);
  const m = id.success ? await getMessage(c.get("deps").db, id.data) : undefined;
  return m && (m.status === "draft" || m.status === "scheduled") ? m : undefined;
}

function minutesWords(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return "less than a minute left";
  if (min < 60) return `about ${min} ${min === 1 ? "minute" : "minutes"} left`;
  const h = Math.floor(min / 60);
  return `about ${h} h ${min % 60} min left`;
}

/** Live numbers of a send (SPEC O6): sent of total, rate per minute, ETA and what is still open. */
async function messageProgress(db: Db, m: Message, now: Date, timeZone: string): Promise<Progress> {
  const totals = await messageTotals(db, m.id);
  const b = totals.byStatus;
  const sent = (b.sent ?? 0) + (b.delivered ?? 0) + (b.undelivered ?? 0) + (b.bounced ?? 0);
  const failed = b.failed ?? 0;
  const queued = (b.queued ?? 0) + (b.sending ?? 0);
  const held = b.held ?? 0;
  const window = new Date(now.getTime() - 5 * 60_000);
  const pace = await sendPace(db, m.id, window);
  // A rate needs some seconds of sending behind it before it means anything.
  let ratePerMinute: number | null = null;
  const from = pace.first ? Math.max(window.getTime(), pace.first.getTime()) : now.getTime();
  if (now.getTime() - from >= 10_000) ratePerMinute = pace.recent / ((now.getTime() - from) / 60_000);
  let eta: string | null = null;
  if (queued > 0 && m.status !== "paused") {
    // Staggering sets each delivery's due time, so the last one bounds the end; the rate covers the rest.
    const byRate = ratePerMinute ? now.getTime() + (queued / ratePerMinute) * 60_000 : 0;
    const end = Math.max(pace.lastDue?.getTime() ?? 0, byRate);
    eta = end > now.getTime() ? `${minutesWords(end - now.getTime())} (done around ${new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" }).format(end)})` : "finishing";
  }
  return {
    status: m.status,
    total: sent + failed + queued + held,
    sent,
    failed,
    queued,
    held,
    skipped: b.skipped ?? 0,
    ratePerMinute,
    eta,
    startsAt: m.status === "scheduled" && m.sendAt && m.sendAt > now ? `at ${formatInstant(m.sendAt, timeZone)} (${timeZone})` : null,
    finished: m.status === "sent" || m.status === "cancelled",
  };
}

const NOT_REACHED_LABELS: Record<string, string> = { failed: "failed", bounced: "bounced", undelivered: "undelivered" };

async function messageReport(db: Db, m: Message): Promise<ReportData | null> {
  const totals = await messageTotals(db, m.id);
  if (totals.total === 0) return null;
  const sum: Record<string, number> = {};
  const byChannel = new Map<string, Record<string, number>>();
  const bySkipReason: Record<string, number> = {};
  for (const r of totals.rows) {
    const bucket = reportBucket(r.status);
    sum[bucket] = (sum[bucket] ?? 0) + r.n;
    const ch = byChannel.get(r.channel) ?? {};
    ch[bucket] = (ch[bucket] ?? 0) + r.n;
    byChannel.set(r.channel, ch);
    if (r.status === "skipped" || NOT_REACHED_LABELS[r.status]) {
      const key = r.skipReason ?? r.status;
      bySkipReason[key] = (bySkipReason[key] ?? 0) + r.n;
    }
  }
  const [rows, eng] = await Promise.all([notReached(db, m.id, 200), engagement(db, m.id)]);
  return {
    totals: sum,
    byChannel: CHANNELS.filter((ch) => byChannel.has(ch)).map((ch) => ({ channel: ch, counts: byChannel.get(ch)! })),
    opened: eng.opened,
    clicked: eng.clicked,
    bySkipReason,
    notReachedTotal: Object.values(bySkipReason).reduce((a, n) => a + n, 0),
    notReached: rows.map((r) => ({
      customerId: r.customerId,
      name: r.customerId ? `${r.firstName ?? ""} ${r.lastName ?? ""}`.trim() || `Customer #${r.customerId}` : (r.address ?? "—"),
      channel: r.channel,
      address: r.address,
      status: r.status,
      reason: r.reason,
    })),
  };
}

function describeWhen(m: Message, timeZone: string): string {
  const at = (d: Date) => `${formatInstant(d, timeZone)} (${timeZone})`;
  switch (m.status) {
    case "draft":
      return m.sendAt ? `${at(m.sendAt)}, once you press Send` : "As soon as you press Send and confirm";
    case "scheduled":
      return m.sendAt ? `Scheduled for ${at(m.sendAt)}` : "Now: it starts within seconds";
    case "sending":
    case "paused":
    case "sent":
      return `Started ${at(m.sendAt ?? m.activatedAt ?? m.updatedAt)}`;
    case "cancelled":
      return `Cancelled ${at(m.updatedAt)}`;
  }
}

async function renderMessage(c: Ctx, m: Message, flash: Flash = null, status: 200 | 409 = 200) {
  const deps = c.get("deps");
  const settings = await getSettings(deps.db);
  const tz = settings.timeZone;
  const filters = storedFilters(m);
  const names = await filterNames(deps.db, [filters]);
  const [progress, report] = await Promise.all([m.status !== "draft" ? messageProgress(deps.db, m, deps.clock(), tz) : Promise.resolve(null), messageReport(deps.db, m)]);
  if (progress && m.status === "scheduled") progress.armedFor = armedPhrase(await countAudience(c, fromMessage(m), tz));
  return c.html(
    MessagePage({ user: c.get("user")!, csrf: c.get("csrfToken"), message: m, who: describeFilters(filters, names), when: describeWhen(m, tz), progress, report, flash }),
    status,
  );
}

async function renderConfirm(c: Ctx, m: Message, status: 200 | 409 = 200) {
  const deps = c.get("deps");
  const tz = (await getSettings(deps.db)).timeZone;
  const counts = await countAudience(c, fromMessage(m), tz);
  const total = counts.reduce((a, x) => a + x.willReceive, 0);
  const names = await filterNames(deps.db, [storedFilters(m)]);
  const problem = activationProblem(m, total, deps.clock());
  return {
    total,
    counts,
    problem,
    response: c.html(
      ConfirmPage({ user: c.get("user")!, csrf: c.get("csrfToken"), message: m, who: describeFilters(storedFilters(m), names), counts, when: describeWhen(m, tz), problem }),
      problem ? 409 : status,
    ),
  };
}

const actorOf = (c: Ctx) => ({ userId: c.get("user")!.id });

// ---------------------------------------------------------------- test sends

/** Links in a test lead nowhere: a real recipient's unsubscribe link must not reach a staff inbox. */
const deadLink = (base: string): LinkMaker => (purpose) => `${base}/#${purpose}-link-in-a-test`;
/** A value must not become a placeholder when the test's text is compiled again at send time. */
const inert = (value: string) => value.replaceAll("{{", "{ {");

async function sendTest(c: Ctx, s: ComposeState): Promise<{ result?: TestResult; errors?: FieldErrors }> {
  const deps = c.get("deps");
  const { db, config, clock } = deps;
  const channel = s.values.test_channel === "sms" ? "sms" : "email";
  const v = s.values;
  const snippets = await loadSnippets(db);
  const errors: FieldErrors = {};
  if (channel === "email" && !v.subject?.trim()) errors.subject = "An e-mail needs a subject";
  if (!v.body?.trim()) errors.body = "Write the message";
  for (const k of ["subject", "body"] as const) {
    const problem = checkTemplate(v[k] ?? "", "one_time_message", Object.keys(snippets))[0];
    if (problem) errors[k] ??= problem.message;
  }
  let to = c.get("user")!.email;
  if (channel === "sms") {
    const phone = toE164(v.test_phone ?? "");
    if (!phone) errors.test_phone = v.test_phone?.trim() ? "must be a phone number like +1 555 123 4567" : "Enter your mobile number to text the test to";
    else to = phone;
  }
  if (Object.keys(errors).length) return { errors };

  const now = clock();
  const settings = await getSettings(db);
  const chosen = await chooseRecipient(c, s, settings.timeZone);
  const base = settings.publicUrl || config.publicUrl;
  const values = await valuesFor(c, chosen, settings, snippets, deadLink(base));
  const content =
    channel === "email"
      ? { subject: fillTemplate(v.subject ?? "", values, inert), body: fillTemplate(v.body ?? "", values, (x) => inert(escapeHtml(x))) }
      : { body: withOptOutHint(fillTemplate(v.body ?? "", values, inert), { required: true }) };
  const key = deliveryKey({ kind: "test", id: `${now.getTime().toString(36)}${randomToken(6)}` }, { address: to }, channel);
  await enqueueDeliveries(db, { sourceType: "test" }, [{ key, decision: { customerId: 0, channel, to, skip: null }, dueAt: now, ...content }], now);
  const deliveryId = await deliveryIdByKey(db, key);
  await audit(db, actorOf(c), "test_sent", "delivery", deliveryId, { channel, message: Number(v.message_id) || null });
  const providers = providersFromConfig(config, db, clock);
  const via = channel === "email" ? (providers.email.name === "resend" ? "Resend" : "the dev outbox") : providers.sms.name === "twilio" ? "Twilio" : "the dev outbox";
  // One dispatcher pass now, as Settings → Messaging does, so the outcome can be shown at once.
  try {
    await createDispatcher(deps, providers, { owner: `message-test-${randomToken(6)}` }).tick();
  } catch (err) {
    deps.log("error", "message test: dispatcher tick failed", { delivery: deliveryId, error: String(err) });
  }
  const d = deliveryId ? await db.query.deliveries.findFirst({ where: eq(deliveries.id, deliveryId) }) : undefined;
  const what = channel === "email" ? "Test e-mail" : "Test SMS";
  const who = chosen.rows?.customer ? ` with ${`${chosen.rows.customer.firstName} ${chosen.rows.customer.lastName}`.trim()}'s data` : "";
  if (!d) return { result: { ok: false, text: `${what} could not be queued.` } };
  if (d.status === "sent" || d.status === "delivered") return { result: { ok: true, text: `${what}${who} sent to ${to} through ${via}.`, deliveryId: d.id } };
  if (d.status === "failed" || d.status === "bounced" || d.status === "undelivered") return { result: { ok: false, text: `${what} to ${to} failed: ${d.lastError ?? d.status}.`, deliveryId: d.id } };
  if (d.status === "skipped") return { result: { ok: false, text: `${what} to ${to} was not sent: ${reasonLabel(d.skipReason ?? "skipped").toLowerCase()}.`, deliveryId: d.id } };
  return { result: { ok: true, text: `${what} to ${to} is queued${d.waitingReason ? `: ${d.waitingReason}` : ""}.`, deliveryId: d.id } };
}

// ---------------------------------------------------------------- routes

const listQuery = z.object({
  job_id: idParam.optional().catch(undefined),
  limit: z.coerce.number().int().min(1).max(200).catch(100).default(100),
});

const excludedQuery = z.object({
  filters: z.string().max(100_000),
  channel: z.enum(CHANNELS),
  reason: z.enum(SKIP_REASONS),
  offset: z.coerce.number().int().min(0).max(10_000_000).catch(0).default(0),
});

async function bodyState(c: Ctx): Promise<ComposeState> {
  return formState(await c.req.parseBody({ all: true }));
}

export const messageRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const q = listQuery.parse(c.req.query());
    const tz = (await getSettings(db)).timeZone;
    const list = await listMessages(db, { jobId: q.job_id, limit: isPartial(c) && q.job_id ? Math.min(q.limit, 10) : q.limit });
    const [sentTo, names] = await Promise.all([recipientsPerMessage(db, list.map((m) => m.id)), filterNames(db, list.map(storedFilters))]);
    const rows: MessageRow[] = list.map((m) => ({
      message: m,
      who: m.toAddress ?? describeFilters(storedFilters(m), names),
      recipients: m.status === "draft" || m.status === "scheduled" ? null : (sentTo.get(m.id) ?? 0),
      when:
        m.status === "draft" || m.status === "scheduled"
          ? `${m.sendAt ? `Sends ${formatInstant(m.sendAt, tz)}` : m.status === "scheduled" ? "Sends now" : "Not scheduled"} · created ${formatInstant(m.createdAt, tz)}`
          : `${m.status === "cancelled" ? "Cancelled" : "Started"} ${formatInstant(m.status === "cancelled" ? m.updatedAt : (m.sendAt ?? m.activatedAt ?? m.updatedAt), tz)}`,
    }));
    if (isPartial(c)) return c.html(MessagesTable({ rows, jobId: q.job_id, compact: !!q.job_id }));
    const job = q.job_id ? await getJob(db, q.job_id) : undefined;
    return c.html(MessagesPage({ user: c.get("user")!, csrf: c.get("csrfToken"), rows, job: job ? { id: job.id, name: job.name } : null, flash: doneFlash(c.req.query("done")) }));
  })

  // ------------------------------------------------------------ compose
  .get("/new", async (c) => {
    const { db } = c.get("deps");
    const jobId = idParam.safeParse(c.req.query("job_id"));
    if (c.req.query("job_id") && (!jobId.success || !(await getJob(db, jobId.data)))) throw new HTTPException(404, { message: "There is no such job. It may have been deleted." });
    const appointmentIds = (c.req.queries("appointment_ids") ?? []).flatMap((x) => x.split(",")).map((x) => x.trim()).filter((x) => /^\d+$/.test(x));
    const state: ComposeState = {
      values: {
        mode: c.req.query("mode") === "address" ? "address" : "filters",
        job_id: jobId.success ? String(jobId.data) : "",
        to_address: c.req.query("to") ?? "",
        send_mode: "now",
        "filters.audience": "all",
        "filters.condition": "any",
      },
      lists: { channels: ["email"], "filters.appointment_ids": appointmentIds, "filters.job_ids": jobId.success ? [String(jobId.data)] : [] },
    };
    return renderCompose(c, state, {});
  })
  .post("/", async (c) => {
    const { db, clock } = c.get("deps");
    const s = await bodyState(c);
    const settings = await getSettings(db);
    const parsed = await parseCompose(c, s, settings);
    if (!parsed.ok) return renderCompose(c, s, parsed.errors, undefined, 422);
    if (s.values.intent === "send" && !parsed.input.to_address) {
      const counts = await countAudience(c, { channels: parsed.input.channels, filters: parsed.input.filters, toAddress: null, callOnlyIfNoSms: parsed.input.call_only_if_no_sms }, settings.timeZone);
      if (counts.every((x) => x.willReceive === 0)) return renderCompose(c, s, { recipients: "Nobody would receive this message with these filters. Widen them, or save it as a draft." }, undefined, 422);
    }
    const m = await createMessage(db, parsed.input, c.get("user")!.id, clock());
    await audit(db, actorOf(c), "created", "message", m.id);
    return c.redirect(s.values.intent === "send" ? `/messages/${m.id}/send` : `/messages/${m.id}?done=saved`, 303);
  })
  .post("/form", async (c) => {
    // Re-renders the form (a template used, or a no-JavaScript refresh): never saves.
    const { db } = c.get("deps");
    const s = await bodyState(c);
    const templateId = idParam.safeParse(s.values.template_id);
    if (s.values.use_template && templateId.success) {
      const t = await db.query.templates.findFirst({ where: eq(templates.id, templateId.data) });
      if (t?.channel === "email") Object.assign(s.values, { subject: t.subject, body: t.body });
      else if (t?.channel === "sms") s.values.body = t.body;
      else if (t?.channel === "voice") s.values.voice_script = t.body;
    }
    const props = await composeProps(c, s, {}, await formMessage(c, s));
    return c.html(isPartial(c) ? MessageForm(props) : ComposePage(props));
  })
  .post("/count", async (c) => {
    const { db } = c.get("deps");
    const s = await bodyState(c);
    const tz = (await getSettings(db)).timeZone;
    const count = await countData(c, s, tz);
    const jobsChosen = s.values.job_id ? [Number(s.values.job_id)] : (s.lists["filters.job_ids"] ?? []).map(Number).filter((n) => n > 0);
    const albumList = await albumsOfJobs(db, jobsChosen);
    // The album choice follows the chosen jobs.
    return c.html(`${await RecipientCount({ count })}${await AlbumFilter({ albums: albumList, state: s, errors: {}, jobsChosen: jobsChosen.length > 0, oob: true })}`);
  })
  .get("/excluded", async (c) => {
    const { db, clock } = c.get("deps");
    const q = excludedQuery.safeParse(c.req.query());
    if (!q.success) throw new HTTPException(400, { message: "That list needs its filters, channel and reason." });
    let raw: unknown;
    try {
      raw = JSON.parse(q.data.filters);
    } catch {
      throw new HTTPException(400, { message: "Those filters could not be read." });
    }
    const f = parseMessageFilters(raw);
    if (!f.ok) throw new HTTPException(400, { message: `Those filters are not valid: ${Object.values(f.errors)[0]}` });
    const tz = (await getSettings(db)).timeZone;
    const found = await excludedCustomers(db, f.filters, q.data.channel, q.data.reason as SkipReason, clock(), { timeZone: tz, limit: EXCLUDED_PAGE + 1, offset: q.data.offset });
    const props = { names: found.slice(0, EXCLUDED_PAGE), more: found.length > EXCLUDED_PAGE, filtersJson: JSON.stringify(f.filters), channel: q.data.channel, reason: q.data.reason, offset: q.data.offset };
    if (isPartial(c)) return c.html(ExcludedNames(props));
    return c.html(ExcludedPage({ user: c.get("user")!, csrf: c.get("csrfToken"), ...props }));
  })
  .post("/preview", async (c) => {
    const s = await bodyState(c);
    const preview = await buildPreview(c, s, await getSettings(c.get("deps").db));
    return c.html(MessagePreview({ preview }));
  })
  .post("/test", async (c) => {
    const s = await bodyState(c);
    const sent = await sendTest(c, s);
    if (isPartial(c)) {
      const result = sent.result ?? { ok: false, text: `The test was not sent: ${Object.entries(sent.errors ?? {}).map(([k, m]) => `${k === "test_phone" ? "phone" : k}: ${m}`).join("; ")}.` };
      return c.html(TestSendResult({ result }), sent.errors ? 422 : 200);
    }
    return renderCompose(c, s, sent.errors ?? {}, await formMessage(c, s), sent.errors ? 422 : 200, { testResult: sent.result });
  })

  // ------------------------------------------------------------ one message
  .get("/:id{[0-9]+}", async (c) => {
    const m = await loadMessage(c);
    if (m.status !== "draft") return renderMessage(c, m, doneFlash(c.req.query("done")));
    const tz = (await getSettings(c.get("deps").db)).timeZone;
    return renderCompose(c, stateFromMessage(m, tz), {}, m, 200, { flash: doneFlash(c.req.query("done")) });
  })
  .get("/:id{[0-9]+}/edit", async (c) => {
    const m = await loadMessage(c);
    if (m.status !== "draft" && m.status !== "scheduled") return c.redirect(`/messages/${m.id}`, 303);
    const tz = (await getSettings(c.get("deps").db)).timeZone;
    return renderCompose(c, stateFromMessage(m, tz), {}, m);
  })
  .post("/:id{[0-9]+}", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    const tooLate = () => renderMessage(c, m, { kind: "bad", text: `This message is ${m.status} already, so it can no longer be changed.` }, 409);
    if (m.status !== "draft" && m.status !== "scheduled") return tooLate();
    const s = await bodyState(c);
    const settings = await getSettings(db);
    const parsed = await parseCompose(c, s, settings);
    if (!parsed.ok) return renderCompose(c, s, parsed.errors, m, 422);
    if (s.values.intent === "send" && !parsed.input.to_address) {
      const counts = await countAudience(c, { channels: parsed.input.channels, filters: parsed.input.filters, toAddress: null, callOnlyIfNoSms: parsed.input.call_only_if_no_sms }, settings.timeZone);
      if (counts.every((x) => x.willReceive === 0)) return renderCompose(c, s, { recipients: "Nobody would receive this message with these filters. Widen them, or save it as a draft." }, m, 422);
    }
    const now = clock();
    // Back to draft first, so the scheduler cannot start it while it changes; an edit needs a new Send.
    const wasScheduled = m.status === "scheduled";
    if (wasScheduled && !(await setMessageStatus(db, m.id, ["scheduled"], "draft", now))) return renderMessage(c, (await getMessage(db, m.id))!, { kind: "bad", text: "It started sending meanwhile, so it can no longer be changed." }, 409);
    if (!(await updateMessage(db, m.id, parsed.input, now))) return renderMessage(c, (await getMessage(db, m.id))!, { kind: "bad", text: "It started sending meanwhile, so it can no longer be changed." }, 409);
    await audit(db, actorOf(c), wasScheduled ? "unscheduled_and_updated" : "updated", "message", m.id);
    return c.redirect(s.values.intent === "send" ? `/messages/${m.id}/send` : `/messages/${m.id}?done=${wasScheduled ? "unscheduled" : "saved"}`, 303);
  })
  .get("/:id{[0-9]+}/send", async (c) => {
    const m = await loadMessage(c);
    if (m.status !== "draft") return c.redirect(`/messages/${m.id}`, 303);
    return (await renderConfirm(c, m)).response;
  })
  .post("/:id{[0-9]+}/send", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    const confirm = await renderConfirm(c, m);
    if (confirm.problem) return confirm.response;
    const armed = await activateMessage(db, m.id, c.get("user")!.id, clock());
    if (!armed) return renderMessage(c, (await getMessage(db, m.id))!, { kind: "bad", text: "This message was changed meanwhile; check it and send again." }, 409);
    await audit(db, actorOf(c), "activated", "message", m.id, { recipients: Object.fromEntries(confirm.counts.map((x) => [x.channel, x.willReceive])) });
    return c.redirect(`/messages/${m.id}?done=armed`, 303);
  })
  .post("/:id{[0-9]+}/pause", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    if (!(await pauseMessage(db, m.id, clock()))) return renderMessage(c, m, { kind: "bad", text: `Only a message that is sending can be paused; this one is ${m.status}.` }, 409);
    await audit(db, actorOf(c), "paused", "message", m.id);
    return c.redirect(`/messages/${m.id}?done=paused`, 303);
  })
  .post("/:id{[0-9]+}/resume", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    const s = await getSettings(db);
    if (!(await resumeMessage(db, m.id, clock(), { batchSize: s.staggerBatchSize, intervalSeconds: s.staggerIntervalSeconds }))) {
      return renderMessage(c, m, { kind: "bad", text: `Only a paused message can be resumed; this one is ${m.status}.` }, 409);
    }
    await audit(db, actorOf(c), "resumed", "message", m.id);
    return c.redirect(`/messages/${m.id}?done=resumed`, 303);
  })
  .post("/:id{[0-9]+}/cancel", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    if (!(await cancelMessage(db, m.id, clock()))) return renderMessage(c, m, { kind: "bad", text: `This message is ${m.status} already; there is nothing left to cancel.` }, 409);
    await audit(db, actorOf(c), "cancelled", "message", m.id);
    return c.redirect(`/messages/${m.id}?done=cancelled`, 303);
  })
  .get("/:id{[0-9]+}/events", async (c) => {
    const deps = c.get("deps");
    const first = await loadMessage(c);
    const tz = (await getSettings(deps.db)).timeZone;
    const csrf = c.get("csrfToken");
    // Counted once per connection: what an armed message will reach, shown until it starts.
    const armedFor = first.status === "scheduled" ? armedPhrase(await countAudience(c, fromMessage(first), tz)) : null;
    return streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      for (let i = 0; i < SSE_MAX_EVENTS && open; i++) {
        const m = await getMessage(deps.db, first.id);
        if (!m) break;
        const progress = await messageProgress(deps.db, m, deps.clock(), tz);
        if (m.status === "scheduled") progress.armedFor = armedFor;
        // The numbers, and out of band the status badge and buttons, which change as the send moves on.
        const html = `${await ProgressBody({ progress, messageId: m.id })}${await MessageActions({ message: m, csrf, oob: true })}`;
        await stream.writeSSE({ id: String(i), data: html });
        // A finished send (or one returned to draft) has nothing more to say: the page closes on "done".
        if (progress.finished || m.status === "draft") {
          await stream.writeSSE({ event: "done", data: m.status });
          break;
        }
        await stream.sleep(SSE_INTERVAL_MS);
      }
    });
  })
  .get("/:id{[0-9]+}/report.csv", async (c) => {
    const m = await loadMessage(c);
    const rows = await notReached(c.get("deps").db, m.id);
    const csv = Papa.unparse(
      {
        fields: ["first_name", "last_name", "channel", "address", "status", "reason"],
        data: rows.map((r) => [r.firstName ?? "", r.lastName ?? "", r.channel, r.address ?? "", r.status, reasonLabel(r.reason)]),
      },
      // A name like "=HYPERLINK(…)" must stay text when the file is opened in a spreadsheet.
      { escapeFormulae: true },
    );
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="message-${m.id}-not-reached.csv"`);
    return c.body(`\ufeff${csv}\r\n`);
  });
