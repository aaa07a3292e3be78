// Attachments and MMS pictures against the files on record (SPEC T5): the chosen ids checked (ids that
// name no file, kinds a channel cannot carry, totals over the limit; one answer for forms and API), and
// the bytes an e-mail attaches as it leaves.
import { asc, desc, inArray, notInArray } from "drizzle-orm";
import { attachmentProblem, type ChosenFiles, type FileFacts, mmsProblem } from "../core/attachments.ts";
import type { FieldErrors } from "../core/validation.ts";
import type { Db } from "./client.ts";
import { contentFiles, deliveryEvents, files } from "./schema.ts";

/** The files with these ids, in the order given; ids naming none are left out. */
export async function filesByIds(db: Db, ids: readonly number[]): Promise<FileFacts[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({ id: files.id, originalName: files.originalName, mimeType: files.mimeType, sizeBytes: files.sizeBytes })
    .from(files)
    .where(inArray(files.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Problems with `attachment_ids` and `media_ids`, keyed by those fields; empty when both are fine. */
export async function contentFileProblems(
  db: Db,
  chosen: { attachment_ids: readonly number[]; media_ids: readonly number[] },
): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const check = async (field: "attachment_ids" | "media_ids", ids: readonly number[]) => {
    const found = await filesByIds(db, ids);
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) {
      errors[field] =
        `there is no uploaded file with id ${missing.join(", ")}: upload it first (POST /api/v1/files) or choose another`;
      return;
    }
    const problem = field === "attachment_ids" ? attachmentProblem(found) : mmsProblem(found);
    if (problem) errors[field] = problem;
  };
  await check("attachment_ids", chosen.attachment_ids);
  await check("media_ids", chosen.media_ids);
  return errors;
}

/** The bytes and checksums of these files, by id: what an e-mail attaches as it leaves. */
export async function fileBytes(db: Db, ids: readonly number[]) {
  if (!ids.length) return new Map<number, { content: Buffer; sha256: string }>();
  const rows = await db
    .select({ id: files.id, content: files.content, sha256: files.sha256 })
    .from(files)
    .where(inArray(files.id, [...ids]));
  return new Map(rows.map((r) => [r.id, { content: Buffer.from(r.content), sha256: r.sha256 }]));
}

/** The checksums of these files, by id, without reading their bytes. */
export async function fileSums(db: Db, ids: readonly number[]) {
  if (!ids.length) return new Map<number, { sha256: string }>();
  const rows = await db
    .select({ id: files.id, sha256: files.sha256 })
    .from(files)
    .where(inArray(files.id, [...ids]));
  return new Map(rows.map((r) => [r.id, { sha256: r.sha256 }]));
}

/** Each notification's attachment and picture ids, in order, for the API's answers. */
export async function notificationFileIds(db: Db, notificationIds: readonly number[]) {
  const out = new Map<number, ChosenFiles>();
  if (!notificationIds.length) return out;
  const rows = await db
    .select({ notificationId: contentFiles.notificationId, fileId: contentFiles.fileId, role: contentFiles.role })
    .from(contentFiles)
    .where(inArray(contentFiles.notificationId, [...notificationIds]))
    .orderBy(asc(contentFiles.position));
  for (const r of rows) {
    const ids = out.get(r.notificationId!) ?? { attachment_ids: [], media_ids: [] };
    (r.role === "attachment" ? ids.attachment_ids : ids.media_ids).push(r.fileId);
    out.set(r.notificationId!, ids);
  }
  return out;
}

/** How many files the composer lists to choose from, newest first (the file manager has them all). */
const CHOICES = 200;

const choiceColumns = {
  id: files.id,
  storedName: files.storedName,
  originalName: files.originalName,
  mimeType: files.mimeType,
  sizeBytes: files.sizeBytes,
};

/**
 * The PDFs and images one may attach, newest first, without their bytes; `chosen` ids are always
 * among them, however old, so a tick is never lost because its file fell off the list.
 */
export async function fileChoices(db: Db, chosen: readonly number[] = []) {
  const newest = await db
    .select(choiceColumns)
    .from(files)
    .where(notInArray(files.mimeType, ["audio/mpeg", "audio/wav"]))
    .orderBy(desc(files.id))
    .limit(CHOICES);
  const missing = chosen.filter((id) => !newest.some((f) => f.id === id));
  if (!missing.length) return newest;
  const older = await db.select(choiceColumns).from(files).where(inArray(files.id, missing));
  return [...newest, ...older.filter((f) => f.mimeType !== "audio/mpeg" && f.mimeType !== "audio/wav")];
}
export type FileChoice = Awaited<ReturnType<typeof fileChoices>>[number];

/**
 * Notes on each of these sent SMS that its pictures were left out (MMS reaches +1 numbers only),
 * so its delivery page says why the customer got the text alone.
 */
export async function noteSentWithoutPictures(db: Db, sent: { id: number; pictures: number }[], now: Date) {
  if (!sent.length) return;
  await db.insert(deliveryEvents).values(
    sent.map((s) => ({
      deliveryId: s.id,
      type: "sent_without_pictures",
      detail: {
        why: `MMS reaches US and Canadian (+1) numbers only, so the text went without its ${s.pictures === 1 ? "picture" : `${s.pictures} pictures`}`,
      },
      occurredAt: now,
    })),
  );
}
