// Locales and time zones the send path can always use. Input checks (validation.ts) refuse the
// rest; these guard against values stored before those checks existed, so one customer's odd
// locale can never stop a batch, nor one the runtime has no data for ("zz") put English dates in
// a German text: it gets the next locale that works (the studio's), else English.
import { canonicalLocale, canonicalTimeZone } from "./validation.ts";

// Asked for every recipient of every batch, and each answer costs the runtime a formatter: kept.
const usable = new Map<string, boolean>();
const check = (kind: "locale" | "zone", value: string) => {
  const key = `${kind}:${value}`;
  let ok = usable.get(key);
  if (ok === undefined) {
    ok = (kind === "locale" ? canonicalLocale(value) : canonicalTimeZone(value)) !== null;
    if (usable.size < 10_000) usable.set(key, ok);
  }
  return ok;
};

/** The first of these locales the runtime can use, else English. */
export function usableLocale(...tags: (string | null | undefined)[]): string {
  for (const t of tags) if (t && check("locale", t)) return t;
  return "en";
}

/** The first of these time zones the runtime can use, else UTC. */
export function usableTimeZone(...zones: (string | null | undefined)[]): string {
  for (const z of zones) if (z && check("zone", z)) return z;
  return "UTC";
}
