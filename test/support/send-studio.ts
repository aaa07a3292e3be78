// A studio wired to the fake Resend and Twilio, for tests of the send path under trouble: four
// customers with known mobile numbers, one-time messages already started, and dispatchers by name.
import { eq } from "drizzle-orm";
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { createCustomer } from "../../src/db/customers.ts";
import { enqueueDeliveries } from "../../src/db/outbox.ts";
import { deliveries, messages, phoneLookups } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { createDispatcher } from "../../src/dispatch/dispatcher.ts";
import { fakeWebhookSecret, startFakeResend } from "../fakes/fake-resend.ts";
import { startFakeTwilio } from "../fakes/fake-twilio.ts";
import { makeTestApp, type TestApp } from "./app.ts";

export const noon = new Date("2026-09-01T17:00:00Z"); // 12:00 in Chicago
export const later = (ms: number) => new Date(noon.getTime() + ms);

type Person = { id: number; email: string | null; phone: string | null };

/** Starts the fakes; each test file calls it once and stops them after all its tests. */
export function sendStudio() {
  const resend = startFakeResend();
  const twilio = startFakeTwilio();
  const webhookSecret = fakeWebhookSecret();
  const env = {
    PUBLIC_URL: "https://pigeon.test",
    RESEND_WEBHOOK_SECRET: webhookSecret,
    RESEND_API_KEY: resend.apiKey,
    RESEND_BASE_URL: resend.url,
    EMAIL_FROM: "Brightside <hello@brightside.test>",
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM: "+17770001111",
    TWILIO_BASE_URL: twilio.url!,
  };

  /** A studio open all day with Anna, Ben, Cleo and Dan, who agreed to every channel. */
  async function studio() {
    const t = await makeTestApp({ now: noon, env });
    await updateSettings(t.db, { name: "Brightside", timeZone: "America/Chicago" }, noon);
    const people: { id: number; firstName: string; email: string; phone: string }[] = [];
    for (const first of ["Anna", "Ben", "Cleo", "Dan"]) {
      const email = `${first.toLowerCase()}.${Math.random().toString(36).slice(2, 8)}@x.test`;
      const phone = `+1777${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
      const c = await createCustomer(
        t.db,
        { first_name: first, email, phone, consent: { email: true, sms: true, voice: true } },
        "test",
        noon,
      );
      people.push({ id: c.id, firstName: first, email, phone });
    }
    // Their numbers' line types are known, so a fault a test asks of Twilio meets the send, not a lookup.
    await t.db
      .insert(phoneLookups)
      .values(people.map((p) => ({ phone: p.phone!, lineType: "mobile", lookedUpAt: noon })));
    const dispatcher = (owner = "w1", leaseMs?: number) =>
      createDispatcher(t.deps, t.deps.providers, { owner, random: () => 0.5, leaseMs });
    return { t, people, dispatcher };
  }

  /** A one-time message already started: its deliveries queued for `who` on `channel`. */
  async function message(t: TestApp, who: Person[], channel: "email" | "sms" | "voice", body: string, dueAt = noon) {
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Note",
        channels: [channel],
        subject: "A note for {{customer.first_name}}",
        body,
        smsBody: body,
        voiceScript: body,
        filters: {},
        status: "sending",
      })
      .returning();
    await enqueueDeliveries(
      t.db,
      { sourceType: "message", messageId: m!.id },
      who.map((c) => ({
        key: deliveryKey({ kind: "message", messageId: m!.id }, { customerId: c.id }, channel),
        decision: { customerId: c.id, channel, to: channel === "email" ? c.email : c.phone, skip: null },
        dueAt,
      })),
      noon,
    );
    return m!;
  }

  /** A started "SMS, and a call only where SMS cannot go" message to one person: the call waits on the SMS. */
  async function smsOrCall(t: TestApp, person: Person) {
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Snow day",
        channels: ["sms", "voice"],
        body: "Closed today",
        smsBody: "Closed today",
        voiceScript: "We are closed today",
        callOnlyIfNoSms: true,
        filters: {},
        status: "sending",
      })
      .returning();
    const key = (ch: "sms" | "voice") =>
      deliveryKey({ kind: "message", messageId: m!.id }, { customerId: person.id }, ch);
    await enqueueDeliveries(
      t.db,
      { sourceType: "message", messageId: m!.id },
      [
        {
          key: key("sms"),
          decision: { customerId: person.id, channel: "sms", to: person.phone, skip: null },
          dueAt: noon,
        },
        {
          key: key("voice"),
          decision: { customerId: person.id, channel: "voice", to: person.phone, skip: null, waitsOnSms: true },
          dueAt: noon,
          afterKey: key("sms"),
        },
      ],
      noon,
    );
    const row = async (ch: "sms" | "voice") =>
      (await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id))).find((d) => d.channel === ch)!;
    return { m: m!, row };
  }

  /** Posts a Resend event about an e-mail the fake sent, signed as Resend signs it. */
  async function resendEvent(t: TestApp, type: string, emailId: string, data: Record<string, unknown> = {}) {
    const signed = resend.signWebhook(webhookSecret, resend.emailEvent(type, emailId, data));
    return t.app.request("/webhooks/resend", { method: "POST", body: signed.body, headers: signed.headers });
  }

  /** Posts the status callback Twilio would send for one of its messages or calls. */
  async function twilioStatus(t: TestApp, sid: string, status: string, opts?: { errorCode?: number }) {
    const cb = twilio.setStatus(sid, status, opts)!;
    return t.app.request(cb.url, { method: "POST", body: cb.body, headers: cb.headers });
  }

  const stop = () => {
    resend.stop();
    twilio.stop();
  };
  return { resend, twilio, env, webhookSecret, studio, message, smsOrCall, resendEvent, twilioStatus, stop };
}
