// The one error handler (STYLE §6): JSON for the API, a plain page for browsers. Unexpected
// errors are logged with their stack and shown as a generic message.
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ErrorPage } from "../../views/error-page.tsx";
import { errorText } from "../log.ts";
import type { AppEnv } from "./env.ts";

export class ApiError extends HTTPException {
  constructor(
    status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const status = err instanceof HTTPException ? err.status : 500;
  const message = err instanceof HTTPException ? err.message : "Something went wrong on our side. It has been logged.";
  if (status >= 500)
    c.get("deps")?.log("error", "request failed", {
      path: c.req.path,
      error: errorText(err),
      stack: (err as Error).stack,
    });
  if (c.req.path.startsWith("/api/") || c.req.path.startsWith("/webhooks/")) {
    const fields = err instanceof ApiError ? err.fields : {};
    return c.json({ error: { message, fields } }, status);
  }
  return c.html(ErrorPage({ csrf: c.get("csrfToken") ?? "", status, message, user: c.get("user") }), status);
};

/**
 * The answer to a staff form or upload over its size limit. Browsers get a page in the app's
 * layout that says which limit and how to get back to what was typed (no script: the CSP forbids
 * it); htmx requests get the short text alone, for a fragment.
 */
export function tooLarge(message: string) {
  return (c: Context) => {
    if (c.req.header("HX-Request")) return c.text(message, 413);
    const back = "Use your browser's Back button: what you typed is still in the form.";
    return c.html(ErrorPage({ csrf: "", status: 413, message, hint: back, user: null }), 413);
  };
}
