// Bearer API keys for /api/v1 (SPEC I1): no cookies and no CSRF, the key is the whole credential.
import type { MiddlewareHandler } from "hono";
import { lastUsedIsStale, touchApiKey, writeAtomically } from "../db/api-upserts.ts";
import { findApiKey } from "../db/auth.ts";
import type { AppEnv, Ctx } from "./env.ts";

const unauthorized = (c: Ctx, message: string) =>
  c.json({ error: { message, fields: {} } }, 401, { "WWW-Authenticate": "Bearer" });

/** Admits a request with a live `Authorization: Bearer <key>` and remembers the key for the audit log. */
export function requireApiKey(): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuth(c, next) {
    const { db, clock, log } = c.get("deps");
    const header = c.req.header("Authorization") ?? "";
    const key = header.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!key) return unauthorized(c, "Send an API key as `Authorization: Bearer <key>`.");
    const row = await findApiKey(db, key);
    if (!row) return unauthorized(c, "This API key is not valid or has been revoked.");
    const now = clock();
    if (lastUsedIsStale(row.lastUsedAt, now)) {
      // Only a convenience for Settings: failing to record it must not fail the call.
      await writeAtomically(db, (tx) => touchApiKey(tx, row.id, now)).catch((err) =>
        log("warn", "could not record API key use", { error: String(err) }),
      );
    }
    c.set("apiKeyId", row.id);
    await next();
  };
}
