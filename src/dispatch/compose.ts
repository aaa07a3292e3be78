// Turns deliveries into the exact messages a recipient gets: the source's text rendered once
// (per tick), values for each recipient, signed links. Used by the dispatcher and by "view in
// browser", so the page shows what was sent. The last line of defence against blanks: each
// message says which placeholder it cannot do without has no value (`missing`), and the
// dispatcher skips it with the reason `missing:<key>` instead of sending it blank.
import { pickLanguage, t } from "../core/i18n/translate.ts";
import { linkExpiresAt, signLinkToken } from "../core/link-tokens.ts";
import { firstMissing, noEscape } from "../core/placeholders.ts";
import { smsLengthProblem, withOptOutHint } from "../core/sms-text.ts";
import { locationOf, rewriteHtmlLinks, rewriteTextUrls, trackableUrls, withOpenPixel } from "../core/tracked-links.ts";
import { trackedLinkIds } from "../db/engagements.ts";
import type { Delivery } from "../db/outbox.ts";
import { fileInfo, isAudio } from "../db/files.ts";
import { loadRecipientRows, loadSnippets, type RecipientRows } from "../db/recipient-rows.ts";
import type { StudioSettings } from "../db/schema.ts";
import { linkSigningSecret } from "../db/secrets.ts";
import { getSettings } from "../db/settings.ts";
import { type EmailVariant, type PersonalizedEmail, personalizeEmail } from "../email/render.ts";
import { contentCache } from "./content.ts";
import type { ContentFile } from "../db/content-files.ts";
import { type LinkMaker, recipientValues } from "./recipient-values.ts";
import type { SendDeps } from "./send-deps.ts";

/**
 * `missing`: the first key the text uses without a fallback whose value is blank for this
 * recipient (skip it as `missing:<key>`), else null. `error`: why this one delivery could not
 * be composed (its content is then empty; fail it), else null. `empty`: the text came out blank for
 * this recipient (every placeholder in it empty, with empty fallbacks): there is nothing to send. `marketing` is false for service
 * messages (appointment reminders): they carry no one-click unsubscribe, and a marketing
 * unsubscribe does not stop them (SPEC L1).
 */
type Checked = {
  missing: string | null;
  error: string | null;
  empty?: boolean;
  problem?: string | null;
  /** The source's e-mail attachments or MMS pictures (SPEC T5), without their bytes. */
  files?: ContentFile[];
};
export type ComposedEmail = PersonalizedEmail &
  Checked & { delivery: Delivery; unsubscribeUrl: string | null; marketing: boolean; rows: RecipientRows };
export type ComposedText = Checked & { delivery: Delivery; text: string | null; rows: RecipientRows };

const emptyRows = (d: Delivery): RecipientRows => ({
  deliveryId: d.id,
  customer: null,
  job: null,
  registration: null,
  album: null,
  order: null,
  appointment: null,
});
// Per variant, not per recipient: the variant is cached for the tick, so its list is too.
const requiredByVariant = new WeakMap<EmailVariant, string[]>();
function requiredOf(v: EmailVariant): string[] {
  let keys = requiredByVariant.get(v);
  if (!keys) requiredByVariant.set(v, (keys = [...new Set([v.subject, v.html, v.text].flatMap((p) => p.required))]));
  return keys;
}
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

const PATHS = { unsubscribe: "u", preferences: "p", gallery: "g", view: "v", appointment: "a" } as const;

