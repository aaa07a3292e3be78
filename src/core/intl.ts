// Locales and time zones the runtime can really use. Input checks refuse the rest; these guard
// the send path against values stored before those checks existed, so one customer's odd
// locale can never stop a batch (it gets the studio's formats instead).

/** Whether dates can be formatted in this locale (`en-abc` cannot: Intl throws). */
export function isUsableLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1 && !!new Intl.DateTimeFormat(tag);
  } catch {
    return false;
  }
}

/** Whether dates can be formatted in this IANA time zone. */
export function isUsableTimeZone(zone: string): boolean {
  try {
    return !!new Intl.DateTimeFormat("en", { timeZone: zone });
  } catch {
    return false;
  }
}

/** The first of these locales the runtime can use, else English. */
export function usableLocale(...tags: (string | null | undefined)[]): string {
  return tags.find((t): t is string => !!t && isUsableLocale(t)) ?? "en";
}

/** The first of these time zones the runtime can use, else UTC. */
export function usableTimeZone(...zones: (string | null | undefined)[]): string {
  return zones.find((z): z is string => !!z && isUsableTimeZone(z)) ?? "UTC";
}
