// Values generated once per install and kept in the database: the key that signs customer links
// (unless SECRET_KEY is set), so links keep working across restarts; and the install's id.
import { and, eq } from "drizzle-orm";
import { randomToken } from "../core/crypto.ts";
import type { Db } from "./client.ts";
import { workerState } from "./schema.ts";

/** A value made once with `make` and kept; a second process making one at the same time keeps the first. */
async function keptValue(db: Db, key: string, make: () => string, now: Date): Promise<string> {
  const where = and(eq(workerState.name, "secrets"), eq(workerState.key, key));
  const found = await db.query.workerState.findFirst({ where });
  if (found) return found.value;
  await db.insert(workerState).values({ name: "secrets", key, value: make(), updatedAt: now }).onConflictDoNothing();
  return (await db.query.workerState.findFirst({ where }))!.value;
}

export async function linkSigningSecret(db: Db, configured: string | undefined, now: Date): Promise<string> {
  return configured ?? keptValue(db, "link_signing", () => randomToken(48), now);
}

/**
 * This install's id. It prefixes the idempotency keys we hand providers: delivery keys repeat
 * from one database to the next (message 1, customer 1…), and a second install on the same Resend
 * account — staging, or a fresh start — must not have its e-mails answered as already sent.
 */
export async function installationId(db: Db, now: Date): Promise<string> {
  return keptValue(db, "installation_id", () => randomToken(9), now);
}
