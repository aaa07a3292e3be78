// Placeholder tokens ({{customer.first_name | "there"}}) contain spaces, quotes, dots and
// underscores, which Markdown, sanitize-html, HTML-to-text and attribute quoting would all
// rewrite. So while an e-mail is rendered each token stands in as an opaque alphanumeric word;
// the rendered output is then compiled straight from those stand-ins.
import { randomBytes } from "node:crypto";
import {
  compileTemplate,
  escapeHtml,
  parseTemplate,
  TemplateSyntaxError,
  type CompiledTemplate,
  type TemplatePart,
} from "../core/placeholders.ts";

export type Placeholder = { key: string; fallback?: string };

/** How a fallback is written into the output: HTML-escaped, or as it is for plain text. */
export type OutputKind = "html" | "text";

export type TokenGuard = {
  /** Swaps every placeholder in `text` for a stand-in word; throws TemplateSyntaxError on a broken one. */
  protect: (text: string) => string;
  /** The placeholder when `s` is exactly one stand-in, else null. */
  placeholderAt: (s: string) => Placeholder | null;
  /** Compiles rendered output, turning stand-ins back into placeholders. */
  compile: (rendered: string, kind: OutputKind) => CompiledTemplate;
  /** Writes the placeholders back as template text. */
  restore: (rendered: string, kind: OutputKind) => string;
};

// A fallback is template text that compileTemplate inserts unescaped, so it is escaped here,
// once, for the output it lands in — it never went through the body sanitiser.
function fallbackFor(p: Placeholder, kind: OutputKind): string | undefined {
  if (p.fallback === undefined) return undefined;
  return kind === "html" ? escapeHtml(p.fallback) : p.fallback;
}

function writePlaceholder(p: Placeholder, kind: OutputKind): string {
  const fallback = fallbackFor(p, kind);
  if (fallback === undefined) return `{{${p.key}}}`;
  // Backslash-escape everything placeholders.ts reads as a quote, and the backslash itself.
  const quoted = fallback.replace(/\\|"|&quot;|&#34;|&#x22;|“|”/g, (q) => `\\${q}`);
  return `{{${p.key} | "${quoted}"}}`;
}

/** A fresh guard; its stand-ins (`pgtk<random>x<n>x`) cannot collide with real text. */
export function tokenGuard(): TokenGuard {
  const nonce = randomBytes(6).toString("hex");
  const found: Placeholder[] = [];
  const standIn = new RegExp(`pgtk${nonce}x(\\d+)x`, "gi");
  const exact = new RegExp(`^\\s*pgtk${nonce}x(\\d+)x\\s*$`, "i");
  const at = (i: string) => found[Number(i)];

  return {
    protect(text) {
      const { parts, errors } = parseTemplate(text);
      if (errors.length > 0) throw new TemplateSyntaxError(errors);
      return parts
        .map((part) => {
          if (part.kind === "text") return part.text;
          const p: Placeholder = { key: part.key };
          if (part.fallback !== undefined) p.fallback = part.fallback;
          return `pgtk${nonce}x${found.push(p) - 1}x`;
        })
        .join("");
    },
    placeholderAt(s) {
      const m = exact.exec(s);
      return m ? (at(m[1]!) ?? null) : null;
    },
    compile(rendered, kind) {
      const parts: TemplatePart[] = [];
      let last = 0;
      for (const m of rendered.matchAll(standIn)) {
        const p = at(m[1]!);
        if (!p) continue;
        if (m.index > last) parts.push({ kind: "text", text: rendered.slice(last, m.index) });
        const part: TemplatePart = { kind: "placeholder", key: p.key, raw: m[0], line: 1, column: 1 };
        const fallback = fallbackFor(p, kind);
        if (fallback !== undefined) part.fallback = fallback;
        parts.push(part);
        last = m.index + m[0].length;
      }
      if (last < rendered.length) parts.push({ kind: "text", text: rendered.slice(last) });
      return compileTemplate({ parts, errors: [] });
    },
    restore(rendered, kind) {
      return rendered.replace(standIn, (whole, i: string) => {
        const p = at(i);
        return p ? writePlaceholder(p, kind) : whole;
      });
    },
  };
}

/**
 * Whether a placeholder may stand alone as a link or image URL. Only values Pigeon generates
 * as URLs qualify; a customer-typed value such as a first name must never become an href
 * (it could be `javascript:…`, and the e-mail is also shown in the browser, L5). Snippets are
 * never one, whatever their key: staff write their text (`pay_link` could hold `javascript:…`), and
 * they are plain text. Used as a link's address, a snippet leaves its words unlinked, as any
 * non-URL placeholder does; on a line of its own it is text, which mail apps link if it is a URL.
 */
export function isUrlPlaceholder(key: string): boolean {
  if (key.startsWith("snippet.")) return false;
  return key.endsWith("_link") || key === "studio.website";
}
