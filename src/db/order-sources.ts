// Where an order came from (issue 14): the delivery it is attributed to (the customer's last
// counted click within the window, see attribution.ts) and that delivery's message or
// notification, for the API's `attributed_to`.
import { eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { deliveries, type Order } from "./schema.ts";

export type OrderSource = { deliveryId: number; messageId: number | null; notificationId: number | null };
export type OrderWithSource = Order & { attributedTo: OrderSource | null };

/** The order with its source; null when no click earned it (or its delivery is gone). */
export async function withSource(db: Db, order: Order): Promise<OrderWithSource> {
  if (order.attributedDeliveryId === null) return { ...order, attributedTo: null };
  const d = await db.query.deliveries.findFirst({
    where: eq(deliveries.id, order.attributedDeliveryId),
    columns: { id: true, messageId: true, notificationId: true },
  });
  return {
    ...order,
    attributedTo: d ? { deliveryId: d.id, messageId: d.messageId, notificationId: d.notificationId } : null,
  };
}
