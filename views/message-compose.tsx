/** @jsxImportSource hono/jsx */
// The compose page (SPEC O1–O5): the message, its recipients with their live count, the
// preview with a test to oneself, and when to send. The form is also the fragment re-rendered
// when a template is used; the album choice follows the chosen jobs out of band.
import type { FC } from "hono/jsx";
import { MESSAGE_MAX } from "../src/core/message-input.ts";
import { CALL_LANGUAGES, CALL_VOICES } from "../src/core/call-voices.ts";
import { MAX_AUDIO_BYTES } from "../src/core/file-types.ts";
import type { FileInfo } from "../src/db/files.ts";
import { CHANNEL_LABELS, jobLabel } from "../src/core/labels.ts";
import type { Placeholder } from "../src/core/placeholders.ts";
import { AUDIENCE_LABELS, CONDITION_LABELS } from "../src/core/triggers.ts";
import type { Flash } from "../src/core/form-state.ts";
import type { ComposeState, CountData, PreviewData, TestResult } from "../src/core/message-pages.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { JobChoice } from "../src/db/jobs.ts";
import type { Message } from "../src/db/messages.ts";
import type { Template } from "../src/db/profiles.ts";
import { APPOINTMENT_STATUSES, CHANNELS, JOB_STATUSES, JOB_TYPES } from "../src/core/vocabulary.ts";
import { Csrf, FieldMessages, FormErrors, Select, UseTemplateButton } from "./form.tsx";
import { SaveAsTemplateButton } from "./save-as-template.tsx";
import { Page, PageHead } from "./layout.tsx";
import { MessagePreview, TestSendResult } from "./message-preview.tsx";
import { PreheaderField, SmsTextField } from "./compose-texts.tsx";
import { PlaceholderPicker } from "./placeholder-picker.tsx";
import { ImageButton } from "./image-picker.tsx";
import { RecipientCount } from "./message-recipients.tsx";
import { MessageStatusBadge } from "./messages.tsx";
import type { Common } from "./layout.tsx";
import { AppointmentStatusBadge } from "./appointments.tsx";
import type { AppointmentStatus } from "../src/core/appointment-list.ts";
import { ComposeFiles } from "./compose-files.tsx";
import type { FileChoice } from "../src/db/attachment-files.ts";

export type ComposeChoices = {
  jobs: JobChoice[];
  years: number[];
  albums: { id: number; jobId: number; name: string }[];
  /** The job a message from a job's page is limited to. */
  fixedJob: { id: number; name: string } | null;
  /** The appointments a message from the appointments list goes to. */
  appointments: { id: number; label: string; status: AppointmentStatus }[];
  /** The customers a message from a customer's page goes to. */
  customers: { id: number; label: string }[];
};

export type ComposeProps = Common & {
  message?: Message;
  state: ComposeState;
  errors: FieldErrors;
  choices: ComposeChoices;
  templates: Template[];
  placeholders: Placeholder[];
  count: CountData;
  preview: PreviewData;
  timeZone: string;
  /** The recording attached to the call, if any. */
  audio?: FileInfo | null;
  /** The name of a recording the saved draft had, deleted since. */
  audioGone?: string | null;
  /** PDFs and images to attach or send as MMS pictures. */
  fileChoices?: FileChoice[];
  testResult?: TestResult | null;
  flash?: Flash;
};

const on = (v: string | undefined) => ["on", "true", "1", "yes"].includes(v ?? "");
const ariaError = (name: string, errors: FieldErrors, hint?: boolean) => ({
  "aria-invalid": errors[name] ? ("true" as const) : undefined,
  "aria-describedby": errors[name] ? `${name}-error` : hint ? `${name}-hint` : undefined,
});

const CheckList: FC<{
  name: string;
  options: readonly (string | [string, string])[];
  state: ComposeState;
  legend: string;
  errors: FieldErrors;
}> = (p) => {
  const chosen = new Set(p.state.lists[p.name] ?? []);
  return (
    <fieldset class="checks">
      <legend>{p.legend}</legend>
      {p.options.map((o) => {
        const [value, label] = typeof o === "string" ? [o, o] : o;
        return (
          <label>
            <input type="checkbox" name={p.name} value={value} checked={chosen.has(value)} />
            {label}
          </label>
        );
      })}
      <FieldMessages name={p.name} errors={p.errors} />
    </fieldset>
  );
};

