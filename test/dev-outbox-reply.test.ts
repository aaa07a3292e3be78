// "Simulate a reply" in the dev outbox: with no Twilio account a new studio answers its own test
// texts as a customer would, and the reply is handled by the same code as a signed Twilio webhook
// — C confirms the appointment (its history says by SMS), a question lands unread in the Inbox,
// the studio's answer to C shows in the dev outbox. Bad input is refused beside the box, keeping
// the text and storing nothing; with Twilio configured, or on an e-mail, there is nothing to simulate.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { appointmentHistory } from "../src/db/appointment-changes.ts";
import { createAppointment } from "../src/db/customers.ts";
import { appointments, devOutbox, inboundMessages } from "../src/db/schema.ts";
import { makeTestApp, signedInOwner, type TestApp } from "./support/app.ts";
import { pageText } from "./support/forms.ts";
import { keptText, mayaWithSession, sentTextAbout } from "./support/replies.ts";

const NOW = new Date("2026-09-01T15:00:00Z");
const PHONE = "+12175550123";
const STUDIO_NUMBER = "+12175550100";

/** A customer with an appointment tomorrow, and the reminder text the dev outbox kept for her. */
async function studio(env: Record<string, string> = {}) {
  const t = await makeTestApp({ now: NOW, env });
  const b = await signedInOwner(t);
  const { maya, appt } = await mayaWithSession(t.db, PHONE, NOW);
  const entry = (channel: "sms" | "email", id: string) =>
    keptText(t.db, {
      id,
      channel,
      to: channel === "sms" ? PHONE : "maya@example.com",
      from: channel === "sms" ? STUDIO_NUMBER : "studio@example.com",
      subject: channel === "email" ? "Reminder" : undefined,
      body: "Your session is tomorrow. Reply C to confirm, X to cancel.",
      at: NOW,
    });
  return { t, b, maya, appt, entry };
}

const replies = (t: TestApp) => t.db.select().from(inboundMessages).orderBy(inboundMessages.id);

