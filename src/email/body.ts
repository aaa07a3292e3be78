// Staff-written e-mail bodies (SPEC §6 T2): Markdown or HTML in, sanitised e-mail-safe HTML out.
// Placeholder tokens pass through both paths untouched, including as a link's whole href.
import sanitizeHtml from "sanitize-html";
import {
  EMAIL_IMAGE_MAX_WIDTH,
  isStudioMedia,
  mediaAddress,
  type MediaImages,
  spelledAsStored,
} from "../core/email-images.ts";
import { emailMarkdown as markdown } from "../core/email-markdown.ts";
import { imageSlotsAsBoxes } from "../core/image-slot.ts";
import { escapeHtml } from "../core/placeholders.ts";
import { isUrlPlaceholder, tokenGuard, type TokenGuard } from "./tokens.ts";

export type BodyFormat = "markdown" | "html";

const LINK_SCHEMES = ["http", "https", "mailto", "tel"];
const ABSOLUTE_LINK = /^(?:https?:\/\/[^\s/]+|mailto:|tel:)/i;
const ABSOLUTE_IMAGE = /^https?:\/\/[^\s/]+/i;

const colour = /^(?:[a-z]{3,20}|#[0-9a-f]{3}|#[0-9a-f]{6}|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\))$/i;
const textStyles = {
  color: [colour],
  "background-color": [colour],
  "text-align": [/^(?:left|right|center|justify)$/],
  "font-weight": [/^(?:normal|bold|[1-9]00)$/],
  "font-style": [/^(?:normal|italic)$/],
  "text-decoration": [/^(?:none|underline|line-through)$/],
};

/** Drops a URL attribute unless it is absolute with a safe scheme or exactly one URL placeholder. */
function keepUrl(value: string | undefined, absolute: RegExp, guard: TokenGuard): string | undefined {
  if (value === undefined) return undefined;
  const url = value.trim();
  const placeholder = guard.placeholderAt(url);
  if (placeholder !== null) {
    const { key, fallback } = placeholder;
    const fallbackOk = fallback === undefined || fallback === "" || absolute.test(fallback.trim());
    return isUrlPlaceholder(key) && fallbackOk ? url : undefined;
  }
  return absolute.test(url) ? url : undefined;
}

function withoutUndefined(attribs: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(attribs).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * An image's address and width. An uploaded image of this studio (/media/<stored name>, or its
 * absolute address under the public base as "Copy URL" gives it) is made absolute under the base
 * and given its stored width, at most the e-mail's column (Outlook ignores max-width and would
 * draw a photo at full size). Any /media/ address not spelled as stored in `source` is dropped,
 * so where-used, which searches for that spelling, sees every file an e-mail shows (the save
 * check refuses such bodies first). Else an absolute URL or nothing.
 */
function imageSource(src: string | undefined, guard: TokenGuard, media: MediaImages | undefined, source: string) {
  const address = mediaAddress(src ?? "");
  if (address && !spelledAsStored(source, address.name)) return { src: undefined, width: undefined };
  if (!address || !media || !isStudioMedia(src!, media.base))
    return { src: keepUrl(src, ABSOLUTE_IMAGE, guard), width: undefined };
  const width = media.widths[address.name];
  return {
    src: `${media.base.replace(/\/+$/, "")}/media/${address.name}`,
    width: width ? String(Math.min(width, EMAIL_IMAGE_MAX_WIDTH)) : undefined,
  };
}

/**
 * How the body's links look (the layout's link colour, inline because Gmail drops <style> blocks),
 * and with `media`, where uploaded images live and how wide they are.
 */
export type BodyOptions = { linkColor?: string; media?: MediaImages };

// Only a hex colour reaches a style attribute; the layout derives it from the studio's brand colour.
const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

