// Webhook storm (issue 10): a real server on a loopback port, a file database, a few hundred
// deliveries really sent through the Resend and Twilio SDKs to the local fakes, then thousands
// of their status callbacks — each duplicated, all shuffled (delivered before sent), about one in
// ten carrying a bad signature — fifty in flight at once, while /healthz is polled throughout.
// What must hold: every delivery ends at the most advanced status its events report, no status
// ever moves back, a duplicate is recorded once, a bad signature gets 403 and changes nothing, no
// callback gets a 5xx, and /healthz keeps answering.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { DeliveryStatus } from "../../src/core/delivery-status.ts";
import { createCustomer } from "../../src/db/customers.ts";
import { deliveries, deliveryEvents, phoneLookups, suppressions } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import type { SignedRequest } from "../fakes/fake-twilio.ts";
import { makeTestApp } from "../support/app.ts";
import { noon, sendStudio } from "../support/send-studio.ts";

const EMAILS = 200;
const SMS = 150;
const IN_FLIGHT = 50;
// The order of statuses (src/core/delivery-status.ts): a status seen later must never rank lower.
const RANK: Partial<Record<DeliveryStatus, number>> = { queued: 0, sending: 1, sent: 2, delivered: 3, undelivered: 4, failed: 4, bounced: 4 };

