// Provider webhooks (SPEC D7–D9, A2, A3): Resend's e-mail events, Twilio's status callbacks,
// SMS replies and the TwiML of our calls. They sit outside the staff session and CSRF checks:
// each request proves itself with its provider's signature, and one that cannot changes nothing.
// The row that makes a retry a duplicate (the event, the stored reply) commits in one transaction
// with everything the request changes, so a failure answers 5xx having changed nothing and the
// provider's retry does it all again.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { type ProviderEvent, resendEngagement, resendEvent, twilioEvent } from "../core/delivery-status.ts";
import { recordClick, recordEngagement } from "../db/engagements.ts";
import { pickLanguage, SAY_LANGUAGE, t } from "../core/i18n/translate.ts";
import { stripControl } from "../core/validation.ts";
import {
  claimProviderId,
  deliveryById,
  deliveryByProviderId,
  recordProviderEvent,
  SETTLED_UNANSWERED,
} from "../db/delivery-status.ts";
import type { Delivery } from "../db/outbox.ts";
import type { Db } from "../db/client.ts";
import { inboundStored } from "../db/inbox.ts";
import { mediaUrl } from "../db/files.ts";
import { callSettings } from "../db/messages.ts";
import { answeredByWords, sayAttributes } from "../core/call-voices.ts";
import { installationId } from "../db/secrets.ts";
import { getSettings } from "../db/settings.ts";
import { type SuppressionInput, suppress } from "../db/suppressions.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { ApiError } from "../http/errors.ts";
import { verifyResendWebhook } from "../providers/resend.ts";
import { deliveryTag } from "../providers/types.ts";
import { twilioSdk, verifyTwilioSignature } from "../providers/twilio.ts";
import type VoiceResponse from "twilio/lib/twiml/VoiceResponse";
import { fetchTwilioMedia } from "../providers/twilio-media.ts";
import { receiveSmsReply } from "./sms-replies.ts";
import { customerLocale } from "../db/customers.ts";
import { cancelledSince } from "../dispatch/send-checks.ts";

const resendBody = z.looseObject({
  type: z.string(),
  created_at: z.string().optional(),
  data: z
    .looseObject({
      email_id: z.string().optional(),
      to: z.array(z.string()).optional(),
      bounce: z
        .looseObject({ type: z.string().optional(), subType: z.string().optional(), message: z.string().optional() })
        .optional(),
      failed: z.looseObject({ reason: z.string().optional() }).optional(),
      suppressed: z.looseObject({ type: z.string().optional(), message: z.string().optional() }).optional(),
      click: z
        .looseObject({
          link: z.string().optional().catch(undefined),
          timestamp: z.string().optional().catch(undefined),
          userAgent: z.string().optional().catch(undefined),
          ipAddress: z.string().optional().catch(undefined),
        })
        .optional()
        .catch(undefined),
      // Resend gives the e-mail's tags back as an object; each e-mail we send carries its delivery's id.
      tags: z.record(z.string(), z.string()).optional().catch(undefined),
    })
    .optional(),
});

