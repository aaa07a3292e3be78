// Sends whose outcome is not known (the provider took the request and the answer was lost, or
// may have): the second breaker round of issue 9. Whatever happens next — a replay refused or
// rate limited, the attempt limit, a cancel or pause, a report that comes first, two sends to
// one number — nobody gets the message twice and the report never says "not reached" of someone
// who got it, or "sent" of someone who did not. The real SDKs talk to the local fakes.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { createCustomer } from "../src/db/customers.ts";
import { releaseHeld } from "../src/db/held-deliveries.ts";
import { cancelMessage, getMessage, notReached, pauseMessage, resumeMessage } from "../src/db/messages.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { deliveries, emailBatches, messages, phoneLookups, suppressions } from "../src/db/schema.ts";
import { expireLeases } from "./support/leases.ts";
import { later, noon, sendStudio } from "./support/send-studio.ts";

const { resend, twilio, studio, message, smsOrCall, resendEvent, twilioStatus, stop } = sendStudio();
afterAll(stop);

let before = { email: 0, sms: 0, calls: 0 };
beforeEach(() => {
  before = { email: resend.sent.length, sms: twilio.sent.length, calls: twilio.calls.length };
});
/** Who got an e-mail, a text, a call since the test began (by address, once per message received). */
const emailedTo = () => resend.sent.slice(before.email).map((e) => e.to[0]);
const textedTo = () => twilio.sent.slice(before.sms).map((m) => m.to);
const calledTo = () => twilio.calls.slice(before.calls).map((c) => c.to);
const all = async (t: { db: Awaited<ReturnType<typeof studio>>["t"]["db"] }) =>
  t.db.select().from(deliveries).orderBy(deliveries.id);
const unsubscribe = (t: Awaited<ReturnType<typeof studio>>["t"], who: { id: number; email: string | null }) =>
  t.db
    .insert(suppressions)
    .values({ channel: "email", address: who.email!, reason: "unsubscribed", source: "link", customerId: who.id });

