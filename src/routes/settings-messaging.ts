// Settings → Messaging (owner only; SPEC D1, U1): which provider each channel uses, and a test
// send that goes through the real dispatcher at once, so its outcome is shown right away.
import { Hono } from "hono";
import { z } from "zod";
import type { Values } from "../core/form-state.ts";
import { MessagingSettingsPage } from "../../views/settings-messaging.tsx";
import type { Config } from "../config.ts";
import type { ChannelProvider } from "../core/channel-providers.ts";
import { randomToken } from "../core/crypto.ts";
import { deliveryKey } from "../core/delivery-key.ts";
import { parsePhone } from "../core/phone.ts";
import { studioCountry } from "../core/country.ts";
import { email, type FieldErrors } from "../core/validation.ts";
import { audit } from "../db/audit.ts";
import { deliveryIdByKey, listOutbox } from "../db/outbox-list.ts";
import { enqueueDeliveries, testDueAt } from "../db/outbox.ts";
import type { StudioSettings } from "../db/schema.ts";
import { getSettings } from "../db/settings.ts";
import type { Providers } from "../dispatch/send-deps.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { typedValues } from "../http/form-values.ts";
import { CHANNEL_LABELS } from "../core/labels.ts";
import { requireOwner } from "../http/session.ts";

const testChannel = z.enum(["email", "sms"]);

/** The test form's address, checked like every other address Pigeon accepts. */
function parseTestAddress(
  channel: "email" | "sms",
  raw: unknown,
  country: string,
): { to: string } | { errors: FieldErrors } {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (channel === "email") {
    if (!text) return { errors: { email_to: "Enter the e-mail address to send the test to" } };
    const parsed = email.safeParse(text);
    return parsed.success ? { to: parsed.data } : { errors: { email_to: parsed.error.issues[0]!.message } };
  }
  if (!text) return { errors: { sms_to: "Enter the mobile number to send the test to" } };
  const p = parsePhone(text, country);
  return p.ok ? { to: p.e164 } : { errors: { sms_to: p.problem } };
}

/** What the providers page shows per channel: names and set/unset only, never a value. */
function describeProviders(config: Config, providers: Providers, s: StudioSettings): ChannelProvider[] {
  const resend = providers.email.name === "resend";
  const twilio = providers.sms.name === "twilio";
  const twilioVars = [
    { name: "TWILIO_ACCOUNT_SID", set: !!config.twilio, role: "turns Twilio on (with the auth token and sender)" },
    { name: "TWILIO_AUTH_TOKEN", set: !!config.twilio, role: "signs API calls and checks Twilio's webhooks" },
    { name: "TWILIO_FROM", set: !!config.twilio?.from, role: "the sending number or messaging service" },
    {
      name: "TWILIO_BASE_URL",
      set: twilio ? !!config.twilio?.baseUrl : null,
      role: "optional: another API address, e.g. a test server",
    },
  ];
  const twilioSwitch = twilio
    ? "Remove TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to use the dev outbox instead."
    : "Set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM to send through Twilio.";
  const smsFrom = config.twilio?.from ?? (s.smsFrom || "+15550000000");
  return [
    {
      channel: CHANNEL_LABELS.email,
      provider: resend ? "Resend" : "Dev outbox",
      dev: !resend,
      note: resend
        ? "Sent through Resend's API, in batches of up to 100."
        : "Kept in the dev outbox instead of being sent.",
      from: config.emailFrom ?? `${s.senderName || s.name} <${s.senderEmail || "studio@localhost"}>`,
      vars: [
        { name: "RESEND_API_KEY", set: resend, role: "turns Resend on" },
        { name: "EMAIL_FROM", set: !!config.emailFrom, role: "the sender address, required with Resend" },
        {
          name: "RESEND_WEBHOOK_SECRET",
          set: resend ? !!config.resend?.webhookSecret : null,
          role: "checks Resend's delivery reports",
        },
        {
          name: "RESEND_BASE_URL",
          set: resend ? !!config.resend?.baseUrl : null,
          role: "optional: another API address, e.g. a test server",
        },
      ],
      howToSwitch: resend
        ? "Remove RESEND_API_KEY to use the dev outbox instead."
        : "Set RESEND_API_KEY and EMAIL_FROM to send through Resend.",
    },
    {
      channel: CHANNEL_LABELS.sms,
      provider: twilio ? "Twilio" : "Dev outbox",
      dev: !twilio,
      note: twilio ? "Sent through Twilio's Messaging API." : "Kept in the dev outbox instead of being sent.",
      from: smsFrom,
      vars: twilioVars,
      howToSwitch: twilioSwitch,
    },
    {
      channel: CHANNEL_LABELS.voice,
      provider: providers.voice.name === "twilio" ? "Twilio" : "Dev outbox",
      dev: providers.voice.name !== "twilio",
      note:
        providers.voice.name === "twilio"
          ? "Calls placed through Twilio's Voice API."
          : "Calls are recorded in the dev outbox instead of being placed.",
      from: smsFrom,
      vars: [],
      howToSwitch: "Follows SMS: the same Twilio variables switch it.",
    },
    {
      channel: "Number lookup",
      provider: providers.lookup.name === "twilio" ? "Twilio" : "Dev outbox",
      dev: providers.lookup.name !== "twilio",
      note:
        providers.lookup.name === "twilio"
          ? "Twilio Lookup tells mobiles from landlines, so landlines get no SMS."
          : "Every number counts as a mobile, except North American numbers ending 555-0000 to 555-0099 (e.g. (217) 555-0012), which count as landlines, and fixed lines the number plan names (e.g. +49 30…).",
      vars: [],
      howToSwitch: "Follows SMS: the same Twilio variables switch it.",
    },
  ];
}

