/** @jsxImportSource hono/jsx */
// A skip reason as staff read it, linked to its explanation on the help page "Why doesn't
// everyone get my message?" (/help/not-reached#<reason>): the one way every page shows a reason.
import type { Child, FC } from "hono/jsx";
import { skipReasonHelpUrl, skipReasonInSentence, skipReasonLabel } from "../src/core/labels.ts";

/** `children` follow the label inside the link (a count: "Landline: 3"). */
export const SkipReason: FC<{ reason: string; inSentence?: boolean; children?: Child }> = (p) => (
  <a href={skipReasonHelpUrl(p.reason)} class="skip-reason" title="What this means and what you can do">
    {p.inSentence ? skipReasonInSentence(p.reason) : skipReasonLabel(p.reason)}
    {p.children}
  </a>
);

/** A small "why?" beside a reason shown where a link on the label itself would be in the way (a <summary>). */
export const SkipReasonWhy: FC<{ reason: string }> = ({ reason }) => (
  <a href={skipReasonHelpUrl(reason)} class="skip-reason-why" title="What this means and what you can do">
    why?
  </a>
);
