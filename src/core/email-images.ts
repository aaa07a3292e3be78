// Images in an e-mail body (issue 12): the file manager's images are written as
// `![alt](/media/<stored name>)` (or the studio's absolute address of it, as "Copy URL" gives),
// made absolute under the studio's public base when the e-mail is rendered (src/email/body.ts),
// and every image must say what it shows (alt text), checked at save. Images are found the way
// the renderer finds them — the same Markdown parse, then the same HTML parser — so Markdown's
// reference images count and an <img> shown as code does not. Pure: text in, names and problems out.
import sanitizeHtml from "sanitize-html";
import { emailMarkdown } from "./email-markdown.ts";
import { parseTemplate } from "./placeholders.ts";

/** An uploaded image's address as a body holds it: exactly /media/<stored name> of an image kind. */
export const MEDIA_IMAGE_PATH = /^\/media\/([A-Za-z0-9_-]{16,64}\.(?:png|jpg|gif|webp))$/;

/** The widest an e-mail draws an image: its column is 600 px, less nothing on phones (CSS shrinks it). */
export const EMAIL_IMAGE_MAX_WIDTH = 600;

/** How e-mail rendering reaches uploaded images: the public base, and each stored image's width in pixels. */
export type MediaImages = { base: string; widths: Record<string, number> };

export type BodyImage = { src: string; alt: string | null };

// Placeholders hold spaces and quotes Markdown would read as syntax; the renderer swaps each for
// an opaque word first (src/email/tokens.ts), and so does this, so both parse the same text.
function withStandIns(body: string): string {
  const { parts, errors } = parseTemplate(body);
  if (errors.length > 0) return body;
  return parts.map((p, i) => (p.kind === "text" ? p.text : `placeholder${i}x`)).join("");
}

/**
 * Every image a body renders, with its address and alt text (null: an <img> without an alt
 * attribute), both as the renderer reads them: entities decoded, Markdown escapes resolved.
 */
export function imagesIn(body: string): BodyImage[] {
  const html = emailMarkdown.parse(withStandIns(body), { async: false });
  const out: BodyImage[] = [];
  // sanitize-html parses with htmlparser2 exactly as the renderer's sanitising pass does; only
  // its callback is wanted here, the output is thrown away.
  sanitizeHtml(html, {
    allowedTags: [],
    transformTags: {
      img: (tagName, attribs) => {
        out.push({ src: attribs.src ?? "", alt: attribs.alt ?? null });
        return { tagName, attribs };
      },
    },
  });
  return out;
}

/**
 * The uploaded image an address points at: `/media/<stored name>` or an absolute http(s) URL whose
 * path is that, read as a server does (percent-decoded). `origin` is null for the relative form.
 * null: not an address of an uploaded image.
 */
export function mediaAddress(src: string): { name: string; origin: string | null; path: string } | null {
  const s = src.trim();
  let origin: string | null = null;
  let path = s;
  if (/^https?:\/\//i.test(s)) {
    try {
      const url = new URL(s);
      origin = url.origin;
      path = url.pathname;
    } catch {
      return null;
    }
  } else if (!s.startsWith("/") || s.startsWith("//")) return null;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A stray % is no percent-encoding: the path stays as written.
  }
  const at = decoded.lastIndexOf("/media/");
  const name = at >= 0 ? MEDIA_IMAGE_PATH.exec(decoded.slice(at))?.[1] : undefined;
  return name ? { name, origin, path: decoded.slice(0, at) } : null;
}

/** Whether `src` is the studio's own uploaded image: relative, or absolute under the public `base`. */
export function isStudioMedia(src: string, base: string): boolean {
  const a = mediaAddress(src);
  if (!a) return false;
  if (a.origin === null) return a.path === "";
  try {
    const b = new URL(base);
    return a.origin === b.origin && a.path === b.pathname.replace(/\/+$/, "");
  } catch {
    return false;
  }
}

/**
 * Whether `src` points into the studio's /media/ area without being an uploaded image's address
 * (`/media/studio-logo.png`, `/media/N.png?v=1`, `/media/./N.png`, `/media//N.png`): the renderer
 * keeps only `/media/<stored name>` and drops the rest without a word, so a save refuses them.
 * Relative addresses always; absolute ones only under the public `base`, when given (elsewhere a
 * /media/ path is another site's own).
 */
