// E-mail rendering (SPEC §6 T2, T6): one React Email render per message variant with the
// placeholder tokens still in place, then per-recipient personalisation by substitution only.
// The renderer itself (React Email, Markdown, the HTML sanitiser) lives in render-variant.ts and
// is loaded at the first render, not at start: /healthz need not wait for it.
import { escapeHtml, noEscape, type PlaceholderValues } from "../core/placeholders.ts";
import type { EmailVariant, EmailVariantInput } from "./render-variant.ts";

export type { EmailVariant, EmailVariantInput } from "./render-variant.ts";

export type PersonalizedEmail = { subject: string; html: string; text: string };

/**
 * Renders a message variant once (layout, sanitised body, plain text) and compiles its parts.
 * Throws TemplateSyntaxError when the subject, body or preheader holds a broken placeholder.
 */
export async function renderEmailVariant(input: EmailVariantInput): Promise<EmailVariant> {
  const { renderVariant } = await import("./render-variant.ts");
  return renderVariant(input);
}

/**
 * A value as HTML: escaped. A snippet is plain text of several lines (Settings → Snippets says
 * so), filled in after the body was rendered: its line breaks become <br>, as the plain-text part
 * keeps them, or the lines would run together in the HTML part.
 */
const htmlValue = (value: string, key: string) =>
  key.startsWith("snippet.") ? escapeHtml(value).replace(/\r\n|\r|\n/g, "<br>") : escapeHtml(value);

/** Fills a rendered variant for one recipient: values HTML-escaped in the HTML part only. */
export function personalizeEmail(variant: EmailVariant, values: PlaceholderValues): PersonalizedEmail {
  return {
    // A value with a line break must not spill into further header lines.
    subject: variant.subject(values, noEscape).replace(/[\r\n]+/g, " "),
    html: variant.html(values, htmlValue),
    text: variant.text(values, noEscape),
  };
}
