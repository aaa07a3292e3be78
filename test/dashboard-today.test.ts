// The dashboard's "Today" (issue 14) against a seeded day in Berlin on 2026-10-25, the night the
// clocks go back (a 25-hour day): what goes out today, tomorrow and not the day after; a scheduled
// message; a send in progress; failures, held work, an unread reply and a cancellation; this
// week's revenue (Monday-start) and not last week's; and the live update when something changes.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import {
  appointmentChanges,
  appointments,
  communicationProfiles,
  customers,
  deliveries,
  engagements,
  inboundMessages,
  jobs,
  messages,
  notificationRuns,
  notifications,
  orders,
} from "../src/db/schema.ts";
import { createCustomer } from "../src/db/customers.ts";
import { updateSettings } from "../src/db/settings.ts";
import { RECENT_SENDS_EVERY } from "../src/routes/dashboard.ts";
import { todaySpans } from "../src/core/today.ts";
import { makeTestApp, signedInOwner, type TestApp } from "./support/app.ts";
import { pageText } from "./support/forms.ts";
import { until } from "./support/until.ts";

// Sunday 2026-10-25, 09:00 CET (the clocks went back from 03:00 CEST to 02:00 CET at 01:00 UTC).
const NOW = new Date("2026-10-25T08:00:00Z");
const at = (iso: string) => new Date(iso);
let keys = 0;

