// The send path's promises under trouble (issue 9): a replay is the same message, a lease holds
// through a slow provider call, one delivery that cannot be composed fails alone, and the
// attempt limit always holds. The real Resend and Twilio SDKs talk to the local fakes.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { createJob } from "../src/db/jobs.ts";
import { cancelMessage, pauseMessage } from "../src/db/messages.ts";
import { releaseHeld } from "../src/db/held-deliveries.ts";
import { deliveries, deliveryEvents, messages, suppressions } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { later, noon, sendStudio } from "./support/send-studio.ts";

const { resend, twilio, webhookSecret, studio, message, smsOrCall, stop } = sendStudio();
afterAll(stop);

let sentBefore = { email: 0, sms: 0 };
beforeEach(() => {
  sentBefore = { email: resend.sent.length, sms: twilio.sent.length };
  resend.latencyMs = 0;
  twilio.latencyMs = 0;
  twilio.sendLatencyMs = 0;
});
const emailsSent = () => resend.sent.slice(sentBefore.email);
const smsSent = () => twilio.sent.slice(sentBefore.sms);

const statuses = async (t: Awaited<ReturnType<typeof studio>>["t"]) =>
  (await t.db.select().from(deliveries).orderBy(deliveries.id)).map((d) => d.status);

describe("a replay is the same message (defect 6)", () => {
  test("after an unknown outcome the batch goes again exactly as recorded, though staff edited the text meanwhile", async () => {
    const { t, people, dispatcher } = await studio();
    const m = await message(t, people.slice(0, 3), "email", "Old text for {{customer.first_name}}");
    resend.failNext(1, { status: 500, afterAccept: true });
    expect((await dispatcher().tick()).retried).toBe(3);
    expect(emailsSent()).toHaveLength(3);
    await t.db
      .update(messages)
      .set({ body: "New text", updatedAt: later(1000) })
      .where(eq(messages.id, m.id));
    t.setNow(later(60_000));
    expect((await dispatcher("w2").tick()).sent).toBe(3);
    // Resend replayed its first answer: nobody got a second e-mail, and nobody the new text.
    expect(emailsSent()).toHaveLength(3);
    expect(emailsSent().every((e) => e.text?.includes("Old text for"))).toBe(true);
    expect(await statuses(t)).toEqual(["sent", "sent", "sent"]);
  });

  test("a batch whose members' message was deleted meanwhile is replayed whole: no one gets it twice", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 2), "email", "From the first message");
    const gone = await message(t, people.slice(2, 4), "email", "From the second message");
    resend.failNext(1, { status: 503, afterAccept: true });
    await dispatcher().tick();
    expect(emailsSent()).toHaveLength(4);
    await t.db.delete(messages).where(eq(messages.id, gone.id));
    t.setNow(later(60_000));
    await dispatcher("w2").tick();
    expect(emailsSent()).toHaveLength(4);
    expect(await statuses(t)).toEqual(["sent", "sent", "sent", "sent"]);
  });

  test("an unknown outcome older than Resend's 24-hour key window is held for review, not sent again", async () => {
    const { t, people, dispatcher } = await studio();
    // No outage hold: this is about the key window alone.
    await updateSettings(t.db, { overdueHoldMinutes: 0 }, noon);
    await message(t, people.slice(0, 1), "email", "Hello");
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    expect(emailsSent()).toHaveLength(1);
    resend.forgetIdempotencyKeys();
    t.setNow(later(25 * 3600_000));
    const r = await dispatcher("w2").tick();
    expect([r.sent, r.held]).toEqual([0, 1]);
    expect(emailsSent()).toHaveLength(1);
    const [d] = await t.db.select().from(deliveries);
    expect(d!.status).toBe("held");
    expect(d!.waitingReason).toContain("Resend keeps its duplicate guard only 24 hours");
  });

  test("Resend refusing a replay as different from the first request counts as sent, not confirmed", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "email", "Hello");
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    resend.failNext(1, {
      status: 409,
      name: "invalid_idempotent_request",
      message: "Same idempotency key used with a different request payload.",
    });
    t.setNow(later(60_000));
    expect((await dispatcher("w2").tick()).sent).toBe(1);
    const [d] = await t.db.select().from(deliveries);
    expect(d!.status).toBe("sent");
    expect(d!.lastError).toContain("counted as sent, not confirmed");
    const events = await t.db.select().from(deliveryEvents).where(eq(deliveryEvents.deliveryId, d!.id));
    expect(events.map((e) => e.type)).toContain("sent_unconfirmed");
    expect(emailsSent()).toHaveLength(1);
  });
});

