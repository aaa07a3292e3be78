// Outside review of issue 13 (eyes-break1): failing tests, one per problem found.
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { setAppointmentStatus } from "../src/db/appointment-changes.ts";
import { createAppointment } from "../src/db/customers.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { deliveries, messages } from "../src/db/schema.ts";
import { later, noon, sendStudio } from "./support/send-studio.ts";

const s = sendStudio();
afterAll(() => s.stop());
const HOUR = 3600_000;
const startsAt = new Date("2026-09-03T15:00:00Z");

describe("a cancelled appointment's SMS-or-call", () => {
  test("SMS skipped for the cancellation, then the appointment booked again: the call must not go in its place", async () => {
    const { t, people, dispatcher } = await s.studio();
    const anna = people[0]!;
    const a = await createAppointment(t.db, { customerId: anna.id, startsAt, location: "Studio A" }, "api", noon);
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Snow day",
        channels: ["sms", "voice"],
        body: "Closed tomorrow",
        voiceScript: "We are closed tomorrow",
        callOnlyIfNoSms: true,
        filters: { appointment_ids: [a.id] },
        status: "sending",
        activatedAt: noon,
      })
      .returning();
    const key = (ch: "sms" | "voice") =>
      deliveryKey({ kind: "message", messageId: m!.id, appointmentId: a.id }, { customerId: anna.id }, ch);
    await enqueueDeliveries(
      t.db,
      { sourceType: "message", messageId: m!.id },
      [
        {
          key: key("sms"),
          decision: { customerId: anna.id, channel: "sms", to: anna.phone, skip: null },
          dueAt: noon,
          appointmentId: a.id,
        },
        {
          key: key("voice"),
          decision: { customerId: anna.id, channel: "voice", to: anna.phone, skip: null, waitsOnSms: true },
          dueAt: noon,
          afterKey: key("sms"),
          appointmentId: a.id,
        },
      ],
      noon,
    );
    t.setNow(later(HOUR));
    await setAppointmentStatus(t.db, a.id, ["scheduled"], "cancelled", later(HOUR), { source: "sms" });
    // The dispatcher skips the SMS for the cancellation and stops there (shut down, or its lease ran
    // out before it reached the calls): the outbox's trigger has queued the call in the SMS's place.
    await t.db
      .update(deliveries)
      .set({ status: "skipped", skipReason: "appointment_cancelled", updatedAt: later(HOUR) })
      .where(eq(deliveries.deliveryKey, key("sms")));
    const [voice] = await t.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.deliveryKey, key("voice")));
    expect(voice!.status).toBe("queued"); // as if the SMS had not reached her (a landline)
    // The customer phones the studio and keeps the appointment after all.
    await setAppointmentStatus(t.db, a.id, ["cancelled"], "scheduled", later(2 * HOUR), { source: "staff" });
    t.setNow(later(3 * HOUR));
    await dispatcher().tick();
    const rows = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
    // The SMS could reach her (a mobile): the call was never meant to go. Either both go, or neither.
    expect(s.twilio.calls.filter((c) => c.to === anna.phone)).toEqual([]);
    expect(rows.find((d) => d.channel === "voice")!.status).toBe("skipped");
  });
});
