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
import { deliveries, deliveryEvents, suppressions } from "../../src/db/schema.ts";
import { sendStudio } from "../support/send-studio.ts";
import {
  EMAILS,
  IN_FLIGHT,
  post,
  SMS,
  storm as stormOf,
  stormCallbacks,
  studioThatSent,
} from "../support/webhook-storm.ts";

// The order of statuses (src/core/delivery-status.ts): a status seen later must never rank lower.
const RANK: Partial<Record<DeliveryStatus, number>> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 4,
  failed: 4,
  bounced: 4,
};

const studio = sendStudio();
const dir = mkdtempSync(join(tmpdir(), "pigeon-storm-"));
afterAll(() => {
  studio.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("thousands of duplicated, shuffled status callbacks, some forged: statuses end right and never move back, forgeries get 403, /healthz answers throughout", async () => {
  const { t, sent } = await studioThatSent(studio, `file:${join(dir, "storm.db")}`);
  expect(sent.length).toBe(EMAILS + SMS);
  expect(sent.every((d) => d.status === "sent")).toBe(true);

  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: t.app.fetch });
  const origin = `http://127.0.0.1:${server.port}`;
  const { callbacks, expected } = stormCallbacks(studio, sent, origin);
  const unique = callbacks.filter((c) => c.good).length;
  const storm = stormOf(callbacks);
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
      if (seen && (rank < seen.rank || (rank === seen.rank && d.status !== seen.status)))
        backwards.push(`delivery ${d.id}: ${seen.status} → ${d.status}`);
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
  const started = performance.now();
  await post(storm, async (c, res) => {
    const text = await res.text();
    const key = `${c.good ? "genuine" : "forged"} ${res.status}`;
    answers.set(key, (answers.get(key) ?? 0) + 1);
    const ok = c.good ? res.status === 200 || res.status === 204 : res.status === 403;
    if (!ok && wrong.length < 20) wrong.push(`${key} for delivery ${c.delivery} (${c.eventId}): ${text.slice(0, 200)}`);
  });
  const stormMs = performance.now() - started;
  stormOver = true;
  await Promise.all([poll, watch]);
  await sample();
  await server.stop(true);

  const sorted = [...healthz].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const max = sorted.at(-1) ?? 0;
  const finals = await t.db
    .select({ id: deliveries.id, status: deliveries.status, toAddress: deliveries.toAddress })
    .from(deliveries);
  const mismatched = finals
    .filter((d) => expected.get(d.id) !== d.status)
    .map((d) => `delivery ${d.id}: ${d.status}, expected ${expected.get(d.id)}`);
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
  const recorded = await t.db
    .select({ id: deliveryEvents.deliveryId, eventId: deliveryEvents.providerEventId })
    .from(deliveryEvents)
    .where(isNotNull(deliveryEvents.providerEventId));
  expect(recorded.length).toBe(unique);
  expect(new Set(recorded.map((r) => r.eventId))).toEqual(
    new Set(callbacks.filter((c) => c.good).map((c) => c.eventId)),
  );
  // Only the genuine hard bounces suppressed an address.
  const suppressed = await t.db
    .select({ address: suppressions.address })
    .from(suppressions)
    .where(and(isNull(suppressions.clearedAt), eq(suppressions.channel, "email")));
  expect(new Set<string | null>(suppressed.map((s) => s.address))).toEqual(
    new Set(finals.filter((d) => d.status === "bounced").map((d) => d.toAddress)),
  );
  expect(healthzStatuses.get(200)).toBe(healthz.length);
  // A generous bound, not a speed target: on a loaded 2-core machine a poll may wait behind a
  // burst of writes, but five seconds only happens if the server stalls (a blocked event loop, a
  // lock never released), which is what this guards against.
  expect(max).toBeLessThan(5000);
});
