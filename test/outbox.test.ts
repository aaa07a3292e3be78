// The outbox's guarantees on a real database: one row per decision, leases that make a late
// acknowledgement harmless, and nothing lost when a worker disappears.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { decideRecipients } from "../src/core/recipients.ts";
import { createCustomer } from "../src/db/customers.ts";
import {
  ackSent,
  beginAttempt,
  claimDue,
  failDelivery,
  holdOverdue,
  releaseLeases,
  renewLeases,
  requeue,
} from "../src/db/outbox-leases.ts";
import { enqueueDeliveries, loadCandidates } from "../src/db/outbox.ts";
import { deliveries, deliveryEvents, phoneLookups, suppressions } from "../src/db/schema.ts";
import { makeTestApp } from "./support/app.ts";
import { expireLeases } from "./support/leases.ts";

const t0 = new Date("2026-09-01T10:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

async function setup(n = 3) {
  const t = await makeTestApp({ now: t0 });
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = await createCustomer(
      t.db,
      { first_name: `C${i}`, email: `c${i}@x.test`, phone: `+1555123000${i}`, consent: { email: true, sms: true } },
      "test",
      t0,
    );
    ids.push(c.id);
  }
  return { t, ids };
}

async function enqueue(t: Awaited<ReturnType<typeof makeTestApp>>, ids: number[], channel: "email" | "sms" = "email") {
  const decisions = decideRecipients(await loadCandidates(t.db, ids), channel, { requireConsent: true });
  const source = { kind: "message" as const, messageId: 1 };
  return enqueueDeliveries(
    t.db,
    { sourceType: "message" },
    decisions.map((d) => ({ key: deliveryKey(source, { customerId: d.customerId }, channel), decision: d, dueAt: t0 })),
    t0,
  );
}

