// The one Markdown reading of an e-mail body (GFM, single newlines kept as line breaks): the
// renderer (src/email/body.ts) and the save-time checks on images (email-images.ts) both parse
// with it, so what a check finds is what the e-mail shows.
import { Marked } from "marked";

export const emailMarkdown = new Marked({ gfm: true, breaks: true });
