/** @jsxImportSource hono/jsx */
// The compose page's texts per channel (issue 12): the e-mail's preheader, and the SMS's own
// text with its counter and "Copy from e-mail". Each shows only while its channel is ticked
// (static/app.css hides .only-email / .only-sms when it is not).
import { MESSAGE_MAX } from "../src/core/message-input.ts";
import type { PreviewData } from "../src/core/message-pages.ts";
import { smsInfo } from "../src/core/sms-text.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { Values } from "../src/core/form-state.ts";
import { FieldMessages } from "./form.tsx";
import { SmsCounter } from "./sms-counter.tsx";

type TextProps = { values: Values; errors: FieldErrors };

const ariaError = (name: string, errors: FieldErrors, hint?: boolean) => ({
  "aria-invalid": errors[name] ? ("true" as const) : undefined,
  "aria-describedby": errors[name] ? `${name}-error` : hint ? `${name}-hint` : undefined,
});

/** The e-mail's preview line (preheader): the line inboxes show after the subject. */
export function PreheaderField({ values, errors }: TextProps) {
  return (
    <div class="field only-email">
      <label for="f-preheader">Preview line (optional)</label>
      <input
        id="f-preheader"
        type="text"
        name="preheader"
        value={values.preheader ?? ""}
        maxlength={MESSAGE_MAX.preheader}
        class="audience-input"
        data-placeholder-target
        {...ariaError("preheader", errors, true)}
      />
      <FieldMessages
        name="preheader"
        errors={errors}
        hint={`The line inboxes show after the subject; empty: the message's first line. At most ${MESSAGE_MAX.preheader} characters.`}
      />
    </div>
  );
}

/**
 * The SMS counter beside the text: for the recipient the preview shows (placeholders filled,
 * opt-out hint added, as it will be sent), else for the text as typed. The preview's answer
 * replaces it out of band as the text changes.
 */
export function SmsFieldCount({ sms, typed, oob }: { sms?: PreviewData["sms"]; typed: string; oob?: boolean }) {
  return (
    <div id="sms_body-count" aria-live="polite" hx-swap-oob={oob ? "true" : undefined}>
      <SmsCounter info={sms?.info ?? smsInfo(typed)} />
    </div>
  );
}

/** The SMS's own text: plain, with its counter and "Copy from e-mail". */
export function SmsTextField({ values, errors, preview }: TextProps & { preview: PreviewData }) {
  return (
    <div class="field only-sms sms-text">
      <div class="label-row">
        <label for="f-sms_body">SMS text</label>
        {/* Without JavaScript it re-renders the form with the draft filled in; with htmx, only the form. Saves nothing. */}
        <button
          type="submit"
          name="action"
          value="copy_sms"
          formaction="/messages/form"
          class="secondary outline small"
          hx-post="/messages/form"
          hx-vals={JSON.stringify({ action: "copy_sms" })}
          hx-target="#message-form"
          hx-swap="outerHTML"
        >
          Copy from e-mail
        </button>
      </div>
      <textarea
        id="f-sms_body"
        name="sms_body"
        rows={4}
        maxlength={MESSAGE_MAX.sms_body}
        class="audience-input"
        data-placeholder-target
        {...ariaError("sms_body", errors, true)}
      >
        {values.sms_body ?? ""}
      </textarea>
      <FieldMessages
        name="sms_body"
        errors={errors}
        hint="Plain text, as the phone shows it: no Markdown. Links as full URLs. “Copy from e-mail” makes a draft of the e-mail without its formatting (it replaces this text)."
      />
      <SmsFieldCount sms={preview.sms} typed={values.sms_body ?? ""} />
    </div>
  );
}
