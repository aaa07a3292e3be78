// The compose form's state (SPEC O2, O5, U3): what it sent kept as typed, the state of a saved
// message, the filters and channels it stands for, and its check against the one schema
// forms and the API share. Errors come back as values keyed by the form's own field names.
import { studioCountry } from "../core/country.ts";
import { smsLineBreaks, smsSaveCheck } from "../core/sms-text.ts";
import { editablePhone } from "../core/phone.ts";
import type { Values } from "../core/form-state.ts";
import type { ComposeState } from "../core/message-pages.ts";
import { type MessageFilters, storedMessageFilters } from "../core/message-filters.ts";
import { type MessageInput, messageInput } from "../core/message-input.ts";
import { zonedParts, zonedTimeToInstant } from "../core/send-window.ts";
import { staffTime } from "../core/date-format.ts";
import { type FieldErrors, fieldErrors } from "../core/validation.ts";
import { AUDIO_KINDS, MAX_AUDIO_BYTES, sniffUpload } from "../core/file-types.ts";
import { audioFileProblem, missingImagesIn, storeFile } from "../db/files.ts";
import type { Message } from "../db/messages.ts";
import { loadSnippets } from "../db/recipient-rows.ts";
import type { StudioSettings } from "../db/schema.ts";
import { type Channel, CHANNELS } from "../core/vocabulary.ts";
import type { Ctx } from "../http/env.ts";
import { typedValues } from "../http/form-values.ts";
import { draftOfInput, emptyValueProblems, missingJobProblem } from "./message-values.ts";
import { FILE_LIST_FIELDS } from "./message-files.ts";
import { contentFileProblems } from "../db/attachment-files.ts";

const LIST_FILTERS = [
  "job_ids",
  "job_statuses",
  "years",
  "album_ids",
  "job_types",
  "appointment_ids",
  "appointment_statuses",
  "customer_ids",
] as const;
const SCALAR_FILTERS = ["audience", "condition", "appointment_from", "appointment_to"] as const;
const LIST_FIELDS = ["channels", ...FILE_LIST_FIELDS, ...LIST_FILTERS.map((k) => `filters.${k}`)];

const strings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string" && x !== "");

/** What the compose form sent, kept as typed. */
export function formState(body: Record<string, unknown>): ComposeState {
  const lists: Record<string, string[]> = {};
  for (const k of LIST_FIELDS) lists[k] = strings(body[k]);
  const single: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!LIST_FIELDS.includes(k)) single[k] = Array.isArray(v) ? v.at(-1) : v;
  // The form's one edge for the SMS's line breaks: the save, the preview and the test all read these values.
  if (typeof single.sms_body === "string") single.sms_body = smsLineBreaks(single.sms_body);
  return { values: typedValues(single), lists };
}

