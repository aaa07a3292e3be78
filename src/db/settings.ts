import { eq } from "drizzle-orm";
import { ensureBuiltinProfiles } from "./builtin-profiles.ts";
import type { Db } from "./client.ts";
import { type StudioSettings, studioSettings } from "./schema.ts";

/** The studio's settings; the row is created with defaults on first read. */
export async function getSettings(db: Db): Promise<StudioSettings> {
  const row = await db.query.studioSettings.findFirst({ where: eq(studioSettings.id, 1) });
  if (row) return row;
  await db.insert(studioSettings).values({ id: 1 }).onConflictDoNothing();
  return (await db.query.studioSettings.findFirst({ where: eq(studioSettings.id, 1) }))!;
}

/** Saves settings; a new language for customers rewrites the built-in profiles and templates in it. */
export async function updateSettings(db: Db, values: Partial<Omit<StudioSettings, "id" | "updatedAt">>, now: Date) {
  const before = await getSettings(db);
  await db
    .update(studioSettings)
    .set({ ...values, updatedAt: now })
    .where(eq(studioSettings.id, 1));
  if (values.locale !== undefined && values.locale !== before.locale)
    await ensureBuiltinProfiles(db, now, values.locale);
}