test("two installs on one Resend account each get their e-mail: idempotency keys carry the install's id", async () => {
  // Delivery keys repeat from one database to the next: message 1 to customer 1 in both.
  for (const install of ["production", "staging"]) {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "email", `From ${install}`);
    expect((await dispatcher().tick()).sent).toBe(1);
  }
  expect(emailsSent().map((e) => e.text?.match(/From \w+/)?.[0])).toEqual(["From production", "From staging"]);
});

describe("a replay leaves out who must not get it now, under the same key", () => {
  test("refused before Resend took it, then one member's message was cancelled: the replay goes to the others only", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "email", "From the first message");
    const second = await message(t, people.slice(1, 2), "email", "From the second message");
    resend.failNext(1, { status: 503 });
    expect((await dispatcher().tick()).retried).toBe(2);
    expect(emailsSent()).toHaveLength(0);
    expect(await cancelMessage(t.db, second.id, noon)).toBe(true);
    t.setNow(later(60_000));
    await dispatcher("w2").tick();
    expect(emailsSent().map((e) => e.to[0])).toEqual([people[0]!.email!]);
    const rows = await t.db.select().from(deliveries).orderBy(deliveries.id);
    expect(rows.map((d) => [d.status, d.skipReason])).toEqual([
      ["sent", null],
      ["skipped", "cancelled"],
    ]);
  });

  test("refused before Resend took it, then one member unsubscribed: the replay leaves them out", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 2), "email", "Autumn offers");
    resend.failNext(1, { status: 503 });
    await dispatcher().tick();
    await t.db.insert(suppressions).values({
      channel: "email",
      address: people[1]!.email!,
      reason: "unsubscribed",
      source: "link",
      customerId: people[1]!.id,
    });
    t.setNow(later(60_000));
    await dispatcher("w2").tick();
    expect(emailsSent().map((e) => e.to[0])).toEqual([people[0]!.email!]);
    expect((await t.db.select().from(deliveries).orderBy(deliveries.id)).map((d) => [d.status, d.skipReason])).toEqual([
      ["sent", null],
      ["skipped", "unsubscribed"],
    ]);
  });

  test("taken by Resend, then one member's message was cancelled: Resend refuses the smaller replay, the first request asked again shows both got it", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "email", "From the first message");
    const second = await message(t, people.slice(1, 2), "email", "From the second message");
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    expect(emailsSent()).toHaveLength(2);
    await cancelMessage(t.db, second.id, noon);
    t.setNow(later(60_000));
    await dispatcher("w2").tick();
    expect(emailsSent()).toHaveLength(2);
    // The report tells the truth: the cancelled one had gone out before the cancel, and Resend's
    // answer to the first request, asked again, names both e-mails.
    const rows = await t.db.select().from(deliveries).orderBy(deliveries.id);
    expect(rows.map((d) => d.status)).toEqual(["sent", "sent"]);
    expect(rows.map((d) => d.providerMessageId)).toEqual(emailsSent().map((e) => e.id));
  });

  test("a held SMS whose last attempt went out is looked up at Twilio when released, not sent again", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "sms", "Hello there");
    twilio.failNext(1, { status: 502, afterAccept: true });
    await dispatcher().tick();
    expect(smsSent()).toHaveLength(1);
    // The dispatcher was down for hours: the retry is held for review after the outage.
    t.setNow(later(3 * 3600_000));
    await dispatcher("w2").tick();
    const [held] = await t.db.select().from(deliveries);
    expect(held!.status).toBe("held");
    await releaseHeld(t.db, { ids: [held!.id] }, { name: "Olivia", userId: null }, later(3 * 3600_000), {
      batchSize: 100,
      intervalSeconds: 60,
    });
    await dispatcher("w2").tick();
    const [row] = await t.db.select().from(deliveries);
    expect([row!.status, row!.providerMessageId]).toEqual(["sent", smsSent()[0]!.sid]);
    expect(smsSent()).toHaveLength(1);
  });
});

