// What a reply answers, set up for the SMS-reply tests: a text the dev outbox kept (which "Simulate
// a reply" answers) and a text sent about an appointment (which says what that reply is about).
import type { Db } from "../../src/db/client.ts";
import { createAppointment, createCustomer } from "../../src/db/customers.ts";
import { deliveries, devOutbox } from "../../src/db/schema.ts";

/** An SMS the dev outbox kept, from the studio's number to `to`, as a send would have left it. */
export async function keptText(
  db: Db,
  e: { id: string; to: string; from: string; body: string; at: Date; channel?: "sms" | "email"; subject?: string },
): Promise<string> {
  await db.insert(devOutbox).values({
    id: e.id,
    channel: e.channel ?? "sms",
    toAddress: e.to,
    fromAddress: e.from,
    subject: e.subject ?? null,
    body: e.body,
    ref: `ref-${e.id}`,
    status: "delivered",
    createdAt: e.at,
  });
  return e.id;
}

/** A text sent to a customer at `to` about one of their appointments, at `sentAt`. */
export async function sentTextAbout(
  db: Db,
  d: { key: string; customerId: number; appointmentId: number; to: string; sentAt: Date },
): Promise<void> {
  await db.insert(deliveries).values({
    deliveryKey: d.key,
    sourceType: "test",
    customerId: d.customerId,
    appointmentId: d.appointmentId,
    channel: "sms",
    toAddress: d.to,
    status: "sent",
    dueAt: d.sentAt,
    sentAt: d.sentAt,
  });
}

/** Maya, who agreed to texts at `phone`, and her session at Studio A on 2 September 2026, both made `now`. */
export async function mayaWithSession(db: Db, phone: string, now: Date) {
  const maya = await createCustomer(
    db,
    { first_name: "Maya", last_name: "Rivera", phone, consent: { sms: true } },
    "test",
    now,
  );
  const appt = await createAppointment(
    db,
    { customerId: maya.id, startsAt: new Date("2026-09-02T15:00:00Z"), location: "Studio A" },
    "api",
    now,
  );
  return { maya, appt };
}
