// The Twilio adapters driving the real SDK against a local fake Twilio: SMS, calls, lookups,
// reconciliation after a crash, failures by kind and webhook signatures (SPEC D4, D5, D8–D10).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createTwilioProviders, verifyTwilioSignature } from "../../src/providers/twilio.ts";
import type { SendOutcome, SmsMessage } from "../../src/providers/types.ts";
import { type FakeTwilio, startFakeTwilio } from "../fakes/fake-twilio.ts";

let fake: FakeTwilio;
let twilio: ReturnType<typeof createTwilioProviders>;
const now = new Date("2026-09-01T10:00:00Z");

beforeEach(() => {
  fake = startFakeTwilio();
  twilio = createTwilioProviders({
    accountSid: fake.accountSid,
    authToken: fake.authToken,
    baseUrl: fake.url,
    clock: () => now,
  });
});
afterEach(() => fake.stop());

const sms = (over: Partial<SmsMessage> = {}): SmsMessage => ({
  to: "+15551230001",
  from: "+15557654321",
  body: "Your photos are ready: https://studio.example/g/abc",
  statusCallback: "https://studio.example/webhooks/twilio/status?d=m1%3Ac1%3Asms",
  clientRef: "m1:c1:sms",
  ...over,
});

function failed(outcome: SendOutcome | undefined) {
  if (!outcome || outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

describe("SMS", () => {
  test("Twilio receives a form-encoded message with basic auth; the outcome carries its SID", async () => {
    const outcome = await twilio.sms.send(
      sms({ mediaUrls: ["https://studio.example/a.jpg", "https://studio.example/b.jpg"] }),
    );
    expect(outcome).toEqual({ ok: true, providerId: fake.sent[0]!.sid, status: "queued" });
    expect(fake.sent[0]!.sid).toMatch(/^SM[0-9a-f]{32}$/);
    const req = fake.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages.json`);
    expect(req.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req.headers.authorization).toBe(
      `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString("base64")}`,
    );
    expect(req.form).toEqual({
      To: "+15551230001",
      From: "+15557654321",
      Body: "Your photos are ready: https://studio.example/g/abc",
      MediaUrl: ["https://studio.example/a.jpg", "https://studio.example/b.jpg"],
      StatusCallback: "https://studio.example/webhooks/twilio/status?d=m1%3Ac1%3Asms",
    });
  });

  test("a messaging service SID is sent as MessagingServiceSid", async () => {
    const outcome = await twilio.sms.send(sms({ from: "MG0123456789abcdef0123456789abcdef" }));
    expect(outcome).toMatchObject({ ok: true, status: "accepted" });
    expect(fake.requests[0]!.form).toMatchObject({ MessagingServiceSid: "MG0123456789abcdef0123456789abcdef" });
    expect(fake.requests[0]!.form.From).toBeUndefined();
  });

  test("a recipient who replied STOP fails permanently with code 21610, so the caller can suppress", async () => {
    fake.optOut("+15551230001");
    const error = failed(await twilio.sms.send(sms()));
    expect(error).toMatchObject({
      kind: "permanent",
      status: 400,
      code: 21610,
      message: "Attempt to send to unsubscribed recipient",
    });
    expect(error.moreInfo).toBe("https://www.twilio.com/docs/errors/21610");
    expect(fake.sent).toHaveLength(0);
  });

  test("an injected 21610 reads the same", async () => {
    fake.failNext(1, { status: 400, code: 21610 });
    expect(failed(await twilio.sms.send(sms()))).toMatchObject({ kind: "permanent", code: 21610 });
  });

  test("an invalid number and a missing body are permanent, with Twilio's codes and messages", async () => {
    expect(failed(await twilio.sms.send(sms({ to: "555-1234" })))).toMatchObject({
      kind: "permanent",
      code: 21211,
      message: "The 'To' number 555-1234 is not a valid phone number.",
    });
    expect(failed(await twilio.sms.send(sms({ body: "" })))).toMatchObject({ kind: "permanent", code: 21602 });
  });
});

describe("failures by kind (D5)", () => {
  test("429 is rate_limited with Retry-After, which the SDK's own exception would have lost", async () => {
    fake.failNext(1, { status: 429, retryAfter: 2 });
    expect(failed(await twilio.sms.send(sms()))).toMatchObject({
      kind: "rate_limited",
      status: 429,
      code: 20429,
      retryAfterMs: 2000,
    });
  });

  test("going over the rate limit gives 429 with Retry-After", async () => {
    fake.setRateLimit(1);
    expect((await twilio.sms.send(sms())).ok).toBe(true);
    expect(failed(await twilio.sms.send(sms()))).toMatchObject({ kind: "rate_limited", retryAfterMs: 1000 });
  });

  test("5xx is transient, JSON or not", async () => {
    fake.failNext(1, { status: 500 });
    expect(failed(await twilio.sms.send(sms()))).toMatchObject({ kind: "transient", status: 500, code: 20500 });
    fake.failNext(1, { status: 503, rawBody: "<html>Service Unavailable</html>" });
    expect(failed(await twilio.sms.send(sms()))).toMatchObject({ kind: "transient", status: 503 });
  });

  test("wrong credentials are permanent with code 20003", async () => {
    const wrong = createTwilioProviders({ accountSid: fake.accountSid, authToken: "wrong", baseUrl: fake.url });
    expect(failed(await wrong.sms.send(sms()))).toMatchObject({
      kind: "permanent",
      status: 401,
      code: 20003,
      message: "Authenticate",
    });
  });

  test("no answer at all is transient", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const baseUrl = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const offline = createTwilioProviders({ accountSid: fake.accountSid, authToken: fake.authToken, baseUrl });
    const error = failed(await offline.sms.send(sms()));
    expect(error).toMatchObject({ kind: "transient", code: "ECONNREFUSED" });
    expect(error.status).toBeUndefined();
  });

  test("a request that takes too long is abandoned as transient", async () => {
    fake.latencyMs = 500;
    const impatient = createTwilioProviders({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      baseUrl: fake.url,
      timeoutMs: 50,
    });
    expect(failed(await impatient.sms.send(sms())).kind).toBe("transient");
  });
});

describe("reconciling after a crash (D4)", () => {
  test("findSent finds a message sent to that number with that body, and nothing else", async () => {
    const since = new Date();
    const outcome = await twilio.sms.send(sms());
    const sid = (outcome as { providerId: string }).providerId;
    expect((await twilio.sms.findSent("+15551230001", sms().body, since)).map((r) => [r.id, r.status])).toEqual([
      [sid, "queued"],
    ]);
    expect(await twilio.sms.findSent("+15551230001", "Another message", since)).toEqual([]);
    expect(await twilio.sms.findSent("+15551230002", sms().body, since)).toEqual([]);
    expect(await twilio.sms.findSent("+15551230001", sms().body, new Date(Date.now() + 5 * 60_000))).toEqual([]);
    const list = fake.requests.find((r) => r.method === "GET")!;
    expect(list.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages.json`);
    expect(list.query).toMatchObject({ To: "+15551230001", PageSize: "50" });
  });

  test("a message Twilio accepted before the answer was lost is found, so it is not sent again", async () => {
    const since = new Date();
    fake.failNext(1, { status: 500, afterAccept: true });
    expect(failed(await twilio.sms.send(sms())).kind).toBe("transient");
    expect((await twilio.sms.findSent("+15551230001", sms().body, since)).map((r) => [r.id, r.status])).toEqual([
      [fake.sent[0]!.sid, "queued"],
    ]);
  });

  test("the status found is Twilio's latest", async () => {
    const since = new Date();
    await twilio.sms.send(sms());
    fake.setStatus(fake.sent[0]!.sid, "delivered");
    expect((await twilio.sms.findSent("+15551230001", sms().body, since))[0]).toMatchObject({ status: "delivered" });
  });

  test("a failing lookup throws a classified ProviderError", async () => {
    fake.failNext(1, { status: 503 });
    await expect(twilio.sms.findSent("+15551230001", "x", new Date())).rejects.toMatchObject({
      name: "ProviderError",
      kind: "transient",
      status: 503,
    });
  });

  test("why findSent does not filter by DateSent: a message still queued has no date_sent yet", async () => {
    await twilio.sms.send(sms());
    const auth = `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString("base64")}`;
    const res = await fetch(
      `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages.json?To=%2B15551230001&DateSent%3E=2000-01-01`,
      { headers: { authorization: auth } },
    );
    expect(((await res.json()) as { messages: unknown[] }).messages).toHaveLength(0);
  });
});

