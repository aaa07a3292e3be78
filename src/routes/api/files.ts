// /api/v1/files (SPEC A2): an integration uploads a call's recording (or an image or PDF) as the
// multipart field `file`, checked by its bytes as the compose form checks it, and names it as
// a message's `voice_audio_id`. The file manager's list (with where each file is used) and delete,
// refused with 409 naming the uses while anything that can still send uses the file
// (src/core/file-uses.ts). The bytes are at `url`.
import { Hono } from "hono";
import { z } from "zod";
import { bodyLimit } from "hono/body-limit";
import { ANY_KIND, MAX_FILE_BYTES, sniffUpload } from "../../core/file-types.ts";
import { audit } from "../../db/audit.ts";
import { type FileUse, fileUseLabel } from "../../core/file-uses.ts";
import { deleteUnusedFile, fileUses } from "../../db/file-uses.ts";
import { FILE_GROUPS, type FileInfo, fileInfo, listFiles, mediaUrl, storeFile } from "../../db/files.ts";
import { getSettings } from "../../db/settings.ts";
import type { AppEnv, Ctx } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { paging, parse, pathId } from "./input.ts";

/** The body of an upload: the file and a little room for the multipart framing. */
export const limitFileBody = bodyLimit({
  maxSize: MAX_FILE_BYTES + 64 * 1024,
  onError: () => {
    throw new ApiError(413, `A file may be at most ${MAX_FILE_BYTES / (1024 * 1024)} MB.`, {
      file: `must be at most ${MAX_FILE_BYTES / (1024 * 1024)} MB`,
    });
  },
});

async function publicBase(c: Ctx) {
  const { db, config } = c.get("deps");
  return (await getSettings(db)).publicUrl || config.publicUrl;
}

const fileJson = (base: string, f: FileInfo) => ({
  id: f.id,
  url: mediaUrl(base, f.storedName),
  name: f.originalName,
  content_type: f.mimeType,
  size: f.sizeBytes,
  width: f.width,
  height: f.height,
});

/** A use as the API names it: what it is, its id, and the sentence the file manager shows. */
function useJson(u: FileUse) {
  const ref =
    u.kind === "logo"
      ? {}
      : u.kind === "notification"
        ? { id: u.id, profile_id: u.profileId, how: u.how }
        : { id: u.id, how: u.how };
  return { type: u.kind === "logo" ? "studio_logo" : u.kind, ...ref, blocks_delete: u.blocks, label: fileUseLabel(u) };
}

const listQuery = z.object({
  kind: z
    .enum(Object.keys(FILE_GROUPS) as [keyof typeof FILE_GROUPS], { error: "must be one of image, pdf, audio" })
    .optional(),
  ...paging,
});

export const fileApiRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const { db, clock } = c.get("deps");
    if (!(c.req.header("Content-Type") ?? "").startsWith("multipart/form-data"))
      throw new ApiError(415, "Send the file as multipart/form-data, in the field `file`.");
    let body: Record<string, unknown>;
    try {
      body = await c.req.parseBody({ all: true });
    } catch {
      throw new ApiError(400, "The multipart body could not be read.");
    }
    const sent = Array.isArray(body.file) ? body.file : [body.file];
    const file = sent[0];
    if (!(file instanceof File))
      throw new ApiError(422, "Some fields are not valid.", { file: "attach the file as the multipart field `file`" });
    if (sent.length > 1) throw new ApiError(422, "Some fields are not valid.", { file: "send one file per request" });
    const bytes = new Uint8Array(await file.arrayBuffer());
    const verdict = sniffUpload(bytes, ANY_KIND, MAX_FILE_BYTES);
    if (!verdict.ok) throw new ApiError(422, "The file was refused.", { file: verdict.problem });
    const stored = await storeFile(db, { bytes, originalName: file.name, kind: verdict.kind, userId: null }, clock());
    await audit(db, { apiKeyId: c.get("apiKeyId") }, "uploaded", "file", stored.id, {
      name: stored.originalName,
      type: stored.mimeType,
      size: stored.sizeBytes,
    });
    return c.json(fileJson(await publicBase(c), stored), 201);
  })
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const q = parse(listQuery, c.req.query());
    const { rows, total } = await listFiles(db, { group: q.kind, page: q.page, perPage: q.per_page });
    const [base, uses] = await Promise.all([
      publicBase(c),
      fileUses(
        db,
        rows.map((f) => f.id),
      ),
    ]);
    return c.json({
      data: rows.map((f) => ({
        ...fileJson(base, f),
        created_at: f.createdAt.toISOString(),
        used_by: (uses.get(f.id) ?? []).map(useJson),
      })),
      page: q.page,
      per_page: q.per_page,
      total,
    });
  })
  .get("/:id", async (c) => {
    const f = await fileInfo(c.get("deps").db, pathId(c, "file"));
    if (!f) throw new ApiError(404, "There is no file with this id.");
    return c.json(fileJson(await publicBase(c), f));
  })
  .delete("/:id", async (c) => {
    const { db } = c.get("deps");
    const id = pathId(c, "file");
    const outcome = await deleteUnusedFile(db, id);
    if (!outcome) throw new ApiError(404, "There is no file with this id.");
    if (!outcome.deleted) {
      const blocking = outcome.uses.filter((u) => u.blocks);
      const message = `The file is in use, so it was not deleted: ${blocking.map(fileUseLabel).join("; ")}. Remove it there first.`;
      return c.json({ error: { message, fields: {}, used_by: outcome.uses.map(useJson) } }, 409);
    }
    await audit(db, { apiKeyId: c.get("apiKeyId") }, "deleted", "file", id);
    return c.body(null, 204);
  });
