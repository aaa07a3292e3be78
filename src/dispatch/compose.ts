// Turns deliveries into the exact messages a recipient gets: the source's text rendered once
// (per tick), values for each recipient, signed links. Used by the dispatcher and by "view in
// browser", so the page shows what was sent.
import { signLinkToken } from "../core/link-tokens.ts";
import { noEscape } from "../core/placeholders.ts";
import { withOptOutHint } from "../core/sms-text.ts";
import type { Delivery } from "../db/outbox.ts";
import { loadRecipientRows, loadSnippets } from "../db/recipient-rows.ts";
import type { StudioSettings } from "../db/schema.ts";
import { linkSigningSecret } from "../db/secrets.ts";
import { getSettings } from "../db/settings.ts";
import type { Deps } from "../deps.ts";
import { type PersonalizedEmail, personalizeEmail } from "../email/render.ts";
import { contentCache } from "./content.ts";
import { type LinkMaker, type RecipientRows, recipientValues } from "./recipient-values.ts";

/**
 * `marketing` is false for service messages (appointment reminders): they carry no one-click
 * unsubscribe, and a marketing unsubscribe does not stop them (SPEC L1).
 */
export type ComposedEmail = PersonalizedEmail & { delivery: Delivery; unsubscribeUrl: string | null; marketing: boolean; rows: RecipientRows };
export type ComposedText = { delivery: Delivery; text: string | null; rows: RecipientRows };

const PATHS = { unsubscribe: "u", preferences: "p", gallery: "g", view: "v", appointment: "a" } as const;

export async function createComposer(deps: Deps, s: StudioSettings, now: Date) {
  const secret = await linkSigningSecret(deps.db, deps.config.secretKey, now);
  const base = s.publicUrl || deps.config.publicUrl;
  const link: LinkMaker = (purpose, customerId, subjectId, action) =>
    `${base}/${PATHS[purpose]}/${signLinkToken(secret, { purpose, customerId, subjectId })}${action ? `?do=${action}` : ""}`;
  const cache = contentCache(deps.db, () => s);
  const snippets = await loadSnippets(deps.db);

  return {
    link,
    base,
    /** The personalised e-mail of each delivery whose source still exists. */
    async emails(batch: Delivery[]): Promise<ComposedEmail[]> {
      const rows = await loadRecipientRows(deps.db, batch);
      const out: ComposedEmail[] = [];
      for (const d of batch) {
        const src = await cache.source(d);
        if (!src) continue;
        const r = rows.get(d.id)!;
        const email = personalizeEmail(await cache.email(src, d.customerId !== null), recipientValues(r, s, snippets, link, d.toAddress));
        out.push({ ...email, delivery: d, rows: r, marketing: src.marketing, unsubscribeUrl: d.customerId && src.marketing ? link("unsubscribe", d.customerId, d.id) : null });
      }
      return out;
    },
    /** The SMS text (with the opt-out hint where required) or voice script of each delivery. */
    async texts(batch: Delivery[]): Promise<ComposedText[]> {
      const rows = await loadRecipientRows(deps.db, batch);
      const out: ComposedText[] = [];
      for (const d of batch) {
        const r = rows.get(d.id)!;
        const src = await cache.source(d);
        const text = src ? cache.text(src)(recipientValues(r, s, snippets, link, d.toAddress), noEscape) : null;
        out.push({ delivery: d, rows: r, text: text === null ? null : withOptOutHint(text, { required: d.channel === "sms" && !!src?.marketing }) });
      }
      return out;
    },
  };
}

/** The e-mail of one delivery as it was sent, for "view in browser" (SPEC L5). */
export async function renderDeliveryEmail(deps: Deps, d: Delivery) {
  const composer = await createComposer(deps, await getSettings(deps.db), deps.clock());
  const [email] = await composer.emails([d]);
  return email ?? null;
}
