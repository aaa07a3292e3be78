// The dispatcher end to end on the dev outbox: what a recipient would receive, exactly once,
// with unsubscribes honoured, the sending window kept and crashed sends reconciled.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { decideRecipients } from "../src/core/recipients.ts";
import { createCustomer } from "../src/db/customers.ts";
import { databaseDevOutboxStore } from "../src/db/dev-outbox-store.ts";
import { beginAttempt, claimDue } from "../src/db/outbox-leases.ts";
import { enqueueDeliveries, loadCandidates } from "../src/db/outbox.ts";
import { deliveries, devOutbox, messages, phoneLookups, suppressions } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { createDevProviders } from "../src/providers/dev-outbox.ts";
import { makeTestApp } from "./support/app.ts";
import { expireLeases } from "./support/leases.ts";

const noon = new Date("2026-09-01T17:00:00Z"); // 12:00 in Chicago

async function setup(now = noon) {
  const t = await makeTestApp({ now });
  await updateSettings(
    t.db,
    { name: "Brightside", postalAddress: "412 Orchard Lane", timeZone: "America/Chicago" },
    now,
  );
  const people = [
    ["Anna", "anna@x.test", "+15551230001"],
    ["<b>Ben</b> & Co", "ben@x.test", "+15551230002"],
    ["Cleo", "cleo@x.test", "+15551230003"],
  ] as const;
  const ids: number[] = [];
  for (const [first, email, phone] of people) {
    ids.push(
      (
        await createCustomer(
          t.db,
          { first_name: first, email, phone, consent: { email: true, sms: true } },
          "test",
          now,
        )
      ).id,
    );
  }
  const providers = createDevProviders(databaseDevOutboxStore(t.db), {
    clock: t.deps.clock,
    lineType: (phone) => (phone.startsWith("+1555000") ? "landline" : "mobile"),
  });
  const dispatcher = (owner = "w1") => createDispatcher(t.deps, providers, { owner, random: () => 0.5 });
  return { t, ids, providers, dispatcher };
}

async function enqueueTest(
  t: Awaited<ReturnType<typeof setup>>["t"],
  ids: number[],
  channel: "email" | "sms",
  content: { subject?: string; body: string },
) {
  const decisions = decideRecipients(await loadCandidates(t.db, ids), channel, { requireConsent: true });
  await enqueueDeliveries(
    t.db,
    { sourceType: "test" },
    decisions.map((d) => ({
      key: deliveryKey({ kind: "test", id: "x" }, { customerId: d.customerId }, channel),
      decision: d,
      dueAt: t.deps.clock(),
      ...content,
    })),
    t.deps.clock(),
  );
}

