// Which message earned an order (issue 14): the delivery whose link the customer followed last
// before ordering, within the studio's attribution window (Settings, default 7 days). Only
// clicks by people count (COUNTED_ENGAGEMENT_KINDS): a link scanner's click earns nothing.
//
// An order's attribution is decided when it is written and kept: changing the window applies
// to orders written from then on, so a shop re-sending an order unchanged (a nightly sync) does
// not move past revenue. It changes only when the order's customer or time is corrected, when
// a later click by a person is recorded for it (a click reported late), or when its click turns
// out to be a machine's (a burst found afterwards).
import { type SQL, sql } from "drizzle-orm";
import type { Db, Tx } from "./client.ts";
import { COUNTED } from "./performance.ts";

const DAY_MS = 24 * 3600_000;

// The last counted click of the order's customer in [ordered_at − window, ordered_at]; ties by id.
const lastClick = (column: "id" | "delivery_id" | "occurred_at") => sql`(
  select e.${sql.raw(column)} from engagements e
  where e.customer_id = orders.customer_id and e.type = 'click' and e.kind in (${COUNTED})
    and e.occurred_at <= orders.ordered_at
    and e.occurred_at >= orders.ordered_at - coalesce((select attribution_days from studio_settings where id = 1), 7) * ${DAY_MS}
  order by e.occurred_at desc, e.id desc limit 1)`;

const current = sql`(select c.occurred_at from engagements c
  where c.id = orders.attributed_engagement_id and c.kind in (${COUNTED}))`;

const decide = (db: Db | Tx, where: SQL) =>
  db.run(sql`
    update orders set attributed_engagement_id = ${lastClick("id")}, attributed_delivery_id = ${lastClick("delivery_id")}
    where ${where}`);

/**
 * Brings `customerId`'s orders placed at or after `since` up to date after a click was recorded
 * or re-marked: an order without a (still counted) click is decided afresh; one with a click
 * keeps it unless a later counted click now falls in its window. Idempotent.
 */
export async function attributeOrders(db: Db | Tx, customerId: number, since: Date): Promise<void> {
  await decide(
    db,
    sql`customer_id = ${customerId} and ordered_at >= ${since.getTime()} and (
      ${current} is null or ${lastClick("occurred_at")} > ${current})`,
  );
}

/** Decides one order afresh with today's window: when it is written, or its customer or time corrected. */
export async function attributeOrder(db: Db | Tx, orderId: number): Promise<void> {
  await decide(db, sql`id = ${orderId}`);
}
