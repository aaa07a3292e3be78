// Languages as spreadsheets name them: a "Sprache" column says "Deutsch", "Englisch" or
// "français", not de or en. Their names in the four languages Pigeon speaks map to the codes;
// anything else is left for the locale check to judge (a code like de-AT passes through).
const CODES = [
  "en",
  "de",
  "fr",
  "es",
  "it",
  "nl",
  "pt",
  "pl",
  "tr",
  "da",
  "sv",
  "nb",
  "fi",
  "cs",
  "el",
  "ru",
  "uk",
  "ro",
  "hu",
  "hr",
  "ja",
  "zh",
  "ar",
];
const IN = ["en", "de", "fr", "es"];

const key = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();

// Built at first use, not at start: Intl.DisplayNames and the first Unicode-property match
// (\p{M}) cost the compiled binary hundreds of milliseconds, and only a CSV import needs it.
let byName: Map<string, string> | undefined;
function namesToCodes(): Map<string, string> {
  if (byName) return byName;
  byName = new Map<string, string>();
  for (const lang of IN) {
    const names = new Intl.DisplayNames([lang], { type: "language" });
    for (const code of CODES) {
      const name = names.of(code);
      if (name && name !== code) byName.set(key(name), code);
    }
  }
  byName.set("norwegian", "nb");
  byName.set("norwegisch", "nb");
  return byName;
}

/** The code a language's name stands for ("Deutsch" → de, "Inglés" → en), else the cell as it was. */
export function languageCode(cell: string): string {
  return namesToCodes().get(key(cell)) ?? cell;
}
