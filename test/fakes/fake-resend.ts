// A local Resend API on 127.0.0.1 that the real SDK talks to unmodified: Bearer-key auth,
// field validation, POST /emails and POST /emails/batch (≤100, no attachments, strict or
// permissive validation), Idempotency-Key replay, rate limits with Retry-After, and faults
// on demand. `sent` is what Resend would have sent, so tests can count "exactly once".
// Error bodies follow resend.com/docs/api-reference/errors: { statusCode, name, message }.
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import type { Server } from "bun";
import { Gate } from "./gate.ts";
import { Outage } from "./outage.ts";
import { SlidingSecondLimit } from "./rate-limit.ts";

export type ResendFault = {
  status: number;
  /** Seconds (or an HTTP date) for the Retry-After header. */
  retryAfter?: number | string;
  name?: string;
  message?: string;
  /** A non-JSON body, as a proxy in front of the API might send. */
  rawBody?: string;
  /** Accept and send the e-mail first, then answer with the fault (the answer is lost, the send is not). */
  afterAccept?: boolean;
};

export type SentEmail = {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  replyTo?: string | string[];
  headers: Record<string, string>;
  tags?: { name: string; value: string }[];
  /** Each attachment as Resend received it; `content` is its bytes, decoded from the base64 sent. */
  attachments?: { filename?: string; content_type?: string; bytes: number; content: Buffer }[];
  idempotencyKey: string | null;
  batch: boolean;
  at: Date;
};

export type ReceivedRequest = { method: string; path: string; headers: Record<string, string>; body: string; at: Date };

type ApiEmail = {
  from?: string;
  to?: string | string[];
  subject?: string;
  html?: string;
  text?: string;
  reply_to?: string | string[];
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
  attachments?: { filename?: string; content?: string; path?: string; content_type?: string }[];
  template?: unknown;
};

type Answer = { status: number; body: unknown };

