import { asc } from "drizzle-orm";
import type { Db } from "./client.ts";
import { communicationProfiles } from "./schema.ts";

/** Profiles for pickers (job form), by name. */
export async function listProfileNames(db: Db) {
  return db.select({ id: communicationProfiles.id, name: communicationProfiles.name }).from(communicationProfiles).orderBy(asc(communicationProfiles.name));
}
