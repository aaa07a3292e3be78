// What provider webhooks write to the outbox (SPEC D7, D8): one event per provider event id,
// and a status that only moves forward.
import { and, eq } from "drizzle-orm";
import { type DeliveryStatus, nextStatus } from "../core/delivery-status.ts";
import type { Db } from "./client.ts";
import type { Delivery } from "./outbox.ts";
import { deliveries, deliveryEvents } from "./schema.ts";

/** One delivery by its id (the `d` of the callback URLs we hand Twilio). */
export async function deliveryById(db: Db, id: number): Promise<Delivery | undefined> {
  return db.query.deliveries.findFirst({ where: eq(deliveries.id, id) });
}

/** The delivery a provider's message or call id belongs to. */
export async function deliveryByProviderId(db: Db, provider: string, providerMessageId: string): Promise<Delivery | undefined> {
  return db.query.deliveries.findFirst({ where: and(eq(deliveries.provider, provider), eq(deliveries.providerMessageId, providerMessageId)) });
}

export type ProviderEventRecord = {
  /** The provider's id for this event; a second event with the same id changes nothing. */
  providerEventId: string;
  type: string;
  /** The status it implies, or null for an event only (opened, clicked, read…). */
  status: DeliveryStatus | null;
  detail: Record<string, unknown>;
  occurredAt: Date;
  /** Kept as the delivery's `lastError` when the event moves it to a failing status. */
  error?: string;
};

/**
 * Records a provider event once and moves the delivery's status if the order allows (SPEC D7).
 * `duplicate` is true for a replay, `status` is the new status or null when it stayed.
 */
export async function recordProviderEvent(db: Db, deliveryId: number, e: ProviderEventRecord, now: Date): Promise<{ duplicate: boolean; status: DeliveryStatus | null }> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(deliveryEvents)
      .values({ deliveryId, providerEventId: e.providerEventId, type: e.type, detail: e.detail, occurredAt: e.occurredAt, createdAt: now })
      .onConflictDoNothing({ target: deliveryEvents.providerEventId })
      .returning({ id: deliveryEvents.id });
    if (inserted.length === 0) return { duplicate: true, status: null };
    if (!e.status) return { duplicate: false, status: null };
    const current = await tx.query.deliveries.findFirst({ columns: { status: true }, where: eq(deliveries.id, deliveryId) });
    const next = current ? nextStatus(current.status, e.status) : null;
    if (!current || !next) return { duplicate: false, status: null };
    const failing = next === "undelivered" || next === "failed" || next === "bounced";
    const moved = await tx
      .update(deliveries)
      .set({
        status: next,
        updatedAt: now,
        ...(next === "delivered" && { deliveredAt: e.occurredAt }),
        ...(failing && e.error && { lastError: e.error }),
      })
      // Only from the status just read: a concurrent writer that got there first wins.
      .where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, current.status)))
      .returning({ id: deliveries.id });
    return { duplicate: false, status: moved.length ? next : null };
  });
}
