// Customer-facing links (SPEC L1–L3, L5): signed tokens instead of logins. RFC 8058 one-click
// unsubscribe is a cookie-less POST to the same URL, so these routes sit outside the staff
// session and CSRF checks; the token is the only key.
import { and, eq, gt, like } from "drizzle-orm";
import { Hono } from "hono";
import { deliveryKey } from "../core/delivery-key.ts";
import {
  confirmationSubject,
  confirmedChannels,
  linkExpiresAt,
  linkIssuedAt,
  signLinkToken,
} from "../core/link-tokens.ts";
import { type Language, t } from "../core/i18n/translate.ts";
import { maskEmail, maskPhone } from "../core/mask.ts";
import type { PreferenceRow } from "../core/preferences.ts";
import { withOptOutHint } from "../core/sms-text.ts";
import { deliveryIdByKey } from "../db/outbox-list.ts";
import { enqueueDeliveries, testDueAt } from "../db/outbox.ts";
import type { Customer } from "../db/schema.ts";
import type { Channel } from "../core/vocabulary.ts";
import { customers, deliveries, jobs, registrations } from "../db/schema.ts";
import { linkSigningSecret } from "../db/secrets.ts";
import { getSettings } from "../db/settings.ts";
import { activeSuppressions, resubscribe, suppress } from "../db/suppressions.ts";
import { linkBodyLimit, openCustomerLink } from "../http/customer-link.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { recordUnsubscribed } from "../db/unsubscribe-events.ts";
import { ConfirmChannelsPage, LinkProblemPage, PreferencesPage, UnsubscribePage } from "../../views/link-pages.tsx";
import { renderDeliveryEmail } from "../dispatch/compose.ts";

// Unsubscribe links never expire and e-mails get forwarded: the page names the address masked,
// as the preferences page does.
const unsubscribeAddress = (customer: Customer, lang: Language) =>
  customer.email ? maskEmail(customer.email) : t(lang, "unsubscribe.yourAddress");

async function unsubscribeEmail(c: Ctx, customer: Customer, deliveryId: number | undefined) {
  const { db, clock, log } = c.get("deps");
  if (!customer.email) return;
  const address = customer.email;
  const now = clock();
  // The suppression and the message it is counted against (issue 14) commit together.
  const created = await db.transaction(async (tx) => {
    const made = await suppress(
      tx,
      {
        channel: "email",
        address,
        reason: "unsubscribed",
        source: "unsubscribe link",
        customerId: customer.id,
        detail: deliveryId ? `delivery ${deliveryId}` : undefined,
      },
      now,
    );
    if (made && deliveryId) await recordUnsubscribed(tx, deliveryId, customer.id, now);
    return made;
  });
  if (created) log("info", "unsubscribed", { customer: customer.id, channel: "email", delivery: deliveryId });
}

