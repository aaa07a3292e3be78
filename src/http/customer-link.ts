// Opening a customer link (SPEC §9): the signed token in the path names the customer, or the
// customer gets a plain page saying why the link does not work. Shared by every link page.
import { eq } from "drizzle-orm";
import { bodyLimit } from "hono/body-limit";
import { LINK_LIFETIME_DAYS, type LinkPurpose, verifyLinkToken } from "../core/link-tokens.ts";
import { type Language, pickLanguage, t } from "../core/i18n/translate.ts";
import type { Customer, StudioSettings } from "../db/schema.ts";
import { customers } from "../db/schema.ts";
import { linkSigningSecret } from "../db/secrets.ts";
import { getSettings } from "../db/settings.ts";
import type { Ctx } from "./env.ts";
import { LinkProblemPage } from "../../views/link-pages.tsx";

/** Why an expired link of this purpose expired and where a fresh one is, in the customer's language. */
function expiredText(lang: Language, purpose: LinkPurpose): string {
  if (purpose === "preferences") return t(lang, "link.expired.preferences", { days: LINK_LIFETIME_DAYS.preferences! });
  if (purpose === "confirm") return t(lang, "link.expired.confirm", { days: LINK_LIFETIME_DAYS.confirm! });
  return t(lang, "link.expired.other");
}

/** How to reach the studio: its phone, then its reply-to address, joined in the customer's language. */
export const studioContacts = (s: StudioSettings, lang: Language) =>
  [s.phone, s.replyTo].filter(Boolean).join(` ${t(lang, "link.or")} `);

export type OpenedLink = {
  customer: Customer;
  subjectId?: number;
  expiresAt?: Date;
  studio: string;
  lang: Language;
  settings: StudioSettings;
};

/**
 * The customer a signed link names, or the page saying why the link does not work. Every page
 * speaks the language of that customer (then the studio's); a link too damaged to name anyone
 * gets the studio's.
 */
export async function openCustomerLink(c: Ctx, purpose: LinkPurpose): Promise<OpenedLink | Response> {
  const { db, config, clock } = c.get("deps");
  const settings = await getSettings(db);
  const secret = await linkSigningSecret(db, config.secretKey, clock());
  const payload = verifyLinkToken(secret, c.req.param("token") ?? "", purpose, clock());
  const named =
    "customerId" in payload
      ? await db.query.customers.findFirst({ where: eq(customers.id, payload.customerId) })
      : undefined;
  const lang = pickLanguage(named?.locale, settings.locale);
  const problem = (status: 400 | 404 | 410, message: string) =>
    c.html(LinkProblemPage({ lang, studio: settings.name, status, message }), status);
  if ("error" in payload) {
    if (payload.error !== "expired") return problem(400, t(lang, "link.damaged"));
    const contacts = studioContacts(settings, lang);
    return problem(
      410,
      [
        t(lang, "link.expired"),
        expiredText(lang, purpose),
        contacts ? t(lang, "link.expired.reach", { studio: settings.name, contacts }) : "",
      ]
        .filter(Boolean)
        .join(" "),
    );
  }
  if (!named) return problem(404, t(lang, "link.noCustomer"));
  return {
    customer: named,
    subjectId: payload.subjectId,
    expiresAt: payload.expiresAt,
    studio: settings.name,
    lang,
    settings,
  };
}

// What a customer link receives is a one-click unsubscribe, a few checkboxes or one button: a few
// kilobytes cover it, and nobody holding a link can make the server buffer megabytes.
export const linkBodyLimit = bodyLimit({
  maxSize: 8 * 1024,
  onError: (c) => c.text("That request is too large for this page.", 413),
});
