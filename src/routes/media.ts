// Uploaded files at their public, unguessable address (SPEC A2): Twilio fetches a call's recorded
// audio from here without a session, the dev outbox plays it, and e-mails show images from here. The random stored name is the
// only key; anything else is a plain 404. The type is the one the bytes proved at upload, never
// sniffed again by the browser, and a stored file never changes, so it may be cached for good.
import { Hono } from "hono";
import { fileByStoredName } from "../db/files.ts";
import type { AppEnv } from "../http/env.ts";

const STORED_NAME = /^[A-Za-z0-9_-]{16,64}\.(mp3|wav|png|jpg|gif|webp|pdf)$/;

/**
 * `inline; filename="…"` with an ASCII fallback and the UTF-8 name (RFC 6266). RFC 5987's
 * attr-chars exclude ' ( ) * which encodeURIComponent leaves: a ' ends the charset'language part
 * early for strict parsers, so they are percent-encoded too.
 */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export const mediaRoutes = new Hono<AppEnv>().get("/:name", async (c) => {
  const name = c.req.param("name");
  const file = STORED_NAME.test(name) ? await fileByStoredName(c.get("deps").db, name) : undefined;
  if (!file) return c.text("Not found", 404, { "Cache-Control": "no-store" });
  const etag = `"${file.sha256}"`;
  // A stored file never changes: a client (webmail's image proxy, Twilio) holding this ETag has
  // the bytes already, so it gets 304 and no body (RFC 9110 §13.1.2; W/ and lists allowed).
  const ifNoneMatch = c.req.header("If-None-Match");
  if (
    ifNoneMatch &&
    (ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag))
  )
    return c.body(null, 304, { ETag: etag, "Cache-Control": "public, max-age=31536000, immutable" });
  return c.body(new Uint8Array(file.content), 200, {
    "Content-Type": file.mimeType,
    "Content-Length": String(file.sizeBytes),
    "X-Content-Type-Options": "nosniff",
    // Opened on its own (a PDF, an image), it may run nothing and reach nothing as this origin.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    // E-mails show these images from other origins (webmail, the composer's sandboxed preview):
    // the default same-origin resource policy would have browsers refuse them.
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Content-Disposition": disposition(file.originalName),
    "Cache-Control": "public, max-age=31536000, immutable",
    ETag: etag,
  });
});