describe("a replayed e-mail batch", () => {
  test("rate limited on its replay, it is tried again under the same key later: nobody gets it twice", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 2), "email", "Autumn offers");
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    expect(emailedTo()).toHaveLength(2); // Anna and Ben have it; the answer was lost
    // Another message, to Cleo, falls due meanwhile: a fresh batch with her would have another key.
    await message(t, people.slice(2, 3), "email", "Other news", later(61_500));
    t.setNow(later(60_000));
    resend.failNext(1, { status: 429, retryAfter: 1 });
    await dispatcher("w2").tick();
    t.setNow(later(62_000));
    await dispatcher("w2").tick();
    expect(emailedTo().sort()).toEqual(
      people
        .slice(0, 3)
        .map((p) => p.email)
        .sort(),
    );
    expect((await all(t)).map((d) => d.status)).toEqual(["sent", "sent", "sent"]);
  });

  test("a smaller replay whose answer was lost too is on record: the next, smaller still, does not count as sent a member who never got it", async () => {
    const { t, people, dispatcher } = await studio();
    const [anna, ben, cleo] = people;
    await message(t, [anna!, ben!, cleo!], "email", "Autumn offers");
    resend.failNext(1, { status: 503 }); // refused before Resend took it: nobody has it
    await dispatcher().tick();
    await unsubscribe(t, cleo!);
    t.setNow(later(60_000));
    resend.failNext(1, { status: 500, afterAccept: true }); // the replay without Cleo goes; its answer is lost
    await dispatcher("w2").tick();
    await unsubscribe(t, ben!);
    await expireLeases(t.db, "w2");
    t.setNow(later(180_000));
    await dispatcher("w3").tick();
    expect(emailedTo().sort()).toEqual([anna!.email, ben!.email].sort());
    const rows = await all(t);
    // Anna and Ben got it (Resend's answer to the request that went, asked again, names them);
    // Cleo never did, and is reported as unsubscribed.
    expect(rows.map((d) => [d.status, d.skipReason])).toEqual([
      ["sent", null],
      ["sent", null],
      ["skipped", "unsubscribed"],
    ]);
  });

  test("a member paused while a smaller replay went is sent when resumed: it never got the batch", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "email", "From the first message");
    const second = await message(t, people.slice(1, 2), "email", "From the second message");
    resend.failNext(1, { status: 503 }); // nobody has it
    await dispatcher().tick();
    await pauseMessage(t.db, second.id, later(1000)); // Ben's e-mail waits with its message
    t.setNow(later(60_000));
    resend.failNext(1, { status: 500, afterAccept: true }); // the replay to Anna only goes; its answer is lost
    await dispatcher("w2").tick();
    await resumeMessage(t.db, second.id, later(90_000), { batchSize: 500, intervalSeconds: 60 });
    t.setNow(later(120_000));
    await dispatcher("w2").tick();
    await dispatcher("w2").tick();
    expect(emailedTo().sort()).toEqual([people[0]!.email, people[1]!.email].sort());
    expect((await all(t)).map((d) => d.status)).toEqual(["sent", "sent"]);
  });

  test("refused outright on its replay (a revoked API key), it is held for review: nobody is sent it again", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "email", "From the first message");
    const second = await message(t, people.slice(1, 2), "email", "From the second message");
    resend.failNext(1, { status: 500, afterAccept: true }); // both went; the answer was lost
    await dispatcher().tick();
    await pauseMessage(t.db, second.id, later(1000));
    t.setNow(later(60_000));
    resend.failNext(1, {
      status: 401,
      name: "restricted_api_key",
      message: "This API key is restricted to only send emails",
    });
    await dispatcher("w2").tick();
    const [anna] = await all(t);
    expect(anna!.status).toBe("held");
    expect(anna!.waitingReason).toContain("Resend refused to send its batch again");
    await resumeMessage(t.db, second.id, later(120_000), { batchSize: 500, intervalSeconds: 60 });
    t.setNow(later(120_000));
    await dispatcher("w2").tick();
    expect(emailedTo().filter((to) => to === people[1]!.email)).toHaveLength(1);
  });

  test("a report from Resend before the answer shows the batch went: a member cancelled since is reported sent, with Resend's id", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "email", "From the first message");
    const second = await message(t, people.slice(1, 2), "email", "From the second message");
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    const [annaMail, benMail] = resend.sent.slice(before.email);
    expect((await resendEvent(t, "email.delivered", annaMail!.id)).status).toBe(200);
    await cancelMessage(t.db, second.id, later(1000));
    t.setNow(later(60_000));
    await dispatcher("w2").tick();
    expect(emailedTo()).toHaveLength(2);
    const rows = await all(t);
    expect(rows.map((d) => [d.status, d.providerMessageId])).toEqual([
      ["delivered", annaMail!.id],
      ["sent", benMail!.id],
    ]);
    expect(await notReached(t.db, second.id)).toEqual([]);
  });

  test("an e-mail counted sent without Resend's answer takes Resend's report: a bounce bounces it and suppresses the address", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "email", "From the first message");
    const second = await message(t, people.slice(1, 2), "email", "From the second message");
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    // Resend's answer is replaced by a refusal as different (counted sent, not confirmed).
    t.setNow(later(60_000));
    resend.failNext(1, {
      status: 409,
      name: "invalid_idempotent_request",
      message: "Same idempotency key used with a different request payload.",
    });
    await dispatcher("w2").tick();
    expect((await all(t)).map((d) => [d.status, d.providerMessageId])).toEqual([
      ["sent", null],
      ["sent", null],
    ]);
    const [annaMail, benMail] = resend.sent.slice(before.email);
    await resendEvent(t, "email.bounced", benMail!.id, {
      bounce: { type: "Permanent", subType: "General", message: "550 no such user" },
    });
    await resendEvent(t, "email.delivered", annaMail!.id);
    const rows = await all(t);
    expect(rows.map((d) => [d.status, d.providerMessageId])).toEqual([
      ["delivered", annaMail!.id],
      ["bounced", benMail!.id],
    ]);
    expect((await notReached(t.db, second.id)).map((n) => n.firstName)).toEqual(["Ben"]);
    expect((await t.db.select().from(suppressions)).map((s) => [s.address, s.reason])).toEqual([
      [people[1]!.email, "bounced"],
    ]);
  });

  test("a report tagged by another install on the same Resend account changes nothing here", async () => {
    const production = await studio();
    const staging = await studio();
    const [anna, ben] = production.people;
    await message(production.t, [anna!, ben!], "email", "Autumn offers");
    resend.failNext(1, { status: 503 }); // production's batch: refused, outcome unknown, to be replayed
    await production.dispatcher().tick();
    await unsubscribe(production.t, ben!);
    // Staging sends its delivery of the same id, which hard-bounces; Resend posts to every endpoint.
    await message(staging.t, staging.people.slice(0, 1), "email", "Staging test");
    await staging.dispatcher().tick();
    const stagingMail = resend.sent.slice(before.email).find((e) => e.to[0] === staging.people[0]!.email)!;
    const res = await resendEvent(production.t, "email.bounced", stagingMail.id, {
      bounce: { type: "Permanent", subType: "General", message: "550 no such user" },
    });
    expect(await res.json()).toEqual({ ok: true, ignored: "unknown email" });
    production.t.setNow(later(60_000));
    await production.dispatcher("w2").tick();
    expect(await production.t.db.select().from(suppressions)).toHaveLength(1); // Ben's own unsubscribe only
    expect(emailedTo().filter((to) => to !== staging.people[0]!.email)).toEqual([anna!.email]);
  });
});

