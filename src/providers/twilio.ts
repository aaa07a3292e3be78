// SMS, calls and line-type lookups through Twilio (SPEC D1, D4, D10) with the real SDK.
import http from "node:http";
import type twilioSdkType from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient";
import {
  httpFailure,
  type LineType,
  type LookupProvider,
  PROVIDER_TIMEOUT_MS,
  ProviderError,
  type SmsProvider,
  type VoiceProvider,
} from "./types.ts";

export type TwilioProviderOptions = {
  accountSid: string;
  authToken: string;
  /** Sends every request (api.twilio.com and lookups.twilio.com alike) here instead, e.g. a local fake. */
  baseUrl?: string;
  clock?: () => Date;
  timeoutMs?: number;
};

// Twilio's timestamps have whole seconds and its clock is not ours; reconciliation looks this
// far before `since` so the message being looked for is never missed.
const CLOCK_SLACK_MS = 60_000;

type Twilio = typeof twilioSdkType;
let sdk: Promise<Twilio> | undefined;
/**
 * The SDK, loaded at its first use rather than at start: it is the largest module Pigeon has
 * (~50–90 ms of the compiled binary's start), and a process may never send an SMS.
 */
export const twilioSdk = (): Promise<Twilio> => (sdk ??= import("twilio").then((m) => m.default));

/**
 * The SDK's HTTP client, changed twice: requests go to `baseUrl` when one is set (the SDK has no
 * base-URL option), and an error answer becomes a ProviderError right here, because the SDK's
 * RestException drops the response headers, and Retry-After with them.
 */
