// CSRF protection for every state-changing browser request (SPEC §13), htmx included.
// Two independent checks: the browser's own Origin / Sec-Fetch-Site must say same-origin,
// and the request must echo the token of this session (form field `_csrf` or header
// `X-CSRF-Token`, which the layout sets for every htmx request).
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { safeEqual } from "../core/crypto.ts";
import type { AppEnv } from "./env.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async function csrfProtection(c, next) {
    if (SAFE.has(c.req.method)) return next();
    const origin = c.req.header("Origin");
    const site = c.req.header("Sec-Fetch-Site");
    const own = new Set([new URL(c.req.url).origin, new URL(c.get("deps").config.publicUrl).origin]);
    if (site === "cross-site" || (origin !== undefined && origin !== "null" && !own.has(origin)) || origin === "null") {
      throw new HTTPException(403, { message: "This form was sent from another site, so it was refused." });
    }
    let sent = c.req.header("X-CSRF-Token");
    if (!sent) {
      const type = c.req.header("Content-Type") ?? "";
      if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
        const body = await c.req.parseBody();
        sent = typeof body._csrf === "string" ? body._csrf : undefined;
      }
    }
    if (!sent || !safeEqual(sent, c.get("csrfToken"))) {
      throw new HTTPException(403, {
        message: "Your session's security token did not match. Reload the page and try again.",
      });
    }
    await next();
  };
}
