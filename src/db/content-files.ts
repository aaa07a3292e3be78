// The files a message or notification sends with it (SPEC T5): e-mail attachments and MMS
// pictures, in the order staff chose them. Written with their owner in one transaction.
import { and, asc, eq, inArray } from "drizzle-orm";
import type { CONTENT_FILE_ROLES } from "../core/vocabulary.ts";
import type { Db } from "./client.ts";
import { contentFiles, files } from "./schema.ts";

export type ContentFileRole = (typeof CONTENT_FILE_ROLES)[number];
export type ContentOwner = { messageId: number } | { notificationId: number };

const ownerIs = (o: ContentOwner) =>
  "messageId" in o ? eq(contentFiles.messageId, o.messageId) : eq(contentFiles.notificationId, o.notificationId);

/** Replaces the owner's files of one role with `fileIds`, in that order (call it inside the owner's transaction). */
export async function setContentFiles(db: Db, owner: ContentOwner, role: ContentFileRole, fileIds: readonly number[]) {
  await db.delete(contentFiles).where(and(ownerIs(owner), eq(contentFiles.role, role)));
  const unique = [...new Set(fileIds)];
  if (unique.length === 0) return;
  await db.insert(contentFiles).values(
    unique.map((fileId, position) => ({
      ...("messageId" in owner ? { messageId: owner.messageId } : { notificationId: owner.notificationId }),
      fileId,
      role,
      position,
    })),
  );
}

/** The owner's files of each role, in order, without their bytes. */
export async function contentFilesOf(db: Db, owner: ContentOwner) {
  const rows = await db
    .select({
      role: contentFiles.role,
      id: files.id,
      storedName: files.storedName,
      originalName: files.originalName,
      mimeType: files.mimeType,
      sizeBytes: files.sizeBytes,
    })
    .from(contentFiles)
    .innerJoin(files, eq(files.id, contentFiles.fileId))
    .where(ownerIs(owner))
    .orderBy(asc(contentFiles.role), asc(contentFiles.position));
  const of = (role: ContentFileRole) => rows.filter((r) => r.role === role).map(({ role: _, ...f }) => f);
  return { attachments: of("attachment"), mms: of("mms") };
}

export type ContentFile = Awaited<ReturnType<typeof contentFilesOf>>["attachments"][number];

/** The ids among `ids` that name no stored file (an API caller's or a stale form's). */
export async function missingFileIds(db: Db, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = await db
    .select({ id: files.id })
    .from(files)
    .where(inArray(files.id, [...ids]));
  const have = new Set(found.map((f) => f.id));
  return ids.filter((id) => !have.has(id));
}

/** The files `ids` name, in that order, without their bytes; ids of files deleted since are left out. */
export async function filesByIds(db: Db, ids: readonly number[]): Promise<ContentFile[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      id: files.id,
      storedName: files.storedName,
      originalName: files.originalName,
      mimeType: files.mimeType,
      sizeBytes: files.sizeBytes,
    })
    .from(files)
    .where(inArray(files.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}