function twilioHttpClient(twilio: Twilio, baseUrl: string | undefined, now: () => Date, timeout: number) {
  class TwilioHttpClient extends twilio.RequestClient {
    readonly #baseUrl: string | undefined;
    readonly #now: () => Date;

    constructor() {
      super({ timeout });
      this.#baseUrl = baseUrl;
      this.#now = now;
      // The SDK keeps its HTTPS connections alive; a plain-HTTP base URL (a local stand-in) gets the
      // same, instead of a new connection for every request.
      if (baseUrl?.startsWith("http:")) this.axios.defaults.httpAgent = new http.Agent({ keepAlive: true });
    }

    override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
      const res = await super.request<TData>(this.#baseUrl ? { ...opts, uri: rebase(opts.uri, this.#baseUrl) } : opts);
      if (res.statusCode >= 400) throw errorFromResponse(res.statusCode, res.body, res.headers, this.#now());
      return res;
    }
  }
  return new TwilioHttpClient();
}

function rebase(uri: string, baseUrl: string): string {
  const from = new URL(uri);
  const to = new URL(baseUrl);
  return `${to.origin}${to.pathname.replace(/\/$/, "")}${from.pathname}${from.search}`;
}

/** Twilio's error body is { code, message, more_info, status }; newer APIs answer RFC 9457 problem details. */
function errorFromResponse(
  status: number,
  body: unknown,
  headers: Record<string, unknown> | undefined,
  now: Date,
): ProviderError {
  const parsed = (typeof body === "string" ? safeJson(body) : body) as Record<string, unknown> | null;
  const message = String(parsed?.message ?? parsed?.detail ?? parsed?.title ?? `Twilio answered HTTP ${status}`);
  const code = typeof parsed?.code === "number" || typeof parsed?.code === "string" ? parsed.code : undefined;
  const moreInfo = typeof parsed?.more_info === "string" ? parsed.more_info : undefined;
  const retryAfter = headers?.["retry-after"];
  return httpFailure(status, message, {
    code,
    moreInfo,
    retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
    now,
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Failures the HTTP client did not already translate: no answer at all (refused, timed out). */
function toProviderError(e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = e as { isAxiosError?: boolean; message: string; code?: string };
  if (err?.isAxiosError) return new ProviderError("transient", err.message, { code: err.code });
  throw e;
}

/** SMS, voice and lookup providers sharing one Twilio client. */
export function createTwilioProviders(opts: TwilioProviderOptions): {
  sms: SmsProvider;
  voice: VoiceProvider;
  lookup: LookupProvider;
} {
  const now = opts.clock ?? (() => new Date());
  let loaded: Promise<ReturnType<Twilio>> | undefined;
  const twilioClient = () =>
    (loaded ??= twilioSdk().then((twilio) =>
      twilio(opts.accountSid, opts.authToken, {
        httpClient: twilioHttpClient(twilio, opts.baseUrl, now, opts.timeoutMs ?? PROVIDER_TIMEOUT_MS),
      }),
    ));

  const sms: SmsProvider = {
    name: "twilio",
    async send(m) {
      try {
        const sender = m.from.startsWith("MG") ? { messagingServiceSid: m.from } : { from: m.from };
        const msg = await (
          await twilioClient()
        ).messages.create({
          to: m.to,
          body: m.body,
          mediaUrl: m.mediaUrls,
          statusCallback: m.statusCallback,
          ...sender,
        });
        return { ok: true, providerId: msg.sid, status: msg.status };
      } catch (e) {
        return { ok: false, error: toProviderError(e) };
      }
    },
    // Listed by recipient only (newest first) and filtered here: Twilio documents its DateSent
    // filter in whole days, and a message still queued has no date_sent to match — yet that
    // is exactly the message a crash mid-send leaves behind.
    async findSent(to, body, since) {
      try {
        const recent = await (await twilioClient()).messages.list({ to, limit: 50 });
        return recent
          .filter((m) => m.body === body && createdSince(m.dateCreated, since))
          .map((m) => ({ id: m.sid, status: m.status, createdAt: m.dateCreated }));
      } catch (e) {
        throw toProviderError(e);
      }
    },
  };

  const voice: VoiceProvider = {
    name: "twilio",
    async call(c) {
      try {
        const call = await (
          await twilioClient()
        ).calls.create({
          to: c.to,
          from: c.from,
          url: c.twimlUrl,
          statusCallback: c.statusCallback,
          machineDetection: c.machineDetection,
        });
        return { ok: true, providerId: call.sid, status: call.status };
      } catch (e) {
        return { ok: false, error: toProviderError(e) };
      }
    },
    async findCall(to, since) {
      try {
        const recent = await (await twilioClient()).calls.list({ to, limit: 50 });
        return recent
          .filter((c) => createdSince(c.dateCreated, since))
          .map((c) => ({ id: c.sid, status: c.status, createdAt: c.dateCreated }));
      } catch (e) {
        throw toProviderError(e);
      }
    },
  };

  const lookup: LookupProvider = {
    name: "twilio",
    async lineType(phone) {
      try {
        const res = await (
          await twilioClient()
        ).lookups.v2
          .phoneNumbers(phone)
          .fetch({ fields: "line_type_intelligence" });
        return lineTypeOf(res.lineTypeIntelligence?.type);
      } catch (e) {
        throw toProviderError(e);
      }
    },
  };

  return { sms, voice, lookup };
}

function createdSince(created: Date | null, since: Date): boolean {
  return created !== null && created.getTime() >= since.getTime() - CLOCK_SLACK_MS;
}

/** Lookup's line types (mobile, landline, fixedVoip, nonFixedVoip, tollFree, …) in our four words. */
function lineTypeOf(type: string | undefined): LineType {
  if (type === "mobile" || type === "landline") return type;
  if (type === "fixedVoip" || type === "nonFixedVoip") return "voip";
  return "unknown";
}

/** Checks an X-Twilio-Signature against the full public URL Twilio called and the POSTed form fields. */
export async function verifyTwilioSignature(
  authToken: string,
  signature: string,
  url: string,
  params: Record<string, string>,
): Promise<boolean> {
  return (await twilioSdk()).validateRequest(authToken, signature, url, params);
}
