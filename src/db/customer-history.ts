// One customer's history (SPEC A5): every delivery (sent, skipped with its reason, delivered,
// failed), every reply, and every change of their appointments with who made it, in one list —
// the "why didn't she get it" answer in one place.
import { desc, eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { customerReplies, deliveryTime, type MediaInfo } from "./inbox.ts";
import { customerDeliveries, type OutboxRow } from "./outbox-list.ts";
import { type AppointmentChange, appointmentChanges, appointments, users } from "./schema.ts";
import type { InboundRow } from "./inbox.ts";

/** How much of each kind one page shows: the latest of each. */
export const HISTORY_LIMIT = 100;

export type HistoryItem =
  | { kind: "delivery"; at: Date; row: OutboxRow }
  | { kind: "reply"; at: Date; reply: InboundRow; media: MediaInfo[] }
  | { kind: "change"; at: Date; change: AppointmentChange; startsAt: Date; actorName: string | null };

/** The customer's history, newest first; `more` when some kind had more than HISTORY_LIMIT. */
export async function customerHistory(db: Db, customerId: number): Promise<{ items: HistoryItem[]; more: boolean }> {
  const [sent, replies, changes] = await Promise.all([
    customerDeliveries(db, customerId, HISTORY_LIMIT + 1),
    customerReplies(db, customerId, HISTORY_LIMIT + 1),
    db
      .select({ change: appointmentChanges, startsAt: appointments.startsAt, actorName: users.name })
      .from(appointmentChanges)
      .innerJoin(appointments, eq(appointments.id, appointmentChanges.appointmentId))
      .leftJoin(users, eq(users.id, appointmentChanges.actorUserId))
      .where(eq(appointments.customerId, customerId))
      .orderBy(desc(appointmentChanges.id))
      .limit(HISTORY_LIMIT + 1),
  ]);
  const more = [sent, replies, changes].some((xs) => xs.length > HISTORY_LIMIT);
  const items: HistoryItem[] = [
    ...sent.slice(0, HISTORY_LIMIT).map((row) => ({
      kind: "delivery" as const,
      at: deliveryTime(row.delivery),
      row,
    })),
    ...replies.slice(0, HISTORY_LIMIT).map((r) => ({ kind: "reply" as const, at: r.reply.receivedAt, ...r })),
    ...changes.slice(0, HISTORY_LIMIT).map((c) => ({ kind: "change" as const, at: c.change.createdAt, ...c })),
  ];
  // Newest first; at the same instant a change comes after the reply that made it, shown above it.
  const rank = { change: 0, reply: 1, delivery: 2 } as const;
  items.sort((a, b) => b.at.getTime() - a.at.getTime() || rank[a.kind] - rank[b.kind]);
  return { items, more };
}
