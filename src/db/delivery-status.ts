// What provider webhooks write to the outbox (SPEC D7, D8): one event per provider event id,
// a status that only moves forward, and the suppression the event implies.
import { and, eq, gte, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { type DeliveryStatus, nextStatus } from "../core/delivery-status.ts";
import type { Db, Tx } from "./client.ts";
import { inJson } from "./in-json.ts";
import type { Delivery } from "./outbox.ts";
import { deliveries, deliveryEvents } from "./schema.ts";
import { type SuppressionInput, suppress } from "./suppressions.ts";

/** One delivery by its id (the `d` of the callback URLs we hand Twilio). */
export async function deliveryById(db: Db, id: number): Promise<Delivery | undefined> {
  return db.query.deliveries.findFirst({ where: eq(deliveries.id, id) });
}

/**
 * Whether the provider reported on any of these deliveries, since `since`, before their send was
 * acknowledged (so it had them).
 */
export async function reportedBeforeAck(db: Db, ids: number[], since: Date): Promise<boolean> {
  if (!ids.length) return false;
  const rows = await db
    .select({ id: deliveryEvents.id })
    .from(deliveryEvents)
    .where(
      and(
        inJson(deliveryEvents.deliveryId, ids),
        gte(deliveryEvents.createdAt, since),
        sql`json_extract(${deliveryEvents.detail}, '$.before_ack') = 1`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Of these provider ids, the ones already recorded on a delivery other than `except`. */
export async function providerIdsTaken(db: Db, provider: string, ids: string[], except: number): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .select({ id: deliveries.providerMessageId })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.provider, provider),
        inJson(deliveries.providerMessageId, ids),
        sql`${deliveries.id} <> ${except}`,
      ),
    );
  return new Set(rows.map((r) => r.id!));
}

/** Of these provider ids, which delivery each was reported on (its status callback names the delivery). */
export async function reportedOn(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({
      deliveryId: deliveryEvents.deliveryId,
      sid: sql<string>`json_extract(${deliveryEvents.detail}, '$.sid')`,
    })
    .from(deliveryEvents)
    .where(
      sql`json_extract(${deliveryEvents.detail}, '$.sid') in (select value from json_each(${JSON.stringify(ids)}))`,
    );
  return new Map(rows.map((r) => [r.sid, r.deliveryId]));
}

/**
 * How many other deliveries could own the same provider record as `d`: the same channel to the
 * same number (and for an SMS the same text), their own attempt's outcome still unknown — but
 * not those in `except`, whose own record is known.
 */
export async function unsettledTwins(
  db: Db,
  d: Pick<Delivery, "id" | "channel" | "toAddress" | "body">,
  except: number[] = [],
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.channel, d.channel),
        eq(deliveries.toAddress, d.toAddress ?? ""),
        d.channel === "sms" ? eq(deliveries.body, d.body ?? "") : undefined,
        isNotNull(deliveries.attemptStartedAt),
        isNull(deliveries.providerMessageId),
        inArray(deliveries.status, ["queued", "sending", "held"]),
        sql`${deliveries.id} <> ${d.id}`,
        except.length
          ? sql`${deliveries.id} not in (select value from json_each(${JSON.stringify(except)}))`
          : undefined,
      ),
    );
  return Number(row?.n ?? 0);
}

/** The delivery a provider's message or call id belongs to. */
export async function deliveryByProviderId(
  db: Db,
  provider: string,
  providerMessageId: string,
): Promise<Delivery | undefined> {
  return db.query.deliveries.findFirst({
    where: and(eq(deliveries.provider, provider), eq(deliveries.providerMessageId, providerMessageId)),
  });
}

/**
 * A delivery settled without the provider's answer — counted sent, or skipped, failed or held
 * because nobody could tell whether its attempt went — that the provider now reports on: it went.
 * It takes the id of the message the provider names and counts as sent, so the report's own event
 * then applies as to any other. Returns the delivery as it now is (undefined if it had an id).
 */
export async function claimProviderId(
  db: Db,
  id: number,
  provider: string,
  providerMessageId: string,
  now: Date,
): Promise<Delivery | undefined> {
  return db.transaction(async (tx) => {
    const [d] = await tx
      .update(deliveries)
      .set({
        provider,
        providerMessageId,
        status: "sent",
        skipReason: null,
        waitingReason: null,
        sentAt: sql`coalesce(${deliveries.sentAt}, ${now.getTime()})`,
        attemptStartedAt: null,
        attemptGroup: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(deliveries.id, id),
          isNull(deliveries.providerMessageId),
          inArray(deliveries.status, SETTLED_UNANSWERED),
        ),
      )
      .returning();
    if (d)
      await tx.insert(deliveryEvents).values({
        deliveryId: id,
        type: "sent",
        detail: { provider, sid: providerMessageId, why: `${provider} reported on it: its attempt had gone` },
        occurredAt: now,
        createdAt: now,
      });
    return d;
  });
}

/** Where a delivery whose attempt's outcome nobody knew may have been left; a report about it moves it to sent. */
export const SETTLED_UNANSWERED = ["sent", "skipped", "failed", "held"] as const;

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
  /**
   * For an event that arrived before the dispatcher's ack (`status` null): the status it implies
   * once the delivery is acknowledged with this message id. If the ack landed between the
   * webhook's look-up and this write, it applies at once; otherwise the ack applies it.
   */
  afterAck?: { providerMessageId: string; status: DeliveryStatus | null };
  /** The address this event says must not be sent to again (a hard bounce, a complaint, STOP). */
  suppress?: SuppressionInput;
};

