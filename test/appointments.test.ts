// The Appointments pages (SPEC A1, issue 13 items 1 and 6): filters by studio-zone days (across a
// DST change) and their bad input, upcoming first and paginated, the Messages column against
// seeded deliveries and replies, Compose carrying the ticks, a status change by hand (CSRF, a lost
// race, the history naming staff), the job page's section, and Send a message from a customer.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { dayStartMs } from "../src/core/appointment-list.ts";
import { createAppointment, createCustomer } from "../src/db/customers.ts";
import { createJob } from "../src/db/jobs.ts";
import { loadDemoData } from "../src/db/demo.ts";
import { appointmentChanges, appointments, deliveries, inboundMessages, messages, users } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText as text, postForm } from "./support/forms.ts";

const NOW = new Date("2026-10-01T10:00:00Z");

async function studio() {
  const t = await makeTestApp({ now: NOW });
  const b = await signedInOwner(t);
  await updateSettings(t.db, { timeZone: "Europe/Berlin" }, NOW);
  const job = await createJob(t.db, { name: "Harvest portraits", type: "portrait", year: 2026 }, {}, "ui", NOW);
  const other = await createJob(t.db, { name: "River FC", type: "sports", year: 2026 }, {}, "ui", NOW);
  const person = (first: string, last: string) =>
    createCustomer(
      t.db,
      { first_name: first, last_name: last, email: `${first.toLowerCase()}@x.test`, consent: { email: true } },
      "test",
      NOW,
    );
  const ann = await person("Ann", "Lee");
  const bob = await person("Bob", "Stone");
  const book = (customerId: number, at: string, opts: { jobId?: number; status?: "confirmed" | "cancelled" } = {}) =>
    createAppointment(t.db, { customerId, startsAt: new Date(at), jobId: opts.jobId, status: opts.status }, "api", NOW);
  return { t, b, job, other, ann, bob, book };
}

const idsOn = (html: string) => [...html.matchAll(/name="appointment_ids" value="(\d+)"/g)].map((m) => Number(m[1]));

