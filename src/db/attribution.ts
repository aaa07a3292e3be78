// Which message earned an order (issue 14): the delivery whose link the customer followed last
// before ordering, within the studio's attribution window (Settings, default 7 days). Only
// clicks by people count (COUNTED_ENGAGEMENT_KINDS): a link scanner's click earns nothing.
import { sql } from "drizzle-orm";
import { COUNTED_ENGAGEMENT_KINDS } from "../core/vocabulary.ts";
import type { Db, Tx } from "./client.ts";

const COUNTED = sql.raw(COUNTED_ENGAGEMENT_KINDS.map((k) => `'${k}'`).join(", "));
const DAY_MS = 24 * 3600_000;

// The last counted click of the order's customer in [ordered_at − window, ordered_at]; ties by id.
const lastClick = (column: "id" | "delivery_id") => sql`(
  select e.${sql.raw(column)} from engagements e
  where e.customer_id = orders.customer_id and e.type = 'click' and e.kind in (${COUNTED})
    and e.occurred_at <= orders.ordered_at
    and e.occurred_at >= orders.ordered_at - coalesce((select attribution_days from studio_settings where id = 1), 7) * ${DAY_MS}
  order by e.occurred_at desc, e.id desc limit 1)`;

/**
 * Decides (again) the attribution of `customerId`'s orders placed at or after `since`: called when
 * an order is written and when a click is recorded (a click reported late may come before an order
 * already written). Idempotent: the same clicks give the same answer.
 */
export async function attributeOrders(db: Db | Tx, customerId: number, since: Date): Promise<void> {
  await db.run(sql`
    update orders set attributed_engagement_id = ${lastClick("id")}, attributed_delivery_id = ${lastClick("delivery_id")}
    where customer_id = ${customerId} and ordered_at >= ${since.getTime()}`);
}
