// Static files, embedded into the bundle at build time (text imports), so the compiled
// binary serves them with no files beside it and no CDN is ever involved.
import { Hono } from "hono";
import htmx from "htmx.org/dist/htmx.min.js" with { type: "text" };
import htmxSse from "htmx.org/dist/ext/hx-sse.min.js" with { type: "text" };
import pico from "@picocss/pico/css/pico.min.css" with { type: "text" };
import appCss from "../../static/app.css" with { type: "text" };
import appJs from "../../static/app.js" with { type: "text" };
import profilesCss from "../../static/profiles.css" with { type: "text" };
import logo from "../../static/pigeon.svg" with { type: "text" };
import { sha256Hex } from "../core/crypto.ts";
import type { AppEnv } from "../http/env.ts";

const files: Record<string, { body: string; type: string }> = {
  "htmx.min.js": { body: htmx, type: "text/javascript; charset=utf-8" },
  "hx-sse.min.js": { body: htmxSse, type: "text/javascript; charset=utf-8" },
  "pico.min.css": { body: pico, type: "text/css; charset=utf-8" },
  "app.css": { body: appCss, type: "text/css; charset=utf-8" },
  "app.js": { body: appJs, type: "text/javascript; charset=utf-8" },
  "profiles.css": { body: profilesCss, type: "text/css; charset=utf-8" },
  "pigeon.svg": { body: logo, type: "image/svg+xml" },
};
const etags = Object.fromEntries(Object.entries(files).map(([name, f]) => [name, `"${sha256Hex(f.body).slice(0, 16)}"`]));

/** Cache-busting suffix for links in the layout: changes whenever any static file does. */
export const STATIC_VERSION = sha256Hex(Object.values(etags).join()).slice(0, 8);

export const staticRoutes = new Hono<AppEnv>().get("/:name", (c) => {
  const name = c.req.param("name");
  const file = files[name];
  if (!file) return c.text("Not found", 404);
  if (c.req.header("If-None-Match") === etags[name]) return c.body(null, 304);
  c.header("Content-Type", file.type);
  c.header("ETag", etags[name]!);
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  return c.body(file.body);
});
