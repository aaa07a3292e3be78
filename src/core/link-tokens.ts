// Signed tokens in customer-facing links (SPEC L1–L5). A token names one customer and one
// purpose, so a leaked unsubscribe link cannot open someone's gallery. It rides in SMS, so it
// is kept short: a compact base36 payload and an HMAC-SHA256 cut to 128 bits.
import { createHmac, timingSafeEqual } from "node:crypto";
import { sha256Hex } from "./crypto.ts";
import type { Channel } from "./vocabulary.ts";

export const LINK_PURPOSES = [
  "unsubscribe",
  "preferences",
  "gallery",
  "view",
  "appointment",
  "confirm",
  "track",
  "open",
] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

export type LinkTokenPayload = {
  purpose: LinkPurpose;
  customerId: number;
  /** The delivery (view, unsubscribe) or appointment the link is about. */
  subjectId?: number;
  channel?: Channel;
  expiresAt?: Date;
  /** A tracked link (`track`): the tracked_links row it forwards to. */
  linkId?: number;
};
/** An expired link was signed by us, so the customer it names is known (to answer in their language). */
export type LinkTokenError =
  | { error: "malformed" | "bad_signature" | "wrong_purpose" }
  | { error: "expired"; customerId: number };

const PURPOSE_CODES: Record<LinkPurpose, string> = {
  unsubscribe: "u",
  preferences: "p",
  gallery: "g",
  view: "v",
  appointment: "a",
  confirm: "c",
  track: "t",
  open: "o",
};

/**
 * How long a link of each purpose works. A preferences link shows (masked) contact details and
 * can turn e-mail back on, and e-mails get forwarded: it lasts 60 days, and one without an
 * expiry (made before links expired) counts as expired. A confirmation (the text that turns on
 * SMS or calls) lasts 2 days. Unsubscribe links never expire: the law wants them working for
 * at least 30 days after sending (CAN-SPAM), mail clients follow List-Unsubscribe from old
 * mail, and all they can do is send less. Gallery and view links show what the message did.
 * Tracked links (`track`) and the open pixel (`open`) never expire either: mail is read late, and
 * the address they forward to was in the message anyway.
 */
export const LINK_LIFETIME_DAYS: Partial<Record<LinkPurpose, number>> = { preferences: 60, confirm: 2 };

/** When a link made now for `purpose` stops working, or undefined if it never does. */
export function linkExpiresAt(purpose: LinkPurpose, now: Date): Date | undefined {
  const days = LINK_LIFETIME_DAYS[purpose];
  return days === undefined ? undefined : new Date(now.getTime() + days * 24 * 3600_000);
}
/**
 * When a link of `purpose` that stops working at `expiresAt` was made (tokens carry no issue
 * time; this assumes the lifetime has not changed since), or undefined if that cannot be told.
 */
export function linkIssuedAt(purpose: LinkPurpose, expiresAt: Date | undefined): Date | undefined {
  const days = LINK_LIFETIME_DAYS[purpose];
  return days === undefined || !expiresAt ? undefined : new Date(expiresAt.getTime() - days * 24 * 3600_000);
}
const CHANNEL_CODES: Record<Channel, string> = { email: "e", sms: "s", voice: "v" };
const SIGNATURE_BYTES = 16;
// Keeps these signatures apart from anything else keyed with the same secret.
const DOMAIN = "pigeon-link-v1.";

const sign = (secret: string, payload: string) =>
  createHmac("sha256", secret)
    .update(DOMAIN + payload)
    .digest()
    .subarray(0, SIGNATURE_BYTES)
    .toString("base64url");
const invert = <K extends string>(codes: Record<K, string>) =>
  new Map(Object.entries(codes).map(([k, v]) => [v as string, k as K]));
const PURPOSES_BY_CODE = invert(PURPOSE_CODES);
const CHANNELS_BY_CODE = invert(CHANNEL_CODES);

