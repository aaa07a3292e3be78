// Which links of a composed message go through the tracked redirect `/t/<token>`, and the
// rewrite itself (issue 14). Pure: the composer collects the addresses, stores them (one row
// each, tracked_links) and hands back how to spell each one's redirect.

/**
 * Pigeon's own paths that are never wrapped: unsubscribe, preferences, confirm, view in browser,
 * appointment, images, and the redirects themselves. Counting them as clicks would be wrong (an
 * unsubscribe is not interest) and wrapping them would break what mail clients do with them.
 * The gallery link (`/g/`) is the one own link that is a person-facing page: it is tracked.
 */
const OWN_TRACKED_PATHS = ["/g/"];

/** Whether a link address in a message goes through the tracked redirect. */
export function isTrackable(url: string, base: string): boolean {
  if (!/^https?:\/\//i.test(url)) return false; // mailto:, tel:, sms:, anchors, placeholders left blank
  const parsed = URL.parse(url);
  if (!parsed) return false;
  const own = URL.parse(base);
  if (own && parsed.origin === own.origin && url.startsWith(base.replace(/\/+$/, ""))) {
    const path = parsed.pathname.slice(own.pathname.replace(/\/+$/, "").length);
    return OWN_TRACKED_PATHS.some((p) => path.startsWith(p));
  }
  return true;
}

// An <a …href="…"> attribute; the quotes React Email writes, or single ones from pasted HTML.
const HREF = /(<a\b[^>]*?\shref\s*=\s*)(["'])([^"']*)\2/gi;
// A bare address in plain text; ends before whitespace, brackets, quotes and angle brackets.
const BARE_URL = /https?:\/\/[^\s<>"'()[\]{}]+/gi;
// Sentence punctuation right after an address belongs to the sentence, not the address.
const TRAILING = /[.,;:!?]+$/;

const unescapeHtml = (s: string) =>
  s.replace(/&(amp|quot|#39|lt|gt);/g, (_, e: string) => ({ amp: "&", quot: '"', "#39": "'", lt: "<", gt: ">" })[e]!);
const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** Every trackable address an HTML body's links and a text's bare addresses name, in order, once each. */
export function trackableUrls(parts: { html?: string; text?: string }, base: string): string[] {
  const found = new Set<string>();
  for (const m of (parts.html ?? "").matchAll(HREF)) {
    const url = unescapeHtml(m[3]!.trim());
    if (isTrackable(url, base)) found.add(url);
  }
  for (const m of (parts.text ?? "").matchAll(BARE_URL)) {
    const url = m[0].replace(TRAILING, "");
    if (isTrackable(url, base)) found.add(url);
  }
  return [...found];
}

/** The HTML with each link whose address `redirect` knows pointed at its redirect instead. */
export function rewriteHtmlLinks(html: string, redirect: (url: string) => string | undefined): string {
  return html.replace(HREF, (whole, start: string, quote: string, value: string) => {
    const to = redirect(unescapeHtml(value.trim()));
    return to ? `${start}${quote}${escapeHtml(to)}${quote}` : whole;
  });
}

/** The text with each bare address `redirect` knows replaced by its redirect. */
export function rewriteTextUrls(text: string, redirect: (url: string) => string | undefined): string {
  return text.replace(BARE_URL, (whole) => {
    const tail = TRAILING.exec(whole)?.[0] ?? "";
    const to = redirect(whole.slice(0, whole.length - tail.length));
    return to ? to + tail : whole;
  });
}

/** A 1×1 open pixel, placed last in the body so a reader sees nothing move. */
export function withOpenPixel(html: string, src: string): string {
  const img = `<img src="${escapeHtml(src)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  const at = html.search(/<\/body>/i);
  return at < 0 ? html + img : html.slice(0, at) + img + html.slice(at);
}
