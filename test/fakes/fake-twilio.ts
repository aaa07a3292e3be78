// A local Twilio on 127.0.0.1 that the real SDK talks to unmodified (through the adapter's
// base-URL rewrite): basic auth with AccountSid:AuthToken, form-encoded Messages.json and
// Calls.json with Twilio's validation codes, listing with To/DateSent filters, Lookup v2 line
// types, rate limits and faults on demand, and signed status callbacks and inbound messages.
// Error bodies follow Twilio's { code, message, more_info, status }.
import { randomBytes } from "node:crypto";
import type { Server } from "bun";
import twilio from "twilio";
import { Gate } from "./gate.ts";
import { Outage } from "./outage.ts";
import { SlidingSecondLimit } from "./rate-limit.ts";

export type TwilioFault = {
  status: number;
  /** Twilio's error code, e.g. 21610 (recipient replied STOP); defaults by status. */
  code?: number;
  message?: string;
  /** Seconds (or an HTTP date) for the Retry-After header. */
  retryAfter?: number | string;
  /** A non-JSON body, as a proxy in front of the API might send. */
  rawBody?: string;
  /** Create the message or call first, then answer with the fault (the answer is lost, the send is not). */
  afterAccept?: boolean;
};

export type SentSms = {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  mediaUrls: string[];
  statusCallback: string | null;
  status: string;
  errorCode: number | null;
  dateCreated: Date;
  dateSent: Date | null;
};

export type PlacedCall = {
  sid: string;
  to: string;
  from: string;
  url: string | null;
  twiml: string | null;
  statusCallback: string | null;
  status: string;
  dateCreated: Date;
  startTime: Date | null;
  /** `MachineDetection` as sent (Enable or DetectMessageEnd), else null. */
  machineDetection: string | null;
  /** What answered (human, machine_end_beep, fax…), once `answerCall` said so. */
  answeredBy: string | null;
};

export type ReceivedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  form: Record<string, string | string[]>;
  at: Date;
};

export type SignedRequest = {
  url: string;
  params: Record<string, string>;
  signature: string;
  body: string;
  headers: Record<string, string>;
};

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const E164 = /^\+[1-9]\d{6,14}$/;
const API = "/2010-04-01/Accounts/";

export class FakeTwilio {
  readonly accountSid: string;
  readonly authToken: string;
  /** Every message accepted, in order. */
  readonly sent: SentSms[] = [];
  /** Every call placed, in order. */
  readonly calls: PlacedCall[] = [];
  /** Every request that reached the server, accepted or not. */
  readonly requests: ReceivedRequest[] = [];
  /** Added before each answer. */
  latencyMs = 0;
  /** Added before a message or call is created (after latencyMs); listing and Lookup answer without it. */
  sendLatencyMs = 0;
  /** Holds message and call creation on demand (see Gate). */
  readonly gate = new Gate();
  /** A sustained outage on demand: `outage.begin({ fault })` or `outage.begin({ hang: true })`, then `outage.end()`. */
  readonly outage = new Outage<TwilioFault>();
  readonly #server: Server<undefined>;
  #faults: TwilioFault[] = [];
  readonly #rate = new SlidingSecondLimit();
  readonly #lineTypes = new Map<string, string>();
  readonly #optedOut = new Set<string>();
  readonly #media = new Map<string, { contentType: string; bytes: Uint8Array; status?: number }>();

  constructor(opts: { accountSid?: string; authToken?: string } = {}) {
    this.accountSid = opts.accountSid ?? `AC${randomBytes(16).toString("hex")}`;
    this.authToken = opts.authToken ?? randomBytes(16).toString("hex");
    this.#server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => this.#handle(req) });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#server.port}`;
  }

  /** The next `n` authenticated requests fail with `fault`. */
  failNext(n: number, fault: TwilioFault): void {
    for (let i = 0; i < n; i++) this.#faults.push(fault);
  }