async function seededDay() {
  const t = await makeTestApp({ now: NOW });
  const b = await signedInOwner(t);
  await updateSettings(t.db, { timeZone: "Europe/Berlin", currency: "EUR", locale: "de" }, NOW);
  const [profile] = await t.db.select().from(communicationProfiles).limit(1);
  const [job] = await t.db.insert(jobs).values({ name: "Spring school", type: "school", year: 2026 }).returning();
  const [other] = await t.db.insert(jobs).values({ name: "Autumn league", type: "sports", year: 2026 }).returning();
  const [selling, archive, followup] = await t.db
    .insert(notifications)
    .values([
      { profileId: profile!.id, trigger: "job_selling", channel: "email", subject: "Selling reminder" },
      { profileId: profile!.id, trigger: "job_archiving", channel: "email", subject: "Last chance" },
      { profileId: profile!.id, trigger: "photos_available", channel: "sms", subject: "" },
    ])
    .returning();
  const people = await t.db
    .insert(customers)
    .values([1, 2, 3].map((i) => ({ firstName: `P${i}`, lastName: "X", email: `p${i}@x.test`, consentEmail: true })))
    .returning();
  const delivery = (v: Partial<typeof deliveries.$inferInsert> & { dueAt: Date }) =>
    t.db
      .insert(deliveries)
      .values({
        deliveryKey: `k${++keys}`,
        sourceType: "notification",
        channel: "email",
        customerId: people[0]!.id,
        ...v,
      })
      .returning()
      .then((r) => r[0]!);

  // Today: three selling e-mails at 10:00 CET and one at 23:30 CET (22:30 UTC: still today on a
  // 25-hour day, though 24 hours from midnight would have ended at 23:00 CET).
  for (let i = 0; i < 3; i++)
    await delivery({ notificationId: selling!.id, jobId: job!.id, dueAt: at("2026-10-25T09:00:00Z") });
  await delivery({ notificationId: selling!.id, jobId: job!.id, dueAt: at("2026-10-25T22:30:00Z") });
  // Tomorrow (Monday, 23:30 CET) and the day after (Tuesday 00:30 CET): only the first shows.
  await delivery({ notificationId: followup!.id, jobId: other!.id, channel: "sms", dueAt: at("2026-10-26T22:30:00Z") });
  await delivery({ notificationId: archive!.id, jobId: other!.id, dueAt: at("2026-10-26T23:30:00Z") });
  // A planned firing of "Last chance" tomorrow at 09:00 CET: its recipients are chosen when it fires.
  await t.db.insert(notificationRuns).values({
    notificationId: archive!.id,
    jobId: job!.id,
    dueAt: at("2026-10-26T08:00:00Z"),
    nextTryAt: at("2026-10-26T08:00:00Z"),
    status: "planned",
  });

  // A one-time message scheduled for 15:00 CET to everyone (three customers).
  const [scheduled] = await t.db
    .insert(messages)
    .values({
      name: "Halloween mini sessions",
      channels: ["email"],
      subject: "Mini sessions",
      body: "Book now",
      filters: {},
      status: "scheduled",
      sendAt: at("2026-10-25T14:00:00Z"),
    })
    .returning();
  // A message going out: three of four done.
  const [sending] = await t.db
    .insert(messages)
    .values({
      name: "Retake day",
      channels: ["email"],
      filters: {},
      status: "sending",
      sendAt: at("2026-10-25T07:00:00Z"),
    })
    .returning();
  for (const status of ["sent", "delivered", "sent", "queued"] as const)
    await delivery({
      sourceType: "message",
      messageId: sending!.id,
      status,
      dueAt: at("2026-10-25T07:00:00Z"),
      sentAt: status === "queued" ? null : at("2026-10-25T07:01:00Z"),
    });

  // Failures: two an hour ago (one reason), one 30 hours ago (not shown).
  for (let i = 0; i < 2; i++)
    await delivery({
      notificationId: selling!.id,
      jobId: job!.id,
      status: "failed",
      lastError: "The mailbox does not exist",
      dueAt: at("2026-10-25T06:00:00Z"),
      updatedAt: at("2026-10-25T07:00:00Z"),
    });
  await delivery({
    notificationId: selling!.id,
    jobId: job!.id,
    status: "failed",
    lastError: "Old trouble",
    dueAt: at("2026-10-24T01:00:00Z"),
    updatedAt: at("2026-10-24T02:00:00Z"),
  });
  // Held for review.
  await delivery({ notificationId: selling!.id, jobId: job!.id, status: "held", dueAt: at("2026-10-25T05:00:00Z") });

  // An unread reply, and a cancellation this morning.
  await t.db.insert(inboundMessages).values({
    channel: "sms",
    fromAddress: "+4915112345678",
    customerId: people[1]!.id,
    body: "Can we move it?",
    receivedAt: at("2026-10-25T07:30:00Z"),
  });
  const [appt] = await t.db
    .insert(appointments)
    .values({ customerId: people[2]!.id, startsAt: at("2026-10-27T09:00:00Z"), status: "cancelled" })
    .returning();
  await t.db.insert(appointmentChanges).values({
    appointmentId: appt!.id,
    fromStatus: "scheduled",
    toStatus: "cancelled",
    source: "link",
    createdAt: at("2026-10-25T07:45:00Z"),
  });

  // Revenue: a selling e-mail delivered on Monday led to an order this week (24,90 €); one sent
  // the week before led to an order on Sunday 18 October at 23:30 CEST, last week.
  const thisWeek = await delivery({
    notificationId: selling!.id,
    jobId: job!.id,
    status: "delivered",
    dueAt: at("2026-10-19T07:00:00Z"),
    sentAt: at("2026-10-19T07:00:00Z"),
  });
  const lastWeek = await delivery({
    notificationId: archive!.id,
    jobId: other!.id,
    status: "delivered",
    dueAt: at("2026-10-15T07:00:00Z"),
    sentAt: at("2026-10-15T07:00:00Z"),
  });
  await t.db.insert(orders).values([
    {
      jobId: job!.id,
      customerId: people[0]!.id,
      amountMinor: 2490,
      currency: "EUR",
      orderedAt: at("2026-10-20T10:00:00Z"),
      attributedDeliveryId: thisWeek.id,
    },
    {
      jobId: other!.id,
      customerId: people[0]!.id,
      amountMinor: 9900,
      currency: "EUR",
      orderedAt: at("2026-10-18T21:30:00Z"),
      attributedDeliveryId: lastWeek.id,
    },
  ]);
  return {
    t,
    b,
    profile: profile!,
    job: job!,
    other: other!,
    selling: selling!,
    archive: archive!,
    followup: followup!,
    scheduled: scheduled!,
    sending: sending!,
    people,
  };
}

