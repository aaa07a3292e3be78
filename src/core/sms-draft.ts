// "Copy from e-mail" (issue 12): a plain SMS draft made from an e-mail's Markdown body. A text
// message shows Markdown as typed (`**Hello**`, `[Gallery](https://…)`), and every stray
// character costs, so the draft keeps the words and the links (as bare URLs a phone makes
// tappable), and drops what a phone cannot show: emphasis marks, headings' hashes, images, HTML.
// Placeholders ({{customer.first_name}}, {{x | "fallback"}}) are kept exactly as written.
//
// The body is read by the same Marked lexer the e-mail is rendered with (email-markdown.ts), and
// its tokens are walked once: what the e-mail shows as a link, an entity or a table is what the
// draft sees, and no regex backtracks over a body staff (or an API client) sent (the review
// found the earlier line-by-line regexes quadratic: a 50,000-character body froze the server).
import type { Token, Tokens } from "marked";
import { emailMarkdown } from "./email-markdown.ts";
import { MAX_BODY } from "./notification-input.ts";
import { parseTemplate } from "./placeholders.ts";

/** "Gallery: https://x", or just the URL when the words are the URL itself. */
function linkText(words: string, url: string): string {
  const w = words.trim();
  const u = url.trim();
  // A script "link" is nothing a phone can open: its words stay, the URL goes.
  if (/^\s*(javascript|vbscript|data):/i.test(u)) return w;
  if (!w || w === u || w.replace(/^https?:\/\//, "") === u.replace(/^https?:\/\//, "")) return u;
  return `${w}: ${u}`;
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  // A non-breaking space would turn the whole text into UCS-2 (70 characters a segment).
  nbsp: " ",
  hellip: "…",
  ndash: "–",
  mdash: "—",
  euro: "€",
  copy: "©",
};

/**
 * HTML entities as the e-mail shows them: `&amp;` is an ampersand. Unknown names stay as typed.
 * A number that is no character (NUL, a surrogate, past U+10FFFF) is dropped: a browser shows
 * U+FFFD for it, which in a text would turn the whole SMS into UCS-2 (70 characters a segment).
 */
function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,15});/g, (whole, name: string) => {
    if (name[0] !== "#") return NAMED[name.toLowerCase()] ?? whole;
    const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    const character = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return character ? String.fromCodePoint(code) : "";
  });
}

/**
 * Placeholders sheltered from Markdown: each written as a stand-in word (letters and digits,
 * which no Markdown rule reads) before lexing, and put back exactly as written after, so a
 * fallback's escaped quotes, `*stars*` and double spaces are never read as Markdown.
 * The placeholders come from parseTemplate's linear scan; a broken one stays text.
 */
function shelter(text: string): { text: string; restore: (draft: string) => string } {
  const { parts } = parseTemplate(text);
  const raws = parts.flatMap((p) => (p.kind === "placeholder" ? [p.raw] : []));
  if (raws.length === 0) return { text, restore: (d) => d };
  // A prefix the body does not hold, so a stand-in can only be one of ours.
  let prefix = "pgph";
  while (text.toLowerCase().includes(prefix)) prefix += "q";
  let n = 0;
  const sheltered = parts.map((p) => (p.kind === "text" ? p.text : `${prefix}${n++}x`)).join("");
  const restore = (draft: string) => {
    const pieces = draft.split(prefix);
    let out = pieces[0]!;
    for (const piece of pieces.slice(1)) {
      const m = /^(\d+)x/.exec(piece);
      const raw = m ? raws[Number(m[1])] : undefined;
      out += raw === undefined ? prefix + piece : raw + piece.slice(m![0].length);
    }
    return out;
  };
  return { text: sheltered, restore };
}

/**
 * Raw HTML as text: tags dropped, a `<br>` a line break, and what a `<script>` or `<style>` holds
 * dropped with it (it is no words). Scanned with indexOf, not a backtracking regex.
 */