describe("reports about a send whose outcome is still unknown", () => {
  test("Twilio's undelivered report for an SMS whose answer was lost is kept, and applied when the SMS is found: the customer is called", async () => {
    const { t, people, dispatcher } = await studio();
    await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, noon);
    const anna = people[0]!;
    await smsOrCall(t, anna);
    twilio.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    const callback = twilio.setStatus(smsSent()[0]!.sid, "undelivered", { errorCode: 30006 })!;
    expect(
      (await t.app.request(callback.url, { method: "POST", body: callback.body, headers: callback.headers })).status,
    ).toBe(204);
    t.setNow(later(61_000));
    await dispatcher("w2").tick();
    const rows = await t.db.select().from(deliveries).orderBy(deliveries.channel);
    expect(rows.map((d) => [d.channel, d.status])).toEqual([
      ["sms", "undelivered"],
      ["voice", "sent"],
    ]);
    expect(smsSent()).toHaveLength(1);
    expect(twilio.calls.filter((c) => c.to === anna.phone)).toHaveLength(1);
  });

  test("Resend's bounce for an e-mail whose answer was lost suppresses the address at once and bounces the delivery when replayed", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "email", "Hello");
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    const bounce = resend.emailEvent("email.bounced", emailsSent()[0]!.id, {
      bounce: { type: "Permanent", subType: "General", message: "550 no such user" },
    });
    const signed = resend.signWebhook(webhookSecret, bounce);
    const res = await t.app.request("/webhooks/resend", { method: "POST", body: signed.body, headers: signed.headers });
    expect(await res.json()).toEqual({ ok: true });
    expect((await t.db.select().from(suppressions)).map((s) => [s.address, s.reason])).toEqual([
      [people[0]!.email!, "bounced"],
    ]);
    t.setNow(later(60_000));
    await dispatcher("w2").tick();
    const [d] = await t.db.select().from(deliveries);
    expect([d!.status, d!.providerMessageId]).toEqual(["bounced", emailsSent()[0]!.id]);
    expect(emailsSent()).toHaveLength(1);
  });

  test("a call whose attempt failed is not taken for another delivery's call to the same number", async () => {
    const { t, people, dispatcher } = await studio();
    await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, noon);
    const anna = people[0]!;
    const first = await message(t, [anna], "sms", "x");
    await t.db
      .update(messages)
      .set({ channels: ["voice"], voiceScript: "First call" })
      .where(eq(messages.id, first.id));
    await t.db.update(deliveries).set({ channel: "voice", deliveryKey: "first-call" });
    twilio.failNext(1, { status: 503 });
    await dispatcher().tick();
    // Another message calls Anna meanwhile, and that call is placed.
    const second = await message(t, [anna], "sms", "x");
    await t.db
      .update(messages)
      .set({ channels: ["voice"], voiceScript: "Second call" })
      .where(eq(messages.id, second.id));
    await t.db.update(deliveries).set({ channel: "voice" }).where(eq(deliveries.messageId, second.id));
    await dispatcher().tick();
    expect(twilio.calls.filter((c) => c.to === anna.phone)).toHaveLength(1);
    t.setNow(later(61_000));
    await dispatcher("w2").tick();
    const rows = await t.db.select().from(deliveries).orderBy(deliveries.id);
    expect(rows.map((d) => d.status)).toEqual(["sent", "sent"]);
    expect(new Set(rows.map((d) => d.providerMessageId)).size).toBe(2);
    expect(twilio.calls.filter((c) => c.to === anna.phone)).toHaveLength(2);
  });

  test("an SMS Twilio cannot be asked about is held for review with the reason, not retried for ever", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "sms", "Hello there");
    twilio.failNext(1, { status: 500 });
    await dispatcher().tick();
    // Twilio answers the question "did it go?" with a refusal.
    twilio.failNext(1, { status: 403, code: 20003, message: "Permission denied" });
    t.setNow(later(61_000));
    await dispatcher("w2").tick();
    const [d] = await t.db.select().from(deliveries);
    expect(d!.status).toBe("held");
    expect(d!.waitingReason).toContain("could not check with Twilio whether an earlier attempt went out");
    expect(smsSent()).toHaveLength(0);
  });
});

