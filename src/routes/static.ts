// Static files (src/static-assets.ts), cached for a year: their links carry the version.
import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { STATIC_ETAGS as etags, STATIC_FILES as files } from "../static-assets.ts";

export const staticRoutes = new Hono<AppEnv>().get("/:name", (c) => {
  const name = c.req.param("name");
  // Own names only: files["constructor"] is Object itself, which would answer 200 for a year.
  const file = Object.hasOwn(files, name) ? files[name] : undefined;
  if (!file) return c.text("Not found", 404);
  if (c.req.header("If-None-Match") === etags[name]) return c.body(null, 304);
  c.header("Content-Type", file.type);
  c.header("ETag", etags[name]!);
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  return c.body(file.body);
});