describe("the Appointments list", () => {
  test("From and To are days in the studio's zone, the 25-hour day of a DST change included", async () => {
    const s = await studio();
    // Berlin leaves summer time on 2026-10-25 at 03:00 CEST: that day runs from 22:00Z to 23:00Z next day.
    const before = await s.book(s.ann.id, "2026-10-24T21:30:00Z"); // 23:30 CEST on the 24th
    const first = await s.book(s.ann.id, "2026-10-24T22:30:00Z"); // 00:30 CEST on the 25th
    const last = await s.book(s.bob.id, "2026-10-25T22:30:00Z"); // 23:30 CET on the 25th
    const after = await s.book(s.bob.id, "2026-10-25T23:30:00Z"); // 00:30 CET on the 26th
    const day = await s.b.get("/appointments?from=2026-10-25&to=2026-10-25");
    expect(day.status).toBe(200);
    expect(idsOn(day.text)).toEqual([first.id, last.id]);
    expect(text(day.text)).toContain("Sun 2026-10-25 00:30 CEST");
    expect(text(day.text)).toContain("Sun 2026-10-25 23:30 CET");
    expect(idsOn((await s.b.get("/appointments?to=2026-10-24")).text)).toEqual([before.id]);
    expect(idsOn((await s.b.get("/appointments?from=2026-10-26")).text)).toEqual([after.id]);
  });

  test("status (several), job and customer name filter; nothing matching says what to do", async () => {
    const s = await studio();
    const a = await s.book(s.ann.id, "2026-10-05T09:00:00Z", { jobId: s.job.id });
    const b = await s.book(s.bob.id, "2026-10-06T09:00:00Z", { jobId: s.job.id, status: "confirmed" });
    const c = await s.book(s.bob.id, "2026-10-07T09:00:00Z", { jobId: s.other.id, status: "cancelled" });
    expect(idsOn((await s.b.get("/appointments?status=confirmed&status=cancelled")).text)).toEqual([b.id, c.id]);
    expect(idsOn((await s.b.get(`/appointments?job=${s.job.id}`)).text)).toEqual([a.id, b.id]);
    expect(idsOn((await s.b.get("/appointments?q=stone")).text)).toEqual([b.id, c.id]);
    expect(idsOn((await s.b.get(`/appointments?q=stone&job=${s.job.id}&status=confirmed`)).text)).toEqual([b.id]);
    expect(idsOn((await s.b.get("/appointments?q=%21%21")).text)).toEqual([]);
    const none = await s.b.get("/appointments?q=nobody");
    expect(text(none.text)).toContain("No appointments match these filters. Widen the dates or tick more statuses.");
    // The statuses stay ticked, the text stays typed.
    const kept = await s.b.get("/appointments?status=confirmed&q=Ann%20L");
    expect(kept.text).toMatch(/value="confirmed" checked/);
    expect(kept.text).toContain('value="Ann L"');
  });

  test("bad dates, statuses and jobs: an error beside the field, what was typed kept, nothing listed", async () => {
    const s = await studio();
    await s.book(s.ann.id, "2026-10-05T09:00:00Z");
    const bad = await s.b.get("/appointments?from=2026-02-30&to=14.09.2026");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('value="2026-02-30"');
    expect(bad.text).toContain('value="14.09.2026"');
    expect(bad.text).toMatch(/id="from-error">is not a real calendar date</);
    expect(bad.text).toMatch(/id="to-error">must be a date like 2026-09-14</);
    expect(text(bad.text)).toContain("Nothing is listed until the filters marked above are corrected.");
    expect(idsOn(bad.text)).toEqual([]);
    const backwards = await s.b.get("/appointments?from=2026-10-10&to=2026-10-01");
    expect(backwards.status).toBe(400);
    expect(backwards.text).toMatch(/id="to-error">must not be before the first day</);
    const status = await s.b.get("/appointments?status=maybe");
    expect(status.text).toMatch(
      /id="status-error">must be one of scheduled, confirmed, cancelled, reschedule_requested</,
    );
    expect((await s.b.get("/appointments?job=abc")).text).toMatch(/id="job-error">must be a job from the list</);
    expect((await s.b.get("/appointments?job=999")).text).toMatch(/id="job-error">There is no such job any more</);
  });

  test("upcoming first, soonest first, then the past, latest first, 50 a page", async () => {
    const s = await studio();
    const past = [
      await s.book(s.ann.id, "2026-09-20T09:00:00Z"),
      await s.book(s.ann.id, "2026-09-28T09:00:00Z"), // the latest past one
    ];
    const upcoming = [];
    for (let i = 0; i < 51; i++)
      upcoming.push(await s.book(i % 2 ? s.ann.id : s.bob.id, new Date(Date.UTC(2026, 9, 60 - i, 9)).toISOString()));
    const soonest = [...upcoming].sort((x, y) => x.startsAt.getTime() - y.startsAt.getTime()).map((a) => a.id);
    const one = await s.b.get("/appointments");
    expect(idsOn(one.text)).toEqual(soonest.slice(0, 50));
    expect(text(one.text)).toContain("51 upcoming, 2 past");
    expect(text(one.text)).toContain("Page 1 of 2 · 53 in all");
    const two = await s.b.get("/appointments?page=2");
    expect(idsOn(two.text)).toEqual([soonest[50]!, past[1]!.id, past[0]!.id]);
    expect(text(two.text)).toContain("Past appointments, latest first");
  });

  test("the Messages column counts scheduled, sent, not sent and replied for each row, linking to them", async () => {
    const s = await studio();
    const a = await s.book(s.ann.id, "2026-10-05T09:00:00Z");
    const quiet = await s.book(s.bob.id, "2026-10-06T09:00:00Z");
    const base = { sourceType: "message" as const, customerId: s.ann.id, appointmentId: a.id, dueAt: NOW };
    const seeded: [string, (typeof deliveries.$inferInsert)["status"], string | null][] = [
      ["q", "queued", null],
      ["h", "held", null],
      ["s", "sent", null],
      ["d", "delivered", null],
      ["k", "skipped", "no_consent"],
      ["f", "failed", null],
      // A call skipped because its SMS went: the customer was reached, nothing "not sent".
      ["i", "skipped", "sms_sent_instead"],
    ];
    for (const [key, status, skipReason] of seeded)
      await s.t.db
        .insert(deliveries)
        .values({ ...base, deliveryKey: `k-${key}`, channel: key === "i" ? "voice" : "sms", status, skipReason });
    // Bob's delivery about no appointment counts nowhere.
    await s.t.db
      .insert(deliveries)
      .values({ ...base, customerId: s.bob.id, appointmentId: null, deliveryKey: "k-x", channel: "email" });
    for (const body of ["C", "Can we move it?"])
      await s.t.db.insert(inboundMessages).values({
        channel: "sms",
        fromAddress: "+15550000001",
        body,
        customerId: s.ann.id,
        appointmentId: a.id,
        receivedAt: NOW,
      });
    const page = await s.b.get("/appointments");
    const shown = text(page.text);
    expect(shown).toContain("2 scheduled · 2 sent · 2 not sent · 2 replied");
    expect(page.text).toContain(`href="/outbox?appointment=${a.id}" class="count-scheduled"`);
    expect(page.text).toContain(`href="/customers/${s.ann.id}#messages" class="count-replied"`);
    const row = (id: number) => text(page.text.split(`value="${id}"`)[1]!.split("</tr>")[0]!);
    expect(row(quiet.id)).toContain("None");
    // The appointment's own page lists them, the replies quoted.
    const detail = text((await s.b.get(`/appointments/${a.id}`)).text);
    expect(detail).toContain("“Can we move it?”");
    expect(detail).toContain("Failed");
    expect(detail).toContain("No consent");
  });
});