  /** At most `perSecond` requests in any second; more get 429 (code 20429) with Retry-After. `null` lifts it. */
  setRateLimit(perSecond: number | null): void {
    this.#rate.set(perSecond);
  }

  /** Requests answered 429 by the rate limit (not by a fault a test asked for), ever. */
  get rateLimited(): number {
    return this.#rate.refused;
  }

  /** The numbers Lookup was asked about, in order: each one a paid request in real life. */
  get lookups(): string[] {
    return this.requests.flatMap((r) => {
      const m = /^\/v2\/PhoneNumbers\/([^/]+)$/.exec(r.path);
      return m ? [decodeURIComponent(m[1]!)] : [];
    });
  }

  /** Lookup's line type for a number: mobile, landline, fixedVoip, nonFixedVoip, tollFree, … */
  setLineType(phone: string, type: string): void {
    this.#lineTypes.set(phone, type);
  }

  /** The number replied STOP: sending to it fails with 21610 until `optIn`. */
  optOut(phone: string): void {
    this.#optedOut.add(phone);
  }

  optIn(phone: string): void {
    this.#optedOut.delete(phone);
  }

  /** Moves a message or call to `status` and returns the status callback Twilio would POST, signed (null without a StatusCallback). */
  setStatus(sid: string, status: string, opts: { errorCode?: number } = {}): SignedRequest | null {
    const msg = this.sent.find((m) => m.sid === sid);
    if (msg) {
      msg.status = status;
      msg.errorCode = opts.errorCode ?? null;
      if (["sent", "delivered", "undelivered", "failed"].includes(status)) msg.dateSent ??= new Date();
      if (!msg.statusCallback) return null;
      const params: Record<string, string> = {
        AccountSid: this.accountSid,
        ApiVersion: "2010-04-01",
        From: msg.from ?? "",
        MessageSid: sid,
        MessageStatus: status,
        SmsSid: sid,
        SmsStatus: status,
        To: msg.to,
      };
      if (msg.messagingServiceSid) params.MessagingServiceSid = msg.messagingServiceSid;
      if (opts.errorCode !== undefined) params.ErrorCode = String(opts.errorCode);
      return this.signCallback(this.authToken, msg.statusCallback, params);
    }
    const call = this.calls.find((c) => c.sid === sid);
    if (!call) throw new Error(`fake Twilio has no message or call ${sid}`);
    call.status = status;
    if (status === "in-progress") call.startTime ??= new Date();
    if (!call.statusCallback) return null;
    return this.signCallback(this.authToken, call.statusCallback, {
      AccountSid: this.accountSid,
      ApiVersion: "2010-04-01",
      CallSid: sid,
      CallStatus: status,
      Direction: "outbound-api",
      From: call.from,
      To: call.to,
      CallbackSource: "call-progress-events",
      Timestamp: new Date().toUTCString().replace("GMT", "+0000"),
      ...(call.answeredBy && { AnsweredBy: call.answeredBy }),
    });
  }

  /**
   * The call is answered: Twilio's request for its TwiML (the call's Url), signed. With answering-
   * machine detection on it comes after detection — for DetectMessageEnd after a voicemail's beep
   * — and carries `AnsweredBy`; without, it carries none.
   */
  answerCall(
    sid: string,
    answeredBy: "human" | "machine_end_beep" | "machine_end_silence" | "fax" | "unknown" = "human",
  ) {
    const call = this.calls.find((c) => c.sid === sid);
    if (!call?.url) throw new Error(`fake Twilio has no call ${sid} with a Url`);
    call.status = "in-progress";
    call.startTime ??= new Date();
    if (call.machineDetection) call.answeredBy = answeredBy;
    return this.signCallback(this.authToken, call.url, {
      AccountSid: this.accountSid,
      ApiVersion: "2010-04-01",
      CallSid: sid,
      CallStatus: "in-progress",
      Direction: "outbound-api",
      From: call.from,
      To: call.to,
      ...(call.machineDetection && { AnsweredBy: answeredBy, MachineDetectionDuration: "2400" }),
    });
  }