export const webhookRoutes = new Hono<AppEnv>()
  .use(
    bodyLimit({
      maxSize: 256 * 1024,
      onError: (c) => c.json({ error: { message: "A webhook body is never this large.", fields: {} } }, 413),
    }),
  )

  .post("/resend", async (c) => {
    const { db, config, clock, log } = c.get("deps");
    const secret = config.resend?.webhookSecret;
    if (!secret) throw new ApiError(404, "Resend webhooks are off: set RESEND_WEBHOOK_SECRET to turn them on.");
    // The signature covers the exact bytes sent, so the body is read as text before any parsing.
    const raw = await c.req.text();
    let payload: unknown;
    try {
      payload = await verifyResendWebhook(secret, raw, c.req.raw.headers);
    } catch (err) {
      if (err instanceof SyntaxError) throw new ApiError(400, "The webhook body is not JSON.");
      log("warn", "webhook refused: bad signature", { provider: "resend", error: String(err) });
      throw new ApiError(403, "The webhook signature is missing, wrong or too old.");
    }
    const parsed = resendBody.safeParse(payload);
    if (!parsed.success) throw new ApiError(400, "The webhook body is not a Resend event.");
    const event = parsed.data;
    const emailId = event.data?.email_id;
    const mapped = emailId ? resendEvent(event.type, event.data ?? {}) : null;
    if (!emailId || !mapped) return c.json({ ok: true, ignored: event.type });

    // The e-mail's own id finds its delivery once sent; before that (a report that beat the
    // dispatcher's acknowledgement, or one about a send whose outcome is still unknown) the
    // delivery id it carries as a tag does, and the event waits for the acknowledgement.
    let d = await deliveryByProviderId(db, "resend", emailId);
    const byTag = d ? undefined : await taggedDelivery(c, event.data?.tags);
    // Settled without Resend's answer (counted sent, or skipped or held since nobody could tell):
    // this e-mail is the one it sent, so the delivery takes its id and the event applies as usual.
    if (byTag && byTag.providerMessageId === null && settledUnanswered(byTag))
      d = await claimProviderId(db, byTag.id, "resend", emailId, clock());
    const beforeAck = !d && !!byTag && byTag.providerMessageId === null && byTag.attemptStartedAt !== null;
    if (beforeAck) d = byTag;
    if (!d) {
      // Another app on the same Resend account, or a deleted delivery: a 4xx/5xx would only make Resend retry.
      log("info", "webhook for an unknown e-mail", { provider: "resend", type: event.type, email: emailId });
      return c.json({ ok: true, ignored: "unknown email" });
    }
    const now = clock();
    const occurredAt = validDate(event.created_at) ?? now;
    const detail = {
      provider: "resend",
      type: event.type,
      email_id: emailId,
      bounce: event.data?.bounce,
      failed: event.data?.failed,
      suppressed: event.data?.suppressed,
      click: event.data?.click,
      ...(beforeAck && { sid: emailId, before_ack: true, implies: mapped.status }),
    };
    const eventId = c.req.header("svix-id")!;
    const address = d.toAddress ?? event.data?.to?.[0]?.toLowerCase();
    const suppression =
      mapped.suppress && address
        ? {
            channel: "email" as const,
            address,
            reason: mapped.suppress,
            source: `resend ${event.type}`,
            customerId: d.customerId,
            detail: mapped.error ?? `delivery ${d.id}`,
          }
        : undefined;
    // An open or click is an engagement too (issue 14), keyed by the webhook's id so a retry
    // records nothing twice; written before the event so a failure between the two is redone.
    const engagement = resendEngagement(event.type, event.data ?? {});
    if (engagement?.type === "open")
      await db.transaction((tx) =>
        recordEngagement(tx, {
          deliveryId: d.id,
          type: "open",
          source: "resend",
          kind: engagement.kind,
          providerEventId: `resend:${eventId}`,
          occurredAt,
        }),
      );
    // A click is classified as one on the tracked redirect is (agent, burst), see recordClick.
    if (engagement?.type === "click")
      await recordClick(db, {
        deliveryId: d.id,
        source: "resend",
        method: "GET",
        userAgent: engagement.userAgent,
        agentOptional: true,
        linkId: null,
        url: engagement.url,
        providerEventId: `resend:${eventId}`,
        at: validDate(engagement.at ?? undefined) ?? occurredAt,
      });
    const result = await recordOn(
      db,
      d.id,
      { eventId, mapped, detail, occurredAt, suppression, beforeAck, providerMessageId: emailId },
      now,
    );
    if (result.duplicate) return c.json({ ok: true, duplicate: true });
    log("info", "webhook", {
      provider: "resend",
      type: event.type,
      delivery: d.id,
      status: result.status,
      suppressed: mapped.suppress ?? null,
    });
    return c.json({ ok: true });
  })

  .post("/twilio/status", async (c) => {
    const { params } = await verifiedTwilioForm(c);
    const { db, clock, log } = c.get("deps");
    const kind = params.CallSid ? "call" : "message";
    const sid = params.CallSid ?? params.MessageSid ?? params.SmsSid;
    const status = params.CallStatus ?? params.MessageStatus ?? params.SmsStatus;
    if (!sid || !status) throw new ApiError(400, "A status callback needs a MessageSid or CallSid and its status.");

    // `d` comes from the signed URL we gave Twilio; the sid must match too, since a retried
    // delivery keeps its URL while its earlier attempt's message may still report in.
    const byUrl = await deliveryFromQuery(c);
    let d = byUrl?.providerMessageId === sid ? byUrl : await deliveryByProviderId(db, "twilio", sid);
    // Settled without Twilio's answer (held as "which is whose", skipped or failed after a lost
    // answer): a report on its own URL about a message nobody else has proves its attempt went.
    if (!d && byUrl && byUrl.providerMessageId === null && byUrl.attemptStartedAt !== null && settledUnanswered(byUrl))
      d = await claimProviderId(db, byUrl.id, "twilio", sid, clock());
    // The callback beat the dispatcher's acknowledgement, or came for a send whose outcome is
    // still unknown (its answer was lost): keep the event; the acknowledgement applies it.
    const beforeAck =
      !d &&
      !!byUrl &&
      byUrl.providerMessageId === null &&
      (byUrl.status === "sending" || byUrl.attemptStartedAt !== null);
    if (beforeAck) d = byUrl;
    if (!d) {
      log("info", "webhook for an unknown message", { provider: "twilio", sid, status });
      return c.body(null, 204);
    }
    const now = clock();
    const mapped = twilioEvent(kind, status, params.ErrorCode, params.ErrorMessage);
    const detail = {
      provider: "twilio",
      sid,
      status,
      error_code: params.ErrorCode,
      error: mapped.error,
      ...(params.AnsweredBy && { answered_by: params.AnsweredBy }),
      ...(beforeAck && { before_ack: true, implies: mapped.status }),
    };
    const occurredAt = validDate(params.Timestamp) ?? now;
    const address = d.toAddress ?? params.To;
    const suppression =
      mapped.suppress && address
        ? {
            channel: "sms" as const,
            address,
            reason: mapped.suppress,
            source: `twilio error ${params.ErrorCode}`,
            customerId: d.customerId,
            detail: mapped.error,
          }
        : undefined;
    const result = await recordOn(
      db,
      d.id,
      { eventId: `${sid}:${status}`, mapped, detail, occurredAt, suppression, beforeAck, providerMessageId: sid },
      now,
    );
    if (result.duplicate) return c.body(null, 204);
    log("info", "webhook", {
      provider: "twilio",
      sid,
      status,
      delivery: d.id,
      moved: result.status,
      error: mapped.error,
    });
    return c.body(null, 204);
  })

  .post("/twilio/inbound", async (c) => {
    const { params } = await verifiedTwilioForm(c);
    const { db, clock, log, config } = c.get("deps");
    const from = params.From;
    const sid = params.MessageSid ?? params.SmsSid;
    if (!from || !sid) throw new ApiError(400, "An incoming message needs From and MessageSid.");
    // A customer's reply cannot be refused or sent again: what the database cannot keep is dropped.
    const body = stripControl(params.Body ?? "");
    // MMS media are fetched here, before the reply is stored, so the reply and its pictures commit
    // together in one transaction: nothing is left half-kept for a later job to finish, and a crash
    // leaves Twilio's retry to do it all again. All of them together get MEDIA_TIMEOUT_MS (5 s) of
    // Twilio's 15 s, and a retry of a reply stored already fetches nothing.
    const mediaItems = twilioMediaItems(params);
    const media =
      mediaItems.length && config.twilio && !(await inboundStored(db, sid))
        ? await fetchTwilioMedia(mediaItems, config.twilio)
        : [];
    for (const m of media.filter((x) => x.error))
      log("warn", "mms media not fetched", { sid, url: m.sourceUrl, error: m.error });
    const outcome = await receiveSmsReply({ db, clock, log }, { from, to: params.To ?? null, body, sid, media });
    const { MessagingResponse } = (await twilioSdk()).twiml;
    // A retry of a reply handled already: answering again would text the customer twice.
    if (!outcome) return twiml(c, new MessagingResponse());

    const reply = new MessagingResponse();
    if (outcome.text) reply.message(outcome.text);
    return twiml(c, reply);
  })

  // TwiML for the calls we place (SPEC A2): the recording (<Play>) or the delivery's script in the
  // message's voice and language, then "press 9" to opt out. Calls are placed with answering-machine
  // detection that waits for the beep (DetectMessageEnd), so Twilio asks for this after it: a
  // voicemail hears the whole message once, with no "press 9" nobody can press; a fax hears nothing.
  .post("/twilio/voice", async (c) => {
    const { params, base } = await verifiedTwilioForm(c);
    const { db, clock, log } = c.get("deps");
    const d = await deliveryFromQuery(c);
    const settings = await getSettings(db);
    const customer = await customerLocale(db, d?.customerId);
    const call = d?.messageId && d.channel === "voice" ? await callSettings(db, d.messageId) : undefined;
    const customerLanguage = SAY_LANGUAGE[pickLanguage(customer, settings.locale)];
    // Spoken by the message's voice, else one of the customer's language (English: Twilio's default).
    // (Our voices and languages come from closed lists of Twilio's own: call-voices.ts.)
    const voice = (
      call ? sayAttributes(call, customerLanguage) : customerLanguage ? { language: customerLanguage } : {}
    ) as VoiceResponse.SayAttributes;
    // Pigeon's own prompts in the language the call speaks.
    const lang = pickLanguage(voice.language ?? customer, settings.locale);
    const { VoiceResponse } = (await twilioSdk()).twiml;
    const response = new VoiceResponse();
    const answeredBy = params.AnsweredBy;
    if (d && answeredBy && params.CallSid) {
      await recordProviderEvent(
        db,
        d.id,
        {
          providerEventId: `${params.CallSid}:answered_by`,
          type: "answered",
          status: null,
          detail: {
            provider: "twilio",
            sid: params.CallSid,
            answered_by: answeredBy,
            answered: answeredByWords(answeredBy),
          },
          occurredAt: clock(),
        },
        clock(),
      );
    }
    const audioGone = !!call?.audioName && !call.audioStoredName;
    if (!d || d.channel !== "voice" || !d.body?.trim() || audioGone) {
      if (audioGone) log("warn", "call audio deleted", { delivery: d!.id, audio: call!.audioName });
      response.say(voice, t(lang, "voice.unavailable", { studio: settings.name }));
      response.hangup();
      return twiml(c, response);
    }
    // Cancelled while it rang (or while answering-machine detection waited for the beep): the
    // dispatcher's check before placing it is past, so ask the same question again now. Someone
    // picked up, so say a short goodbye rather than hang up in silence, and nothing of the reminder.
    const cancelled =
      c.req.query("step") === "gather" ? undefined : (await cancelledSince({ deps: { db } }, [d])).get(d.id);
    if (cancelled) {
      await recordProviderEvent(
        db,
        d.id,
        {
          providerEventId: `${params.CallSid ?? `delivery-${d.id}`}:not_read`,
          type: "not_read",
          status: null,
          detail: { provider: "twilio", sid: params.CallSid ?? null, reason: cancelled },
          occurredAt: clock(),
        },
        clock(),
      );
      log("info", "call answered after its cancellation", { delivery: d.id, reason: cancelled });
      response.say(voice, t(lang, "voice.unavailable", { studio: settings.name }));
      response.hangup();
      return twiml(c, response);
    }
    if (answeredBy === "fax") {
      response.hangup();
      return twiml(c, response);
    }
    if (c.req.query("step") === "gather") {
      const address = d.toAddress ?? params.To;
      if (params.Digits === "9" && address) {
        await suppress(
          db,
          {
            channel: "voice",
            address,
            reason: "unsubscribed",
            source: "pressed 9",
            customerId: d.customerId,
            detail: `call ${params.CallSid ?? ""} for delivery ${d.id}`.trim(),
          },
          clock(),
        );
        log("info", "unsubscribed", { channel: "voice", customer: d.customerId, delivery: d.id });
        response.say(voice, t(lang, "voice.stopped"));
      } else {
        response.say(voice, t(lang, "voice.thanks"));
      }
      response.hangup();
      return twiml(c, response);
    }
    // Absolute, on the base Twilio called us on, so a PUBLIC_URL with a path prefix still works.
    if (call?.audioStoredName) response.play(mediaUrl(base, call.audioStoredName));
    else response.say(voice, d.body);
    if (answeredBy?.startsWith("machine")) {
      response.hangup();
      return twiml(c, response);
    }
    response
      .gather({ numDigits: 1, action: `${base}/webhooks/twilio/voice?d=${d.id}&step=gather` })
      .say(voice, t(lang, "voice.press9"));
    return twiml(c, response);
  });