describe("leases hold through a slow provider call (defect 7)", () => {
  test("a second worker does not send an SMS whose first worker is still waiting on Twilio", async () => {
    const { t, people } = await studio();
    // Real time here, as in the reported duplicate: a short lease and a slow provider.
    let skew = 0;
    const deps = { ...t.deps, clock: () => new Date(Date.now() + skew) };
    await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, noon);
    await message(t, people.slice(0, 1), "sms", "Your photos are ready");
    await t.db.update(deliveries).set({ dueAt: new Date(0) });
    twilio.sendLatencyMs = 1_500;
    const a = createDispatcher(deps, t.deps.providers, { owner: "A", leaseMs: 300 });
    const b = createDispatcher(deps, t.deps.providers, { owner: "B", leaseMs: 300 });
    let aDone = false;
    const first = a.tick().then(() => (aDone = true));
    // B keeps trying while A's request is in flight, well past A's 300 ms lease.
    while (!aDone) {
      await b.tick();
      await Bun.sleep(50);
    }
    await first;
    expect(smsSent()).toHaveLength(1);
    // However the race went, a minute on (past the provider's timeout) the delivery is sent, once.
    skew = 60_000;
    twilio.sendLatencyMs = 0;
    await b.tick();
    const [d] = await t.db.select().from(deliveries);
    expect(d!.status).toBe("sent");
    expect(d!.providerMessageId).toBe(smsSent()[0]!.sid);
    expect(smsSent()).toHaveLength(1);
  });
});

describe("one bad delivery fails alone (defect 4)", () => {
  test("a message whose template cannot be compiled fails its deliveries with the reason; the rest of the batch goes", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 2), "email", "Fine, {{customer.first_name}}");
    const broken = await message(t, people.slice(2, 4), "email", "Fine too");
    // A body broken outside the editors (which refuse it): an old row, a manual fix gone wrong.
    await t.db.run(sql`update messages set body = 'Hello {{customer.first_name' where id = ${broken.id}`);
    const r = await dispatcher().tick();
    expect([r.sent, r.failed]).toEqual([2, 2]);
    const rows = await t.db.select().from(deliveries).orderBy(deliveries.id);
    expect(rows.map((d) => d.status)).toEqual(["sent", "sent", "failed", "failed"]);
    expect(rows[2]!.lastError).toContain("could not be composed: Unclosed {{");
    expect(emailsSent()).toHaveLength(2);
  });

  test("a customer whose stored locale the runtime cannot use still gets the e-mail, and its view-in-browser page opens", async () => {
    const { t, people, dispatcher } = await studio();
    const job = await createJob(t.db, { name: "Lincoln", type: "school", shoot_date: "2026-09-14" }, {}, "ui", noon);
    await t.db.run(sql`update customers set locale = 'en-abc' where id = ${people[0]!.id}`);
    const m = await message(
      t,
      people.slice(0, 2),
      "email",
      "Picture day is {{job.shoot_date}}. [View]({{links.view_in_browser_link}})",
    );
    await t.db.update(messages).set({ jobId: job.id }).where(eq(messages.id, m.id));
    await t.db.update(deliveries).set({ jobId: job.id });
    expect((await dispatcher().tick()).sent).toBe(2);
    const anna = emailsSent().find((e) => e.to[0] === people[0]!.email)!;
    expect(anna.text).toContain("Picture day is Monday, September 14, 2026.");
    const view = anna.text!.match(/https:\/\/pigeon\.test(\/v\/[\w.-]+)/)![1]!;
    const page = await t.app.request(view);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Picture day is Monday, September 14, 2026.");
  });
});

