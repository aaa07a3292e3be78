// /api/v1/files (SPEC A2): an integration uploads a call's recording (or an image or PDF) as the
// multipart field `file`, checked by its bytes as the compose form checks it, and names it as
// a message's `voice_audio_id`. Kept small: upload and read back; the bytes are at `url`.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ANY_KIND, MAX_FILE_BYTES, sniffUpload } from "../../core/file-types.ts";
import { audit } from "../../db/audit.ts";
import { type FileInfo, fileInfo, mediaUrl, storeFile } from "../../db/files.ts";
import { getSettings } from "../../db/settings.ts";
import type { AppEnv, Ctx } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { pathId } from "./input.ts";

/** The body of an upload: the file and a little room for the multipart framing. */
export const limitFileBody = bodyLimit({
  maxSize: MAX_FILE_BYTES + 64 * 1024,
  onError: () => {
    throw new ApiError(413, `A file may be at most ${MAX_FILE_BYTES / (1024 * 1024)} MB.`, {
      file: `must be at most ${MAX_FILE_BYTES / (1024 * 1024)} MB`,
    });
  },
});

async function fileJson(c: Ctx, f: FileInfo) {
  const { db, config } = c.get("deps");
  const base = (await getSettings(db)).publicUrl || config.publicUrl;
  return {
    id: f.id,
    url: mediaUrl(base, f.storedName),
    name: f.originalName,
    content_type: f.mimeType,
    size: f.sizeBytes,
  };
}

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
    return c.json(await fileJson(c, stored), 201);
  })
  .get("/:id", async (c) => {
    const f = await fileInfo(c.get("deps").db, pathId(c, "file"));
    if (!f) throw new ApiError(404, "There is no file with this id.");
    return c.json(await fileJson(c, f));
  });
