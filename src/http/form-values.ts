import type { Values } from "../../views/form.tsx";

/** What the user typed, to put back into a refused form; never secrets or the CSRF token. */
export function typedValues(body: Record<string, unknown>, omit: string[] = []): Values {
  const skip = new Set(["_csrf", "password", ...omit]);
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => !skip.has(k) && typeof v === "string")) as Values;
}