async function messagingPage(c: Ctx, extra: { values?: Values; errors?: FieldErrors } = {}, status: 200 | 422 = 200) {
  const { db, config, providers } = c.get("deps");
  const [settings, recent] = await Promise.all([getSettings(db), listOutbox(db, { source: "test" }, 10)]);
  const user = c.get("user")!;
  return c.html(
    MessagingSettingsPage({
      user,
      csrf: c.get("csrfToken"),
      channels: describeProviders(config, providers, settings),
      // The e-mail test starts with the owner's own address, also beside a refused SMS test.
      values: { email_to: user.email, ...extra.values },
      errors: extra.errors ?? {},
      recentTests: recent.rows,
      smsWindow: `${settings.sendWindowStart}–${settings.sendWindowEnd} ${settings.timeZone}`,
      timeZone: settings.timeZone,
    }),
    status,
  );
}

export const settingsMessagingRoutes = new Hono<AppEnv>()
  .use(requireOwner())
  .get("/", (c) => messagingPage(c))
  .post("/test", async (c) => {
    const deps = c.get("deps");
    const { db, clock, providers } = deps;
    const body = await c.req.parseBody();
    const channel = testChannel.safeParse(body.channel);
    if (!channel.success)
      return messagingPage(c, { values: typedValues(body), errors: { email_to: "Choose a test: e-mail or SMS" } }, 422);
    const settings = await getSettings(db);
    const address = parseTestAddress(channel.data, body[`${channel.data}_to`], studioCountry(settings));
    if ("errors" in address) return messagingPage(c, { values: typedValues(body), errors: address.errors }, 422);

    const now = clock();
    const via =
      channel.data === "email"
        ? providers.email.name === "resend"
          ? "Resend"
          : "the dev outbox"
        : providers.sms.name === "twilio"
          ? "Twilio"
          : "the dev outbox";
    // The name goes in as text, braces removed so nothing in it reads as a placeholder: the stored
    // test then says what was sent even if it is never sent (a suppressed number, say).
    const studio = settings.name.replace(/[{}]/g, "");
    const content =
      channel.data === "email"
        ? {
            subject: `Pigeon test e-mail from ${studio}`,
            body: `This is a test e-mail from Pigeon for **${studio}**, sent through ${via}.\n\nIf you can read it, e-mail from Pigeon reaches this inbox.`,
          }
        : { body: `Pigeon test SMS from ${studio}, sent through ${via}. If you got this, text messages work.` };
    const key = deliveryKey(
      { kind: "test", id: `${now.getTime().toString(36)}${randomToken(6)}` },
      { address: address.to },
      channel.data,
    );
    await enqueueDeliveries(
      db,
      { sourceType: "test" },
      [
        {
          key,
          decision: { customerId: 0, channel: channel.data, to: address.to, skip: null },
          dueAt: testDueAt(now),
          ...content,
        },
      ],
      now,
    );
    const deliveryId = await deliveryIdByKey(db, key);
    await audit(db, { userId: c.get("user")!.id }, "test_sent", "delivery", deliveryId, { channel: channel.data, via });
    // Sent at once, and only this delivery, so the page shows its outcome; queued work waits its turn.
    try {
      if (deliveryId) await deps.dispatcher.sendNow(deliveryId);
    } catch (err) {
      deps.log("error", "test send failed", { delivery: deliveryId, error: String(err) });
    }
    return c.redirect(`/outbox/${deliveryId}`, 303);
  });
