// Provider webhooks end to end (SPEC D7–D9, A2, A3): messages go out through the real Resend and
// Twilio SDKs to local fakes, which then call back exactly as the services do (signed), and we
// look at what an operator would see: statuses, events, suppressions, inbox rows and TwiML.
import { appointmentHistory, unseenAlerts } from "../src/db/appointment-changes.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { nextStatus } from "../src/core/delivery-status.ts";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { decideRecipients } from "../src/core/recipients.ts";
import { signLinkToken } from "../src/core/link-tokens.ts";
import { createCustomer } from "../src/db/customers.ts";
import { linkSigningSecret } from "../src/db/secrets.ts";
import { recordProviderEvent } from "../src/db/delivery-status.ts";
import { ackSent, claimDue } from "../src/db/outbox-leases.ts";
import { enqueueDeliveries, loadCandidates } from "../src/db/outbox.ts";
import {
  appointments,
  customers,
  deliveries,
  deliveryEvents,
  inboundMessages,
  suppressions,
} from "../src/db/schema.ts";
import type { Channel } from "../src/core/vocabulary.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { createResendProvider } from "../src/providers/resend.ts";
import { createTwilioProviders } from "../src/providers/twilio.ts";
import { type FakeResend, fakeWebhookSecret, startFakeResend } from "./fakes/fake-resend.ts";
import { type FakeTwilio, type SignedRequest, startFakeTwilio } from "./fakes/fake-twilio.ts";
import { makeTestApp, type TestApp } from "./support/app.ts";

const noon = new Date("2026-09-01T17:00:00Z"); // 12:00 in Chicago, inside the sending window
const STUDIO_NUMBER = "+15550009999";
// Links in e-mail must be https with Resend on; Twilio signs the same base.
const BASE = "https://pigeon.test";

let setups = 0;
let resend: FakeResend;
let twilio: FakeTwilio;
beforeAll(() => {
  resend = startFakeResend();
  twilio = startFakeTwilio();
});
afterAll(() => {
  resend.stop();
  twilio.stop();
});

async function setup(opts: { resend?: boolean; twilio?: boolean } = {}) {
  const secret = fakeWebhookSecret();
  const env: Record<string, string> = { PUBLIC_URL: BASE };
  if (opts.resend !== false)
    Object.assign(env, {
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      EMAIL_FROM: "Brightside <hello@brightside.test>",
      RESEND_WEBHOOK_SECRET: secret,
    });
  if (opts.twilio !== false)
    Object.assign(env, {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: STUDIO_NUMBER,
      TWILIO_BASE_URL: twilio.url,
    });
  const t = await makeTestApp({ now: noon, env });
  await updateSettings(t.db, { name: "Brightside", phone: "+1 555 010 2000", timeZone: "America/Chicago" }, noon);
  // Unique numbers per test: the fakes are shared, and they keep what they sent.
  const tag = String(++setups).padStart(6, "0");
  const people = [
    ["Anna", `anna${tag}@x.test`, `+1777${tag}1`],
    ["<b>Ben</b> & Co", `ben${tag}@x.test`, `+1777${tag}2`],
  ] as const;
  const made: number[] = [];
  for (const [first, email, phone] of people) {
    made.push(
      (
        await createCustomer(
          t.db,
          { first_name: first, email, phone, consent: { email: true, sms: true, voice: true } },
          "test",
          noon,
        )
      ).id,
    );
  }
  const ids = made as [number, number];
  const providers = {
    email: createResendProvider({ apiKey: resend.apiKey, baseUrl: resend.url }),
    ...createTwilioProviders({ accountSid: twilio.accountSid, authToken: twilio.authToken, baseUrl: twilio.url }),
  };
  const dispatcher = createDispatcher(t.deps, providers, { owner: "w1", random: () => 0.5 });
  let n = 0;
  /** Queues a test send to these customers and runs the dispatcher; returns their deliveries. */
  async function send(channel: Channel, to: number[], body: string) {
    const decisions = decideRecipients(await loadCandidates(t.db, to), channel, { requireConsent: true });
    // Unique across tests too: the shared fake Resend remembers idempotency keys.
    const batch = `${tag}-${++n}`;
    await enqueueDeliveries(
      t.db,
      { sourceType: "test" },
      decisions.map((d) => ({
        key: deliveryKey({ kind: "test", id: batch }, { customerId: d.customerId }, channel),
        decision: d,
        dueAt: noon,
        subject: "Hello",
        body,
      })),
      noon,
    );
    await dispatcher.tick();
    const rows = await t.db.select().from(deliveries).where(eq(deliveries.channel, channel)).orderBy(deliveries.id);
    return rows.filter((r) => r.deliveryKey.startsWith(`t${batch}:`));
  }
  return { t, secret, ids, people, send };
}

const post = (t: TestApp, url: string, req: { body: string; headers: Record<string, string> }) =>
  t.app.request(url.startsWith("http") ? url : `${BASE}${url}`, {
    method: "POST",
    body: req.body,
    headers: req.headers,
  });