test("a day with a clock change is 25 or 23 hours long, and the week starts on Monday in the studio's zone", () => {
  const autumn = todaySpans(NOW, "Europe/Berlin");
  expect([autumn.day, autumn.today.from.toISOString(), autumn.today.to.toISOString()]).toEqual([
    "2026-10-25",
    "2026-10-24T22:00:00.000Z",
    "2026-10-25T23:00:00.000Z",
  ]);
  expect(autumn.tomorrow.to.toISOString()).toBe("2026-10-26T23:00:00.000Z");
  // Sunday's week began on Monday 19 October, in summer time.
  expect([autumn.week.from.toISOString(), autumn.week.to.toISOString()]).toEqual([
    "2026-10-18T22:00:00.000Z",
    "2026-10-25T23:00:00.000Z",
  ]);
  const spring = todaySpans(new Date("2026-03-29T12:00:00Z"), "Europe/Berlin");
  expect((spring.today.to.getTime() - spring.today.from.getTime()) / 3_600_000).toBe(23);
  // Late on Sunday evening in Los Angeles it is already Monday in UTC: still Sunday's day and week.
  const la = todaySpans(new Date("2026-10-26T05:00:00Z"), "America/Los_Angeles");
  expect([la.day, la.week.from.toISOString()]).toEqual(["2026-10-25", "2026-10-19T07:00:00.000Z"]);
});

/** The text of one section of the card, by its aria-label. */
function section(html: string, label: string): string {
  const start = html.indexOf(`aria-label="${label}"`);
  if (start < 0) return "";
  const end = html.indexOf("</section>", start);
  // pageText spaces out each element; a link before a full stop reads as one sentence again.
  return pageText(html.slice(start, end)).replace(/ ([;.,:)])/g, "$1");
}

