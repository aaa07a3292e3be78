// The dev outbox (SPEC D1): with no provider accounts, every channel "delivers" into a store
// the staff can read. It keeps the providers' promises — e-mail idempotency keys replay, batches
// keep Resend's limits, sent messages can be found again — so dev mode behaves like production.
import { randomBytes } from "node:crypto";
import {
  type EmailMessage,
  type EmailProvider,
  type LineType,
  type LookupProvider,
  ProviderError,
  type SendOutcome,
  type SmsProvider,
  type VoiceProvider,
} from "./types.ts";

export type DevChannel = "email" | "sms" | "voice";

export type DevOutboxEntry = {
  id: string;
  channel: DevChannel;
  to: string;
  from: string;
  /** E-mail only. */
  subject?: string;
  /** The e-mail's text part, the SMS body, or the call's TwiML URL. */
  body: string;
  html?: string;
  replyTo?: string;
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
  attachments?: EmailMessage["attachments"];
  mediaUrls?: string[];
  statusCallback?: string;
  /** An e-mail's idempotency key; an SMS's or call's clientRef. */
  ref: string;
  status: "delivered";
  createdAt: Date;
};

export type DevOutboxQuery = { channel: DevChannel; ref?: string; to?: string; body?: string; since?: Date };

/** Where delivered dev messages go; the database backs it in the app, memory in tests. */
export type DevOutboxStore = {
  record(entry: DevOutboxEntry): Promise<void>;
  /** The newest entry matching every field given. */
  findLatest(query: DevOutboxQuery): Promise<DevOutboxEntry | null>;
};

export type DevProviderOptions = {
  clock?: () => Date;
  newId?: () => string;
  /** Line type per number; every number is a mobile unless this says otherwise. */
  lineType?: (phone: string) => LineType;
};

const BATCH_LIMIT = 100;

/** E-mail, SMS, voice and lookup providers that deliver into `store`. */
export function createDevProviders(
  store: DevOutboxStore,
  opts: DevProviderOptions = {},
): { email: EmailProvider; sms: SmsProvider; voice: VoiceProvider; lookup: LookupProvider } {
  const now = opts.clock ?? (() => new Date());
  const newId = opts.newId ?? (() => `dev_${randomBytes(12).toString("hex")}`);

  async function deliver(entry: Omit<DevOutboxEntry, "id" | "status" | "createdAt">): Promise<SendOutcome> {
    const id = newId();
    await store.record({ ...entry, id, status: "delivered", createdAt: now() });
    return { ok: true, providerId: id, status: "delivered" };
  }

  async function sendEmail(m: EmailMessage): Promise<SendOutcome> {
    // Like Resend: the same idempotency key answers with the first e-mail instead of a second one.
    const earlier = await store.findLatest({ channel: "email", ref: m.idempotencyKey });
    if (earlier) return { ok: true, providerId: earlier.id, status: earlier.status };
    return deliver({
      channel: "email",
      to: m.to,
      from: m.from,
      subject: m.subject,
      body: m.text,
      html: m.html,
      replyTo: m.replyTo,
      headers: m.headers,
      tags: m.tags,
      attachments: m.attachments,
      ref: m.idempotencyKey,
    });
  }

  const email: EmailProvider = {
    name: "dev",
    send: sendEmail,
    async sendBatch(messages) {
      const refusal =
        messages.length > BATCH_LIMIT
          ? `A batch holds at most ${BATCH_LIMIT} e-mails, not ${messages.length}`
          : messages.some((m) => m.attachments?.length)
            ? "Attachments cannot be sent in a batch"
            : null;
      if (refusal) {
        const error = new ProviderError("permanent", refusal, { status: 422, code: "validation_error" });
        return messages.map(() => ({ ok: false, error }));
      }
      const outcomes: SendOutcome[] = [];
      for (const m of messages) outcomes.push(await sendEmail(m));
      return outcomes;
    },
  };

  const sms: SmsProvider = {
    name: "dev",
    send: (m) =>
      deliver({
        channel: "sms",
        to: m.to,
        from: m.from,
        body: m.body,
        mediaUrls: m.mediaUrls,
        statusCallback: m.statusCallback,
        ref: m.clientRef,
      }),
    async findSent(to, body, since) {
      const hit = await store.findLatest({ channel: "sms", to, body, since });
      return hit ? [{ id: hit.id, status: hit.status, createdAt: hit.createdAt }] : [];
    },
  };

  const voice: VoiceProvider = {
    name: "dev",
    call: (c) =>
      deliver({
        channel: "voice",
        to: c.to,
        from: c.from,
        body: c.twimlUrl,
        statusCallback: c.statusCallback,
        ref: c.clientRef,
      }),
    async findCall(to, since) {
      const hit = await store.findLatest({ channel: "voice", to, since });
      return hit ? [{ id: hit.id, status: hit.status, createdAt: hit.createdAt }] : [];
    },
  };

  const lineType = opts.lineType ?? (() => "mobile");
  const lookup: LookupProvider = { name: "dev", lineType: async (phone) => lineType(phone) };

  return { email, sms, voice, lookup };
}

/** A DevOutboxStore in memory, for tests; `entries` is everything delivered, oldest first. */
export function memoryDevOutboxStore(): DevOutboxStore & { entries: DevOutboxEntry[] } {
  const entries: DevOutboxEntry[] = [];
  return {
    entries,
    async record(entry) {
      entries.push(entry);
    },
    async findLatest(q) {
      for (let i = entries.length - 1; i >= 0; i--) {
        const e = entries[i]!;
        if (e.channel !== q.channel) continue;
        if (q.ref !== undefined && e.ref !== q.ref) continue;
        if (q.to !== undefined && e.to !== q.to) continue;
        if (q.body !== undefined && e.body !== q.body) continue;
        if (q.since !== undefined && e.createdAt < q.since) continue;
        return e;
      }
      return null;
    },
  };
}