describe("not sent counts people, not channels", () => {
  test("an SMS-or-call whose SMS went (call skipped) or whose call went (SMS skipped) is not 'not sent'", async () => {
    const s = await studio();
    const carl = await s.t.db
      .insert(messages)
      .values({ name: "Reminder", channels: ["sms", "voice"], callOnlyIfNoSms: true, filters: {} })
      .returning();
    const messageId = carl[0]!.id;
    const a = await s.book(s.ann.id, "2026-10-05T09:00:00Z");
    const b = await s.book(s.bob.id, "2026-10-06T09:00:00Z");
    const add = (
      key: string,
      customerId: number,
      appointmentId: number,
      channel: "sms" | "voice",
      status: (typeof deliveries.$inferInsert)["status"],
      skipReason: string | null = null,
    ) =>
      s.t.db.insert(deliveries).values({
        sourceType: "message",
        messageId,
        customerId,
        appointmentId,
        deliveryKey: key,
        channel,
        status,
        skipReason,
        dueAt: NOW,
      });
    // Ann: SMS went, the call skipped for no voice consent — reached.
    await add("a-sms", s.ann.id, a.id, "sms", "sent");
    await add("a-call", s.ann.id, a.id, "voice", "skipped", "no_consent");
    // Bob: no SMS consent, so he was called — reached; and his other appointment got nothing.
    await add("b-sms", s.bob.id, b.id, "sms", "skipped", "no_consent");
    await add("b-call", s.bob.id, b.id, "voice", "delivered");
    const c = await s.book(s.bob.id, "2026-10-07T09:00:00Z");
    await add("c-sms", s.bob.id, c.id, "sms", "skipped", "no_consent");
    await add("c-call", s.bob.id, c.id, "voice", "failed");
    const page = await s.b.get("/appointments");
    const row = (id: number) => text(page.text.split(`name="appointment_ids" value="${id}"`)[1]!.split("</tr>")[0]!);
    expect(row(a.id)).toContain("1 sent");
    expect(row(a.id)).not.toContain("not sent");
    expect(row(b.id)).toContain("1 sent");
    expect(row(b.id)).not.toContain("not sent");
    expect(row(c.id)).toContain("1 not sent");
  });
  test("the preview of an SMS-or-call says who gets the SMS instead of the call, not that they miss it", async () => {
    const s = await studio();
    const dan = await createCustomer(
      s.t.db,
      { first_name: "Daniel", last_name: "Wright", phone: "+15552010101", consent: { sms: true } },
      "test",
      NOW,
    );
    const a = await s.book(dan.id, "2026-10-05T09:00:00Z");
    await s.b.get(`/messages/new?appointment_ids=${a.id}`);
    const form = {
      mode: "filters",
      name: "Snow day",
      channels: ["sms", "voice"],
      body: "Closed {{appointment.date}}.",
      sms_body: "Closed {{appointment.date}}.",
      voice_script: "Hello, we are closed.",
      "filters.appointment_ids": String(a.id),
      send_mode: "now",
    };
    const preview = async (extra: Record<string, string>) =>
      text(
        (
          await postForm(
            s.b,
            "/messages/preview",
            { ...form, ...extra },
            {
              "HX-Request": "true",
              "HX-Request-Type": "partial",
            },
          )
        ).text,
      );
    // One number not checked yet is said in the singular.
    const count = text(
      (
        await postForm(
          s.b,
          "/messages/count",
          { ...form, call_only_if_no_sms: "on" },
          { "HX-Request": "true", "HX-Request-Type": "partial" },
        )
      ).text,
    );
    expect(count).toContain("1 of these numbers has not been checked yet");
    const pair = await preview({ call_only_if_no_sms: "on" });
    expect(pair).toContain("Daniel Wright gets the SMS instead of the call (no consent for this channel).");
    expect(pair).not.toContain("will not get the call");
    // Both channels, not as a pair: he truly will not get the call.
    expect(await preview({})).toContain("Daniel Wright will not get the call: no consent for this channel.");
  });
});

