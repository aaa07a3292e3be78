// The e-mail renderer behind renderEmailVariant (render.ts), in a module of its own so that
// React Email, Markdown and the HTML sanitiser load at the first render instead of at start.
import { render } from "@react-email/render";
import { createElement } from "react";
import { layoutLinkColor, LINK_TOKENS, StudioLayout, type StudioBranding } from "../../emails/studio-layout.tsx";
import type { MediaImages } from "../core/email-images.ts";
import { compileTemplate, type CompiledTemplate } from "../core/placeholders.ts";
import { type BodyFormat, firstTextLine, sanitizeBody } from "./body.ts";
import { tokenGuard } from "./tokens.ts";

/** A rendered message variant: each part is a compiled template awaiting recipient values. */
export type EmailVariant = {
  subject: CompiledTemplate;
  html: CompiledTemplate;
  text: CompiledTemplate;
  /** The body's link colour, for the links a snippet's addresses become when filled in. */
  linkColor?: string;
};

export type EmailVariantInput = {
  subject: string;
  body: string;
  format: BodyFormat;
  studio: StudioBranding;
  /** The inbox preview line; empty or missing: the body's first line of text. */
  preheader?: string;
  lang?: string;
  /** False for mail to an address without a customer (a test send): no unsubscribe or view links. */
  personalLinks?: boolean;
  /** A service e-mail (appointment messages): preferences in the footer, no marketing unsubscribe. */
  service?: boolean;
  /** The public base and stored widths that make uploaded images' /media/ addresses absolute; without it they are dropped. */
  media?: MediaImages;
};

const PREHEADER_MAX = 150;

// html-to-text upper-cases headings (and with them any token) and React Email hides link URLs
// and drops images; keep the case, show links as `text [url]` (a bare URL once; a phone number is
// its own link) and an image as its alt text, which is what it says to someone who cannot see it.
const plainTextOptions = {
  formatters: {
    imageAlt: (
      elem: { attribs?: Record<string, string> },
      _walk: unknown,
      builder: { addInline: (s: string) => void },
    ) => {
      const alt = elem.attribs?.alt?.trim();
      if (alt) builder.addInline(alt);
    },
  },
  selectors: [
    { selector: "img", format: "imageAlt" },
    { selector: "a", options: { linkBrackets: ["[", "]"] as [string, string], hideLinkHrefIfSameAsText: true } },
    { selector: 'a[href^="tel:"]', format: "anchor", options: { ignoreHref: true } },
    ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
};

/**
 * Cuts at a word boundary so no token stand-in is split by React Email's 150-character preview
 * limit. A first line that is one word longer than the limit (a long gallery URL) is cut hard
 * instead: without a preheader the inbox shows the layout's first words ("View in browser").
 * The hard cut still never splits a stand-in; it stops before one.
 */
function fitPreheader(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  if (oneLine.length <= PREHEADER_MAX) return oneLine;
  const cut = oneLine.slice(0, PREHEADER_MAX);
  const atWord = /\s/.test(oneLine.charAt(PREHEADER_MAX)) ? cut : cut.replace(/\s*\S*$/, "");
  if (atWord) return atWord;
  let end = PREHEADER_MAX;
  for (const m of oneLine.matchAll(STAND_IN)) if (m.index < end && m.index + m[0].length > end) end = m.index;
  return oneLine.slice(0, end).trim();
}

// The shape of tokens.ts's stand-ins (pgtk<nonce>x<n>x), to keep a hard cut out of them.
const STAND_IN = /pgtk[0-9a-f]+x\d+x/gi;

/** See renderEmailVariant, which loads this module at its first call. */
export async function renderVariant(input: EmailVariantInput): Promise<EmailVariant> {
  const subject = compileTemplate(input.subject);
  const guard = tokenGuard();
  const bodyHtml = sanitizeBody(input.body, input.format, guard, {
    linkColor: layoutLinkColor(input.studio.brandColor),
    media: input.media,
  });
  // Without one the inbox would show the layout's first words ("View in browser", the studio's name).
  const preheader = fitPreheader(input.preheader?.trim() ? guard.protect(input.preheader) : firstTextLine(bodyHtml));
  const links =
    input.personalLinks === false
      ? null
      : {
          ...(!input.service && { unsubscribe: guard.protect(LINK_TOKENS.unsubscribe!) }),
          preferences: guard.protect(LINK_TOKENS.preferences),
          viewInBrowser: guard.protect(LINK_TOKENS.viewInBrowser),
        };
  const email = createElement(StudioLayout, {
    studio: input.studio,
    bodyHtml,
    preheader: preheader || undefined,
    lang: input.lang,
    links,
  });
  const [html, text] = await Promise.all([
    render(email),
    render(email, { plainText: true, htmlToTextOptions: plainTextOptions }),
  ]);
  return {
    subject,
    html: guard.compile(html, "html"),
    text: guard.compile(text, "text"),
    linkColor: layoutLinkColor(input.studio.brandColor),
  };
}
