// One-time messages through the API (SPEC I3, O5, O7): created as a draft, armed by the
// explicit send, started by the scheduler, reported with totals by status and skip reason.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { runOneTimeMessages } from "../../src/automation/one-time.ts";
import { createAppointment, createCustomer, createOrder, upsertRegistration } from "../../src/db/customers.ts";
import { databaseDevOutboxStore } from "../../src/db/dev-outbox-store.ts";
import { createAlbum, createJob } from "../../src/db/jobs.ts";
import { deliveries, devOutbox, messages } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { createDispatcher } from "../../src/dispatch/dispatcher.ts";
import { createDevProviders } from "../../src/providers/dev-outbox.ts";
import { makeApiApp } from "./support.ts";

const now = new Date("2026-09-01T17:00:00Z");

async function setup() {
  const t = await makeApiApp({ now });
  const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "api", now);
  const people = [
    ["Anna", "anna@x.test", true],
    ["Ben", "ben@x.test", true],
    ["Cleo", null, true],
    ["Dan", "dan@x.test", false],
  ] as const;
  const ids: number[] = [];
  for (const [first, email, consent] of people) {
    const c = await createCustomer(t.db, { first_name: first, email, consent: { email: consent } }, "test", now);
    await upsertRegistration(t.db, { jobId: job.id, customerId: c.id, registeredAt: now }, "api", now);
    ids.push(c.id);
  }
  await createOrder(
    t.db,
    { jobId: job.id, customerId: ids[1]!, amountMinor: 1000, currency: "USD", orderedAt: now },
    "api",
    now,
  );
  return { t, job, ids };
}