describe("the dashboard", () => {
  test("its upcoming appointments leave out cancelled ones and those past", async () => {
    const s = await studio();
    await s.book(s.ann.id, "2026-10-05T09:00:00Z");
    await s.book(s.bob.id, "2026-10-06T09:00:00Z", { status: "confirmed" });
    await s.book(s.bob.id, "2026-10-07T09:00:00Z", { status: "cancelled" });
    await s.book(s.ann.id, "2026-09-07T09:00:00Z");
    expect(text((await s.b.get("/")).text)).toContain("2 upcoming appointments");
  });
});

describe("job names in pickers", () => {
  test("a job whose name has its year is not labelled with the year again", async () => {
    const s = await studio();
    await createJob(s.t.db, { name: "Family Portrait Days 2026", type: "portrait", year: 2026 }, {}, "ui", NOW);
    const page = text((await s.b.get("/appointments")).text);
    expect(page).toContain("Family Portrait Days 2026 ");
    expect(page).not.toContain("Family Portrait Days 2026 (2026)");
    expect(page).toContain("River FC (2026)");
    expect(text((await s.b.get("/messages/new")).text)).not.toContain("Family Portrait Days 2026 (2026)");
  });
});

describe("Compose from the list", () => {
  test("each row's tick belongs to the Compose form; the composer opens with the ticked appointments", async () => {
    const s = await studio();
    const a = await s.book(s.ann.id, "2026-10-05T09:00:00Z");
    const b = await s.book(s.bob.id, "2026-10-06T09:00:00Z");
    const page = await s.b.get("/appointments");
    expect(page.text).toContain('<form id="compose-selection" method="get" action="/messages/new"');
    expect(page.text).toContain(`name="appointment_ids" value="${a.id}" form="compose-selection"`);
    // Select-all is drawn hidden: static/app.js shows it; without JavaScript each row is ticked.
    expect(page.text).toMatch(/<input type="checkbox" data-select-all="compose-selection"[^>]*hidden/);
    const composer = await s.b.get(`/messages/new?appointment_ids=${a.id}&appointment_ids=${b.id}`);
    expect(composer.text).toContain(`name="filters.appointment_ids" value="${a.id}"`);
    expect(composer.text).toContain(`name="filters.appointment_ids" value="${b.id}"`);
    expect(text(composer.text)).toContain("Ann Lee · Mon 2026-10-05 11:00 CEST");
    // A row's Message opens the composer for that one appointment; its page offers each channel.
    expect(page.text).toContain(`href="/messages/new?appointment_ids=${a.id}"`);
    const detail = await s.b.get(`/appointments/${a.id}`);
    expect(detail.text).toContain(`href="/messages/new?appointment_ids=${a.id}&amp;channels=voice"`);
    const byCall = await s.b.get(`/messages/new?appointment_ids=${a.id}&channels=voice`);
    expect(byCall.text).toMatch(/name="channels" value="voice" checked/);
    expect(byCall.text).not.toMatch(/name="channels" value="email" checked/);
  });
});

