// The confirm, cancel and reschedule links of appointment messages (SPEC A3, L4, issue 13 item 4),
// followed as a phone follows them: no cookies, no CSRF token, the signed link the composer
// writes into the message. And what a cancellation means for what is still queued about it.
import { afterAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { runAutomation } from "../src/automation/run.ts";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { appointmentLinkState } from "../src/core/appointment-link.ts";
import { signLinkToken } from "../src/core/link-tokens.ts";
import { appointmentHistory, setAppointmentStatus, unseenAlerts } from "../src/db/appointment-changes.ts";
import { createAppointment, createCustomer } from "../src/db/customers.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import {
  appointmentChanges,
  appointments,
  communicationProfiles,
  deliveries,
  messages,
  notifications,
} from "../src/db/schema.ts";
import { linkSigningSecret } from "../src/db/secrets.ts";
import { getSettings, updateSettings } from "../src/db/settings.ts";
import { createComposer } from "../src/dispatch/compose.ts";
import type { TestApp } from "./support/app.ts";
import { later, noon, sendStudio } from "./support/send-studio.ts";

const s = sendStudio();
afterAll(() => s.stop());

const HOUR = 3600_000;
// Thursday 3 September 2026, 10:00 in Chicago (the studio), 11:00 in New York.
const startsAt = new Date("2026-09-03T15:00:00Z");

async function setup(customer: { locale?: string; time_zone?: string } = {}) {
  const { t, people, dispatcher } = await s.studio();
  await updateSettings(t.db, { phone: "+1 217 555 0142", replyTo: "hello@brightside.test" }, noon);
  const anna = await createCustomer(
    t.db,
    {
      first_name: "Annika",
      phone: `+1777${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`,
      email: "annika@x.test",
      consent: { email: true, sms: true, voice: true },
      ...customer,
    },
    "test",
    noon,
  );
  const a = await createAppointment(
    t.db,
    { customerId: anna.id, startsAt, location: "Studio A, 412 Orchard Lane" },
    "api",
    noon,
  );
  return { t, people, dispatcher, anna, a };
}

/** The link the composer writes for `{{appointment.<action>_link}}`. */
async function linkOf(t: TestApp, customerId: number, appointmentId: number, action: string) {
  const composer = await createComposer(t.deps, await getSettings(t.db), t.deps.clock());
  return new URL(composer.link("appointment", customerId, appointmentId, action)).pathname + `?do=${action}`;
}

