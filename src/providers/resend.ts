// E-mail through Resend (SPEC D1, D3) with the real SDK. The SDK never throws: it answers
// `{ data, error, headers }`, where `error` is Resend's JSON error body ({ statusCode, name,
// message }) and `headers` keeps Retry-After, so failures are translated here.
import { batchKey } from "../core/delivery-key.ts";
import type { CreateEmailOptions, ErrorResponse, Resend, WebhookEventPayload } from "resend";
import {
  type EmailMessage,
  type EmailProvider,
  httpFailure,
  PROVIDER_TIMEOUT_MS,
  ProviderError,
  type SendOutcome,
} from "./types.ts";

let sdk: Promise<typeof Resend> | undefined;
/** The SDK, loaded at its first use rather than at start, which need not wait for it. */
const resendSdk = (): Promise<typeof Resend> => (sdk ??= import("resend").then((m) => m.Resend));

export type ResendProviderOptions = {
  apiKey: string;
  /** Where the API lives; unset means the SDK's choice (RESEND_BASE_URL, else api.resend.com). */
  baseUrl?: string;
  clock?: () => Date;
  timeoutMs?: number;
};

/** An EmailProvider over the Resend SDK. Each e-mail's idempotency key is its delivery key. */
export function createResendProvider(opts: ResendProviderOptions): EmailProvider {
  let loaded: Promise<Resend> | undefined;
  const resendClient = () => (loaded ??= resendSdk().then((Sdk) => new Sdk(opts.apiKey, { baseUrl: opts.baseUrl })));
  const now = opts.clock ?? (() => new Date());
  const timeoutMs = opts.timeoutMs ?? PROVIDER_TIMEOUT_MS;

  return {
    name: "resend",

    async send(message) {
      const res = await (
        await resendClient()
      ).emails.send(toResend(message), {
        idempotencyKey: message.idempotencyKey,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.error) return { ok: false, error: failure(res.error, res.headers, now()) };
      return { ok: true, providerId: res.data.id };
    },

    async sendBatch(messages, batchOpts) {
      if (messages.length === 0) return [];
      // Permissive validation: one bad address fails only its own e-mail, not the other 99.
      const res = await (
        await resendClient()
      ).batch.send(messages.map(toResend), {
        idempotencyKey: batchOpts?.idempotencyKey ?? batchIdempotencyKey(messages),
        batchValidation: "permissive" as const,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.error) {
        const error = failure(res.error, res.headers, now());
        return messages.map(() => ({ ok: false, error }));
      }
      return batchOutcomes(messages.length, res.data.data, res.data.errors);
    },
  };
}

/** The default key of a batch: from its members' keys (see batchKey). */
export function batchIdempotencyKey(messages: EmailMessage[]): string {
  return batchKey(messages.map((m) => m.idempotencyKey));
}

function toResend(m: EmailMessage): CreateEmailOptions {
  return {
    from: m.from,
    to: m.to,
    replyTo: m.replyTo,
    subject: m.subject,
    html: m.html,
    text: m.text,
    headers: m.headers,
    tags: m.tags,
    attachments: m.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  };
}

function failure(error: ErrorResponse, headers: Record<string, string> | null, now: Date): ProviderError {
  // Resend documents this 409 as "safe to retry later": the first request is still running.
  if (error.name === "concurrent_idempotent_requests")
    return new ProviderError("transient", error.message, { status: error.statusCode ?? 409, code: error.name });
  // statusCode is null when no answer came back at all (network error, timeout).
  return httpFailure(error.statusCode, error.message, { code: error.name, retryAfter: headers?.["retry-after"], now });
}

/** In permissive mode Resend lists the accepted e-mails' ids in order and the refused ones by index. */
function batchOutcomes(
  count: number,
  accepted: { id: string }[],
  refused: { index: number; message: string }[] = [],
): SendOutcome[] {
  const refusedAt = new Map(refused.map((r) => [r.index, r.message]));
  if (accepted.length + refusedAt.size !== count) {
    const error = new ProviderError(
      "transient",
      `Resend answered for ${accepted.length + refusedAt.size} of ${count} e-mails in the batch`,
    );
    return Array.from({ length: count }, () => ({ ok: false, error }));
  }
  const ids = accepted.values();
  return Array.from({ length: count }, (_, i): SendOutcome => {
    const refusal = refusedAt.get(i);
    if (refusal !== undefined)
      return {
        ok: false,
        error: new ProviderError("permanent", refusal, { status: 422, code: "validation_error", perMessage: true }),
      };
    return { ok: true, providerId: ids.next().value!.id };
  });
}

/**
 * Checks a Resend webhook's Svix signature (svix-id, svix-timestamp, svix-signature headers;
 * timestamps older than five minutes are refused) and returns the parsed event, or throws.
 */
export async function verifyResendWebhook(
  secret: string,
  rawBody: string,
  headers: Headers | Record<string, string | undefined>,
): Promise<WebhookEventPayload> {
  const get = (name: string) =>
    headers instanceof Headers
      ? (headers.get(name) ?? "")
      : (Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1] ?? "");
  // verify() needs no API access, but the SDK only offers it on a client, and a client needs a key.
  const Sdk = await resendSdk();
  return new Sdk("re_verify_only").webhooks.verify({
    payload: rawBody,
    headers: { id: get("svix-id"), timestamp: get("svix-timestamp"), signature: get("svix-signature") },
    webhookSecret: secret,
  });
}
