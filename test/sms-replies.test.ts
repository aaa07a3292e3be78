// What an SMS reply acts on (src/routes/sms-replies.ts), found by outside review: from a number a
// family shares, C is answered in the language of the customer whose appointment it confirmed and a
// question is that customer's reply; X acts on the appointment the last text was about, and a
// second X (or a double-clicked "Simulate a reply") never cancels the next appointment too; after
// STOP, Pigeon texts nothing back (Twilio would block it) and records no answer; YES after STOP opts
// back in, as Twilio takes it, even while it confirms an appointment.
import { describe, expect, test } from "bun:test";
import { createAppointment, createCustomer } from "../src/db/customers.ts";
import { appointments, devOutbox, inboundMessages } from "../src/db/schema.ts";
import { activeSuppressions } from "../src/db/suppressions.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText } from "./support/forms.ts";
import { keptText, sentTextAbout } from "./support/replies.ts";

const NOW = new Date("2026-09-01T15:00:00Z");
const PHONE = "+12175550123";
const STUDIO_NUMBER = "+12175550100";

async function studio() {
  const t = await makeTestApp({ now: NOW });
  const b = await signedInOwner(t);
  await keptText(t.db, {
    id: "dev_1",
    to: PHONE,
    from: STUDIO_NUMBER,
    body: "Your session is tomorrow. Reply C to confirm, X to cancel.",
    at: NOW,
  });
  const customer = (first: string, locale: string) =>
    createCustomer(
      t.db,
      { first_name: first, last_name: "Family", phone: PHONE, locale, consent: { sms: true } },
      "test",
      NOW,
    );
  const appointment = (customerId: number, startsAt: string) =>
    createAppointment(t.db, { customerId, startsAt: new Date(startsAt), location: "Studio" }, "api", NOW);
  return { t, b, customer, appointment };
}

