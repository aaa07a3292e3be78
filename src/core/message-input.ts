// A one-time message as the compose form and the API send it (SPEC O2, O5, I3): checked once,
// here, so both refuse the same things with the same words.
import { imageProblem } from "./email-images.ts";
import { z } from "zod";
import { CHANNELS } from "./vocabulary.ts";
import { fileIdList } from "./attachments.ts";
import { messageFilters } from "./message-filters.ts";
import { MAX_BODY, MAX_PREHEADER, preheaderProblem } from "./notification-input.ts";
import { parsePhone } from "./phone.ts";
import { type SmsSaveCheck, smsLineBreaks, smsTemplateLengthProblem } from "./sms-text.ts";
import { checkTemplate } from "./placeholders.ts";
import { imageSlotProblem } from "./image-slot.ts";
import { CALL_LANGUAGE_IDS, CALL_VOICE_IDS, voiceLanguageProblem } from "./call-voices.ts";
import { idRef, instant, optionalIdRef, optionalText, requiredText } from "./validation.ts";

/** A choice from a closed list where "" (or nothing, or null) means the default. */
const choice = (ids: [string, ...string[]], what: string) =>
  z.preprocess(
    (v) => (v === undefined || v === null ? "" : v),
    z.enum(ids, { error: `must be one of ${ids.filter(Boolean).join(", ")}, or empty for ${what}` }),
  );

const channelList = z.preprocess(
  (v) => (typeof v === "string" ? [v] : v),
  z
    .array(z.enum(CHANNELS, { error: "must be email, sms or voice" }), { error: "choose at least one channel" })
    .min(1, "choose at least one channel"),
);

/** The longest each text field may be; the compose form gives them as `maxlength` so a browser stops there. */
export const MESSAGE_MAX = {
  name: 200,
  subject: 300,
  preheader: MAX_PREHEADER,
  body: MAX_BODY.email,
  sms_body: MAX_BODY.sms,
  voice_script: 5_000,
  to_address: 254,
} as const;

const isEmail = (v: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v);

/**
 * `country`: the studio's, where a typed national number is read. A typed number comes out in
 * E.164, read now: read when the message starts instead, a studio country changed in between
 * sent Spanish 612 34 15 13 to France's +33 6 12 34 15 13. An e-mail address stays as typed.
 * `sms`: the line the studio's language adds to every one-time SMS ("Reply STOP to opt out.")
 * and, when it tracks links, its public address, both counted in the SMS's length: Twilio refuses
 * the text as sent, hint and tracked links included (smsSaveCheck).
 */