describe("calls", () => {
  test("a call is placed with the TwiML URL and status callback, and findCall finds it", async () => {
    const since = new Date();
    const outcome = await twilio.voice.call({
      to: "+15550001234",
      from: "+15557654321",
      twimlUrl: "https://studio.example/webhooks/twilio/voice?d=n1",
      statusCallback: "https://studio.example/webhooks/twilio/status?d=n1",
      clientRef: "n1:c1:voice",
    });
    const call = fake.calls[0]!;
    expect(outcome).toEqual({ ok: true, providerId: call.sid, status: "queued" });
    expect(call).toMatchObject({
      to: "+15550001234",
      from: "+15557654321",
      url: "https://studio.example/webhooks/twilio/voice?d=n1",
      statusCallback: "https://studio.example/webhooks/twilio/status?d=n1",
    });
    expect((await twilio.voice.findCall("+15550001234", since)).map((r) => [r.id, r.status])).toEqual([
      [call.sid, "queued"],
    ]);
    expect(await twilio.voice.findCall("+15550009999", since)).toEqual([]);
  });

  test("a call to an invalid number is permanent", async () => {
    const outcome = await twilio.voice.call({
      to: "12",
      from: "+15557654321",
      twimlUrl: "https://studio.example/v",
      clientRef: "r",
    });
    expect(failed(outcome)).toMatchObject({ kind: "permanent", code: 21211 });
  });
});

