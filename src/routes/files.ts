// The file manager (SPEC T4, issue 12): upload (checked by its bytes; a refusal says why and
// stores nothing), the list with where each file is used, delete behind a page naming the uses,
// and the image picker the e-mail editors open (views/image-picker.tsx).
import { Hono } from "hono";
import { z } from "zod";
import { DeleteFilePage, FilesPage } from "../../views/files.tsx";
import { ErrorPage } from "../../views/error-page.tsx";
import { ImagePickerBody, ImagePickerPage } from "../../views/image-picker.tsx";
import { ANY_KIND, type FileKind, IMAGE_KINDS, MAX_FILE_BYTES, sniffUpload } from "../core/file-types.ts";
import { audit } from "../db/audit.ts";
import type { Db } from "../db/client.ts";
import { deleteUnusedFile, fileUses } from "../db/file-uses.ts";
import { FILE_GROUPS, type FileInfo, fileInfo, listFiles, mediaUrl, storeFile } from "../db/files.ts";
import { getSettings } from "../db/settings.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { pathIdNumber } from "../http/path-id.ts";

const PAGE_SIZE = 50;

const listQuery = z.object({
  kind: z
    .enum(Object.keys(FILE_GROUPS) as [keyof typeof FILE_GROUPS])
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).catch(1),
});

/**
 * The file in a form's field `file`, checked by its bytes and stored; or why not, in words for
 * the field. Nothing is stored when it is refused.
 */
export async function storeUpload(
  c: Ctx,
  body: Record<string, unknown>,
  allowed: readonly FileKind[],
): Promise<{ ok: true; file: FileInfo } | { ok: false; problem: string }> {
  const sent = body.file;
  if (!(sent instanceof File) || (sent.size === 0 && !sent.name))
    return { ok: false, problem: "Choose a file to upload." };
  const bytes = new Uint8Array(await sent.arrayBuffer());
  const verdict = sniffUpload(bytes, allowed, MAX_FILE_BYTES);
  if (!verdict.ok) return { ok: false, problem: `${sent.name || "The file"} ${verdict.problem}.` };
  const { db, clock } = c.get("deps");
  const user = c.get("user")!;
  const file = await storeFile(db, { bytes, originalName: sent.name, kind: verdict.kind, userId: user.id }, clock());
  await audit(db, { userId: user.id }, "uploaded", "file", file.id, {
    name: file.originalName,
    type: file.mimeType,
    size: file.sizeBytes,
  });
  return { ok: true, file };
}

/** The studio's public base: Settings' public URL, else PUBLIC_URL (as links in messages use it). */
export async function publicBase(c: Ctx, db: Db = c.get("deps").db): Promise<string> {
  return (await getSettings(db)).publicUrl || c.get("deps").config.publicUrl;
}

async function filesPage(
  c: Ctx,
  extra: { errors?: Record<string, string>; flash?: { kind: "ok" | "bad"; text: string } } = {},
  status: 200 | 422 = 200,
) {
  const { db } = c.get("deps");
  const q = listQuery.parse(c.req.query());
  const [{ rows, total }, settings] = await Promise.all([
    listFiles(db, { group: q.kind, page: q.page, perPage: PAGE_SIZE }),
    getSettings(db),
  ]);
  const uses = await fileUses(
    db,
    rows.map((f) => f.id),
  );
  const base = settings.publicUrl || c.get("deps").config.publicUrl;
  return c.html(
    FilesPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      rows: rows.map((f) => ({ ...f, url: mediaUrl(base, f.storedName), uses: uses.get(f.id) ?? [] })),
      page: q.page,
      total,
      pageSize: PAGE_SIZE,
      kind: q.kind,
      timeZone: settings.timeZone,
      errors: extra.errors ?? {},
      flash: extra.flash,
    }),
    status,
  );
}

async function picker(
  c: Ctx,
  extra: { errors?: Record<string, string>; chosen?: string } = {},
  status: 200 | 422 = 200,
) {
  const { rows } = await listFiles(c.get("deps").db, { group: "image", page: 1, perPage: PAGE_SIZE });
  const props = { csrf: c.get("csrfToken"), images: rows, errors: extra.errors ?? {}, chosen: extra.chosen };
  if (c.req.query("fragment") === "1") return c.html(ImagePickerBody({ ...props, dialog: true }), status);
  return c.html(ImagePickerPage({ ...props, user: c.get("user")! }), status);
}

async function loadFile(c: Ctx) {
  const id = pathIdNumber(c.req.param("id") ?? "");
  return id === null ? undefined : fileInfo(c.get("deps").db, id);
}

export const fileRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const id = pathIdNumber(c.req.query("uploaded") ?? "");
    const f = id === null ? undefined : await fileInfo(c.get("deps").db, id);
    if (f) return filesPage(c, { flash: { kind: "ok", text: `${f.originalName} uploaded.` } });
    return filesPage(c, c.req.query("deleted") === "1" ? { flash: { kind: "ok", text: "The file was deleted." } } : {});
  })
  .post("/", async (c) => {
    const stored = await storeUpload(c, await c.req.parseBody(), ANY_KIND);
    if (!stored.ok) return filesPage(c, { errors: { file: stored.problem } }, 422);
    return c.redirect(`/files?uploaded=${stored.file.id}`, 303);
  })
  .get("/pick", (c) => picker(c))
  .post("/pick", async (c) => {
    const stored = await storeUpload(c, await c.req.parseBody(), IMAGE_KINDS);
    if (!stored.ok) return picker(c, { errors: { file: stored.problem } }, 422);
    return picker(c, { chosen: stored.file.storedName });
  })
  .get("/:id{[0-9]+}/delete", async (c) => {
    const file = await loadFile(c);
    if (!file) return c.html(FilesNotFound(c), 404);
    const uses = (await fileUses(c.get("deps").db, [file.id])).get(file.id) ?? [];
    return c.html(DeleteFilePage({ user: c.get("user")!, csrf: c.get("csrfToken"), file, uses }));
  })
  .post("/:id{[0-9]+}/delete", async (c) => {
    const { db } = c.get("deps");
    const file = await loadFile(c);
    const outcome = file ? await deleteUnusedFile(db, file.id) : null;
    if (!file || !outcome) return c.html(FilesNotFound(c), 404);
    if (!outcome.deleted)
      return c.html(DeleteFilePage({ user: c.get("user")!, csrf: c.get("csrfToken"), file, uses: outcome.uses }), 409);
    await audit(db, { userId: c.get("user")!.id }, "deleted", "file", file.id, { name: file.originalName });
    return c.redirect("/files?deleted=1", 303);
  });

/** A file that is not there (deleted meanwhile, or never was). */
const FilesNotFound = (c: Ctx) =>
  ErrorPage({
    csrf: c.get("csrfToken"),
    user: c.get("user"),
    status: 404,
    message: "There is no such file: it may have been deleted already.",
  });
