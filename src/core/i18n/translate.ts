// The language a customer reads and hears Pigeon's own texts in, and those texts. Pure: the
// caller passes the customer's and the studio's locale.
import { de } from "./de.ts";
import { type Catalogue, en, type MessageKey } from "./en.ts";
import { es } from "./es.ts";
import { fr } from "./fr.ts";

export type { MessageKey } from "./en.ts";

export const LANGUAGES = ["en", "de", "fr", "es"] as const;
export type Language = (typeof LANGUAGES)[number];

// Partial on purpose: a key a language lacks (a catalogue loaded from elsewhere, a text added in
// a hurry) reads in English, never as the key.
const CATALOGUES: Record<Language, Partial<Catalogue>> = { en, de, fr, es };

/** The language of a BCP 47 tag ("de-AT" → de), if Pigeon speaks it. */
export function languageOf(locale: string | null | undefined): Language | null {
  const primary = (locale ?? "").trim().split(/[-_]/)[0]!.toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : null;
}

/** The customer's language if Pigeon speaks it, else the studio's, else English. */
export function pickLanguage(
  customerLocale: string | null | undefined,
  studioLocale: string | null | undefined,
): Language {
  return languageOf(customerLocale) ?? languageOf(studioLocale) ?? "en";
}

/** A text in `lang` (English where it has none) with `{name}` filled from vars, `{Name}` capitalised. */
export function t(lang: Language, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = CATALOGUES[lang][key] || en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const lower = name[0]!.toLowerCase() + name.slice(1);
    const value = vars[name] ?? vars[lower];
    if (value === undefined) return whole;
    const s = String(value);
    return name === lower ? s : s.charAt(0).toUpperCase() + s.slice(1);
  });
}

/** Twilio's <Say language> for each language; English keeps Twilio's default (en-US) unsaid. */
export const SAY_LANGUAGE = { en: undefined, de: "de-DE", fr: "fr-FR", es: "es-ES" } as const satisfies Record<
  Language,
  string | undefined
>;
