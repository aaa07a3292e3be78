// The Resend adapter driving the real SDK against a local fake Resend: what the API receives,
// idempotent replays, and how each kind of failure comes back (SPEC D3, D4, D5, D8).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { batchIdempotencyKey, createResendProvider, verifyResendWebhook } from "../../src/providers/resend.ts";
import type { EmailMessage, EmailProvider, SendOutcome } from "../../src/providers/types.ts";
import { type FakeResend, fakeWebhookSecret, startFakeResend } from "../fakes/fake-resend.ts";

let fake: FakeResend;
let email: EmailProvider;
const now = new Date("2026-09-01T10:00:00Z");

beforeEach(() => {
  fake = startFakeResend();
  email = createResendProvider({ apiKey: fake.apiKey, baseUrl: fake.url, clock: () => now });
});
afterEach(() => fake.stop());

const message = (n: number, over: Partial<EmailMessage> = {}): EmailMessage => ({
  to: `customer${n}@example.com`,
  from: "Brightside <hello@brightside.example>",
  replyTo: "studio@brightside.example",
  subject: `Your photos are ready (${n})`,
  html: `<p>Hello ${n}</p>`,
  text: `Hello ${n}`,
  headers: {
    "List-Unsubscribe": `<https://studio.example/u/${n}>, <mailto:unsubscribe@brightside.example>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  },
  idempotencyKey: `n1:j1:c${n}:email`,
  tags: [{ name: "delivery", value: `d${n}` }],
  ...over,
});

function failed(outcome: SendOutcome | undefined) {
  if (!outcome || outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

describe("sending one e-mail", () => {
  test("Resend receives the message, its headers and the delivery key as Idempotency-Key", async () => {
    const outcome = await email.send(message(1));
    expect(outcome).toEqual({ ok: true, providerId: fake.sent[0]!.id });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({
      from: "Brightside <hello@brightside.example>",
      to: ["customer1@example.com"],
      replyTo: "studio@brightside.example",
      subject: "Your photos are ready (1)",
      html: "<p>Hello 1</p>",
      text: "Hello 1",
      headers: {
        "List-Unsubscribe": "<https://studio.example/u/1>, <mailto:unsubscribe@brightside.example>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
      tags: [{ name: "delivery", value: "d1" }],
      idempotencyKey: "n1:j1:c1:email",
      batch: false,
    });
    const req = fake.requests[0]!;
    expect(req.path).toBe("/emails");
    expect(req.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(req.headers["idempotency-key"]).toBe("n1:j1:c1:email");
  });

  test("attachments travel base64-encoded with their content type", async () => {
    const pdf = Buffer.from("%PDF-1.7 invoice");
    await email.send(
      message(1, { attachments: [{ filename: "invoice.pdf", content: pdf, contentType: "application/pdf" }] }),
    );
    expect(fake.sent[0]!.attachments).toEqual([
      { filename: "invoice.pdf", content_type: "application/pdf", bytes: pdf.length, content: pdf },
    ]);
  });

  test("a retry with the same key replays the first answer and is not sent again", async () => {
    const first = await email.send(message(1));
    const again = await email.send(message(1));
    expect(again).toEqual(first);
    expect(fake.requests).toHaveLength(2);
    expect(fake.sent).toHaveLength(1);
  });

  test("an answer lost after Resend accepted the e-mail is recovered by retrying with the same key", async () => {
    fake.failNext(1, { status: 500, afterAccept: true });
    const lost = failed(await email.send(message(1)));
    expect(lost.kind).toBe("transient");
    const retry = await email.send(message(1));
    expect(retry).toEqual({ ok: true, providerId: fake.sent[0]!.id });
    expect(fake.sent).toHaveLength(1);
  });

  test("the same key with different content is refused as permanent, naming Resend's reason", async () => {
    await email.send(message(1));
    const error = failed(await email.send(message(1, { subject: "Changed" })));
    expect(error).toMatchObject({ kind: "permanent", status: 409, code: "invalid_idempotent_request" });
    expect(error.message).toBe("Same idempotency key used with a different request payload.");
    expect(fake.sent).toHaveLength(1);
  });

  test("a second request while the first with the same key is still running is transient", async () => {
    fake.latencyMs = 150;
    const outcomes = await Promise.all([email.send(message(1)), email.send(message(1))]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(failed(outcomes.find((o) => !o.ok))).toMatchObject({
      kind: "transient",
      status: 409,
      code: "concurrent_idempotent_requests",
    });
    expect(fake.sent).toHaveLength(1);
  });
});

describe("sending a batch", () => {
  test("one request carries the batch; outcomes come back in order with Resend's ids", async () => {
    const messages = [1, 2, 3].map((n) => message(n));
    const outcomes = await email.sendBatch(messages);
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.path).toBe("/emails/batch");
    expect(req.headers["idempotency-key"]).toBe(batchIdempotencyKey(messages));
    expect(req.headers["x-batch-validation"]).toBe("permissive");
    expect(fake.sent.map((s) => s.to[0])).toEqual([
      "customer1@example.com",
      "customer2@example.com",
      "customer3@example.com",
    ]);
    expect(fake.sent.every((s) => s.batch && s.headers["List-Unsubscribe-Post"] === "List-Unsubscribe=One-Click")).toBe(
      true,
    );
    expect(outcomes).toEqual(fake.sent.map((s) => ({ ok: true, providerId: s.id })));
  });

  test("the batch key depends on which deliveries are in it, not their order", () => {
    const messages = [1, 2, 3].map((n) => message(n));
    expect(batchIdempotencyKey([...messages].reverse())).toBe(batchIdempotencyKey(messages));
    expect(batchIdempotencyKey(messages.slice(0, 2))).not.toBe(batchIdempotencyKey(messages));
    expect(batchIdempotencyKey(messages)).toMatch(/^batch\/[0-9a-f]{64}$/);
  });

  test("a retried batch replays the same ids and nothing is sent twice", async () => {
    const messages = [1, 2, 3].map((n) => message(n));
    const first = await email.sendBatch(messages);
    const again = await email.sendBatch(messages);
    expect(again).toEqual(first);
    expect(fake.sent).toHaveLength(3);
  });

  test("one bad address fails only its own e-mail, with Resend's message", async () => {
    const outcomes = await email.sendBatch([message(1), message(2, { to: "not-an-address" }), message(3)]);
    expect(outcomes[0]).toEqual({ ok: true, providerId: fake.sent[0]!.id });
    expect(failed(outcomes[1])).toMatchObject({ kind: "permanent", status: 422 });
    expect(failed(outcomes[1]).message).toContain("Invalid `to` field");
    expect(outcomes[2]).toEqual({ ok: true, providerId: fake.sent[1]!.id });
    expect(fake.sent.map((s) => s.to[0])).toEqual(["customer1@example.com", "customer3@example.com"]);
  });

  test("101 e-mails are refused as a whole and nothing is sent", async () => {
    const outcomes = await email.sendBatch(Array.from({ length: 101 }, (_, i) => message(i)));
    expect(outcomes).toHaveLength(101);
    for (const o of outcomes)
      expect(failed(o)).toMatchObject({ kind: "permanent", status: 422, code: "validation_error" });
    expect(fake.sent).toHaveLength(0);
  });

  test("attachments are refused in a batch", async () => {
    const outcomes = await email.sendBatch([
      message(1, { attachments: [{ filename: "a.txt", content: Buffer.from("a"), contentType: "text/plain" }] }),
    ]);
    expect(failed(outcomes[0])).toMatchObject({ kind: "permanent", status: 422 });
    expect(fake.sent).toHaveLength(0);
  });

  test("a failure of the whole request is every e-mail's outcome", async () => {
    fake.failNext(1, { status: 429, retryAfter: 2 });
    const outcomes = await email.sendBatch([message(1), message(2)]);
    for (const o of outcomes) expect(failed(o)).toMatchObject({ kind: "rate_limited", retryAfterMs: 2000 });
  });

  test("an empty batch makes no request", async () => {
    expect(await email.sendBatch([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("failures by kind (D5)", () => {
  test("429 is rate_limited with Retry-After in seconds", async () => {
    fake.failNext(1, { status: 429, retryAfter: 2 });
    const error = failed(await email.send(message(1)));
    expect(error).toMatchObject({ kind: "rate_limited", status: 429, code: "rate_limit_exceeded", retryAfterMs: 2000 });
    expect(fake.sent).toHaveLength(0);
  });

  test("429 with Retry-After as an HTTP date waits until then", async () => {
    fake.failNext(1, { status: 429, retryAfter: new Date(now.getTime() + 7000).toUTCString() });
    expect(failed(await email.send(message(1))).retryAfterMs).toBe(7000);
  });

  test("going over the rate limit gives 429 with Retry-After", async () => {
    fake.setRateLimit(2);
    const outcomes = [];
    for (const n of [1, 2, 3]) outcomes.push(await email.send(message(n)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    expect(failed(outcomes[2])).toMatchObject({ kind: "rate_limited", retryAfterMs: 1000 });
  });

  test("500 is transient", async () => {
    fake.failNext(1, { status: 500 });
    expect(failed(await email.send(message(1)))).toMatchObject({ kind: "transient", status: 500 });
  });

  test("a 502 page that is not JSON is transient", async () => {
    fake.failNext(1, { status: 502, rawBody: "<html>Bad Gateway</html>" });
    expect(failed(await email.send(message(1)))).toMatchObject({ kind: "transient", status: 502 });
  });

  test("422 is permanent and keeps Resend's message", async () => {
    const error = failed(await email.send(message(1, { subject: "" })));
    expect(error).toMatchObject({
      kind: "permanent",
      status: 422,
      code: "missing_required_field",
      message: "Missing `subject` field.",
    });
  });

  test("a wrong API key is permanent (Resend answers 403 invalid_api_key)", async () => {
    const wrong = createResendProvider({ apiKey: "re_wrong", baseUrl: fake.url });
    expect(failed(await wrong.send(message(1)))).toMatchObject({
      kind: "permanent",
      status: 403,
      code: "invalid_api_key",
    });
  });

  test("no answer at all is transient", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const baseUrl = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const offline = createResendProvider({ apiKey: fake.apiKey, baseUrl });
    const error = failed(await offline.send(message(1)));
    expect(error.kind).toBe("transient");
    expect(error.status).toBeUndefined();
  });

  test("a request that takes too long is abandoned as transient", async () => {
    fake.latencyMs = 500;
    const impatient = createResendProvider({ apiKey: fake.apiKey, baseUrl: fake.url, timeoutMs: 50 });
    expect(failed(await impatient.send(message(1))).kind).toBe("transient");
  });
});

describe("webhook signatures (D8)", () => {
  const secret = fakeWebhookSecret();

  test("an event signed as Svix signs it is accepted and parsed", async () => {
    const event = {
      type: "email.delivered",
      created_at: now.toISOString(),
      data: { email_id: "e-1", to: ["a@example.com"] },
    };
    const { body, headers } = fake.signWebhook(secret, event);
    expect(await verifyResendWebhook(secret, body, headers)).toEqual(event as never);
    expect(await verifyResendWebhook(secret, body, new Headers(headers))).toEqual(event as never);
  });

  test("the fake's events describe the e-mails it sent", async () => {
    const outcome = await email.send(message(1));
    const event = fake.emailEvent("email.bounced", (outcome as { providerId: string }).providerId, {
      bounce: { type: "Permanent", subType: "General", message: "No such user" },
    });
    const { body, headers } = fake.signWebhook(secret, event);
    expect(await verifyResendWebhook(secret, body, headers)).toMatchObject({
      type: "email.bounced",
      data: { email_id: fake.sent[0]!.id, to: ["customer1@example.com"] },
    });
  });

  test("a tampered body, another secret, an old timestamp or a missing header is refused", async () => {
    const { body, headers } = fake.signWebhook(secret, { type: "email.delivered", data: { email_id: "e-1" } });
    await expect(verifyResendWebhook(secret, body.replace("e-1", "e-2"), headers)).rejects.toThrow();
    await expect(verifyResendWebhook(fakeWebhookSecret(), body, headers)).rejects.toThrow();
    const old = fake.signWebhook(
      secret,
      { type: "email.delivered" },
      { timestamp: new Date(Date.now() - 10 * 60_000) },
    );
    await expect(verifyResendWebhook(secret, old.body, old.headers)).rejects.toThrow();
    await expect(
      verifyResendWebhook(secret, body, { "svix-id": headers["svix-id"], "svix-timestamp": headers["svix-timestamp"] }),
    ).rejects.toThrow();
  });
});
