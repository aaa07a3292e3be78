// Suppressions (SPEC C3, D9): one active row per channel and address; a re-subscribe clears it
// and keeps the history.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "./client.ts";
import { inJson } from "./in-json.ts";
import { type Channel, customers, type SUPPRESSION_REASONS, suppressions } from "./schema.ts";

type Reason = (typeof SUPPRESSION_REASONS)[number];
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type SuppressionInput = { channel: Channel; address: string; reason: Reason; source: string; customerId?: number | null; detail?: string };

/** Suppresses an address on a channel; a second suppression of the same address is a no-op. */
export async function suppress(db: Db | Tx, s: SuppressionInput, now: Date) {
  const rows = await db
    .insert(suppressions)
    .values({ channel: s.channel, address: s.address, reason: s.reason, source: s.source, customerId: s.customerId ?? null, detail: s.detail ?? null, createdAt: now })
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
  return db.select().from(suppressions).where(and(inJson(suppressions.address, addresses), isNull(suppressions.clearedAt)));
}

/** Customers with this e-mail address or phone number, for webhooks that know only the address. */
export async function customersWithAddress(db: Db, channel: Channel, address: string) {
  return db
    .select({ id: customers.id })
    .from(customers)
    .where(channel === "email" ? eq(customers.email, address) : eq(customers.phone, address));
}