describe("the last attempt, a cancel, a pause", () => {
  test("an SMS whose last allowed attempt reaches Twilio but loses its answer is found there: the call it stood for is not placed", async () => {
    const { t, people, dispatcher } = await studio();
    const anna = people[0]!;
    const { row } = await smsOrCall(t, anna);
    let at = 0;
    for (let i = 0; i < 7; i++) {
      twilio.failNext(1, { status: 429, retryAfter: 1 });
      t.setNow(later(at));
      await dispatcher().tick();
      at += 31 * 60_000;
    }
    twilio.failNext(1, { status: 500, afterAccept: true });
    t.setNow(later(at));
    await dispatcher().tick();
    // Twilio has been failing for hours: the next try waits the longest backoff (retry-policy.ts).
    t.setNow(later(at + 31 * 60_000));
    await dispatcher().tick();
    expect(textedTo()).toEqual([anna.phone]);
    expect(calledTo()).toEqual([]);
    expect([(await row("sms")).status, (await row("voice")).skipReason]).toEqual(["sent", "sms_sent_instead"]);
  });

  test("an e-mail whose last allowed attempt Resend took (answer lost) is not reported failed", async () => {
    const { t, people, dispatcher } = await studio();
    const m = await message(t, people.slice(0, 1), "email", "Hello");
    await t.db.update(deliveries).set({ attempts: 7 });
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    expect((await all(t))[0]!.status).not.toBe("failed");
    expect(await notReached(t.db, m.id)).toEqual([]);
  });

  test("cancelling a message does not call 'cancelled' an SMS that may have gone: it is found at Twilio and reported sent", async () => {
    const { t, people, dispatcher } = await studio();
    const anna = people[0]!;
    const m = await message(t, [anna], "sms", "Picture day moved to Friday");
    twilio.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    expect(await cancelMessage(t.db, m.id, later(5_000))).toBe(true);
    expect((await twilioStatus(t, twilio.sent.at(-1)!.sid, "delivered")).status).toBe(204);
    t.setNow(later(120_000));
    await dispatcher().tick();
    expect((await all(t)).map((d) => d.status)).toEqual(["delivered"]);
    expect(await notReached(t.db, m.id)).toEqual([]);
    expect(textedTo()).toEqual([anna.phone]);
  });

  test("Pause then Resume releases only what the pause held: a late start held for review stays held", async () => {
    const { t, dispatcher } = await studio();
    const late = new Date("2026-09-01T20:00:00Z");
    t.setNow(late);
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Flash sale ends 1 pm",
        channels: ["email"],
        subject: "Hi",
        body: "Sale ends at 1 pm",
        filters: {},
        status: "scheduled",
        sendAt: noon,
        updatedAt: late,
      })
      .returning();
    await runOneTimeMessages(t.deps, late);
    await pauseMessage(t.db, m!.id, late);
    await resumeMessage(t.db, m!.id, late, { batchSize: 500, intervalSeconds: 60 });
    expect((await dispatcher().tick()).sent).toBe(0);
    expect(new Set((await all(t)).map((d) => d.waitingReason))).toEqual(
      new Set([expect.stringContaining("scheduled 180 min before Pigeon could start it")]),
    );
  });

  test("an undelivered report after the message finished makes it sending again: the call it brings can still be cancelled", async () => {
    const { t, people, dispatcher } = await studio();
    const { m, row } = await smsOrCall(t, people[0]!);
    await dispatcher().tick();
    await runOneTimeMessages(t.deps, later(1000));
    expect((await getMessage(t.db, m.id))!.status).toBe("sent");
    t.setNow(later(6 * 3600_000));
    await twilioStatus(t, twilio.sent.at(-1)!.sid, "undelivered", { errorCode: 30003 });
    expect((await row("voice")).status).toBe("queued");
    expect((await getMessage(t.db, m.id))!.status).toBe("sending");
    expect(await cancelMessage(t.db, m.id, later(6 * 3600_000))).toBe(true);
    await dispatcher().tick();
    expect([(await row("voice")).status, (await row("voice")).skipReason]).toEqual(["skipped", "cancelled"]);
    expect(calledTo()).toEqual([]);
  });
});

