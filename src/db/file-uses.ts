// Where an uploaded file is used (issue 12, the file manager): attached to or pictured in a
// message or notification (content_files), a call's recording, the studio's logo, and any text
// whose body holds the file's /media/ address (an image in an e-mail). Deleting a file asks this
// first: nothing that can still send may lose a file it shows or carries (the rule: FileUse.blocks
// in src/core/file-uses.ts).
import { and, eq, inArray, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { FINISHED_MESSAGE, type FileUse } from "../core/file-uses.ts";
import type { Db } from "./client.ts";
import { deleteFileRow } from "./files.ts";
import {
  communicationProfiles,
  contentFiles,
  files,
  messages,
  notifications,
  studioSettings,
  templates,
} from "./schema.ts";

const FINISHED = FINISHED_MESSAGE;

/** `instr(column, '/media/' || stored_name)`: the text holds the file's address. */
const holds = (column: SQLiteColumn) => sql`instr(${column}, '/media/' || ${files.storedName}) > 0`;

/** Every use of each of `fileIds`, keyed by file id (files without any use are absent). */
export async function fileUses(db: Db, fileIds: readonly number[]): Promise<Map<number, FileUse[]>> {
  const out = new Map<number, FileUse[]>();
  if (fileIds.length === 0) return out;
  const ids = [...fileIds];
  const add = (fileId: number, use: FileUse) => out.set(fileId, [...(out.get(fileId) ?? []), use]);

  const [
    attachedToMessages,
    attachedToNotifications,
    recordings,
    messageBodies,
    notificationBodies,
    templateBodies,
    s,
  ] = await Promise.all([
    db
      .select({
        fileId: contentFiles.fileId,
        role: contentFiles.role,
        id: messages.id,
        name: messages.name,
        status: messages.status,
      })
      .from(contentFiles)
      .innerJoin(messages, eq(messages.id, contentFiles.messageId))
      .where(inArray(contentFiles.fileId, ids)),
    db
      .select({
        fileId: contentFiles.fileId,
        role: contentFiles.role,
        id: notifications.id,
        profileId: notifications.profileId,
        profileName: communicationProfiles.name,
        trigger: notifications.trigger,
        channel: notifications.channel,
      })
      .from(contentFiles)
      .innerJoin(notifications, eq(notifications.id, contentFiles.notificationId))
      .innerJoin(communicationProfiles, eq(communicationProfiles.id, notifications.profileId))
      .where(inArray(contentFiles.fileId, ids)),
    db
      .select({ fileId: messages.voiceFileId, id: messages.id, name: messages.name, status: messages.status })
      .from(messages)
      .where(inArray(messages.voiceFileId, ids)),
    db
      .select({ fileId: files.id, id: messages.id, name: messages.name, status: messages.status })
      .from(files)
      .innerJoin(messages, sql`${holds(messages.body)} or ${holds(messages.smsBody)}`)
      .where(inArray(files.id, ids)),
    db
      .select({
        fileId: files.id,
        id: notifications.id,
        profileId: notifications.profileId,
        profileName: communicationProfiles.name,
        trigger: notifications.trigger,
        channel: notifications.channel,
      })
      .from(files)
      .innerJoin(notifications, holds(notifications.body))
      .innerJoin(communicationProfiles, eq(communicationProfiles.id, notifications.profileId))
      .where(inArray(files.id, ids)),
    db
      .select({ fileId: files.id, id: templates.id, name: templates.name })
      .from(files)
      .innerJoin(templates, holds(templates.body))
      .where(inArray(files.id, ids)),
    db.select({ logo: studioSettings.logoFileId }).from(studioSettings).where(eq(studioSettings.id, 1)),
  ]);

  for (const r of attachedToMessages)
    add(r.fileId, { kind: "message", id: r.id, name: r.name, status: r.status, how: r.role, blocks: true });
  for (const r of recordings)
    add(r.fileId!, {
      kind: "message",
      id: r.id,
      name: r.name,
      status: r.status,
      how: "recording",
      blocks: !FINISHED.includes(r.status),
    });
  for (const r of messageBodies)
    add(r.fileId, {
      kind: "message",
      id: r.id,
      name: r.name,
      status: r.status,
      how: "body",
      blocks: !FINISHED.includes(r.status),
    });
  for (const { fileId, role, ...n } of attachedToNotifications)
    add(fileId, { kind: "notification", ...n, how: role, blocks: true });
  for (const { fileId, ...n } of notificationBodies)
    add(fileId, { kind: "notification", ...n, how: "body", blocks: true });
  for (const r of templateBodies)
    add(r.fileId, { kind: "template", id: r.id, name: r.name, how: "body", blocks: true });
  const logo = s[0]?.logo;
  if (logo && ids.includes(logo)) add(logo, { kind: "logo", blocks: true });
  return out;
}

export type DeleteOutcome = { deleted: true } | { deleted: false; uses: FileUse[] } | null;

/**
 * Deletes file `id` unless a use blocks it (see FileUse.blocks), deciding and deleting in one
 * write transaction so no use can appear in between. null: no such file. A sent message's
 * recording goes with it (voice_file_id is set null; the message keeps the recording's name).
 */
export async function deleteUnusedFile(db: Db, id: number): Promise<DeleteOutcome> {
  return db.transaction(
    async (t) => {
      const tx: Db = t;
      const [exists] = await tx
        .select({ id: files.id })
        .from(files)
        .where(and(eq(files.id, id)));
      if (!exists) return null;
      const uses = (await fileUses(tx, [id])).get(id) ?? [];
      if (uses.some((u) => u.blocks)) return { deleted: false, uses };
      await deleteFileRow(tx, id);
      return { deleted: true };
    },
    { behavior: "immediate" },
  );
}