/**
 * Records a provider event once, moves the delivery's status if the order allows (SPEC D7) and
 * suppresses the address the event names, all in one transaction: the event row is what makes a
 * replay a duplicate, so it must never be kept without its effects, or the provider's retry of a
 * failed request would be ignored and the bounce or STOP lost. `duplicate` is true for a replay,
 * `status` is the new status or null when it stayed.
 */
export async function recordProviderEvent(
  db: Db,
  deliveryId: number,
  e: ProviderEventRecord,
  now: Date,
): Promise<{ duplicate: boolean; status: DeliveryStatus | null }> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(deliveryEvents)
      .values({
        deliveryId,
        providerEventId: e.providerEventId,
        type: e.type,
        detail: e.detail,
        occurredAt: e.occurredAt,
        createdAt: now,
      })
      .onConflictDoNothing({ target: deliveryEvents.providerEventId })
      .returning({ id: deliveryEvents.id });
    if (inserted.length === 0) return { duplicate: true, status: null };
    const status = await moveStatus(tx, deliveryId, e, now);
    if (e.suppress) await suppress(tx, e.suppress, now);
    return { duplicate: false, status };
  });
}

/** The status `e` moves the delivery to, written; null when it stays. */
async function moveStatus(
  tx: Tx,
  deliveryId: number,
  e: ProviderEventRecord,
  now: Date,
): Promise<DeliveryStatus | null> {
  const current = await tx.query.deliveries.findFirst({
    columns: { status: true, providerMessageId: true, deliveredAt: true },
    where: eq(deliveries.id, deliveryId),
  });
  const acked = e.afterAck && current?.providerMessageId === e.afterAck.providerMessageId;
  const status = e.status ?? (acked ? e.afterAck!.status : null);
  // Delivered by inference (deliveredByReader: no time known) yields to the provider's report.
  const inferred = current?.status === "delivered" && current.deliveredAt === null;
  const next =
    current && status
      ? inferred && (status === "undelivered" || status === "failed")
        ? status
        : nextStatus(current.status, status)
      : null;
  if (!current || !next) return null;
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
  return moved.length ? next : null;
}

/**
 * Applies what a provider said before the dispatcher acknowledged the send. A fast callback
 * finds the delivery still `sending` without a message id, so the webhook keeps it as an event
 * marked `before_ack` with the status it `implies`; once the ack has made the delivery `sent`,
 * those statuses take effect in the order they happened. Runs in the ack's transaction.
 */
export async function applyEarlyEvents(tx: Tx, acked: { id: number; providerMessageId: string }[]) {
  if (!acked.length) return;
  const early = await tx
    .select({
      deliveryId: deliveryEvents.deliveryId,
      detail: deliveryEvents.detail,
      occurredAt: deliveryEvents.occurredAt,
    })
    .from(deliveryEvents)
    .where(
      and(
        inJson(
          deliveryEvents.deliveryId,
          acked.map((a) => a.id),
        ),
        sql`json_extract(${deliveryEvents.detail}, '$.before_ack') = 1`,
      ),
    )
    .orderBy(deliveryEvents.occurredAt, deliveryEvents.id);
  const sidOf = new Map(acked.map((a) => [a.id, a.providerMessageId]));
  const outcome = new Map<number, { status: DeliveryStatus; deliveredAt?: Date; error?: string }>();
  for (const e of early) {
    const detail = (e.detail ?? {}) as { sid?: string; implies?: DeliveryStatus | null; error?: string };
    // Another attempt's message may have reported on the same URL: only this send's own events count.
    if (!detail.implies || detail.sid !== sidOf.get(e.deliveryId)) continue;
    const sofar = outcome.get(e.deliveryId) ?? { status: "sent" as const };
    const next = nextStatus(sofar.status, detail.implies);
    if (!next) continue;
    outcome.set(e.deliveryId, {
      status: next,
      deliveredAt: next === "delivered" ? e.occurredAt : sofar.deliveredAt,
      error: detail.error ?? sofar.error,
    });
  }
  for (const [id, o] of outcome) {
    const failing = o.status === "undelivered" || o.status === "failed" || o.status === "bounced";
    await tx
      .update(deliveries)
      .set({
        status: o.status,
        ...(o.deliveredAt && { deliveredAt: o.deliveredAt }),
        ...(failing && o.error && { lastError: o.error }),
      })
      .where(and(eq(deliveries.id, id), eq(deliveries.status, "sent")));
  }
}

/**
 * What the reader did proves the message arrived (issue 14): an open or click by a person, an
 * unsubscribe through the message's own link, a STOP reply to the text. A delivery still `sent`
 * (the provider's report lost, late, or never configured: a new studio often has no webhook)
 * moves to `delivered`, with an event saying why, so the outbox, the report and the rates agree.
 * The provider's later word still wins: a bounce (nextStatus lets `bounced` follow `delivered`),
 * and an undelivered or failed report (moveStatus: a carrier's filter may follow a text's link
 * and block it; a STOP may answer an earlier text).
 */
export async function deliveredByReader(db: Db | Tx, deliveryId: number, at: Date, why: string): Promise<boolean> {
  // `deliveredAt` stays null: nobody said when it arrived (only that it had by `at`), and a
  // delivered without it is an inference the provider's own failure report may still correct.
  const moved = await db
    .update(deliveries)
    .set({ status: "delivered", updatedAt: at })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, "sent")))
    .returning({ id: deliveries.id });
  if (!moved.length) return false;
  await db.insert(deliveryEvents).values({ deliveryId, type: "delivered", detail: { why }, occurredAt: at });
  return true;
}