/** A request as a phone's browser makes it: no cookies, no CSRF token. */
async function open(t: TestApp, url: string, method: "GET" | "POST" = "GET") {
  const res = await t.app.request(`http://localhost${url}`, { method });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

const statusOf = async (t: TestApp, id: number) =>
  (await t.db.select().from(appointments).where(eq(appointments.id, id)))[0]?.status;

describe("the page (GET) shows, never changes", () => {
  test("a confirm link shows the appointment in the customer's zone and one button posting to the same link", async () => {
    const { t, anna, a } = await setup({ time_zone: "America/New_York" });
    const url = await linkOf(t, anna.id, a.id, "confirm");
    const page = await open(t, url);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Confirm your appointment?");
    expect(page.html).toContain("Thursday, September 3, 2026, 11:00 AM");
    expect(page.html).toContain("Studio A, 412 Orchard Lane");
    expect(page.html).toContain("Brightside");
    expect(page.html).toContain(`<form method="post" action="${url}">`);
    expect(page.html.match(/<button/g)).toHaveLength(1);
    expect(page.html).toContain("Yes, confirm my appointment");
    expect(page.html).not.toContain("<script");
    // Customer pages are neither cached nor framed, like the other links.
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    expect(page.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("Referrer-Policy")).toBe("same-origin");
    // Link scanners open every link: opening all three changes nothing.
    for (const action of ["confirm", "cancel", "reschedule"]) await open(t, await linkOf(t, anna.id, a.id, action));
    expect(await statusOf(t, a.id)).toBe("scheduled");
    expect(await appointmentHistory(t.db, a.id)).toEqual([]);
  });

  test("a German customer reads the page in German, with the date in German", async () => {
    const { t, anna, a } = await setup({ locale: "de-DE", time_zone: "Europe/Berlin" });
    const page = await open(t, await linkOf(t, anna.id, a.id, "cancel"));
    expect(page.html).toContain('<html lang="de">');
    expect(page.html).toContain("Termin absagen?");
    expect(page.html).toContain("Donnerstag, 3. September 2026, 17:00");
    expect(page.html).toContain(">Termin absagen</button>");
    const done = await open(t, await linkOf(t, anna.id, a.id, "cancel"), "POST");
    expect(done.html).toContain("Ihr Termin am Do., 3. Sept., 17:00 ist abgesagt.");
  });

  test("a link without a known action offers the three; posting it is refused and changes nothing", async () => {
    const { t, anna, a } = await setup();
    const url = await linkOf(t, anna.id, a.id, "confirm");
    for (const bad of [url.replace("do=confirm", "do=delete"), url.replace("?do=confirm", "")]) {
      const page = await open(t, bad);
      expect(page.status).toBe(200);
      expect(page.html).toContain("What would you like to do?");
      for (const action of ["confirm", "cancel", "reschedule"])
        expect(page.html).toContain(`href="${url.replace("confirm", action)}"`);
      expect(page.html).not.toContain("<form");
      const posted = await open(t, bad, "POST");
      expect(posted.status).toBe(400);
      expect(posted.html).toContain("This link does not say what to do.");
    }
    expect(await statusOf(t, a.id)).toBe("scheduled");
    expect(await appointmentHistory(t.db, a.id)).toEqual([]);
  });
});

describe("the button (POST) does it, once", () => {
  test("confirm: the appointment is confirmed by the link, said so; a second press changes nothing", async () => {
    const { t, anna, a } = await setup();
    const url = await linkOf(t, anna.id, a.id, "confirm");
    const done = await open(t, url, "POST");
    expect(done.status).toBe(200);
    expect(done.html).toContain("Your appointment on Thu, Sep 3, 10:00 AM is confirmed. Thank you!");
    expect(await statusOf(t, a.id)).toBe("confirmed");
    const history = await appointmentHistory(t.db, a.id);
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.source])).toEqual([["scheduled", "confirmed", "link"]]);
    // A confirmation is no alert for staff.
    expect(await unseenAlerts(t.db)).toEqual([]);
    const again = await open(t, url, "POST");
    expect(again.status).toBe(200);
    expect(again.html).toContain("is already confirmed");
    expect(await open(t, url).then((p) => p.html)).toContain("Already confirmed");
    expect(await appointmentHistory(t.db, a.id)).toHaveLength(1);
  });

  test("cancel: cancelled by the link, a staff alert, the page says how to book again; a repeat is harmless", async () => {
    const { t, anna, a } = await setup();
    const url = await linkOf(t, anna.id, a.id, "cancel");
    const done = await open(t, url, "POST");
    expect(done.status).toBe(200);
    expect(done.html).toContain("Your appointment on Thu, Sep 3, 10:00 AM is cancelled.");
    // The number as people read it in the studio's country; the link dials it whatever the format.
    expect(done.html).toContain('<a href="tel:+12175550142">(217) 555-0142</a>');
    expect(await statusOf(t, a.id)).toBe("cancelled");
    const alerts = await unseenAlerts(t.db);
    expect(alerts.map((x) => [x.appointmentId, x.toStatus, x.source])).toEqual([[a.id, "cancelled", "link"]]);
    const again = await open(t, url, "POST");
    expect([again.status, again.html.includes("is already cancelled")]).toEqual([200, true]);
    expect(await appointmentHistory(t.db, a.id)).toHaveLength(1);
  });

  test("reschedule: a new time is asked for, staff are alerted, the page says the studio will call", async () => {
    const { t, anna, a } = await setup();
    const url = await linkOf(t, anna.id, a.id, "reschedule");
    expect((await open(t, url)).html).toContain("Ask for a new time</button>");
    const done = await open(t, url, "POST");
    expect(done.html).toContain(
      "Brightside knows you need a different time for your appointment on Thu, Sep 3, 10:00 AM",
    );
    expect(await statusOf(t, a.id)).toBe("reschedule_requested");
    expect((await unseenAlerts(t.db)).map((x) => [x.toStatus, x.source])).toEqual([["reschedule_requested", "link"]]);
    expect((await open(t, url, "POST")).html).toContain("You already asked for a new time");
    // Changing their mind, they may still keep the time booked.
    expect((await open(t, await linkOf(t, anna.id, a.id, "confirm"), "POST")).html).toContain("is confirmed");
    expect(await statusOf(t, a.id)).toBe("confirmed");
  });

  test("a cancelled appointment cannot be confirmed or moved from a link: the page says to call the studio", async () => {
    const { t, anna, a } = await setup();
    await setAppointmentStatus(t.db, a.id, ["scheduled"], "cancelled", noon, { source: "staff" });
    for (const action of ["confirm", "reschedule"]) {
      const url = await linkOf(t, anna.id, a.id, action);
      const page = await open(t, url);
      expect(page.html).toContain("This appointment is cancelled");
      expect(page.html).toContain("To book a new time, contact Brightside:");
      expect(page.html).toContain("tel:+12175550142");
      expect(page.html).not.toContain("<form");
      const posted = await open(t, url, "POST");
      expect(posted.status).toBe(409);
      expect(posted.html).toContain("This appointment is cancelled");
    }
    expect(await statusOf(t, a.id)).toBe("cancelled");
    expect(await appointmentHistory(t.db, a.id)).toHaveLength(1);
  });

  test("an appointment that has begun can no longer be changed from a link", async () => {
    const { t, anna, a } = await setup();
    const url = await linkOf(t, anna.id, a.id, "cancel");
    t.setNow(startsAt);
    const page = await open(t, url);
    expect(page.html).toContain("This appointment has passed");
    expect(page.html).toContain("Questions? Contact Brightside:");
    expect(page.html).not.toContain("<form");
    expect((await open(t, url, "POST")).status).toBe(409);
    expect(await statusOf(t, a.id)).toBe("scheduled");
  });
});

