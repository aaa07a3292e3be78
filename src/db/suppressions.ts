// Suppressions (SPEC C3, D9): one active row per channel and address; a re-subscribe clears it
// and keeps the history.
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db, Tx } from "./client.ts";
import { inJson } from "./in-json.ts";
import { customers, suppressions } from "./schema.ts";
import { type Channel, CHANNELS, type SUPPRESSION_REASONS } from "../core/vocabulary.ts";

type Reason = (typeof SUPPRESSION_REASONS)[number];

export type SuppressionInput = {
  channel: Channel;
  address: string;
  reason: Reason;
  source: string;
  customerId?: number | null;
  detail?: string;
};

/**
 * Suppresses an address on a channel; true if this made a new active suppression. Only one is
 * active per channel and address, so a stronger reason (a bounce, a complaint, STOP, a landline)
 * replaces the customer's own "unsubscribed", which is closed and kept in the history: the
 * preferences page may clear an opt-out but never those, and a complaint arriving after an
 * unsubscribe must not be lost. Anything else over an active suppression is a no-op, so an
 * unsubscribe never turns a bounce back into something the customer could undo.
 */
export async function suppress(db: Db | Tx, s: SuppressionInput, now: Date) {
  if (await insertSuppression(db, s, now)) return true;
  if (s.reason === "unsubscribed") return false;
  // One transaction (a savepoint inside the caller's): the address is never left unsuppressed.
  return db.transaction(async (tx) => {
    const replaced = await tx
      .update(suppressions)
      .set({ clearedAt: now, clearedSource: `replaced by ${s.reason} (${s.source})` })
      .where(
        and(
          eq(suppressions.channel, s.channel),
          eq(suppressions.address, s.address),
          eq(suppressions.reason, "unsubscribed"),
          isNull(suppressions.clearedAt),
        ),
      )
      .returning({ id: suppressions.id });
    return replaced.length > 0 && (await insertSuppression(tx, s, now));
  });
}

async function insertSuppression(db: Db | Tx, s: SuppressionInput, now: Date) {
  const rows = await db
    .insert(suppressions)
    .values({
      channel: s.channel,
      address: s.address,
      reason: s.reason,
      source: s.source,
      customerId: s.customerId ?? null,
      detail: s.detail ?? null,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: suppressions.id });
  return rows.length === 1;
}

/** Clears the active suppression of an address (START, preferences page); true if there was one. */
export async function resubscribe(db: Db | Tx, channel: Channel, address: string, source: string, now: Date) {
  const rows = await db
    .update(suppressions)
    .set({ clearedAt: now, clearedSource: source })
    .where(and(eq(suppressions.channel, channel), eq(suppressions.address, address), isNull(suppressions.clearedAt)))
    .returning({ id: suppressions.id });
  return rows.length > 0;
}

/** The active suppressions of these addresses (e-mail addresses and numbers), any channel. */
export async function activeSuppressions(db: Db, addresses: string[]) {
  if (!addresses.length) return [];
  return db
    .select()
    .from(suppressions)
    .where(
      and(
        // Every channel named: the active index leads with the channel, and without it (and without
        // ANALYZE's statistics) SQLite walks every active suppression for each look-up.
        inArray(suppressions.channel, [...CHANNELS]),
        inJson(suppressions.address, addresses),
        isNull(suppressions.clearedAt),
      ),
    );
}

/** Customers with this e-mail address or phone number, for webhooks that know only the address. */
export async function customersWithAddress(db: Db, channel: Channel, address: string) {
  return db
    .select({ id: customers.id })
    .from(customers)
    .where(channel === "email" ? eq(customers.email, address) : eq(customers.phone, address));
}
