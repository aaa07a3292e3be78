// Our CSS/JS, Pico CSS and htmx, embedded into the bundle at build time (text imports), so the
// compiled binary serves them with no files beside it and no CDN is ever involved. Its own
// module, below both: routes/static.ts serves these files and the views link them by version.
import htmx from "htmx.org/dist/htmx.min.js" with { type: "text" };
import htmxSse from "htmx.org/dist/ext/hx-sse.min.js" with { type: "text" };
import pico from "@picocss/pico/css/pico.min.css" with { type: "text" };
import appCss from "../static/app.css" with { type: "text" };
import appJs from "../static/app.js" with { type: "text" };
import profilesCss from "../static/profiles.css" with { type: "text" };
import inboxCss from "../static/inbox.css" with { type: "text" };
import editorJs from "../static/editor.js" with { type: "text" };
import filesCss from "../static/files.css" with { type: "text" };
import logo from "../static/pigeon.svg" with { type: "text" };
import { sha256Hex } from "./core/crypto.ts";

/** Every static file by the name it is served under, with its Content-Type. */
export const STATIC_FILES: Record<string, { body: string; type: string }> = {
  "htmx.min.js": { body: htmx, type: "text/javascript; charset=utf-8" },
  "hx-sse.min.js": { body: htmxSse, type: "text/javascript; charset=utf-8" },
  "pico.min.css": { body: pico, type: "text/css; charset=utf-8" },
  "app.css": { body: appCss, type: "text/css; charset=utf-8" },
  "app.js": { body: appJs, type: "text/javascript; charset=utf-8" },
  "profiles.css": { body: profilesCss, type: "text/css; charset=utf-8" },
  "inbox.css": { body: inboxCss, type: "text/css; charset=utf-8" },
  "editor.js": { body: editorJs, type: "text/javascript; charset=utf-8" },
  "files.css": { body: filesCss, type: "text/css; charset=utf-8" },
  "pigeon.svg": { body: logo, type: "image/svg+xml" },
};
/** Each file's ETag: a hash of its content. */
export const STATIC_ETAGS = Object.fromEntries(
  Object.entries(STATIC_FILES).map(([name, f]) => [name, `"${sha256Hex(f.body).slice(0, 16)}"`]),
);

/** Cache-busting suffix for links in the layout: changes whenever any static file does. */
export const STATIC_VERSION = sha256Hex(Object.values(STATIC_ETAGS).join()).slice(0, 8);
