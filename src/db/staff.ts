import { and, asc, desc, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "./client.ts";
import { apiKeys, users } from "./schema.ts";

export async function listUsers(db: Db) {
  return db.select().from(users).orderBy(asc(users.role), asc(users.name));
}

/** Removes a staff account (never the owner); its sessions go with it (cascade). */
export async function deleteStaffUser(db: Db, id: number) {
  const deleted = await db
    .delete(users)
    .where(and(eq(users.id, id), ne(users.role, "owner")))
    .returning();
  return deleted.length > 0;
}

export async function listApiKeys(db: Db) {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.id));
}

export async function revokeApiKey(db: Db, id: number, now: Date) {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return rows.length > 0;
}