describe("SMS, and a call only where it cannot go (defect 1)", () => {
  test("an SMS Twilio reports undelivered after all gets its customer the call it stood for", async () => {
    const { t, people, dispatcher } = await studio();
    await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, noon);
    const anna = people[0]!;
    await smsOrCall(t, anna);
    await dispatcher().tick();
    const call = async () => (await t.db.select().from(deliveries).where(eq(deliveries.channel, "voice")))[0]!;
    expect([(await call()).status, (await call()).skipReason]).toEqual(["skipped", "sms_sent_instead"]);
    // The carrier could not deliver it (30006: landline or unreachable carrier).
    const callback = twilio.setStatus(smsSent()[0]!.sid, "undelivered", { errorCode: 30006 })!;
    const res = await t.app.request(callback.url, { method: "POST", body: callback.body, headers: callback.headers });
    expect(res.status).toBe(204);
    expect([(await call()).status, (await call()).skipReason]).toEqual(["queued", null]);
    expect((await dispatcher().tick()).sent).toBe(1);
    expect(twilio.calls.filter((c) => c.to === anna.phone)).toHaveLength(1);
  });
});

describe("a paused or cancelled message stops, whatever is in flight", () => {
  /** An SMS-and-call-where-it-cannot pair for Anna, and its message. */
  async function pair(
    t: Awaited<ReturnType<typeof studio>>["t"],
    anna: { id: number; email: string | null; phone: string | null },
  ) {
    await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, noon);
    return smsOrCall(t, anna);
  }

  test("paused while its SMS is in flight: the SMS fails, and the call it releases waits with the message instead of going", async () => {
    const { t, people, dispatcher } = await studio();
    const { m, row } = await pair(t, people[0]!);
    // Twilio takes its time to answer (the latency comes before its answer, refusals included).
    twilio.latencyMs = 300;
    twilio.failNext(1, { status: 400, code: 21614, message: "'To' number is not a valid mobile number" });
    const sending = dispatcher().tick();
    await Bun.sleep(100);
    expect(await pauseMessage(t.db, m.id, noon)).toBe(true);
    await sending;
    expect((await row("sms")).status).toBe("failed");
    expect([(await row("voice")).status, (await row("voice")).waitingReason]).toEqual(["held", "paused by staff"]);
    await dispatcher().tick();
    expect(twilio.calls.filter((c) => c.to === people[0]!.phone)).toHaveLength(0);
  });

  test("cancelled after its SMS went: an undelivered report does not bring the call back", async () => {
    const { t, people, dispatcher } = await studio();
    const { m, row } = await pair(t, people[0]!);
    await dispatcher().tick();
    expect(await cancelMessage(t.db, m.id, noon)).toBe(true);
    const callback = twilio.setStatus(smsSent()[0]!.sid, "undelivered", { errorCode: 30006 })!;
    expect(
      (await t.app.request(callback.url, { method: "POST", body: callback.body, headers: callback.headers })).status,
    ).toBe(204);
    expect([(await row("voice")).status, (await row("voice")).skipReason]).toEqual(["skipped", "sms_sent_instead"]);
    await dispatcher().tick();
    expect(twilio.calls.filter((c) => c.to === people[0]!.phone)).toHaveLength(0);
  });

  test("cancelled while its SMS is in flight: a rate-limited attempt is not retried, it is skipped as cancelled", async () => {
    const { t, people, dispatcher } = await studio();
    const { m, row } = await pair(t, people[0]!);
    twilio.latencyMs = 300;
    twilio.failNext(1, { status: 429, retryAfter: 1 });
    const sending = dispatcher().tick();
    await Bun.sleep(100);
    expect(await cancelMessage(t.db, m.id, noon)).toBe(true);
    await sending;
    expect([(await row("sms")).status, (await row("sms")).skipReason]).toEqual(["skipped", "cancelled"]);
    expect([(await row("voice")).status, (await row("voice")).skipReason]).toEqual(["skipped", "cancelled"]);
    t.setNow(later(120_000));
    await dispatcher().tick();
    expect(smsSent()).toHaveLength(0);
  });
});

