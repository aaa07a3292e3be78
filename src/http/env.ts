// The Hono environment: what middleware puts on the context for handlers to read.
import type { Context } from "hono";
import type { Deps } from "../deps.ts";
import type { User } from "../db/schema.ts";

export type AppEnv = {
  Variables: {
    deps: Deps;
    user: User | null;
    /** The token forms echo back; tied to the session, or to a pre-login cookie. */
    csrfToken: string;
    sessionToken: string | null;
    apiKeyId: number | null;
  };
};

export type Ctx = Context<AppEnv>;

/**
 * True when htmx 4 asked for a fragment. A history restore (Back button) is an htmx request
 * too, but of type "full": it must get the whole page.
 */
export function isPartial(c: Ctx): boolean {
  return c.req.header("HX-Request-Type") === "partial";
}