describe("/api/v1/messages", () => {
  test("a draft sends nothing; the send step arms it; the report explains who was not reached", async () => {
    const { t, job } = await setup();
    const created = await t.post("/messages", {
      name: "Last call",
      channels: ["email"],
      subject: "Last call, {{customer.first_name}}",
      body: "Order now.",
      filters: { job_ids: [job.id], audience: "potential_buyers" },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe("draft");
    await runOneTimeMessages(t.deps, now);
    expect(await t.db.select().from(deliveries)).toHaveLength(0);

    const armed = await t.post(`/messages/${created.body.id}/send`, {});
    expect(armed.status).toBe(200);
    expect(armed.body.status).toBe("scheduled");
    expect((await t.post(`/messages/${created.body.id}/send`, {})).status).toBe(409);

    await runOneTimeMessages(t.deps, now);
    await createDispatcher(t.deps, createDevProviders(databaseDevOutboxStore(t.db), { clock: t.deps.clock }), {
      owner: "w",
    }).tick();
    await runOneTimeMessages(t.deps, now);
    const report = await t.get(`/messages/${created.body.id}`);
    expect(report.body.status).toBe("sent");
    expect(report.body.totals.by_status).toEqual({ sent: 1, skipped: 2 });
    expect(report.body.totals.by_skip_reason).toEqual({ no_address: 1, no_consent: 1 });

    const list = await t.get(`/deliveries?message_id=${created.body.id}&status=skipped`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((d: { skip_reason: string }) => d.skip_reason).sort()).toEqual([
      "no_address",
      "no_consent",
    ]);
  });

  test("a message about several jobs tells each recipient about their own job and album", async () => {
    const { t, job } = await setup();
    const river = await createJob(t.db, { name: "River FC", type: "sports" }, {}, "api", now);
    const album = await createAlbum(t.db, river.id, "Under 12");
    const gus = await createCustomer(
      t.db,
      { first_name: "Gus", email: "gus@x.test", consent: { email: true } },
      "test",
      now,
    );
    await upsertRegistration(
      t.db,
      { jobId: river.id, customerId: gus.id, albumId: album.id, registeredAt: now },
      "api",
      now,
    );
    const created = await t.post("/messages", {
      name: "Both jobs",
      channels: ["email"],
      subject: "{{customer.first_name}}: photos of {{job.name}}",
      body: 'Album: {{album.name | "your class"}}',
      filters: { job_ids: [job.id, river.id], audience: "potential_buyers" },
    });
    expect((await t.post(`/messages/${created.body.id}/send`, {})).status).toBe(200);
    await runOneTimeMessages(t.deps, now);
    await createDispatcher(t.deps, createDevProviders(databaseDevOutboxStore(t.db), { clock: t.deps.clock }), {
      owner: "w",
    }).tick();
    const sent = await t.db
      .select({ to: devOutbox.toAddress, subject: devOutbox.subject, body: devOutbox.body })
      .from(devOutbox)
      .orderBy(devOutbox.toAddress);
    expect(sent.map((m) => [m.to, m.subject, m.body.match(/Album: [^\n]*/)?.[0]])).toEqual([
      ["anna@x.test", "Anna: photos of Lincoln", "Album: your class"],
      ["gus@x.test", "Gus: photos of River FC", "Album: Under 12"],
    ]);
  });

  test("bad bodies are answered with field paths; a past send time and an empty audience are refused", async () => {
    const { t, job } = await setup();
    const bad = await t.post("/messages", {
      name: "",
      channels: ["fax"],
      subject: "",
      body: "Hi {{customer.frist_name}}",
      filters: { years: ["twenty"] },
    });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(
      expect.arrayContaining(["name", "channels.0", "filters.years.0"]),
    );
    const typo = await t.post("/messages", {
      name: "x",
      channels: ["email"],
      subject: "Hi",
      body: "Hi {{customer.frist_name}}",
    });
    expect(typo.body.error.fields.body).toContain("Unknown placeholder {{customer.frist_name}}");
    const past = await t.post("/messages", {
      name: "x",
      channels: ["email"],
      subject: "Hi",
      body: "Hi",
      send_at: "2026-08-01T09:00:00Z",
    });
    expect(past.body.error.fields.send_at).toBe("is in the past");
    const nobody = await t.post("/messages", {
      name: "x",
      channels: ["email"],
      subject: "Hi",
      body: "Hi",
      filters: { job_ids: [job.id + 999] },
    });
    const refused = await t.post(`/messages/${nobody.body.id}/send`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe("Nobody would receive this message with these filters.");
    expect((await t.get("/messages/99999")).status).toBe(404);
    expect((await t.get("/deliveries?status=lost")).body.error.fields.status).toContain("must be one of");
    // Twilio refuses SMS over 1,600 characters, counted as sent (opt-out line included); a subject is one header line.
    const long = await t.post("/messages", { name: "x", channels: ["sms"], sms_body: "a".repeat(2_000) });
    expect(long.status).toBe(422);
    expect(long.body.error.fields.sms_body).toBe(
      "An SMS can hold at most 1,600 characters (Twilio's limit); with the opt-out line Pigeon adds, this text has 2,023 characters",
    );
    const twoLines = await t.post("/messages", {
      name: "x",
      channels: ["email"],
      subject: "Hi\r\nBcc: x@y.z",
      body: "Hi",
    });
    expect(twoLines.status).toBe(422);
    expect(twoLines.body.error.fields.subject).toBe("must be one line");
    expect(await t.db.select().from(messages).where(eq(messages.name, "x"))).toHaveLength(1);
  });

  test("what GET answers can be POSTed back unchanged: an SMS-only message keeps its e-mail body unsent (eyes2 review)", async () => {
    const { t } = await setup();
    const made = await t.post("/messages", {
      external_id: "rt-1",
      name: "Round trip",
      channels: ["email", "sms"],
      subject: "Hi",
      body: "Hello",
      sms_body: "Hello by SMS",
    });
    expect(made.status).toBe(201);
    // An integration drops the e-mail: accepted, and the e-mail body is kept (not sent).
    const smsOnly = await t.post("/messages", { external_id: "rt-1", channels: ["sms"] });
    expect(smsOnly.status).toBe(200);
    const got = await t.get(`/messages/${made.body.id}`);
    expect(got.body.body).toBe("Hello");
    const echo = await t.post("/messages", got.body);
    expect([echo.status, echo.body?.error?.fields]).toEqual([200, undefined]);
    // A changed e-mail body on a message without e-mail is still refused: it would never be sent.
    const changed = await t.post("/messages", { ...got.body, body: "Hello again" });
    expect(changed.status).toBe(422);
    expect(changed.body.error.fields.body).toBe(
      "is the e-mail's text and this message sends no e-mail; give sms_body for the SMS",
    );
    const [row] = await t.db.select().from(messages).where(eq(messages.id, made.body.id));
    expect(row!.body).toBe("Hello");
  });

  test("each channel its own text: sms_body, voice_script and preheader in and out; an SMS without sms_body is refused", async () => {
    const { t, job } = await setup();
    // Before issue 12 an SMS went with `body`: now `body` is the e-mail's, and the SMS needs its own.
    const old = await t.post("/messages", { name: "Old", channels: ["sms"], body: "Photos are online" });
    expect(old.status).toBe(422);
    expect(old.body.error.fields).toEqual({
      sms_body: "Write the SMS text",
      body: "is the e-mail's text and this message sends no e-mail; give sms_body for the SMS",
    });
    const bad = await t.post("/messages", {
      name: "Bad",
      channels: ["email", "sms", "voice"],
      subject: "Hi",
      preheader: "two\nlines",
      body: "Hello",
      sms_body: "Hi {{customer.frist_name}}",
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.preheader).toBe("must be one line");
    expect(bad.body.error.fields.sms_body).toContain("Unknown placeholder {{customer.frist_name}}");
    expect(bad.body.error.fields.voice_script).toBe("Write what the call says, or upload a recording");
    expect(await t.db.select().from(messages)).toHaveLength(0);

    const made = await t.post("/messages", {
      name: "All three",
      channels: ["email", "sms", "voice"],
      subject: "Photos of {{job.name}}",
      preheader: "20% off until Friday",
      body: "**Your photos** are [online](https://shop.example/g)",
      sms_body: "Your photos of {{job.name}}: https://shop.example/g",
      voice_script: "Your photos are online.",
      filters: { job_ids: [job.id] },
    });
    expect(made.status).toBe(201);
    const read = await t.get(`/messages/${made.body.id}`);
    expect(read.body).toMatchObject({
      subject: "Photos of {{job.name}}",
      preheader: "20% off until Friday",
      body: "**Your photos** are [online](https://shop.example/g)",
      sms_body: "Your photos of {{job.name}}: https://shop.example/g",
      voice_script: "Your photos are online.",
    });
  });

  test("a value empty for every recipient is refused under its field, at create and again at send", async () => {
    const { t, job } = await setup();
    const noJob = await t.post("/messages", {
      name: "Coupon",
      channels: ["sms"],
      sms_body: "Your coupon for {{job.name}} ends soon",
    });
    expect(noJob.status).toBe(422);
    expect(noJob.body.error.fields.sms_body).toBe(
      '{{job.name}} has no value: this message is not about a job. Choose a job under Recipients, or give it a fallback like {{job.name | "…"}}',
    );
    const phone = await t.post("/messages", {
      name: "Call us",
      channels: ["email"],
      subject: "Call {{studio.phone}}",
      body: "Hi",
      filters: { job_ids: [job.id] },
    });
    expect(phone.status).toBe(422);
    expect(phone.body.error.fields.subject).toStartWith(
      "{{studio.phone}} is empty: set the studio's phone in Settings",
    );
    const typed = await t.post("/messages", {
      name: "One",
      channels: ["email"],
      subject: "Hi {{customer.first_name}}",
      body: "Hi",
      to_address: "x@example.com",
    });
    expect(typed.body.error.fields.subject).toStartWith(
      "{{customer.first_name}} has no value: this message goes to a typed-in address, not a customer.",
    );
    expect(await t.db.select().from(messages)).toHaveLength(0);
    // Written while the studio had a phone; refused at send once it is gone, and left a draft.
    await updateSettings(t.db, { phone: "+1 217 555 0142" }, now);
    const ok = await t.post("/messages", {
      name: "Call us",
      channels: ["email"],
      subject: "Call {{studio.phone}}",
      body: "Hi",
      filters: { job_ids: [job.id] },
    });
    expect(ok.status).toBe(201);
    await updateSettings(t.db, { phone: "" }, now);
    const send = await t.post(`/messages/${ok.body.id}/send`, {});
    expect(send.status).toBe(422);
    expect(send.body.error.fields.subject).toStartWith("{{studio.phone}} is empty");
    expect((await t.get(`/messages/${ok.body.id}`)).body.status).toBe("draft");
  });

  test("a message to appointments reports a delivery per appointment, each with its own key", async () => {
    const { t, ids } = await setup();
    const a1 = await createAppointment(
      t.db,
      { customerId: ids[0]!, startsAt: new Date("2026-09-14T15:00:00Z"), location: "Studio A" },
      "api",
      now,
    );
    const a2 = await createAppointment(
      t.db,
      { customerId: ids[0]!, startsAt: new Date("2026-09-15T15:00:00Z"), location: "Studio B" },
      "api",
      now,
    );
    const created = await t.post("/messages", {
      name: "Where",
      channels: ["email"],
      subject: "{{appointment.location}}",
      body: "See you {{appointment.date}}",
      filters: { appointment_ids: [a1.id, a2.id] },
    });
    expect(created.status).toBe(201);
    expect((await t.post(`/messages/${created.body.id}/send`, {})).status).toBe(200);
    await runOneTimeMessages(t.deps, now);
    await createDispatcher(t.deps, createDevProviders(databaseDevOutboxStore(t.db), { clock: t.deps.clock }), {
      owner: "w",
    }).tick();
    expect((await t.db.select({ subject: devOutbox.subject }).from(devOutbox)).map((m) => m.subject).sort()).toEqual([
      "Studio A",
      "Studio B",
    ]);
    expect((await t.get(`/messages/${created.body.id}`)).body.totals.by_status).toEqual({ sent: 2 });
    const listed = await t.get(`/deliveries?message_id=${created.body.id}`);
    expect(listed.body.data.map((d: { appointment_id: number }) => d.appointment_id).sort()).toEqual(
      [a1.id, a2.id].sort(),
    );
  });
});

// Outside review of issue 12 item 1: each test below failed before its fix.
describe("the API and a text for a channel the message does not use", () => {
  test("an SMS-only draft updated by external_id with `body` (as before issue 12) is refused, naming sms_body", async () => {
    const t = await makeApiApp();
    const first = await t.post("/messages", {
      external_id: "crm-42",
      name: "Reminder",
      channels: ["sms"],
      sms_body: "Picture day is Monday",
      filters: {},
    });
    expect(first.status).toBe(201);
    const again = await t.post("/messages", { external_id: "crm-42", body: "Picture day moved to Tuesday" });
    expect(again.status).toBe(422);
    expect(again.body.error.fields.body).toContain("give sms_body for the SMS");
    const fixed = await t.post("/messages", { external_id: "crm-42", sms_body: "Picture day moved to Tuesday" });
    expect([fixed.status, fixed.body.sms_body]).toEqual([200, "Picture day moved to Tuesday"]);
  });

  test("sms_body on a message without SMS, and an unknown key, are refused by name", async () => {
    const t = await makeApiApp();
    const res = await t.post("/messages", {
      name: "News",
      channels: ["email"],
      subject: "News",
      body: "Hello",
      sms_body: "Hello",
      smsBody: "Hello",
      filters: {},
    });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(["smsBody", "sms_body"]);
    expect(await t.db.select().from(messages)).toHaveLength(0);
  });
});