/** The album choice, re-rendered out of band when the chosen jobs change. */
export function AlbumFilter({
  albums,
  state,
  errors,
  jobsChosen,
  oob,
}: {
  albums: ComposeChoices["albums"];
  state: ComposeState;
  errors: FieldErrors;
  jobsChosen: boolean;
  oob?: boolean;
}) {
  const chosen = new Set(state.lists["filters.album_ids"] ?? []);
  const multipleJobs = new Set(albums.map((a) => a.jobId)).size > 1;
  return (
    <div class="field" id="album-filter" hx-swap-oob={oob ? "true" : undefined}>
      <label for="f-filters.album_ids">Albums</label>
      {albums.length === 0 ? (
        <small id="filters.album_ids-hint">
          {jobsChosen ? "The chosen jobs have no albums." : "Choose a job to pick among its albums (classes, teams)."}
        </small>
      ) : (
        <select
          id="f-filters.album_ids"
          name="filters.album_ids"
          multiple
          size={Math.min(6, albums.length)}
          {...ariaError("filters.album_ids", errors)}
        >
          {albums.map((a) => (
            <option value={String(a.id)} selected={chosen.has(String(a.id))}>
              {a.name}
              {multipleJobs ? ` (job #${a.jobId})` : ""}
            </option>
          ))}
        </select>
      )}
      <FieldMessages
        name="filters.album_ids"
        errors={errors}
        hint={albums.length ? "None chosen: every album. Ctrl/⌘-click picks several." : undefined}
      />
    </div>
  );
}

function RecipientFilters({ p }: { p: ComposeProps }) {
  const { state, errors, choices } = p;
  const v = state.values;
  const jobsChosen = new Set(state.lists["filters.job_ids"] ?? []);
  return (
    <div class="filter-grid audience-input">
      {choices.fixedJob ? (
        <div class="field">
          <span class="label">Job</span>
          <p class="fixed-job">
            <strong>{choices.fixedJob.name}</strong>{" "}
            <small class="muted">Started from this job's page, so only its customers.</small>
          </p>
          <input type="hidden" name="filters.job_ids" value={String(choices.fixedJob.id)} />
        </div>
      ) : (
        <div class="field">
          <label for="f-filters.job_ids">Jobs</label>
          <select
            id="f-filters.job_ids"
            name="filters.job_ids"
            multiple
            size={Math.min(6, Math.max(2, choices.jobs.length))}
            {...ariaError("filters.job_ids", errors, true)}
          >
            {choices.jobs.map((j) => (
              <option value={String(j.id)} selected={jobsChosen.has(String(j.id))}>
                {jobLabel(j)}
              </option>
            ))}
          </select>
          <FieldMessages
            name="filters.job_ids"
            errors={errors}
            hint="None chosen: customers of every job (or all customers). Ctrl/⌘-click picks several."
          />
        </div>
      )}
      <AlbumFilter
        albums={choices.albums}
        state={state}
        errors={errors}
        jobsChosen={jobsChosen.size > 0 || !!choices.fixedJob}
      />
      {/* A blank choice reads as the default, as the filters do. */}
      <Select
        name="filters.audience"
        label="Audience"
        values={{ "filters.audience": v["filters.audience"] || "all" }}
        errors={errors}
        options={Object.entries(AUDIENCE_LABELS)}
      />
      <Select
        name="filters.condition"
        label="Photos"
        values={{ "filters.condition": v["filters.condition"] || "any" }}
        errors={errors}
        options={Object.entries(CONDITION_LABELS)}
      />
      {!choices.fixedJob && (
        <>
          <CheckList
            name="filters.job_statuses"
            legend="Job status"
            options={JOB_STATUSES.map((s) => [s, s[0]!.toUpperCase() + s.slice(1)])}
            state={state}
            errors={errors}
          />
          <CheckList name="filters.job_types" legend="Job type" options={JOB_TYPES} state={state} errors={errors} />
          {choices.years.length > 0 && (
            <CheckList
              name="filters.years"
              legend="Year"
              options={choices.years.map(String)}
              state={state}
              errors={errors}
            />
          )}
        </>
      )}
      {choices.customers.length > 0 && (
        <div class="chosen-customers">
          <small>To:</small>
          <ul>
            {choices.customers.map((cu) => (
              <li>
                <a href={`/customers/${cu.id}`}>{cu.label}</a>
                <input type="hidden" name="filters.customer_ids" value={String(cu.id)} />
              </li>
            ))}
          </ul>
        </div>
      )}
      <fieldset class="checks appointment-filter">
        <legend>Appointments</legend>
        {choices.appointments.length > 0 && (
          <div class="chosen-appointments">
            <small>Chosen on the appointments list:</small>
            <ul>
              {choices.appointments.map((a) => (
                <li>
                  {a.label} <AppointmentStatusBadge status={a.status} />
                  <input type="hidden" name="filters.appointment_ids" value={String(a.id)} />
                </li>
              ))}
            </ul>
          </div>
        )}
        {APPOINTMENT_STATUSES.map((s) => (
          <label>
            <input
              type="checkbox"
              name="filters.appointment_statuses"
              value={s}
              checked={(state.lists["filters.appointment_statuses"] ?? []).includes(s)}
            />
            {s.replace("_", " ")}
          </label>
        ))}
        <div class="date-range">
          <label>
            From
            <input
              type="date"
              name="filters.appointment_from"
              value={v["filters.appointment_from"] ?? ""}
              {...ariaError("filters.appointment_from", errors)}
            />
          </label>
          <label>
            to
            <input
              type="date"
              name="filters.appointment_to"
              value={v["filters.appointment_to"] ?? ""}
              {...ariaError("filters.appointment_to", errors)}
            />
          </label>
        </div>
        <FieldMessages name="filters.appointment_from" errors={errors} />
        <FieldMessages
          name="filters.appointment_to"
          errors={errors}
          hint={`Days in ${p.timeZone}. Leave all empty to ignore appointments.`}
        />
        <FieldMessages name="filters.appointment_ids" errors={errors} />
        <FieldMessages name="filters.appointment_statuses" errors={errors} />
      </fieldset>
    </div>
  );
}