describe("one number, two sends", () => {
  test("two calls to one number of unknown outcome, one placed: neither takes Twilio's call for its own, both are held naming themselves", async () => {
    const { t, people, dispatcher } = await studio();
    const anna = people[0]!;
    await message(t, [anna], "voice", "School photos on Monday");
    await message(t, [anna], "voice", "Your order shipped");
    twilio.failNext(1, { status: 503 }); // the first call: refused, never placed
    twilio.failNext(1, { status: 500, afterAccept: true }); // the second: placed, its answer lost
    await dispatcher().tick();
    expect(calledTo()).toHaveLength(1);
    t.setNow(later(61_000));
    await dispatcher("w2").tick();
    const rows = await all(t);
    expect(rows.map((d) => d.status)).toEqual(["held", "held"]);
    expect(rows[0]!.waitingReason).toContain(`d=${rows[0]!.id}`);
    expect(calledTo()).toHaveLength(1);
    // Staff find in Twilio's log that the call placed was the second's: they release the first.
    await releaseHeld(t.db, { ids: [rows[0]!.id] }, { name: "Olivia" }, later(62_000), {
      batchSize: 10,
      intervalSeconds: 60,
    });
    t.setNow(later(63_000));
    await dispatcher("w2").tick();
    expect(calledTo().map((_, i) => new URL(twilio.calls.slice(before.calls)[i]!.url!).searchParams.get("d"))).toEqual([
      String(rows[1]!.id),
      String(rows[0]!.id),
    ]);
  });

  test("a call whose status callback named its delivery is that delivery's own, whatever else is unsure", async () => {
    const { t, people, dispatcher } = await studio();
    const anna = people[0]!;
    await message(t, [anna], "voice", "School photos on Monday");
    await message(t, [anna], "voice", "Your order shipped");
    twilio.failNext(1, { status: 503 });
    twilio.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    const call = twilio.calls.at(-1)!;
    expect((await twilioStatus(t, call.sid, "completed")).status).toBe(204);
    t.setNow(later(61_000));
    await dispatcher("w2").tick();
    const rows = await all(t);
    expect(rows.map((d) => [d.status, d.providerMessageId])).toEqual([
      ["sent", twilio.calls.at(-1)!.sid],
      ["delivered", call.sid],
    ]);
    expect(calledTo()).toHaveLength(2);
  });

  test("a family sharing one phone gets the SMS or the call, not both, when one parent may be called and the other texted", async () => {
    const { t, dispatcher } = await studio();
    const phone = "+17775550123";
    const mia = await createCustomer(
      t.db,
      { first_name: "Mia", last_name: "Lee", phone, consent: { sms: true, voice: false } },
      "test",
      noon,
    );
    const sam = await createCustomer(
      t.db,
      { first_name: "Sam", last_name: "Lee", phone, consent: { sms: true, voice: true } },
      "test",
      noon,
    );
    await t.db.insert(phoneLookups).values({ phone, lineType: "mobile", lookedUpAt: noon });
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Snow day",
        channels: ["sms", "voice"],
        body: "Closed today",
        smsBody: "Closed today",
        voiceScript: "We are closed today",
        callOnlyIfNoSms: true,
        filters: { customer_ids: [mia.id, sam.id] },
        status: "scheduled",
        updatedAt: noon,
      })
      .returning();
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();
    await dispatcher().tick();
    expect(textedTo()).toEqual([phone]);
    expect(calledTo()).toEqual([]);
    expect((await notReached(t.db, m!.id)).map((n) => [n.firstName, n.reason])).toEqual([["Sam", "duplicate_address"]]);
  });

  test("a call waiting on another recipient's SMS that has already gone is decided when it is written: skipped, not left waiting", async () => {
    const { t, people } = await studio();
    const [mia, sam] = people;
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
        status: "scheduled",
      })
      .returning();
    const key = (id: number, ch: "sms" | "voice") =>
      deliveryKey({ kind: "message", messageId: m!.id }, { customerId: id }, ch);
    const source = { sourceType: "message" as const, messageId: m!.id };
    await enqueueDeliveries(
      t.db,
      source,
      [
        {
          key: key(mia!.id, "sms"),
          decision: { customerId: mia!.id, channel: "sms", to: mia!.phone, skip: null },
          dueAt: noon,
        },
      ],
      noon,
    );
    await t.db.update(deliveries).set({ status: "sent", sentAt: noon });
    // The next page: Sam shares Mia's phone, so his call waits on her SMS.
    await enqueueDeliveries(
      t.db,
      source,
      [
        {
          key: key(sam!.id, "voice"),
          decision: { customerId: sam!.id, channel: "voice", to: mia!.phone, skip: null, waitsOnSms: true },
          dueAt: noon,
          afterKey: key(mia!.id, "sms"),
        },
      ],
      noon,
    );
    const [call] = await t.db.select().from(deliveries).where(eq(deliveries.channel, "voice"));
    expect([call!.status, call!.skipReason]).toEqual(["skipped", "sms_sent_instead"]);
  });
});

