// E-mail attachments and MMS pictures (SPEC T5): the limits staff see before sending and the
// checks both the forms and the API apply. Pure: file facts in, problems in words out.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";
import { type FileKind, FILE_KINDS } from "./file-types.ts";

const MB = 1024 * 1024;

/**
 * The most an e-mail's files may add up to. Resend takes at most 40 MB per e-mail counted AFTER
 * base64, which grows files by a third: 40 MB of base64 is 30 MB of files. 28 MB leaves room for the
 * e-mail's HTML, text and headers, so an e-mail the review allowed is never refused by Resend.
 */
export const MAX_ATTACHMENT_BYTES = 28 * MB;
/** Twilio's limit for all the media of one MMS together. */
export const MAX_MMS_BYTES = 5 * MB;
/** Twilio's limit on pictures per MMS. */
export const MAX_MMS_PICTURES = 10;
/** E-mail attachments: PDFs and images. */
export const ATTACHMENT_KINDS: readonly FileKind[] = ["pdf", "png", "jpeg", "gif", "webp"];
/** The pictures every US and Canadian carrier shows in an MMS (Twilio resizes these, and only these, to fit). */
export const MMS_KINDS: readonly FileKind[] = ["jpeg", "png", "gif"];

const mimesOf = (kinds: readonly FileKind[]) => new Set(kinds.map((k) => FILE_KINDS[k].mime));
const ATTACHMENT_MIMES = mimesOf(ATTACHMENT_KINDS);
const MMS_MIMES = mimesOf(MMS_KINDS);

/** "12.3 MB" / "450 KB", as the limits are written. */
export const sizeText = (bytes: number) =>
  bytes < MB
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / MB).toLocaleString("en", { maximumFractionDigits: 1 })} MB`;

/**
 * MMS reaches numbers in the US and Canada only. Not every +1 number: the North American plan
 * also holds Jamaica (+1 876), the Bahamas (+1 242), the Dominican Republic (+1 809) and more,
 * where Twilio does not deliver MMS; so the number's region decides, by libphonenumber's tables.
 * Elsewhere the text goes without the pictures; the review counts those recipients first.
 */
export const mmsReaches = (e164: string) => {
  const region = parsePhoneNumberFromString(e164)?.country;
  return region === "US" || region === "CA";
};

/** What staff read beside the pictures and on the review. */
export const MMS_ELSEWHERE =
  "Pictures reach US and Canadian numbers only: other numbers (also other +1 countries, like Jamaica) get the text without them.";

/**
 * A list of file ids: a JSON array of ids, or a form's repeated field (one string, or several).
 * Duplicates are kept out; an id that names no file is found by the caller, which has the database.
 */
export const fileIdList = z.preprocess(
  (v) => {
    if (v === undefined || v === null || v === "") return [];
    // Only a form's single value is made a list: an object (JSON `{"0": 5}`) is refused whole,
    // naming the field, not as if it were the list's first id.
    if (typeof v === "object" && !Array.isArray(v)) return v;
    const list = Array.isArray(v) ? v : [v];
    const ids = list
      .filter((x) => x !== "")
      .map((x) => (typeof x === "string" && /^\d+$/.test(x.trim()) ? Number(x) : x));
    // Duplicates go before the count: the same file chosen twice is one file, not two of the 50.
    return [...new Set(ids)];
  },
  z
    .array(z.number({ error: "must be file ids (whole numbers)" }).int().positive("must be positive file ids"), {
      error: "must be a list of file ids",
    })
    .max(50, "at most 50 files"),
);

export type FileFacts = { id: number; originalName: string; mimeType: string; sizeBytes: number };

/** Why these files cannot be an e-mail's attachments (a kind it refuses, too large together), or null. */
export function attachmentProblem(files: readonly FileFacts[]): string | null {
  const odd = files.find((f) => !ATTACHMENT_MIMES.has(f.mimeType));
  if (odd) return `${odd.originalName} (file ${odd.id}) is ${odd.mimeType}: an e-mail attaches PDFs and images only`;
  const total = files.reduce((a, f) => a + f.sizeBytes, 0);
  if (total > MAX_ATTACHMENT_BYTES)
    return `the attachments add up to ${sizeText(total)}; an e-mail takes at most ${sizeText(MAX_ATTACHMENT_BYTES)} of files`;
  return null;
}

/** Why these files cannot be an SMS's MMS pictures (not JPEG/PNG/GIF, too many, too large together), or null. */
export function mmsProblem(files: readonly FileFacts[]): string | null {
  const odd = files.find((f) => !MMS_MIMES.has(f.mimeType));
  if (odd)
    return `${odd.originalName} (file ${odd.id}) is ${odd.mimeType}: an MMS carries JPEG, PNG or GIF pictures only`;
  if (files.length > MAX_MMS_PICTURES)
    return `${files.length} pictures chosen; an MMS carries at most ${MAX_MMS_PICTURES}`;
  const total = files.reduce((a, f) => a + f.sizeBytes, 0);
  if (total > MAX_MMS_BYTES)
    return `the pictures add up to ${sizeText(total)}; an MMS takes at most ${sizeText(MAX_MMS_BYTES)}`;
  return null;
}

export type ChosenFiles = { attachment_ids: number[]; media_ids: number[] };

/**
 * A notification's `attachment_ids` (an e-mail's) and `media_ids` (an SMS's), read beside its other
 * fields: a notification has one channel, so the other list is refused naming it.
 */
export function notificationFiles(
  raw: Record<string, unknown>,
  channel: string | undefined,
): { ok: true; value: ChosenFiles } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const read = (field: keyof ChosenFiles) => {
    const r = fileIdList.safeParse(raw[field]);
    if (!r.success) errors[field] = r.error.issues[0]?.message ?? "is not valid";
    return r.success ? r.data : [];
  };
  const value = { attachment_ids: read("attachment_ids"), media_ids: read("media_ids") };
  if (value.attachment_ids.length && channel !== "email")
    errors.attachment_ids ??= "only an e-mail carries attachments: this notification is not sent by e-mail";
  if (value.media_ids.length && channel !== "sms")
    errors.media_ids ??= "only an SMS carries MMS pictures: this notification is not sent by SMS";
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}