// Guards: the link's change and its record (the staff alert) commit together — a customer's
// cancellation is never left without its history row and alert.
describe("a change by link is all or nothing", () => {
  test("when its record cannot be written, the appointment stays as it was and the customer is not told it worked", async () => {
    const { t, anna, a } = await setup();
    const url = await linkOf(t, anna.id, a.id, "cancel");
    // The record's insert fails (a full disk, a lock lost, a crash between the two writes).
    await t.db.run(
      sql.raw(
        `create trigger fail_change before insert on appointment_changes begin select raise(abort, 'disk full'); end`,
      ),
    );
    const res = await open(t, url, "POST");
    await t.db.run(sql.raw(`drop trigger fail_change`));
    expect(res.status).not.toBe(200);
    expect(await statusOf(t, a.id)).toBe("scheduled");
    expect(await appointmentHistory(t.db, a.id)).toEqual([]);
    // Once the record can be written again, the same button works.
    expect((await open(t, url, "POST")).status).toBe(200);
    expect(await statusOf(t, a.id)).toBe("cancelled");
    expect(await unseenAlerts(t.db)).toHaveLength(1);
  });
});

test("what each link may do in each state: the page offers exactly what its button does", () => {
  const soon = new Date(noon.getTime() + HOUR);
  const rows = (["scheduled", "confirmed", "reschedule_requested", "cancelled"] as const).map((status) => [
    status,
    ...(["confirm", "cancel", "reschedule"] as const).map((action) => {
      const st = appointmentLinkState(action, status, soon, noon);
      return st.kind;
    }),
    appointmentLinkState(null, status, soon, noon),
  ]);
  expect(rows).toEqual([
    ["scheduled", "ask", "ask", "ask", { kind: "choose", actions: ["confirm", "cancel", "reschedule"] }],
    ["confirmed", "already", "ask", "ask", { kind: "choose", actions: ["cancel", "reschedule"] }],
    ["reschedule_requested", "ask", "ask", "already", { kind: "choose", actions: ["confirm", "cancel"] }],
    ["cancelled", "cancelled", "already", "cancelled", { kind: "choose", actions: [] }],
  ]);
  // From its start on, nothing: not even a cancellation.
  expect(appointmentLinkState("cancel", "scheduled", noon, noon)).toEqual({ kind: "past" });
});