export const messageInput = (snippetKeys: readonly string[], country: string, sms: SmsSaveCheck = {}) =>
  z
    .object({
      name: requiredText(MESSAGE_MAX.name, "An internal name"),
      channels: channelList,
      subject: optionalText(MESSAGE_MAX.subject),
      /** The line an inbox shows after the subject; empty: the first line of the message. */
      preheader: optionalText(MESSAGE_MAX.subject),
      /** The e-mail's text, in Markdown. */
      body: optionalText(MESSAGE_MAX.body),
      /** The SMS's own plain text (issue 12): an SMS never gets the e-mail's Markdown. */
      // The API's edge for line breaks (the form's is formState): see smsLineBreaks.
      sms_body: z.preprocess((v) => (typeof v === "string" ? smsLineBreaks(v) : v), optionalText(MESSAGE_MAX.body)),
      voice_script: optionalText(MESSAGE_MAX.voice_script),
      /** An uploaded MP3 or WAV (files.id) the call plays instead of reading the script. */
      voice_audio_id: optionalIdRef,
      voice_name: choice(CALL_VOICE_IDS, "Twilio's standard voice"),
      voice_language: choice(CALL_LANGUAGE_IDS, "each customer's own language"),
      call_only_if_no_sms: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()).default(false),
      filters: z.preprocess((v) => v ?? {}, messageFilters).default({}),
      to_address: optionalText(MESSAGE_MAX.to_address),
      send_at: z.preprocess((v) => (v === "" || v === null ? undefined : v), instant.optional()),
      job_id: z.preprocess((v) => (v === "" || v === null ? undefined : v), idRef.optional()),
      /** Files attached to the e-mail (SPEC T5); their kinds and sizes are checked against the database. */
      attachment_ids: fileIdList.default([]),
      /** MMS pictures sent with the SMS. */
      media_ids: fileIdList.default([]),
    })
    .superRefine((m, ctx) => {
      const channels = new Set(m.channels);
      if (m.attachment_ids.length && !channels.has("email"))
        ctx.addIssue({
          code: "custom",
          path: ["attachment_ids"],
          message: "only an e-mail carries attachments: add the e-mail channel",
        });
      if (m.media_ids.length && !channels.has("sms"))
        ctx.addIssue({
          code: "custom",
          path: ["media_ids"],
          message: "only an SMS carries MMS pictures: add the SMS channel",
        });
      // Each channel its own text: the e-mail a subject and a body, the SMS its text, the call a
      // script or a recording (no channel borrows another's: Markdown read out or texted is noise).
      if (channels.has("email") && !m.subject)
        ctx.addIssue({ code: "custom", path: ["subject"], message: "An e-mail needs a subject" });
      if (channels.has("email") && !m.body)
        ctx.addIssue({ code: "custom", path: ["body"], message: "Write the e-mail" });
      if (channels.has("sms") && !m.sms_body)
        ctx.addIssue({ code: "custom", path: ["sms_body"], message: "Write the SMS text" });
      if (channels.has("voice") && !m.voice_script && !m.voice_audio_id)
        ctx.addIssue({
          code: "custom",
          path: ["voice_script"],
          message: "Write what the call says, or upload a recording",
        });
      if (m.voice_audio_id && !channels.has("voice"))
        ctx.addIssue({
          code: "custom",
          path: ["voice_audio_id"],
          message: "only a call plays audio: add the voice channel",
        });
      const mismatch = voiceLanguageProblem(m.voice_name, m.voice_language);
      if (mismatch) ctx.addIssue({ code: "custom", path: ["voice_language"], message: mismatch });
      // The limits notifications keep: a subject is one header line, and Twilio refuses longer texts.
      if (channels.has("email") && m.subject && /[\r\n]/.test(m.subject))
        ctx.addIssue({ code: "custom", path: ["subject"], message: "must be one line" });
      const preheader = channels.has("email") && m.preheader ? preheaderProblem(m.preheader) : null;
      if (preheader) ctx.addIssue({ code: "custom", path: ["preheader"], message: preheader });
      // One-time messages are marketing: every SMS gets the opt-out line, so it is counted here.
      const smsLength =
        channels.has("sms") && m.sms_body ? smsTemplateLengthProblem(m.sms_body, { required: true, ...sms }) : null;
      if (smsLength) ctx.addIssue({ code: "custom", path: ["sms_body"], message: smsLength });
      if (channels.has("voice") && m.voice_script && m.voice_script.length > MAX_BODY.voice) {
        ctx.addIssue({
          code: "custom",
          path: ["voice_script"],
          message: `A call script can hold at most ${MAX_BODY.voice.toLocaleString("en")} characters; this one has ${m.voice_script.length.toLocaleString("en")}`,
        });
      }
      const altProblem = channels.has("email") && m.body ? imageProblem(m.body) : null;
      if (altProblem) ctx.addIssue({ code: "custom", path: ["body"], message: altProblem });
      if (m.call_only_if_no_sms && !(channels.has("sms") && channels.has("voice"))) {
        ctx.addIssue({ code: "custom", path: ["call_only_if_no_sms"], message: "needs both SMS and voice" });
      }
      // Only the texts of the chosen channels: a form keeps the others as typed (hidden), and
      // they are never sent, so a mistake in one must not stop the message (issue 12 review).
      const fieldChannel = {
        subject: "email",
        preheader: "email",
        body: "email",
        sms_body: "sms",
        voice_script: "voice",
      } as const;
      for (const field of ["subject", "preheader", "body", "sms_body", "voice_script"] as const) {
        if (!channels.has(fieldChannel[field])) continue;
        const text = m[field];
        if (!text) continue;
        const problem = checkTemplate(text, "one_time_message", snippetKeys)[0];
        if (problem) ctx.addIssue({ code: "custom", path: [field], message: problem.message });
      }
      // A designed template's picture slot left in: the customer would get a grey box, not a picture.
      const slot = channels.has("email") && m.body ? imageSlotProblem(m.body) : null;
      if (slot) ctx.addIssue({ code: "custom", path: ["body"], message: slot });
      if (m.to_address) {
        const email = isEmail(m.to_address);
        const phone = email ? null : parsePhone(m.to_address, country);
        if (phone && !phone.ok) {
          const message = phone.problem.startsWith("must be")
            ? "must be an e-mail address or a phone number"
            : `must be an e-mail address or a phone number; as a number it ${phone.problem}`;
          ctx.addIssue({ code: "custom", path: ["to_address"], message });
        }
        if (email && (channels.has("sms") || channels.has("voice")))
          ctx.addIssue({ code: "custom", path: ["channels"], message: "an e-mail address can only get e-mail" });
        if (!email && channels.has("email"))
          ctx.addIssue({ code: "custom", path: ["channels"], message: "a phone number cannot get e-mail" });
      }
    })
    .transform((m) => {
      const phone = m.to_address && !isEmail(m.to_address) ? parsePhone(m.to_address, country) : null;
      return phone?.ok ? { ...m, to_address: phone.e164 } : m;
    });

