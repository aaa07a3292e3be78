// Line types (SPEC D10): whether a number is a mobile, a landline or VoIP, asked of the lookup
// provider once per number and kept, because a landline cannot receive SMS. The dispatcher asks
// right before a text; the send review asks ahead for a small audience, so its count is exact.
// Where the number plan itself tells (a German or British fixed line, a mobile range), that free
// hint is taken and nothing is paid for (knownLineType in core/phone.ts).
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { inJson } from "../db/in-json.ts";
import { phoneLookups } from "../db/schema.ts";
import type { LineType } from "../providers/types.ts";
import { knownLineType, lineTypeHint } from "../core/phone.ts";
import type { SendDeps } from "./send-deps.ts";

type LookupDeps = Pick<SendDeps, "db" | "providers" | "log">;

/** A number's line type: known already (knownLineType), else asked now. A failed lookup is "unknown", never a reason to withhold. */
export async function lineTypeOf(deps: LookupDeps, phone: string, now: Date): Promise<LineType> {
  const cached = await deps.db.query.phoneLookups.findFirst({ where: eq(phoneLookups.phone, phone) });
  const known = knownLineType(cached?.lineType, phone);
  if (known) return known;
  const found = await deps.providers.lookup.lineType(phone).catch((err) => {
    deps.log("warn", "line type lookup failed", { error: String(err) });
    return null;
  });
  if (found)
    await deps.db.insert(phoneLookups).values({ phone, lineType: found, lookedUpAt: now }).onConflictDoNothing();
  return found ?? "unknown";
}

/**
 * lineTypeOf for many numbers at once (the SMS about to be sent in one pass): what is on record
 * read in one query, the rest asked `inFlight` at a time, and the answers kept in one statement.
 */
export async function lineTypesOf(
  deps: LookupDeps,
  phones: string[],
  now: Date,
  inFlight: number,
): Promise<Map<string, LineType>> {
  const unique = [...new Set(phones)];
  if (!unique.length) return new Map();
  const cached = new Map(
    (
      await deps.db
        .select({ phone: phoneLookups.phone, lineType: phoneLookups.lineType })
        .from(phoneLookups)
        .where(inJson(phoneLookups.phone, unique))
    ).map((r) => [r.phone, r.lineType]),
  );
  const types = new Map<string, LineType>();
  const ask: string[] = [];
  for (const phone of unique) {
    const known = knownLineType(cached.get(phone), phone);
    if (known) types.set(phone, known);
    else ask.push(phone);
  }
  const found: [string, LineType][] = [];
  const next = ask.values();
  const asker = async () => {
    for (const phone of next) {
      const type = await deps.providers.lookup.lineType(phone).catch((err) => {
        deps.log("warn", "line type lookup failed", { error: String(err) });
        return null;
      });
      types.set(phone, type ?? "unknown");
      if (type) found.push([phone, type]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, ask.length) }, asker));
  // `where true` tells SQLite the ON CONFLICT belongs to the INSERT, not to a join.
  if (found.length)
    await deps.db.run(sql`insert into phone_lookups (phone, line_type, looked_up_at)
      select f.value ->> 0, f.value ->> 1, ${now.getTime()} from json_each(${JSON.stringify(found)}) f where true
      on conflict do nothing`);
  return types;
}

/** Of these numbers, the ones neither a lookup nor the number plan has told about yet. */
export async function uncheckedNumbers(db: Db, phones: string[]): Promise<string[]> {
  if (!phones.length) return [];
  const known = new Set(
    (await db.select({ phone: phoneLookups.phone }).from(phoneLookups).where(inJson(phoneLookups.phone, phones))).map(
      (r) => r.phone,
    ),
  );
  return [...new Set(phones)].filter((p) => !known.has(p) && !lineTypeHint(p));
}

/**
 * Looks up these numbers' line types ahead of a send, unless there are more than `limit` unknown
 * ones (a big audience is checked number by number as it is sent). True when it looked them up.
 */
export async function checkLineTypes(deps: LookupDeps, phones: string[], now: Date, limit: number): Promise<boolean> {
  const unknown = await uncheckedNumbers(deps.db, phones);
  if (!unknown.length || unknown.length > limit) return false;
  for (const phone of unknown) await lineTypeOf(deps, phone, now);
  return true;
}
