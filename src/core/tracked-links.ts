// Which links of a composed message go through the tracked redirect `/t/<token>`, and the
// rewrite itself (issue 14). Pure: the composer collects the addresses, stores them (one row
// each, tracked_links) and hands back how to spell each one's redirect.

/**
 * Pigeon's own customer-link paths, never wrapped: unsubscribe, preferences, view in browser,
 * appointment, confirm, the redirect and the open pixel themselves, and images. Counting them as
 * clicks would be wrong (an unsubscribe is not interest) and wrapping them would break what mail
 * clients do with them. The gallery link (`/g/`) is a person-facing page: it is tracked. Every
 * other path on Pigeon's host is tracked too: a studio serving Pigeon at its own domain has its
 * shop and site beside it.
 */
const OWN_UNTRACKED_PATHS = ["/u/", "/p/", "/v/", "/a/", "/c/", "/t/", "/o/", "/media/"];

/** Whether a link address in a message goes through the tracked redirect. */
export function isTrackable(url: string, base: string): boolean {
  if (!/^https?:\/\//i.test(url)) return false; // mailto:, tel:, sms:, anchors, placeholders left blank
  const parsed = URL.parse(url);
  if (!parsed) return false;
  const own = URL.parse(base);
  const root = own?.pathname.replace(/\/+$/, "") ?? "";
  if (own && parsed.origin === own.origin && (parsed.pathname === root || parsed.pathname.startsWith(`${root}/`))) {
    const path = parsed.pathname.slice(root.length);
    return !OWN_UNTRACKED_PATHS.some((p) => path.startsWith(p));
  }
  return true;
}

/**
 * The address a redirect sends in `Location`: ASCII only, as browsers require (an IDN host in
 * punycode, other letters UTF-8 percent-encoded, existing %-escapes kept as they are). The
 * composer stores addresses in this form; the redirect applies it again so rows stored before
 * (as written) forward correctly too. Null for an address that is no URL at all.
 */
export function locationOf(url: string): string | null {
  return URL.parse(url)?.href ?? null;
}

// An <a …href="…"> attribute; the double quotes React Email writes, or single ones from pasted HTML.
const HREF = /(<a\b[^>]*?\shref\s*=\s*)(?:"([^"]*)"|'([^']*)')/gi;

// The named entities an href can carry: what React (&amp; &quot; &lt; &gt;), marked and pasted
// HTML write. Numeric ones (&#39; &#x27; &#x2F; …) are decoded by number, whatever they are.
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** An attribute value as the browser reads it: every numeric entity and the named ones above. */
export function decodeHtmlAttribute(s: string): string {
  return s.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));/g, (whole, dec, hex, name) => {
    if (name !== undefined) return NAMED[name] ?? whole;
    const cp = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex, 16);
    // As the HTML standard does: nothing, a surrogate or past Unicode reads as U+FFFD.
    return cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? "\ufffd" : String.fromCodePoint(cp);
  });
}
const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/*
 * A bare address in plain text (an SMS, an e-mail's text part, and the HTML part's autolinks,
 * see email-markdown.ts, so the parts agree). As GFM autolinks: it runs to whitespace or an angle
 * bracket, then gives back what belongs to the sentence around it — trailing punctuation
 * (.,;:!?*_~), quotes of any kind (" ' „ “ ” ‘ ’ « » …) and an ellipsis, and a closing bracket
 * that has no opening one inside it (`(see https://x.example/a)`). Balanced brackets stay
 * (`/wiki/Foo_(bar)`), as does an apostrophe inside the path (`/mother's-day`).
 */
const BARE_URL = /https?:\/\/[^\s<>]+/gi;
const SENTENCE_END = new Set([..."'.,;:!?*_~\"…“”„‟‘’‚‛«»‹›"]);
const OPENER: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
const count = (s: string, ch: string) => s.split(ch).length - 1;

/** The address at the start of a run of non-space characters that starts with http(s)://. */
export function trimBareUrl(run: string): string {
  let s = run;
  for (;;) {
    const last = s.at(-1) ?? "";
    const opener = OPENER[last];
    if (SENTENCE_END.has(last) || (opener && count(s, opener) < count(s, last))) s = s.slice(0, -1);
    else return s;
  }
}

/** The bare address `src` starts with, if any (for the Markdown autolinker). */
export function bareUrlAt(src: string): string | null {
  const m = /^https?:\/\/[^\s<>]+/i.exec(src);
  const url = m ? trimBareUrl(m[0]) : "";
  return URL.parse(url)?.host ? url : null;
}

/** Every trackable address an HTML body's links and a text's bare addresses name, in order, once each. */
export function trackableUrls(parts: { html?: string; text?: string }, base: string): string[] {
  const found = new Set<string>();
  for (const m of (parts.html ?? "").matchAll(HREF)) {
    const url = decodeHtmlAttribute((m[2] ?? m[3]!).trim());
    if (isTrackable(url, base)) found.add(url);
  }
  for (const m of (parts.text ?? "").matchAll(BARE_URL)) {
    const url = trimBareUrl(m[0]);
    if (isTrackable(url, base)) found.add(url);
  }
  return [...found];
}

/** The HTML with each link whose address `redirect` knows pointed at its redirect instead. */
export function rewriteHtmlLinks(html: string, redirect: (url: string) => string | undefined): string {
  return html.replace(HREF, (whole, start: string, dq: string | undefined, sq: string | undefined) => {
    const to = redirect(decodeHtmlAttribute((dq ?? sq!).trim()));
    return to ? `${start}"${escapeHtml(to)}"` : whole;
  });
}

/** The text with each bare address `redirect` knows replaced by its redirect. */
export function rewriteTextUrls(text: string, redirect: (url: string) => string | undefined): string {
  return text.replace(BARE_URL, (whole) => {
    const url = trimBareUrl(whole);
    const to = redirect(url);
    return to ? to + whole.slice(url.length) : whole;
  });
}

const PIXEL_STYLE = "display:block;width:1px;height:1px;border:0";

/** A 1×1 open pixel, placed last in the body so a reader sees nothing move. */
export function withOpenPixel(html: string, src: string): string {
  const img = `<img src="${escapeHtml(src)}" width="1" height="1" alt="" style="${PIXEL_STYLE}" />`;
  const at = html.search(/<\/body>/i);
  return at < 0 ? html + img : html.slice(0, at) + img + html.slice(at);
}

/**
 * The HTML without the open pixel withOpenPixel placed: for staff looking at a copy of what was
 * sent (the dev outbox), whose browser must not record the customer's open.
 */
export function withoutOpenPixel(html: string): string {
  return html.replace(
    /<img src="[^"]*\/o\/[^"]*" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" \/>/g,
    "",
  );
}