export const customerLinkRoutes = new Hono<AppEnv>()
  .use("/u/*", linkBodyLimit)
  .use("/p/*", linkBodyLimit)
  .get("/u/:token", async (c) => {
    const opened = await openCustomerLink(c, "unsubscribe");
    if (opened instanceof Response) return opened;
    const preferences = await preferencesUrl(c, opened.customer.id);
    return c.html(
      UnsubscribePage({
        lang: opened.lang,
        studio: opened.studio,
        address: unsubscribeAddress(opened.customer, opened.lang),
        done: false,
        action: c.req.path,
        preferences,
      }),
    );
  })
  // RFC 8058: mail clients POST `List-Unsubscribe=One-Click` here without cookies; the page's own button posts here too.
  .post("/u/:token", async (c) => {
    const opened = await openCustomerLink(c, "unsubscribe");
    if (opened instanceof Response) return opened;
    await unsubscribeEmail(c, opened.customer, opened.subjectId);
    const preferences = await preferencesUrl(c, opened.customer.id);
    return c.html(
      UnsubscribePage({
        lang: opened.lang,
        studio: opened.studio,
        address: unsubscribeAddress(opened.customer, opened.lang),
        done: true,
        action: c.req.path,
        preferences,
      }),
    );
  })
  .get("/p/:token", async (c) => {
    const opened = await openCustomerLink(c, "preferences");
    if (opened instanceof Response) return opened;
    return c.html(
      PreferencesPage({
        lang: opened.lang,
        studio: opened.studio,
        rows: await preferenceRows(c, opened.customer, opened.lang),
        action: c.req.path,
        saved: false,
      }),
    );
  })
  // Turning something off takes effect at once; turning e-mail on too (the link came to that
  // mailbox); texts and calls only after the phone confirms (a forwarded e-mail must not sign
  // someone's phone up). Bounces, complaints and STOPs are never cleared from here.
  .post("/p/:token", async (c) => {
    const opened = await openCustomerLink(c, "preferences");
    if (opened instanceof Response) return opened;
    const { db, clock } = c.get("deps");
    const body = await c.req.parseBody();
    const now = clock();
    const customer = opened.customer;
    const phoneWanted: PhoneChannel[] = [];
    for (const row of await preferenceRows(c, customer, opened.lang)) {
      const address = row.channel === "email" ? customer.email : customer.phone;
      if (!address) continue;
      const wanted = body[row.channel] === "on";
      if (wanted === row.on) continue;
      if (!wanted) {
        await suppress(
          db,
          {
            channel: row.channel,
            address,
            reason: "unsubscribed",
            source: "preferences page",
            customerId: customer.id,
          },
          now,
        );
      } else if (row.blocked) {
        continue;
      } else if (row.channel === "email") {
        await optIn(c, customer, "email", "customer: preferences page");
      } else {
        phoneWanted.push(row.channel);
      }
    }
    const notes = phoneWanted.length
      ? [await askPhoneToConfirm(c, customer, phoneWanted, opened.studio, opened.lang)]
      : [];
    return c.html(
      PreferencesPage({
        lang: opened.lang,
        studio: opened.studio,
        rows: await preferenceRows(c, customer, opened.lang),
        action: c.req.path,
        saved: true,
        notes,
      }),
    );
  })
  .use("/c/*", linkBodyLimit)
  .get("/c/:token", async (c) => {
    const opened = await openConfirmation(c);
    if (opened instanceof Response) return opened;
    return c.html(
      ConfirmChannelsPage({
        lang: opened.lang,
        studio: opened.studio,
        what: channelWords(opened.lang, opened.channels),
        phone: maskPhone(opened.customer.phone!),
        action: c.req.path,
        done: false,
        notes: opened.staleNote ? [opened.staleNote] : [],
      }),
    );
  })
  .post("/c/:token", async (c) => {
    const opened = await openConfirmation(c);
    if (opened instanceof Response) return opened;
    const active = await activeSuppressions(c.get("deps").db, [opened.customer.phone!]);
    const notes: string[] = opened.staleNote ? [opened.staleNote] : [];
    for (const channel of opened.channels) {
      const blocking = active.find((s) => s.channel === channel && s.reason !== "unsubscribed");
      if (blocking)
        notes.push(
          t(opened.lang, channel === "sms" ? "confirm.smsStayOff" : "confirm.voiceStayOff", {
            reason: blockedReason(opened.lang, blocking.reason),
          }),
        );
      else await optIn(c, opened.customer, channel, "customer: confirmed by text");
    }
    return c.html(
      ConfirmChannelsPage({
        lang: opened.lang,
        studio: opened.studio,
        what: channelWords(opened.lang, opened.channels),
        phone: maskPhone(opened.customer.phone!),
        action: c.req.path,
        done: true,
        notes,
      }),
    );
  })
  .get("/g/:token", async (c) => {
    const opened = await openCustomerLink(c, "gallery");
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
    if (!target)
      return c.html(
        LinkProblemPage({
          lang: opened.lang,
          studio: opened.studio,
          status: 404,
          message: t(opened.lang, "link.galleryOffline"),
        }),
        404,
      );
    log("info", "gallery link opened", { customer: opened.customer.id, job: jobId });
    if (row?.accessCode) target.searchParams.set("code", row.accessCode);
    return c.redirect(target.toString(), 302);
  })
  .get("/v/:token", async (c) => {
    const opened = await openCustomerLink(c, "view");
    if (opened instanceof Response) return opened;
    const { db } = c.get("deps");
    const d = opened.subjectId
      ? await db.query.deliveries.findFirst({ where: eq(deliveries.id, opened.subjectId) })
      : undefined;
    if (!d || d.customerId !== opened.customer.id || d.channel !== "email") {
      return c.html(
        LinkProblemPage({
          lang: opened.lang,
          studio: opened.studio,
          status: 404,
          message: t(opened.lang, "link.messageGone"),
        }),
        404,
      );
    }
    let email: Awaited<ReturnType<typeof renderDeliveryEmail>>;
    try {
      // The customer's own copy, as sent: its links tracked, and with the open pixel on, loading
      // it counts as their open (it is one). Staff see deliveries on the outbox page, untracked.
      email = await renderDeliveryEmail(c.get("deps"), d, { tracked: true });
    } catch (err) {
      // The sender failed this delivery with the same reason; the customer gets a page, not a stack.
      c.get("deps").log("error", "view in browser: cannot compose", { delivery: d.id, error: String(err) });
      return c.html(
        LinkProblemPage({
          lang: opened.lang,
          studio: opened.studio,
          status: 500,
          message: t(opened.lang, "link.messageUnavailable"),
        }),
        500,
      );
    }
    if (!email)
      return c.html(
        LinkProblemPage({
          lang: opened.lang,
          studio: opened.studio,
          status: 404,
          message: t(opened.lang, "link.messageWithdrawn"),
        }),
        404,
      );
    c.header("Content-Security-Policy", "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'");
    return c.html(email.html);
  });

