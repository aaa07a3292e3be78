/** @jsxImportSource hono/jsx */
// The notification editor (SPEC P2–P4): the page, the form htmx re-renders when the trigger or
// channel changes or a template is used, and the live preview on a real customer.
// Styles: static/profiles.css.
import { ImageButton } from "./image-picker.tsx";
import { ComposeFiles } from "./compose-files.tsx";
import type { FileChoice } from "../src/db/attachment-files.ts";
import type { Notification, Profile, Template } from "../src/db/profiles.ts";
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import { MAX_BODY, MAX_PREHEADER, MAX_SUBJECT, offsetWords } from "../src/core/notification-input.ts";
import { CONTEXT_LABELS, contextForTrigger, type Placeholder } from "../src/core/placeholders.ts";
import type { PreviewData } from "../src/core/profile-pages.ts";
import { AUDIENCE_LABELS, CONDITION_LABELS, TRIGGER_INFO, type Trigger } from "../src/core/triggers.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import { type Channel, TRIGGERS } from "../src/core/vocabulary.ts";
import { Csrf, FieldMessages, FormErrors, UseTemplateButton, type Values } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import { PlaceholderPicker } from "./placeholder-picker.tsx";
import { SmsCounter } from "./sms-counter.tsx";

/** The ids chosen in each list, as the form sent them. */
type ChosenLists = { attachment_ids?: string[]; media_ids?: string[] };

export type EditorProps = Common & {
  profile: Profile;
  notification?: Notification;
  values: Values;
  errors: FieldErrors;
  templates: Template[];
  placeholders: Placeholder[];
  preview: PreviewData;
  /** The e-mail's attachments or the SMS's pictures to choose from, and those chosen (SPEC T5). */
  files?: { choices: FileChoice[]; chosen: ChosenLists };
  /** A warning above the form with a link (an SMS version whose twin exists already). */
  notice?: { text: string; href: string };
};

const isTrigger = (t: string | undefined): t is Trigger => TRIGGERS.includes(t as Trigger);

/** A subject or body problem beside its field, replaced out of band as the preview refreshes. */
const LiveError = ({ name, errors, oob }: { name: string; errors: FieldErrors; oob?: boolean }) => (
  <div id={`${name}-live`} aria-live="polite" hx-swap-oob={oob ? "true" : undefined}>
    {errors[name] && (
      <small class="error" id={`${name}-error`}>
        {errors[name]}
      </small>
    )}
  </div>
);

