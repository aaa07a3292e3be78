import { getConnInfo } from "hono/bun";
import type { Ctx } from "./env.ts";

/** The caller's address, for throttling: the socket's, or "local" under `app.request` in tests. */
export function clientIp(c: Ctx): string {
  try {
    return getConnInfo(c).remote.address ?? "local";
  } catch {
    return "local";
  }
}