/**
 * The form Twilio posted, after checking X-Twilio-Signature against the full URL it called: our
 * public base (the studio's setting, else PUBLIC_URL, as the dispatcher builds callback URLs)
 * plus the path and query exactly as requested. Returns the base that matched.
 */
async function verifiedTwilioForm(c: Ctx): Promise<{ params: Record<string, string>; base: string }> {
  const { db, config, log } = c.get("deps");
  if (!config.twilio) throw new ApiError(404, "Twilio webhooks are off: Twilio is not configured.");
  const params = Object.fromEntries(new URLSearchParams(await c.req.text()));
  const signature = c.req.header("x-twilio-signature") ?? "";
  const pathAndQuery = c.req.url.replace(/^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i, "");
  const settings = await getSettings(db);
  const bases = [...new Set([settings.publicUrl.replace(/\/+$/, ""), config.publicUrl].filter(Boolean))];
  const authToken = config.twilio.authToken;
  let base: string | undefined;
  for (const b of signature ? bases : []) {
    if (!(await verifyTwilioSignature(authToken, signature, `${b}${pathAndQuery}`, params))) continue;
    base = b;
    break;
  }
  if (!base) {
    log("warn", "webhook refused: bad signature", { provider: "twilio", path: c.req.path });
    throw new ApiError(403, "The X-Twilio-Signature is missing or wrong.");
  }
  return { params, base };
}