export function NotificationPreview({ preview: pv, oob }: { preview: PreviewData; oob?: boolean }) {
  const problems = Object.entries(pv.errors).filter(([k]) => k === "subject" || k === "preheader" || k === "body");
  return (
    <>
      {pv.sentence && <p class="preview-when">{pv.sentence}</p>}
      <p class="muted">
        <small>{pv.recipientNote}</small>
      </p>
      {problems.length > 0 && (
        <ul class="preview-errors" role="alert">
          {problems.map(([k, m]) => (
            <li>
              {k === "subject"
                ? "Subject"
                : k === "preheader"
                  ? "Preview line"
                  : pv.channel === "voice"
                    ? "Script"
                    : "Message"}
              : {m}
            </li>
          ))}
        </ul>
      )}
      {pv.problem && <p class="warn">{pv.problem}</p>}
      {pv.channel === "email" && pv.html !== undefined && (
        <>
          <div class="preview-meta">
            <div>
              <span class="k">To</span> <span>{pv.to ?? "—"}</span>
            </div>
            <div>
              <span class="k">Subject</span> <strong>{pv.subject || "—"}</strong>
            </div>
            <div>
              <span class="k">Preview line</span>{" "}
              {pv.preheader ? <span>{pv.preheader}</span> : <span class="muted">the message's first line</span>}
            </div>
          </div>
          <iframe class="email-frame" title="E-mail preview" sandbox="" srcdoc={pv.html}></iframe>
        </>
      )}
      {pv.channel === "sms" && pv.text !== undefined && pv.sms && (
        <>
          <div class="preview-meta">
            <div>
              <span class="k">To</span> <span>{pv.to ?? "—"}</span>
            </div>
          </div>
          <div class="sms-bubble">{pv.text}</div>
          <SmsCounter info={pv.sms} id="sms-counter" />
          {pv.optOutAdded && (
            <p class="muted">
              <small>“{pv.optOutAdded}” is added to marketing texts that do not mention STOP, and counted above.</small>
            </p>
          )}
        </>
      )}
      {pv.channel === "voice" && pv.text !== undefined && (
        <>
          <div class="preview-meta">
            <div>
              <span class="k">Call</span> <span>{pv.to ?? "—"}</span>
            </div>
          </div>
          <blockquote class="voice-script">{pv.text}</blockquote>
          <p class="muted">
            <small>Read out by text-to-speech; the call offers “press 9 to stop calls”.</small>
          </p>
        </>
      )}
      {oob && (
        <>
          {pv.channel === "email" && <LiveError name="subject" errors={pv.errors} oob />}
          <LiveError name="body" errors={pv.errors} oob />
        </>
      )}
    </>
  );
}

const TIME_LABELS = { morning: "Morning (09:00)", evening: "Evening (18:00)" } as const;

/** The editor form; the fragment re-rendered when the trigger or channel changes or a template is used. */
export function NotificationForm(p: EditorProps) {
  const v = p.values;
  const e = p.errors;
  const trigger: Trigger = isTrigger(v.trigger) ? v.trigger : "job_selling";
  const info = TRIGGER_INFO[trigger];
  const channel = (v.channel ?? "email") as Channel;
  const base = `/profiles/${p.profile.id}/notifications`;
  const action = p.notification ? `${base}/${p.notification.id}` : base;
  const formUrl = `${base}/form`;
  const unit = info.unit === "hours" && v.offset_unit === "days" ? "days" : info.unit;
  const appointment = trigger.startsWith("appointment_");
  const rerender = {
    "hx-post": formUrl,
    "hx-trigger": "change",
    "hx-target": "#notification-form",
    "hx-swap": "outerHTML",
  };
  const audienceOptions: string[] = [...info.audiences];
  if (v.audience && !audienceOptions.includes(v.audience)) audienceOptions.push(v.audience);
  const channelOptions: string[] = [...info.channels];
  if (v.channel && !channelOptions.includes(v.channel)) channelOptions.push(v.channel);
  const possible: readonly string[] = info.audiences;
  const audienceLabel = (a: string) =>
    appointment && a === "all"
      ? "The appointment's customer"
      : `${AUDIENCE_LABELS[a as keyof typeof AUDIENCE_LABELS] ?? a}${possible.includes(a) ? "" : " (not possible here)"}`;
  const bodyLabel = channel === "email" ? "Message" : channel === "sms" ? "Text message" : "Call script";
  const timeMode = v.time_mode ?? "immediately";

  return (
    <form id="notification-form" method="post" action={action} novalidate>
      <Csrf token={p.csrf} />
      {/* What the form shows now, so a re-render can tell whether the text was still a template's. */}
      <input type="hidden" name="shown_trigger" value={trigger} />
      <input type="hidden" name="shown_channel" value={channel} />
      {p.notification && <input type="hidden" name="notification_id" value={String(p.notification.id)} />}
      {!p.notification && v.after && <input type="hidden" name="after" value={v.after} />}
      {p.notice && (
        <p class="flash info" role="status">
          {p.notice.text} <a href={p.notice.href}>Edit that SMS</a>
        </p>
      )}
      <FormErrors errors={e} />
      <div class="editor-grid">
        <div>
          <div class="field">
            <label for="f-trigger">Trigger</label>
            <select id="f-trigger" name="trigger" aria-describedby="trigger-hint" {...rerender}>
              {TRIGGERS.map((t) => (
                <option value={t} selected={t === trigger}>
                  {TRIGGER_INFO[t].label}
                </option>
              ))}
            </select>
            <FieldMessages name="trigger" errors={e} />
          </div>

          <fieldset class="group">
            <legend>When</legend>
            <div class="offset-row">
              <input
                id="f-offset"
                type="number"
                name="offset"
                min="0"
                max={unit === "hours" ? "720" : "365"}
                value={v.offset ?? "0"}
                aria-label="Offset"
                aria-invalid={e.offset ? "true" : undefined}
                aria-describedby={e.offset ? "offset-error" : undefined}
              />
              {info.unit === "hours" ? (
                <select name="offset_unit" aria-label="Unit">
                  <option value="hours" selected={unit === "hours"}>
                    hours
                  </option>
                  <option value="days" selected={unit === "days"}>
                    days
                  </option>
                </select>
              ) : (
                <span>days</span>
              )}
              {info.direction === "either" ? (
                <>
                  <select name="offset_direction" aria-label="Before or after">
                    <option value="before" selected={v.offset_direction === "before"}>
                      before
                    </option>
                    <option value="after" selected={v.offset_direction !== "before"}>
                      after
                    </option>
                  </select>
                  <span>the picture day</span>
                </>
              ) : (
                <span>{offsetWords(trigger, unit).replace(/^(days|hours) /, "")}</span>
              )}
            </div>
            <FieldMessages name="offset" errors={e} />
            <div class="time-modes" role="radiogroup" aria-label="Time of day">
              {info.anchor !== "job_date" && (
                <label>
                  <input type="radio" name="time_mode" value="immediately" checked={timeMode === "immediately"} />
                  {info.unit === "hours" ? "Exactly then" : "Immediately"}
                </label>
              )}
              {(["morning", "evening"] as const).map((m) => (
                <label>
                  <input type="radio" name="time_mode" value={m} checked={timeMode === m} />
                  {TIME_LABELS[m]}
                </label>
              ))}
              <label>
                <input type="radio" name="time_mode" value="exact" checked={timeMode === "exact"} />
                At
                <input
                  type="time"
                  name="time_exact"
                  value={v.time_exact ?? ""}
                  aria-label="Exact time"
                  data-checks="time_mode=exact"
                  aria-invalid={e.time_exact ? "true" : undefined}
                  aria-describedby={e.time_exact ? "time_exact-error" : undefined}
                />
              </label>
            </div>
            <FieldMessages name="time_mode" errors={e} />
            <FieldMessages
              name="time_exact"
              errors={e}
              hint={
                info.unit === "hours"
                  ? "A time of day applies when counting in days; hours count exactly from the appointment."
                  : info.anchor === "job_date"
                    ? "In the job's time zone."
                    : "“Immediately” sends as soon as it happens, within the sending window; with days, at the same time of day."
              }
            />
          </fieldset>

          <div class="grid-2">
            <div class="field">
              <label for="f-audience">Who gets it</label>
              <select
                id="f-audience"
                name="audience"
                aria-invalid={e.audience ? "true" : undefined}
                aria-describedby={e.audience ? "audience-error" : info.audienceNote ? "audience-hint" : undefined}
              >
                {audienceOptions.map((a) => (
                  <option value={a} selected={a === (v.audience ?? info.audiences[0])}>
                    {audienceLabel(a)}
                  </option>
                ))}
              </select>
              <FieldMessages name="audience" errors={e} hint={info.audienceNote} />
            </div>
            {appointment ? (
              <input type="hidden" name="condition" value="any" />
            ) : (
              <div class="field">
                <label for="f-condition">Condition</label>
                <select id="f-condition" name="condition">
                  {Object.entries(CONDITION_LABELS).map(([c, label]) => (
                    <option value={c} selected={c === (v.condition ?? "any")}>
                      {label}
                    </option>
                  ))}
                </select>
                <FieldMessages name="condition" errors={e} />
              </div>
            )}
          </div>

          <div class="field">
            <label for="f-channel">Channel</label>
            <select id="f-channel" name="channel" aria-invalid={e.channel ? "true" : undefined} {...rerender}>
              {channelOptions.map((ch) => (
                <option value={ch} selected={ch === channel}>
                  {CHANNEL_LABELS[ch as Channel] ?? ch}
                  {info.channels.includes(ch as Channel) ? "" : " (not possible here)"}
                </option>
              ))}
            </select>
            <FieldMessages
              name="channel"
              errors={e}
              hint={
                appointment
                  ? undefined
                  : "Voice calls are for appointment triggers. Add a second notification to send both an e-mail and an SMS."
              }
            />
          </div>
          <noscript>
            <button type="submit" formaction={formUrl} class="secondary outline">
              Update the form for this trigger and channel
            </button>
          </noscript>

          <div class="field">
            <label for="f-template_id">Start from a template</label>
            {p.templates.length === 0 ? (
              <small>No templates for this trigger and channel yet.</small>
            ) : (
              <div class="template-row">
                <select id="f-template_id" name="template_id">
                  {p.templates.map((t) => (
                    <option value={String(t.id)} selected={v.template_id === String(t.id)}>
                      {t.name}
                      {t.builtIn ? "" : " (yours)"}
                    </option>
                  ))}
                </select>
                <UseTemplateButton formUrl={formUrl} form="#notification-form" />
              </div>
            )}
            <FieldMessages
              name="template_id"
              errors={e}
              hint={
                p.templates.length
                  ? `Replaces the ${channel === "email" ? "subject and message" : "text"} below.`
                  : undefined
              }
            />
          </div>

          {channel === "email" && (
            <div class="field">
              <label for="f-subject">Subject</label>
              <input
                id="f-subject"
                type="text"
                name="subject"
                value={v.subject ?? ""}
                maxlength={MAX_SUBJECT}
                data-placeholder-target
                aria-invalid={e.subject ? "true" : undefined}
                aria-describedby={e.subject ? "subject-error" : undefined}
              />
              <LiveError name="subject" errors={e} />
            </div>
          )}
          {channel === "email" && (
            <div class="field">
              <label for="f-preheader">Preview line (optional)</label>
              <input
                id="f-preheader"
                type="text"
                name="preheader"
                value={v.preheader ?? ""}
                maxlength={MAX_PREHEADER}
                data-placeholder-target
                aria-invalid={e.preheader ? "true" : undefined}
                aria-describedby={e.preheader ? "preheader-error" : "preheader-hint"}
              />
              <FieldMessages
                name="preheader"
                errors={e}
                hint={`The line inboxes show after the subject; empty: the message's first line. At most ${MAX_PREHEADER} characters.`}
              />
            </div>
          )}
          <div class="field">
            <label for="f-body">{bodyLabel}</label>
            <textarea
              id="f-body"
              name="body"
              rows={channel === "email" ? 14 : 5}
              // The longest any channel takes (e-mail's): the per-channel limit is the server's to explain.
              maxlength={MAX_BODY.email}
              data-placeholder-target
              aria-invalid={e.body ? "true" : undefined}
              aria-describedby={e.body ? "body-error" : "body-hint"}
            >
              {v.body ?? ""}
            </textarea>
            {channel === "email" && <ImageButton target="f-body" />}
            <LiveError name="body" errors={e} />
            {!e.body && (
              <small id="body-hint">
                {channel === "email"
                  ? "Markdown: **bold**, [link text](url), a blank line between paragraphs."
                  : channel === "sms"
                    ? "Keep it under 150 characters; the counter in the preview shows what it costs."
                    : "Written as it should be spoken."}
              </small>
            )}
          </div>

          {p.files && (
            <ComposeFiles
              state={{ values: {}, lists: p.files.chosen }}
              errors={e}
              choices={p.files.choices}
              channels={[
                channel,
                ...(channel !== "email" && p.files.chosen.attachment_ids?.length ? ["email"] : []),
                ...(channel !== "sms" && p.files.chosen.media_ids?.length ? ["sms"] : []),
              ]}
            />
          )}
          <PlaceholderPicker
            summary={`Placeholders for ${CONTEXT_LABELS[contextForTrigger(trigger)]}`}
            placeholders={p.placeholders}
            examples
          />

          <label>
            <input type="checkbox" name="active" role="switch" checked={["on", "true", "1"].includes(v.active ?? "")} />
            Active: send this notification
          </label>

          <div class="status-buttons form-buttons">
            <button type="submit">{p.notification ? "Save notification" : "Add notification"}</button>
            <a role="button" class="secondary outline" href={`/profiles/${p.profile.id}`}>
              Cancel
            </a>
          </div>
        </div>

        <aside class="editor-preview" aria-label="Preview">
          <article>
            <header>
              <strong>Preview</strong>
            </header>
            <div
              id="notification-preview"
              hx-post={`${base}/preview`}
              hx-trigger="input delay:400ms from:'closest form', change from:'closest form'"
              hx-swap="innerHTML"
            >
              <NotificationPreview preview={p.preview} />
            </div>
          </article>
        </aside>
      </div>
    </form>
  );
}

export function NotificationEditorPage(p: EditorProps) {
  const title = p.notification ? "Edit notification" : "Add notification";
  return (
    <Page
      title={`${title} · ${p.profile.name}`}
      user={p.user}
      csrf={p.csrf}
      section="communication"
      stylesheets={["profiles.css"]}
    >
      <p>
        <a href={`/profiles/${p.profile.id}`}>← {p.profile.name}</a>
      </p>
      <PageHead title={title} />
      <NotificationForm {...p} />
    </Page>
  );
}