const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/**
 * The call's recording: the one attached (a player, its name, Remove), and the file field that
 * uploads one or replaces it. "Upload" re-renders the form with it attached; saving uploads it too.
 */
function CallAudio({ p }: { p: ComposeProps }) {
  const { errors } = p;
  const a = p.audio;
  return (
    <div class="field only-voice call-audio">
      <label for="f-voice_audio">Recorded audio</label>
      {a && (
        <div class="audio-attached">
          <input type="hidden" name="voice_audio_id" value={String(a.id)} />
          <audio controls preload="none" src={`/media/${a.storedName}`}></audio>
          <span>
            <strong>{a.originalName}</strong> · {size(a.sizeBytes)}
          </span>
          <button type="submit" name="remove_audio" value="1" formaction="/messages/form" class="secondary outline">
            Remove the recording
          </button>
        </div>
      )}
      {p.audioGone && !a && (
        <p class="flash bad" role="alert">
          The recording “{p.audioGone}” was deleted. Upload it again, or save to send the script instead.
        </p>
      )}
      <div class="template-row">
        <input
          id="f-voice_audio"
          type="file"
          name="voice_audio"
          accept=".mp3,.wav,audio/mpeg,audio/wav"
          data-max-bytes={String(MAX_AUDIO_BYTES)}
          {...ariaError("voice_audio", errors, true)}
        />
        <button type="submit" formaction="/messages/form" formenctype="multipart/form-data" class="secondary">
          {a ? "Replace" : "Upload"}
        </button>
      </div>
      <FieldMessages
        name="voice_audio"
        errors={errors}
        hint={`An MP3 or WAV file of at most ${MAX_AUDIO_BYTES / (1024 * 1024)} MB. A call with a recording plays it instead of reading the script, then offers “Press 9 to stop these calls”.`}
      />
    </div>
  );
}

