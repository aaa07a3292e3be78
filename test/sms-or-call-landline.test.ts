// "SMS, and a call only where SMS cannot go" (SPEC D10) through the real Twilio SDK and the fake:
// a landline never gets the SMS and gets the call with the message's own call script; a mobile
// gets the SMS and no call; and each number's line type is looked up once, then read from
// phone_lookups, across two messages.
import { afterAll, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { createAppointment, createCustomer } from "../src/db/customers.ts";
import { deliveries, messages, phoneLookups } from "../src/db/schema.ts";
import { noon, sendStudio } from "./support/send-studio.ts";

const fakes = sendStudio();
afterAll(fakes.stop);

test("a landline gets the call with the call script, never the SMS; each number is looked up once across two messages", async () => {
  const { t, dispatcher } = await fakes.studio();
  const tag = String(Math.floor(Math.random() * 1e6)).padStart(6, "0");
  const landline = `+1312${tag}1`;
  const mobile = `+1312${tag}2`;
  fakes.twilio.setLineType(landline, "landline");
  fakes.twilio.setLineType(mobile, "mobile");
  const people: { a: { id: number } }[] = [];
  for (const [first, phone] of [
    ["Lena", landline],
    ["Mo", mobile],
  ] as const) {
    const c = await createCustomer(
      t.db,
      { first_name: first, phone, consent: { sms: true, voice: true } },
      "test",
      noon,
    );
    const a = await createAppointment(
      t.db,
      { customerId: c.id, startsAt: new Date("2026-09-14T15:00:00Z") },
      "api",
      noon,
    );
    people.push({ a });
  }
  const w = dispatcher();
  const sendMessage = async (n: number) => {
    const [m] = await t.db
      .insert(messages)
      .values({
        name: `Snow day ${n}`,
        channels: ["sms", "voice"],
        body: `Text ${n}: closed today.`,
        smsBody: `Text ${n}: closed today.`,
        voiceScript: `Call ${n}: hello {{customer.first_name}}, the studio is closed today.`,
        callOnlyIfNoSms: true,
        filters: { appointment_ids: people.map((p) => p.a.id) },
        status: "scheduled",
      })
      .returning();
    await runOneTimeMessages(t.deps, noon);
    for (let i = 0; i < 4; i++) await w.tick();
    const rows = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
    return rows.map((d) => [d.channel, d.toAddress, d.status, d.skipReason, d.body]).sort();
  };

  for (const n of [1, 2]) {
    expect(await sendMessage(n)).toEqual(
      [
        ["sms", landline, "skipped", "landline", null],
        ["sms", mobile, "sent", null, `Text ${n}: closed today. Reply STOP to opt out.`],
        ["voice", landline, "sent", null, `Call ${n}: hello Lena, the studio is closed today.`],
        ["voice", mobile, "skipped", "sms_sent_instead", null],
      ].sort(),
    );
  }
  // What Twilio itself saw: no text ever to the landline, the two calls to it, two texts to the mobile.
  expect(fakes.twilio.sent.filter((s) => s.to === landline)).toEqual([]);
  expect(fakes.twilio.calls.filter((c) => c.to === landline)).toHaveLength(2);
  expect(fakes.twilio.calls.filter((c) => c.to === mobile)).toEqual([]);
  expect(fakes.twilio.sent.filter((s) => s.to === mobile).map((s) => s.body)).toEqual([
    "Text 1: closed today. Reply STOP to opt out.",
    "Text 2: closed today. Reply STOP to opt out.",
  ]);
  // Each number looked up once: the second message read the cached line types.
  expect(fakes.twilio.lookups.filter((n) => n === landline || n === mobile).sort()).toEqual([landline, mobile].sort());
  const cached = await t.db
    .select({ phone: phoneLookups.phone, lineType: phoneLookups.lineType })
    .from(phoneLookups)
    .where(and(eq(phoneLookups.phone, landline)));
  expect(cached).toEqual([{ phone: landline, lineType: "landline" }]);
});