export async function createComposer(deps: SendDeps, s: StudioSettings, now: Date) {
  const secret = await linkSigningSecret(deps.db, deps.config.secretKey, now);
  const base = s.publicUrl || deps.config.publicUrl;
  const link: LinkMaker = (purpose, customerId, subjectId, action) =>
    `${base}/${PATHS[purpose]}/${signLinkToken(secret, { purpose, customerId, subjectId, expiresAt: linkExpiresAt(purpose, now) })}${action ? `?do=${action}` : ""}`;
  const cache = contentCache(deps.db, () => s, base);
  const snippets = await loadSnippets(deps.db);
  const tracking = linkTracking(deps, s, secret, base);

  return {
    link,
    base,
    /** The personalised e-mail of each delivery whose source still exists; one bad delivery never fails the batch. */
    async emails(batch: Delivery[]): Promise<ComposedEmail[]> {
      const rows = await loadRecipientRows(deps.db, batch);
      const out: ComposedEmail[] = [];
      for (const d of batch) {
        const r = rows.get(d.id) ?? emptyRows(d);
        try {
          const src = await cache.source(d);
          if (!src) continue;
          const variant = await cache.email(src, d.customerId !== null, pickLanguage(r.customer?.locale, s.locale));
          const values = recipientValues(r, s, snippets, link, d.toAddress);
          const email = personalizeEmail(variant, values);
          const missing = firstMissing(requiredOf(variant), values);
          const empty = email.subject.trim() === "" || cache.text(src)(values, noEscape).trim() === "";
          const unsubscribeUrl = d.customerId && src.marketing ? link("unsubscribe", d.customerId, d.id) : null;
          out.push({
            ...email,
            missing,
            error: null,
            empty,
            delivery: d,
            rows: r,
            marketing: src.marketing,
            unsubscribeUrl,
            files: src.files ?? [],
          });
        } catch (err) {
          deps.log("error", "compose: e-mail could not be composed", { delivery: d.id, error: describe(err) });
          out.push({
            subject: "",
            html: "",
            text: "",
            missing: null,
            error: describe(err),
            delivery: d,
            rows: r,
            marketing: true,
            unsubscribeUrl: null,
          });
        }
      }
      await tracking.emails(out.filter((e) => !e.error));
      return out;
    },
    /** The SMS text (with the opt-out hint where required) or voice script of each delivery; never throws for one. */
    async texts(batch: Delivery[]): Promise<ComposedText[]> {
      const rows = await loadRecipientRows(deps.db, batch);
      const out: ComposedText[] = [];
      // SMS texts wait for their tracked links before the length check, so it sees what is sent.
      const sms: { item: ComposedText; hintAdded: boolean }[] = [];
      for (const d of batch) {
        const r = rows.get(d.id) ?? emptyRows(d);
        try {
          const src = await cache.source(d);
          if (!src) {
            out.push({ delivery: d, rows: r, text: null, missing: null, error: null });
            continue;
          }
          if (src.audio) {
            // A recording is played as it is: no placeholders to fill, nothing to leave blank —
            // but a recording deleted since fails the call (`problem`) rather than call in silence.
            const gone = !(await audioStillThere(deps, src.audio.fileId));
            out.push({
              delivery: d,
              rows: r,
              text: `${RECORDED_AUDIO} ${src.audio.name}`,
              missing: null,
              error: null,
              problem: gone ? `its recorded audio “${src.audio.name}” was deleted before the call` : null,
            });
            continue;
          }
          const template = cache.text(src);
          const values = recipientValues(r, s, snippets, link, d.toAddress);
          const filled = template(values, noEscape);
          const hint = t(pickLanguage(r.customer?.locale, s.locale), "sms.optOut");
          const text = withOptOutHint(filled, { required: d.channel === "sms" && src.marketing, hint });
          const item: ComposedText = {
            delivery: d,
            rows: r,
            text,
            missing: firstMissing(template.required, values),
            error: null,
            problem: null,
            empty: filled.trim() === "",
            files: d.channel === "sms" ? (src.files ?? []) : [],
          };
          out.push(item);
          if (d.channel === "sms") sms.push({ item, hintAdded: text !== filled });
        } catch (err) {
          deps.log("error", "compose: text could not be composed", { delivery: d.id, error: describe(err) });
          out.push({ delivery: d, rows: r, text: null, missing: null, error: describe(err) });
        }
      }
      await tracking.texts(sms.map((m) => m.item));
      for (const { item, hintAdded } of sms) {
        // A save checks the fixed part; the values filled in (and a customer's own language's
        // opt-out line, and tracked links) can still take a text past Twilio's limit: that one
        // delivery fails, saying so, rather than Twilio refusing it with a code staff cannot read.
        const tooLong = smsLengthProblem(item.text ?? "", { hintAdded });
        item.problem = tooLong && `its text is too long once filled in for this recipient. ${tooLong}`;
      }
      return out;
    },
  };
}