/** The compose form in the request's body. */
export async function bodyState(c: Ctx): Promise<ComposeState> {
  return formState(await c.req.parseBody({ all: true }));
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A `datetime-local` value for an instant, in `timeZone`. */
function localInput(d: Date, timeZone: string): string {
  const p = zonedParts(d, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** "Mon 2026-09-14 09:30 CEST" in `timeZone`: the staff form with the weekday, for plans. */
export function formatInstant(d: Date, timeZone: string): string {
  return staffTime(d, timeZone, { weekday: true });
}

/** The form's state for a saved message. */
export function stateFromMessage(m: Message, timeZone: string): ComposeState {
  const f = storedFilters(m);
  const values: Values = {
    name: m.name,
    subject: m.subject,
    preheader: m.preheader,
    body: m.body,
    sms_body: m.smsBody,
    voice_script: m.voiceScript,
    voice_audio_id: m.voiceFileId ? String(m.voiceFileId) : "",
    voice_name: m.voiceName,
    voice_language: m.voiceLanguage,
    call_only_if_no_sms: m.callOnlyIfNoSms ? "on" : "",
    // A number is stored in E.164; international format reads back as the same number in any country.
    to_address: m.toAddress?.startsWith("+") ? editablePhone(m.toAddress) : (m.toAddress ?? ""),
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

/** A saved message's filters; none when they no longer parse. */
export function storedFilters(m: Pick<Message, "filters">): MessageFilters {
  const r = storedMessageFilters.safeParse(m.filters ?? {});
  return r.success ? r.data : {};
}

/** The raw filter object of a form state; a message started from a job keeps to that job. */
export function rawFilters(s: ComposeState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of LIST_FILTERS) out[k] = s.lists[`filters.${k}`] ?? [];
  for (const k of SCALAR_FILTERS) out[k] = s.values[`filters.${k}`] ?? "";
  if (s.values.job_id) out.job_ids = [s.values.job_id];
  return out;
}

/** A message to one typed address rather than to filters. */
export const single = (s: ComposeState) => s.values.mode === "address";
/** The channels chosen, in the order the app lists them. */
export const stateChannels = (s: ComposeState): Channel[] =>
  CHANNELS.filter((ch) => (s.lists.channels ?? []).includes(ch));

/** Error keys as the form names its fields: `filters.years.0` → `filters.years`, `send_at` → `send_at_local`. */
function formErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, msg] of Object.entries(errors)) {
    const key =
      k === "send_at"
        ? "send_at_local"
        : k === "voice_audio_id"
          ? "voice_audio"
          : k.replace(/^(filters\.\w+)\..*$/, "$1");
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
  if (at.getTime() < now.getTime() - 60_000)
    return { error: `is in the past (it is ${formatInstant(now, timeZone)}): choose a later time, or send now` };
  return { at };
}

type Parsed = { ok: true; input: MessageInput } | { ok: false; errors: FieldErrors };

/** Checks the compose form with the one schema forms and the API share (SPEC U3). */
export async function parseCompose(c: Ctx, s: ComposeState, settings: StudioSettings): Promise<Parsed> {
  const { db, clock } = c.get("deps");
  const snippetKeys = Object.keys(await loadSnippets(db));
  const when = sendAtFrom(s, settings.timeZone, clock());
  const v = s.values;
  const raw = {
    name: v.name,
    channels: s.lists.channels ?? [],
    subject: v.subject,
    preheader: v.preheader,
    body: v.body,
    sms_body: v.sms_body,
    voice_script: v.voice_script,
    // A recording goes with a call; with the voice channel unticked it is left behind, not refused.
    voice_audio_id: (s.lists.channels ?? []).includes("voice") ? v.voice_audio_id : undefined,
    voice_name: v.voice_name,
    voice_language: v.voice_language,
    // The option shows only with SMS and voice both chosen; hidden, it is not asked for.
    call_only_if_no_sms:
      (s.lists.channels ?? []).includes("sms") && (s.lists.channels ?? []).includes("voice")
        ? (v.call_only_if_no_sms ?? "")
        : "",
    filters: single(s) ? {} : rawFilters(s),
    to_address: single(s) ? (v.to_address ?? "") : undefined,
    send_at: when.at?.toISOString(),
    job_id: single(s) ? undefined : v.job_id,
    attachment_ids: s.lists.attachment_ids ?? [],
    media_ids: s.lists.media_ids ?? [],
  };
  const r = messageInput(
    snippetKeys,
    studioCountry(settings),
    smsSaveCheck(settings, c.get("deps").config.publicUrl),
  ).safeParse(raw);
  const errors = r.success ? {} : formErrors(fieldErrors(r.error));
  if (single(s) && !v.to_address?.trim()) errors.to_address ??= "Enter the e-mail address or phone number to send to";
  if (when.error) errors.send_at_local = when.error;
  if (!r.success || Object.keys(errors).length) return { ok: false, errors };
  const audioProblem = r.data.voice_audio_id ? await audioFileProblem(db, r.data.voice_audio_id) : null;
  if (audioProblem) return { ok: false, errors: { voice_audio: `The recording ${audioProblem}` } };
  const fileProblems = await contentFileProblems(db, r.data);
  if (Object.keys(fileProblems).length) return { ok: false, errors: fileProblems };
  const missingImages = r.data.channels.includes("email")
    ? await missingImagesIn(db, r.data.body ?? "", settings.publicUrl || c.get("deps").config.publicUrl)
    : null;
  if (missingImages) return { ok: false, errors: { body: missingImages } };
  const missingJob = await missingJobProblem(db, r.data.job_id ?? null);
  if (Object.keys(missingJob).length) return { ok: false, errors: missingJob };
  // A value that would be empty for everyone is refused beside its field, naming the placeholder.
  const empty = await emptyValueProblems(db, draftOfInput(r.data));
  if (Object.keys(empty).length) return { ok: false, errors: empty };
  return { ok: true, input: r.data };
}

/**
 * The recording chosen in the compose form's file field (SPEC A2), checked by its bytes, never its
 * name or declared type: stored, and its id put into the form's state, so it stays attached while
 * the rest of the form is put right; or the problem beside the field, and nothing stored. "Remove
 * the recording" takes it off the form. Empty when there is nothing to say.
 */
export async function takeAudioUpload(c: Ctx, s: ComposeState): Promise<FieldErrors> {
  const { db, clock } = c.get("deps");
  if (s.values.remove_audio) s.values.voice_audio_id = "";
  const body = await c.req.parseBody({ all: true });
  const sent = body.voice_audio;
  const file = Array.isArray(sent) ? sent.at(-1) : sent;
  // A file field left empty still sends a part: no name, no bytes.
  if (!(file instanceof File) || (file.size === 0 && !file.name)) return {};
  const bytes = new Uint8Array(await file.arrayBuffer());
  const verdict = sniffUpload(bytes, AUDIO_KINDS, MAX_AUDIO_BYTES);
  if (!verdict.ok) return { voice_audio: `${file.name || "The file"} ${verdict.problem}. Nothing was saved.` };
  const stored = await storeFile(
    db,
    { bytes, originalName: file.name, kind: verdict.kind, userId: c.get("user")?.id ?? null },
    clock(),
  );
  s.values.voice_audio_id = String(stored.id);
  return {};
}
