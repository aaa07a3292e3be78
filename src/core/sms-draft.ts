// "Copy from e-mail" (issue 12): a plain SMS draft made from an e-mail's Markdown body. A text
// message shows Markdown as typed (`**Hello**`, `[Gallery](https://…)`), and every stray
// character costs, so the draft keeps the words and the links (as bare URLs a phone makes
// tappable), and drops what a phone cannot show: emphasis marks, headings' hashes, images, HTML.
// Placeholders ({{customer.first_name}}, {{x | "fallback"}}) are kept exactly as written.

const TOKEN = "\u0000";

/** Placeholders out of the way first: their underscores and pipes are no Markdown. */
function shelter(text: string): { text: string; restore: (s: string) => string } {
  const kept: string[] = [];
  const out = text.replace(/\{\{[\s\S]*?\}\}/g, (m) => `${TOKEN}${kept.push(m) - 1}${TOKEN}`);
  return {
    text: out,
    restore: (s) => s.replace(new RegExp(`${TOKEN}(\\d+)${TOKEN}`, "g"), (_, i) => kept[Number(i)]!),
  };
}

/** "Gallery: https://x", or just the URL when the words are the URL itself. */
function linkText(words: string, url: string): string {
  const w = words.trim();
  const u = url.trim();
  if (!w || w === u || w.replace(/^https?:\/\//, "") === u.replace(/^https?:\/\//, "")) return u;
  return `${w}: ${u}`;
}

const inline = (line: string) =>
  line
    // Images first: a picture cannot go in a text (its alt text would read as a stray word).
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, (_, w: string, u: string) => linkText(w, u))
    .replace(/<((?:https?:\/\/|mailto:)[^>\s]+)>/g, "$1")
    // Tags the sanitiser allows in a body (<br>, <b>…): a line break stays one, the rest goes.
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/?[a-z][^>]*>/gi, "")
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, "$2")
    .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?!\w)/g, "$1$2")
    .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, "$1$2")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/\\([\\`*_{}[\]()#+\-.!>~|])/g, "$1");

/** A plain SMS draft of an e-mail body written in Markdown. */
export function smsDraft(markdown: string): string {
  const { text, restore } = shelter(markdown.replace(/\r\n?/g, "\n"));
  const lines: string[] = [];
  for (const raw of text.split("\n")) {
    let line = raw.replace(/\s+$/, "");
    if (/^\s*(```|~~~)/.test(line)) continue;
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) continue; // a rule
    line = line
      .replace(/^\s{0,3}#{1,6}\s+/, "")
      .replace(/\s+#+\s*$/, "")
      .replace(/^\s*(>\s?)+/, "")
      .replace(/^(\s*)[*+-]\s+/, "$1- ");
    lines.push(inline(line).replace(/[ \t]+$/g, ""));
  }
  const joined = lines
    .join("\n")
    .split("\n")
    .map((l) => l.replace(/[ \t]{2,}/g, " ").replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return restore(joined);
}