const postTwilio = (t: TestApp, signed: SignedRequest | null) => {
  if (!signed) throw new Error("no callback: the message has no StatusCallback");
  return post(t, signed.url, signed);
};
const deliveryRow = async (t: TestApp, id: number) =>
  (await t.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;
const eventsOf = (t: TestApp, id: number) =>
  t.db.select().from(deliveryEvents).where(eq(deliveryEvents.deliveryId, id)).orderBy(deliveryEvents.id);
/**
 * Makes every INSERT or UPDATE on `table` fail inside the database, as a full disk would, until
 * the returned function drops the trigger again.
 */
async function failWrites(t: TestApp, op: "INSERT" | "UPDATE", table: string) {
  const name = `fail_${op.toLowerCase()}_${table}`;
  await t.db.$client.execute(
    `CREATE TRIGGER ${name} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
  );
  return async () => {
    await t.db.$client.execute(`DROP TRIGGER ${name}`);
  };
}
const activeSuppressions = (t: TestApp) =>
  t.db.select().from(suppressions).where(isNull(suppressions.clearedAt)).orderBy(suppressions.id);

describe("nextStatus", () => {
  test("moves only forward; final statuses stay, except that a delivered e-mail can still bounce", () => {
    expect(nextStatus("sent", "delivered")).toBe("delivered");
    expect(nextStatus("delivered", "sent")).toBeNull();
    expect(nextStatus("delivered", "delivered")).toBeNull();
    expect(nextStatus("delivered", "bounced")).toBe("bounced");
    expect(nextStatus("delivered", "undelivered")).toBeNull();
    expect(nextStatus("bounced", "delivered")).toBeNull();
    expect(nextStatus("undelivered", "delivered")).toBeNull();
    expect(nextStatus("failed", "sent")).toBeNull();
    expect(nextStatus("skipped", "delivered")).toBeNull();
    expect(nextStatus("held", "sent")).toBeNull();
  });
});

describe("POST /webhooks/resend", () => {
  test("a delivered event moves the e-mail to delivered once; the same event again changes nothing", async () => {
    const { t, secret, ids, send } = await setup();
    const [d] = await send("email", ids.slice(0, 1), "Your photos are ready");
    expect(d!.status).toBe("sent");
    const signed = resend.signWebhook(secret, resend.emailEvent("email.delivered", d!.providerMessageId!));

    const res = await post(t, "/webhooks/resend", signed);
    expect(res.status).toBe(200);
    const row = await deliveryRow(t, d!.id);
    expect(row.status).toBe("delivered");
    expect(row.deliveredAt).not.toBeNull();
    const events = await eventsOf(t, d!.id);
    expect(events.map((e) => [e.type, e.providerEventId])).toEqual([
      ["sent", null],
      ["delivered", signed.headers["svix-id"]],
    ]);

    const replay = await post(t, "/webhooks/resend", signed);
    expect(replay.status).toBe(200);
    expect(await eventsOf(t, d!.id)).toHaveLength(2);
    expect((await deliveryRow(t, d!.id)).updatedAt).toEqual(row.updatedAt);
  });

  test("a wrong or missing signature is refused with 403 and records nothing", async () => {
    const { t, ids, send } = await setup();
    const [d] = await send("email", ids.slice(0, 1), "Hi");
    const forged = resend.signWebhook(
      fakeWebhookSecret(),
      resend.emailEvent("email.bounced", d!.providerMessageId!, {
        bounce: { type: "Permanent", subType: "General", message: "no such user" },
      }),
    );
    const res = await post(t, "/webhooks/resend", forged);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { message: expect.stringContaining("signature"), fields: {} } });
    const unsigned = await post(t, "/webhooks/resend", {
      body: forged.body,
      headers: { "content-type": "application/json" },
    });
    expect(unsigned.status).toBe(403);
    expect((await deliveryRow(t, d!.id)).status).toBe("sent");
    expect(await eventsOf(t, d!.id)).toHaveLength(1);
    expect(await activeSuppressions(t)).toEqual([]);
  });

  test("a body changed after signing is refused", async () => {
    const { t, secret, ids, send } = await setup();
    const [d] = await send("email", ids.slice(0, 1), "Hi");
    const signed = resend.signWebhook(secret, resend.emailEvent("email.delivered", d!.providerMessageId!));
    const res = await post(t, "/webhooks/resend", {
      ...signed,
      body: signed.body.replace("email.delivered", "email.complained"),
    });
    expect(res.status).toBe(403);
    expect(await eventsOf(t, d!.id)).toHaveLength(1);
    expect(await activeSuppressions(t)).toEqual([]);
  });

  test("a late or out-of-order event never moves a status back; a later bounce still counts", async () => {
    const { t, secret, ids, send } = await setup();
    const [d] = await send("email", ids.slice(0, 1), "Hi");
    const id = d!.providerMessageId!;
    const deliver = async (type: string, extra = {}) =>
      (await post(t, "/webhooks/resend", resend.signWebhook(secret, resend.emailEvent(type, id, extra)))).status;

    expect(await deliver("email.delivered")).toBe(200);
    expect(await deliver("email.sent")).toBe(200); // arrives late
    expect(await deliver("email.opened")).toBe(200);
    expect((await deliveryRow(t, d!.id)).status).toBe("delivered");
    // The receiving server accepted it and bounced it later: that is the truth.
    expect(
      await deliver("email.bounced", {
        bounce: { type: "Permanent", subType: "General", message: "mailbox does not exist" },
      }),
    ).toBe(200);
    expect(await deliver("email.delivered")).toBe(200);
    const row = await deliveryRow(t, d!.id);
    expect(row.status).toBe("bounced");
    expect(row.lastError).toContain("mailbox does not exist");
    expect((await eventsOf(t, d!.id)).map((e) => e.type)).toEqual([
      "sent",
      "delivered",
      "sent",
      "opened",
      "bounced",
      "delivered",
    ]);
  });

  test("a hard bounce suppresses the address, and the next e-mail to it is skipped with the reason", async () => {
    const { t, secret, ids, people, send } = await setup();
    const [d] = await send("email", ids.slice(0, 1), "Hi");
    const bounce = resend.emailEvent("email.bounced", d!.providerMessageId!, {
      bounce: { type: "Permanent", subType: "General", message: "550 no such user" },
    });
    expect((await post(t, "/webhooks/resend", resend.signWebhook(secret, bounce))).status).toBe(200);
    expect((await activeSuppressions(t)).map((s) => [s.channel, s.address, s.reason, s.customerId])).toEqual([
      ["email", people[0][1], "bounced", ids[0]],
    ]);

    const sentBefore = resend.sent.length;
    const [next] = await send("email", ids.slice(0, 1), "Second try");
    expect([next!.status, next!.skipReason]).toEqual(["skipped", "bounced"]);
    expect(resend.sent.length).toBe(sentBefore);
  });

  test("a complaint after an unsubscribe replaces it, so the preferences page cannot clear it; an unsubscribe never downgrades a bounce", async () => {
    const { t, secret, ids, people, send } = await setup();
    const [d] = await send("email", ids, "Hi");
    const linkSecret = await linkSigningSecret(t.db, undefined, noon);
    const link = (purpose: "unsubscribe" | "preferences", customerId: number) =>
      `${BASE}/${purpose === "unsubscribe" ? "u" : "p"}/${signLinkToken(linkSecret, { purpose, customerId, expiresAt: purpose === "preferences" ? new Date(noon.getTime() + 24 * 3600_000) : undefined })}`;
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    // Anna unsubscribes, then reports the e-mail as spam.
    expect((await t.app.request(link("unsubscribe", ids[0]), { method: "POST" })).status).toBe(200);
    const complaint = resend.emailEvent("email.complained", d!.providerMessageId!);
    expect((await post(t, "/webhooks/resend", resend.signWebhook(secret, complaint))).status).toBe(200);
    expect((await activeSuppressions(t)).map((s) => [s.address, s.reason])).toEqual([[people[0][1], "complained"]]);
    // The preferences page tells her why and cannot turn marketing back on.
    const page = await t.app.request(link("preferences", ids[0]), {
      method: "POST",
      headers: form,
      body: "email=on&sms=on&voice=on",
    });
    expect(await page.text()).toContain("our e-mails were reported as spam from this address");
    expect((await activeSuppressions(t)).map((s) => [s.address, s.reason])).toEqual([[people[0][1], "complained"]]);
    // The unsubscribe stays in the history, closed by the complaint.
    const history = await t.db
      .select()
      .from(suppressions)
      .where(eq(suppressions.address, people[0][1]))
      .orderBy(suppressions.id);
    expect(history.map((s) => [s.reason, s.clearedAt ? "cleared" : "active"])).toEqual([
      ["unsubscribed", "cleared"],
      ["complained", "active"],
    ]);

    // Ben's address bounced; his unsubscribe afterwards does not turn the bounce into an opt-out he could undo.
    const [b] = await t.db.select().from(deliveries).where(eq(deliveries.toAddress, people[1][1]));
    const bounce = resend.emailEvent("email.bounced", b!.providerMessageId!, {
      bounce: { type: "Permanent", subType: "General", message: "550 no such user" },
    });
    expect((await post(t, "/webhooks/resend", resend.signWebhook(secret, bounce))).status).toBe(200);
    await t.app.request(link("unsubscribe", ids[1]), { method: "POST" });
    await t.app.request(link("preferences", ids[1]), {
      method: "POST",
      headers: form,
      body: "email=on&sms=on&voice=on",
    });
    expect((await activeSuppressions(t)).map((s) => [s.address, s.reason])).toEqual([
      [people[0][1], "complained"],
      [people[1][1], "bounced"],
    ]);
  });

  test("a bounce whose suppression fails is not recorded at all, so Resend's retry suppresses the address, once", async () => {
    const { t, secret, ids, people, send } = await setup();
    const [d] = await send("email", ids.slice(0, 1), "Hi");
    const bounce = resend.signWebhook(
      secret,
      resend.emailEvent("email.bounced", d!.providerMessageId!, {
        bounce: { type: "Permanent", subType: "General", message: "550 no such user" },
      }),
    );
    const heal = await failWrites(t, "INSERT", "suppressions");
    const failed = await post(t, "/webhooks/resend", bounce);
    expect(failed.status).toBe(500);
    expect((await deliveryRow(t, d!.id)).status).toBe("sent");
    expect((await eventsOf(t, d!.id)).map((e) => e.type)).toEqual(["sent"]);
    expect(await activeSuppressions(t)).toEqual([]);

    await heal();
    expect((await post(t, "/webhooks/resend", bounce)).status).toBe(200);
    expect(await (await post(t, "/webhooks/resend", bounce)).json()).toEqual({ ok: true, duplicate: true });
    expect((await deliveryRow(t, d!.id)).status).toBe("bounced");
    expect((await eventsOf(t, d!.id)).map((e) => e.type)).toEqual(["sent", "bounced"]);
    expect((await activeSuppressions(t)).map((s) => [s.channel, s.address, s.reason])).toEqual([
      ["email", people[0][1], "bounced"],
    ]);
  });

  test("a soft bounce is recorded but neither suppresses nor changes the status", async () => {
    const { t, secret, ids, send } = await setup();
    const [d] = await send("email", ids.slice(0, 1), "Hi");
    const bounce = resend.emailEvent("email.bounced", d!.providerMessageId!, {
      bounce: { type: "Transient", subType: "MailboxFull", message: "mailbox full" },
    });
    expect((await post(t, "/webhooks/resend", resend.signWebhook(secret, bounce))).status).toBe(200);
    expect((await deliveryRow(t, d!.id)).status).toBe("sent");
    expect((await eventsOf(t, d!.id)).map((e) => e.type)).toEqual(["sent", "soft_bounce"]);
    expect(await activeSuppressions(t)).toEqual([]);
  });

  test("a spam complaint suppresses the address", async () => {
    const { t, secret, ids, people, send } = await setup();
    const [d] = await send("email", ids.slice(1, 2), "Hi");
    await post(
      t,
      "/webhooks/resend",
      resend.signWebhook(secret, resend.emailEvent("email.delivered", d!.providerMessageId!)),
    );
    await post(
      t,
      "/webhooks/resend",
      resend.signWebhook(secret, resend.emailEvent("email.complained", d!.providerMessageId!)),
    );
    expect((await activeSuppressions(t)).map((s) => [s.address, s.reason])).toEqual([[people[1][1], "complained"]]);
    expect((await deliveryRow(t, d!.id)).status).toBe("delivered");
  });

  test("an event about an e-mail we never sent is accepted and ignored", async () => {
    const { t, secret } = await setup();
    const event = {
      type: "email.delivered",
      created_at: new Date().toISOString(),
      data: { email_id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c", to: ["someone@else.test"] },
    };
    const res = await post(t, "/webhooks/resend", resend.signWebhook(secret, event));
    expect(res.status).toBe(200);
    expect(await t.db.select().from(deliveryEvents)).toHaveLength(0);
  });

  test("a validly signed body that is not JSON is a 400", async () => {
    const { t, secret } = await setup();
    // Signed by hand: the fake's helper only signs JSON it serialises itself.
    const body = "{not json";
    const id = "msg_not_json";
    const timestamp = String(Math.floor(Date.now() / 1000));
    const sig = createHmac("sha256", Buffer.from(secret.replace(/^whsec_/, ""), "base64"))
      .update(`${id}.${timestamp}.${body}`)
      .digest("base64");
    const res = await post(t, "/webhooks/resend", {
      body,
      headers: {
        "content-type": "application/json",
        "svix-id": id,
        "svix-timestamp": timestamp,
        "svix-signature": `v1,${sig}`,
      },
    });
    expect(res.status).toBe(400);
  });

  test("without a webhook secret, or without Twilio, the webhooks are off", async () => {
    const { t } = await setup({ resend: false, twilio: false });
    expect(
      (await post(t, "/webhooks/resend", { body: "{}", headers: { "content-type": "application/json" } })).status,
    ).toBe(404);
    const inbound = twilio.inboundSms(`${BASE}/webhooks/twilio/inbound`, {
      from: "+15551112222",
      to: STUDIO_NUMBER,
      body: "STOP",
    });
    const res = await postTwilio(t, inbound);
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain("Twilio");
    expect(await t.db.select().from(inboundMessages)).toHaveLength(0);
  });
});

describe("POST /webhooks/twilio/status", () => {
  test("an SMS moves to delivered on its callback; a replay and a late 'sent' change nothing", async () => {
    const { t, ids, send } = await setup();
    const [d] = await send("sms", ids.slice(0, 1), "Photos are ready");
    expect(d!.status).toBe("sent");
    const sms = twilio.sent.find((m) => m.sid === d!.providerMessageId)!;
    expect(sms.statusCallback).toBe(`${BASE}/webhooks/twilio/status?d=${d!.id}`);

    const sent = twilio.setStatus(sms.sid, "sent");
    const delivered = twilio.setStatus(sms.sid, "delivered");
    expect((await postTwilio(t, delivered)).status).toBe(204);
    expect((await postTwilio(t, delivered)).status).toBe(204);
    expect((await postTwilio(t, sent)).status).toBe(204);
    const row = await deliveryRow(t, d!.id);
    expect(row.status).toBe("delivered");
    expect((await eventsOf(t, d!.id)).map((e) => [e.type, e.providerEventId])).toEqual([
      ["sent", null],
      ["delivered", `${sms.sid}:delivered`],
      ["sent", `${sms.sid}:sent`],
    ]);
  });

  test("undelivered keeps Twilio's error code on the delivery and its event", async () => {
    const { t, ids, send } = await setup();
    const [d] = await send("sms", ids.slice(0, 1), "Photos are ready");
    expect(
      (await postTwilio(t, twilio.setStatus(d!.providerMessageId!, "undelivered", { errorCode: 30003 }))).status,
    ).toBe(204);
    const row = await deliveryRow(t, d!.id);
    expect(row.status).toBe("undelivered");
    expect(row.lastError).toBe("Twilio error 30003: unreachable handset (switched off or out of coverage)");
    const event = (await eventsOf(t, d!.id)).at(-1)!;
    expect(event.detail).toMatchObject({ error_code: "30003", status: "undelivered" });
    expect(await activeSuppressions(t)).toEqual([]);
  });

  test("error 21610 (the number replied STOP at the carrier) suppresses SMS to it", async () => {
    const { t, ids, people, send } = await setup();
    const [d] = await send("sms", ids.slice(0, 1), "Photos are ready");
    await postTwilio(t, twilio.setStatus(d!.providerMessageId!, "failed", { errorCode: 21610 }));
    expect((await deliveryRow(t, d!.id)).status).toBe("failed");
    expect((await activeSuppressions(t)).map((s) => [s.channel, s.address, s.reason])).toEqual([
      ["sms", people[0][2], "stop_keyword"],
    ]);
  });

  test("a 21610 callback whose suppression fails is not recorded, so Twilio's retry suppresses the number, once", async () => {
    const { t, ids, people, send } = await setup();
    const [d] = await send("sms", ids.slice(0, 1), "Photos are ready");
    const callback = twilio.setStatus(d!.providerMessageId!, "failed", { errorCode: 21610 });
    const heal = await failWrites(t, "INSERT", "suppressions");
    expect((await postTwilio(t, callback)).status).toBe(500);
    expect((await deliveryRow(t, d!.id)).status).toBe("sent");
    expect(await eventsOf(t, d!.id)).toHaveLength(1);
    expect(await activeSuppressions(t)).toEqual([]);

    await heal();
    expect((await postTwilio(t, callback)).status).toBe(204);
    expect((await postTwilio(t, callback)).status).toBe(204);
    expect((await deliveryRow(t, d!.id)).status).toBe("failed");
    expect((await eventsOf(t, d!.id)).map((e) => e.type)).toEqual(["sent", "failed"]);
    expect((await activeSuppressions(t)).map((s) => [s.channel, s.address, s.reason])).toEqual([
      ["sms", people[0][2], "stop_keyword"],
    ]);
  });

  test("a call's status: completed is delivered, busy is undelivered", async () => {
    const { t, ids, send } = await setup();
    const [a, b] = await send("voice", ids, "Reminder: picture day tomorrow.");
    await postTwilio(t, twilio.setStatus(a!.providerMessageId!, "ringing"));
    await postTwilio(t, twilio.setStatus(a!.providerMessageId!, "completed"));
    await postTwilio(t, twilio.setStatus(b!.providerMessageId!, "busy"));
    expect((await deliveryRow(t, a!.id)).status).toBe("delivered");
    const busy = await deliveryRow(t, b!.id);
    expect([busy.status, busy.lastError]).toEqual(["undelivered", "the line was busy"]);
  });

  test("callbacks that beat the dispatcher's acknowledgement are kept as events and take effect with the ack", async () => {
    const { t, ids } = await setup();
    const [decision] = decideRecipients(await loadCandidates(t.db, ids.slice(0, 1)), "sms", { requireConsent: true });
    await enqueueDeliveries(
      t.db,
      { sourceType: "test" },
      [{ key: "early", decision: decision!, dueAt: noon, body: "Hi" }],
      noon,
    );
    const [claimed] = await claimDue(t.db, "sms", "w1", noon, 60_000, 10);
    const sid = "SM0123456789abcdef0123456789abcdef";
    const url = `${BASE}/webhooks/twilio/status?d=${claimed!.id}`;
    const early = (status: string, messageSid = sid) =>
      postTwilio(
        t,
        twilio.signCallback(twilio.authToken, url, {
          AccountSid: twilio.accountSid,
          MessageSid: messageSid,
          MessageStatus: status,
          To: decision!.to!,
        }),
      );
    expect((await early("sent")).status).toBe(204);
    expect((await early("delivered")).status).toBe(204);
    // An earlier attempt's message reporting on the same URL says nothing about this send.
    expect((await early("undelivered", "SM99999999999999999999999999999999")).status).toBe(204);
    expect((await deliveryRow(t, claimed!.id)).status).toBe("sending");
    expect(await ackSent(t.db, claimed!.id, "w1", noon, "twilio", sid)).toBe(true);
    const row = await deliveryRow(t, claimed!.id);
    expect([row.status, row.providerMessageId, row.deliveredAt !== null]).toEqual(["delivered", sid, true]);
    expect((await eventsOf(t, claimed!.id)).map((e) => [e.type, e.detail])).toEqual([
      ["sent", { provider: "twilio", sid, status: "sent", before_ack: true, implies: "sent" }],
      ["delivered", { provider: "twilio", sid, status: "delivered", before_ack: true, implies: "delivered" }],
      [
        "undelivered",
        expect.objectContaining({
          sid: "SM99999999999999999999999999999999",
          before_ack: true,
          implies: "undelivered",
        }),
      ],
      ["sent", { provider: "twilio", providerMessageId: sid }],
    ]);
  });

  test("a callback looked up before the ack but written after it still moves the status", async () => {
    const { t, ids } = await setup();
    const [decision] = decideRecipients(await loadCandidates(t.db, ids.slice(0, 1)), "sms", { requireConsent: true });
    await enqueueDeliveries(
      t.db,
      { sourceType: "test" },
      [{ key: "race", decision: decision!, dueAt: noon, body: "Hi" }],
      noon,
    );
    const [claimed] = await claimDue(t.db, "sms", "w1", noon, 60_000, 10);
    const sid = "SM00000000000000000000000000000042";
    // The webhook saw the delivery still sending, then the dispatcher's ack committed first.
    expect(await ackSent(t.db, claimed!.id, "w1", noon, "twilio", sid)).toBe(true);
    const early = { provider: "twilio", sid, status: "undelivered", before_ack: true, implies: "undelivered" };
    const r = await recordProviderEvent(
      t.db,
      claimed!.id,
      {
        providerEventId: `${sid}:undelivered`,
        type: "undelivered",
        status: null,
        detail: early,
        occurredAt: noon,
        error: "unreachable handset",
        afterAck: { providerMessageId: sid, status: "undelivered" },
      },
      noon,
    );
    expect(r).toEqual({ duplicate: false, status: "undelivered" });
    const row = await deliveryRow(t, claimed!.id);
    expect([row.status, row.lastError]).toEqual(["undelivered", "unreachable handset"]);
  });

  test("a bad signature, a changed field or a signature for another URL is refused with 403", async () => {
    const { t, ids, send } = await setup();
    const [d, other] = await send("sms", ids, "Photos are ready");
    const signed = twilio.setStatus(d!.providerMessageId!, "delivered")!;
    const wrongKey = twilio.signCallback("not-the-auth-token", signed.url, signed.params);
    expect((await postTwilio(t, wrongKey)).status).toBe(403);
    const changed = new URLSearchParams({ ...signed.params, MessageStatus: "undelivered" }).toString();
    expect((await post(t, signed.url, { ...signed, body: changed })).status).toBe(403);
    // A genuine signature, but for the other delivery's URL.
    expect((await post(t, `${BASE}/webhooks/twilio/status?d=${other!.id}`, signed)).status).toBe(403);
    expect(
      (
        await post(t, signed.url, {
          body: signed.body,
          headers: { "content-type": "application/x-www-form-urlencoded" },
        })
      ).status,
    ).toBe(403);
    expect((await deliveryRow(t, d!.id)).status).toBe("sent");
    expect(await eventsOf(t, d!.id)).toHaveLength(1);
  });
});

describe("POST /webhooks/twilio/inbound", () => {
  const INBOUND = `${BASE}/webhooks/twilio/inbound`;
  const reply = (t: TestApp, from: string, body: string) =>
    postTwilio(t, twilio.inboundSms(INBOUND, { from, to: STUDIO_NUMBER, body }));
  const inbox = (t: TestApp) => t.db.select().from(inboundMessages).orderBy(inboundMessages.id);

  test("STOP and 'stop.' suppress SMS with no answer of our own; UNSTOP lifts it and says so", async () => {
    const { t, ids, people } = await setup();
    const [anna, ben] = [people[0][2], people[1][2]];
    const res = await reply(t, anna, "STOP");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/xml");
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    await reply(t, ben, "  stop. ");
    expect((await activeSuppressions(t)).map((s) => [s.channel, s.address, s.reason, s.source, s.customerId])).toEqual([
      ["sms", anna, "stop_keyword", "STOP reply", ids[0]],
      ["sms", ben, "stop_keyword", "STOP reply", ids[1]],
    ]);

    const unstop = await reply(t, anna, "Unstop");
    expect(await unstop.text()).toContain(
      "<Message>Brightside: you will get our text messages again. Reply STOP to opt out.</Message>",
    );
    expect((await activeSuppressions(t)).map((s) => s.address)).toEqual([ben]);
    expect((await inbox(t)).map((m) => [m.fromAddress, m.body, m.handledAs, m.customerId])).toEqual([
      [anna, "STOP", "stop", ids[0]],
      [ben, "  stop. ", "stop", ids[1]],
      [anna, "Unstop", "start", ids[0]],
    ]);
  });

  test("HELP gets the studio's help reply, or a default naming the studio and its phone", async () => {
    const { t, people } = await setup();
    const first = await reply(t, people[0][2], "help");
    expect(await first.text()).toContain(
      "<Message>Brightside: for help call us at +1 555 010 2000. Reply STOP to opt out.</Message>",
    );
    await updateSettings(t.db, { smsHelpReply: "Brightside Photo & Co: call 555-0102 or visit brightside.test" }, noon);
    const second = await reply(t, people[0][2], "HELP");
    expect(await second.text()).toContain(
      "<Message>Brightside Photo &amp; Co: call 555-0102 or visit brightside.test</Message>",
    );
    expect((await inbox(t)).map((m) => m.handledAs)).toEqual(["help", "help"]);
  });

  test("anything else lands in the inbox, unanswered; a retried webhook is stored once", async () => {
    const { t, ids, people } = await setup();
    const signed = twilio.inboundSms(INBOUND, {
      from: people[1][2],
      to: STUDIO_NUMBER,
      body: "Can we come at 3 instead? Please don't stop the reminders",
    });
    const res = await postTwilio(t, signed);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    await postTwilio(t, signed);
    await reply(t, "+15559990000", "who is this?");
    expect((await inbox(t)).map((m) => [m.handledAs, m.customerId, m.toAddress])).toEqual([
      ["inbox", ids[1], STUDIO_NUMBER],
      ["inbox", null, STUDIO_NUMBER],
    ]);
    expect(await activeSuppressions(t)).toEqual([]);
  });

  test("the reply names the appointment in the customer's language and zone: a German customer reads Do., 3. Sept., 17:00", async () => {
    const { t, ids, people } = await setup();
    await t.db.update(customers).set({ locale: "de", timeZone: "Europe/Berlin" }).where(eq(customers.id, ids[0]));
    await t.db.insert(appointments).values({
      customerId: ids[0],
      startsAt: new Date("2026-09-03T15:00:00Z"),
      status: "scheduled",
      createdAt: noon,
      updatedAt: noon,
    });
    expect(await (await reply(t, people[0][2], "C")).text()).toContain("Do., 3. Sept., 17:00");
  });

  test("YES or C confirms the next appointment awaiting confirmation", async () => {
    const { t, ids, people } = await setup();
    const [appt] = await t.db
      .insert(appointments)
      .values({
        customerId: ids[0],
        startsAt: new Date("2026-09-03T15:00:00Z"),
        status: "scheduled",
        createdAt: noon,
        updatedAt: noon,
      })
      .returning();
    await t.db
      .insert(appointments)
      .values({ customerId: ids[0], startsAt: new Date("2026-08-01T15:00:00Z"), status: "scheduled" }); // past: not this one
    const res = await reply(t, people[0][2], "Yes!");
    expect(await res.text()).toContain(
      "<Message>Thank you! Your appointment on Thu, Sep 3, 10:00 AM is confirmed. - Brightside</Message>",
    );
    const [row] = await t.db.select().from(appointments).where(eq(appointments.id, appt!.id));
    expect(row!.status).toBe("confirmed");
    const [msg] = await inbox(t);
    expect([msg!.handledAs, msg!.appointmentId, msg!.customerId]).toEqual(["confirmed", appt!.id, ids[0]]);
    expect(await activeSuppressions(t)).toEqual([]);

    const c = await reply(t, people[1][2], "C");
    expect(await c.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>'); // Ben has nothing to confirm
    const [bens] = await t.db
      .insert(appointments)
      .values({ customerId: ids[1], startsAt: new Date("2026-09-10T20:30:00Z"), status: "scheduled" })
      .returning();
    expect(await (await reply(t, people[1][2], "c")).text()).toContain(
      "Your appointment on Thu, Sep 10, 3:30 PM is confirmed.",
    );
    expect((await t.db.select().from(appointments).where(eq(appointments.id, bens!.id)))[0]!.status).toBe("confirmed");
    expect((await inbox(t)).map((m) => m.handledAs)).toEqual(["confirmed", "inbox", "confirmed"]);
    expect((await appointmentHistory(t.db, bens!.id)).map((h) => [h.fromStatus, h.toStatus, h.source])).toEqual([
      ["scheduled", "confirmed", "sms"],
    ]);
    expect(await unseenAlerts(t.db)).toEqual([]); // a confirmation is no alert
  });

  test("YES without an appointment to confirm is START: it lifts a STOP, else it goes to the inbox", async () => {
    const { t, people } = await setup();
    await reply(t, people[0][2], "STOP");
    const yes = await reply(t, people[0][2], "YES");
    expect(await yes.text()).toContain("you will get our text messages again");
    expect(await activeSuppressions(t)).toEqual([]);
    const again = await reply(t, people[0][2], "yes");
    expect(await again.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect((await inbox(t)).map((m) => m.handledAs)).toEqual(["stop", "start", "inbox"]);
  });

  test("X cancels the next appointment; CANCEL is a STOP word and cancels nothing", async () => {
    const { t, ids, people } = await setup();
    const [appt] = await t.db
      .insert(appointments)
      .values({ customerId: ids[1], startsAt: new Date("2026-09-03T15:00:00Z"), status: "confirmed" })
      .returning();
    const cancelWord = await reply(t, people[1][2], "CANCEL");
    expect(await cancelWord.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect((await t.db.select().from(appointments).where(eq(appointments.id, appt!.id)))[0]!.status).toBe("confirmed");
    expect((await activeSuppressions(t)).map((s) => s.reason)).toEqual(["stop_keyword"]);

    // X still cancels; but the number opted out with CANCEL, and Twilio blocks any text to it, so
    // Pigeon does not answer (nor claim it did).
    const x = await reply(t, people[1][2], "x");
    expect(await x.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect((await t.db.select().from(appointments).where(eq(appointments.id, appt!.id)))[0]!.status).toBe("cancelled");
    const stored = await inbox(t);
    expect(stored.map((m) => [m.handledAs, m.appointmentId])).toEqual([
      ["stop", null],
      ["cancelled", appt!.id],
    ]);
    // The history names the reply that cancelled it, and staff are alerted until one of them sees it.
    const history = await appointmentHistory(t.db, appt!.id);
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.source, h.inboundMessageId])).toEqual([
      ["confirmed", "cancelled", "sms", stored[1]!.id],
    ]);
    expect((await unseenAlerts(t.db)).map((a) => a.appointmentId)).toEqual([appt!.id]);

    // A number that did not opt out gets the answer.
    await t.db
      .insert(appointments)
      .values({ customerId: ids[0], startsAt: new Date("2026-09-03T15:00:00Z"), status: "scheduled" });
    expect(await (await reply(t, people[0][2], "X")).text()).toContain(
      "<Message>Your appointment on Thu, Sep 3, 10:00 AM is cancelled. Call us at +1 555 010 2000 to book a new time. - Brightside</Message>",
    );
  });

  test("a STOP whose suppression fails stores nothing, so Twilio's retry suppresses the number, once", async () => {
    const { t, ids, people } = await setup();
    const stop = twilio.inboundSms(INBOUND, { from: people[0][2], to: STUDIO_NUMBER, body: "STOP" });
    const heal = await failWrites(t, "INSERT", "suppressions");
    expect((await postTwilio(t, stop)).status).toBe(500);
    expect(await inbox(t)).toEqual([]);
    expect(await activeSuppressions(t)).toEqual([]);

    await heal();
    expect((await postTwilio(t, stop)).status).toBe(200);
    expect((await postTwilio(t, stop)).status).toBe(200);
    expect((await inbox(t)).map((m) => [m.body, m.handledAs, m.customerId])).toEqual([["STOP", "stop", ids[0]]]);
    expect((await activeSuppressions(t)).map((s) => [s.channel, s.address, s.reason])).toEqual([
      ["sms", people[0][2], "stop_keyword"],
    ]);
  });

  test("a STOP whose handling cannot be noted on the reply is undone too", async () => {
    const { t, people } = await setup();
    const stop = twilio.inboundSms(INBOUND, { from: people[0][2], to: STUDIO_NUMBER, body: "STOP" });
    const heal = await failWrites(t, "UPDATE", "inbound_messages");
    expect((await postTwilio(t, stop)).status).toBe(500);
    expect(await inbox(t)).toEqual([]);
    expect(await activeSuppressions(t)).toEqual([]);
    await heal();
    expect((await postTwilio(t, stop)).status).toBe(200);
    expect((await inbox(t)).map((m) => m.handledAs)).toEqual(["stop"]);
    expect(await activeSuppressions(t)).toHaveLength(1);
  });

  test("a START whose re-subscription fails stores nothing, so the retry lifts the STOP and says so", async () => {
    const { t, people } = await setup();
    await reply(t, people[0][2], "STOP");
    const start = twilio.inboundSms(INBOUND, { from: people[0][2], to: STUDIO_NUMBER, body: "START" });
    const heal = await failWrites(t, "UPDATE", "suppressions");
    expect((await postTwilio(t, start)).status).toBe(500);
    expect((await inbox(t)).map((m) => m.handledAs)).toEqual(["stop"]);
    expect(await activeSuppressions(t)).toHaveLength(1);

    await heal();
    expect(await (await postTwilio(t, start)).text()).toContain("you will get our text messages again");
    expect((await inbox(t)).map((m) => m.handledAs)).toEqual(["stop", "start"]);
    expect(await activeSuppressions(t)).toEqual([]);
  });

  test("a confirmation whose appointment update fails stores nothing, so the retry confirms it and answers", async () => {
    const { t, ids, people } = await setup();
    const [appt] = await t.db
      .insert(appointments)
      .values({ customerId: ids[0], startsAt: new Date("2026-09-03T15:00:00Z"), status: "scheduled" })
      .returning();
    const yes = twilio.inboundSms(INBOUND, { from: people[0][2], to: STUDIO_NUMBER, body: "C" });
    const heal = await failWrites(t, "UPDATE", "appointments");
    expect((await postTwilio(t, yes)).status).toBe(500);
    expect(await inbox(t)).toEqual([]);
    expect((await t.db.select().from(appointments).where(eq(appointments.id, appt!.id)))[0]!.status).toBe("scheduled");

    await heal();
    expect(await (await postTwilio(t, yes)).text()).toContain("Your appointment on Thu, Sep 3, 10:00 AM is confirmed.");
    expect(await (await postTwilio(t, yes)).text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect((await t.db.select().from(appointments).where(eq(appointments.id, appt!.id)))[0]!.status).toBe("confirmed");
    expect((await inbox(t)).map((m) => [m.handledAs, m.appointmentId])).toEqual([["confirmed", appt!.id]]);
  });

  test("a bad X-Twilio-Signature is refused and stores nothing", async () => {
    const { t, people } = await setup();
    const signed = twilio.inboundSms(INBOUND, { from: people[0][2], to: STUDIO_NUMBER, body: "STOP" });
    const res = await post(t, INBOUND, {
      body: signed.body,
      headers: { ...signed.headers, "x-twilio-signature": "bm90IGEgc2lnbmF0dXJl" },
    });
    expect(res.status).toBe(403);
    expect(await inbox(t)).toHaveLength(0);
    expect(await activeSuppressions(t)).toEqual([]);
  });
});

describe("POST /webhooks/twilio/voice", () => {
  const answer = (call: { sid: string; to: string; from: string }, url: string, extra: Record<string, string> = {}) =>
    twilio.signCallback(twilio.authToken, url, {
      AccountSid: twilio.accountSid,
      CallSid: call.sid,
      CallStatus: "in-progress",
      Direction: "outbound-api",
      From: call.from,
      To: call.to,
      ...extra,
    });

  test("the call says the delivery's script, XML-escaped, and offers press 9", async () => {
    const { t, ids, send } = await setup();
    const [d] = await send("voice", ids.slice(1, 2), "Hi {{customer.first_name}}, bring <3 smiles & combs.");
    const call = twilio.calls.find((c) => c.sid === d!.providerMessageId)!;
    expect(call.url).toBe(`${BASE}/webhooks/twilio/voice?d=${d!.id}`);
    const res = await postTwilio(t, answer(call, call.url!));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/xml");
    expect(await res.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        "<Say>Hi &lt;b&gt;Ben&lt;/b&gt; &amp; Co, bring &lt;3 smiles &amp; combs.</Say>" +
        `<Gather numDigits="1" action="${BASE}/webhooks/twilio/voice?d=${d!.id}&amp;step=gather"><Say>Press 9 to stop these calls.</Say></Gather>` +
        "</Response>",
    );
  });

  test("pressing 9 stops calls to that number; another key does not", async () => {
    const { t, ids, people, send } = await setup();
    const [a, b] = await send("voice", ids, "Picture day is tomorrow.");
    const callA = twilio.calls.find((c) => c.sid === a!.providerMessageId)!;
    const callB = twilio.calls.find((c) => c.sid === b!.providerMessageId)!;
    const pressed9 = await postTwilio(
      t,
      answer(callA, `${BASE}/webhooks/twilio/voice?d=${a!.id}&step=gather`, { Digits: "9" }),
    );
    expect(await pressed9.text()).toContain("<Say>You will not receive these calls any more. Goodbye.</Say><Hangup/>");
    const pressed1 = await postTwilio(
      t,
      answer(callB, `${BASE}/webhooks/twilio/voice?d=${b!.id}&step=gather`, { Digits: "1" }),
    );
    expect(await pressed1.text()).toContain("<Say>Thank you. Goodbye.</Say><Hangup/>");
    expect((await activeSuppressions(t)).map((s) => [s.channel, s.address, s.reason, s.source, s.customerId])).toEqual([
      ["voice", people[0][2], "unsubscribed", "pressed 9", ids[0]],
    ]);
  });

  test("a call for a delivery we do not have gets a polite line and a hang-up", async () => {
    const { t } = await setup();
    const res = await postTwilio(
      t,
      answer({ sid: "CA0123", to: "+15551112222", from: STUDIO_NUMBER }, `${BASE}/webhooks/twilio/voice?d=999999`),
    );
    expect(await res.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello, this is Brightside. Sorry, this message is no longer available. Goodbye.</Say><Hangup/></Response>',
    );
  });

  test("a voice request with a bad signature is refused", async () => {
    const { t, ids, send } = await setup();
    const [d] = await send("voice", ids.slice(0, 1), "Hello");
    const signed = twilio.signCallback("wrong-token", `${BASE}/webhooks/twilio/voice?d=${d!.id}&step=gather`, {
      CallSid: d!.providerMessageId!,
      Digits: "9",
    });
    expect((await postTwilio(t, signed)).status).toBe(403);
    expect(
      await t.db
        .select()
        .from(suppressions)
        .where(and(eq(suppressions.channel, "voice"))),
    ).toHaveLength(0);
  });
});
