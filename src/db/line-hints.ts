// Landlines the number plan names (a German 030… or a French 01…), written where the counts look
// for line types (phone_lookups, which customer_reach follows), the moment a number is saved. So
// the count before sending and the review already say "landline (cannot receive SMS)" instead of
// promising a text that the send then skips. Mobiles are not written: a mobile range may still be
// ported to a fixed line, and the send finds out; US and Canadian numbers say nothing here.
import { lineTypeHint } from "../core/phone.ts";
import type { Db, Tx } from "./client.ts";
import { phoneLookups } from "./schema.ts";

/** Records the numbers among `phones` that the number plan calls fixed lines; a real lookup already stored wins. */
export async function noteFixedLines(db: Db | Tx, phones: (string | null | undefined)[], now: Date): Promise<void> {
  const fixed = [...new Set(phones.filter((p): p is string => !!p))].filter((p) => lineTypeHint(p) === "landline");
  if (!fixed.length) return;
  await db
    .insert(phoneLookups)
    .values(fixed.map((phone) => ({ phone, lineType: "landline", lookedUpAt: now })))
    .onConflictDoNothing();
}
