// Held deliveries through the staff pages (SPEC D6, O5): after an outage, automated notifications
// and a one-time message's sends wait for review; staff release them (sent from now, staggered) or
// cancel them (never sent), one at a time on the delivery page or all a filtered outbox list shows.
import { describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { auditLog, deliveries, deliveryEvents, devOutbox, messages, users } from "../src/db/schema.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { holdAfterOutage, one, ten } from "./support/held-work.ts";

/** A signed-in owner of a studio whose dispatcher was down from 10:00 to 13:00 (see holdAfterOutage). */
async function afterOutage() {
  const t = await makeTestApp({ now: ten });
  const b = await signedInOwner(t);
  return { t, b, ...(await holdAfterOutage(t)) };
}

const get = async (t: Awaited<ReturnType<typeof afterOutage>>["t"], id: number) =>
  (await t.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;
const timeline = (html: string) => html.slice(html.indexOf('id="timeline"'), html.indexOf('id="message"'));

test("the dashboard says when work waits for review, and leads to it; a paused message's work waits for its Resume instead", async () => {
  const { t, b, message } = await afterOutage();
  const dash = await b.get("/");
  expect(dash.text.replace(/\s+/g, " ")).toContain(
    '5 e-mails, texts and calls are held for review and will not go out until you decide: <a href="/outbox?status=held">release or cancel them</a>.',
  );
  await t.db.update(messages).set({ status: "paused" }).where(eq(messages.id, message.id));
  expect((await b.get("/")).text.replace(/\s+/g, " ")).toContain("3 e-mails, texts and calls are held for review");
});

describe("one held delivery", () => {
  test("a held notification e-mail is released from its page and sent by the next dispatcher pass", async () => {
    const { t, b, notified } = await afterOutage();
    const d = notified[0]!;
    expect([d.status, d.waitingReason]).toEqual([
      "held",
      "held for review: it fell due while Pigeon was not sending (for 3 h), and is too late to go out unasked",
    ]);
    expect(await t.db.select().from(devOutbox)).toHaveLength(0);

    const page = await b.get(`/outbox/${d.id}`);
    expect(page.text).toContain('id="held-actions"');
    expect(page.text).toContain(`action="/outbox/${d.id}/release"`);
    expect(page.text).toContain(`action="/outbox/${d.id}/cancel"`);
    const res = await b.post(`/outbox/${d.id}/release`, {});
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/outbox/${d.id}?done=released`);

    const released = await get(t, d.id);
    expect([released.status, released.waitingReason, released.dueAt.getTime(), released.attemptStartedAt]).toEqual([
      "queued",
      null,
      one.getTime(),
      null,
    ]);
    expect((await t.deps.dispatcher.tick()).sent).toBe(1);
    const [mail] = await t.db.select().from(devOutbox);
    expect(mail!.toAddress).toBe("anna@x.test");
    expect(mail!.subject).toBe("Your photos from Lincoln Elementary are online");

    const after = await b.get(`/outbox/${d.id}?done=released`);
    expect(after.text).toContain("Released: it is queued again");
    expect(timeline(after.text)).toContain("Released by staff");
    expect(timeline(after.text)).toContain(
      "by: Olivia Owner · was: held for review: it fell due while Pigeon was not sending (for 3 h), and is too late to go out unasked",
    );
    const [owner] = await t.db.select().from(users);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, "delivery"), eq(auditLog.entityId, d.id)));
    expect([entry!.action, entry!.actorUserId, entry!.actorApiKeyId]).toEqual(["released", owner!.id, null]);
    // The others stay held: one release is one decision.
    expect((await get(t, notified[1]!.id)).status).toBe("held");
  });

  test("a cancelled one is never sent and says who cancelled it", async () => {
    const { t, b, notified } = await afterOutage();
    const d = notified[1]!;
    const res = await b.post(`/outbox/${d.id}/cancel`, {});
    expect(res.location).toBe(`/outbox/${d.id}?done=cancelled`);
    const row = await get(t, d.id);
    expect([row.status, row.skipReason, row.waitingReason]).toEqual(["skipped", "cancelled_by_staff", null]);
    await t.deps.dispatcher.tick();
    expect(await t.db.select().from(devOutbox).where(eq(devOutbox.toAddress, "ben@x.test"))).toHaveLength(0);
    const page = await b.get(`/outbox/${d.id}`);
    expect(page.text).toContain("Skipped: Cancelled by staff");
    expect(page.text).not.toContain('id="held-actions"');
    expect(timeline(page.text)).toContain("Cancelled by staff");
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, "delivery"), eq(auditLog.entityId, d.id)));
    expect(entry!.action).toBe("cancelled");
  });

  test("a delivery that is no longer held is left alone, and the page says why; unknown ids are a 404", async () => {
    const { t, b, notified } = await afterOutage();
    const d = notified[0]!;
    await b.post(`/outbox/${d.id}/release`, {});
    await t.deps.dispatcher.tick();
    for (const [action, past] of [
      ["release", "released"],
      ["cancel", "cancelled"],
    ]) {
      const again = await b.post(`/outbox/${d.id}/${action}`, {});
      expect(again.status).toBe(409);
      expect(again.text).toContain(
        `This delivery is no longer held (it is sent now), so it was not ${past}. Nothing was changed.`,
      );
    }
    expect((await get(t, d.id)).status).toBe("sent");
    expect((await b.post("/outbox/99999/release", {})).status).toBe(404);
    expect((await b.post("/outbox/99999/cancel", {})).text).toContain("There is no such delivery.");
    expect((await b.post("/outbox/abc/release", {})).status).toBe(404);
    // Without the form's CSRF token nothing happens.
    const forged = await b.post(`/outbox/${notified[1]!.id}/cancel`, {}, { csrf: null });
    expect(forged.status).toBe(403);
    expect((await get(t, notified[1]!.id)).status).toBe("held");
  });

  test("an e-mail held because its attempt's outcome is unknown is sent afresh when released, with a warning first", async () => {
    const { t, b, notified } = await afterOutage();
    const d = notified[2]!;
    // What the dispatcher leaves on an e-mail whose batch may or may not have gone out.
    const tried = new Date("2026-08-30T09:00:00Z");
    await t.db
      .update(deliveries)
      .set({
        attemptStartedAt: tried,
        attemptGroup: "batch-old",
        waitingReason: "held: its send of 2026-08-30 may have gone out",
      })
      .where(eq(deliveries.id, d.id));
    const page = await b.get(`/outbox/${d.id}`);
    expect(page.text).toContain(
      "An earlier attempt (started 2026-08-30 09:00:00 UTC) may have reached the recipient, and Resend no longer remembers it: a release sends it afresh, so it may arrive twice.",
    );
    await b.post(`/outbox/${d.id}/release`, {});
    const row = await get(t, d.id);
    expect([row.status, row.attemptStartedAt, row.attemptGroup]).toEqual(["queued", null, null]);
    expect((await t.deps.dispatcher.tick()).sent).toBe(1);
    expect((await get(t, d.id)).status).toBe("sent");
  });

  test("a paused message's held delivery points to resuming the message", async () => {
    const { t, b, message } = await afterOutage();
    // Release the outage hold first so the message can be paused the ordinary way.
    await b.get(`/outbox/held/release?message=${message.id}`);
    await b.post("/outbox/held/release", { message: String(message.id), expected: "2" });
    await b.get(`/messages/${message.id}`);
    expect((await b.post(`/messages/${message.id}/pause`, {})).status).toBe(303);
    const [d] = await t.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.messageId, message.id), eq(deliveries.status, "held")));
    expect(d!.waitingReason).toBe("paused by staff");
    const page = await b.get(`/outbox/${d!.id}`);
    expect(page.text).toContain(
      `Its message is paused: <a href="/messages/${message.id}">resuming the message</a> is the usual way`,
    );
    expect(page.text).toContain("Releasing here sends just this one.");
    const list = await b.get(`/outbox?status=held&message=${message.id}`);
    expect(list.text).toContain(
      "2 of them belong to paused messages; for those, resuming the message is the usual way",
    );
    expect((await b.get(`/outbox/held/cancel?message=${message.id}`)).text).toContain(
      "2 of them belong to paused messages",
    );
  });
});

describe("every held delivery a list shows", () => {
  test("release all: the list offers it with the count, a confirmation says what it means, then they go out staggered", async () => {
    const { t, b, notified, messaged } = await afterOutage();
    const list = await b.get("/outbox?status=held");
    expect(list.text).toContain("<strong>5 held deliveries</strong> match these filters.");
    expect(list.text).toContain('href="/outbox/held/release">Release all 5 held</a>');
    expect(list.text).toContain('href="/outbox/held/cancel">Cancel all 5 held…</a>');
    // Another filter narrows the action with the list.
    const narrowed = await b.get(`/outbox?status=held&source=notification`);
    expect(narrowed.text).toContain('href="/outbox/held/release?source=notification">Release all 3 held</a>');
    expect(
      (await b.get("/outbox?status=held&source=notification", { "HX-Request": "true", "HX-Request-Type": "partial" }))
        .text,
    ).toContain("Release all 3 held");

    const confirm = await b.get("/outbox/held/release?source=notification");
    expect(confirm.text).toContain("Release 3 held deliveries?");
    expect(confirm.text).toContain("sent from now on, staggered: 2 every 60 seconds");
    expect(confirm.text).toContain('<input type="hidden" name="source" value="notification"/>');
    expect(confirm.text).toContain('<input type="hidden" name="expected" value="3"/>');
    const res = await b.post("/outbox/held/release", { source: "notification", expected: "3" });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/outbox?status=held&source=notification&released=3");
    expect((await b.get(res.location!)).text).toContain(
      "Released 3 held deliveries: queued again, going out from now, staggered.",
    );

    // Staggered from now by the studio's batch size (2) and interval (60 s), in the order they were due.
    const rows = await Promise.all(notified.map((d) => get(t, d.id)));
    expect(rows.map((r) => [r.status, r.dueAt.toISOString()])).toEqual([
      ["queued", "2026-09-01T13:00:00.000Z"],
      ["queued", "2026-09-01T13:00:00.000Z"],
      ["queued", "2026-09-01T13:01:00.000Z"],
    ]);
    for (const m of messaged) expect((await get(t, m.id)).status).toBe("held");
    expect((await t.deps.dispatcher.tick()).sent).toBe(2);
    t.setNow(new Date("2026-09-01T13:01:00Z"));
    expect((await t.deps.dispatcher.tick()).sent).toBe(1);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "released"))).toHaveLength(3);
  });

  test("cancel all of a message's held deliveries: the message still finishes", async () => {
    const { t, b, message, messaged } = await afterOutage();
    const confirm = await b.get(`/outbox/held/cancel?message=${message.id}`);
    expect(confirm.text).toContain("Cancel 2 held deliveries?");
    expect(confirm.text).toContain(
      "They will not be sent: each is recorded as skipped, “Cancelled by staff”. This cannot be undone.",
    );
    const res = await b.post("/outbox/held/cancel", { message: String(message.id), expected: "2" });
    expect(res.location).toBe(`/outbox?status=held&message=${message.id}&cancelled=2`);
    for (const m of messaged) expect((await get(t, m.id)).skipReason).toBe("cancelled_by_staff");
    await runOneTimeMessages(t.deps, t.deps.clock());
    const [after] = await t.db.select().from(messages).where(eq(messages.id, message.id));
    expect(after!.status).toBe("sent");
    const report = await b.get(`/messages/${message.id}`);
    expect(report.text).toContain("Cancelled by staff");
  });

  test("bad input: a changed count, nothing held, bad filters, no confirmed count or an unknown action change nothing", async () => {
    const { t, b, job } = await afterOutage();
    const before = await t.db.select().from(deliveries).orderBy(deliveries.id);

    const stale = await b.post("/outbox/held/release", { expected: "4" });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain(
      "You confirmed 4 held deliveries, but 5 match now. Nothing was changed: check the number and confirm again.",
    );
    expect(stale.text).toContain('<input type="hidden" name="expected" value="5"/>');

    const none = await b.post("/outbox/held/cancel", { channel: "sms", expected: "1" });
    expect(none.status).toBe(409);
    expect(none.text).toContain("No held deliveries match any more");
    expect((await b.get("/outbox/held/release?channel=sms")).text).toContain(
      "No held deliveries match these filters (SMS): there is nothing to release.",
    );

    const badFilter = await b.post("/outbox/held/cancel", { job: "abc", expected: "3" });
    expect(badFilter.status).toBe(422);
    expect(badFilter.text).toContain("These filters are not valid (job");
    expect((await b.get("/outbox/held/cancel?channel=fax")).status).toBe(422);

    const unconfirmed = await b.post("/outbox/held/cancel", { job: String(job.id) });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain("Confirm how many deliveries this is about first");
    expect((await b.post("/outbox/held/delete", { expected: "5" })).status).toBe(404);
    expect((await b.post("/outbox/held/release", { expected: "5" }, { csrf: null })).status).toBe(403);

    expect(await t.db.select().from(deliveries).orderBy(deliveries.id)).toEqual(before);
    expect(await t.db.select().from(deliveryEvents)).toHaveLength(0);
  });
});
