// Named queries for the template library (SPEC T3): built-in templates (read-only) and the
// studio's own, per channel; duplicating one, and a one-time message saved as templates.
import { and, asc, desc, eq } from "drizzle-orm";
import type { TemplateInput } from "../core/template-input.ts";
import type { Channel } from "../core/vocabulary.ts";
import type { Db } from "./client.ts";
import type { Message } from "./messages.ts";
import { templates } from "./schema.ts";

export type Template = typeof templates.$inferSelect;

/** What a template's page shows: a new one's form, a staff template's form, or a built-in one read-only. */
export type TemplateView = { mode: "new"; template?: undefined } | { mode: "edit" | "view"; template: Template };

/** Every template: built-in ones first, then by name. */
export function listTemplates(db: Db): Promise<Template[]> {
  return db.select().from(templates).orderBy(desc(templates.builtIn), asc(templates.name), asc(templates.id));
}

export async function findTemplate(db: Db, id: number): Promise<Template | undefined> {
  return db.query.templates.findFirst({ where: eq(templates.id, id) });
}

/**
 * `base`, or `base (2)`, `base (3)`… whichever no template of the channel is called yet, so two
 * entries in one channel's list never read alike.
 */
export async function uniqueTemplateName(db: Db, base: string, channel: Channel): Promise<string> {
  // The library is a few dozen rows: read the channel's names rather than build a LIKE pattern.
  const rows = await db.select({ name: templates.name }).from(templates).where(eq(templates.channel, channel));
  const names = new Set(rows.map((r) => r.name));
  if (!names.has(base)) return base;
  for (let n = 2; ; n++) if (!names.has(`${base} (${n})`)) return `${base} (${n})`;
}

/** A new staff template. */
export async function createTemplate(db: Db, t: TemplateInput, now: Date): Promise<Template> {
  const [row] = await db
    .insert(templates)
    .values({ ...t, builtIn: false, createdAt: now, updatedAt: now })
    .returning();
  return row!;
}

/** Changes a staff template; false when it is gone or built in (those are read-only). */
export async function updateTemplate(db: Db, id: number, t: TemplateInput, now: Date): Promise<boolean> {
  const rows = await db
    .update(templates)
    .set({ ...t, updatedAt: now })
    .where(and(eq(templates.id, id), eq(templates.builtIn, false)))
    .returning({ id: templates.id });
  return rows.length > 0;
}

/** Deletes a staff template (notifications made from it keep their text); false when built in or gone. */
export async function deleteTemplate(db: Db, id: number): Promise<boolean> {
  const rows = await db
    .delete(templates)
    .where(and(eq(templates.id, id), eq(templates.builtIn, false)))
    .returning({ id: templates.id });
  return rows.length > 0;
}

/** A staff copy of any template, named "<name> (copy)" (made unique), to change freely. */
export async function duplicateTemplate(db: Db, id: number, now: Date): Promise<Template | null> {
  return db.transaction(async (tx) => {
    const t = await tx.query.templates.findFirst({ where: eq(templates.id, id) });
    if (!t) return null;
    const name = await uniqueTemplateName(tx, `${t.name} (copy)`, t.channel);
    const { id: _id, builtIn: _builtIn, createdAt: _c, updatedAt: _u, ...text } = t;
    return createTemplate(tx, { ...text, name }, now);
  });
}

/**
 * Saves a one-time message as templates, one per channel it has: the e-mail's subject, preview
 * line and body; the SMS's own text; the call's script. Each is named after the message (made
 * unique in its channel). A call that only plays a recording has no text to keep.
 */
export async function saveMessageAsTemplates(db: Db, m: Message, now: Date): Promise<Template[]> {
  const texts: { channel: Channel; subject: string; preheader: string; body: string }[] = [];
  const channels = new Set(m.channels);
  if (channels.has("email") && m.body.trim())
    texts.push({ channel: "email", subject: m.subject, preheader: m.preheader, body: m.body });
  // Before a message had its own SMS text, its SMS said the body.
  const sms = m.smsBody.trim() ? m.smsBody : m.body;
  if (channels.has("sms") && sms.trim()) texts.push({ channel: "sms", subject: "", preheader: "", body: sms });
  const script = m.voiceScript.trim() ? m.voiceScript : channels.has("email") ? "" : m.body;
  if (channels.has("voice") && script.trim())
    texts.push({ channel: "voice", subject: "", preheader: "", body: script });
  return db.transaction(async (tx) => {
    const made: Template[] = [];
    for (const t of texts) {
      const name = await uniqueTemplateName(tx, m.name, t.channel);
      made.push(await createTemplate(tx, { ...t, name, trigger: null, description: "" }, now));
    }
    return made;
  });
}
