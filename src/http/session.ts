// Staff sessions (SPEC §13): an HttpOnly, SameSite cookie holding a random token whose hash
// is in the database. Anonymous visitors get a pre-session cookie so login and setup forms
// are CSRF-protected too.
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { randomToken } from "../core/crypto.ts";
import { findSession } from "../db/auth.ts";
import type { AppEnv, Ctx } from "./env.ts";

export const SESSION_COOKIE = "pigeon_session";
export const PRE_SESSION_COOKIE = "pigeon_pre";

function secure(c: Ctx): boolean {
  return c.get("deps").config.publicUrl.startsWith("https:");
}

export function setSessionCookie(c: Ctx, token: string) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: secure(c),
    maxAge: 14 * 24 * 3600,
  });
}

export function clearSessionCookie(c: Ctx) {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

/** Loads the signed-in user, if any, and the CSRF token forms must echo. */
export function loadSession(): MiddlewareHandler<AppEnv> {
  return async function loadSession(c, next) {
    const { db, clock } = c.get("deps");
    c.set("user", null);
    c.set("sessionToken", null);
    const token = getCookie(c, SESSION_COOKIE);
    const found = token ? await findSession(db, token, clock()) : undefined;
    if (found && token) {
      c.set("user", found.user);
      c.set("sessionToken", token);
      c.set("csrfToken", found.session.csrfToken);
    } else {
      let pre = getCookie(c, PRE_SESSION_COOKIE);
      if (!pre || !/^[\w-]{32,64}$/.test(pre)) {
        pre = randomToken();
        setCookie(c, PRE_SESSION_COOKIE, pre, { httpOnly: true, sameSite: "Strict", path: "/", secure: secure(c) });
      }
      c.set("csrfToken", pre);
    }
    await next();
  };
}

/** Pages for staff only: anonymous browsers go to the login page, which returns them here. */
export function requireStaff(): MiddlewareHandler<AppEnv> {
  return async function requireStaff(c, next) {
    if (!c.get("user")) {
      const back = new URL(c.req.url);
      const to = `/login?next=${encodeURIComponent(back.pathname + back.search)}`;
      if (c.req.header("HX-Request") === "true") {
        c.header("HX-Redirect", to);
        return c.body(null, 204);
      }
      return c.redirect(to, 303);
    }
    await next();
  };
}

export function requireOwner(): MiddlewareHandler<AppEnv> {
  return async function requireOwner(c, next) {
    if (c.get("user")?.role !== "owner")
      throw new HTTPException(403, { message: "Only the studio owner can do this." });
    await next();
  };
}
