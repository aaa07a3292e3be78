// The one Markdown reading of an e-mail body (GFM, single newlines kept as line breaks): the
// renderer (src/email/body.ts) and the save-time checks on images (email-images.ts) both parse
// with it, so what a check finds is what the e-mail shows.
import { Marked } from "marked";
import { bareUrlAt } from "./tracked-links.ts";

export const emailMarkdown = new Marked({ gfm: true, breaks: true });

// A bare http(s) address ends where the text part's does (tracked-links.ts, bareUrlAt): GFM's own
// rule keeps typographic quotes and an ellipsis in the link, and the parts must agree on the
// address. Anything else (www., e-mail addresses) is left to marked.
emailMarkdown.use({
  tokenizer: {
    url(src) {
      const url = bareUrlAt(src);
      if (!url) return false;
      return { type: "link", raw: url, text: url, href: url, tokens: [{ type: "text", raw: url, text: url }] };
    },
  },
});