export type MessageInput = z.infer<ReturnType<typeof messageInput>>;

/** The fields the API reads, and those of its answer a client may send back unchanged. */
const API_FIELDS = new Set([
  ...Object.keys(MESSAGE_MAX),
  ...["channels", "body", "voice_audio_id", "voice_name", "voice_language", "call_only_if_no_sms", "filters"],
  ...["send_at", "job_id", "attachment_ids", "media_ids", "external_id"],
  ...["id", "status", "activated_at", "totals", "performance"],
]);

/**
 * What the API refuses before reading a message (issue 12 review): a key it does not know
 * (`smsBody` would be dropped without a word), and a channel's text given for a message without
 * that channel. Before issue 12 `body` was every channel's text; an integration updating an
 * SMS-only draft with `body` alone would get 200 and the old SMS text kept, so it is told instead.
 * `given`: the request's own fields; `channels`: the message's channels once it is applied;
 * `stored`: the message as the API answers it now (on an update), null on create. A text equal
 * to the stored one is no change: a client posting back what GET answered (an SMS-only message
 * keeps its e-mail's body, unsent) must be accepted.
 */
export function apiTextProblems(
  given: Record<string, unknown>,
  channels: unknown,
  stored: Record<string, unknown> | null = null,
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const key of Object.keys(given))
    if (!API_FIELDS.has(key))
      problems[key] = "is not a field of a message (see the API's list; the SMS's text is sms_body)";
  const chosen = new Set(Array.isArray(channels) ? channels : typeof channels === "string" ? [channels] : []);
  const same = (key: "body" | "sms_body") =>
    stored !== null && typeof stored[key] === "string" && String(given[key]).trim() === String(stored[key]).trim();
  const text = (key: "body" | "sms_body") => {
    const v = given[key];
    return typeof v === "string" && v.trim() !== "" && !same(key);
  };
  // No channel read yet (none given, or none valid): that is channels' problem, said there.
  const known = ["email", "sms", "voice"].some((c) => chosen.has(c));
  if (known && text("body") && !chosen.has("email"))
    problems.body = chosen.has("sms")
      ? "is the e-mail's text and this message sends no e-mail; give sms_body for the SMS"
      : "is the e-mail's text and this message sends no e-mail; give voice_script for the call";
  if (known && text("sms_body") && !chosen.has("sms"))
    problems.sms_body = "is the SMS's text and this message sends no SMS: add the sms channel or leave it out";
  return problems;
}

/** Activation rules (SPEC O5): a send time in the past is refused rather than sent late. */
export function activationProblem(
  m: { sendAt: Date | null; status: string },
  recipients: number,
  now: Date,
): string | null {
  if (m.status !== "draft") return `This message is ${m.status} already.`;
  if (m.sendAt && m.sendAt.getTime() < now.getTime() - 60_000)
    return "The send time is in the past. Choose a new time or send it now.";
  if (recipients === 0) return "Nobody would receive this message with these filters.";
  return null;
}
