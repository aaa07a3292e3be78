/** @jsxImportSource hono/jsx */
// The template library (SPEC T3): built-in and staff templates grouped by channel, each with its
// trigger and what it is for; one template's page with its text (read-only for a built-in one, a
// form for the studio's own) and a preview as a customer gets it, at desktop and phone width.
import { ImageButton } from "./image-picker.tsx";
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import type { Flash } from "../src/core/form-state.ts";
import { IMAGE_SLOT_URL } from "../src/core/image-slot.ts";
import type { PreviewData } from "../src/core/message-pages.ts";
import { MAX_BODY } from "../src/core/notification-input.ts";
import { TEMPLATE_MAX } from "../src/core/template-input.ts";
import { TRIGGER_INFO } from "../src/core/triggers.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import { CHANNELS, TRIGGERS, type Channel } from "../src/core/vocabulary.ts";
import type { Template, TemplateView } from "../src/db/templates.ts";
import { ConfirmedPost, Csrf, Field, FieldMessages, FormErrors, Select, TextArea, type Values } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import { MessagePreview } from "./message-preview.tsx";

const GROUP: Record<Channel, string> = { email: "E-mail", sms: "SMS", voice: "Call" };

/** What a template is for, in one line: its trigger, or one-time messages. */
function purpose(t: Pick<Template, "trigger">): string {
  return t.trigger ? `For “${TRIGGER_INFO[t.trigger].label}”` : "For one-time messages (and any notification)";
}

function Badge({ t }: { t: Template }) {
  return t.builtIn ? <span class="badge">Built-in</span> : <span class="badge ok">Yours</span>;
}

/** A channel inside a button or a name, as the built-in names write it: "Reminder (e-mail)". */
const IN_NAME: Record<Channel, string> = { email: "e-mail", sms: "SMS", voice: "call" };

