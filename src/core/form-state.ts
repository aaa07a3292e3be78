// What a form page is re-rendered with after a post: the values as typed (the errors beside
// them are FieldErrors, in validation.ts) and the one-line notice an action leaves. Routes fill
// them and views render them, so they live below both.

/** Field name → what was typed, kept as text so a refused form shows exactly that again. */
export type Values = Record<string, string | undefined>;

/** The notice at the top of a page after an action, or none. */
export type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;