function sanitizeOptions(guard: TokenGuard, source: string, options: BodyOptions): sanitizeHtml.IOptions {
  const linkStyle = options.linkColor && HEX_COLOUR.test(options.linkColor) ? `color:${options.linkColor}` : undefined;
  const media = options.media;
  return {
    allowedTags: [
      "p",
      "br",
      "hr",
      "strong",
      "b",
      "em",
      "i",
      "u",
      "s",
      "del",
      "code",
      "pre",
      "span",
      "div",
      "a",
      "ul",
      "ol",
      "li",
      "h1",
      "h2",
      "h3",
      "blockquote",
      "img",
      "table",
      "thead",
      "tbody",
      "tr",
      "th",
      "td",
    ],
    allowedAttributes: {
      a: ["href", "title", "rel", "target"],
      img: ["src", "alt", "width", "height", "style"],
      th: ["colspan", "rowspan", "align"],
      td: ["colspan", "rowspan", "align"],
      ol: ["start"],
      "*": ["style"],
    },
    allowedStyles: {
      "*": textStyles,
      img: { "max-width": [/^100%$/], height: [/^auto$/] },
    },
    allowedSchemes: LINK_SCHEMES,
    allowedSchemesByTag: { img: ["http", "https"] },
    allowedSchemesAppliedToAttributes: ["href", "src"],
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    transformTags: {
      h4: "h3",
      h5: "h3",
      h6: "h3",
      a: (tagName, attribs) => {
        const href = keepUrl(attribs.href, ABSOLUTE_LINK, guard);
        // A link whose URL was refused keeps its text as a plain span.
        if (href === undefined) return { tagName: "span", attribs: {} };
        return {
          tagName,
          attribs: withoutUndefined({
            href,
            title: attribs.title,
            style: linkStyle,
            rel: "noopener",
            target: "_blank",
          }),
        };
      },
      img: (tagName, attribs) => {
        const image = imageSource(attribs.src, guard, media, source);
        return {
          tagName,
          attribs: withoutUndefined({
            src: image.src,
            alt: attribs.alt ?? "",
            width: /^\d{1,4}$/.test(attribs.width ?? "") ? attribs.width : image.width,
            height: /^\d{1,4}$/.test(attribs.height ?? "") ? attribs.height : undefined,
            style: "max-width:100%;height:auto",
          }),
        };
      },
    },
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
  };
}

// A stand-in word standing on its own: at the start of a line or after a space, before a space,
// the end of a line or closing punctuation. One inside `[text](…)`, `<a href="…">` or `code` is not.
const BARE_WORD = /(^|[ \t])(pgtk[0-9a-f]+x\d+x)(?=$|[ \t]|[.,;:!?)](?:$|[ \t]))/gim;

/**
 * GFM links a bare https:// URL by itself, but a link placeholder is only a stand-in word while
 * Markdown runs: one standing alone ({{customer.gallery_link}} on its own line) becomes an explicit
 * Markdown link, its text the URL, so the customer can click it.
 */
function linkBarePlaceholders(text: string, guard: TokenGuard): string {
  return text.replace(BARE_WORD, (whole, before: string, word: string) => {
    const p = guard.placeholderAt(word);
    return p && isUrlPlaceholder(p.key) ? `${before}[${word}](${word})` : whole;
  });
}

/**
 * Turns a staff-written body into sanitised e-mail HTML, its placeholders replaced by `guard`'s
 * stand-ins. Markdown (GFM, single newlines kept as line breaks, bare URLs and link placeholders
 * made links, a template's picture slot a grey box) is converted first; either way the result goes through one allowlist: no scripts,
 * event handlers, styles beyond a few text properties, or URLs other than http(s)/mailto/tel and
 * link placeholders. Every link gets `options.linkColor` inline and no other style. With
 * `options.media`, an uploaded image's /media/ address is made absolute under its base (the one
 * relative URL kept).
 * Markdown is read by the same instance the save-time image checks use (core/email-markdown.ts).
 */
export function sanitizeBody(source: string, format: BodyFormat, guard: TokenGuard, options: BodyOptions = {}): string {
  const text = guard.protect(source);
  // A template's picture slot shows as a grey box, never as a broken image (saves refuse it anyway).
  const html =
    format === "markdown"
      ? markdown.parse(imageSlotsAsBoxes(linkBarePlaceholders(text, guard), escapeHtml), { async: false })
      : text;
  return sanitizeHtml(html, sanitizeOptions(guard, source, options));
}

/** The sanitised body HTML with its placeholders written back (fallbacks HTML-escaped), e.g. for a preview. */
export function renderBodyHtml(source: string, format: BodyFormat, options: BodyOptions = {}): string {
  const guard = tokenGuard();
  return guard.restore(sanitizeBody(source, format, guard, options), "html");
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/**
 * The first line of text of sanitised body HTML, for the inbox preview when staff wrote no
 * preheader: images and markup dropped, entities decoded, stand-ins kept for the renderer.
 */
export function firstTextLine(html: string): string {
  const text = html
    .replace(/<img\b[^>]*>/gi, "")
    .replace(/<br\s*\/?>|<\/(?:p|h[1-6]|li|div|blockquote|pre|tr|td|th|ul|ol|table)>|<hr\b[^>]*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
      if (e[0] !== "#") return ENTITIES[e.toLowerCase()] ?? whole;
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    });
  return (
    text
      .split("\n")
      .map((l) => l.replace(/\s+/g, " ").trim())
      .find((l) => l !== "") ?? ""
  );
}