export function TemplatesPage(
  p: Common & {
    templates: Template[];
    saved: Template[];
    messageName: string | null;
    /** The message had attachments or MMS pictures, which a template does not keep. */
    filesLeft?: boolean;
    flash?: Flash;
  },
) {
  return (
    <Page title="Templates" user={p.user} csrf={p.csrf} section="templates" flash={p.flash}>
      <PageHead title="Templates">
        {CHANNELS.map((ch) => (
          <a
            role="button"
            class={ch === "email" ? undefined : "secondary outline"}
            href={`/templates/new?channel=${ch}`}
          >
            New {IN_NAME[ch]} template
          </a>
        ))}
      </PageHead>
      {p.saved.length > 0 && (
        <article class="flash ok" role="status">
          <strong>
            {p.messageName ? `“${p.messageName}” is saved as ` : "Saved as "}
            {p.saved.length === 1 ? "a template" : `${p.saved.length} templates`}:
          </strong>{" "}
          {p.saved.map((t, i) => (
            <>
              {i > 0 && ", "}
              <a href={`/templates/${t.id}`}>{t.name}</a> ({GROUP[t.channel]})
            </>
          ))}
          . Use {p.saved.length === 1 ? "it" : "them"} from “Start from a template” when you write a message or a
          notification.
          {p.filesLeft &&
            " The message's attachments and MMS pictures were not copied: a template keeps the text only, so choose the files again in a message started from it."}
        </article>
      )}
      <p class="muted">
        Start a message or notification from a template with <em>Start from a template</em> in the editor. The built-in
        templates are read-only: <strong>Duplicate</strong> one to make it yours. On a message's page,{" "}
        <strong>Save as template</strong> keeps its texts here.
      </p>
      {CHANNELS.map((ch) => {
        // The studio's own first, then the designed e-mails (no trigger), then one per trigger.
        const rank = (t: Template) => (t.builtIn ? (t.trigger ? 2 : 1) : 0);
        const list = p.templates.filter((t) => t.channel === ch).sort((a, b) => rank(a) - rank(b));
        const yours = list.filter((t) => !t.builtIn).length;
        return (
          <section class="template-group" id={`group-${ch}`}>
            <h2>{GROUP[ch]}</h2>
            {yours === 0 && (
              <p class="muted">
                <small>
                  None of your own yet: duplicate one below, press New {IN_NAME[ch]} template, or save a message as a
                  template.
                </small>
              </p>
            )}
            <ul class="template-list">
              {list.map((t) => (
                <li>
                  <div>
                    <a href={`/templates/${t.id}`}>{t.name}</a> <Badge t={t} />
                    {ch === "email" && t.subject && (
                      <>
                        <br />
                        <small class="muted">{t.subject}</small>
                      </>
                    )}
                  </div>
                  <div>
                    <small>{purpose(t)}</small>
                    {t.description && (
                      <>
                        <br />
                        <small class="muted">{t.description}</small>
                      </>
                    )}
                  </div>
                  <div class="template-actions">
                    <ConfirmedPost
                      action={`/templates/${t.id}/duplicate`}
                      csrf={p.csrf}
                      confirm={undefined}
                      label="Duplicate"
                    />
                  </div>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </Page>
  );
}

export type TemplatePageProps = Common &
  TemplateView & { values: Values; errors: FieldErrors; flash: Flash; preview: PreviewData };

function ReadOnlyText({ t }: { t: Template }) {
  return (
    <article class="template-text">
      <p>
        <strong>{purpose(t)}.</strong> {t.description}
      </p>
      <p class="muted">
        <small>A built-in template is read-only. Duplicate it to change it; your copy is yours to edit.</small>
      </p>
      {t.channel === "email" && (
        <dl>
          <dt class="muted">Subject</dt>
          <dd>{t.subject}</dd>
          {t.preheader && (
            <>
              <dt class="muted">Preview line</dt>
              <dd>{t.preheader}</dd>
            </>
          )}
        </dl>
      )}
      <pre class="message-text">{t.body}</pre>
    </article>
  );
}

function TemplateForm(p: TemplatePageProps) {
  const v = p.values;
  const channel: Channel = v.channel === "sms" || v.channel === "voice" ? v.channel : "email";
  const action = p.template ? `/templates/${p.template.id}` : "/templates";
  const triggers = TRIGGERS.filter((tr) => TRIGGER_INFO[tr].channels.includes(channel));
  return (
    <form method="post" action={action} class="template-form" novalidate>
      <Csrf token={p.csrf} />
      <FormErrors errors={p.errors} />
      <Field name="name" label="Name" values={v} errors={p.errors} placeholder="Spring sale" />
      <div class="grid">
        <Select
          name="channel"
          label="Channel"
          values={{ ...v, channel }}
          errors={p.errors}
          options={CHANNELS.map((ch) => [ch, CHANNEL_LABELS[ch]] as [string, string])}
          hint="Changing it? Press Preview to see the form for that channel."
        />
        <Select
          name="trigger"
          label="Written for"
          values={v}
          errors={p.errors}
          blank="One-time messages (no trigger)"
          options={triggers.map((tr) => [tr, TRIGGER_INFO[tr].label] as [string, string])}
          hint="Decides which placeholders it may use, and where it is offered first."
        />
      </div>
      <TextArea
        name="description"
        label="What it is for"
        rows={2}
        values={v}
        errors={p.errors}
        hint={`Shown in the list; at most ${TEMPLATE_MAX.description.toLocaleString("en")} characters.`}
      />
      {channel === "email" && (
        <>
          <Field name="subject" label="Subject" values={v} errors={p.errors} />
          <Field
            name="preheader"
            label="Preview line"
            values={v}
            errors={p.errors}
            hint={`The line inboxes show after the subject; empty: the message's first line. At most ${TEMPLATE_MAX.preheader} characters.`}
          />
        </>
      )}
      <div class="field">
        <label for="f-body">{channel === "voice" ? "Call script" : "Message"}</label>
        <textarea
          id="f-body"
          name="body"
          rows={channel === "email" ? 14 : 5}
          aria-invalid={p.errors.body ? "true" : undefined}
          aria-describedby={p.errors.body ? "body-error" : "body-hint"}
        >
          {v.body ?? ""}
        </textarea>
        <FieldMessages
          name="body"
          errors={p.errors}
          hint={
            channel === "email"
              ? `Markdown: **bold**, [a link](https://…), ## a heading. Placeholders like {{customer.first_name}}; snippets like {{snippet.shipping_info}}. A picture slot (an image whose address is ${IMAGE_SLOT_URL}) shows as a grey box until replaced.`
              : `Plain text, at most ${MAX_BODY[channel].toLocaleString("en")} characters; links as bare URLs.`
          }
        />
        {channel === "email" && <ImageButton target="f-body" />}
      </div>
      <div class="actions">
        <button type="submit">{p.template ? "Save template" : "Create template"}</button>
        <button type="submit" name="intent" value="preview" class="secondary outline">
          Preview
        </button>
      </div>
    </form>
  );
}

export function TemplatePage(p: TemplatePageProps) {
  const t = p.template;
  const title = t ? t.name : "New template";
  return (
    <Page title={title} user={p.user} csrf={p.csrf} section="templates" flash={p.flash}>
      <p>
        <a href={t ? `/templates#group-${t.channel}` : "/templates"}>← Templates</a>
      </p>
      <PageHead title={title}>
        {t && (
          <ConfirmedPost action={`/templates/${t.id}/duplicate`} csrf={p.csrf} confirm={undefined} label="Duplicate" />
        )}
        {t && !t.builtIn && (
          <ConfirmedPost
            action={`/templates/${t.id}/delete`}
            csrf={p.csrf}
            confirm={`Delete the template “${t.name}”? Notifications and messages made from it keep their text.`}
            label="Delete"
          />
        )}
      </PageHead>
      {t && (
        <p>
          {GROUP[t.channel]} <Badge t={t} />
        </p>
      )}
      <div class="template-layout">
        <div>{p.mode === "view" && t ? <ReadOnlyText t={t} /> : <TemplateForm {...p} />}</div>
        <section class="template-preview" aria-label="Preview">
          <h2>Preview</h2>
          {p.mode === "new" || (p.mode === "edit" && p.errors && Object.keys(p.errors).length) ? (
            <MessagePreview preview={{ ...p.preview, options: [] }} />
          ) : (
            <form method="get" action={`/templates/${t!.id}`} class="preview-as">
              {/* Only sample values when nobody is registered yet: no choice to offer. */}
              <MessagePreview preview={p.preview.options.length > 1 ? p.preview : { ...p.preview, options: [] }} />
              {p.preview.options.length > 1 && (
                <button type="submit" class="secondary outline">
                  Show
                </button>
              )}
            </form>
          )}
        </section>
      </div>
    </Page>
  );
}