describe("the dashboard's Today on a 25-hour day in Berlin", () => {
  test("each list shows what belongs to it and nothing else", async () => {
    const s = await seededDay();
    const { text: html } = await s.b.get("/");
    const today = section(html, "Goes out today");
    const tomorrow = section(html, "Goes out tomorrow");
    expect(today).toContain("2026-10-25");
    // The four selling e-mails, grouped, from the first at 10:00 CET; and the scheduled message.
    // Named as the profile page names them, not by subject.
    expect(today).toContain(
      "E-mail · as soon as the job is set to selling · all customers · Spring school · 4 e-mails at 10:00 CET",
    );
    expect(today).toContain("Halloween mini sessions · one-time message to 3 recipients by e-mail at 15:00 CET");
    expect(today).not.toContain("archive date");
    expect(html).toContain(`href="/profiles/${s.profile.id}#notification-${s.selling.id}"`);
    expect(html).toContain(`href="/outbox?status=queued&amp;channel=email&amp;job=${s.job.id}"`);
    expect(html).toContain(`href="/messages/${s.scheduled.id}"`);
    // Tomorrow: the SMS at 23:30 and the planned firing at 09:00, earliest first; not Tuesday's e-mail.
    expect(tomorrow).toContain("2026-10-26");
    expect(tomorrow).toContain(
      "E-mail · on the archive date · all customers · Spring school · 1 planned firing (recipients chosen when it fires) at 09:00 CET",
    );
    expect(tomorrow).toContain(
      "SMS · as soon as a customer's photos are available · all customers · Autumn league · 1 text at 23:30 CET",
    );
    expect(tomorrow.indexOf("archive date")).toBeLessThan(tomorrow.indexOf("photos are available"));
    expect(tomorrow).not.toContain("1 e-mail");
    expect(today).not.toContain("Autumn league");

    const sending = section(html, "Sending now");
    expect(sending).toContain("Retake day");
    expect(sending).toContain("3 of 4 done");
    expect(html).toMatch(/<progress value="3" max="4">/);

    const attention = section(html, "Needs attention");
    expect(attention).toContain("2 deliveries failed in the last 24 hours");
    expect(attention).toContain("2 e-mails: The mailbox does not exist");
    expect(attention).not.toContain("Old trouble");
    expect(attention).toContain("1 delivery is held for review");
    expect(attention).toContain("1 unread reply in the inbox");
    expect(attention).toContain("1 appointment cancelled today");
    for (const href of ["/outbox?status=failed", "/help/not-reached", "/outbox?status=held", "/inbox", "/appointments"])
      expect(html).toContain(`href="${href}"`);

    const week = section(html, "This week");
    // Monday-start week in Berlin: the order of Tuesday 20th counts, Sunday 18th 23:30 CEST does not.
    expect(week).toContain("24,90 € from 1 order that followed a message since Monday 2026-10-19");
    expect(week).not.toContain("99,00");
    // Recent sends: the selling reminder on Spring school, with its rates of delivered and revenue.
    expect(week).toContain("Opened (est.)");
    expect(week).toMatch(/Retake day \d+ /);
    expect(week).toContain("E-mail · as soon as the job is set to selling · all customers · Spring school");
  });

  test("a reader who orders twice is one buyer: the Bought rate stays within 100 % and says how many orders", async () => {
    const s = await seededDay();
    const [first] = await s.t.db.select().from(orders).where(eq(orders.jobId, s.job.id));
    await s.t.db.insert(orders).values({ ...first!, id: undefined, amountMinor: 1000 });
    const week = section((await s.b.get("/")).text, "This week");
    // Sent, delivered, opened, clicked, bought (was "200 %": two orders of one delivered e-mail), revenue.
    expect(week.replace(/[\u00a0\u202f]/g, " ")).toContain(
      "E-mail · as soon as the job is set to selling · all customers · Spring school 1 100 % 0 % 0 % 100 % (1) · 2 orders 34,90 €",
    );
  });

  test("an empty day says what to do", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t);
    await t.db.insert(jobs).values({ name: "Spring school", type: "school", year: 2026 });
    const html = (await b.get("/")).text;
    expect(section(html, "Goes out today")).toContain(
      "Nothing goes out today. Automated notifications run from your profiles; schedule a message from Messages.",
    );
    expect(section(html, "Needs attention")).toContain("Nothing failed in the last 24 hours");
    expect(section(html, "This week")).toContain("Nothing has been sent this week yet");
  });
});

test("a busy day on 1,000 jobs lists its first lines and leads to the outbox for the rest", async () => {
  const t = await makeTestApp({ now: NOW });
  const b = await signedInOwner(t);
  await updateSettings(t.db, { timeZone: "Europe/Berlin" }, NOW);
  const [profile] = await t.db.select().from(communicationProfiles).limit(1);
  const [n] = await t.db
    .insert(notifications)
    .values({ profileId: profile!.id, trigger: "job_selling", channel: "email", subject: "Selling reminder" })
    .returning();
  const made = await t.db
    .insert(jobs)
    .values(Array.from({ length: 1000 }, (_, i) => ({ name: `Job ${i + 1}`, type: "school" as const, year: 2026 })))
    .returning({ id: jobs.id });
  const rows = made.flatMap((j) =>
    [0, 1, 2, 3, 4].map(() => ({
      deliveryKey: `busy${++keys}`,
      sourceType: "notification" as const,
      notificationId: n!.id,
      jobId: j.id,
      channel: "email" as const,
      dueAt: at("2026-10-25T15:00:00Z"),
    })),
  );
  for (let i = 0; i < rows.length; i += 500) await t.db.insert(deliveries).values(rows.slice(i, i + 500));
  const today = section((await b.get("/")).text, "Goes out today");
  expect(today.match(/set to selling · all customers · Job \d+ · 5 e-mails at 16:00 CET/g)).toHaveLength(20);
  expect(today).toContain("and 980 more notifications on other jobs: see the outbox");
});

