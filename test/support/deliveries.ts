// Deliveries seeded in the real schema as a send leaves them, for tests of what came after
// (unsubscribes, clicks, orders, the numbers): each call writes one row with its own key.
// Engagements and attributed orders are seeded the same way, so their shape is written once.
import type { Db } from "../../src/db/client.ts";
import { deliveries, engagements, orders } from "../../src/db/schema.ts";

type DeliveryRow = typeof deliveries.$inferInsert;
type EngagementRow = typeof engagements.$inferInsert;

/** Writes deliveries like `base`, each changed by what the call gives; answers the new row's id. */
export function deliverySeeder(db: Db, base: Omit<DeliveryRow, "deliveryKey">) {
  let k = 0;
  return async (v: Partial<DeliveryRow> = {}) =>
    (
      await db
        .insert(deliveries)
        .values({ ...base, deliveryKey: `seeded-${++k}`, ...v })
        .returning()
    )[0]!.id;
}

/** Deliveries of a message's e-mail that arrived: due and sent at `sentAt` unless the base says otherwise. */
export function deliveredEmailSeeder(
  db: Db,
  base: { customerId: number; toAddress: string; sentAt: Date } & Partial<Omit<DeliveryRow, "deliveryKey">>,
) {
  return deliverySeeder(db, {
    sourceType: "message",
    channel: "email",
    status: "delivered",
    dueAt: base.sentAt,
    ...base,
  });
}

/** Records one customer's opens and clicks through a tracked link, at `usually` unless told. */
export function engagementSeeder(db: Db, customerId: number, usually: Date) {
  return (deliveryId: number, type: EngagementRow["type"], kind: EngagementRow["kind"], occurredAt = usually) =>
    db.insert(engagements).values({ deliveryId, customerId, type, source: "link", kind, occurredAt });
}

/** Writes one customer's orders for a job, each attributed to a delivery, placed at `usually` unless told. */
export function attributedOrderSeeder(db: Db, jobId: number, customerId: number, usually: Date) {
  return (amountMinor: number, currency: string, attributedDeliveryId: number, orderedAt = usually) =>
    db.insert(orders).values({ jobId, customerId, amountMinor, currency, orderedAt, attributedDeliveryId });
}
