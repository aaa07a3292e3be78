// Tracked link addresses and the opens and clicks recorded against deliveries (issue 14).
import { and, asc, count, eq, inArray } from "drizzle-orm";
import { type ClickSeen, clickKind, withinBurst } from "../core/engagement-kinds.ts";
import {
  COUNTED_ENGAGEMENT_KINDS,
  ENGAGEMENT_KINDS,
  type EngagementKind,
  type EngagementSource,
} from "../core/vocabulary.ts";
import { attributeOrders } from "./attribution.ts";
import type { Db, Tx } from "./client.ts";
import { deliveredByReader } from "./delivery-status.ts";
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
const MACHINE_KINDS = ENGAGEMENT_KINDS.filter((k) => !counted(k));

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
 * At most this many opens and clicks by people, and as many by machines, are recorded for one
 * delivery. A person opens a message and
 * follows its links a handful of times; past 50 it is a machine or a forwarded message passed
 * round, and one link must not grow the database without limit. Further hits still forward.
 */
export const MAX_ENGAGEMENTS_PER_DELIVERY = 50;

/**
 * Records one open or click; a counted click re-decides the customer's orders from its time on
 * (attributeOrders): call it inside a transaction. False when a webhook retry (same provider event id),
 * a delivery deleted meanwhile, or a delivery at its cap leaves nothing to record.
 */
export async function recordEngagement(tx: Db | Tx, e: EngagementInput): Promise<boolean> {
  const [d] = await tx
    .select({ customerId: deliveries.customerId })
    .from(deliveries)
    .where(eq(deliveries.id, e.deliveryId));
  if (!d) return false;
  // People and machines have a cap each: a gateway scanning every link of a long newsletter
  // must not use up the reader's share.
  const kinds = counted(e.kind) ? COUNTED_ENGAGEMENT_KINDS : MACHINE_KINDS;
  const [{ n } = { n: 0 }] = await tx
    .select({ n: count() })
    .from(engagements)
    .where(and(eq(engagements.deliveryId, e.deliveryId), inArray(engagements.kind, kinds)));
  if (n >= MAX_ENGAGEMENTS_PER_DELIVERY) return false;
  const inserted = await tx
    .insert(engagements)
    .values({ ...e, customerId: d.customerId })
    .onConflictDoNothing()
    .returning({ id: engagements.id });
  if (inserted.length === 0) return false;
  if (counted(e.kind))
    await deliveredByReader(
      tx,
      e.deliveryId,
      e.occurredAt,
      `the reader ${e.type === "open" ? "opened" : "clicked"} it`,
    );
  if (e.type === "click" && counted(e.kind) && d.customerId) await attributeOrders(tx, d.customerId, e.occurredAt);
  return true;
}

export type ClickInput = Omit<ClickSeen, "arrivedAt" | "earlier" | "link"> & {
  deliveryId: number;
  source: "link" | "resend";
  linkId: number | null;
  url: string | null;
  providerEventId?: string | null;
};

/**
 * A click through the tracked redirect or reported by Resend, classified alike (clickKind) against
 * the delivery's earlier clicks from the same source (Resend's report of a click and our redirect
 * seeing the same click name the link differently, so they are never compared). When it completes
 * a burst, the burst's earlier clicks are re-marked (they were counted as a person until the second
 * link showed it was a scanner) and the customer's orders re-decided. Null when nothing was
 * recorded (no such delivery, a webhook retry, or the delivery at its cap).
 */
export async function recordClick(db: Db, c: ClickInput): Promise<EngagementKind | null> {
  return db.transaction(async (tx) => {
    const [d] = await tx
      .select({ customerId: deliveries.customerId, sentAt: deliveries.sentAt, deliveredAt: deliveries.deliveredAt })
      .from(deliveries)
      .where(eq(deliveries.id, c.deliveryId));
    if (!d) return null;
    const arrivedAt = d.deliveredAt ?? d.sentAt;
    const rows = await tx
      .select({
        id: engagements.id,
        linkId: engagements.linkId,
        url: engagements.url,
        at: engagements.occurredAt,
        kind: engagements.kind,
      })
      .from(engagements)
      .where(
        and(eq(engagements.deliveryId, c.deliveryId), eq(engagements.type, "click"), eq(engagements.source, c.source)),
      )
      .orderBy(asc(engagements.occurredAt));
    const linkOf = (r: { linkId: number | null; url: string | null }) => (c.source === "link" ? r.linkId : r.url);
    const earlier = rows.map((r) => ({ ...r, link: linkOf(r) }));
    const kind = clickKind({ ...c, arrivedAt, link: linkOf(c), earlier });
    const recorded = await recordEngagement(tx, {
      deliveryId: c.deliveryId,
      type: "click",
      source: c.source,
      kind,
      linkId: c.linkId,
      url: c.url?.slice(0, 2000) ?? null,
      userAgent: c.userAgent?.slice(0, 500) ?? null,
      providerEventId: c.providerEventId ?? null,
      occurredAt: c.at,
    });
    if (!recorded) return null;
    if (kind === "burst" && arrivedAt) {
      const rejoin = earlier.filter((e) => e.kind === "person" && withinBurst(e.at, arrivedAt));
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
