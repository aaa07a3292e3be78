// The tracked redirect `/t/<token>` and the open pixel `/o/<token>` (issue 14). Customer links:
// no session, the signed token is the only key. The address forwarded to only ever comes from
// tracked_links (the token names a row, never an address), so this is no open redirect.
import { Hono } from "hono";
import { openKind } from "../core/engagement-kinds.ts";
import { pickLanguage, t } from "../core/i18n/translate.ts";
import { verifyLinkToken } from "../core/link-tokens.ts";
import { locationOf } from "../core/tracked-links.ts";
import { recordClick, recordEngagement, trackedLinkUrl } from "../db/engagements.ts";
import { linkSigningSecret } from "../db/secrets.ts";
import { getSettings } from "../db/settings.ts";
import { clientIp } from "../http/client-ip.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { LinkProblemPage } from "../../views/link-pages.tsx";

// The smallest transparent GIF: 1×1, one colour.
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

/** Browsers say a request is a prefetch or a preview in one of these headers. */
const purposeOf = (c: Ctx) =>
  c.req.header("Sec-Purpose") ?? c.req.header("Purpose") ?? c.req.header("X-Purpose") ?? c.req.header("X-Moz") ?? null;

async function payloadOf(c: Ctx, purpose: "track" | "open") {
  const { db, config, clock } = c.get("deps");
  const secret = await linkSigningSecret(db, config.secretKey, clock());
  const payload = verifyLinkToken(secret, c.req.param("token") ?? "", purpose, clock());
  return "error" in payload ? null : payload;
}

async function problem(c: Ctx, status: 400 | 404) {
  const settings = await getSettings(c.get("deps").db);
  const lang = pickLanguage(undefined, settings.locale);
  return c.html(LinkProblemPage({ lang, studio: settings.name, status, message: t(lang, "link.damaged") }), status);
}

export const trackingRoutes = new Hono<AppEnv>()
  // GET and HEAD (Hono answers HEAD with the GET handler, without the body).
  .get("/t/:token", async (c) => {
    const { db, clock, log } = c.get("deps");
    const payload = await payloadOf(c, "track");
    if (!payload?.subjectId || !payload.linkId) return problem(c, 400);
    const url = await trackedLinkUrl(db, payload.linkId);
    const location = url && locationOf(url);
    if (!url || !location) return problem(c, 404);
    // A link already sent keeps forwarding whatever happens: tracking turned off since (nothing
    // is recorded), or the delivery deleted (nothing to record it on; the reader still gets there).
    if ((await getSettings(db)).trackLinks) {
      try {
        const kind = await recordClick(db, {
          deliveryId: payload.subjectId,
          source: "link",
          linkId: payload.linkId,
          url,
          method: c.req.method,
          userAgent: c.req.header("User-Agent"),
          purpose: purposeOf(c),
          at: clock(),
        });
        log("info", "tracked link followed", { delivery: payload.subjectId, link: payload.linkId, kind });
      } catch (err) {
        // The reader comes first: a click that could not be recorded still goes where it points.
        log("error", "tracked link: click not recorded", { delivery: payload.subjectId, error: String(err) });
      }
    }
    // Set as is: c.redirect would percent-encode the %-escapes of an address again.
    return c.body(null, 302, { Location: location, "Referrer-Policy": "no-referrer" });
  })
  .get("/o/:token", async (c) => {
    const { db, clock, log } = c.get("deps");
    const payload = await payloadOf(c, "open");
    if (!payload?.subjectId) return c.text("Not found", 404);
    if ((await getSettings(db)).trackOpens) {
      const kind = openKind({
        method: c.req.method,
        userAgent: c.req.header("User-Agent"),
        ip: clientIp(c),
        purpose: purposeOf(c),
      });
      try {
        await db.transaction((tx) =>
          recordEngagement(tx, {
            deliveryId: payload.subjectId!,
            type: "open",
            source: "pixel",
            kind,
            userAgent: c.req.header("User-Agent")?.slice(0, 500) ?? null,
            occurredAt: clock(),
          }),
        );
      } catch (err) {
        log("error", "open pixel: open not recorded", { delivery: payload.subjectId, error: String(err) });
      }
    }
    return c.body(PIXEL, 200, { "Content-Type": "image/gif", "Cache-Control": "no-store, private" });
  });