  /** An incoming SMS as Twilio would POST it to `url` (e.g. a STOP reply), signed. */
  inboundSms(url: string, m: { from: string; to: string; body: string }): SignedRequest {
    const sid = `SM${randomBytes(16).toString("hex")}`;
    return this.signCallback(this.authToken, url, {
      AccountSid: this.accountSid,
      ApiVersion: "2010-04-01",
      Body: m.body,
      From: m.from,
      MessageSid: sid,
      NumMedia: "0",
      NumSegments: "1",
      SmsMessageSid: sid,
      SmsSid: sid,
      SmsStatus: "received",
      To: m.to,
    });
  }

  /**
   * An incoming MMS as Twilio POSTs it to `url`, signed: NumMedia, MediaUrl0…, MediaContentType0…
   * naming media this fake serves under the account (with its credentials, redirecting to an
   * unauthenticated CDN copy as Twilio does). An item with `status` is answered with that error.
   */
  inboundMms(
    url: string,
    m: {
      from: string;
      to: string;
      body: string;
      media: { contentType: string; bytes?: Uint8Array; status?: number }[];
    },
  ): SignedRequest {
    const sid = `MM${randomBytes(16).toString("hex")}`;
    const params: Record<string, string> = {
      AccountSid: this.accountSid,
      ApiVersion: "2010-04-01",
      Body: m.body,
      From: m.from,
      MessageSid: sid,
      NumMedia: String(m.media.length),
      NumSegments: "1",
      SmsMessageSid: sid,
      SmsSid: sid,
      SmsStatus: "received",
      To: m.to,
    };
    m.media.forEach((item, i) => {
      const me = `ME${randomBytes(16).toString("hex")}`;
      this.#media.set(me, {
        contentType: item.contentType,
        bytes: item.bytes ?? new Uint8Array(),
        status: item.status,
      });
      params[`MediaContentType${i}`] = item.contentType;
      params[`MediaUrl${i}`] = `${this.url}${API}${this.accountSid}/Messages/${sid}/Media/${me}`;
    });
    return this.signCallback(this.authToken, url, params);
  }

  /** How often each media item was fetched (by its ME sid), through the account's URL. */
  get mediaFetches(): string[] {
    return this.requests.flatMap((r) => {
      const m = /\/Media\/(ME\w+)$/.exec(r.path);
      return m && r.method === "GET" ? [m[1]!] : [];
    });
  }

  /** A form POST to `url` signed the way Twilio signs webhooks (X-Twilio-Signature). */
  signCallback(authToken: string, url: string, params: Record<string, string>): SignedRequest {
    const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
    return {
      url,
      params,
      signature,
      body: new URLSearchParams(params).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    };
  }

  stop(): void {
    void this.#server.stop(true);
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    // The CDN copy a media URL redirects to: signed by its path, no credentials needed (as Twilio's).
    const cdn = /^\/cdn\/(ME\w+)$/.exec(url.pathname);
    if (cdn && req.method === "GET") {
      const item = this.#media.get(cdn[1]!);
      if (!item) return new Response("Not Found", { status: 404 });
      return new Response(Buffer.from(item.bytes), { headers: { "content-type": item.contentType } });
    }
    const form = req.method === "POST" ? new URLSearchParams(await req.text()) : new URLSearchParams();
    this.requests.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(req.headers),
      form: formRecord(form),
      at: new Date(),
    });
    const answer = await this.#answer(req, url, form);
    if (typeof answer.body === "string")
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    return Response.json(answer.body, { status: answer.status, headers: answer.headers });
  }

  async #answer(req: Request, url: URL, form: URLSearchParams): Promise<Answer> {
    if (this.latencyMs) await Bun.sleep(this.latencyMs);
    const [user, pass] = Buffer.from((req.headers.get("authorization") ?? "").replace(/^Basic /, ""), "base64")
      .toString()
      .split(":");
    if (user !== this.accountSid || pass !== this.authToken) {
      return { ...error(401, 20003, "Authenticate"), headers: { "www-authenticate": 'Basic realm="Twilio API"' } };
    }
    const path = decodeURIComponent(url.pathname);
    // The sending rate is Twilio's throughput per sender: it limits new messages and calls,
    // not Lookup or listing.
    const sending = req.method === "POST" && /\/(Messages|Calls)\.json$/.test(path);
    const down = await this.outage.meet();
    if (down === "hung") return error(504, 20504, "Gateway Timeout");
    if (down) return faultAnswer(down);
    if (sending && this.#rate.exceeded())
      return { ...error(429, 20429, "Too Many Requests"), headers: { "retry-after": "1" } };
    const fault = this.#faults.shift();
    if (fault && !fault.afterAccept) return faultAnswer(fault);
    if (sending) {
      await this.gate.pass();
      if (this.sendLatencyMs) await Bun.sleep(this.sendLatencyMs);
    }

    const media = /^\/2010-04-01\/Accounts\/AC\w+\/Messages\/\w+\/Media\/(ME\w+)$/.exec(path);
    if (media && req.method === "GET") {
      const item = this.#media.get(media[1]!);
      if (!item) return error(404, 20404, `The requested resource ${path} was not found`);
      if (item.status) return error(item.status, item.status === 404 ? 20404 : 20500, "Media unavailable");
      // Twilio answers a media URL with a redirect to its CDN copy.
      return { status: 307, body: "", headers: { location: `${this.url}/cdn/${media[1]}` } };
    }
    const lookup = /^\/v2\/PhoneNumbers\/([^/]+)$/.exec(path);
    if (lookup && req.method === "GET") return this.#lookup(lookup[1]!, url.searchParams);
    const account = new RegExp(`^${API}([^/]+)/(Messages|Calls)\\.json$`).exec(path);
    if (!account || account[1] !== this.accountSid)
      return error(404, 20404, `The requested resource ${path} was not found`);
    const resource = account[2] as "Messages" | "Calls";
    let answer: Answer;
    if (req.method === "POST") answer = resource === "Messages" ? this.#createMessage(form) : this.#createCall(form);
    else if (req.method === "GET") answer = resource === "Messages" ? this.#listMessages(url) : this.#listCalls(url);
    else answer = error(405, 20004, "Method not allowed");
    return fault ? faultAnswer(fault) : answer;
  }

  #createMessage(form: URLSearchParams): Answer {
    const to = form.get("To");
    const from = form.get("From");
    const service = form.get("MessagingServiceSid");
    const body = form.get("Body") ?? "";
    const mediaUrls = form.getAll("MediaUrl");
    if (!to) return error(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from && !service) return error(400, 21603, "A 'From' phone number is required.");
    if (!body && mediaUrls.length === 0) return error(400, 21602, "Message body is required.");
    // Twilio fetches each picture itself, so it takes only absolute http(s) addresses.
    if (mediaUrls.some((u) => !/^https?:\/\/[^/\s]+\/\S*$/.test(u))) return error(400, 21620, "Invalid media URL(s).");
    if (body.length > 1600) return error(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    if (this.#optedOut.has(to)) return error(400, 21610, "Attempt to send to unsubscribed recipient");
    const msg: SentSms = {
      sid: `SM${randomBytes(16).toString("hex")}`,
      to,
      from,
      messagingServiceSid: service,
      body,
      mediaUrls,
      statusCallback: form.get("StatusCallback"),
      status: service ? "accepted" : "queued",
      errorCode: null,
      dateCreated: new Date(),
      dateSent: null,
    };
    this.sent.push(msg);
    return { status: 201, body: this.#messageJson(msg) };
  }

  #createCall(form: URLSearchParams): Answer {
    const to = form.get("To");
    const from = form.get("From");
    if (!to) return error(400, 21201, "No 'To' number is specified");
    if (!E164.test(to)) return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from) return error(400, 21213, "No 'From' number is specified");
    if (!form.get("Url") && !form.get("Twiml") && !form.get("ApplicationSid"))
      return error(400, 21205, "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required.");
    const machineDetection = form.get("MachineDetection");
    if (machineDetection !== null && machineDetection !== "Enable" && machineDetection !== "DetectMessageEnd")
      return error(400, 21234, "Invalid Machine Detection configuration value");
    const call: PlacedCall = {
      sid: `CA${randomBytes(16).toString("hex")}`,
      to,
      from,
      url: form.get("Url"),
      twiml: form.get("Twiml"),
      statusCallback: form.get("StatusCallback"),
      status: "queued",
      dateCreated: new Date(),
      startTime: null,
      machineDetection,
      answeredBy: null,
    };
    this.calls.push(call);
    return { status: 201, body: this.#callJson(call) };
  }

  // Newest first. A DateSent filter leaves out messages not yet sent (no date_sent).
  #listMessages(url: URL): Answer {
    const q = url.searchParams;
    const found = this.sent
      .filter((m) => (!q.get("To") || m.to === q.get("To")) && (!q.get("From") || m.from === q.get("From")))
      .filter((m) => dateFilter(q, "DateSent", m.dateSent))
      .reverse();
    return {
      status: 200,
      body: this.#page(
        url,
        "Messages",
        "messages",
        found.map((m) => this.#messageJson(m)),
      ),
    };
  }

  #listCalls(url: URL): Answer {
    const q = url.searchParams;
    const found = this.calls
      .filter(
        (c) =>
          (!q.get("To") || c.to === q.get("To")) &&
          (!q.get("From") || c.from === q.get("From")) &&
          (!q.get("Status") || c.status === q.get("Status")),
      )
      .filter((c) => dateFilter(q, "StartTime", c.startTime))
      .reverse();
    return {
      status: 200,
      body: this.#page(
        url,
        "Calls",
        "calls",
        found.map((c) => this.#callJson(c)),
      ),
    };
  }

  #page(url: URL, resource: string, key: string, all: unknown[]) {
    const size = Math.min(Number(url.searchParams.get("PageSize") ?? 50) || 50, 1000);
    const page = Number(url.searchParams.get("Page") ?? 0) || 0;
    const uriFor = (p: number) => {
      const q = new URLSearchParams(url.searchParams);
      q.set("PageSize", String(size));
      q.set("Page", String(p));
      return `${API}${this.accountSid}/${resource}.json?${q}`;
    };
    const items = all.slice(page * size, (page + 1) * size);
    return {
      [key]: items,
      start: page * size,
      end: page * size + Math.max(items.length - 1, 0),
      page,
      page_size: size,
      uri: uriFor(page),
      first_page_uri: uriFor(0),
      previous_page_uri: page > 0 ? uriFor(page - 1) : null,
      next_page_uri: (page + 1) * size < all.length ? uriFor(page + 1) : null,
    };
  }

  #lookup(phone: string, q: URLSearchParams): Answer {
    const valid = E164.test(phone);
    const fields = (q.get("Fields") ?? "").split(",");
    const type = this.#lineTypes.get(phone) ?? (phone.startsWith("+1555000") ? "landline" : "mobile");
    return {
      status: 200,
      body: {
        calling_country_code: valid && phone.startsWith("+1") ? "1" : null,
        country_code: valid && phone.startsWith("+1") ? "US" : null,
        phone_number: phone,
        national_format: valid ? phone : null,
        valid,
        validation_errors: valid ? [] : ["INVALID_LENGTH"],
        caller_name: null,
        sim_swap: null,
        call_forwarding: null,
        line_status: null,
        line_type_intelligence:
          valid && fields.includes("line_type_intelligence")
            ? {
                type,
                carrier_name: type === "mobile" ? "Fake Wireless" : "Fake Telco",
                mobile_country_code: "310",
                mobile_network_code: "456",
                error_code: null,
              }
            : null,
        identity_match: null,
        reassigned_number: null,
        sms_pumping_risk: null,
        url: `https://lookups.twilio.com/v2/PhoneNumbers/${phone}`,
      },
    };
  }

  #messageJson(m: SentSms) {
    const uri = `${API}${this.accountSid}/Messages/${m.sid}`;
    return {
      account_sid: this.accountSid,
      api_version: "2010-04-01",
      body: m.body,
      date_created: rfc2822(m.dateCreated),
      date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
      date_updated: rfc2822(m.dateSent ?? m.dateCreated),
      direction: "outbound-api",
      error_code: m.errorCode,
      error_message: null,
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: String(m.mediaUrls.length),
      num_segments: String(Math.max(1, Math.ceil(m.body.length / 153))),
      price: null,
      price_unit: "USD",
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: `${uri}/Media.json` },
      to: m.to,
      uri: `${uri}.json`,
    };
  }

  #callJson(c: PlacedCall) {
    const uri = `${API}${this.accountSid}/Calls/${c.sid}`;
    return {
      sid: c.sid,
      account_sid: this.accountSid,
      api_version: "2010-04-01",
      to: c.to,
      to_formatted: c.to,
      from: c.from,
      from_formatted: c.from,
      status: c.status,
      direction: "outbound-api",
      date_created: rfc2822(c.dateCreated),
      date_updated: rfc2822(c.dateCreated),
      start_time: c.startTime ? rfc2822(c.startTime) : null,
      end_time: null,
      duration: null,
      price: null,
      price_unit: "USD",
      answered_by: c.answeredBy,
      caller_name: null,
      forwarded_from: null,
      group_sid: null,
      parent_call_sid: null,
      phone_number_sid: null,
      queue_time: "0",
      trunk_sid: null,
      subresource_uris: { recordings: `${uri}/Recordings.json` },
      uri: `${uri}.json`,
    };
  }
}

