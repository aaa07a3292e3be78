// Calls (SPEC A2): a one-time message's call goes out through the real Twilio SDK to the fake,
// with answering-machine detection that waits for the beep; the fake then asks for the call's
// TwiML exactly as Twilio would (signed, with AnsweredBy), and we read what the call does: the
// script in the message's voice and language, or its recording by <Play> from an absolute URL
// under PUBLIC_URL, then "press 9"; a voicemail hears it once, without "press 9"; a recording
// deleted before the call fails it with the reason instead of calling. And the media route that
// serves recordings to Twilio. And a call answered after its appointment or message was cancelled
// (while it rang) reads nothing of the reminder.
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { setAppointmentStatus } from "../src/db/appointment-changes.ts";
import { createAppointment } from "../src/db/customers.ts";
import { storeFile } from "../src/db/files.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { deliveries, deliveryEvents, files, messages, suppressions } from "../src/db/schema.ts";
import { customers } from "../src/db/schema.ts";
import { later, sendStudio, noon } from "./support/send-studio.ts";
import { tinyWav } from "./support/sample-files.ts";
import type { TestApp } from "./support/app.ts";

const fakes = sendStudio();
afterAll(fakes.stop);
const BASE = "https://pigeon.test";

type Voice = { voiceScript?: string; voiceName?: string; voiceLanguage?: string; audioId?: number; audioName?: string };

/** A started message whose call goes to `person`; the dispatcher places it. Returns the delivery and Twilio's call. */
async function placeCall(
  t: TestApp,
  person: { id: number; phone: string },
  v: Voice,
  dispatch: () => Promise<unknown>,
) {
  const [m] = await t.db
    .insert(messages)
    .values({
      name: "Call",
      channels: ["voice"],
      body: "",
      voiceScript: v.voiceScript ?? "",
      voiceName: v.voiceName ?? "",
      voiceLanguage: v.voiceLanguage ?? "",
      voiceFileId: v.audioId ?? null,
      voiceAudioName: v.audioName ?? "",
      filters: {},
      status: "sending",
    })
    .returning();
  await enqueueDeliveries(
    t.db,
    { sourceType: "message", messageId: m!.id },
    [
      {
        key: deliveryKey({ kind: "message", messageId: m!.id }, { customerId: person.id }, "voice"),
        decision: { customerId: person.id, channel: "voice", to: person.phone, skip: null },
        dueAt: noon,
      },
    ],
    noon,
  );
  await dispatch();
  const [d] = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
  const call = fakes.twilio.calls.find((c) => c.sid === d!.providerMessageId);
  return { m: m!, d: d!, call };
}

async function answer(t: TestApp, sid: string, by?: Parameters<typeof fakes.twilio.answerCall>[1]) {
  const req = fakes.twilio.answerCall(sid, by);
  const res = await t.app.request(req.url, { method: "POST", body: req.body, headers: req.headers });
  expect(res.status).toBe(200);
  return res.text();
}

async function setup() {
  const { t, people, dispatcher } = await fakes.studio();
  const w = dispatcher();
  return { t, people, dispatch: () => w.tick() };
}

const xml = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