function htmlText(html: string): string {
  let out = "";
  let at = 0;
  const lower = html.toLowerCase();
  while (at < html.length) {
    const open = html.indexOf("<", at);
    if (open < 0) {
      out += html.slice(at);
      break;
    }
    out += html.slice(at, open);
    const close = html.indexOf(">", open);
    if (close < 0) {
      out += html.slice(open);
      break;
    }
    const tag = lower.slice(open + 1, close);
    const name = /^\/?([a-z][a-z0-9]*)/.exec(tag)?.[1];
    if (!name) {
      out += "<";
      at = open + 1;
      continue;
    }
    if (name === "br") out += "\n";
    at = close + 1;
    if ((name === "script" || name === "style") && !tag.startsWith("/")) {
      const end = lower.indexOf(`</${name}`, at);
      at = end < 0 ? html.length : html.indexOf(">", end) + 1 || html.length;
    }
  }
  return out;
}

/** The words of inline tokens; `skipping` is the open `<script>`/`<style>` whose text goes. */
function inline(tokens: Token[] | undefined): string {
  let out = "";
  let skipping: string | null = null;
  for (const t of tokens ?? []) {
    if (t.type === "html") {
      const tag = /^<(\/?)([a-z][a-z0-9]*)/i.exec(t.raw);
      const name = tag?.[2]?.toLowerCase();
      if (skipping) {
        if (tag?.[1] === "/" && name === skipping) skipping = null;
        continue;
      }
      if (name === "script" || name === "style") {
        if (!/<\/(script|style)/i.test(t.raw)) skipping = name;
        continue;
      }
      out += htmlText(t.raw);
      continue;
    }
    if (skipping) continue;
    switch (t.type) {
      case "image":
        break; // a picture cannot go in a text (its alt text would read as a stray word)
      case "link":
        out += linkText(inline((t as Tokens.Link).tokens), (t as Tokens.Link).href);
        break;
      case "br":
        out += "\n";
        break;
      case "codespan":
        out += decodeEntities((t as Tokens.Codespan).text);
        break;
      case "escape":
        out += decodeEntities((t as Tokens.Escape).text);
        break;
      case "text": {
        // Marked decodes entities in a text token's text itself (&#0; to U+FFFD): its source is read.
        const nested = (t as Tokens.Text).tokens;
        out += nested?.length ? inline(nested) : decodeEntities(t.raw);
        break;
      }
      default: {
        const nested = (t as { tokens?: Token[] }).tokens;
        out += nested?.length ? inline(nested) : decodeEntities((t as { text?: string }).text ?? "");
      }
    }
  }
  return out;
}

/** The lines of block tokens: one block a line (or more), a blank line where the body has one. */
function blocks(tokens: Token[]): string {
  const parts: string[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case "space":
        parts.push("");
        break;
      case "hr":
      case "def":
        break;
      case "code":
        parts.push((t as Tokens.Code).text);
        break;
      case "html":
        parts.push(htmlText(t.raw));
        break;
      case "blockquote":
        parts.push(blocks((t as Tokens.Blockquote).tokens));
        break;
      case "list": {
        const list = t as Tokens.List;
        const start = typeof list.start === "number" ? list.start : 1;
        list.items.forEach((item, i) => {
          const mark = list.ordered ? `${start + i}. ` : "- ";
          parts.push(`${mark}${blocks(item.tokens).replace(/\n+/g, "\n").trim()}`);
        });
        break;
      }
      case "table": {
        // A phone has no table: each row a line, its cells after one another.
        const table = t as Tokens.Table;
        for (const row of [table.header, ...table.rows])
          parts.push(
            row
              .map((cell) => inline(cell.tokens).trim())
              .filter(Boolean)
              .join(", "),
          );
        break;
      }
      default: {
        const nested = (t as { tokens?: Token[] }).tokens;
        parts.push(nested ? inline(nested) : decodeEntities((t as { text?: string }).text ?? ""));
      }
    }
  }
  return parts.join("\n");
}

/**
 * A plain SMS draft of an e-mail body written in Markdown. A body longer than an e-mail may be
 * is cut there first: nothing longer is ever saved, and the draft's cost stays bounded.
 */
export function smsDraft(markdown: string): string {
  const { text, restore } = shelter(markdown.slice(0, MAX_BODY.email).replace(/\r\n?/g, "\n"));
  return restore(
    blocks(emailMarkdown.lexer(text))
      .split("\n")
      .map((l) => l.replace(/[ \t]{2,}/g, " ").trim())
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim(),
  );
}
