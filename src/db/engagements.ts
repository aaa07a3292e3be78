// Tracked link addresses and the opens and clicks recorded against deliveries (issue 14).
import { and, asc, eq, inArray } from "drizzle-orm";
import { BURST_SECONDS, type ClickSeen, clickKind } from "../core/engagement-kinds.ts";
import { COUNTED_ENGAGEMENT_KINDS, type EngagementKind, type EngagementSource } from "../core/vocabulary.ts";
import { attributeOrders } from "./attribution.ts";
import type { Db, Tx } from "./client.ts";
import { deliveries, engagements, trackedLinks } from "./schema.ts";

/** The id of each address, storing the new ones: one insert and one select however many there are. */
export async function trackedLinkIds(db: Db, urls: string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (urls.length === 0) return ids;
  for (let i = 0; i < urls.length; i += 500) {
    const chunk = urls.slice(i, i + 500);
    await db
      .insert(trackedLinks)
      .values(chunk.map((url) => ({ url })))
      .onConflictDoNothing();
    const rows = await db
      .select({ id: trackedLinks.id, url: trackedLinks.url })
      .from(trackedLinks)
      .where(inArray(trackedLinks.url, chunk));
    for (const r of rows) ids.set(r.url, r.id);
  }
  return ids;
}

export async function trackedLinkUrl(db: Db, id: number): Promise<string | null> {
  const [row] = await db.select({ url: trackedLinks.url }).from(trackedLinks).where(eq(trackedLinks.id, id));
  return row?.url ?? null;
}

const counted = (kind: EngagementKind) => (COUNTED_ENGAGEMENT_KINDS as readonly string[]).includes(kind);

export type EngagementInput = {
  deliveryId: number;
  type: "open" | "click";
  source: EngagementSource;
  kind: EngagementKind;
  linkId?: number | null;
  url?: string | null;
  userAgent?: string | null;
  providerEventId?: string | null;
  occurredAt: Date;
};

/**
 * Records one open or click; a counted click re-decides the customer's orders from its time on
 * (attributeOrders): call it inside a transaction. False when a webhook retry (same provider event id)
 * or a delivery deleted meanwhile leaves nothing to record.
 */
export async function recordEngagement(tx: Db | Tx, e: EngagementInput): Promise<boolean> {
  const [d] = await tx
    .select({ customerId: deliveries.customerId })
    .from(deliveries)
    .where(eq(deliveries.id, e.deliveryId));
  if (!d) return false;
  const inserted = await tx
    .insert(engagements)
    .values({ ...e, customerId: d.customerId })
    .onConflictDoNothing()
    .returning({ id: engagements.id });
  if (inserted.length === 0) return false;
  if (e.type === "click" && counted(e.kind) && d.customerId) await attributeOrders(tx, d.customerId, e.occurredAt);
  return true;
}

/**
 * A click through the tracked redirect: classified against the delivery's earlier clicks, and when
 * it completes a burst, the burst's earlier clicks are re-marked (they were counted as a person
 * until the second link showed it was a scanner) and the customer's orders re-decided.
 */
export async function recordLinkClick(
  db: Db,
  c: Omit<ClickSeen, "sentAt" | "earlier"> & { deliveryId: number; url: string },
): Promise<EngagementKind | null> {
  return db.transaction(async (tx) => {
    const [d] = await tx
      .select({ customerId: deliveries.customerId, sentAt: deliveries.sentAt })
      .from(deliveries)
      .where(eq(deliveries.id, c.deliveryId));
    if (!d) return null;
    const earlier = await tx
      .select({ id: engagements.id, linkId: engagements.linkId, at: engagements.occurredAt, kind: engagements.kind })
      .from(engagements)
      .where(
        and(eq(engagements.deliveryId, c.deliveryId), eq(engagements.type, "click"), eq(engagements.source, "link")),
      )
      .orderBy(asc(engagements.occurredAt));
    const kind = clickKind({ ...c, sentAt: d.sentAt, earlier });
    await recordEngagement(tx, {
      deliveryId: c.deliveryId,
      type: "click",
      source: "link",
      kind,
      linkId: c.linkId,
      url: c.url,
      userAgent: c.userAgent?.slice(0, 500) ?? null,
      occurredAt: c.at,
    });
    if (kind === "burst" && d.sentAt) {
      const sent = d.sentAt.getTime();
      const rejoin = earlier.filter(
        (e) => e.kind === "person" && e.at.getTime() >= sent && e.at.getTime() - sent <= BURST_SECONDS * 1000,
      );
      if (rejoin.length) {
        await tx
          .update(engagements)
          .set({ kind: "burst" })
          .where(
            inArray(
              engagements.id,
              rejoin.map((e) => e.id),
            ),
          );
        if (d.customerId) await attributeOrders(tx, d.customerId, rejoin[0]!.at);
      }
    }
    return kind;
  });
}
