// A studio snippet as Settings → Snippets takes it (SPEC T1 `snippet.<key>`): the key is what
// staff type inside {{snippet.…}}, so it is kept to what a placeholder name may hold.
import { z } from "zod";
import { requiredText } from "./validation.ts";

export const SNIPPET_MAX = { key: 40, title: 120, body: 5_000 } as const;

/** Lowercase letters, digits and underscores, starting with a letter. */
export const SNIPPET_KEY_RULE = /^[a-z][a-z0-9_]*$/;

const key = z.preprocess(
  (v) => (typeof v === "string" ? v.trim() : (v ?? "")),
  z
    .string({ error: "The key must be text" })
    .min(1, "The key is required: the name you type in {{snippet.…}}, like shipping_info")
    .max(SNIPPET_MAX.key, `The key may be at most ${SNIPPET_MAX.key} characters`)
    .regex(
      SNIPPET_KEY_RULE,
      "The key may hold only lowercase letters, digits and underscores, and must start with a letter (like shipping_info)",
    ),
);

/** The fields an edit changes: the key stays, as texts already use it. */
export const snippetText = z.object({
  title: requiredText(SNIPPET_MAX.title, "A title"),
  // A snippet is filled in after the message is rendered, as plain text: a placeholder in it
  // would reach the customer as braces, so it is refused here rather than sent.
  body: requiredText(SNIPPET_MAX.body, "The text").refine(
    (t) => !/\{\{|\}\}/.test(t),
    "A snippet is plain text: it cannot hold placeholders ({{…}}). Write the words themselves, or put the placeholder in the message beside the snippet.",
  ),
});

export const snippetInput = snippetText.extend({ key });

export type SnippetInput = z.infer<typeof snippetInput>;

/** Whether `text` uses `{{snippet.<key>}}` (with or without a fallback). */
export function usesSnippet(text: string, key: string): boolean {
  return new RegExp(`\\{\\{[ \\t\\u00a0]*snippet\\.${key}[ \\t\\u00a0]*(?:\\||\\}\\})`).test(text);
}