const ADDRESS = /^(?:[^<>]*<\s*)?[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+\s*>?$/;

export class FakeResend {
  readonly apiKey: string;
  /** Every e-mail accepted, in order. */
  readonly sent: SentEmail[] = [];
  /** Every request that reached the server, accepted or not. */
  readonly requests: ReceivedRequest[] = [];
  /** How long accepting a well-formed request takes. */
  latencyMs = 0;
  /** Holds sending requests on demand (see Gate). */
  readonly gate = new Gate();
  /** A sustained outage on demand: `outage.begin({ fault })` or `outage.begin({ hang: true })`, then `outage.end()`. */
  readonly outage = new Outage<ResendFault>();
  readonly #server: Server<undefined>;
  #faults: ResendFault[] = [];
  readonly #rate = new SlidingSecondLimit();
  readonly #idempotency = new Map<string, { fingerprint: string; answer?: Answer }>();

  constructor(apiKey = `re_fake_${randomBytes(8).toString("hex")}`) {
    this.apiKey = apiKey;
    this.#server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => this.#handle(req) });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#server.port}`;
  }

  /** The next `n` authenticated requests fail with `fault`. */
  failNext(n: number, fault: ResendFault): void {
    for (let i = 0; i < n; i++) this.#faults.push(fault);
  }

  /** Resend keeps idempotency keys for 24 hours: this is the day passing. */
  forgetIdempotencyKeys(): void {
    this.#idempotency.clear();
  }

  /** At most `perSecond` requests in any second; more get 429 with Retry-After. `null` lifts it. */
  setRateLimit(perSecond: number | null): void {
    this.#rate.set(perSecond);
  }

  /** Requests answered 429 by the rate limit (not by a fault a test asked for), ever. */
  get rateLimited(): number {
    return this.#rate.refused;
  }

  /** A webhook signed as Resend (Svix) signs it: base64 HMAC-SHA256 of `id.timestamp.body`. */
  signWebhook(secret: string, event: unknown, opts: { id?: string; timestamp?: Date } = {}) {
    const id = opts.id ?? `msg_${randomUUID().replaceAll("-", "")}`;
    const timestamp = String(Math.floor((opts.timestamp ?? new Date()).getTime() / 1000));
    const body = JSON.stringify(event);
    const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
    const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
    return {
      body,
      headers: {
        "content-type": "application/json",
        "svix-id": id,
        "svix-timestamp": timestamp,
        "svix-signature": `v1,${signature}`,
      },
    };
  }

  /** A webhook event about an e-mail this fake sent, shaped as Resend sends it. */
  emailEvent(type: string, emailId: string, extra: Record<string, unknown> = {}) {
    const email = this.sent.find((e) => e.id === emailId);
    if (!email) throw new Error(`fake Resend sent no e-mail ${emailId}`);
    // Resend hands the e-mail's tags back as an object of name → value.
    const tags = Object.fromEntries((email.tags ?? []).map((t) => [t.name, t.value]));
    const data = {
      email_id: email.id,
      created_at: email.at.toISOString(),
      from: email.from,
      to: email.to,
      subject: email.subject,
      tags,
      ...extra,
    };
    return { type, created_at: new Date().toISOString(), data };
  }

  stop(): void {
    void this.#server.stop(true);
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const body = await req.text();
    this.requests.push({
      method: req.method,
      path: url.pathname,
      headers: Object.fromEntries(req.headers),
      body,
      at: new Date(),
    });
    const answer = await this.#answer(req, url.pathname, body);
    if (typeof answer.body === "string")
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    return Response.json(answer.body, { status: answer.status, headers: answer.headers });
  }

  async #answer(req: Request, path: string, body: string): Promise<Answer & { headers?: Record<string, string> }> {
    const auth = req.headers.get("authorization");
    if (!auth?.startsWith("Bearer ") || auth === "Bearer ")
      return error(401, "missing_api_key", "Missing API key in the authorization header.");
    if (auth !== `Bearer ${this.apiKey}`) return error(403, "invalid_api_key", "API key is invalid");
    const down = await this.outage.meet();
    if (down === "hung") return error(504, "gateway_timeout", "The upstream server did not answer in time.");
    if (down) return faultAnswer(down);
    if (this.#rate.exceeded()) {
      return {
        ...error(
          429,
          "rate_limit_exceeded",
          `Too many requests. You can only make ${this.#rate.perSecond} requests per second.`,
        ),
        headers: { "retry-after": "1" },
      };
    }
    const fault = this.#faults.shift();
    if (fault && !fault.afterAccept) return faultAnswer(fault);
    await this.gate.pass();

    const batch = path === "/emails/batch";
    if (path !== "/emails" && !batch) return error(404, "not_found", "The requested endpoint does not exist.");
    if (req.method !== "POST") return error(405, "method_not_allowed", "Method is not allowed for the requested path.");
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return error(400, "validation_error", "Invalid JSON body.");
    }

    const key = req.headers.get("idempotency-key");
    if (key !== null) {
      if (key.length < 1 || key.length > 256)
        return error(400, "invalid_idempotency_key", "The key must be between 1-256 chars.");
      const fingerprint = createHash("sha256").update(`${path}\n${body}`).digest("hex");
      const earlier = this.#idempotency.get(key);
      if (earlier && earlier.fingerprint !== fingerprint)
        return error(409, "invalid_idempotent_request", "Same idempotency key used with a different request payload.");
      if (earlier && !earlier.answer)
        return error(
          409,
          "concurrent_idempotent_requests",
          "Same idempotency key used while original request is still in progress.",
        );
      if (earlier?.answer) return earlier.answer;
      this.#idempotency.set(key, { fingerprint });
    }
    // The work takes time, and a request with the same key arriving meanwhile finds it in progress.
    if (this.latencyMs) await Bun.sleep(this.latencyMs);

    const answer = batch
      ? this.#sendBatch(payload, key, req.headers.get("x-batch-validation") === "permissive")
      : this.#sendOne(payload, key);
    if (key !== null) {
      // Only an accepted request is remembered; a refused one may be corrected and tried again.
      if (answer.status < 300)
        this.#idempotency.set(key, { fingerprint: this.#idempotency.get(key)!.fingerprint, answer });
      else this.#idempotency.delete(key);
    }
    return fault ? faultAnswer(fault) : answer;
  }

  #sendOne(payload: unknown, key: string | null): Answer {
    const email = payload as ApiEmail;
    const problem = validate(email);
    if (problem) return problem;
    return { status: 200, body: { id: this.#accept(email, key, false).id } };
  }

  #sendBatch(payload: unknown, key: string | null, permissive: boolean): Answer {
    if (!Array.isArray(payload) || payload.length === 0)
      return error(422, "validation_error", "The batch must be a non-empty array of e-mails.");
    if (payload.length > 100)
      return error(422, "validation_error", `Too many e-mails in the batch: ${payload.length}. The limit is 100.`);
    const emails = payload as ApiEmail[];
    if (emails.some((e) => e.attachments?.length))
      return error(422, "validation_error", "Attachments are not supported in batch sending.");
    const problems = emails.map((e, index) => ({ index, problem: validate(e) })).filter((p) => p.problem !== null);
    if (!permissive && problems.length) {
      const first = problems[0]!;
      return error(422, first.problem!.body.name, `emails[${first.index}]: ${first.problem!.body.message}`);
    }
    const refused = new Set(problems.map((p) => p.index));
    const data = emails.filter((_, i) => !refused.has(i)).map((e) => ({ id: this.#accept(e, key, true).id }));
    const errors = problems.map((p) => ({ index: p.index, message: p.problem!.body.message }));
    return { status: 200, body: permissive ? { data, errors } : { data } };
  }

  #accept(e: ApiEmail, key: string | null, batch: boolean): SentEmail {
    const email: SentEmail = {
      id: randomUUID(),
      from: e.from!,
      to: Array.isArray(e.to) ? e.to : [e.to!],
      subject: e.subject!,
      html: e.html,
      text: e.text,
      replyTo: e.reply_to,
      headers: e.headers ?? {},
      tags: e.tags,
      attachments: e.attachments?.map((a) => {
        const content = Buffer.from(a.content ?? "", "base64");
        return { filename: a.filename, content_type: a.content_type, bytes: content.length, content };
      }),
      idempotencyKey: key,
      batch,
      at: new Date(),
    };
    this.sent.push(email);
    return email;
  }
}

/** Starts a fake Resend on a free port; point the SDK at `fake.url`. */
export function startFakeResend(opts: { apiKey?: string } = {}): FakeResend {
  return new FakeResend(opts.apiKey);
}

/** A fresh webhook signing secret in Resend's format. */
export function fakeWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

function error(
  status: number,
  name: string,
  message: string,
): Answer & { body: { statusCode: number; name: string; message: string } } {
  return { status, body: { statusCode: status, name, message } };
}

function faultAnswer(f: ResendFault): Answer & { headers?: Record<string, string> } {
  const headers = f.retryAfter !== undefined ? { "retry-after": String(f.retryAfter) } : undefined;
  if (f.rawBody !== undefined) return { status: f.status, body: f.rawBody, headers };
  const name =
    f.name ??
    (f.status === 429 ? "rate_limit_exceeded" : f.status >= 500 ? "internal_server_error" : "validation_error");
  const message =
    f.message ??
    (f.status === 429
      ? "Too many requests."
      : f.status >= 500
        ? "An unexpected error occurred."
        : "The request was refused.");
  return { ...error(f.status, name, message), headers };
}

function validate(e: ApiEmail): (Answer & { body: { statusCode: number; name: string; message: string } }) | null {
  if (!e || typeof e !== "object") return error(422, "validation_error", "Each e-mail must be an object.");
  if (!e.from) return error(422, "missing_required_field", "Missing `from` field.");
  if (!ADDRESS.test(e.from))
    return error(
      422,
      "validation_error",
      "Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
    );
  const to = e.to === undefined ? [] : Array.isArray(e.to) ? e.to : [e.to];
  if (to.length === 0) return error(422, "missing_required_field", "Missing `to` field.");
  if (to.length > 50) return error(422, "validation_error", "Too many recipients in `to`. The limit is 50.");
  if (to.some((t) => typeof t !== "string" || !ADDRESS.test(t))) {
    return error(
      422,
      "validation_error",
      "Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
    );
  }
  if (!e.subject) return error(422, "missing_required_field", "Missing `subject` field.");
  if (!e.html && !e.text && !e.template) return error(422, "missing_required_field", "Missing `html` or `text` field.");
  if (e.attachments?.some((a) => !a.content && !a.path))
    return error(422, "invalid_attachment", "Attachment must have either a `content` or `path`.");
  return null;
}
