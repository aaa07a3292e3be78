// Customer-facing links (SPEC L1–L3, L5): signed tokens instead of logins. RFC 8058 one-click
// unsubscribe is a cookie-less POST to the same URL, so these routes sit outside the staff
// session and CSRF checks; the token is the only key.
import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { type LinkPurpose, signLinkToken, verifyLinkToken } from "../core/link-tokens.ts";
import type { Customer } from "../db/schema.ts";
import { customers, deliveries, jobs, registrations } from "../db/schema.ts";
import { linkSigningSecret } from "../db/secrets.ts";
import { getSettings } from "../db/settings.ts";
import { activeSuppressions, resubscribe, suppress } from "../db/suppressions.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { LinkProblemPage, PreferencesPage, type PreferenceRow, SERVICE_EMAIL_NOTE, UnsubscribePage } from "../../views/customer-pages.tsx";
import { renderDeliveryEmail } from "../dispatch/compose.ts";

async function open(c: Ctx, purpose: LinkPurpose): Promise<{ customer: Customer; subjectId?: number; studio: string } | Response> {
  const { db, config, clock } = c.get("deps");
  const settings = await getSettings(db);
  const secret = await linkSigningSecret(db, config.secretKey, clock());
  const payload = verifyLinkToken(secret, c.req.param("token") ?? "", purpose, clock());
  const problem = (status: 400 | 404 | 410, message: string) => c.html(LinkProblemPage({ studio: settings.name, status, message }), status);
  if ("error" in payload) {
    return payload.error === "expired"
      ? problem(410, "This link has expired. Newer messages have a fresh link.")
      : problem(400, "The link is damaged or incomplete. Please use the link from your message exactly as it is.");
  }
  const customer = await db.query.customers.findFirst({ where: eq(customers.id, payload.customerId) });
  if (!customer) return problem(404, "We no longer have your details, so there is nothing to change.");
  return { customer, subjectId: payload.subjectId, studio: settings.name };
}

async function unsubscribeEmail(c: Ctx, customer: Customer, deliveryId: number | undefined) {
  const { db, clock, log } = c.get("deps");
  if (!customer.email) return;
  const created = await suppress(db, { channel: "email", address: customer.email, reason: "unsubscribed", source: "unsubscribe link", customerId: customer.id, detail: deliveryId ? `delivery ${deliveryId}` : undefined }, clock());
  if (created) log("info", "unsubscribed", { customer: customer.id, channel: "email", delivery: deliveryId });
}