describe("writing to cancelled appointments", () => {
  test("the composer shows each chosen appointment's status and the review warns of the cancelled ones", async () => {
    const s = await studio();
    const a = await s.book(s.ann.id, "2026-10-05T09:00:00Z");
    const b = await s.book(s.bob.id, "2026-10-06T09:00:00Z", { status: "cancelled" });
    const composer = await s.b.get(`/messages/new?appointment_ids=${a.id}&appointment_ids=${b.id}`);
    const chosen = text(composer.text.split('class="chosen-appointments"')[1]!.split("</ul>")[0]!);
    expect(chosen).toContain("Ann Lee · Mon 2026-10-05 11:00 CEST Scheduled");
    expect(chosen).toContain("Bob Stone · Tue 2026-10-06 11:00 CEST Cancelled");
    const saved = await postForm(s.b, "/messages", {
      mode: "filters",
      name: "Sorry",
      channels: "email",
      subject: "Sorry",
      body: "Sorry we had to cancel, {{customer.first_name}}.",
      "filters.appointment_ids": [String(a.id), String(b.id)],
      send_mode: "now",
      intent: "send",
    });
    expect(saved.status).toBe(303);
    const review = await s.b.get(saved.location!);
    // A warning, not a block: the Send button is there.
    expect(review.status).toBe(200);
    expect(text(review.text)).toContain("1 of these 2 appointments is cancelled.");
    expect(text(review.text)).toContain("Send to 2 appointments Back to editing");
  });
});

describe("phone numbers as staff read them", () => {
  test("the appointment page, the outbox, a delivery's page and the preview's Call line show formatPhone, tel: and the API keep E.164", async () => {
    const s = await studio();
    await updateSettings(s.t.db, { country: "DE" }, NOW); // German numbers in national format
    const dan = await createCustomer(
      s.t.db,
      { first_name: "Daniel", last_name: "Wright", phone: "+491701234567", consent: { sms: true, voice: true } },
      "test",
      NOW,
    );
    const a = await s.book(dan.id, "2026-10-05T09:00:00Z");
    expect(text((await s.b.get(`/appointments/${a.id}`)).text)).toContain("0170 1234567");
    const [d] = await s.t.db
      .insert(deliveries)
      .values({
        sourceType: "message",
        customerId: dan.id,
        appointmentId: a.id,
        deliveryKey: "k-dan",
        channel: "sms",
        toAddress: "+491701234567",
        status: "sent",
        dueAt: NOW,
      })
      .returning();
    const outbox = text((await s.b.get("/outbox")).text);
    expect(outbox).toContain("Daniel Wright 0170 1234567");
    expect(outbox).not.toContain("+491701234567");
    expect(text((await s.b.get(`/outbox/${d!.id}`)).text)).toContain("Daniel Wright 0170 1234567");
    await s.b.get(`/messages/new?appointment_ids=${a.id}`);
    const preview = text(
      (
        await postForm(
          s.b,
          "/messages/preview",
          {
            mode: "filters",
            name: "Call",
            channels: "voice",
            voice_script: "Hello.",
            "filters.appointment_ids": String(a.id),
            send_mode: "now",
          },
          { "HX-Request": "true", "HX-Request-Type": "partial" },
        )
      ).text,
    );
    expect(preview).toContain("Call 0170 1234567");
    const detail = await s.b.get(`/appointments/${a.id}`);
    expect(detail.text).not.toContain("+491701234567");
  });
});

