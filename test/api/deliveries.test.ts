// Held deliveries through the API (SPEC I3, D6): an integration releases or cancels them one by
// id or several at once (by ids, message, or notification and job), and is told what changed.
import { describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog, deliveries, deliveryEvents, devOutbox } from "../../src/db/schema.ts";
import { holdAfterOutage, one, ten } from "../support/held-work.ts";
import { makeApiApp } from "./support.ts";

/** Three notification e-mails and two of a one-time message, held for review after a three-hour outage (see holdAfterOutage). */
async function afterOutage() {
  const t = await makeApiApp({ now: ten });
  const held = await holdAfterOutage(t);
  return {
    t,
    job: held.job,
    message: held.message,
    notified: held.notified.map((d) => d.id),
    messaged: held.messaged.map((d) => d.id),
  };
}

const statusOf = async (t: Awaited<ReturnType<typeof afterOutage>>["t"], id: number) =>
  (await t.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;

describe("POST /api/v1/deliveries/{id}/release and /cancel", () => {
  test("release: queued from now and sent; cancel: skipped, never sent; both on the timeline and in the audit log", async () => {
    const { t, notified } = await afterOutage();
    const released = await t.post(`/deliveries/${notified[0]}/release`, {});
    expect(released.status).toBe(200);
    expect(released.body.data).toMatchObject({
      id: notified[0],
      status: "queued",
      waiting_reason: null,
      due_at: one.toISOString(),
    });
    const cancelled = await t.post(`/deliveries/${notified[1]}/cancel`, {});
    expect(cancelled.body.data).toMatchObject({
      id: notified[1],
      status: "skipped",
      skip_reason: "cancelled_by_staff",
    });

    expect((await t.deps.dispatcher.tick()).sent).toBe(1);
    expect((await t.db.select().from(devOutbox)).map((m) => m.toAddress)).toEqual(["anna@x.test"]);
    const [event] = await t.db.select().from(deliveryEvents).where(eq(deliveryEvents.deliveryId, notified[1]!));
    expect([event!.type, event!.detail]).toEqual([
      "cancelled_by_staff",
      {
        by: "API key “test”",
        was: "held for review: it fell due while Pigeon was not sending (for 3 h), and is too late to go out unasked",
      },
    ]);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.entityType, "delivery")).orderBy(auditLog.id);
    expect(audits.map((a) => [a.action, a.entityId, a.actorApiKeyId, a.actorUserId])).toEqual([
      ["released", notified[0]!, t.keyId, null],
      ["cancelled", notified[1]!, t.keyId, null],
    ]);
  });

  test("404 for an unknown delivery, 409 for one that is not held (left as it is)", async () => {
    const { t, notified } = await afterOutage();
    expect((await t.post("/deliveries/99999/release", {})).status).toBe(404);
    expect((await t.post("/deliveries/99999/cancel", {})).body.error.message).toBe(
      "There is no delivery with this id.",
    );
    expect((await t.post("/deliveries/abc/release", {})).status).toBe(404);
    await t.post(`/deliveries/${notified[0]}/cancel`, {});
    const again = await t.post(`/deliveries/${notified[0]}/release`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      "This delivery is skipped, not held, so it was not released. Nothing was changed.",
    );
    expect((await statusOf(t, notified[0]!)).skipReason).toBe("cancelled_by_staff");
    expect(
      (await t.call("POST", `/deliveries/${notified[1]}/release`, undefined, { Authorization: "Bearer nope" })).status,
    ).toBe(401);
  });
});

