// Deliveries seeded in the real schema as a send leaves them, for tests of what came after
// (unsubscribes, clicks, orders, the numbers): each call writes one row with its own key.
import type { Db } from "../../src/db/client.ts";
import { deliveries } from "../../src/db/schema.ts";

type DeliveryRow = typeof deliveries.$inferInsert;

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