async function preferencesUrl(c: Ctx, customerId: number) {
  const { db, config, clock } = c.get("deps");
  const now = clock();
  return `/p/${signLinkToken(await linkSigningSecret(db, config.secretKey, now), { purpose: "preferences", customerId, expiresAt: linkExpiresAt("preferences", now) })}`;
}

type PhoneChannel = "sms" | "voice";

/** Clears the customer's own opt-out (never a bounce, complaint or STOP) and records consent. */
async function optIn(c: Ctx, customer: Customer, channel: Channel, source: string) {
  const { db, clock } = c.get("deps");
  const now = clock();
  const address = channel === "email" ? customer.email : customer.phone;
  if (!address) return;
  const active = await activeSuppressions(db, [address]);
  if (active.some((s) => s.channel === channel && s.reason !== "unsubscribed")) return;
  await resubscribe(db, channel, address, source.replace("customer: ", ""), now);
  const key = channel === "email" ? "Email" : channel === "sms" ? "Sms" : "Voice";
  await db
    .update(customers)
    .set({ [`consent${key}`]: true, [`consent${key}Source`]: source, [`consent${key}At`]: now })
    .where(eq(customers.id, customer.id));
}

const channelWords = (lang: Language, channels: PhoneChannel[]) =>
  t(lang, channels.length === 2 ? "channels.both" : channels[0] === "sms" ? "channels.sms" : "channels.voice");

/** How long after one confirmation text the page sends no other, whatever the channels asked for. */
const CONFIRMATION_TEXT_GAP_MS = 10 * 60_000;
const CONFIRMATION_KEY = "confirm";

/**
 * Texts the customer's phone a link that turns the channels on, and says so. One text per
 * customer and ten minutes, whichever channels each post asks for, so the page cannot be used
 * to flood a phone: a recent one is looked up, and the delivery key (customer and ten-minute
 * slot) makes two posts at the same moment enqueue one text.
 */
async function askPhoneToConfirm(
  c: Ctx,
  customer: Customer,
  channels: PhoneChannel[],
  studio: string,
  lang: Language,
): Promise<string> {
  const deps = c.get("deps");
  const { db, config, clock } = deps;
  const now = clock();
  const phone = customer.phone!;
  const what = channelWords(lang, channels);
  const masked = maskPhone(phone);
  const sms = (await activeSuppressions(db, [phone])).find((s) => s.channel === "sms");
  if (sms)
    return t(
      lang,
      sms.reason === "landline" || sms.reason === "invalid_address" ? "confirm.cannotText" : "confirm.stopped",
      { phone: masked, what },
    );
  // deliveryKey spells a test key `t<id>:…`, so this prefix finds every confirmation text to this customer.
  const keyPrefix = `t${CONFIRMATION_KEY}-${customer.id}-`;
  const alreadySent = t(lang, "confirm.alreadySent", { phone: masked });
  const [recent] = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.customerId, customer.id),
        like(deliveries.deliveryKey, `${keyPrefix}%`),
        gt(deliveries.createdAt, new Date(now.getTime() - CONFIRMATION_TEXT_GAP_MS)),
      ),
    )
    .limit(1);
  if (recent) return alreadySent;
  const settings = await getSettings(db);
  const secret = await linkSigningSecret(db, config.secretKey, now);
  const token = signLinkToken(secret, {
    purpose: "confirm",
    customerId: customer.id,
    subjectId: confirmationSubject(phone, channels),
    expiresAt: linkExpiresAt("confirm", now),
  });
  const url = `${settings.publicUrl || config.publicUrl}/c/${token}`;
  const text = withOptOutHint(t(lang, "confirm.sms", { studio, what, url }), {
    required: true,
    hint: t(lang, "sms.optOut"),
  });
  // Sent as a one-off like a staff test (its own text, no consent needed, at once), not as marketing.
  const key = deliveryKey(
    { kind: "test", id: `${CONFIRMATION_KEY}-${customer.id}-${Math.floor(now.getTime() / CONFIRMATION_TEXT_GAP_MS)}` },
    { address: phone },
    "sms",
  );
  const { created } = await enqueueDeliveries(
    db,
    { sourceType: "test" },
    [
      {
        key,
        decision: { customerId: customer.id, channel: "sms", to: phone, skip: null },
        dueAt: testDueAt(now),
        body: text,
      },
    ],
    now,
  );
  if (!created) return alreadySent;
  const id = await deliveryIdByKey(db, key);
  try {
    if (id) await deps.dispatcher.sendNow(id);
  } catch (err) {
    deps.log("error", "preferences: confirmation text failed", { delivery: id, error: String(err) });
  }
  return t(lang, "confirm.sent", { phone: masked, what });
}

