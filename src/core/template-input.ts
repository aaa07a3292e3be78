// A staff template as the Templates page takes it (SPEC T3): checked like the texts it becomes,
// so a template that would be refused in a message or notification is refused here first.
import { z } from "zod";
import { imageProblem } from "./email-images.ts";
import { CHANNEL_LABELS } from "./labels.ts";
import { MAX_BODY } from "./notification-input.ts";
import { checkTemplate, contextForTrigger, type PlaceholderContext } from "./placeholders.ts";
import { TRIGGER_INFO, type Trigger } from "./triggers.ts";
import { CHANNELS, TRIGGERS } from "./vocabulary.ts";
import { type SmsSaveCheck, smsLineBreaks, smsTemplateLengthProblem } from "./sms-text.ts";
import { CONTROL_PROBLEM, noControl, optionalText, requiredText } from "./validation.ts";

export const TEMPLATE_MAX = { name: 200, description: 1_000, subject: 300, preheader: 150 } as const;

/** Where a template's placeholders are checked: its trigger's context, else a one-time message's. */
export function templateContext(trigger: Trigger | null | undefined): PlaceholderContext {
  return trigger ? contextForTrigger(trigger) : "one_time_message";
}

const trigger = z.preprocess(
  (v) => (v === "" || v === undefined ? null : v),
  z.enum(TRIGGERS, { error: "must be one of the triggers, or none for one-time messages" }).nullable(),
);

/**
 * `snippetKeys`: the studio's snippets, which placeholders may name. `sms`: the opt-out line in
 * the studio's language and its tracked links (smsSaveCheck), counted in an SMS template's length
 * as a message's save counts them.
 */
export const templateInput = (snippetKeys: readonly string[], sms: SmsSaveCheck = {}) =>
  z
    .object({
      name: requiredText(TEMPLATE_MAX.name, "A name"),
      channel: z.enum(CHANNELS, { error: "Choose E-mail, SMS or Call" }),
      trigger,
      description: optionalText(TEMPLATE_MAX.description),
      subject: optionalText(TEMPLATE_MAX.subject),
      preheader: optionalText(TEMPLATE_MAX.preheader),
      // A browser posts a textarea's breaks as CRLF: stored as LF, as every other text (smsLineBreaks).
      body: z.preprocess(
        (v) => (typeof v === "string" ? smsLineBreaks(v).replace(/\s+$/, "") : (v ?? "")),
        z.string().refine(noControl, CONTROL_PROBLEM),
      ),
    })
    .superRefine((t, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
      if (t.trigger && !TRIGGER_INFO[t.trigger].channels.includes(t.channel))
        issue("trigger", `“${TRIGGER_INFO[t.trigger].label}” cannot be sent by ${CHANNEL_LABELS[t.channel]}`);
      if (t.channel === "email") {
        if (!t.subject) issue("subject", "An e-mail needs a subject");
        else if (/[\r\n]/.test(t.subject)) issue("subject", "must be one line");
        if (t.preheader && /[\r\n]/.test(t.preheader)) issue("preheader", "must be one line");
      }
      if (!t.body.trim()) issue("body", t.channel === "voice" ? "Write what the call says" : "Write the message");
      else if (t.body.length > MAX_BODY[t.channel]) {
        const what = t.channel === "sms" ? "An SMS" : t.channel === "voice" ? "A call script" : "An e-mail";
        issue(
          "body",
          `${what} can hold at most ${MAX_BODY[t.channel].toLocaleString("en")} characters; this one has ${t.body.length.toLocaleString("en")}`,
        );
      }
      // The SMS it becomes gets the opt-out line unless it is an appointment's (as notifications
      // and one-time messages count it): a template that cannot fit with it is refused here.
      const smsLength =
        t.channel === "sms" && t.body.trim() && t.body.length <= MAX_BODY.sms
          ? smsTemplateLengthProblem(t.body, {
              required: !t.trigger?.startsWith("appointment_"),
              ...sms,
            })
          : null;
      if (smsLength) issue("body", smsLength);
      const context = templateContext(t.trigger);
      const fields = t.channel === "email" ? (["subject", "preheader", "body"] as const) : (["body"] as const);
      for (const field of fields) {
        const problem = checkTemplate(t[field] ?? "", context, snippetKeys)[0];
        if (problem) issue(field, problem.message);
      }
      // Its images are checked as a message's are (alt text, addresses as stored); a picture slot
      // may stay: a template is where it is replaced from.
      const images = t.channel === "email" && t.body.trim() ? imageProblem(t.body) : null;
      if (images) issue("body", images);
    })
    .transform((t) => ({
      name: t.name,
      channel: t.channel,
      trigger: t.trigger,
      description: t.description ?? "",
      // Only an e-mail has a subject and a preview line.
      subject: t.channel === "email" ? (t.subject ?? "") : "",
      preheader: t.channel === "email" ? (t.preheader ?? "") : "",
      body: t.body,
    }));

export type TemplateInput = z.output<ReturnType<typeof templateInput>>;