/**
 * Tracked links (issue 14): after personalisation, each trackable address of a message becomes
 * `/t/<token>`, the token naming the delivery and the address's tracked_links row. Deterministic
 * (no expiry, one row per address), so an e-mail batch replayed after a crash is the same bytes
 * (SPEC D4). Not for deliveries without a customer (a typed address), staff tests, or a studio
 * that turned tracking off; the open pixel only when the studio turned it on.
 */
function linkTracking(deps: SendDeps, s: StudioSettings, secret: string, base: string) {
  const ids = new Map<string, number>(); // for the tick: a message's links are stored once
  const tracked = (d: Delivery) => d.customerId !== null && d.sourceType !== "test";
  const token = (d: Delivery, purpose: "track" | "open", linkId?: number) =>
    signLinkToken(secret, { purpose, customerId: d.customerId!, subjectId: d.id, linkId });
  async function redirects(items: { delivery: Delivery; parts: { html?: string; text?: string } }[]) {
    // Stored as a browser would send it (locationOf): the HTML part's href (which marked
    // percent-encodes) and the text part's bare address are then one row, one link.
    const stored = (url: string) => locationOf(url) ?? url;
    const urls = new Set(items.flatMap((i) => trackableUrls(i.parts, base).map(stored)));
    const missing = [...urls].filter((u) => !ids.has(u));
    if (missing.length) for (const [u, id] of await trackedLinkIds(deps.db, missing)) ids.set(u, id);
    return (d: Delivery) => (url: string) => {
      const id = ids.get(stored(url));
      return id === undefined ? undefined : `${base}/t/${token(d, "track", id)}`;
    };
  }
  return {
    async emails(list: ComposedEmail[]) {
      const mine = list.filter((e) => tracked(e.delivery));
      if (s.trackLinks) {
        const redirect = await redirects(mine.map((e) => ({ delivery: e.delivery, parts: e })));
        for (const e of mine) {
          e.html = rewriteHtmlLinks(e.html, redirect(e.delivery));
          e.text = rewriteTextUrls(e.text, redirect(e.delivery));
        }
      }
      if (s.trackOpens) for (const e of mine) e.html = withOpenPixel(e.html, `${base}/o/${token(e.delivery, "open")}`);
    },
    async texts(list: ComposedText[]) {
      const mine = list.filter((t) => t.text !== null && tracked(t.delivery));
      if (!s.trackLinks || mine.length === 0) return;
      const redirect = await redirects(mine.map((t) => ({ delivery: t.delivery, parts: { text: t.text! } })));
      for (const t of mine) t.text = rewriteTextUrls(t.text!, redirect(t.delivery));
    },
  };
}

/** What the body of a call that plays a recording says, before the recording's name. */
export const RECORDED_AUDIO = "Recorded audio:";

async function audioStillThere(deps: SendDeps, fileId: number | null): Promise<boolean> {
  if (fileId === null) return false;
  const f = await fileInfo(deps.db, fileId);
  return !!f && isAudio(f);
}

/**
 * The e-mail of one delivery as it was sent, for "view in browser" (SPEC L5) and the staff
 * preview. `tracked: false` for staff: no tracked links (nothing stored by a look) and no open
 * pixel, so a staff member's browser never records the customer's open or click.
 */
export async function renderDeliveryEmail(deps: SendDeps, d: Delivery, opts: { tracked: boolean }) {
  const settings = await getSettings(deps.db);
  const s = opts.tracked ? settings : { ...settings, trackLinks: false, trackOpens: false };
  const composer = await createComposer(deps, s, deps.clock());
  const [email] = await composer.emails([d]);
  return email ?? null;
}