const studio = sendStudio();
const dir = mkdtempSync(join(tmpdir(), "pigeon-storm-"));
afterAll(() => {
  studio.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Callback = { url: string; body: string; headers: Record<string, string>; delivery: number; good: boolean; eventId: string };

/** Fisher–Yates with a seeded generator, so a failing order can be run again. */
function shuffle<T>(xs: T[], seed: number): T[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

test("thousands of duplicated, shuffled status callbacks, some forged: statuses end right and never move back, forgeries get 403, /healthz answers throughout", async () => {
  const t = await makeTestApp({ now: noon, env: studio.env, url: `file:${join(dir, "storm.db")}` });
  await updateSettings(t.db, { name: "Brightside", timeZone: "America/Chicago", emailRatePerSecond: 1000, smsRatePerSecond: 1000 }, noon);
  const people: Awaited<ReturnType<typeof createCustomer>>[] = [];
  for (let i = 0; i < Math.max(EMAILS, SMS); i++) {
    const n = String(i).padStart(4, "0");
    people.push(await createCustomer(t.db, { first_name: `Storm${n}`, email: `storm${n}@x.test`, phone: `+1777555${n}`, consent: { email: true, sms: true } }, "test", noon));
  }
  await t.db.insert(phoneLookups).values(people.map((p) => ({ phone: p.phone!, lineType: "mobile", lookedUpAt: noon })));
  const asPerson = (p: (typeof people)[number]) => ({ id: p.id, email: p.email, phone: p.phone });
  await studio.message(t, people.slice(0, EMAILS).map(asPerson), "email", "Your photos are online.");
  await studio.message(t, people.slice(0, SMS).map(asPerson), "sms", "Your photos are online.");
  for (let i = 0; i < 50; i++) {
    const waiting = await t.db.select({ id: deliveries.id }).from(deliveries).where(isNull(deliveries.providerMessageId));
    if (!waiting.length) break;
    await t.deps.dispatcher.tick();
  }
  const sent = await t.db.select().from(deliveries).where(isNotNull(deliveries.providerMessageId));
  expect(sent.length).toBe(EMAILS + SMS);
  expect(sent.every((d) => d.status === "sent")).toBe(true);

  // What each delivery's provider will report, in the order it happened; the last is where it must end.
  const expected = new Map<number, DeliveryStatus>();
  const callbacks: Callback[] = [];
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: t.app.fetch });
  const origin = `http://127.0.0.1:${server.port}`;
  const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, origin);
  for (const d of sent) {
    const pick = d.id % 5;
    if (d.channel === "email") {
      const path: [string, Record<string, unknown>?][] =
        pick < 3 ? [["email.sent"], ["email.delivered"], ["email.opened"]] : pick === 3 ? [["email.sent"], ["email.delivered"], ["email.bounced", { bounce: { type: "Permanent", subType: "General", message: "mailbox gone" } }]] : [["email.sent"], ["email.delivery_delayed"]];
      expected.set(d.id, pick < 3 ? "delivered" : pick === 3 ? "bounced" : "sent");
      for (const [type, extra] of path) {
        const signed = studio.resend.signWebhook(studio.webhookSecret, studio.resend.emailEvent(type, d.providerMessageId!, extra));
        callbacks.push({ url: `${origin}/webhooks/resend`, ...signed, delivery: d.id, good: true, eventId: signed.headers["svix-id"] });
      }
      // Forgeries claiming the e-mail failed: by another secret, a genuine signature over another body, and a stale one.
      if (pick % 2 === 0) {
        const forged = studio.resend.signWebhook(`whsec_${Buffer.from(`storm-${d.id}-wrong-secret`).toString("base64")}`, studio.resend.emailEvent("email.failed", d.providerMessageId!, { failed: { reason: "forged" } }));
        callbacks.push({ url: `${origin}/webhooks/resend`, ...forged, delivery: d.id, good: false, eventId: forged.headers["svix-id"] });
      } else if (pick === 1) {
        const genuine = studio.resend.signWebhook(studio.webhookSecret, studio.resend.emailEvent("email.delivered", d.providerMessageId!));
        const body = genuine.body.replace('"email.delivered"', '"email.failed"');
        callbacks.push({ url: `${origin}/webhooks/resend`, body, headers: genuine.headers, delivery: d.id, good: false, eventId: genuine.headers["svix-id"] });
      } else {
        const stale = studio.resend.signWebhook(studio.webhookSecret, studio.resend.emailEvent("email.failed", d.providerMessageId!), { timestamp: new Date(Date.now() - 10 * 60_000) });
        callbacks.push({ url: `${origin}/webhooks/resend`, ...stale, delivery: d.id, good: false, eventId: stale.headers["svix-id"] });
      }
    } else {
      const sid = d.providerMessageId!;
      const path = pick < 3 ? ["queued", "sent", "delivered"] : pick === 3 ? ["queued", "sending", "sent", "undelivered"] : ["queued", "sent"];
      expected.set(d.id, pick < 3 ? "delivered" : pick === 3 ? "undelivered" : "sent");
      let genuine: SignedRequest | undefined;
      for (const status of path) {
        genuine = studio.twilio.setStatus(sid, status, status === "undelivered" ? { errorCode: 30003 } : {})!;
        callbacks.push({ url: local(genuine.url), body: genuine.body, headers: genuine.headers, delivery: d.id, good: true, eventId: `${sid}:${status}` });
      }
      // Forgeries claiming the SMS failed: signed with another auth token, or a genuine signature over another status.
      const { ErrorCode: _, ...rest } = genuine!.params;
      const params = { ...rest, MessageStatus: "failed", SmsStatus: "failed" };
      const failed = studio.twilio.signCallback(`storm-wrong-token-${d.id}`.padEnd(32, "x"), genuine!.url, params);
      callbacks.push({ url: local(failed.url), body: failed.body, headers: failed.headers, delivery: d.id, good: false, eventId: `${sid}:failed` });
      if (pick % 2 === 1) callbacks.push({ url: local(genuine!.url), body: new URLSearchParams(params).toString(), headers: genuine!.headers, delivery: d.id, good: false, eventId: `${sid}:failed` });
    }
  }
  // Providers retry: every genuine callback arrives one to five times, the same request each time.
  const unique = callbacks.filter((c) => c.good).length;
  const storm: Callback[] = [];
  callbacks.forEach((c, i) => {
    for (let n = c.good ? 1 + (i % 5) : 1; n > 0; n--) storm.push(c);
  });
  shuffle(storm, 20261122);
  const forged = storm.filter((c) => !c.good).length;

  // While the storm runs: /healthz polled one request after another, and every delivery's status
  // sampled, to see that none ever moves back.
  let stormOver = false;
  const healthz: number[] = [];
  const healthzStatuses = new Map<number, number>();
  const poll = (async () => {
    while (!stormOver) {
      const started = performance.now();
      const res = await fetch(`${origin}/healthz`);
      await res.arrayBuffer();
      healthz.push(performance.now() - started);
      healthzStatuses.set(res.status, (healthzStatuses.get(res.status) ?? 0) + 1);
      await Bun.sleep(20);
    }
  })();
  const backwards: string[] = [];
  const highest = new Map<number, { status: DeliveryStatus; rank: number }>();
  const sample = async () => {
    for (const d of await t.db.select({ id: deliveries.id, status: deliveries.status }).from(deliveries)) {
      const rank = RANK[d.status] ?? -1;
      const seen = highest.get(d.id);
      if (seen && (rank < seen.rank || (rank === seen.rank && d.status !== seen.status))) backwards.push(`delivery ${d.id}: ${seen.status} → ${d.status}`);
      if (!seen || rank >= seen.rank) highest.set(d.id, { status: d.status, rank });
    }
  };
  const watch = (async () => {
    while (!stormOver) {
      await sample();
      await Bun.sleep(100);
    }
  })();

  const answers = new Map<string, number>();
  const wrong: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < storm.length) {
        const c = storm[next++]!;
        const res = await fetch(c.url, { method: "POST", body: c.body, headers: c.headers });
        const text = await res.text();
        const key = `${c.good ? "genuine" : "forged"} ${res.status}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        const ok = c.good ? res.status === 200 || res.status === 204 : res.status === 403;
        if (!ok && wrong.length < 20) wrong.push(`${key} for delivery ${c.delivery} (${c.eventId}): ${text.slice(0, 200)}`);
      }
    }),
  );
  const stormMs = performance.now() - started;
  stormOver = true;
  await Promise.all([poll, watch]);
  await sample();
  server.stop(true);

  const sorted = [...healthz].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const max = sorted.at(-1) ?? 0;
  const finals = await t.db.select({ id: deliveries.id, status: deliveries.status, toAddress: deliveries.toAddress }).from(deliveries);
  const mismatched = finals.filter((d) => expected.get(d.id) !== d.status).map((d) => `delivery ${d.id}: ${d.status}, expected ${expected.get(d.id)}`);
  console.log(
    [
      `webhook storm: ${storm.length} callbacks in ${(stormMs / 1000).toFixed(1)} s, ${IN_FLIGHT} in flight, for ${sent.length} deliveries (${EMAILS} e-mails, ${SMS} SMS)`,
      `  ${unique} distinct genuine events, ${storm.length - forged - unique} duplicates, ${forged} forged`,
      `  answers: ${[...answers].map(([k, v]) => `${k}: ${v}`).join(", ")}`,
      `  final statuses right: ${finals.length - mismatched.length} of ${finals.length}; moved back: ${backwards.length}`,
      `  /healthz during the storm: ${healthz.length} polls, median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms, statuses ${[...healthzStatuses].map(([k, v]) => `${k}×${v}`).join(" ")}`,
    ].join("\n"),
  );

  expect(storm.length).toBeGreaterThan(3000);
  expect(forged / storm.length).toBeGreaterThan(0.05);
  expect(wrong).toEqual([]);
  expect(answers.get("forged 403")).toBe(forged);
  expect(mismatched).toEqual([]);
  expect(backwards).toEqual([]);
  // Forgeries all claimed "failed", which no genuine event did: nothing may have ended there.
  expect(finals.filter((d) => d.status === "failed")).toEqual([]);
  // A duplicate is recorded once: each delivery holds exactly its distinct genuine events.
  const recorded = await t.db.select({ id: deliveryEvents.deliveryId, eventId: deliveryEvents.providerEventId }).from(deliveryEvents).where(isNotNull(deliveryEvents.providerEventId));
  expect(recorded.length).toBe(unique);
  expect(new Set(recorded.map((r) => r.eventId))).toEqual(new Set(callbacks.filter((c) => c.good).map((c) => c.eventId)));
  // Only the genuine hard bounces suppressed an address.
  const suppressed = await t.db.select({ address: suppressions.address }).from(suppressions).where(and(isNull(suppressions.clearedAt), eq(suppressions.channel, "email")));
  expect(new Set<string | null>(suppressed.map((s) => s.address))).toEqual(new Set(finals.filter((d) => d.status === "bounced").map((d) => d.toAddress)));
  expect(healthzStatuses.get(200)).toBe(healthz.length);
  // A generous bound, not a speed target: on a loaded 2-core machine a poll may wait behind a
  // burst of writes, but five seconds only happens if the server stalls (a blocked event loop, a
  // lock never released), which is what this guards against.
  expect(max).toBeLessThan(5000);
});
