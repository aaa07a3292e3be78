// Which message made a customer unsubscribe (issue 14): an `unsubscribed` delivery event on the
// delivery whose link or whose SMS was answered, counted by performanceOf as "unsubscribed".
// Written on the caller's transaction, beside the suppression it explains, and only when that
// suppression is new: a customer already unsubscribed who clicks an older message's link again
// did not unsubscribe because of that message.
import { sql } from "drizzle-orm";
import type { Db, Tx } from "./client.ts";
import { deliveredByReader } from "./delivery-status.ts";

const DAY_MS = 86_400_000;

/**
 * Records that delivery `deliveryId` made customer `customerId` unsubscribe, once per delivery,
 * and only if the delivery was that customer's (a token naming someone else's delivery records
 * nothing). Answers whether a row was written.
 */
export async function recordUnsubscribed(db: Db | Tx, deliveryId: number, customerId: number, now: Date) {
  const rows = await db.all<{ id: number }>(sql`
    insert into delivery_events (delivery_id, type, occurred_at)
    select d.id, 'unsubscribed', ${now.getTime()} from deliveries d
    where d.id = ${deliveryId} and d.customer_id = ${customerId}
      and not exists (select 1 from delivery_events v where v.delivery_id = d.id and v.type = 'unsubscribed')
    returning id`);
  if (rows.length) await deliveredByReader(db, deliveryId, now, "the reader unsubscribed through its link");
  return rows.length > 0;
}

/**
 * A STOP reply from `phone`: the most recent SMS of a message or notification sent to that number
 * in the last 7 days made them stop, if there is one — the most recent known to have arrived
 * first (a text still without a report may never arrive: the phone may be off). A STOP weeks after the last text is not
 * that text's doing (nor a test's or a reply's), so it counts for no message.
 */
export async function recordSmsStop(db: Db | Tx, phone: string, now: Date) {
  const rows = await db.all<{ id: number }>(sql`
    insert into delivery_events (delivery_id, type, occurred_at)
    select d.id, 'unsubscribed', ${now.getTime()} from deliveries d
    where d.id = (
        select id from deliveries
        where channel = 'sms' and to_address = ${phone} and source_type in ('message', 'notification')
          and sent_at is not null and sent_at >= ${now.getTime() - 7 * DAY_MS} and sent_at <= ${now.getTime()}
        order by status = 'delivered' desc, sent_at desc, id desc limit 1)
      and not exists (select 1 from delivery_events v where v.delivery_id = d.id and v.type = 'unsubscribed')
    returning delivery_id as id`);
  if (rows[0]) await deliveredByReader(db, rows[0].id, now, "the reader answered STOP");
  return rows.length > 0;
}
