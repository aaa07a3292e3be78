import type { Values } from "../core/form-state.ts";

/**
 * A row id a form carries (a hidden field, a select), or null for anything that names no row:
 * blank, "abc", "1e999" (Infinity, which the database driver cannot bind) or past 2^53.
 */
export function formId(v: unknown): number | null {
  const n = typeof v === "string" && /^\s*\d{1,16}\s*$/.test(v) ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The ids of a multi-select, leaving out what names no row. */
export const formIds = (vs: readonly unknown[] | undefined): number[] =>
  (vs ?? []).map(formId).filter((n): n is number => n !== null);

/** What the user typed, to put back into a refused form; never secrets or the CSRF token. */
export function typedValues(body: Record<string, unknown>, omit: string[] = []): Values {
  const skip = new Set(["_csrf", "password", ...omit]);
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => !skip.has(k) && typeof v === "string")) as Values;
}
