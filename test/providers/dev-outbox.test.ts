// The dev outbox (SPEC D1): every channel "delivers" into the store, exactly as given, and
// keeps the promises the real providers make.
import { describe, expect, test } from "bun:test";
import { createDevProviders, memoryDevOutboxStore } from "../../src/providers/dev-outbox.ts";
import type { EmailMessage, SendOutcome } from "../../src/providers/types.ts";

const at = new Date("2026-09-01T10:00:00Z");

function setup() {
  const store = memoryDevOutboxStore();
  let clock = at;
  let n = 0;
  const providers = createDevProviders(store, { clock: () => clock, newId: () => `dev_${++n}` });
  return { store, ...providers, setClock: (d: Date) => (clock = d) };
}

const message = (n: number, over: Partial<EmailMessage> = {}): EmailMessage => ({
  to: `customer${n}@example.com`,
  from: "Brightside <hello@brightside.example>",
  subject: `Ready (${n})`,
  html: `<p>Hello ${n}</p>`,
  text: `Hello ${n}`,
  headers: { "List-Unsubscribe": `<https://studio.example/u/${n}>` },
  idempotencyKey: `m1:c${n}:email`,
  ...over,
});

const failed = (o: SendOutcome | undefined) => {
  if (!o || o.ok) throw new Error(`expected a failure, got ${JSON.stringify(o)}`);
  return o.error;
};

describe("dev e-mail", () => {
  test("an e-mail is recorded exactly as given, delivered, with a dev id", async () => {
    const { email, store } = setup();
    const pdf = { filename: "invoice.pdf", content: Buffer.from("%PDF"), contentType: "application/pdf" };
    const outcome = await email.send(
      message(1, { replyTo: "studio@brightside.example", tags: [{ name: "k", value: "v" }], attachments: [pdf] }),
    );
    expect(email.name).toBe("dev");
    expect(outcome).toEqual({ ok: true, providerId: "dev_1", status: "delivered" });
    expect(store.entries).toEqual([
      {
        id: "dev_1",
        channel: "email",
        to: "customer1@example.com",
        from: "Brightside <hello@brightside.example>",
        subject: "Ready (1)",
        body: "Hello 1",
        html: "<p>Hello 1</p>",
        replyTo: "studio@brightside.example",
        headers: { "List-Unsubscribe": "<https://studio.example/u/1>" },
        tags: [{ name: "k", value: "v" }],
        attachments: [pdf],
        ref: "m1:c1:email",
        status: "delivered",
        createdAt: at,
      },
    ]);
  });

  test("ids are random dev_ ids when none are injected", async () => {
    const { email } = createDevProviders(memoryDevOutboxStore());
    const outcome = await email.send(message(1));
    expect(outcome.ok && outcome.providerId).toMatch(/^dev_[0-9a-f]{24}$/);
  });

  test("the same idempotency key answers with the first e-mail instead of a second", async () => {
    const { email, store } = setup();
    const first = await email.send(message(1));
    expect(await email.send(message(1, { subject: "Changed" }))).toEqual(first);
    expect(store.entries).toHaveLength(1);
  });

  test("a batch gives one outcome per e-mail, in order; a retried batch sends nothing twice", async () => {
    const { email, store } = setup();
    const batch = [1, 2, 3].map((n) => message(n));
    const outcomes = await email.sendBatch(batch);
    expect(outcomes.map((o) => o.ok && o.providerId)).toEqual(["dev_1", "dev_2", "dev_3"]);
    expect(await email.sendBatch(batch)).toEqual(outcomes);
    expect(store.entries.map((e) => e.to)).toEqual([
      "customer1@example.com",
      "customer2@example.com",
      "customer3@example.com",
    ]);
  });

  test("a batch keeps Resend's limits: 101 e-mails or an attachment is refused and nothing is recorded", async () => {
    const { email, store } = setup();
    const big = await email.sendBatch(Array.from({ length: 101 }, (_, i) => message(i)));
    expect(big).toHaveLength(101);
    expect(failed(big[0])).toMatchObject({ kind: "permanent", status: 422 });
    const withFile = await email.sendBatch([
      message(1, { attachments: [{ filename: "a.txt", content: Buffer.from("a"), contentType: "text/plain" }] }),
    ]);
    expect(failed(withFile[0]).kind).toBe("permanent");
    expect(store.entries).toHaveLength(0);
  });
});

describe("dev SMS and calls", () => {
  test("an SMS is recorded as given and found again by number, body and time", async () => {
    const { sms, store, setClock } = setup();
    const outcome = await sms.send({
      to: "+15551230001",
      from: "+15557654321",
      body: "Hi",
      mediaUrls: ["https://x/a.jpg"],
      statusCallback: "https://studio.example/s",
      clientRef: "m1:c1:sms",
    });
    expect(outcome).toEqual({ ok: true, providerId: "dev_1", status: "delivered" });
    expect(store.entries[0]).toEqual({
      id: "dev_1",
      channel: "sms",
      to: "+15551230001",
      from: "+15557654321",
      body: "Hi",
      mediaUrls: ["https://x/a.jpg"],
      statusCallback: "https://studio.example/s",
      ref: "m1:c1:sms",
      status: "delivered",
      createdAt: at,
    });
    setClock(new Date(at.getTime() + 60_000));
    expect(await sms.findSent("+15551230001", "Hi", at)).toEqual([{ id: "dev_1", status: "delivered", createdAt: at }]);
    expect(await sms.findSent("+15551230001", "Other", at)).toEqual([]);
    expect(await sms.findSent("+15551230002", "Hi", at)).toEqual([]);
    expect(await sms.findSent("+15551230001", "Hi", new Date(at.getTime() + 1))).toEqual([]);
  });

  test("an SMS sent twice is recorded twice, as Twilio would send it twice", async () => {
    const { sms, store } = setup();
    const m = { to: "+15551230001", from: "+15557654321", body: "Hi", clientRef: "m1:c1:sms" };
    await sms.send(m);
    await sms.send(m);
    expect(store.entries).toHaveLength(2);
    expect((await sms.findSent("+15551230001", "Hi", at)).map((r) => r.id)).toEqual(["dev_2"]);
  });

  test("a call is recorded with its TwiML URL and found again", async () => {
    const { voice, store } = setup();
    const outcome = await voice.call({
      to: "+15550001234",
      from: "+15557654321",
      twimlUrl: "https://studio.example/v?d=1",
      statusCallback: "https://studio.example/s",
      clientRef: "n1:c1:voice",
    });
    expect(outcome).toEqual({ ok: true, providerId: "dev_1", status: "delivered" });
    expect(store.entries[0]).toMatchObject({
      channel: "voice",
      to: "+15550001234",
      body: "https://studio.example/v?d=1",
      ref: "n1:c1:voice",
    });
    expect((await voice.findCall("+15550001234", at)).map((r) => [r.id, r.status])).toEqual([["dev_1", "delivered"]]);
    expect(await voice.findCall("+15550009999", at)).toEqual([]);
  });
});

describe("dev lookup", () => {
  test("every number is a mobile unless told otherwise", async () => {
    expect(await setup().lookup.lineType("+15550001234")).toBe("mobile");
    const { lookup } = createDevProviders(memoryDevOutboxStore(), {
      lineType: (p) => (p.startsWith("+1555000") ? "landline" : "mobile"),
    });
    expect(await lookup.lineType("+15550001234")).toBe("landline");
  });
});