describe("status by hand", () => {
  test("confirmed, cancelled or reschedule requested: recorded as staff with the user, back to the list", async () => {
    const s = await studio();
    const a = await s.book(s.ann.id, "2026-10-05T09:00:00Z");
    await s.b.get("/appointments");
    const res = await s.b.post(`/appointments/${a.id}/status`, {
      from: "scheduled",
      status: "cancelled",
      back: "/appointments?status=scheduled",
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/appointments?status=scheduled&done=cancelled&appointment=${a.id}`);
    const back = await s.b.get(res.location!);
    expect(text(back.text)).toContain("Ann Lee's appointment on Mon 2026-10-05 11:00 CEST is marked cancelled.");
    // The notice is not carried on into the links of the page (a status change, a page of the list).
    expect(back.text).not.toContain("done=cancelled");
    const [owner] = await s.t.db.select().from(users);
    const changes = await s.t.db.select().from(appointmentChanges).where(eq(appointmentChanges.appointmentId, a.id));
    expect(changes.map((c) => [c.fromStatus, c.toStatus, c.source, c.actorUserId, c.seenAt !== null])).toEqual([
      ["scheduled", "cancelled", "staff", owner!.id, true],
    ]);
    const detail = text((await s.b.get(`/appointments/${a.id}`)).text);
    expect(detail).toContain("Scheduled → cancelled · by Olivia Owner (staff) · 2026-10-01 12:00 CEST");
    // Another page to return to is not followed: the appointment's own page instead.
    const elsewhere = await s.b.post(`/appointments/${a.id}/status`, {
      from: "cancelled",
      status: "reschedule_requested",
      back: "//evil.test/appointments",
    });
    expect(elsewhere.location).toBe(`/appointments/${a.id}?done=reschedule_requested&appointment=${a.id}`);
  });

  test("a change that lost a race says so and writes nothing; without the CSRF token it is refused", async () => {
    const s = await studio();
    const a = await s.book(s.ann.id, "2026-10-05T09:00:00Z");
    await s.b.get(`/appointments/${a.id}`);
    const noToken = await s.b.post(
      `/appointments/${a.id}/status`,
      { from: "scheduled", status: "confirmed" },
      { csrf: null },
    );
    expect(noToken.status).toBe(403);
    expect((await s.t.db.select().from(appointments))[0]!.status).toBe("scheduled");
    // The customer cancels (by SMS, say) while staff still look at "scheduled".
    await s.t.db.update(appointments).set({ status: "cancelled" }).where(eq(appointments.id, a.id));
    const lost = await s.b.post(`/appointments/${a.id}/status`, { from: "scheduled", status: "confirmed" });
    // Back to the page by a redirect (a reload posts nothing again), the refusal said there.
    expect(lost.status).toBe(303);
    expect(lost.location).toBe(`/appointments/${a.id}?refused=${a.id}`);
    expect(text((await s.b.get(lost.location!)).text)).toContain(
      "Not changed: someone changed Ann Lee's appointment on Mon 2026-10-05 11:00 CEST meanwhile — it is cancelled now. Check its history, then choose again.",
    );
    // From the list, back to the list with its filters.
    const fromList = await s.b.post(`/appointments/${a.id}/status`, {
      from: "scheduled",
      status: "confirmed",
      back: "/appointments?status=scheduled&status=cancelled",
    });
    expect(fromList.location).toBe(`/appointments?status=scheduled&status=cancelled&refused=${a.id}`);
    expect(text((await s.b.get(fromList.location!)).text)).toContain("meanwhile — it is cancelled now.");
    expect((await s.t.db.select().from(appointments))[0]!.status).toBe("cancelled");
    expect(await s.t.db.select().from(appointmentChanges)).toEqual([]);
    const bad = await s.b.post(`/appointments/${a.id}/status`, { from: "cancelled", status: "gone" });
    expect(bad.status).toBe(422);
    expect(text(bad.text)).toContain("Not changed. Choose one of the statuses offered.");
    expect((await s.b.get("/appointments/0x1")).status).toBe(404);
    expect((await s.b.post("/appointments/999/status", { from: "scheduled", status: "confirmed" })).status).toBe(404);
  });
});

describe("the job page and the customer page", () => {
  test("a job's page lists its appointments with the Messages column and Compose", async () => {
    const s = await studio();
    const mine = await s.book(s.ann.id, "2026-10-05T09:00:00Z", { jobId: s.job.id });
    const theirs = await s.book(s.bob.id, "2026-10-05T10:00:00Z", { jobId: s.other.id });
    const page = await s.b.get(`/jobs/${s.job.id}`);
    expect(text(page.text)).toContain("Appointments (1)");
    expect(idsOn(page.text)).toEqual([mine.id]);
    expect(idsOn(page.text)).not.toContain(theirs.id);
    expect(page.text).toContain('<form id="compose-job-appointments" method="get" action="/messages/new"');
    const res = await s.b.post(`/appointments/${mine.id}/status`, {
      from: "scheduled",
      status: "confirmed",
      back: `/jobs/${s.job.id}`,
    });
    expect(res.location).toBe(`/jobs/${s.job.id}?done=confirmed&appointment=${mine.id}`);
    expect(text((await s.b.get(res.location!)).text)).toContain(
      "appointment on Mon 2026-10-05 11:00 CEST is marked confirmed.",
    );
    const empty = await s.b.get(
      `/jobs/${(await createJob(s.t.db, { name: "Empty", type: "event", year: 2026 }, {}, "ui", NOW)).id}`,
    );
    expect(text(empty.text)).toContain("No appointments for this job.");
  });

  test("Send a message from a customer's page: the composer for that customer, by the channel chosen", async () => {
    const s = await studio();
    const page = await s.b.get(`/customers/${s.ann.id}`);
    for (const ch of ["email", "sms", "voice"])
      expect(page.text).toContain(`href="/messages/new?customer_ids=${s.ann.id}&amp;channels=${ch}"`);
    const composer = await s.b.get(`/messages/new?customer_ids=${s.ann.id}&channels=email`);
    expect(composer.text).toContain(`name="filters.customer_ids" value="${s.ann.id}"`);
    expect(text(composer.text)).toContain("To: Ann Lee");
    const saved = await postForm(s.b, "/messages", {
      mode: "filters",
      name: "Note to Ann",
      channels: "email",
      subject: "Hello",
      body: "Hi {{customer.first_name}}",
      send_mode: "now",
      "filters.customer_ids": String(s.ann.id),
      intent: "save",
    });
    expect(saved.status).toBe(303);
    const [m] = await s.t.db.select().from(messages);
    expect(m!.filters).toEqual({ customer_ids: [s.ann.id] });
    // By SMS to Ann, who has no phone: the composer's count and preview say so before anything is saved.
    const bySms = text((await s.b.get(`/messages/new?customer_ids=${s.ann.id}&channels=sms`)).text);
    expect(bySms).toContain(
      "1 chosen customer · 1 customer match 0 will receive it by SMS 1 no address for this channel",
    );
    expect(bySms).toContain("Ann Lee will not get the SMS: no address for this channel.");
    // Opened again, the draft still goes to Ann alone.
    expect((await s.b.get(`/messages/${m!.id}`)).text).toContain(`name="filters.customer_ids" value="${s.ann.id}"`);
  });

  test("the demo studio's bookings start their history, by the demo", async () => {
    const t = await makeTestApp({ now: NOW });
    await loadDemoData(t.db, NOW);
    const booked = await t.db.select().from(appointments);
    const changes = await t.db.select().from(appointmentChanges);
    expect(booked.length).toBeGreaterThan(0);
    expect(changes.length).toBe(booked.length);
    expect(new Set(changes.map((c) => `${c.source}:${c.fromStatus}`))).toEqual(new Set(["demo:null"]));
  });
});

// Guards: the date filter's day arithmetic takes the year as written (Date.UTC reads 0–99 as
// 1900–1999), in the filter and in the zoned-day helper under it.
test("the date filter reads years 0000–0099 as themselves, not as 1900–1999", () => {
  expect(new Date(dayStartMs("0050-06-01", "UTC")).toISOString()).toBe("0050-06-01T00:00:00.000Z");
  expect(new Date(dayStartMs("0099-12-31", "UTC", 1)).toISOString()).toBe("0100-01-01T00:00:00.000Z");
  // A zone ahead of UTC: the day starts the evening before, in the same year 50.
  expect(new Date(dayStartMs("0050-06-01", "Asia/Tokyo")).getUTCFullYear()).toBe(50);
  expect(new Date(dayStartMs("2026-10-25", "Europe/Berlin")).toISOString()).toBe("2026-10-24T22:00:00.000Z");
});