describe("Today and the message page agree on a scheduled message's recipients", () => {
  test("(eyes walk) a scheduled e-mail to three customers, one without e-mail consent and one without an address, goes to 1 on both pages", async () => {
    const noon = new Date("2026-10-20T10:00:00Z");
    const t = await makeTestApp({ now: noon });
    const b = await signedInOwner(t);
    await updateSettings(t.db, { timeZone: "Europe/Berlin" }, noon);
    await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", consent: { email: true } }, "test", noon);
    await createCustomer(t.db, { first_name: "Ben", email: "ben@x.test", consent: {} }, "test", noon);
    await createCustomer(t.db, { first_name: "Cleo", phone: "+491701234567", consent: { email: true } }, "test", noon);
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Evening reminder",
        channels: ["email"],
        subject: "Hi",
        body: "Hello",
        filters: {},
        status: "scheduled",
        sendAt: new Date("2026-10-20T18:00:00Z"),
      })
      .returning();
    const messagePage = pageText((await b.get(`/messages/${m!.id}`)).text);
    const dashboard = pageText((await b.get("/")).text);
    const onMessage = messagePage.match(/goes to (\d+) recipient/)?.[1];
    const onDashboard = dashboard.match(/Evening reminder · one-time message to (\d+) recipient/)?.[1];
    // Seen in the walk (demo studio, Lincoln Elementary): the message page said "it goes to 73
    // recipients by e-mail", the dashboard "one-time message to 90 recipients" (the audience
    // before consent and addresses).
    expect(onMessage).toBeDefined();
    expect(onDashboard).toBe(onMessage);
  });
});

describe("Today names a notification the way its profile page does", () => {
  test("(eyes walk) this week's e-mail and SMS of one trigger are named alike, without raw {{placeholders}}", async () => {
    const now = new Date("2026-10-21T10:00:00Z");
    const t = await makeTestApp({ now });
    const b = await signedInOwner(t);
    await updateSettings(t.db, { timeZone: "Europe/Berlin", currency: "EUR" }, now);
    const [profile] = await t.db.select().from(communicationProfiles).limit(1);
    const [job] = await t.db.insert(jobs).values({ name: "Hillcrest High", type: "school", year: 2026 }).returning();
    const [mail, sms] = await t.db
      .insert(notifications)
      .values([
        {
          profileId: profile!.id,
          trigger: "job_selling",
          channel: "email",
          subject: "Ihre Fotos von {{job.name}} sind online",
        },
        { profileId: profile!.id, trigger: "job_selling", channel: "sms", subject: "" },
      ])
      .returning();
    const [c] = await t.db
      .insert(customers)
      .values({ firstName: "Emma", lastName: "H", email: "e@x.test", phone: "+491701234567" })
      .returning();
    let k = 0;
    for (const [n, channel] of [
      [mail!, "email"],
      [sms!, "sms"],
    ] as const)
      await t.db.insert(deliveries).values({
        deliveryKey: `w${++k}`,
        sourceType: "notification",
        notificationId: n.id,
        jobId: job!.id,
        customerId: c!.id,
        channel,
        status: "delivered",
        dueAt: now,
        sentAt: now,
        deliveredAt: now,
      });
    const week = pageText((await b.get("/")).text);
    const table = week.slice(week.indexOf("Sent this week"));
    // Seen in the walk: "Job set to selling · Hillcrest High" (the SMS) beside
    // "Ihre Fotos von {{job.name}} sind online · Hillcrest High" (the e-mail): one named by its
    // trigger, the other by its raw subject, so the owner cannot tell they are the same notification
    // pair, and reads {{job.name}} where the profile page says "E-mail · as soon as the job is set to selling".
    expect(table).not.toContain("{{");
    expect(table).toContain("E-mail · as soon as the job is set to selling · all customers · Hillcrest High");
    expect(table).toContain("SMS · as soon as the job is set to selling · all customers · Hillcrest High");
  });
});