describe("a start long after its time", () => {
  test("a message started hours late is written held, page by page: no delivery of it is ever queued for a dispatcher to take", async () => {
    const { t } = await studio();
    const now = new Date("2026-09-01T19:00:00Z");
    t.setNow(now);
    await t.db.run(sql`insert into customers (first_name, email, consent_email, created_at, updated_at)
      select 'P' || value, 'p' || value || '.' || ${Math.random().toString(36).slice(2, 8)} || '@x.test', 1, ${now.getTime()}, ${now.getTime()} from generate_series(1, 50)`);
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Late",
        channels: ["email"],
        subject: "Hi",
        body: "Hello",
        filters: {},
        status: "scheduled",
        sendAt: new Date("2026-09-01T16:00:00Z"),
        updatedAt: new Date("2026-09-01T15:00:00Z"),
      })
      .returning();
    // Every status a delivery is written with, as the database saw it: a dispatcher polling between
    // two pages of the start would see the same.
    await t.db.run(sql`create table written (status text)`);
    await t.db.run(
      sql`create trigger written_insert after insert on deliveries begin insert into written values (new.status); end`,
    );
    await runOneTimeMessages(t.deps, now, 10);
    expect(await t.db.all(sql`select status, count(*) as n from written group by status`)).toEqual([
      { status: "held", n: 54 },
    ]);
    expect((await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id)))[0]!.waitingReason).toContain(
      "scheduled 180 min before Pigeon could start it",
    );
  });
});