describe("dispatcher on the dev outbox", () => {
  test("each recipient gets their own e-mail once, with a one-click unsubscribe header", async () => {
    const { t, ids, dispatcher } = await setup();
    await enqueueTest(t, ids, "email", {
      subject: "Hello {{customer.first_name}}",
      body: 'Hi **{{customer.first_name | "there"}}**, your photos are ready.',
    });
    const d = dispatcher();
    expect((await d.tick()).sent).toBe(3);
    expect((await d.tick()).sent).toBe(0);
    const mail = await t.db.select().from(devOutbox).orderBy(devOutbox.toAddress);
    expect(mail.map((m) => [m.toAddress, m.subject])).toEqual([
      ["anna@x.test", "Hello Anna"],
      ["ben@x.test", "Hello <b>Ben</b> & Co"],
      ["cleo@x.test", "Hello Cleo"],
    ]);
    expect(mail[1]!.html).toContain("<strong>&lt;b&gt;Ben&lt;/b&gt; &amp; Co</strong>");
    expect(mail[0]!.html).toContain("412 Orchard Lane");
    expect(mail[0]!.headers!["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail[0]!.headers!["List-Unsubscribe"]).toMatch(/^<http:\/\/localhost\/u\/[\w-]+\.[\w-]+>$/);
    expect(mail[0]!.body).toContain("Hi Anna, your photos are ready.");
    const rows = await t.db.select().from(deliveries);
    expect(rows.every((r) => r.status === "sent" && r.providerMessageId?.startsWith("dev_"))).toBe(true);
  });

  test("someone who unsubscribes after the send was queued is skipped, with the reason", async () => {
    const { t, ids, dispatcher } = await setup();
    await enqueueTest(t, ids, "email", { subject: "News", body: "News" });
    await t.db
      .insert(suppressions)
      .values({ channel: "email", address: "cleo@x.test", reason: "unsubscribed", source: "link" });
    const r = await dispatcher().tick();
    expect([r.sent, r.skipped]).toEqual([2, 1]);
    const [cleo] = await t.db.select().from(deliveries).where(eq(deliveries.toAddress, "cleo@x.test"));
    expect([cleo!.status, cleo!.skipReason]).toEqual(["skipped", "unsubscribed"]);
    expect(await t.db.select().from(devOutbox).where(eq(devOutbox.toAddress, "cleo@x.test"))).toHaveLength(0);
  });

  test("SMS waits for the sending window in the recipient's zone, visibly", async () => {
    const late = new Date("2026-09-02T03:30:00Z"); // 22:30 in Chicago
    const { t, ids, dispatcher } = await setup(late);
    const [message] = await t.db
      .insert(messages)
      .values({
        name: "Ready",
        channels: ["sms"],
        body: "Photos are ready, {{customer.first_name}}!",
        smsBody: "Photos are ready, {{customer.first_name}}!",
        filters: {},
      })
      .returning();
    const [decision] = decideRecipients(await loadCandidates(t.db, ids.slice(0, 1)), "sms", { requireConsent: true });
    await enqueueDeliveries(
      t.db,
      { sourceType: "message", messageId: message!.id },
      [
        {
          key: deliveryKey({ kind: "message", messageId: message!.id }, { customerId: ids[0]! }, "sms"),
          decision: decision!,
          dueAt: late,
        },
      ],
      late,
    );
    const r = await dispatcher().tick();
    expect([r.sent, r.waiting]).toEqual([0, 1]);
    const [row] = await t.db.select().from(deliveries);
    expect(row!.status).toBe("queued");
    expect(row!.waitingReason).toBe("waiting for the sending window (09:00–21:00 America/Chicago)");
    expect(row!.dueAt.toISOString()).toBe("2026-09-02T14:00:00.000Z");
    expect(row!.attempts).toBe(0);
    t.setNow(new Date("2026-09-02T14:00:00Z"));
    expect((await dispatcher().tick()).sent).toBe(1);
    const [sms] = await t.db.select().from(devOutbox);
    expect(sms!.body).toBe("Photos are ready, Anna! Reply STOP to opt out.");
  });

  test("an SMS whose worker died after sending is found at the provider, not sent again", async () => {
    const { t, ids, providers, dispatcher } = await setup();
    await enqueueTest(t, ids.slice(0, 1), "sms", { body: "Hello {{customer.first_name}}" });
    // Worker A claims, records the attempt, sends, and dies before acknowledging.
    const [claimed] = await claimDue(t.db, "sms", "A", noon, 60_000, 10);
    await beginAttempt(t.db, claimed!, "A", noon, 60_000, { body: "Hello Anna" });
    await providers.sms.send({
      to: claimed!.toAddress!,
      from: "+15550000000",
      body: "Hello Anna",
      clientRef: claimed!.deliveryKey,
    });
    await expireLeases(t.db, "A");
    // Past the provider's timeout: A's request can no longer be in flight.
    t.setNow(new Date(noon.getTime() + 61_000));
    const r = await dispatcher("B").tick();
    expect(r.sent).toBe(1);
    expect(await t.db.select().from(devOutbox)).toHaveLength(1);
    const [row] = await t.db.select().from(deliveries);
    expect([row!.status, row!.attempts]).toEqual(["sent", 2]);
  });

  test("an SMS whose attempt may still be in flight is neither looked up nor sent until the provider's timeout has passed", async () => {
    const { t, ids, dispatcher } = await setup();
    await enqueueTest(t, ids.slice(0, 1), "sms", { body: "Hello {{customer.first_name}}" });
    // A claims and begins; its lease lapses (a stalled process), but its request may still be on its way.
    const [claimed] = await claimDue(t.db, "sms", "A", noon, 60_000, 10);
    await beginAttempt(t.db, claimed!, "A", noon, 60_000, { body: "Hello Anna" });
    await expireLeases(t.db, "A");
    t.setNow(new Date(noon.getTime() + 5_000));
    const early = await dispatcher("B").tick();
    expect([early.sent, early.waiting]).toEqual([0, 1]);
    const [waiting] = await t.db.select().from(deliveries);
    expect([waiting!.status, waiting!.waitingReason, waiting!.dueAt.toISOString()]).toEqual([
      "queued",
      "checking whether an earlier attempt went out",
      "2026-09-01T17:00:35.000Z",
    ]);
    expect(await t.db.select().from(devOutbox)).toHaveLength(0);
    t.setNow(new Date(noon.getTime() + 35_000));
    expect((await dispatcher("B").tick()).sent).toBe(1);
    expect(await t.db.select().from(devOutbox)).toHaveLength(1);
  });

  test("an SMS whose worker died before sending is sent by the next worker", async () => {
    const { t, ids, dispatcher } = await setup();
    await enqueueTest(t, ids.slice(0, 1), "sms", { body: "Hello {{customer.first_name}}" });
    const [claimed] = await claimDue(t.db, "sms", "A", noon, 60_000, 10);
    await beginAttempt(t.db, claimed!, "A", noon, 60_000, { body: "Hello Anna" });
    await expireLeases(t.db, "A");
    t.setNow(new Date(noon.getTime() + 61_000));
    expect((await dispatcher("B").tick()).sent).toBe(1);
    expect(await t.db.select().from(devOutbox)).toHaveLength(1);
  });

  test("a landline is looked up once, cached, and never texted", async () => {
    const { t, dispatcher } = await setup();
    const home = await createCustomer(
      t.db,
      { first_name: "Home", phone: "+15550001234", consent: { sms: true } },
      "test",
      noon,
    );
    await enqueueTest(t, [home.id], "sms", { body: "Hi" });
    const r = await dispatcher().tick();
    expect([r.sent, r.skipped]).toEqual([0, 1]);
    const [row] = await t.db.select().from(deliveries);
    expect([row!.status, row!.skipReason]).toEqual(["skipped", "landline"]);
    expect((await t.db.select().from(phoneLookups)).map((l) => [l.phone, l.lineType])).toEqual([
      ["+15550001234", "landline"],
    ]);
    expect(await t.db.select().from(devOutbox)).toHaveLength(0);
  });

  test("a call that waits on its SMS goes only where the SMS could not: a landline is called, a mobile is texted", async () => {
    const { t, dispatcher } = await setup();
    const mobile = await createCustomer(
      t.db,
      { first_name: "Mo", phone: "+15551239999", consent: { sms: true, voice: true } },
      "test",
      noon,
    );
    const landline = await createCustomer(
      t.db,
      { first_name: "Lan", phone: "+15550004444", consent: { sms: true, voice: true } },
      "test",
      noon,
    );
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
      })
      .returning();
    const key = (id: number, ch: "sms" | "voice") =>
      deliveryKey({ kind: "message", messageId: m!.id }, { customerId: id }, ch);
    const entries = [mobile, landline].flatMap((c) => [
      {
        key: key(c.id, "sms"),
        decision: { customerId: c.id, channel: "sms" as const, to: c.phone, skip: null },
        dueAt: noon,
      },
      {
        key: key(c.id, "voice"),
        decision: { customerId: c.id, channel: "voice" as const, to: c.phone, skip: null, waitsOnSms: true },
        dueAt: noon,
        afterKey: key(c.id, "sms"),
      },
    ]);
    await enqueueDeliveries(t.db, { sourceType: "message", messageId: m!.id }, entries, noon);
    const calls = async () =>
      (await t.db.select().from(deliveries).where(eq(deliveries.channel, "voice")).orderBy(deliveries.id)).map((d) => [
        d.status,
        d.skipReason,
        d.waitingReason,
      ]);
    expect(await calls()).toEqual([
      ["waiting", null, "waits for the SMS: called only if the SMS cannot go"],
      ["waiting", null, "waits for the SMS: called only if the SMS cannot go"],
    ]);
    // One pass: texts go first, and the call their outcome released goes in the same pass.
    const first = await dispatcher().tick();
    expect([first.sent, first.skipped]).toEqual([2, 1]);
    expect(await calls()).toEqual([
      ["skipped", "sms_sent_instead", null],
      ["sent", null, null],
    ]);
    const out = await t.db.select().from(devOutbox).orderBy(devOutbox.createdAt);
    expect(out.map((o) => [o.channel, o.toAddress])).toEqual([
      ["sms", "+15551239999"],
      ["voice", "+15550004444"],
    ]);
  });

  test("a graceful stop releases claims nobody started", async () => {
    const { t, ids, dispatcher } = await setup();
    await enqueueTest(t, ids, "sms", { body: "x" });
    await claimDue(t.db, "sms", "w1", noon, 60_000, 10);
    await dispatcher("w1").stop();
    const rows = await t.db.select().from(deliveries);
    expect(rows.map((r) => [r.status, r.leaseOwner, r.attempts])).toEqual([
      ["queued", null, 0],
      ["queued", null, 0],
      ["queued", null, 0],
    ]);
  });
});

