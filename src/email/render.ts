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

// Only a hex colour reaches a style attribute (the layout derives it from the brand colour).
const HEX_COLOUR = /^#[0-9a-f]{6}$/i;
// An http(s) address in already-escaped text: it ends at a space or an escaped quote or bracket.
const ESCAPED_URL = /\bhttps?:\/\/(?:(?!&(?:quot|#39|lt|gt);)\S)+/g;

/**
 * A snippet as HTML. A snippet is plain text of several lines (Settings → Snippets says so),
 * filled in after the body was rendered, so Markdown never sees it: escaped first, then its line
 * breaks become <br> and its bare http(s) addresses links, as the same text typed into the body
 * would show. Only what escaping left as an http(s) address is linked, so no markup gets in.
 */
function snippetHtml(value: string, linkColor: string | undefined): string {
  const style = linkColor && HEX_COLOUR.test(linkColor) ? ` style="color:${linkColor}"` : "";
  return escapeHtml(value)
    .replace(ESCAPED_URL, (found) => {
      // A sentence's full stop or closing bracket after an address is not part of it.
      const url = found.replace(/[.,;:!?)]+$/, "");
      return `<a href="${url}"${style} target="_blank">${url}</a>${found.slice(url.length)}`;
    })
    .replace(/\r\n|\r|\n/g, "<br>");
}

/** Fills a rendered variant for one recipient: values HTML-escaped in the HTML part only. */
export function personalizeEmail(variant: EmailVariant, values: PlaceholderValues): PersonalizedEmail {
  return {
    // A value with a line break must not spill into further header lines.
    subject: variant.subject(values, noEscape).replace(/[\r\n]+/g, " "),
    html: variant.html(values, (value, key) =>
      key.startsWith("snippet.") ? snippetHtml(value, variant.linkColor) : escapeHtml(value),
    ),
    text: variant.text(values, noEscape),
  };
}