describe("held work released, a cancel after a pause, reports that come late", () => {
  const stagger = { batchSize: 10, intervalSeconds: 60 };

  test("an e-mail held at the attempt limit (nothing went) and released by staff is sent: the attempt count starts again", async () => {
    const { t, people, dispatcher } = await studio();
    const m = await message(t, people.slice(0, 1), "email", "Hello");
    await t.db.update(deliveries).set({ attempts: 7 });
    resend.failNext(1, { status: 503 }); // refused before Resend took it
    await dispatcher().tick();
    // An outage does not use up attempts; its sender dying on it does (retry-policy.ts).
    await t.db.update(deliveries).set({ attempts: 8 });
    t.setNow(later(60_000));
    await dispatcher().tick();
    const [held] = await all(t);
    expect([held!.status, held!.waitingReason]).toEqual(["held", expect.stringContaining("release or cancel it")]);
    await releaseHeld(t.db, { ids: [held!.id] }, { name: "Olivia" }, later(120_000), stagger);
    t.setNow(later(121_000));
    await dispatcher().tick();
    expect(emailedTo()).toEqual([people[0]!.email]);
    expect((await all(t))[0]!.status).toBe("sent");
    expect(await notReached(t.db, m.id)).toEqual([]);
  });

  test("an SMS held because Twilio could not be asked, released by staff after checking, is sent", async () => {
    const { t, people, dispatcher } = await studio();
    await message(t, people.slice(0, 1), "sms", "Picture day moved to Friday");
    await t.db.update(deliveries).set({ attempts: 7 });
    twilio.failNext(1, { status: 503 });
    await dispatcher().tick();
    t.setNow(later(60_000));
    twilio.failNext(1, { status: 401, code: 20003, message: "Authenticate" }); // the look-up is refused (Twilio down would be waited out)
    await dispatcher().tick();
    const [held] = await all(t);
    expect(held!.status).toBe("held");
    await releaseHeld(t.db, { ids: [held!.id] }, { name: "Olivia" }, later(120_000), stagger);
    t.setNow(later(121_000));
    await dispatcher().tick();
    expect(textedTo()).toEqual([people[0]!.phone]);
    expect((await all(t))[0]!.status).toBe("sent");
  });

  test("paused, then cancelled, with an SMS of unknown outcome: it is looked up and, not found, skipped as cancelled — not left 'paused' for ever", async () => {
    const { t, people, dispatcher } = await studio();
    const m = await message(t, people.slice(0, 1), "sms", "Picture day moved to Friday");
    twilio.failNext(1, { status: 503 }); // never sent
    await dispatcher().tick();
    await pauseMessage(t.db, m.id, later(1000));
    await cancelMessage(t.db, m.id, later(2000));
    t.setNow(later(60_000));
    await dispatcher().tick();
    expect(textedTo()).toEqual([]);
    expect((await all(t)).map((d) => [d.status, d.skipReason])).toEqual([["skipped", "cancelled"]]);
  });

  test("paused, then cancelled, with an e-mail that went (answer lost): skipped saying it may have gone, and Resend's report then counts it sent", async () => {
    const { t, people, dispatcher } = await studio();
    const m = await message(t, people.slice(0, 1), "email", "Hello");
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    await pauseMessage(t.db, m.id, later(1000));
    await cancelMessage(t.db, m.id, later(2000));
    t.setNow(later(60_000));
    await dispatcher().tick();
    const [skipped] = await all(t);
    expect([skipped!.status, skipped!.skipReason, skipped!.lastError]).toEqual([
      "skipped",
      "cancelled",
      expect.stringContaining("may have reached them"),
    ]);
    const mail = resend.sent.slice(before.email)[0]!;
    expect((await resendEvent(t, "email.delivered", mail.id)).status).toBe(200);
    expect((await all(t)).map((d) => [d.status, d.providerMessageId])).toEqual([["delivered", mail.id]]);
    expect(await notReached(t.db, m.id)).toEqual([]);
    expect(emailedTo()).toEqual([people[0]!.email]);
  });

  test("everyone unsubscribed after a batch went (answer lost): skipped, then Resend's reports count them reached", async () => {
    const { t, people, dispatcher } = await studio();
    const [anna, ben] = people;
    const m = await message(t, [anna!, ben!], "email", "Autumn offers");
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    for (const p of [anna!, ben!]) await unsubscribe(t, p);
    t.setNow(later(60_000));
    await dispatcher("w2").tick();
    expect((await all(t)).map((d) => d.skipReason)).toEqual(["unsubscribed", "unsubscribed"]);
    for (const mail of resend.sent.slice(before.email)) await resendEvent(t, "email.delivered", mail.id);
    expect((await all(t)).map((d) => d.status)).toEqual(["delivered", "delivered"]);
    expect(await notReached(t.db, m.id)).toEqual([]);
  });

  test("a batch begun before requests were recorded keeps a record from its first replay: a member left out and back is not counted sent", async () => {
    const { t, people, dispatcher } = await studio();
    const [anna, ben] = people;
    await message(t, [anna!, ben!], "email", "Autumn offers");
    resend.failNext(1, { status: 503 }); // nobody has it
    await dispatcher().tick();
    await t.db.delete(emailBatches); // as a batch begun before requests were recorded
    await unsubscribe(t, ben!);
    t.setNow(later(60_000));
    resend.failNext(1, { status: 500, afterAccept: true }); // the replay to Anna only goes; its answer is lost
    await dispatcher("w2").tick();
    await t.db.delete(suppressions).where(eq(suppressions.address, ben!.email));
    t.setNow(later(180_000));
    await dispatcher("w3").tick();
    t.setNow(later(400_000));
    await dispatcher("w3").tick();
    expect(emailedTo()).toEqual([anna!.email, ben!.email]);
    expect((await all(t)).map((d) => d.status)).toEqual(["sent", "sent"]);
  });

  test("two identical SMS to one number, both sent, answers lost: the second's callback names it, so the other record is the first's", async () => {
    const { t, people, dispatcher } = await studio();
    const anna = people[0]!;
    await message(t, [anna], "sms", "Closed today");
    await message(t, [anna], "sms", "Closed today");
    twilio.failNext(2, { status: 500, afterAccept: true });
    await dispatcher().tick();
    const [first, second] = twilio.sent.slice(before.sms);
    expect((await twilioStatus(t, second!.sid, "delivered")).status).toBe(204);
    t.setNow(later(61_000));
    await dispatcher("w2").tick();
    expect((await all(t)).map((d) => d.providerMessageId)).toEqual([first!.sid, second!.sid]);
    expect(textedTo()).toHaveLength(2);
  });

  test("a call held as 'which is whose' whose status callback then names it is counted sent, not left for staff to cancel", async () => {
    const { t, people, dispatcher } = await studio();
    const anna = people[0]!;
    await message(t, [anna], "voice", "School photos on Monday");
    const second = await message(t, [anna], "voice", "Your order shipped");
    twilio.failNext(1, { status: 503 });
    twilio.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    t.setNow(later(61_000));
    await dispatcher("w2").tick();
    expect((await all(t)).map((d) => d.status)).toEqual(["held", "held"]);
    const call = twilio.calls.at(-1)!;
    expect((await twilioStatus(t, call.sid, "completed")).status).toBe(204);
    expect((await all(t)).map((d) => [d.status, d.providerMessageId])).toEqual([
      ["held", null],
      ["delivered", call.sid],
    ]);
    expect(await notReached(t.db, second.id)).toEqual([]);
  });
});