describe("SMS replies: what they act on", () => {
  test("the answer to C is in the language of the customer whose appointment it confirmed", async () => {
    // Grandma (German, added first) and her grandson (English) share the family phone; the
    // appointment is his. Got: "Vielen Dank! Ihr Termin am Wed, Sep 2, 3:00 PM ist bestätigt." —
    // Grandma's language around his date format, sent about his appointment.
    const { t, b, customer, appointment } = await studio();
    await customer("Oma", "de");
    const kid = await customer("Leo", "en");
    await appointment(kid.id, "2026-09-02T15:00:00Z");
    await b.post("/outbox/dev/dev_1/reply", { body: "C" });
    const [reply] = await t.db.select().from(inboundMessages);
    expect(reply!.handledAs).toBe("confirmed");
    expect(reply!.answer).toStartWith("Thank you! Your appointment on Wed, Sep 2, 3:00 PM is confirmed.");
  });

  test("a question linked to one customer's appointment is that customer's reply", async () => {
    // The question is linked to Leo's appointment (shows on its page) but stored as Grandma's: it
    // is in her history and thread, not in his, while a C from the same phone is stored as his.
    const { t, b, customer, appointment } = await studio();
    const oma = await customer("Oma", "en");
    const kid = await customer("Leo", "en");
    const appt = await appointment(kid.id, "2026-09-02T15:00:00Z");
    await b.post("/outbox/dev/dev_1/reply", { body: "Can we bring the dog?" });
    const [reply] = await t.db.select().from(inboundMessages);
    expect(reply!.appointmentId).toBe(appt.id);
    expect(reply!.customerId).toBe(kid.id);
    expect(pageText((await b.get(`/customers/${kid.id}`)).text)).toContain("Can we bring the dog?");
    expect(pageText((await b.get(`/customers/${oma.id}`)).text)).not.toContain("Can we bring the dog?");
  });

  test("X sent twice (or the simulate form double-submitted) cancels one appointment, not the next too", async () => {
    // Got: both the session tomorrow and the one next week cancelled, and two cancellation texts.
    const { t, b, customer, appointment } = await studio();
    const maya = await customer("Maya", "en");
    const tomorrow = await appointment(maya.id, "2026-09-02T15:00:00Z");
    const nextWeek = await appointment(maya.id, "2026-09-09T15:00:00Z");
    await Promise.all([
      b.post("/outbox/dev/dev_1/reply", { body: "X" }),
      b.post("/outbox/dev/dev_1/reply", { body: "X" }),
    ]);
    const rows = await t.db.select().from(appointments).orderBy(appointments.id);
    expect(rows.map((a) => [a.id, a.status])).toEqual([
      [tomorrow.id, "cancelled"],
      [nextWeek.id, "scheduled"],
    ]);
  });

  test("X answering the text about a later session cancels that session, as a question would be linked to it", async () => {
    // Maya booked a second session (Sep 20) this morning and its booking text asked her to reply
    // C or X. A question in reply is linked to the Sep 20 session (last texted this week), but X
    // cancelled tomorrow's session instead, the one nobody asked about.
    const { t, b, customer, appointment } = await studio();
    const maya = await customer("Maya", "en");
    const tomorrow = await appointment(maya.id, "2026-09-02T15:00:00Z");
    const later = await appointment(maya.id, "2026-09-20T15:00:00Z");
    await sentTextAbout(t.db, {
      key: "test:booked-later",
      customerId: maya.id,
      appointmentId: later.id,
      to: PHONE,
      sentAt: new Date(NOW.getTime() - 3_600_000),
    });
    await b.post("/outbox/dev/dev_1/reply", { body: "X" });
    const rows = await t.db.select().from(appointments).orderBy(appointments.id);
    expect(rows.map((a) => [a.id, a.status])).toEqual([
      [tomorrow.id, "scheduled"],
      [later.id, "cancelled"],
    ]);
  });

  test("after STOP, a C still confirms but Pigeon does not text an opted-out number, nor claim it did", async () => {
    // Got: the confirmation text recorded as delivered in the dev outbox and kept as the reply's
    // answer ("Answered by Pigeon automatically: Thank you! …") although the number opted out; with
    // Twilio, a TwiML <Message> to an opted-out number is blocked (error 21610), so staff are told
    // of a text the customer never got.
    const { t, b, customer, appointment } = await studio();
    const maya = await customer("Maya", "en");
    const appt = await appointment(maya.id, "2026-09-02T15:00:00Z");
    await b.post("/outbox/dev/dev_1/reply", { body: "STOP" });
    await b.post("/outbox/dev/dev_1/reply", { body: "C" });
    const [row] = await t.db.select().from(appointments);
    expect([row!.id, row!.status]).toEqual([appt.id, "confirmed"]);
    const replies = await t.db.select().from(inboundMessages).orderBy(inboundMessages.id);
    expect(replies.map((r) => [r.handledAs, r.answer])).toEqual([
      ["stop", null],
      ["confirmed", null],
    ]);
    expect((await t.db.select().from(devOutbox)).map((e) => e.id)).toEqual(["dev_1"]);
  });

  test("YES after STOP opts back in (as Twilio takes it) even while an appointment awaits confirmation", async () => {
    // Older than issue 13 (replyIntent): with an appointment awaiting confirmation, YES only
    // confirms it. Twilio treats YES as an opt-in keyword and lifts its block, but Pigeon keeps
    // the STOP suppression: her reminders are skipped as opted out while Twilio would carry them.
    const { t, b, customer, appointment } = await studio();
    const maya = await customer("Maya", "en");
    await appointment(maya.id, "2026-09-02T15:00:00Z");
    await b.post("/outbox/dev/dev_1/reply", { body: "STOP" });
    await b.post("/outbox/dev/dev_1/reply", { body: "YES" });
    expect((await activeSuppressions(t.db, [PHONE])).map((s) => s.reason)).toEqual([]);
  });
});