/** Starts a fake Twilio on a free port; pass `fake.url` as the adapter's base URL. */
export function startFakeTwilio(opts: { accountSid?: string; authToken?: string } = {}): FakeTwilio {
  return new FakeTwilio(opts);
}

function error(status: number, code: number, message: string): Answer {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

function faultAnswer(f: TwilioFault): Answer {
  const headers = f.retryAfter !== undefined ? { "retry-after": String(f.retryAfter) } : undefined;
  if (f.rawBody !== undefined) return { status: f.status, body: f.rawBody, headers };
  const code = f.code ?? (f.status === 429 ? 20429 : f.status >= 500 ? 20500 : 21211);
  const message =
    f.message ??
    (code === 21610
      ? "Attempt to send to unsubscribed recipient"
      : f.status === 429
        ? "Too Many Requests"
        : f.status >= 500
          ? "Internal Server Error"
          : "The request was refused.");
  return { ...error(f.status, code, message), headers };
}

/** `Name`, `Name<` and `Name>` filters; a day (YYYY-MM-DD) or a full timestamp, in UTC. */
function dateFilter(q: URLSearchParams, name: string, value: Date | null): boolean {
  const on = q.get(name);
  const before = q.get(`${name}<`);
  const after = q.get(`${name}>`);
  if (!on && !before && !after) return true;
  if (!value) return false;
  const day = (s: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(s)
      ? { from: Date.parse(`${s}T00:00:00Z`), to: Date.parse(`${s}T23:59:59.999Z`) }
      : { from: Date.parse(s), to: Date.parse(s) };
  const t = value.getTime();
  if (on && (t < day(on).from || t > day(on).to)) return false;
  if (before && t > day(before).to) return false;
  if (after && t < day(after).from) return false;
  return true;
}

function rfc2822(d: Date): string {
  return d.toUTCString().replace("GMT", "+0000");
}

function formRecord(form: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}