describe("line type lookup (D10)", () => {
  test("landline, mobile and VoIP numbers are told apart via Lookup v2", async () => {
    fake.setLineType("+15551230003", "nonFixedVoip");
    fake.setLineType("+18005550100", "tollFree");
    expect(await twilio.lookup.lineType("+15550001234")).toBe("landline");
    expect(await twilio.lookup.lineType("+15551230001")).toBe("mobile");
    expect(await twilio.lookup.lineType("+15551230003")).toBe("voip");
    expect(await twilio.lookup.lineType("+18005550100")).toBe("unknown");
    const req = fake.requests[0]!;
    expect(req.path).toBe("/v2/PhoneNumbers/+15550001234");
    expect(req.query).toEqual({ Fields: "line_type_intelligence" });
  });

  test("a number Lookup cannot place is unknown; a failure throws", async () => {
    expect(await twilio.lookup.lineType("+1")).toBe("unknown");
    fake.failNext(1, { status: 429, retryAfter: 3 });
    await expect(twilio.lookup.lineType("+15551230001")).rejects.toMatchObject({
      kind: "rate_limited",
      retryAfterMs: 3000,
    });
  });
});

describe("webhook signatures (D8)", () => {
  test("a status callback signed by the fake verifies; a changed field, URL or token does not", async () => {
    await twilio.sms.send(sms());
    const cb = fake.setStatus(fake.sent[0]!.sid, "delivered")!;
    expect(cb.params).toMatchObject({ MessageSid: fake.sent[0]!.sid, MessageStatus: "delivered", To: "+15551230001" });
    expect(cb.headers["x-twilio-signature"]).toBe(cb.signature);
    expect(await verifyTwilioSignature(fake.authToken, cb.signature, cb.url, cb.params)).toBe(true);
    expect(
      await verifyTwilioSignature(fake.authToken, cb.signature, cb.url, { ...cb.params, MessageStatus: "failed" }),
    ).toBe(false);
    expect(
      await verifyTwilioSignature(
        fake.authToken,
        cb.signature,
        "https://elsewhere.example/webhooks/twilio/status",
        cb.params,
      ),
    ).toBe(false);
    expect(await verifyTwilioSignature("another-token", cb.signature, cb.url, cb.params)).toBe(false);
  });

  test("a failed message's callback carries the error code", async () => {
    await twilio.sms.send(sms());
    const cb = fake.setStatus(fake.sent[0]!.sid, "undelivered", { errorCode: 30003 })!;
    expect(cb.params).toMatchObject({ MessageStatus: "undelivered", ErrorCode: "30003" });
  });

  test("an inbound STOP reply is signed too", async () => {
    const inbound = fake.inboundSms("https://studio.example/webhooks/twilio/inbound", {
      from: "+15551230001",
      to: "+15557654321",
      body: "STOP",
    });
    expect(new URLSearchParams(inbound.body).get("Body")).toBe("STOP");
    expect(
      await verifyTwilioSignature(
        fake.authToken,
        inbound.signature,
        inbound.url,
        Object.fromEntries(new URLSearchParams(inbound.body)),
      ),
    ).toBe(true);
  });
});
