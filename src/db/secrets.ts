// The key that signs customer links: SECRET_KEY when set, else one generated on first use and
// kept in the database, so links keep working across restarts of an install with no config.
import { and, eq } from "drizzle-orm";
import { randomToken } from "../core/crypto.ts";
import type { Db } from "./client.ts";
import { workerState } from "./schema.ts";

export async function linkSigningSecret(db: Db, configured: string | undefined, now: Date): Promise<string> {
  if (configured) return configured;
  const where = and(eq(workerState.name, "secrets"), eq(workerState.key, "link_signing"));
  const found = await db.query.workerState.findFirst({ where });
  if (found) return found.value;
  await db.insert(workerState).values({ name: "secrets", key: "link_signing", value: randomToken(48), updatedAt: now }).onConflictDoNothing();
  return (await db.query.workerState.findFirst({ where }))!.value;
}