describe("the live update", () => {
  async function readEvents(t: TestApp, b: Awaited<ReturnType<typeof signedInOwner>>, path: string) {
    const res = await b.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let got = "";
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        got += decoder.decode(value);
      }
    })();
    return { text: () => got, stop: () => reader.cancel().then(() => pump), t };
  }

  test("sends the card again when a send progresses and when a reply arrives, and not before", async () => {
    const s = await seededDay();
    const html = (await s.b.get("/")).text;
    const v = html.match(/data-sse-connect="\/today\/events\?v=([0-9a-f]+)"/)?.[1];
    expect(v).toBeDefined();
    const live = await readEvents(s.t, s.b, `/today/events?v=${v}`);
    await until("connected", () => live.text().includes(": connected"));
    // Nothing changed: keep-alives come, and no card.
    await until("a keep-alive", () => live.text().includes(": keep-alive"));
    expect(live.text()).not.toContain("data:");
    // The last delivery of "Retake day" goes out.
    await s.t.db.update(deliveries).set({ status: "sent", sentAt: NOW }).where(eq(deliveries.messageId, s.sending.id));
    await until("the card with 4 of 4", () => live.text().includes("4 of 4 done"));
    // A reply arrives.
    await s.t.db
      .insert(inboundMessages)
      .values({ channel: "sms", fromAddress: "+4915100000000", body: "Thanks!", receivedAt: NOW });
    await until("two unread replies", () => live.text().includes("2 unread replies"));
    await live.stop();
  });

  test("a tick with nothing changed does not re-read the recent sends' numbers; they catch up within a few ticks", async () => {
    const s = await seededDay();
    const stats = s.t.deps.health.todayLive;
    const html = (await s.b.get("/")).text;
    const v = html.match(/data-sse-connect="\/today\/events\?v=([0-9a-f]+)"/)?.[1];
    const live = await readEvents(s.t, s.b, `/today/events?v=${v}`);
    await until("four ticks", () => stats.ticks >= 4);
    // Four ticks, nothing changed: the recent sends (a performanceOf per send) were read once, not four times.
    expect(stats.recentSendsRead).toBe(1);
    expect(live.text()).not.toContain("data:");
    // A person clicks the selling reminder: its Clicked rate (and Opened: a followed link is an open) shows once the recent sends are read again.
    const [sold] = await s.t.db.select().from(orders).where(eq(orders.jobId, s.job.id));
    await s.t.db.insert(engagements).values({
      deliveryId: sold!.attributedDeliveryId!,
      customerId: s.people[0]!.id,
      type: "click",
      source: "link",
      kind: "person",
      occurredAt: NOW,
    });
    const row = () =>
      live
        .text()
        .replace(/<[^>]+>/g, " ")
        .replace(/[\s\u00a0\u202f]+/g, " ");
    await until("the clicked rate", () =>
      row().includes(
        "E-mail · as soon as the job is set to selling · all customers · Spring school 1 100 % 100 % 100 %",
      ),
    );
    expect(stats.recentSendsRead).toBe(2);
    expect(stats.ticks).toBeGreaterThanOrEqual(RECENT_SENDS_EVERY);
    await live.stop();
  });

  test("a bad version is not trusted: the stream starts from what it reads now", async () => {
    const s = await seededDay();
    const live = await readEvents(s.t, s.b, `/today/events?v=${"x".repeat(500)}`);
    await until("a keep-alive", () => live.text().includes(": keep-alive"));
    expect(live.text()).not.toContain("data:");
    await live.stop();
  });

  test("needs a signed-in session", async () => {
    const t = await makeTestApp({ now: NOW });
    await signedInOwner(t);
    const res = await t.browser().request("/today/events");
    expect(res.status).toBe(303);
  });
});