/** A URL-safe token for one customer and purpose: `<payload>.<signature>`, both base64url. */
export function signLinkToken(secret: string, payload: LinkTokenPayload): string {
  if (!Number.isSafeInteger(payload.customerId) || payload.customerId <= 0)
    throw new Error("customerId must be a positive integer");
  if (payload.subjectId !== undefined && (!Number.isSafeInteger(payload.subjectId) || payload.subjectId < 0))
    throw new Error("subjectId must be a whole number");
  if (payload.linkId !== undefined && (!Number.isSafeInteger(payload.linkId) || payload.linkId <= 0))
    throw new Error("linkId must be a positive integer");
  const fields = [
    PURPOSE_CODES[payload.purpose],
    payload.customerId.toString(36),
    payload.subjectId?.toString(36) ?? "",
    payload.channel ? CHANNEL_CODES[payload.channel] : "",
    payload.expiresAt ? Math.floor(payload.expiresAt.getTime() / 1000).toString(36) : "",
    // Added last, so every token made before it reads exactly as it did.
    payload.linkId?.toString(36) ?? "",
  ];
  while (fields.at(-1) === "") fields.pop();
  const encoded = Buffer.from(fields.join(":")).toString("base64url");
  return `${encoded}.${sign(secret, encoded)}`;
}

/** The token's payload if it is genuine, meant for `purpose` and not expired at `now`; else why not. */
export function verifyLinkToken(
  secret: string,
  token: string,
  purpose: LinkPurpose,
  now: Date,
): LinkTokenPayload | LinkTokenError {
  const match = /^([A-Za-z0-9_-]{1,120})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!match) return { error: "malformed" };
  const encoded = match[1]!;
  const signature = match[2]!;
  // Comparing the canonical text, not decoded bytes: base64url decoding ignores spare bits,
  // so two spellings would otherwise pass for one signature.
  const expected = Buffer.from(sign(secret, encoded));
  if (!timingSafeEqual(expected, Buffer.from(signature))) return { error: "bad_signature" };
  const payload = decodePayload(Buffer.from(encoded, "base64url").toString());
  if (!payload) return { error: "malformed" };
  if (payload.purpose !== purpose) return { error: "wrong_purpose" };
  if (payload.expiresAt && now.getTime() >= payload.expiresAt.getTime())
    return { error: "expired", customerId: payload.customerId };
  if (!payload.expiresAt && LINK_LIFETIME_DAYS[purpose] !== undefined)
    return { error: "expired", customerId: payload.customerId };
  return payload;
}

function decodePayload(text: string): LinkTokenPayload | undefined {
  const [purposeCode, customer, subject, channelCode, expires, link, ...rest] = text.split(":");
  const purpose = PURPOSES_BY_CODE.get(purposeCode ?? "");
  const number = (s: string | undefined) => (s && /^[0-9a-z]{1,11}$/.test(s) ? parseInt(s, 36) : undefined);
  const customerId = number(customer);
  if (!purpose || !customerId || rest.length > 0) return undefined;
  const payload: LinkTokenPayload = { purpose, customerId };
  if (subject) payload.subjectId = number(subject);
  if (channelCode) payload.channel = CHANNELS_BY_CODE.get(channelCode);
  if (expires) payload.expiresAt = new Date((number(expires) ?? NaN) * 1000);
  if (link) payload.linkId = number(link);
  const broken =
    (link && !payload.linkId) ||
    (subject && payload.subjectId === undefined) ||
    (channelCode && !payload.channel) ||
    (payload.expiresAt && Number.isNaN(payload.expiresAt.getTime()));
  return broken ? undefined : payload;
}

type PhoneChannel = "sms" | "voice";
// A confirmation link names the phone it was texted to (a hash, so the token stays short) and
// the channels asked for: `subjectId = hash * 4 + (sms ? 1 : 0) + (voice ? 2 : 0)`. A number
// changed since then makes the link invalid.
const phoneHash = (phone: string) => parseInt(sha256Hex(phone).slice(0, 10), 16);

/** The subject of a confirmation link for turning `channels` on at `phone`. */
export function confirmationSubject(phone: string, channels: PhoneChannel[]): number {
  return phoneHash(phone) * 4 + (channels.includes("sms") ? 1 : 0) + (channels.includes("voice") ? 2 : 0);
}

/** The channels a confirmation link turns on, or none when it was sent to another number. */
export function confirmedChannels(subject: number, phone: string): PhoneChannel[] {
  if (Math.floor(subject / 4) !== phoneHash(phone)) return [];
  return (["sms", "voice"] as const).filter((_, i) => subject & (1 << i));
}