describe("POST /api/v1/deliveries/release and /cancel", () => {
  test("by notification and job: released together, staggered from now by the studio's stagger", async () => {
    const { t, job, notified, messaged } = await afterOutage();
    const res = await t.post("/deliveries/release", { notification_id: 1, job_id: job.id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ released: 3, ids: notified, not_held: [] });
    const rows = await Promise.all(notified.map((id) => statusOf(t, id)));
    expect(rows.map((r) => r.dueAt.toISOString())).toEqual([
      "2026-09-01T13:00:00.000Z",
      "2026-09-01T13:00:00.000Z",
      "2026-09-01T13:01:00.000Z",
    ]);
    for (const id of messaged) expect((await statusOf(t, id)).status).toBe("held");
  });

  test("by message and by ids; ids no longer held are named, not touched", async () => {
    const { t, message, notified, messaged } = await afterOutage();
    expect((await t.post("/deliveries/cancel", { message_id: message.id })).body).toEqual({
      cancelled: 2,
      ids: messaged,
      not_held: [],
    });
    const mixed = await t.post("/deliveries/release", { ids: [notified[0], messaged[0]] });
    expect(mixed.status).toBe(200);
    expect(mixed.body).toEqual({ released: 1, ids: [notified[0]], not_held: [{ id: messaged[0], status: "skipped" }] });
    const none = await t.post("/deliveries/cancel", { ids: messaged });
    expect(none.status).toBe(409);
    expect(none.body.error).toEqual({
      message: "No held deliveries match, so none was cancelled. Nothing was changed.",
      fields: { "ids.0": "is skipped, not held", "ids.1": "is skipped, not held" },
    });
    const empty = await t.post("/deliveries/release", { message_id: message.id });
    expect(empty.status).toBe(409);
    const [after] = await t.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.id, messaged[0]!)));
    expect(after!.status).toBe("skipped");
  });

  test("bad selections are 422s naming the field, and change nothing", async () => {
    const { t, job, message, notified } = await afterOutage();
    const before = await t.db.select().from(deliveries).orderBy(deliveries.id);
    const fields = async (body: unknown) => {
      const res = await t.post("/deliveries/release", body);
      expect(res.status).toBe(422);
      return res.body.error.fields;
    };
    expect(await fields({})).toEqual({
      ids: "is required: select held deliveries by ids, message_id, or notification_id with job_id",
    });
    expect(await fields({ ids: [] })).toEqual({ ids: "must name at least one delivery" });
    expect(await fields({ ids: "1,2" })).toEqual({ ids: "must be a list of delivery ids" });
    expect((await fields({ ids: [notified[0], "x", -3] }))["ids.1"]).toContain("must be an id");
    expect(await fields({ ids: Array.from({ length: 1001 }, (_, i) => i + 1) })).toEqual({
      ids: "must name at most 1000 deliveries",
    });
    expect(await fields({ ids: [notified[0], 99999] })).toEqual({ "ids.1": "no delivery with this id" });
    expect(await fields({ ids: [notified[0]], message_id: message.id })).toEqual({
      message_id: "cannot be combined with ids: give one selection",
    });
    expect(await fields({ notification_id: 1 })).toEqual({
      job_id: "is required with notification_id (null for deliveries without a job)",
    });
    expect(await fields({ message_id: message.id, job_id: job.id })).toEqual({
      job_id: "selects only together with notification_id",
    });
    expect(await fields({ message_id: 99999 })).toEqual({ message_id: "no message with this id" });
    expect(await fields({ notification_id: 99999, job_id: 99999 })).toEqual({
      notification_id: "no notification with this id",
      job_id: "no job with this id",
    });
    expect(
      (await t.call("POST", "/deliveries/cancel", "not json", { "Content-Type": "application/json" })).status,
    ).toBe(400);
    expect(
      (await t.call("POST", "/deliveries/cancel", "ids=1", { "Content-Type": "application/x-www-form-urlencoded" }))
        .status,
    ).toBe(415);
    expect(await t.db.select().from(deliveries).orderBy(deliveries.id)).toEqual(before);
  });

  test("a held delivery shows in the list with why it waits", async () => {
    const { t, messaged } = await afterOutage();
    const list = await t.get("/deliveries?status=held&limit=1");
    expect(list.body.data[0]).toMatchObject({
      id: messaged[1],
      status: "held",
      waiting_reason:
        "held for review: it fell due while Pigeon was not sending (for 3 h), and is too late to go out unasked",
      due_at: "2026-09-01T10:05:00.000Z",
    });
  });
});