describe("a text-to-speech call", () => {
  test("is placed with answering-machine detection that waits for the beep", async () => {
    const { t, people, dispatch } = await setup();
    const { call } = await placeCall(t, people[0]!, { voiceScript: "Hello" }, dispatch);
    expect(call!.machineDetection).toBe("DetectMessageEnd");
    const sent = fakes.twilio.requests.find((r) => r.path.endsWith("/Calls.json") && r.form.To === people[0]!.phone);
    expect(sent!.form.MachineDetection).toBe("DetectMessageEnd");
  });

  test("says the script in the message's voice, in that voice's language, prompts too", async () => {
    const { t, people, dispatch } = await setup();
    const { d, call } = await placeCall(
      t,
      people[0]!,
      { voiceScript: "Hallo {{customer.first_name}}, bis morgen.", voiceName: "Polly.Vicki" },
      dispatch,
    );
    const say = '<Say voice="Polly.Vicki" language="de-DE">';
    expect(await answer(t, call!.sid, "human")).toBe(
      xml(
        `${say}Hallo Anna, bis morgen.</Say>` +
          `<Gather numDigits="1" action="${BASE}/webhooks/twilio/voice?d=${d.id}&amp;step=gather">` +
          `${say}Drücken Sie die 9, wenn Sie keine weiteren Anrufe dieser Art wünschen.</Say></Gather>`,
      ),
    );
  });

  test("the standard voice speaks the language chosen for the message", async () => {
    const { t, people, dispatch } = await setup();
    const { call } = await placeCall(t, people[1]!, { voiceScript: "Bonjour", voiceLanguage: "fr-FR" }, dispatch);
    const twiml = await answer(t, call!.sid, "human");
    expect(twiml).toContain('<Say language="fr-FR">Bonjour</Say>');
    expect(twiml).toContain('<Say language="fr-FR">Appuyez sur 9 pour ne plus recevoir ces appels.</Say>');
  });

  test("without a choice, the customer's own language, as before", async () => {
    const { t, people, dispatch } = await setup();
    await t.db.update(customers).set({ locale: "es-ES" }).where(eq(customers.id, people[2]!.id));
    const { call } = await placeCall(t, people[2]!, { voiceScript: "Hola" }, dispatch);
    expect(await answer(t, call!.sid, "human")).toContain('<Say language="es-ES">Hola</Say>');
  });

  test("pressing 9 stops calls, answered in the call's language", async () => {
    const { t, people, dispatch } = await setup();
    const { d, call } = await placeCall(t, people[0]!, { voiceScript: "Hallo", voiceName: "Polly.Vicki" }, dispatch);
    const req = fakes.twilio.signCallback(
      fakes.twilio.authToken,
      `${BASE}/webhooks/twilio/voice?d=${d.id}&step=gather`,
      {
        AccountSid: fakes.twilio.accountSid,
        CallSid: call!.sid,
        CallStatus: "in-progress",
        Digits: "9",
        From: call!.from,
        To: call!.to,
      },
    );
    const res = await t.app.request(req.url, { method: "POST", body: req.body, headers: req.headers });
    expect(await res.text()).toBe(
      xml(
        '<Say voice="Polly.Vicki" language="de-DE">Sie erhalten diese Anrufe nicht mehr. Auf Wiederhören.</Say><Hangup/>',
      ),
    );
    const rows = await t.db.select().from(suppressions).where(eq(suppressions.address, people[0]!.phone));
    expect(rows.map((r) => [r.channel, r.reason, r.source])).toEqual([["voice", "unsubscribed", "pressed 9"]]);
  });
});

describe("a call with a recording", () => {
  test("plays it by <Play> from an absolute URL under PUBLIC_URL, then offers press 9", async () => {
    const { t, people, dispatch } = await setup();
    const f = await storeFile(
      t.db,
      { bytes: tinyWav(), originalName: "reminder.wav", kind: "wav", userId: null },
      noon,
    );
    const { d, call } = await placeCall(
      t,
      people[0]!,
      { voiceScript: "Not read out", audioId: f.id, audioName: f.originalName },
      dispatch,
    );
    expect(d.body).toBe("Recorded audio: reminder.wav");
    expect(await answer(t, call!.sid, "human")).toBe(
      xml(
        `<Play>${BASE}/media/${f.storedName}</Play>` +
          `<Gather numDigits="1" action="${BASE}/webhooks/twilio/voice?d=${d.id}&amp;step=gather">` +
          "<Say>Press 9 to stop these calls.</Say></Gather>",
      ),
    );
    // What Twilio then fetches, without a session.
    const media = await t.app.request(`/media/${f.storedName}`);
    expect(media.status).toBe(200);
    expect(Buffer.from(await media.arrayBuffer())).toEqual(Buffer.from(tinyWav()));
  });

  test("a recording deleted before the call fails it with the reason; nobody is called", async () => {
    const { t, people, dispatch } = await setup();
    const f = await storeFile(t.db, { bytes: tinyWav(), originalName: "closed.wav", kind: "wav", userId: null }, noon);
    const callsBefore = fakes.twilio.calls.length;
    // Deleted after the message started: its voice_file_id goes null, its audio's name stays.
    const { m, d, call } = await placeCall(t, people[3]!, { audioId: f.id, audioName: "closed.wav" }, async () => {
      await t.db.delete(files).where(eq(files.id, f.id));
      await dispatch();
    });
    expect((await t.db.select().from(messages).where(eq(messages.id, m.id)))[0]!.voiceFileId).toBeNull();
    expect(call).toBeUndefined();
    expect(fakes.twilio.calls.length).toBe(callsBefore);
    expect([d.status, d.lastError]).toEqual(["failed", "its recorded audio “closed.wav” was deleted before the call"]);
  });
});

describe("an answering machine", () => {
  test("hears the whole message once after the beep, without press 9; what answered is recorded", async () => {
    const { t, people, dispatch } = await setup();
    const { d, call } = await placeCall(t, people[1]!, { voiceScript: "Your session is tomorrow." }, dispatch);
    expect(await answer(t, call!.sid, "machine_end_beep")).toBe(xml("<Say>Your session is tomorrow.</Say><Hangup/>"));
    // Twilio's retry of the same request records it once.
    await answer(t, call!.sid, "machine_end_beep");
    const events = await t.db.select().from(deliveryEvents).where(eq(deliveryEvents.deliveryId, d.id));
    expect(events.filter((e) => e.type === "answered").map((e) => e.detail)).toEqual([
      {
        provider: "twilio",
        sid: call!.sid,
        answered_by: "machine_end_beep",
        answered: "a voicemail: the message was left after its beep",
      },
    ]);
    // The status callback carries it too, kept with the event.
    const done = await fakes.twilioStatus(t, call!.sid, "completed");
    expect(done.status).toBe(204);
    const completed = (await t.db.select().from(deliveryEvents).where(eq(deliveryEvents.deliveryId, d.id))).find(
      (e) => e.type === "completed",
    );
    expect(completed?.detail).toMatchObject({ answered_by: "machine_end_beep" });
  });

  test("a fax gets nothing but a hang-up", async () => {
    const { t, people, dispatch } = await setup();
    const { call } = await placeCall(t, people[2]!, { voiceScript: "Hello" }, dispatch);
    expect(await answer(t, call!.sid, "fax")).toBe(xml("<Hangup/>"));
  });
});