describe("dev outbox: simulate a reply", () => {
  test("C confirms the appointment by SMS and the studio's answer lands in the dev outbox", async () => {
    const { t, b, appt, entry } = await studio();
    const id = await entry("sms", "dev_sms1");
    const page = await b.get(`/outbox/dev/${id}`);
    expect(pageText(page.text)).toContain(`Simulate a reply from ${PHONE}`);

    const res = await b.post(`/outbox/dev/${id}/reply`, { body: " c " });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/outbox/dev/${id}?replied=confirmed`);
    expect(pageText((await b.get(res.location!)).text)).toContain(
      "Reply received. Confirmed the appointment automatically.",
    );

    const [row] = await t.db.select().from(appointments).where(eq(appointments.id, appt.id));
    expect(row!.status).toBe("confirmed");
    expect((await appointmentHistory(t.db, appt.id)).map((h) => [h.toStatus, h.source])).toEqual([
      ["confirmed", "sms"],
    ]);
    const answer = (await t.db.select().from(devOutbox).where(eq(devOutbox.toAddress, PHONE))).find((e) => e.id !== id);
    expect(answer?.fromAddress).toBe(STUDIO_NUMBER);
    expect(answer?.body).toContain("is confirmed");
    // What Pigeon texted back is kept with the reply: staff see it in the thread and the history.
    const [reply] = await replies(t);
    expect(reply!.answer).toBe(answer!.body);
    const thread = pageText((await b.get(`/inbox/customer/${reply!.customerId}`)).text);
    expect(thread).toContain(`Answered by Pigeon automatically`);
    expect(thread).toContain(answer!.body);
    expect(pageText((await b.get(`/customers/${reply!.customerId}`)).text)).toContain(
      `answered by Pigeon: “${answer!.body}”`,
    );
  });

  test("a question goes to the Inbox, unread, from that customer", async () => {
    const { t, b, maya, entry } = await studio();
    const id = await entry("sms", "dev_sms2");
    const res = await b.post(`/outbox/dev/${id}/reply`, { body: "Can I bring our dog?" });
    expect(res.location).toBe(`/outbox/dev/${id}?replied=inbox`);
    const [reply] = await replies(t);
    expect([reply!.body, reply!.customerId, reply!.handledAs, reply!.readAt]).toEqual([
      "Can I bring our dog?",
      maya.id,
      "inbox",
      null,
    ]);
    expect(pageText((await b.get("/inbox")).text)).toContain("Can I bring our dog?");
  });

  test("a question is a reply about her next appointment: on its page and in its count", async () => {
    const { t, b, appt, entry } = await studio();
    const id = await entry("sms", "dev_sms5");
    await b.post(`/outbox/dev/${id}/reply`, { body: "Can I bring our dog?" });
    const [reply] = await replies(t);
    expect(reply!.appointmentId).toBe(appt.id);
    expect(pageText((await b.get(`/appointments/${appt.id}`)).text)).toContain("Can I bring our dog?");
  });

  test("a question answers the appointment she was last texted about this week, before her next one", async () => {
    const { t, b, maya, appt, entry } = await studio();
    const later = await createAppointment(
      t.db,
      { customerId: maya.id, startsAt: new Date("2026-09-20T15:00:00Z"), location: "Park" },
      "api",
      NOW,
    );
    // The text she answers was about the later session (the reminder for it went out this morning).
    await sentTextAbout(t.db, {
      key: "test:later-reminder",
      customerId: maya.id,
      appointmentId: later.id,
      to: PHONE,
      sentAt: new Date(NOW.getTime() - 3_600_000),
    });
    const id = await entry("sms", "dev_sms6");
    await b.post(`/outbox/dev/${id}/reply`, { body: "Is the park session still on if it rains?" });
    const [reply] = await replies(t);
    expect(reply!.appointmentId).toBe(later.id);
    expect(reply!.appointmentId).not.toBe(appt.id);
  });

  test("an empty or too long reply is refused beside the box, the text kept, nothing stored", async () => {
    const { t, b, entry } = await studio();
    const id = await entry("sms", "dev_sms3");
    await b.get(`/outbox/dev/${id}`);
    const empty = await b.post(`/outbox/dev/${id}/reply`, { body: "   " });
    expect(empty.status).toBe(422);
    expect(pageText(empty.text)).toContain("Write the customer's reply");
    const long = "x".repeat(1601);
    const tooLong = await b.post(`/outbox/dev/${id}/reply`, { body: long });
    expect(tooLong.status).toBe(422);
    expect(pageText(tooLong.text)).toContain("A reply is at most 1600 characters (this one has 1601).");
    expect(tooLong.text).toContain(long);
    expect(await replies(t)).toEqual([]);
    expect((await b.post(`/outbox/dev/${id}/reply`, { body: "C" }, { csrf: null })).status).toBe(403);
    expect((await b.post("/outbox/dev/no_such/reply", { body: "C" })).status).toBe(404);
    expect(await replies(t)).toEqual([]);
  });

  test("an unknown ?replied= word in the address shows no notice", async () => {
    const { b, entry } = await studio();
    const id = await entry("sms", "dev_sms7");
    for (const word of ["constructor", "__proto__", "toString", "nonsense"])
      expect(pageText((await b.get(`/outbox/dev/${id}?replied=${word}`)).text)).not.toContain("Reply received");
  });

  test("an e-mail cannot be answered here, nor a text while Twilio sends them", async () => {
    const { t, b, entry } = await studio();
    const mail = await entry("email", "dev_mail1");
    expect(pageText((await b.get(`/outbox/dev/${mail}`)).text)).not.toContain("Simulate a reply");
    expect((await b.post(`/outbox/dev/${mail}/reply`, { body: "C" })).status).toBe(409);

    const live = await studio({
      TWILIO_ACCOUNT_SID: "AC" + "0".repeat(32),
      TWILIO_AUTH_TOKEN: "secret",
      TWILIO_FROM: STUDIO_NUMBER,
    });
    const sms = await live.entry("sms", "dev_sms4");
    expect(pageText((await live.b.get(`/outbox/dev/${sms}`)).text)).not.toContain("Simulate a reply");
    const refused = await live.b.post(`/outbox/dev/${sms}/reply`, { body: "C" });
    expect(refused.status).toBe(409);
    expect(await replies(live.t)).toEqual([]);
    expect(await replies(t)).toEqual([]);
  });
});
