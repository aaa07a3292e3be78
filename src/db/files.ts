// Uploaded files (SPEC A2; issue 12's file manager will list them): bytes in the database so a
// backup is one file, each under a random stored name that is its public, unguessable address
// (/media/<stored name>) — Twilio fetches a call's audio from there without a session.
import { createHash } from "node:crypto";
import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import { randomToken } from "../core/crypto.ts";
import type { FileKind } from "../core/file-types.ts";
import { FILE_KINDS, imageSize } from "../core/file-types.ts";
import { mediaImagesIn, missingImagesProblem, oddMediaProblemIn } from "../core/email-images.ts";
import type { Db } from "./client.ts";
import { files, users } from "./schema.ts";

/** What a file is without its bytes: what pages and the API show. */
export type FileInfo = Omit<typeof files.$inferSelect, "content">;

const info = {
  id: files.id,
  storedName: files.storedName,
  originalName: files.originalName,
  mimeType: files.mimeType,
  sizeBytes: files.sizeBytes,
  sha256: files.sha256,
  width: files.width,
  height: files.height,
  uploadedByUserId: files.uploadedByUserId,
  createdAt: files.createdAt,
};

/**
 * The name as staff know it, safe to show and to put in a Content-Disposition: no folders, no
 * control characters or quotes, no bidi controls (which make "song\u202Egpj.mp3" show as
 * "song3pm.jpg"), at most 200 characters, the extension its bytes call for. A part sent with no
 * name at all (curl's `filename=`; some clients send none) gets one from what it is: recording.mp3.
 */
export function cleanFileName(name: string | null | undefined, kind: FileKind): string {
  const base = (
    String(name ?? "")
      .split(/[\\/]/)
      .pop() ?? ""
  )
    .replace(/[\u0000-\u001f\u007f"\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/\.[^.]*$/, "")
    .trim();
  const { ext, audio, mime } = FILE_KINDS[kind];
  const unnamed = audio ? "recording" : mime.startsWith("image/") ? "image" : "document";
  return `${cutWhole(base, 190) || unnamed}.${ext}`;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * The longest start of `text` at most `max` UTF-16 units long that ends between two characters as
 * shown: a plain slice may cut an emoji's surrogate pair (stored as U+FFFD) or a flag or family
 * emoji into other ones.
 */
function cutWhole(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const { segment } of graphemes.segment(text)) {
    if (out.length + segment.length > max) break;
    out += segment;
  }
  return out;
}

/** Stores an upload whose kind its bytes proved (sniffUpload); returns it without the bytes. */
export async function storeFile(
  db: Db,
  f: { bytes: Uint8Array; originalName: string | undefined; kind: FileKind; userId: number | null },
  now: Date,
): Promise<FileInfo> {
  const { ext, mime } = FILE_KINDS[f.kind];
  const [row] = await db
    .insert(files)
    .values({
      // 144 random bits: the address is the only key to the file.
      storedName: `${randomToken(18)}.${ext}`,
      originalName: cleanFileName(f.originalName, f.kind),
      mimeType: mime,
      sizeBytes: f.bytes.length,
      sha256: createHash("sha256").update(f.bytes).digest("hex"),
      ...(FILE_KINDS[f.kind].image && imageSize(f.bytes)),
      content: Buffer.from(f.bytes),
      uploadedByUserId: f.userId,
      createdAt: now,
    })
    .returning(info);
  return row!;
}

export async function fileInfo(db: Db, id: number): Promise<FileInfo | undefined> {
  const [row] = await db.select(info).from(files).where(eq(files.id, id));
  return row;
}

/** A file with its bytes, by the stored name in its address. */
export async function fileByStoredName(db: Db, storedName: string) {
  const [row] = await db.select().from(files).where(eq(files.storedName, storedName));
  return row;
}

/** Whether a file is audio a call can play. */
export const isAudio = (f: Pick<FileInfo, "mimeType">) => f.mimeType === "audio/mpeg" || f.mimeType === "audio/wav";

/** The public address of a stored file under `base` (the studio's public URL). */
export const mediaUrl = (base: string, storedName: string) => `${base.replace(/\/+$/, "")}/media/${storedName}`;

/** Why file `id` cannot be a call's recorded audio (none with this id, or not MP3/WAV), or null. */
export async function audioFileProblem(db: Db, id: number): Promise<string | null> {
  const f = await fileInfo(db, id);
  if (!f) return "there is no uploaded file with this id";
  if (!isAudio(f)) return `is ${f.originalName} (${f.mimeType}), not audio: a call plays an MP3 or WAV`;
  return null;
}

/** The kinds the file manager and the API filter by, each as the Content-Types it covers. */
export const FILE_GROUPS = {
  image: ["image/png", "image/jpeg", "image/gif", "image/webp"],
  pdf: ["application/pdf"],
  audio: ["audio/mpeg", "audio/wav"],
} as const;
export type FileGroup = keyof typeof FILE_GROUPS;

/** Whether a file is an image an e-mail can show. */
export const isImage = (f: Pick<FileInfo, "mimeType">) => f.mimeType.startsWith("image/");

export type ListedFile = FileInfo & { uploadedBy: string | null };

/** One page of files, newest first, optionally of one group; with the total for the pager. */
export async function listFiles(
  db: Db,
  opts: { group?: FileGroup; page: number; perPage: number },
): Promise<{ rows: ListedFile[]; total: number }> {
  const where: SQL | undefined = opts.group ? inArray(files.mimeType, [...FILE_GROUPS[opts.group]]) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select({ ...info, uploadedBy: users.name })
      .from(files)
      .leftJoin(users, eq(users.id, files.uploadedByUserId))
      .where(where)
      .orderBy(desc(files.createdAt), desc(files.id))
      .limit(opts.perPage)
      .offset((opts.page - 1) * opts.perPage),
    db.select({ n: count() }).from(files).where(where),
  ]);
  return { rows, total: total!.n };
}

/** Deletes file `id`; false when there was none. Call it after deciding it is not in use (file-uses.ts). */
export async function deleteFileRow(db: Db, id: number): Promise<boolean> {
  const gone = await db
    .delete(files)
    .where(and(eq(files.id, id)))
    .returning({ id: files.id });
  return gone.length > 0;
}

/** The width in pixels of each stored image among `storedNames` whose width is known. */
export async function imageWidths(db: Db, storedNames: readonly string[]): Promise<Record<string, number>> {
  if (storedNames.length === 0) return {};
  const found = await db
    .select({ storedName: files.storedName, width: files.width })
    .from(files)
    .where(inArray(files.storedName, [...storedNames]));
  return Object.fromEntries(found.filter((f) => f.width).map((f) => [f.storedName, f.width!]));
}

/**
 * Why an e-mail body cannot be saved for its uploaded images (relative /media/ addresses, or
 * absolute under the public `base`): the ones not stored as images, named; null when all are.
 */
export async function missingImagesIn(db: Db, body: string, base: string): Promise<string | null> {
  // An absolute address under the studio's own /media/ that is no stored name (a relative one
  // is refused by imageProblem, which knows no base).
  const odd = oddMediaProblemIn(body, base);
  if (odd) return odd;
  const names = mediaImagesIn(body, base);
  if (names.length === 0) return null;
  const stored = await db
    .select({ name: files.storedName, mime: files.mimeType })
    .from(files)
    .where(inArray(files.storedName, names));
  const images = new Set(stored.filter((f) => f.mime.startsWith("image/")).map((f) => f.name));
  return missingImagesProblem(names.filter((n) => !images.has(n)));
}