describe("outbox", () => {
  test("enqueueing the same decision twice creates each delivery once", async () => {
    const { t, ids } = await setup();
    expect(await enqueue(t, ids)).toEqual({ created: 3, existing: 0, refused: false });
    expect(await enqueue(t, ids)).toEqual({ created: 0, existing: 3, refused: false });
    expect(await t.db.select().from(deliveries)).toHaveLength(3);
  });

  test("a staggered send spreads what will be sent over batches; skipped rows take no slot", async () => {
    const { t, ids } = await setup(5);
    await t.db
      .insert(suppressions)
      .values({ channel: "email", address: "c1@x.test", reason: "bounced", source: "resend" });
    const decisions = decideRecipients(await loadCandidates(t.db, ids), "email", { requireConsent: true });
    await enqueueDeliveries(
      t.db,
      { sourceType: "message" },
      decisions.map((d) => ({
        key: deliveryKey({ kind: "message", messageId: 2 }, { customerId: d.customerId }, "email"),
        decision: d,
        dueAt: t0,
      })),
      t0,
      { batchSize: 2, intervalSeconds: 60 },
    );
    const rows = await t.db.select().from(deliveries).orderBy(deliveries.customerId);
    expect(rows.map((r) => [r.status, (r.dueAt.getTime() - t0.getTime()) / 1000])).toEqual([
      ["queued", 0],
      ["skipped", 0],
      ["queued", 0],
      ["queued", 60],
      ["queued", 60],
    ]);
  });

  test("every recipient not sent to is recorded with the reason", async () => {
    const { t, ids } = await setup(3);
    await t.db
      .insert(suppressions)
      .values({ channel: "sms", address: "+15551230001", reason: "stop_keyword", source: "twilio" });
    await t.db.insert(phoneLookups).values({ phone: "+15551230002", lineType: "landline", lookedUpAt: t0 });
    await enqueue(t, ids, "sms");
    const rows = await t.db.select().from(deliveries).orderBy(deliveries.customerId);
    expect(rows.map((r) => [r.status, r.skipReason])).toEqual([
      ["queued", null],
      ["skipped", "stop_keyword"],
      ["skipped", "landline"],
    ]);
  });

  test("a worker whose lease expired cannot acknowledge; the worker that took over can", async () => {
    const { t, ids } = await setup(1);
    await enqueue(t, ids);
    const [mine] = await claimDue(t.db, "email", "worker-a", at(0), 30_000, 10);
    expect(mine!.attempts).toBe(1);
    expect(await beginAttempt(t.db, mine!, "worker-a", at(1), 30_000, { subject: "Hi" })).toBe(true);
    // worker-a stalls past its lease; worker-b takes the delivery over.
    await expireLeases(t.db, "worker-a");
    const [theirs] = await claimDue(t.db, "email", "worker-b", at(31), 30_000, 10);
    expect(theirs!.id).toBe(mine!.id);
    expect(theirs!.attempts).toBe(2);
    expect(theirs!.attemptStartedAt).toEqual(at(1)); // the unknown-outcome attempt to reconcile
    expect(await ackSent(t.db, mine!.id, "worker-a", at(32), "resend", "late-id")).toBe(false);
    expect(await ackSent(t.db, theirs!.id, "worker-b", at(33), "resend", "real-id")).toBe(true);
    const [row] = await t.db.select().from(deliveries);
    expect([row!.status, row!.providerMessageId, row!.leaseOwner]).toEqual(["sent", "real-id", null]);
    expect((await t.db.select().from(deliveryEvents)).map((e) => e.type)).toEqual(["sent"]);
  });

  test("an ack after the lease ran out changes nothing even before anyone took over", async () => {
    const { t, ids } = await setup(1);
    await enqueue(t, ids);
    const [d] = await claimDue(t.db, "email", "w", at(0), 30_000, 10);
    await expireLeases(t.db, "w");
    expect(await ackSent(t.db, d!.id, "w", at(31), "resend", "x")).toBe(false);
    expect((await t.db.select().from(deliveries))[0]!.status).toBe("sending");
  });

  test("leases are judged by the database's clock: a worker whose own clock runs ahead takes over nothing", async () => {
    const { t, ids } = await setup(1);
    await enqueue(t, ids);
    const [mine] = await claimDue(t.db, "email", "worker-a", at(0), 30_000, 10);
    // worker-b's clock is ten minutes ahead of worker-a's: by its clock the lease ran out long ago.
    expect(await claimDue(t.db, "email", "worker-b", at(600), 30_000, 10)).toHaveLength(0);
    expect(await ackSent(t.db, mine!.id, "worker-a", at(1), "resend", "id-a")).toBe(true);
  });

  test("a heartbeat renews only the leases still held", async () => {
    const { t, ids } = await setup(2);
    await enqueue(t, ids);
    const [a, b] = await claimDue(t.db, "email", "w", at(0), 30_000, 10);
    await t.db
      .update(deliveries)
      .set({ leaseExpiresAt: new Date(0) })
      .where(eq(deliveries.id, b!.id));
    expect(await renewLeases(t.db, [a!.id, b!.id], "w", 30_000)).toEqual([a!.id]);
    expect(await renewLeases(t.db, [a!.id], "someone-else", 30_000)).toEqual([]);
    const [row] = await t.db.select().from(deliveries).where(eq(deliveries.id, a!.id));
    expect(row!.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 20_000);
  });

  test("claims take only what is due, in order, up to the limit, and not twice", async () => {
    const { t, ids } = await setup(3);
    await enqueue(t, ids);
    await t.db
      .update(deliveries)
      .set({ dueAt: at(100) })
      .where(eq(deliveries.customerId, ids[2]!));
    const first = await claimDue(t.db, "email", "a", at(0), 30_000, 1);
    const second = await claimDue(t.db, "email", "b", at(0), 30_000, 10);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(second[0]!.id).not.toBe(first[0]!.id);
    expect(await claimDue(t.db, "sms", "c", at(0), 30_000, 10)).toHaveLength(0);
  });

  test("a retry goes back to the queue with its error; a permanent failure keeps the provider's message", async () => {
    const { t, ids } = await setup(2);
    await enqueue(t, ids);
    const [a, b] = await claimDue(t.db, "email", "w", at(0), 30_000, 10);
    await requeue(t.db, a!.id, "w", at(1), at(61), { error: "429 rate limited" });
    await failDelivery(t.db, b!.id, "w", at(1), "422: The to field is invalid");
    const rows = await t.db.select().from(deliveries).orderBy(deliveries.id);
    expect(rows.map((r) => [r.status, r.lastError])).toEqual([
      ["queued", "429 rate limited"],
      ["failed", "422: The to field is invalid"],
    ]);
    expect(await claimDue(t.db, "email", "w", at(60), 30_000, 10)).toHaveLength(0);
    expect(await claimDue(t.db, "email", "w", at(61), 30_000, 10)).toHaveLength(1);
  });

  test("a graceful stop hands back what was claimed but not started", async () => {
    const { t, ids } = await setup(2);
    await enqueue(t, ids);
    const [started] = await claimDue(t.db, "email", "w", at(0), 30_000, 10);
    await beginAttempt(t.db, started!, "w", at(1), 30_000, {});
    await releaseLeases(t.db, "w", at(2));
    const rows = await t.db.select().from(deliveries).orderBy(deliveries.id);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["sending", 1],
      ["queued", 0],
    ]);
  });

  test("work overdue after an outage is held for review, not blasted", async () => {
    const { t, ids } = await setup(2);
    await enqueue(t, ids);
    await t.db
      .update(deliveries)
      .set({ dueAt: at(7200) })
      .where(eq(deliveries.customerId, ids[1]!));
    expect(await holdOverdue(t.db, at(3 * 3600), 2 * 3600_000, "3 h")).toBe(1);
    const rows = await t.db.select().from(deliveries).orderBy(deliveries.id);
    expect(rows.map((r) => r.status)).toEqual(["held", "queued"]);
    expect(rows[0]!.waitingReason).toContain("held for review");
  });
});
