// Images in an e-mail body (issue 12): the file manager's images are written as
// `![alt](/media/<stored name>)`, made absolute under the studio's public address when the e-mail
// is rendered (src/email/body.ts), and every image must say what it shows (alt text), checked at
// save. Pure: text in, names and problems out.

/** An uploaded image's address as a body holds it: exactly /media/<stored name> of an image kind. */
export const MEDIA_IMAGE_PATH = /^\/media\/([A-Za-z0-9_-]{16,64}\.(?:png|jpg|gif|webp))$/;

/** The widest an e-mail draws an image: its column is 600 px, less nothing on phones (CSS shrinks it). */
export const EMAIL_IMAGE_MAX_WIDTH = 600;

/** How e-mail rendering reaches uploaded images: the public base, and each stored image's width in pixels. */
export type MediaImages = { base: string; widths: Record<string, number> };

// Markdown images, ![alt](src "title"), and HTML <img> tags; enough to find each image and its alt.
const MARKDOWN_IMAGE = /!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
const IMG_TAG = /<img\b[^>]*>/gi;
const attr = (tag: string, name: string) =>
  new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);

/** Every image in a body with its address and alt text (null: an <img> without an alt attribute). */
export function imagesIn(body: string): { src: string; alt: string | null }[] {
  const out: { src: string; alt: string | null }[] = [];
  for (const m of body.matchAll(MARKDOWN_IMAGE)) out.push({ src: m[2]!, alt: m[1]! });
  for (const [tag] of body.matchAll(IMG_TAG)) {
    const src = attr(tag, "src");
    const alt = attr(tag, "alt");
    out.push({
      src: src ? (src[1] ?? src[2] ?? src[3] ?? "") : "",
      alt: alt ? (alt[1] ?? alt[2] ?? alt[3] ?? "") : null,
    });
  }
  return out;
}

/** The stored names of the uploaded images a body shows (/media/… addresses), each once. */
export function mediaImagesIn(body: string): string[] {
  const names = imagesIn(body)
    .map((i) => MEDIA_IMAGE_PATH.exec(i.src.trim())?.[1])
    .filter((n): n is string => !!n);
  return [...new Set(names)];
}

/**
 * The first image without alt text, as a problem for the body field; null when every image has
 * one. Alt text is read out to people who cannot see the picture and shown where images are off.
 */
export function imageAltProblem(body: string): string | null {
  const bare = imagesIn(body).find((i) => !i.alt?.trim());
  if (!bare) return null;
  const name = bare.src.split("/").pop() || bare.src || "an image";
  return `The image ${name} has no alt text: describe what it shows, as in ![The class of 2026 on the steps](${bare.src || "…"})`;
}