describe("links that do not work", () => {
  test("a body larger than a button's post is refused before anything is read", async () => {
    const { t, anna, a } = await setup();
    const url = await linkOf(t, anna.id, a.id, "cancel");
    const res = await t.app.request(`http://localhost${url}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `note=${"x".repeat(20_000)}`,
    });
    expect(res.status).toBe(413);
    expect(await statusOf(t, a.id)).toBe("scheduled");
  });

  test("a tampered, forged, other-purpose or expired token gets a plain 4xx page and changes nothing", async () => {
    const { t, anna, a } = await setup();
    const url = await linkOf(t, anna.id, a.id, "cancel");
    const token = url.slice(3, url.indexOf("?"));
    const secret = await linkSigningSecret(t.db, t.deps.config.secretKey, noon);
    const [payload, signature] = token.split(".");
    const otherPayload = signLinkToken(secret, {
      purpose: "appointment",
      customerId: anna.id,
      subjectId: a.id + 1,
    }).split(".")[0];
    const cases: [string, string, number, string][] = [
      [
        "a damaged signature",
        `${payload}.${signature!.slice(0, -1)}${signature!.endsWith("A") ? "B" : "A"}`,
        400,
        "damaged",
      ],
      ["another payload under this signature", `${otherPayload}.${signature}`, 400, "damaged"],
      ["a garbage token", "not-a-token", 400, "damaged"],
      [
        "an unsubscribe link's token",
        signLinkToken(secret, { purpose: "unsubscribe", customerId: anna.id, subjectId: a.id }),
        400,
        "damaged",
      ],
      [
        "an expired token",
        signLinkToken(secret, {
          purpose: "appointment",
          customerId: anna.id,
          subjectId: a.id,
          expiresAt: later(-HOUR),
        }),
        410,
        "This link has expired.",
      ],
    ];
    for (const [how, bad, status, says] of cases) {
      for (const method of ["GET", "POST"] as const) {
        const res = await open(t, `/a/${bad}?do=cancel`, method);
        expect([how, method, res.status]).toEqual([how, method, status]);
        expect(res.html).toContain("This link does not work");
        expect(res.html).toContain(says);
        expect(res.html).not.toContain("Orchard Lane");
      }
    }
    expect(await statusOf(t, a.id)).toBe("scheduled");
    expect(await t.db.select().from(appointmentChanges)).toEqual([]);
  });

  test("another customer's appointment, or one deleted since, is not found: 404, nothing of it shown", async () => {
    const { t, people, anna, a } = await setup();
    const ben = people[1]!;
    // A genuine link for Ben, naming Annika's appointment: it must not open hers.
    const forBen = await linkOf(t, ben.id, a.id, "cancel");
    for (const method of ["GET", "POST"] as const) {
      const res = await open(t, forBen, method);
      expect(res.status).toBe(404);
      expect(res.html).toContain("We cannot find this appointment any more.");
      expect(res.html).not.toContain("Orchard Lane");
    }
    expect(await statusOf(t, a.id)).toBe("scheduled");
    const url = await linkOf(t, anna.id, a.id, "cancel");
    await t.db.delete(appointments).where(eq(appointments.id, a.id));
    const gone = await open(t, url, "POST");
    expect(gone.status).toBe(404);
    expect(gone.html).toContain("You can reach Brightside at +1 217 555 0142 or hello@brightside.test.");
  });
});

describe("a cancelled appointment's pending messages stop", () => {
  /** An SMS about appointment `a` of `customerId`, queued at `at` as the automation or a message queues it. */
  async function queueAbout(
    t: TestApp,
    source: { kind: "notification"; id: number } | { kind: "message"; id: number },
    customerId: number,
    phone: string,
    appointmentId: number,
    at: Date,
    channel: "sms" | "email" = "sms",
  ) {
    const key = deliveryKey(
      source.kind === "message"
        ? { kind: "message", messageId: source.id, appointmentId }
        : { kind: "notification", notificationId: source.id, jobId: 0, appointmentId },
      { customerId },
      channel,
    );
    await enqueueDeliveries(
      t.db,
      source.kind === "message"
        ? { sourceType: "message", messageId: source.id }
        : { sourceType: "notification", notificationId: source.id },
      [{ key, decision: { customerId, channel, to: phone, skip: null }, dueAt: at, appointmentId }],
      at,
    );
    return (await t.db.select().from(deliveries).where(eq(deliveries.deliveryKey, key)))[0]!;
  }

  async function reminderNotification(t: TestApp) {
    const [profile] = await t.db.insert(communicationProfiles).values({ name: "Appointments" }).returning();
    const [n] = await t.db
      .insert(notifications)
      .values({
        profileId: profile!.id,
        trigger: "appointment_reminder",
        offsetHours: 24,
        channel: "sms",
        body: "Brightside: see you {{appointment.date}} at {{appointment.time}}. Cancel: {{appointment.cancel_link}}",
      })
      .returning();
    await updateSettings(t.db, { defaultProfileId: profile!.id }, noon);
    return n!;
  }

  const sentTo = (phone: string) => s.twilio.sent.filter((m) => m.to === phone);

  test("a reminder queued before a cancellation by link is skipped as appointment_cancelled; a message queued after it goes", async () => {
    const { t, dispatcher, anna, a } = await setup();
    const n = await reminderNotification(t);
    const reminder = await queueAbout(t, { kind: "notification", id: n.id }, anna.id, anna.phone!, a.id, noon);
    const [mailed] = await t.db
      .insert(notifications)
      .values({
        profileId: n.profileId,
        trigger: "appointment_reminder",
        offsetHours: 24,
        channel: "email",
        subject: "Tomorrow",
        body: "See you tomorrow.",
      })
      .returning();
    const mail = await queueAbout(
      t,
      { kind: "notification", id: mailed!.id },
      anna.id,
      anna.email!,
      a.id,
      noon,
      "email",
    );
    t.setNow(later(HOUR));
    expect((await open(t, await linkOf(t, anna.id, a.id, "cancel"), "POST")).status).toBe(200);
    // Staff, seeing the cancellation, send a note to that appointment: it was decided after it, and goes.
    t.setNow(later(2 * HOUR));
    const [sorry] = await t.db
      .insert(messages)
      .values({
        name: "Sorry",
        channels: ["sms"],
        body: "Sorry to see you cancel, Annika.",
        smsBody: "Sorry to see you cancel, Annika.",
        filters: { appointment_ids: [a.id] },
        status: "sending",
        activatedAt: later(2 * HOUR),
      })
      .returning();
    const note = await queueAbout(t, { kind: "message", id: sorry!.id }, anna.id, anna.phone!, a.id, later(2 * HOUR));
    await dispatcher().tick();
    const after = async (id: number) => (await t.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;
    expect([(await after(reminder.id)).status, (await after(reminder.id)).skipReason]).toEqual([
      "skipped",
      "appointment_cancelled",
    ]);
    expect((await after(mail.id)).skipReason).toBe("appointment_cancelled");
    expect(s.resend.sent.filter((m) => m.to.includes(anna.email!))).toEqual([]);
    expect((await after(note.id)).status).toBe("sent");
    expect(sentTo(anna.phone!).map((m) => m.body)).toEqual(["Sorry to see you cancel, Annika. Reply STOP to opt out."]);
  });

  test("an automated message about an appointment fires after its cancellation (a late 'booked' text): skipped too", async () => {
    const { t, dispatcher, anna, a } = await setup();
    const n = await reminderNotification(t);
    t.setNow(later(HOUR));
    await open(t, await linkOf(t, anna.id, a.id, "cancel"), "POST");
    t.setNow(later(2 * HOUR));
    const d = await queueAbout(t, { kind: "notification", id: n.id }, anna.id, anna.phone!, a.id, later(2 * HOUR));
    await dispatcher().tick();
    const [row] = await t.db.select().from(deliveries).where(eq(deliveries.id, d.id));
    expect([row!.status, row!.skipReason]).toEqual(["skipped", "appointment_cancelled"]);
    expect(sentTo(anna.phone!)).toEqual([]);
  });

  test("a message staff started before the cancellation is skipped even when its texts are written after it", async () => {
    const { t, dispatcher, anna, a } = await setup();
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Bring a jacket",
        channels: ["sms"],
        body: "Bring a jacket!",
        smsBody: "Bring a jacket!",
        filters: { appointment_ids: [a.id] },
        status: "sending",
        activatedAt: noon,
      })
      .returning();
    t.setNow(later(HOUR));
    await open(t, await linkOf(t, anna.id, a.id, "cancel"), "POST");
    t.setNow(later(2 * HOUR));
    const d = await queueAbout(t, { kind: "message", id: m!.id }, anna.id, anna.phone!, a.id, later(2 * HOUR));
    await dispatcher().tick();
    const [row] = await t.db.select().from(deliveries).where(eq(deliveries.id, d.id));
    expect([row!.status, row!.skipReason]).toEqual(["skipped", "appointment_cancelled"]);
    expect(sentTo(anna.phone!)).toEqual([]);
  });

  /** A one-time message to `a`'s customer by SMS, with a call waiting on it (only where SMS cannot go). */
  async function smsOrCall(t: TestApp, anna: { id: number; phone: string | null }, a: { id: number }) {
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Snow day",
        channels: ["sms", "voice"],
        body: "Closed tomorrow",
        smsBody: "Closed tomorrow",
        voiceScript: "We are closed tomorrow",
        callOnlyIfNoSms: true,
        filters: { appointment_ids: [a.id] },
        status: "sending",
        activatedAt: noon,
      })
      .returning();
    const key = (ch: "sms" | "voice") =>
      deliveryKey({ kind: "message", messageId: m!.id, appointmentId: a.id }, { customerId: anna.id }, ch);
    await enqueueDeliveries(
      t.db,
      { sourceType: "message", messageId: m!.id },
      [
        {
          key: key("sms"),
          decision: { customerId: anna.id, channel: "sms", to: anna.phone!, skip: null },
          dueAt: noon,
          appointmentId: a.id,
        },
        {
          key: key("voice"),
          decision: { customerId: anna.id, channel: "voice", to: anna.phone!, skip: null, waitsOnSms: true },
          dueAt: noon,
          afterKey: key("sms"),
          appointmentId: a.id,
        },
      ],
      noon,
    );
    return { m: m! };
  }

  test("SMS with a call only where it cannot go: the SMS skipped for the cancellation does not make the call go", async () => {
    const { t, dispatcher, anna, a } = await setup();
    const { m } = await smsOrCall(t, anna, a);
    t.setNow(later(HOUR));
    await open(t, await linkOf(t, anna.id, a.id, "cancel"), "POST");
    // The skipped SMS releases its call (the outbox's trigger); the call meets the same check.
    await dispatcher().tick();
    await dispatcher().tick();
    const rows = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
    expect(rows.map((d) => [d.channel, d.status, d.skipReason]).sort()).toEqual([
      ["sms", "skipped", "appointment_cancelled"],
      ["voice", "skipped", "appointment_cancelled"],
    ]);
    expect(s.twilio.calls.filter((c) => c.to === anna.phone)).toEqual([]);
  });

  // Guards: the outbox's trigger passes an SMS's `appointment_cancelled` skip on to the call
  // waiting on it, as it does a cancelled message's — it never releases the call in the SMS's place.
  test("the SMS skipped for the cancellation, then the appointment booked again: the call does not go in its place", async () => {
    const { t, dispatcher, anna, a } = await setup();
    const { m } = await smsOrCall(t, anna, a);
    t.setNow(later(HOUR));
    await setAppointmentStatus(t.db, a.id, ["scheduled"], "cancelled", later(HOUR), { source: "sms" });
    // The dispatcher skips the SMS for the cancellation and stops there (shut down, or its lease ran
    // out before it reached the calls).
    await t.db
      .update(deliveries)
      .set({ status: "skipped", skipReason: "appointment_cancelled", updatedAt: later(HOUR) })
      .where(and(eq(deliveries.messageId, m.id), eq(deliveries.channel, "sms")));
    const call = async () =>
      (
        await t.db
          .select()
          .from(deliveries)
          .where(and(eq(deliveries.messageId, m.id), eq(deliveries.channel, "voice")))
      )[0]!;
    expect([(await call()).status, (await call()).skipReason]).toEqual(["skipped", "appointment_cancelled"]);
    // The customer phones the studio and keeps the appointment after all: the SMS could reach her
    // (a mobile), so the call was never meant to go. Either both go, or neither.
    await setAppointmentStatus(t.db, a.id, ["cancelled"], "scheduled", later(2 * HOUR), { source: "staff" });
    t.setNow(later(3 * HOUR));
    await dispatcher().tick();
    expect(s.twilio.calls.filter((c) => c.to === anna.phone)).toEqual([]);
    expect((await call()).status).toBe("skipped");
  });

  test("an appointment cancelled and booked again lets its queued reminder go", async () => {
    const { t, dispatcher, anna, a } = await setup();
    const n = await reminderNotification(t);
    const d = await queueAbout(t, { kind: "notification", id: n.id }, anna.id, anna.phone!, a.id, noon);
    t.setNow(later(HOUR));
    await open(t, await linkOf(t, anna.id, a.id, "cancel"), "POST");
    await setAppointmentStatus(t.db, a.id, ["cancelled"], "scheduled", later(2 * HOUR), { source: "staff" });
    t.setNow(later(3 * HOUR));
    await dispatcher().tick();
    const [row] = await t.db.select().from(deliveries).where(eq(deliveries.id, d.id));
    expect(row!.status).toBe("sent");
  });

  test("the automation: a reminder not yet due when the customer cancels by link never fires; one booked again fires, with working links", async () => {
    const { t, dispatcher, people, anna, a } = await setup();
    await reminderNotification(t);
    const ben = people[1]!;
    const b = await createAppointment(t.db, { customerId: ben.id, startsAt, location: "Studio B" }, "api", noon);
    await runAutomation(t.deps, noon);
    t.setNow(later(HOUR));
    await open(t, await linkOf(t, anna.id, a.id, "cancel"), "POST");
    await open(t, await linkOf(t, ben.id, b.id, "cancel"), "POST");
    // Ben calls the studio and keeps his time after all.
    await setAppointmentStatus(t.db, b.id, ["cancelled"], "confirmed", later(2 * HOUR), { source: "staff" });
    const due = new Date(startsAt.getTime() - 24 * HOUR);
    t.setNow(due);
    await runAutomation(t.deps, due);
    await dispatcher().tick();
    const queued = await t.db.select().from(deliveries).where(eq(deliveries.sourceType, "notification"));
    expect(queued.map((d) => [d.appointmentId, d.status])).toEqual([[b.id, "sent"]]);
    expect(sentTo(anna.phone!)).toEqual([]);
    // The reminder Ben got carries a cancel link that opens his appointment's page.
    const [text] = sentTo(ben.phone);
    const link = new URL(text!.body.match(/https:\/\/pigeon\.test\/a\/\S+/)![0]);
    expect(link.searchParams.get("do")).toBe("cancel");
    const page = await open(t, link.pathname + link.search);
    expect(page.html).toContain("Cancel your appointment?");
    expect(page.html).toContain("Studio B");
    expect(
      await t.db
        .select()
        .from(appointments)
        .where(and(eq(appointments.id, b.id), eq(appointments.status, "confirmed"))),
    ).toHaveLength(1);
  });
});