// Guards: the call's TwiML, fetched when someone answers, asks again whether the send still stands
// (the dispatcher's check was before dialling), and says only a polite goodbye when it does not.
describe("a call answered after its cancellation", () => {
  async function reminderCall() {
    const { t, people, dispatch } = await setup();
    const ben = people[1]!;
    const startsAt = new Date("2026-09-03T15:00:00Z");
    const a = await createAppointment(t.db, { customerId: ben.id, startsAt, location: "Studio B" }, "api", noon);
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Reminder call",
        channels: ["voice"],
        body: "",
        voiceScript: "See you on Thursday at ten at Studio B.",
        filters: { appointment_ids: [a.id] },
        status: "sending",
        activatedAt: noon,
      })
      .returning();
    await enqueueDeliveries(
      t.db,
      { sourceType: "message", messageId: m!.id },
      [
        {
          key: deliveryKey({ kind: "message", messageId: m!.id, appointmentId: a.id }, { customerId: ben.id }, "voice"),
          decision: { customerId: ben.id, channel: "voice", to: ben.phone, skip: null },
          dueAt: noon,
          appointmentId: a.id,
        },
      ],
      noon,
    );
    await dispatch();
    const [d] = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
    const call = fakes.twilio.calls.find((c) => c.sid === d!.providerMessageId)!;
    expect(call).toBeDefined();
    return { t, a, m: m!, d: d!, call };
  }

  test("the appointment cancelled while it rang: a goodbye, not the reminder, and an event saying why", async () => {
    const { t, a, d, call } = await reminderCall();
    // While it rings (or while answering-machine detection waits for the beep), Ben cancels by SMS.
    await setAppointmentStatus(t.db, a.id, ["scheduled"], "cancelled", later(1000), { source: "sms" });
    t.setNow(later(60_000));
    const twiml = await answer(t, call.sid, "machine_end_beep");
    expect(twiml).not.toContain("See you on Thursday");
    expect(twiml).not.toContain("<Gather");
    expect(twiml).toContain("no longer available");
    expect(twiml).toContain("<Hangup/>");
    const events = await t.db.select().from(deliveryEvents).where(eq(deliveryEvents.deliveryId, d.id));
    expect(events.find((e) => e.type === "not_read")?.detail).toMatchObject({ reason: "appointment_cancelled" });
  });

  test("its one-time message cancelled while it rang: the same goodbye", async () => {
    const { t, m, d, call } = await reminderCall();
    await t.db.update(messages).set({ status: "cancelled" }).where(eq(messages.id, m.id));
    const twiml = await answer(t, call.sid, "human");
    expect(twiml).not.toContain("See you on Thursday");
    expect(twiml).toContain("no longer available");
    const events = await t.db.select().from(deliveryEvents).where(eq(deliveryEvents.deliveryId, d.id));
    expect(events.find((e) => e.type === "not_read")?.detail).toMatchObject({ reason: "cancelled" });
  });

  test("an appointment still on: the reminder is read", async () => {
    const { t, call } = await reminderCall();
    expect(await answer(t, call.sid, "human")).toContain("See you on Thursday");
  });
});

describe("GET /media/:name", () => {
  test("serves a stored file with its proved type, nosniff, inline with its name, cached for good", async () => {
    const { t } = await setup();
    const f = await storeFile(
      t.db,
      { bytes: tinyWav(), originalName: '../../Grüße "x".wav', kind: "wav", userId: null },
      noon,
    );
    expect(f.storedName).toMatch(/^[A-Za-z0-9_-]{24}\.wav$/);
    const res = await t.app.request(`/media/${f.storedName}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/wav");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("content-disposition")).toBe(
      `inline; filename="Gr__e x.wav"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20x.wav`,
    );
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  test("an unknown or malformed name is a plain 404", async () => {
    const { t } = await setup();
    for (const name of ["AAAAAAAAAAAAAAAAAAAAAAAA.wav", "..%2Fsecret", "x.svg", "AAAAAAAAAAAAAAAAAAAAAAAA.html"]) {
      const res = await t.app.request(`/media/${name}`);
      expect(res.status).toBe(404);
    }
  });
});
