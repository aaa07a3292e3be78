// The one small interface per channel that the dispatcher sends through (SPEC D1). Adapters
// translate to and from a provider and report failures by kind (D5); they never decide what
// to do about them.
import type { FailureKind } from "../core/retry-policy.ts";

/**
 * How long a provider request may take before the adapter gives up on it. The dispatcher relies on
 * it: an attempt older than this is no longer in flight, so the provider can be asked about it.
 */
export const PROVIDER_TIMEOUT_MS = 30_000;

/**
 * The name of the tag each e-mail carries with its delivery's id, so a webhook can find it before
 * its send is acknowledged. It holds the install's id: another install on the same Resend account
 * (whose events may reach this one) has other tags.
 */
export const deliveryTag = (installId: string) => `pigeon_${installId}`;

export type EmailMessage = {
  to: string;
  from: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** Extra MIME headers, e.g. List-Unsubscribe and List-Unsubscribe-Post. */
  headers: Record<string, string>;
  /** The delivery key: a retried send with the same key is not sent twice (D3, D4). */
  idempotencyKey: string;
  tags?: { name: string; value: string }[];
  /** `link`: where staff can open the file in Pigeon (the dev outbox shows it); never sent to the provider. */
  attachments?: { filename: string; content: Buffer; contentType: string; link?: string }[];
};

export type EmailProvider = {
  name: "resend" | "dev";
  /**
   * At most 100 messages and none with attachments; one outcome per message, in order.
   * `idempotencyKey` is the batch's own (by default made from the members' keys, see batchKey).
   */
  sendBatch(messages: EmailMessage[], opts?: { idempotencyKey?: string }): Promise<SendOutcome[]>;
  send(message: EmailMessage): Promise<SendOutcome>;
};

export type SmsMessage = {
  to: string;
  /** An E.164 number, or a Twilio messaging service SID (MG…). */
  from: string;
  body: string;
  mediaUrls?: string[];
  statusCallback?: string;
  /** Our delivery key. Twilio has no field for it; put it in `statusCallback` to get it back. */
  clientRef: string;
};

/** A message or call the provider has on record, found while reconciling (D4): its id, status and when it was created. */
export type SentRecord = { id: string; status: string; createdAt: Date | null };

export type SmsProvider = {
  name: "twilio" | "dev";
  send(message: SmsMessage): Promise<SendOutcome>;
  /** Messages with exactly this body to this number since then, newest first. For crash reconciliation (D4). */
  findSent(to: string, body: string, since: Date): Promise<SentRecord[]>;
};

export type VoiceCall = {
  to: string;
  from: string;
  twimlUrl: string;
  statusCallback?: string;
  clientRef: string;
  /**
   * Twilio's answering-machine detection: "DetectMessageEnd" asks for the TwiML only after a
   * voicemail's beep (with `AnsweredBy`), so the recording hears the whole message.
   */
  machineDetection?: "Enable" | "DetectMessageEnd";
};

export type VoiceProvider = {
  name: "twilio" | "dev";
  call(call: VoiceCall): Promise<SendOutcome>;
  /** Calls to this number placed since then, newest first. For crash reconciliation (D4). */
  findCall(to: string, since: Date): Promise<SentRecord[]>;
};

export type LineType = "mobile" | "landline" | "voip" | "unknown";

export type LookupProvider = {
  name: "twilio" | "dev";
  lineType(phone: string): Promise<LineType>;
};

export type SendOutcome = { ok: true; providerId: string; status?: string } | { ok: false; error: ProviderError };

/** A failed provider call, classified for the retry policy (D5). The message is the provider's own. */
export class ProviderError extends Error {
  override name = "ProviderError";
  readonly kind: FailureKind;
  readonly status?: number;
  /** The provider's error code: Twilio's number (21610 = recipient replied STOP) or Resend's name. */
  readonly code?: string | number;
  readonly retryAfterMs?: number;
  readonly moreInfo?: string;
  /**
   * One message refused inside a batch the provider took (the others' outcomes stand); otherwise
   * the whole request was refused or never answered, and it tells nothing about its members.
   */
  readonly perMessage: boolean;

  constructor(
    kind: FailureKind,
    message: string,
    details: {
      status?: number;
      code?: string | number;
      retryAfterMs?: number;
      moreInfo?: string;
      perMessage?: boolean;
    } = {},
  ) {
    super(message);
    this.kind = kind;
    this.status = details.status;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
    this.moreInfo = details.moreInfo;
    this.perMessage = details.perMessage ?? false;
  }
}

/** Classifies an HTTP failure per D5: 429 waits, 5xx and no status (network) retry, other 4xx are final. */
export function httpFailure(
  status: number | null | undefined,
  message: string,
  details: { code?: string | number; retryAfter?: string | null; moreInfo?: string; now: Date },
): ProviderError {
  const common = { status: status ?? undefined, code: details.code, moreInfo: details.moreInfo };
  if (status === 429)
    return new ProviderError("rate_limited", message, {
      ...common,
      retryAfterMs: parseRetryAfter(details.retryAfter, details.now),
    });
  if (!status || status >= 500) return new ProviderError("transient", message, common);
  return new ProviderError("permanent", message, common);
}

/** A Retry-After header (delay in seconds, or an HTTP date) as milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