/** The compose form; the fragment re-rendered when a template is used. */
export function MessageForm(p: ComposeProps) {
  const { state, errors } = p;
  const v = state.values;
  const channels = new Set(state.lists.channels ?? []);
  const single = v.mode === "address";
  const action = p.message ? `/messages/${p.message.id}` : "/messages";
  const formUrl = "/messages/form";
  const sendLater = v.send_mode === "later";
  return (
    <form id="message-form" method="post" action={action} novalidate class="message-form">
      <Csrf token={p.csrf} />
      {/* Enter in a text field saves the draft, not whichever button comes first. */}
      <button
        type="submit"
        name="intent"
        value="save"
        formenctype="multipart/form-data"
        class="default-submit"
        tabindex={-1}
        aria-hidden="true"
      >
        Save draft
      </button>
      {p.message && <input type="hidden" name="message_id" value={String(p.message.id)} />}
      <input type="hidden" name="mode" value={single ? "address" : "filters"} />
      {v.job_id && <input type="hidden" name="job_id" value={v.job_id} />}
      <FormErrors errors={errors} />
      {/* The job is a hidden field (the page it was started from): its problem has no field to sit beside. */}
      {errors.job_id && (
        <p>
          Job:{" "}
          <small class="error" role="alert" id="job_id-error">
            {errors.job_id}
          </small>
        </p>
      )}

      <section class="step">
        <h2>1. Message</h2>
        <div class="field">
          <label for="f-name">Internal name</label>
          <input
            id="f-name"
            type="text"
            name="name"
            value={v.name ?? ""}
            maxlength={MESSAGE_MAX.name}
            placeholder="Spring sale 2027"
            {...ariaError("name", errors, true)}
          />
          <FieldMessages name="name" errors={errors} hint="Only staff see it: in this list, the outbox and reports." />
        </div>
        <fieldset class="checks channels audience-input">
          <legend>Send by</legend>
          {CHANNELS.map((ch) => (
            <label>
              <input
                type="checkbox"
                name="channels"
                value={ch}
                checked={channels.has(ch)}
                {...ariaError("channels", errors)}
              />
              {CHANNEL_LABELS[ch]}
            </label>
          ))}
          <FieldMessages name="channels" errors={errors} />
          <label class="only-sms-voice">
            <input
              type="checkbox"
              name="call_only_if_no_sms"
              checked={on(v.call_only_if_no_sms)}
              {...ariaError("call_only_if_no_sms", errors)}
            />
            Call only if the number cannot receive SMS
          </label>
          <FieldMessages name="call_only_if_no_sms" errors={errors} />
        </fieldset>

        {p.templates.length > 0 && (
          <div class="field">
            <label for="f-template_id">Start from a template</label>
            <div class="template-row">
              <select id="f-template_id" name="template_id">
                {CHANNELS.map((ch) => {
                  const ts = p.templates.filter((t) => t.channel === ch);
                  return ts.length ? (
                    <optgroup label={CHANNEL_LABELS[ch]}>
                      {ts.map((t) => (
                        <option value={String(t.id)} selected={v.template_id === String(t.id)}>
                          {t.name}
                          {t.builtIn ? "" : " (yours)"}
                        </option>
                      ))}
                    </optgroup>
                  ) : null;
                })}
              </select>
              <UseTemplateButton formUrl={formUrl} form="#message-form" />
            </div>
            <small>
              An e-mail template replaces the subject and message, an SMS template the SMS text, a voice template the
              call script.
            </small>
          </div>
        )}

        <div class="field only-email">
          <label for="f-subject">Subject</label>
          <input
            id="f-subject"
            type="text"
            name="subject"
            value={v.subject ?? ""}
            maxlength={MESSAGE_MAX.subject}
            class="audience-input"
            data-placeholder-target
            {...ariaError("subject", errors)}
          />
          <FieldMessages name="subject" errors={errors} />
        </div>
        <PreheaderField values={v} errors={errors} />
        <div class="field only-email">
          <label for="f-body">E-mail message</label>
          <textarea
            id="f-body"
            name="body"
            rows={10}
            maxlength={MESSAGE_MAX.body}
            class="audience-input"
            data-placeholder-target
            {...ariaError("body", errors, true)}
          >
            {v.body ?? ""}
          </textarea>
          <FieldMessages
            name="body"
            errors={errors}
            hint="The e-mail's text in Markdown (**bold**, [link text](url), a blank line between paragraphs)."
          />
          <ImageButton target="f-body" />
        </div>
        <SmsTextField values={v} errors={errors} preview={p.preview} />
        <PlaceholderPicker summary="Placeholders" placeholders={p.placeholders}>
          Job and album values come from the job the message is about; a message to several jobs gives each recipient
          their own, and a message to appointments the appointment's. A placeholder without a fallback is required:
          whoever has no value for it is left out, and counted so.
        </PlaceholderPicker>
        <div class="field only-voice">
          <label for="f-voice_script">Call script</label>
          <textarea
            id="f-voice_script"
            name="voice_script"
            rows={4}
            maxlength={MESSAGE_MAX.voice_script}
            class="audience-input"
            data-placeholder-target
            {...ariaError("voice_script", errors, true)}
          >
            {v.voice_script ?? ""}
          </textarea>
          <FieldMessages
            name="voice_script"
            errors={errors}
            hint="What the call says, written as it should be spoken. A call needs a script or a recording."
          />
        </div>
        <ComposeFiles state={state} errors={errors} choices={p.fileChoices ?? []} uploadUrl="/messages/form" />
        <CallAudio p={p} />
        <div class="field only-voice voice-choice">
          <label>
            Voice
            <select name="voice_name" {...ariaError("voice_name", errors)}>
              {CALL_VOICES.map((o) => (
                <option value={o.id} selected={(v.voice_name ?? "") === o.id}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Language
            <select name="voice_language" {...ariaError("voice_language", errors)}>
              {CALL_LANGUAGES.map((o) => (
                <option value={o.id} selected={(v.voice_language ?? "") === o.id}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <FieldMessages name="voice_name" errors={errors} />
          <FieldMessages
            name="voice_language"
            errors={errors}
            hint="For the script read out by text-to-speech. A named voice speaks its own language; the standard voice speaks the language chosen, or each customer's."
          />
        </div>
      </section>

      <section class="step">
        <h2>2. Recipients</h2>
        {single ? (
          <div class="field">
            <label for="f-to_address">Send to</label>
            <input
              id="f-to_address"
              type="text"
              name="to_address"
              value={v.to_address ?? ""}
              maxlength={MESSAGE_MAX.to_address}
              placeholder="name@example.com or +1 555 201 0001"
              {...ariaError("to_address", errors, true)}
            />
            <FieldMessages
              name="to_address"
              errors={errors}
              hint="One e-mail address (for an e-mail) or phone number (for an SMS or call)."
            />
            <small>
              <a href="/messages/new">Choose recipients by job and filters instead</a>
            </small>
          </div>
        ) : (
          <div class="recipients-grid">
            <RecipientFilters p={p} />
            <div class="count-panel" role="region" aria-label="Who will receive it">
              {errors.recipients && (
                <small class="error" id="recipients-error" role="alert">
                  {errors.recipients}
                </small>
              )}
              {/* Only a change of channel, filter or text (its placeholders decide who has every value; a text
                  field changes when it loses focus) counts again, so open lists stay open while the preview changes. */}
              <div
                hx-post="/messages/count"
                hx-trigger="change delay:300ms from:.audience-input"
                hx-target="#recipient-count"
                hx-swap="outerHTML"
                hx-sync="this:replace"
              >
                <RecipientCount count={p.count} />
              </div>
              <noscript>
                <button type="submit" formaction={formUrl} class="secondary outline">
                  Count again
                </button>
              </noscript>
            </div>
          </div>
        )}
      </section>

      <section class="step">
        <h2>3. Preview</h2>
        <div class="preview-controls">
          <div class="field">
            <label for="f-preview_q">Find a recipient</label>
            <input
              id="f-preview_q"
              type="search"
              name="preview_q"
              value={v.preview_q ?? ""}
              placeholder="Name or e-mail"
            />
          </div>
        </div>
        {/* hx-sync replace: a newer change aborts the preview in flight. Queued, the older answer
            would reset the recipient select and the newer request would then read the old value. */}
        <div
          id="message-preview"
          hx-post="/messages/preview"
          hx-trigger="input delay:500ms from:'closest form', change delay:300ms from:'closest form'"
          hx-swap="innerHTML"
          hx-sync="this:replace"
        >
          <MessagePreview preview={p.preview} />
        </div>
        <noscript>
          <button type="submit" formaction={formUrl} class="secondary outline">
            Update the preview
          </button>
        </noscript>
        <fieldset class="test-send">
          <legend>Send a test to yourself</legend>
          <div class="test-row">
            <button
              type="submit"
              name="test_channel"
              value="email"
              formaction="/messages/test"
              class="secondary"
              hx-post="/messages/test"
              hx-vals={JSON.stringify({ test_channel: "email" })}
              hx-target="#test-result"
              hx-swap="innerHTML"
            >
              E-mail it to {p.user.email}
            </button>
          </div>
          <div class="test-row">
            <input
              type="tel"
              name="test_phone"
              value={v.test_phone ?? ""}
              placeholder="+1 555 201 0001"
              aria-label="Your mobile number"
              {...ariaError("test_phone", errors)}
            />
            <button
              type="submit"
              name="test_channel"
              value="sms"
              formaction="/messages/test"
              class="secondary"
              hx-post="/messages/test"
              hx-vals={JSON.stringify({ test_channel: "sms" })}
              hx-target="#test-result"
              hx-swap="innerHTML"
            >
              Text it to this number
            </button>
          </div>
          <FieldMessages
            name="test_phone"
            errors={errors}
            hint="The test shows the chosen recipient's data; its links lead nowhere, so nothing happens to their account."
          />
          <div id="test-result" aria-live="polite">
            <TestSendResult result={p.testResult} />
          </div>
        </fieldset>
      </section>

      <section class="step">
        <h2>4. When</h2>
        <div class="send-modes" role="radiogroup" aria-label="When to send">
          <label>
            <input type="radio" name="send_mode" value="now" checked={!sendLater} /> Send now, as soon as you confirm
          </label>
          <label>
            <input type="radio" name="send_mode" value="later" checked={sendLater} /> At
            <input
              type="datetime-local"
              name="send_at_local"
              value={v.send_at_local ?? ""}
              aria-label="Date and time"
              data-checks="send_mode=later"
              {...ariaError("send_at_local", errors, true)}
            />
          </label>
        </div>
        <FieldMessages
          name="send_at_local"
          errors={errors}
          hint={`In the studio's time zone, ${p.timeZone}. Saving schedules nothing: Send arms it.`}
        />
        {p.message?.status === "scheduled" && (
          <p class="flash info">
            This message is scheduled. Saving a change returns it to draft; then send it again to arm it.
          </p>
        )}
        <div class="status-buttons form-buttons">
          <button type="submit" name="intent" value="save" formenctype="multipart/form-data" class="secondary">
            Save draft
          </button>
          <button type="submit" name="intent" value="send" formenctype="multipart/form-data">
            Save and review sending…
          </button>
          <a role="button" class="secondary outline" href={p.message ? `/messages/${p.message.id}` : "/messages"}>
            {p.message ? "Back" : "Cancel"}
          </a>
        </div>
      </section>
    </form>
  );
}

export function ComposePage(p: ComposeProps) {
  const title = p.message
    ? `Edit “${p.message.name}”`
    : p.state.values.mode === "address"
      ? "Message to one address"
      : "New message";
  return (
    <Page title={title} user={p.user} csrf={p.csrf} section="messages" flash={p.flash}>
      <p>
        <a href={p.choices.fixedJob ? `/jobs/${p.choices.fixedJob.id}` : "/messages"}>
          ← {p.choices.fixedJob ? p.choices.fixedJob.name : "Messages"}
        </a>
      </p>
      <PageHead title={title}>
        {p.message && <MessageStatusBadge status={p.message.status} />}
        {p.message && <SaveAsTemplateButton messageId={p.message.id} csrf={p.csrf} />}
      </PageHead>
      <MessageForm {...p} />
    </Page>
  );
}