describe("dispatcher against the fake Twilio", () => {
  test("a number Twilio reports as unsubscribed (21610) fails with Twilio's message and is never texted again", async () => {
    const { startFakeTwilio } = await import("./fakes/fake-twilio.ts");
    const { providersFromConfig } = await import("../src/dispatch/providers.ts");
    const twilio = startFakeTwilio();
    try {
      const t = await makeTestApp({
        now: noon,
        env: {
          TWILIO_ACCOUNT_SID: twilio.accountSid,
          TWILIO_AUTH_TOKEN: twilio.authToken,
          TWILIO_FROM: "+17770001111",
          TWILIO_BASE_URL: twilio.url!,
        },
      });
      await updateSettings(t.db, { timeZone: "America/Chicago" }, noon);
      const c = await createCustomer(
        t.db,
        { first_name: "Quinn", phone: "+17775550199", consent: { sms: true } },
        "test",
        noon,
      );
      twilio.optOut("+17775550199");
      await enqueueTest(t, [c.id], "sms", { body: "Hi" });
      const r = await createDispatcher(t.deps, providersFromConfig(t.deps.config, t.db, t.deps.clock), {
        owner: "w",
        random: () => 0.5,
      }).tick();
      expect(r.failed).toBe(1);
      const [row] = await t.db.select().from(deliveries);
      expect(row!.status).toBe("failed");
      expect(row!.lastError).toContain("21610");
      const active = await t.db.select().from(suppressions);
      expect(active.map((s) => [s.channel, s.address, s.reason, s.source])).toEqual([
        ["sms", "+17775550199", "stop_keyword", "twilio error 21610"],
      ]);
    } finally {
      twilio.stop();
    }
  });
});