async function openConfirmation(c: Ctx) {
  const opened = await openCustomerLink(c, "confirm");
  if (opened instanceof Response) return opened;
  const phone = opened.customer.phone;
  const asked = phone ? confirmedChannels(opened.subjectId ?? 0, phone) : [];
  if (!asked.length) {
    return c.html(
      LinkProblemPage({
        lang: opened.lang,
        studio: opened.studio,
        status: 410,
        message: t(opened.lang, "link.phoneChanged"),
      }),
      410,
    );
  }
  // The link works for days; turning a channel off since it was sent is the newer wish, so the
  // old link no longer turns that channel on. Compared in whole seconds (the token's precision):
  // an opt-out in the very second the link was made counts as before it.
  const issued = linkIssuedAt("confirm", opened.expiresAt);
  const active = await activeSuppressions(c.get("deps").db, [phone!]);
  const stale = asked.filter((ch) =>
    active.some(
      (s) =>
        s.channel === ch &&
        s.reason === "unsubscribed" &&
        (!issued || Math.floor(s.createdAt.getTime() / 1000) * 1000 > issued.getTime()),
    ),
  );
  const channels = asked.filter((ch) => !stale.includes(ch));
  const staleNote = stale.length
    ? t(opened.lang, "confirm.stale", { what: channelWords(opened.lang, stale) })
    : undefined;
  if (!channels.length)
    return c.html(LinkProblemPage({ lang: opened.lang, studio: opened.studio, status: 410, message: staleNote! }), 410);
  return { ...opened, channels, staleNote };
}

/** Why a suppression that is not the customer's own opt-out keeps the channel off. */
function blockedReason(lang: Language, reason: string): string {
  switch (reason) {
    case "bounced":
      return t(lang, "blocked.bounced");
    case "complained":
      return t(lang, "blocked.complained");
    case "stop_keyword":
      return t(lang, "blocked.stop");
    case "landline":
      return t(lang, "blocked.landline");
    default:
      return t(lang, "blocked.other");
  }
}

/** The switches, with addresses masked and the suppressions the customer cannot lift from here. */
async function preferenceRows(c: Ctx, customer: Customer, lang: Language): Promise<PreferenceRow[]> {
  const addresses = [customer.email, customer.phone].filter((a): a is string => !!a);
  const active = await activeSuppressions(c.get("deps").db, addresses);
  const off = (channel: Channel) => active.some((s) => s.channel === channel);
  const blocked = (channel: Channel) => {
    const s = active.find((x) => x.channel === channel && x.reason !== "unsubscribed");
    return s ? t(lang, "preferences.off", { reason: blockedReason(lang, s.reason) }) : undefined;
  };
  const email = customer.email ? maskEmail(customer.email) : null;
  const phone = customer.phone ? maskPhone(customer.phone) : null;
  return [
    {
      channel: "email",
      label: t(lang, "preferences.email"),
      address: email,
      on: !!email && customer.consentEmail && !off("email"),
      note: `${t(lang, "preferences.emailNote")} ${t(lang, "service.note")}`,
      blocked: blocked("email"),
    },
    {
      channel: "sms",
      label: t(lang, "preferences.sms"),
      address: phone,
      on: !!phone && customer.consentSms && !off("sms"),
      blocked: blocked("sms"),
    },
    {
      channel: "voice",
      label: t(lang, "preferences.voice"),
      address: phone,
      on: !!phone && customer.consentVoice && !off("voice"),
      blocked: blocked("voice"),
    },
  ];
}