/**
 * Records a provider's event on its delivery. One that came before the send was acknowledged
 * (`beforeAck`) moves nothing yet: the ack applies it, if the send it names is this delivery's.
 */
function recordOn(
  db: Db,
  deliveryId: number,
  e: {
    eventId: string;
    mapped: ProviderEvent;
    detail: Record<string, unknown>;
    occurredAt: Date;
    suppression?: SuppressionInput;
    beforeAck: boolean;
    providerMessageId: string;
  },
  now: Date,
) {
  return recordProviderEvent(
    db,
    deliveryId,
    {
      providerEventId: e.eventId,
      type: e.mapped.event,
      status: e.beforeAck ? null : e.mapped.status,
      detail: e.detail,
      occurredAt: e.occurredAt,
      error: e.mapped.error,
      suppress: e.suppression,
      ...(e.beforeAck && { afterAck: { providerMessageId: e.providerMessageId, status: e.mapped.status } }),
    },
    now,
  );
}

/** Whether a delivery was left settled (or held) without its provider's answer to an attempt. */
const settledUnanswered = (d: Delivery) =>
  (SETTLED_UNANSWERED as readonly string[]).includes(d.status) &&
  (d.status === "sent" || d.attemptStartedAt !== null || d.attemptGroup !== null);

/** The delivery this install's tag on an e-mail names, if any (another install's tags name none of ours). */
async function taggedDelivery(c: Ctx, tags: Record<string, string> | undefined) {
  if (!tags) return undefined;
  const { db, clock } = c.get("deps");
  const id = Number(tags[deliveryTag(await installationId(db, clock()))]);
  return Number.isSafeInteger(id) && id > 0 ? deliveryById(c.get("deps").db, id) : undefined;
}

async function deliveryFromQuery(c: Ctx) {
  const id = Number(c.req.query("d"));
  return Number.isSafeInteger(id) && id > 0 ? deliveryById(c.get("deps").db, id) : undefined;
}

/** The media an incoming MMS names (NumMedia, MediaUrl0…, MediaContentType0…); at most 10, as Twilio sends. */
function twilioMediaItems(params: Record<string, string>): { url: string; contentType: string }[] {
  const n = Math.min(Number.parseInt(params.NumMedia ?? "0", 10) || 0, 10);
  const items: { url: string; contentType: string }[] = [];
  for (let i = 0; i < n; i++) {
    const url = params[`MediaUrl${i}`];
    if (url) items.push({ url, contentType: params[`MediaContentType${i}`] || "application/octet-stream" });
  }
  return items;
}

function twiml(c: Ctx, response: { toString(): string }) {
  return c.body(response.toString(), 200, { "Content-Type": "text/xml; charset=utf-8" });
}

function validDate(s: string | undefined): Date | null {
  const t = s ? Date.parse(s) : Number.NaN;
  return Number.isNaN(t) ? null : new Date(t);
}
