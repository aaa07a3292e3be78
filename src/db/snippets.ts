// Named queries for the studio's snippets (Settings → Snippets): the list, one snippet, and
// where a snippet is used, which keeps it from being deleted while a text still needs it.
import { and, asc, eq, inArray, like, or } from "drizzle-orm";
import { type SnippetInput, usesSnippet } from "../core/snippet-input.ts";
import type { Db } from "./client.ts";
import { communicationProfiles, messages, notifications, snippets, templates } from "./schema.ts";

export type Snippet = typeof snippets.$inferSelect;

/** A text that uses a snippet: what it is, its name, and the page it is edited on. */
export type SnippetUse = { what: string; name: string; href: string };

/** Every snippet, by key. */
export function listSnippets(db: Db): Promise<Snippet[]> {
  return db.select().from(snippets).orderBy(asc(snippets.key));
}

export async function getSnippet(db: Db, id: number): Promise<Snippet | undefined> {
  return db.query.snippets.findFirst({ where: eq(snippets.id, id) });
}

/** Creates a snippet; null when its key is taken (the unique index decides, so two saves cannot both win). */
export async function createSnippet(db: Db, s: SnippetInput, now: Date): Promise<Snippet | null> {
  const rows = await db
    .insert(snippets)
    .values({ ...s, createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: snippets.key })
    .returning();
  return rows[0] ?? null;
}

/** Changes a snippet's title and text; false when it is gone. */
export async function updateSnippet(db: Db, id: number, s: { title: string; body: string }, now: Date) {
  const rows = await db
    .update(snippets)
    .set({ ...s, updatedAt: now })
    .where(eq(snippets.id, id))
    .returning({ id: snippets.id });
  return rows.length > 0;
}

// Messages that may still send: one sent or cancelled no longer needs its snippets.
const UNSENT = ["draft", "scheduled", "sending", "paused"] as const;

/** The notifications, unsent messages and templates whose texts use `{{snippet.<key>}}`. */
export async function snippetUses(db: Db, key: string): Promise<SnippetUse[]> {
  const pattern = `%snippet.${key}%`;
  const [ns, ms, ts] = await Promise.all([
    db
      .select({
        id: notifications.id,
        profileId: notifications.profileId,
        profile: communicationProfiles.name,
        trigger: notifications.trigger,
        subject: notifications.subject,
        body: notifications.body,
        preheader: notifications.preheader,
      })
      .from(notifications)
      .innerJoin(communicationProfiles, eq(communicationProfiles.id, notifications.profileId))
      .where(
        or(
          like(notifications.subject, pattern),
          like(notifications.body, pattern),
          like(notifications.preheader, pattern),
        ),
      ),
    db
      .select()
      .from(messages)
      .where(
        and(
          inArray(messages.status, [...UNSENT]),
          or(
            like(messages.subject, pattern),
            like(messages.body, pattern),
            like(messages.preheader, pattern),
            like(messages.smsBody, pattern),
            like(messages.voiceScript, pattern),
          ),
        ),
      ),
    db
      .select()
      .from(templates)
      .where(or(like(templates.subject, pattern), like(templates.body, pattern), like(templates.preheader, pattern))),
  ]);
  const uses = (...texts: string[]) => texts.some((t) => usesSnippet(t, key));
  return [
    ...ns
      .filter((n) => uses(n.subject, n.body, n.preheader))
      .map((n) => ({
        what: "Notification",
        name: `${n.profile}: ${n.trigger.replaceAll("_", " ")}`,
        href: `/profiles/${n.profileId}/notifications/${n.id}/edit`,
      })),
    ...ms
      .filter((m) => uses(m.subject, m.body, m.preheader, m.smsBody, m.voiceScript))
      .map((m) => ({ what: "Message", name: m.name, href: `/messages/${m.id}` })),
    ...ts
      .filter((t) => uses(t.subject, t.body, t.preheader))
      .map((t) => ({ what: "Template", name: t.name, href: `/templates/${t.id}` })),
  ];
}

/** Deletes a snippet no text uses; the uses instead when some do, or null when it is gone. */
export async function deleteSnippet(db: Db, id: number): Promise<{ deleted: true } | { uses: SnippetUse[] } | null> {
  return db.transaction(async (tx) => {
    const s = await tx.query.snippets.findFirst({ where: eq(snippets.id, id) });
    if (!s) return null;
    const uses = await snippetUses(tx, s.key);
    if (uses.length) return { uses };
    await tx.delete(snippets).where(eq(snippets.id, id));
    return { deleted: true as const };
  });
}