describe("never sent blank (defect 3)", () => {
  test("a value the text cannot do without that is empty at send time skips that recipient with the reason; the others go", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 3), "sms", "Hi {{customer.first_name}}, your photos are ready");
    // Queued, then Ben's first name was cleared (an import, an edit) before it went.
    await t.db.run(sql`update customers set first_name = '' where id = ${people[1]!.id}`);
    const r = await dispatcher().tick();
    expect([r.sent, r.skipped]).toEqual([2, 1]);
    const [ben] = await t.db.select().from(deliveries).where(eq(deliveries.customerId, people[1]!.id));
    expect([ben!.status, ben!.skipReason]).toEqual(["skipped", "missing:customer.first_name"]);
    expect(smsSent().map((m) => m.body.split(",")[0])).toEqual(["Hi Anna", "Hi Cleo"]);
  });
});

test("a text that comes out blank for a recipient is not sent: it is skipped with the reason", async () => {
  const { t, people, dispatcher } = await studio();
  await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, noon);
  // Every value in it optional and empty for Anna: a message of nothing but its opt-out hint.
  await message(t, people.slice(0, 1), "sms", '{{job.custom_text | ""}}');
  const r = await dispatcher().tick();
  expect([r.sent, r.skipped]).toEqual([0, 1]);
  const [d] = await t.db.select().from(deliveries);
  expect([d!.status, d!.skipReason]).toEqual(["skipped", "empty_message"]);
  expect(smsSent()).toHaveLength(0);
});

describe("the attempt limit always holds (defect 4)", () => {
  test("a delivery claimed more often than the limit stops, failed with the reason, instead of trying again", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 2), "sms", "Hello");
    // Its sender died in the middle of sending it, eight times over (a crash before its attempt
    // began is not charged: test/faults/crash-loop.test.ts).
    await t.db
      .update(deliveries)
      .set({
        status: "sending",
        leaseOwner: "dead",
        leaseExpiresAt: new Date(0),
        attempts: 8,
        attemptStartedAt: later(-60_000),
        lastError: null,
      })
      .where(eq(deliveries.customerId, people[0]!.id));
    const r = await dispatcher().tick();
    expect([r.sent, r.failed]).toEqual([1, 1]);
    const [stuck] = await t.db.select().from(deliveries).where(eq(deliveries.customerId, people[0]!.id));
    expect([stuck!.status, stuck!.attempts]).toEqual(["failed", 9]);
    expect(stuck!.lastError).toBe("gave up after 8 attempts: its sender stopped before finishing it each time");
    expect(smsSent().map((m) => m.to)).toEqual([people[1]!.phone!]);
    expect((await dispatcher().tick()).failed).toBe(0);
  });

  test("an SMS past the limit whose last attempt may have gone out is looked up: found, it counts as sent", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "sms", "Hello");
    const sent = await t.deps.providers.sms.send({
      to: people[0]!.phone!,
      from: "+17770001111",
      body: "Hello Reply STOP to opt out.",
      clientRef: "x",
    });
    await t.db.update(deliveries).set({
      status: "sending",
      leaseOwner: "dead",
      leaseExpiresAt: new Date(0),
      attempts: 8,
      attemptStartedAt: later(-60_000),
      body: "Hello Reply STOP to opt out.",
    });
    expect((await dispatcher().tick()).sent).toBe(1);
    const [d] = await t.db.select().from(deliveries);
    expect(d!.status).toBe("sent");
    expect(d!.providerMessageId).toBe(sent.ok ? sent.providerId : "not sent");
    expect(smsSent()).toHaveLength(1);
  });
});