export function isOddMediaAddress(src: string, base?: string): boolean {
  const s = src.trim();
  if (/^https?:\/\//i.test(s)) {
    if (!base) return false;
    try {
      const url = new URL(s);
      const b = new URL(base);
      const root = `${b.pathname.replace(/\/+$/, "")}/media/`;
      return url.origin === b.origin && url.pathname.startsWith(root) && !isStudioMedia(s, base);
    } catch {
      return false;
    }
  }
  if (!s.startsWith("/") || s.startsWith("//")) return false;
  let decoded = s;
  try {
    decoded = decodeURIComponent(s);
  } catch {
    // A stray % is no percent-encoding: read as written.
  }
  return /\/media(?:\/|$)/i.test(decoded) && !isStudioMedia(s, "http://x/");
}

/** The body-field problem for an address isOddMediaAddress finds. */
const oddMediaProblem = (src: string) =>
  `The image address ${src} is not an uploaded image's: the file manager gives /media/ and the stored name (no other name, no ?…, no ./ or //). Insert it again with the Image button, or remove it`;

/** The first image address in a body that isOddMediaAddress, as a problem; null when there is none. */
export function oddMediaProblemIn(body: string, base?: string): string | null {
  const odd = imagesIn(body).find((i) => isOddMediaAddress(i.src, base));
  return odd ? oddMediaProblem(odd.src.trim()) : null;
}

/**
 * The stored names of the studio's uploaded images a body shows, each once: relative /media/
 * addresses, and with `base` also absolute ones under it (an address copied with "Copy URL").
 */
export function mediaImagesIn(body: string, base?: string): string[] {
  const names = imagesIn(body)
    .filter((i) => (base ? isStudioMedia(i.src, base) : mediaAddress(i.src)?.origin === null))
    .map((i) => mediaAddress(i.src)!.name);
  return [...new Set(names)];
}

/**
 * Whether the body's text holds an uploaded image's address spelled exactly `/media/<name>`.
 * Where-used (src/db/file-uses.ts) searches bodies for that spelling, so the renderer shows an
 * uploaded image only when it is there: `/media\/…` (a Markdown escape), `/m&#101;dia/…` (an
 * entity) or `%6D` would render the same file while hiding it from where-used, and the file
 * could be deleted under an e-mail still showing it.
 */
export const spelledAsStored = (body: string, name: string) => body.includes(`/media/${name}`);

/** The alt text the no-JavaScript image picker's lines carry, for staff to replace (views/image-picker.tsx). */
export const PICKER_ALT_PLACEHOLDER = "Describe the picture";

const nameOf = (src: string) => src.split("/").pop() || src || "an image";

/**
 * The first image without alt text, as a problem for the body field; null when every image has
 * one. Alt text is read out to people who cannot see the picture and shown where images are off.
 */
export function imageAltProblem(body: string): string | null {
  const images = imagesIn(body);
  const bare = images.find((i) => !i.alt?.trim());
  // The no-JavaScript picker hands out lines with this stand-in to replace; left as it is, it
  // tells nobody what the picture shows.
  const placeholder = images.find((i) => i.alt?.trim().toLowerCase() === PICKER_ALT_PLACEHOLDER.toLowerCase());
  if (!bare && placeholder)
    return `The image ${nameOf(placeholder.src)} still has the alt text “${PICKER_ALT_PLACEHOLDER}”: replace it with what the picture shows`;
  if (!bare) return null;
  return `The image ${nameOf(bare.src)} has no alt text: describe what it shows, as in ![The class of 2026 on the steps](${bare.src || "…"})`;
}

/**
 * What is wrong with a body's images, for the body field: an image without alt text, or an
 * uploaded image whose address is not spelled as stored (the renderer would drop it); else null.
 */
export function imageProblem(body: string): string | null {
  const alt = imageAltProblem(body);
  if (alt) return alt;
  const unknown = oddMediaProblemIn(body);
  if (unknown) return unknown;
  const odd = imagesIn(body)
    .map((i) => mediaAddress(i.src)?.name)
    .find((name) => name && !spelledAsStored(body, name));
  return odd
    ? `The image ${odd} must be written with its address as the file manager gives it, /media/${odd}, without escapes or entities`
    : null;
}

/**
 * The problem for the body field when an uploaded image it shows is not stored (deleted in
 * another tab since it was inserted, or its address mistyped): every e-mail would carry a broken
 * picture, so the body is refused at save. The names come from the database at the edge.
 */
export function missingImagesProblem(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  const list = names.map((n) => `/media/${n}`).join(", ");
  return `${names.length === 1 ? "The image" : "The images"} ${list} ${names.length === 1 ? "is" : "are"} not in the file manager (deleted, or the address mistyped): insert ${names.length === 1 ? "it" : "them"} again with the Image button, or remove ${names.length === 1 ? "it" : "them"}`;
}