export const customerLinkRoutes = new Hono<AppEnv>()
  .get("/u/:token", async (c) => {
    const opened = await open(c, "unsubscribe");
    if (opened instanceof Response) return opened;
    const preferences = await preferencesUrl(c, opened.customer.id);
    return c.html(UnsubscribePage({ studio: opened.studio, address: opened.customer.email ?? "your address", done: false, action: c.req.path, preferences }));
  })
  // RFC 8058: mail clients POST `List-Unsubscribe=One-Click` here without cookies; the page's own button posts here too.
  .post("/u/:token", async (c) => {
    const opened = await open(c, "unsubscribe");
    if (opened instanceof Response) return opened;
    await unsubscribeEmail(c, opened.customer, opened.subjectId);
    const preferences = await preferencesUrl(c, opened.customer.id);
    return c.html(UnsubscribePage({ studio: opened.studio, address: opened.customer.email ?? "your address", done: true, action: c.req.path, preferences }));
  })
  .get("/p/:token", async (c) => {
    const opened = await open(c, "preferences");
    if (opened instanceof Response) return opened;
    return c.html(PreferencesPage({ studio: opened.studio, rows: await preferenceRows(c, opened.customer), action: c.req.path, saved: false }));
  })
  .post("/p/:token", async (c) => {
    const opened = await open(c, "preferences");
    if (opened instanceof Response) return opened;
    const { db, clock } = c.get("deps");
    const body = await c.req.parseBody();
    const now = clock();
    for (const row of await preferenceRows(c, opened.customer)) {
      if (!row.address) continue;
      const wanted = body[row.channel] === "on";
      if (wanted === row.on) continue;
      if (wanted) {
        await resubscribe(db, row.channel, row.address, "preferences page", now);
        const key = row.channel === "email" ? "Email" : row.channel === "sms" ? "Sms" : "Voice";
        await db.update(customers).set({ [`consent${key}`]: true, [`consent${key}Source`]: "customer: preferences page", [`consent${key}At`]: now }).where(eq(customers.id, opened.customer.id));
      } else {
        await suppress(db, { channel: row.channel, address: row.address, reason: "unsubscribed", source: "preferences page", customerId: opened.customer.id }, now);
      }
    }
    return c.html(PreferencesPage({ studio: opened.studio, rows: await preferenceRows(c, opened.customer), action: c.req.path, saved: true }));
  })
  .get("/g/:token", async (c) => {
    const opened = await open(c, "gallery");
    if (opened instanceof Response) return opened;
    const { db, log } = c.get("deps");
    const jobId = opened.subjectId ?? 0;
    const [row] = await db
      .select({ galleryUrl: jobs.galleryUrl, accessCode: registrations.accessCode })
      .from(registrations)
      .innerJoin(jobs, eq(jobs.id, registrations.jobId))
      .where(and(eq(registrations.jobId, jobId), eq(registrations.customerId, opened.customer.id)));
    // A job saved before addresses were checked may hold one that parses as nothing.
    const target = row?.galleryUrl ? URL.parse(row.galleryUrl) : null;
    if (row?.galleryUrl && !target) log("warn", "gallery link: the job's gallery address is not a URL", { job: jobId });
    if (!target) return c.html(LinkProblemPage({ studio: opened.studio, status: 404, message: "This gallery is not online (any more)." }), 404);
    log("info", "gallery link opened", { customer: opened.customer.id, job: jobId });
    if (row?.accessCode) target.searchParams.set("code", row.accessCode);
    return c.redirect(target.toString(), 302);
  })
  .get("/v/:token", async (c) => {
    const opened = await open(c, "view");
    if (opened instanceof Response) return opened;
    const { db } = c.get("deps");
    const d = opened.subjectId ? await db.query.deliveries.findFirst({ where: eq(deliveries.id, opened.subjectId) }) : undefined;
    if (!d || d.customerId !== opened.customer.id || d.channel !== "email") {
      return c.html(LinkProblemPage({ studio: opened.studio, status: 404, message: "We cannot find this message any more." }), 404);
    }
    let email: Awaited<ReturnType<typeof renderDeliveryEmail>>;
    try {
      email = await renderDeliveryEmail(c.get("deps"), d);
    } catch (err) {
      // The sender failed this delivery with the same reason; the customer gets a page, not a stack.
      c.get("deps").log("error", "view in browser: cannot compose", { delivery: d.id, error: String(err) });
      return c.html(LinkProblemPage({ studio: opened.studio, status: 500, message: "This message cannot be shown right now. Please contact us if you need it." }), 500);
    }
    if (!email) return c.html(LinkProblemPage({ studio: opened.studio, status: 404, message: "This message was withdrawn." }), 404);
    c.header("Content-Security-Policy", "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'");
    return c.html(email.html);
  });

async function preferencesUrl(c: Ctx, customerId: number) {
  const { db, config, clock } = c.get("deps");
  return `/p/${signLinkToken(await linkSigningSecret(db, config.secretKey, clock()), { purpose: "preferences", customerId })}`;
}

async function preferenceRows(c: Ctx, customer: Customer): Promise<PreferenceRow[]> {
  const addresses = [customer.email, customer.phone].filter((a): a is string => !!a);
  const active = await activeSuppressions(c.get("deps").db, addresses);
  const off = (channel: "email" | "sms" | "voice") => active.some((s) => s.channel === channel);
  return [
    { channel: "email", label: "Marketing e-mails", address: customer.email, on: !!customer.email && customer.consentEmail && !off("email"), note: `News, offers and reminders about your photos. ${SERVICE_EMAIL_NOTE}` },
    { channel: "sms", label: "Text messages", address: customer.phone, on: !!customer.phone && customer.consentSms && !off("sms") },
    { channel: "voice", label: "Phone calls", address: customer.phone, on: !!customer.phone && customer.consentVoice && !off("voice") },
  ];
}
