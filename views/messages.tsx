/** @jsxImportSource hono/jsx */
// One-time messages (SPEC O1–O7): the list, the compose page (message, recipients with their
// live count, preview with real data, schedule), the send confirmation, the live progress and
// the report. The pages and the fragments htmx re-renders (count, excluded names, preview,
// progress, a test's result) live together here.
import { raw } from "hono/html";
import type { FC } from "hono/jsx";
import { CHANNEL_LABELS } from "../src/core/notification-input.ts";
import type { Placeholder } from "../src/core/placeholders.ts";
import { SKIP_REASON_LABELS, type SkipReason } from "../src/core/recipients.ts";
import type { SmsInfo } from "../src/core/sms-text.ts";
import { AUDIENCE_LABELS, CONDITION_LABELS } from "../src/core/triggers.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { JobChoice } from "../src/db/jobs.ts";
import type { Message } from "../src/db/messages.ts";
import type { Template } from "../src/db/profiles.ts";
import { APPOINTMENT_STATUSES, type Channel, CHANNELS, JOB_STATUSES, JOB_TYPES, type User } from "../src/db/schema.ts";
import { STATIC_VERSION } from "../src/routes/static.ts";
import { Csrf, FieldMessages, FormErrors, UseTemplateButton, type Values } from "./form.tsx";
import { Page, PageHead } from "./layout.tsx";

type Common = { user: User; csrf: string };
export type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;
type Status = Message["status"];

const nf = (n: number) => n.toLocaleString("en");
const plural = (n: number, one: string, many = `${one}s`) => `${nf(n)} ${n === 1 ? one : many}`;

export const STATUS_LABELS: Record<Status, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  sending: "Sending",
  paused: "Paused",
  sent: "Sent",
  cancelled: "Cancelled",
};

export const MessageStatusBadge: FC<{ status: Status }> = ({ status }) => <span class={`badge message-${status}`}>{STATUS_LABELS[status]}</span>;

const channelList = (channels: readonly string[]) => channels.map((ch) => CHANNEL_LABELS[ch as Channel] ?? ch).join(" + ");

/** "by e-mail", "by SMS", "by phone call". */
const byChannel = (ch: Channel) => (ch === "email" ? "by e-mail" : ch === "sms" ? "by SMS" : "by phone call");

export const reasonLabel = (reason: string) => SKIP_REASON_LABELS[reason as SkipReason] ?? reason;

const SSE_SCRIPT = `/static/hx-sse.min.js?v=${STATIC_VERSION}`;

// htmx (deferred) starts on a timer that may run before the deferred SSE extension has loaded;
// connecting only once both have run makes sure the extension sees the element, exactly once.
const SSE_BOOT = `
document.addEventListener("DOMContentLoaded", function () {
  setTimeout(function () {
    var el = document.getElementById("progress");
    if (!el || !el.dataset.sseConnect || !window.htmx || el.hasAttribute("hx-sse:connect")) return;
    el.setAttribute("hx-sse:connect", el.dataset.sseConnect);
    htmx.process(el);
  });
});
`;

// ---------------------------------------------------------------- the list

export type MessageRow = { message: Message; who: string; recipients: number | null; when: string };

/** The messages table; also the fragment the job page's Communication section loads. */
export function MessagesTable({ rows, jobId, compact }: { rows: MessageRow[]; jobId?: number; compact?: boolean }) {
  if (rows.length === 0) {
    return (
      <div id="messages-results" class={compact ? "" : "empty"}>
        <p class={compact ? "muted" : ""}>{jobId ? "No messages to this job's customers yet." : "No messages yet."}</p>
        {!compact && (
          <p class="muted">
            Write one to customers of all jobs with <a href="/messages/new">New message</a>, start from a job's page to write to its customers, select
            appointments and press Compose, or <a href="/messages/new?mode=address">send to one address</a>.
          </p>
        )}
      </div>
    );
  }
  return (
    <div id="messages-results" class="table-wrap">
      <table class="striped messages-table">
        <thead>
          <tr>
            <th>Message</th>
            <th>Status</th>
            <th class="hide-sm">Channels</th>
            <th>Recipients</th>
            <th class="hide-sm">When</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>
                <a href={`/messages/${r.message.id}`}>{r.message.name}</a>
                {r.message.subject && <small class="muted block">{r.message.subject}</small>}
              </td>
              <td>
                <MessageStatusBadge status={r.message.status} />
              </td>
              <td class="hide-sm">{channelList(r.message.channels)}</td>
              <td>{r.recipients !== null ? nf(r.recipients) : <small class="muted">{r.who}</small>}</td>
              <td class="hide-sm">
                <small>{r.when}</small>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MessagesPage(p: Common & { rows: MessageRow[]; job?: { id: number; name: string } | null; flash?: Flash }) {
  const title = p.job ? `Messages · ${p.job.name}` : "Messages";
  return (
    <Page title={title} user={p.user} csrf={p.csrf} section="messages" flash={p.flash}>
      <PageHead title={p.job ? `Messages to ${p.job.name}` : "One-time messages"}>
        <a role="button" class="secondary outline" href="/messages/new?mode=address">
          Send to one address
        </a>
        <a role="button" href={p.job ? `/messages/new?job_id=${p.job.id}` : "/messages/new"}>
          New message
        </a>
      </PageHead>
      <p class="muted">
        A one-time message goes out once, by e-mail, SMS or a phone call, to the customers you choose. Nothing is sent until you press Send and confirm
        the number of recipients.
        {p.job && (
          <>
            {" "}
            <a href="/messages">All messages</a>
          </>
        )}
      </p>
      <MessagesTable rows={p.rows} jobId={p.job?.id} />
    </Page>
  );
}

// ---------------------------------------------------------------- recipients count

export type ChannelCount = { channel: Channel; matched: number; willReceive: number; excluded: { reason: string; n: number }[] };

export type CountData = {
  /** The filters in one sentence. */
  who: string;
  channels: ChannelCount[];
  /** Customers the filters match, shown even before a channel is chosen. */
  matched?: number;
  /** The filters as JSON, for the excluded-names links. */
  filtersJson: string;
  /** Why no count could be made (a filter is invalid). */
  problem?: string;
  /** A message to one typed address. */
  single?: boolean;
};

const excludedUrl = (filtersJson: string, channel: string, reason: string, offset = 0) =>
  `/messages/excluded?${new URLSearchParams({ filters: filtersJson, channel, reason, ...(offset ? { offset: String(offset) } : {}) })}`;

/** The live count: per channel who will receive it, and each group that will not, by reason. */
export function RecipientCount({ count, oob }: { count: CountData; oob?: boolean }) {
  return (
    <div id="recipient-count" aria-live="polite" hx-swap-oob={oob ? "true" : undefined}>
      {count.problem ? (
        <p class="warn">{count.problem}</p>
      ) : (
        <>
          {!count.single && (
            <p class="who">
              <strong>{count.who}</strong>
              {count.matched !== undefined && <span class="muted"> · {plural(count.matched, "customer")} match</span>}
            </p>
          )}
          {count.channels.length === 0 && <p class="muted">Choose a channel to see who will receive it.</p>}
          {count.channels.map((ch) => (
            <div class="channel-count" data-channel={ch.channel}>
              <p class="will-receive">
                <strong>{nf(ch.willReceive)}</strong> will receive it {byChannel(ch.channel)}
              </p>
              {ch.excluded.length > 0 && (
                <ul class="excluded">
                  {ch.excluded.map((x) => {
                    const listId = `excluded-${ch.channel}-${x.reason}`;
                    const url = excludedUrl(count.filtersJson, ch.channel, x.reason);
                    // They get the SMS: not a loss, and not a list of its own.
                    if (x.reason === "sms_sent_instead") {
                      return (
                        <li class="muted">
                          <span class="n">{nf(x.n)}</span> {reasonLabel(x.reason).toLowerCase()}
                        </li>
                      );
                    }
                    return (
                      <li>
                        <details hx-get={url} hx-trigger="toggle once" hx-target={`#${listId}`} hx-swap="innerHTML">
                          <summary>
                            <span class="n">{nf(x.n)}</span> {reasonLabel(x.reason).toLowerCase()}
                          </summary>
                          <ul id={listId} class="names">
                            <li>
                              <a href={url}>Show who</a>
                            </li>
                          </ul>
                        </details>
                      </li>
                    );
                  })}
                </ul>
              )}
            </div>
          ))}
        </>
      )}
    </div>
  );
}

export type ExcludedName = { id: number; firstName: string; lastName: string; address: string | null };

/** One page of names behind an excluded count, with a "more" item that loads the next page. */
export function ExcludedNames(p: { names: ExcludedName[]; more: boolean; filtersJson: string; channel: string; reason: string; offset: number }) {
  const next = excludedUrl(p.filtersJson, p.channel, p.reason, p.offset + p.names.length);
  return (
    <>
      {p.names.map((n) => (
        <li>
          <a href={`/customers/${n.id}`}>{`${n.firstName} ${n.lastName}`.trim() || `Customer #${n.id}`}</a>
          {n.address && <small class="muted"> · {n.address}</small>}
        </li>
      ))}
      {p.names.length === 0 && p.offset === 0 && <li class="muted">Nobody any more.</li>}
      {p.more && (
        <li class="more">
          <a href={next} hx-get={next} hx-target="closest li" hx-swap="outerHTML">
            Show more
          </a>
        </li>
      )}
    </>
  );
}

export function ExcludedPage(p: Common & { reason: string; channel: string; names: ExcludedName[]; more: boolean; filtersJson: string; offset: number }) {
  return (
    <Page title="Not receiving" user={p.user} csrf={p.csrf} section="messages">
      <p>
        <a href="/messages">← Messages</a>
      </p>
      <PageHead title={`${reasonLabel(p.reason)} (${CHANNEL_LABELS[p.channel as Channel] ?? p.channel})`} />
      <ul class="names">
        <ExcludedNames {...p} />
      </ul>
    </Page>
  );
}

// ---------------------------------------------------------------- preview

export type PreviewData = {
  options: { id: number; label: string }[];
  selectedId: number | null;
  /** Whose data is shown, and how they were chosen. */
  note: string;
  /** Channels this recipient will not get, with the reason. */
  warnings: string[];
  email?: { to: string | null; subject: string; html: string };
  sms?: { to: string | null; text: string; info: SmsInfo; optOutAdded: boolean };
  voice?: { to: string | null; text: string };
  problem?: string;
};

export function MessagePreview({ preview: pv }: { preview: PreviewData }) {
  return (
    <>
      {pv.options.length > 0 && (
        <div class="field">
          <label for="f-preview_customer_id">Show it as</label>
          <select id="f-preview_customer_id" name="preview_customer_id">
            {pv.options.map((o) => (
              <option value={String(o.id)} selected={o.id === pv.selectedId}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <p class="muted preview-note">
        <small>{pv.note}</small>
      </p>
      {pv.warnings.map((w) => (
        <p class="warn">
          <small>{w}</small>
        </p>
      ))}
      {pv.problem && <p class="warn">{pv.problem}</p>}
      {pv.email && (
        <div class="email-preview">
          <div class="preview-meta">
            <div>
              <span class="k">To</span> <span>{pv.email.to ?? "—"}</span>
            </div>
            <div>
              <span class="k">Subject</span> <strong class="preview-subject">{pv.email.subject || "—"}</strong>
            </div>
          </div>
          <div class="frames">
            <figure class="frame desktop">
              <iframe class="email-frame" title="E-mail preview, desktop width" sandbox="" srcdoc={pv.email.html}></iframe>
              <figcaption>Desktop</figcaption>
            </figure>
            <figure class="frame phone">
              <iframe class="email-frame" title="E-mail preview, phone width" sandbox="" srcdoc={pv.email.html}></iframe>
              <figcaption>Phone (375 px)</figcaption>
            </figure>
          </div>
        </div>
      )}
      {pv.sms && (
        <div class="sms-preview">
          <div class="preview-meta">
            <div>
              <span class="k">SMS to</span> <span>{pv.sms.to ?? "—"}</span>
            </div>
          </div>
          <div class="sms-bubble">{pv.sms.text}</div>
          <p class="sms-counter">
            <strong>{pv.sms.info.characters}</strong> characters · {pv.sms.info.encoding} · {plural(pv.sms.info.segments, "segment")}{" "}
            <span class="muted">({pv.sms.info.perSegment} per segment)</span>
          </p>
          {pv.sms.info.warning && <p class="warn">{pv.sms.info.warning}. Keep texts under 150 characters where you can.</p>}
          {pv.sms.info.nonGsm.length > 0 && (
            <p class="warn">
              <small>
                {pv.sms.info.nonGsm.join(" ")} {pv.sms.info.nonGsm.length === 1 ? "switches" : "switch"} the text to UCS-2 (70 characters per segment).
              </small>
            </p>
          )}
          {pv.sms.optOutAdded && (
            <p class="muted">
              <small>“Reply STOP to opt out.” is added because the text does not mention STOP; it is counted above.</small>
            </p>
          )}
        </div>
      )}
      {pv.voice && (
        <div class="voice-preview">
          <div class="preview-meta">
            <div>
              <span class="k">Call</span> <span>{pv.voice.to ?? "—"}</span>
            </div>
          </div>
          <blockquote class="voice-script">{pv.voice.text}</blockquote>
          <p class="muted">
            <small>Read out by text-to-speech; the call offers “press 9 to stop calls”.</small>
          </p>
        </div>
      )}
    </>
  );
}

export type TestResult = { ok: boolean; text: string; deliveryId?: number };

export function TestSendResult({ result }: { result: TestResult | null | undefined }) {
  if (!result) return <></>;
  return (
    <p class={`flash ${result.ok ? "ok" : "bad"}`} role={result.ok ? "status" : "alert"}>
      {result.text}
      {result.deliveryId && (
        <>
          {" "}
          <a href={`/outbox/${result.deliveryId}`}>Open it in the outbox</a>
        </>
      )}
    </p>
  );
}

// ---------------------------------------------------------------- compose

export type ComposeState = {
  /** Single-valued fields, as typed. */
  values: Values;
  /** Multi-valued fields (channels and list filters), as typed. */
  lists: Record<string, string[]>;
};

export type ComposeChoices = {
  jobs: JobChoice[];
  years: number[];
  albums: { id: number; jobId: number; name: string }[];
  /** The job a message from a job's page is limited to. */
  fixedJob: { id: number; name: string } | null;
  /** The appointments a message from the appointments list goes to. */
  appointments: { id: number; label: string }[];
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
  testResult?: TestResult | null;
  flash?: Flash;
};

const on = (v: string | undefined) => ["on", "true", "1", "yes"].includes(v ?? "");
const ariaError = (name: string, errors: FieldErrors, hint?: boolean) => ({
  "aria-invalid": errors[name] ? ("true" as const) : undefined,
  "aria-describedby": errors[name] ? `${name}-error` : hint ? `${name}-hint` : undefined,
});

const CheckList: FC<{ name: string; options: readonly (string | [string, string])[]; state: ComposeState; legend: string; errors: FieldErrors }> = (p) => {
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
export function AlbumFilter({ albums, state, errors, jobsChosen, oob }: { albums: ComposeChoices["albums"]; state: ComposeState; errors: FieldErrors; jobsChosen: boolean; oob?: boolean }) {
  const chosen = new Set(state.lists["filters.album_ids"] ?? []);
  const multipleJobs = new Set(albums.map((a) => a.jobId)).size > 1;
  return (
    <div class="field" id="album-filter" hx-swap-oob={oob ? "true" : undefined}>
      <label for="f-filters.album_ids">Albums</label>
      {albums.length === 0 ? (
        <small id="filters.album_ids-hint">{jobsChosen ? "The chosen jobs have no albums." : "Choose a job to pick among its albums (classes, teams)."}</small>
      ) : (
        <select id="f-filters.album_ids" name="filters.album_ids" multiple size={Math.min(6, albums.length)} {...ariaError("filters.album_ids", errors)}>
          {albums.map((a) => (
            <option value={String(a.id)} selected={chosen.has(String(a.id))}>
              {a.name}
              {multipleJobs ? ` (job #${a.jobId})` : ""}
            </option>
          ))}
        </select>
      )}
      <FieldMessages name="filters.album_ids" errors={errors} hint={albums.length ? "None chosen: every album. Ctrl/⌘-click picks several." : undefined} />
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
            <strong>{choices.fixedJob.name}</strong> <small class="muted">— started from this job's page, so only its customers</small>
          </p>
          <input type="hidden" name="filters.job_ids" value={String(choices.fixedJob.id)} />
        </div>
      ) : (
        <div class="field">
          <label for="f-filters.job_ids">Jobs</label>
          <select id="f-filters.job_ids" name="filters.job_ids" multiple size={Math.min(6, Math.max(2, choices.jobs.length))} {...ariaError("filters.job_ids", errors, true)}>
            {choices.jobs.map((j) => (
              <option value={String(j.id)} selected={jobsChosen.has(String(j.id))}>
                {j.name} ({j.year})
              </option>
            ))}
          </select>
          <FieldMessages name="filters.job_ids" errors={errors} hint="None chosen: customers of every job (or all customers). Ctrl/⌘-click picks several." />
        </div>
      )}
      <AlbumFilter albums={choices.albums} state={state} errors={errors} jobsChosen={jobsChosen.size > 0 || !!choices.fixedJob} />
      <div class="field">
        <label for="f-filters.audience">Audience</label>
        <select id="f-filters.audience" name="filters.audience" {...ariaError("filters.audience", errors)}>
          {Object.entries(AUDIENCE_LABELS).map(([a, label]) => (
            <option value={a} selected={(v["filters.audience"] || "all") === a}>
              {label}
            </option>
          ))}
        </select>
        <FieldMessages name="filters.audience" errors={errors} />
      </div>
      <div class="field">
        <label for="f-filters.condition">Photos</label>
        <select id="f-filters.condition" name="filters.condition" {...ariaError("filters.condition", errors)}>
          {Object.entries(CONDITION_LABELS).map(([c, label]) => (
            <option value={c} selected={(v["filters.condition"] || "any") === c}>
              {label}
            </option>
          ))}
        </select>
        <FieldMessages name="filters.condition" errors={errors} />
      </div>
      {!choices.fixedJob && (
        <>
          <CheckList name="filters.job_statuses" legend="Job status" options={JOB_STATUSES.map((s) => [s, s[0]!.toUpperCase() + s.slice(1)])} state={state} errors={errors} />
          <CheckList name="filters.job_types" legend="Job type" options={JOB_TYPES} state={state} errors={errors} />
          {choices.years.length > 0 && <CheckList name="filters.years" legend="Year" options={choices.years.map(String)} state={state} errors={errors} />}
        </>
      )}
      <fieldset class="checks appointment-filter">
        <legend>Appointments</legend>
        {choices.appointments.length > 0 && (
          <div class="chosen-appointments">
            <small>Chosen on the appointments list:</small>
            <ul>
              {choices.appointments.map((a) => (
                <li>
                  {a.label}
                  <input type="hidden" name="filters.appointment_ids" value={String(a.id)} />
                </li>
              ))}
            </ul>
          </div>
        )}
        {APPOINTMENT_STATUSES.map((s) => (
          <label>
            <input type="checkbox" name="filters.appointment_statuses" value={s} checked={(state.lists["filters.appointment_statuses"] ?? []).includes(s)} />
            {s.replace("_", " ")}
          </label>
        ))}
        <div class="date-range">
          <label>
            From
            <input type="date" name="filters.appointment_from" value={v["filters.appointment_from"] ?? ""} {...ariaError("filters.appointment_from", errors)} />
          </label>
          <label>
            to
            <input type="date" name="filters.appointment_to" value={v["filters.appointment_to"] ?? ""} {...ariaError("filters.appointment_to", errors)} />
          </label>
        </div>
        <FieldMessages name="filters.appointment_from" errors={errors} />
        <FieldMessages name="filters.appointment_to" errors={errors} hint={`Days in ${p.timeZone}. Leave all empty to ignore appointments.`} />
        <FieldMessages name="filters.appointment_ids" errors={errors} />
        <FieldMessages name="filters.appointment_statuses" errors={errors} />
      </fieldset>
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
      <button type="submit" name="intent" value="save" class="default-submit" tabindex={-1} aria-hidden="true">
        Save draft
      </button>
      {p.message && <input type="hidden" name="message_id" value={String(p.message.id)} />}
      <input type="hidden" name="mode" value={single ? "address" : "filters"} />
      {v.job_id && <input type="hidden" name="job_id" value={v.job_id} />}
      <FormErrors errors={errors} />

      <section class="step">
        <h2>1. Message</h2>
        <div class="field">
          <label for="f-name">Internal name</label>
          <input id="f-name" type="text" name="name" value={v.name ?? ""} placeholder="Spring sale 2027" {...ariaError("name", errors, true)} />
          <FieldMessages name="name" errors={errors} hint="Only staff see it: in this list, the outbox and reports." />
        </div>
        <fieldset class="checks channels audience-input">
          <legend>Send by</legend>
          {CHANNELS.map((ch) => (
            <label>
              <input type="checkbox" name="channels" value={ch} checked={channels.has(ch)} {...ariaError("channels", errors)} />
              {CHANNEL_LABELS[ch]}
            </label>
          ))}
          <FieldMessages name="channels" errors={errors} />
          <label class="only-sms-voice">
            <input type="checkbox" name="call_only_if_no_sms" checked={on(v.call_only_if_no_sms)} {...ariaError("call_only_if_no_sms", errors)} />
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
            <small>An e-mail template replaces the subject and message, an SMS template the message, a voice template the call script.</small>
          </div>
        )}

        <div class="field only-email">
          <label for="f-subject">Subject</label>
          <input id="f-subject" type="text" name="subject" value={v.subject ?? ""} data-placeholder-target {...ariaError("subject", errors)} />
          <FieldMessages name="subject" errors={errors} />
        </div>
        <div class="field">
          <label for="f-body">Message</label>
          <textarea id="f-body" name="body" rows={10} data-placeholder-target {...ariaError("body", errors, true)}>
            {v.body ?? ""}
          </textarea>
          <FieldMessages
            name="body"
            errors={errors}
            hint="The e-mail's text in Markdown (**bold**, [link text](url), a blank line between paragraphs); the SMS is this text as it is."
          />
        </div>
        <details class="placeholder-picker">
          <summary>Placeholders</summary>
          <small>
            Click one to insert it at the cursor. A fallback covers blank values: <code>{'{{customer.first_name | "there"}}'}</code>. Job and album values
            come from the job the message was started from.
          </small>
          <ul>
            {p.placeholders.map((ph) => (
              <li>
                <button type="button" class="ph" data-placeholder={`{{${ph.key}}}`} title={`Insert ${ph.description.toLowerCase()}`}>
                  <code>{`{{${ph.key}}}`}</code>
                </button>
                <span>{ph.description}</span>
              </li>
            ))}
          </ul>
        </details>
        <div class="field only-voice">
          <label for="f-voice_script">Call script</label>
          <textarea id="f-voice_script" name="voice_script" rows={4} data-placeholder-target {...ariaError("voice_script", errors, true)}>
            {v.voice_script ?? ""}
          </textarea>
          <FieldMessages name="voice_script" errors={errors} hint="What the call says, written as it should be spoken. Empty: the message above is read out." />
        </div>
      </section>

      <section class="step">
        <h2>2. Recipients</h2>
        {single ? (
          <div class="field">
            <label for="f-to_address">Send to</label>
            <input id="f-to_address" type="text" name="to_address" value={v.to_address ?? ""} placeholder="name@example.com or +1 555 201 0001" {...ariaError("to_address", errors, true)} />
            <FieldMessages name="to_address" errors={errors} hint="One e-mail address (for an e-mail) or phone number (for an SMS or call)." />
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
              {/* Only a change of channel or filter counts again, so open lists stay open while the preview changes. */}
              <div hx-post="/messages/count" hx-trigger="change delay:300ms from:.audience-input" hx-target="#recipient-count" hx-swap="outerHTML" hx-sync="this:replace">
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
            <input id="f-preview_q" type="search" name="preview_q" value={v.preview_q ?? ""} placeholder="Name or e-mail" />
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
            <input type="tel" name="test_phone" value={v.test_phone ?? ""} placeholder="+1 555 201 0001" aria-label="Your mobile number" {...ariaError("test_phone", errors)} />
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
          <FieldMessages name="test_phone" errors={errors} hint="The test shows the chosen recipient's data; its links lead nowhere, so nothing happens to their account." />
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
            <input type="datetime-local" name="send_at_local" value={v.send_at_local ?? ""} aria-label="Date and time" data-checks="send_mode=later" {...ariaError("send_at_local", errors, true)} />
          </label>
        </div>
        <FieldMessages name="send_at_local" errors={errors} hint={`In the studio's time zone, ${p.timeZone}. Saving schedules nothing: Send arms it.`} />
        {p.message?.status === "scheduled" && (
          <p class="flash info">This message is scheduled. Saving a change returns it to draft; then send it again to arm it.</p>
        )}
        <div class="status-buttons form-buttons">
          <button type="submit" name="intent" value="save" class="secondary">
            Save draft
          </button>
          <button type="submit" name="intent" value="send">
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
  const title = p.message ? `Edit “${p.message.name}”` : p.state.values.mode === "address" ? "Message to one address" : "New message";
  return (
    <Page title={title} user={p.user} csrf={p.csrf} section="messages" flash={p.flash}>
      <p>
        <a href={p.choices.fixedJob ? `/jobs/${p.choices.fixedJob.id}` : "/messages"}>← {p.choices.fixedJob ? p.choices.fixedJob.name : "Messages"}</a>
      </p>
      <PageHead title={title}>{p.message && <MessageStatusBadge status={p.message.status} />}</PageHead>
      <MessageForm {...p} />
    </Page>
  );
}

// ---------------------------------------------------------------- confirmation

export type ConfirmProps = Common & { message: Message; who: string; counts: ChannelCount[]; when: string; problem?: string | null };

/** "it goes to 2 recipients by e-mail." */
export const armedPhrase = (counts: ChannelCount[]) => confirmQuestion(counts).replace(/^Send to /, "it goes to ").replace(/\?$/, ".");

/** "Send to 1,234 recipients by e-mail and 456 by SMS?" */
export function confirmQuestion(counts: ChannelCount[]): string {
  const parts = counts.map((c, i) => `${i === 0 ? plural(c.willReceive, "recipient") : nf(c.willReceive)} ${byChannel(c.channel)}`);
  const joined = parts.length < 2 ? (parts[0] ?? "nobody") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `Send to ${joined}?`;
}

export function ConfirmPage(p: ConfirmProps) {
  const m = p.message;
  const total = p.counts.reduce((a, c) => a + c.willReceive, 0);
  return (
    <Page title={`Send ${m.name}`} user={p.user} csrf={p.csrf} section="messages">
      <p>
        <a href={`/messages/${m.id}`}>← {m.name}</a>
      </p>
      <PageHead title={`Send “${m.name}”`} />
      <article class="confirm">
        <h2 class="question">{confirmQuestion(p.counts)}</h2>
        <dl>
          <dt class="muted">Who</dt>
          <dd>{m.toAddress ?? p.who}</dd>
          <dt class="muted">When</dt>
          <dd>{p.when}</dd>
          {m.subject && m.channels.includes("email") && (
            <>
              <dt class="muted">Subject</dt>
              <dd>{m.subject}</dd>
            </>
          )}
        </dl>
        {p.counts.some((c) => c.excluded.length) && (
          <details>
            <summary>Who will not get it, and why</summary>
            <ul>
              {p.counts.flatMap((c) =>
                c.excluded.map((x) => (
                  <li>
                    {CHANNEL_LABELS[c.channel]}: {nf(x.n)} · {reasonLabel(x.reason).toLowerCase()}
                  </li>
                )),
              )}
            </ul>
          </details>
        )}
        {p.problem && (
          <p class="flash bad" role="alert">
            {p.problem}
          </p>
        )}
        <div class="status-buttons">
          {!p.problem && (
            <form method="post" action={`/messages/${m.id}/send`}>
              <Csrf token={p.csrf} />
              <button type="submit">
                {m.sendAt ? "Schedule it" : "Send"} to {plural(total, "recipient")}
              </button>
            </form>
          )}
          <a role="button" class="secondary outline" href={`/messages/${m.id}/edit`}>
            Back to editing
          </a>
        </div>
        <p class="muted">
          <small>Until it starts you can still edit or cancel it; while it goes out you can pause, resume or cancel it.</small>
        </p>
      </article>
    </Page>
  );
}

// ---------------------------------------------------------------- progress and report

export type Progress = {
  status: Status;
  /** Deliveries that will be or were attempted (not skipped). */
  total: number;
  sent: number;
  failed: number;
  queued: number;
  held: number;
  skipped: number;
  ratePerMinute: number | null;
  eta: string | null;
  startsAt: string | null;
  /** While armed: "it goes to 2 recipients by e-mail." */
  armedFor?: string | null;
  finished: boolean;
};

/** The numbers inside the live block; each SSE message replaces them. */
export function ProgressBody({ progress: pr, messageId }: { progress: Progress; messageId: number }) {
  const done = pr.sent + pr.failed;
  return (
    <>
      {pr.status === "scheduled" && pr.total === 0 ? (
        <p class="progress-line">
          <strong>Armed{pr.armedFor ? ":" : "."}</strong> {pr.armedFor ? `${pr.armedFor} ` : ""}
          {pr.startsAt ? `It starts ${pr.startsAt}.` : "It starts within seconds."}
        </p>
      ) : (
        <>
          <progress value={String(done)} max={String(Math.max(pr.total, 1))}></progress>
          <p class="progress-line">
            <strong class="sent-of">
              {nf(pr.sent)} / {nf(pr.total)}
            </strong>{" "}
            sent
            {pr.ratePerMinute !== null && <> · {nf(Math.round(pr.ratePerMinute))} per minute</>}
            {pr.status === "paused" ? <> · paused</> : pr.eta && <> · {pr.eta}</>}
          </p>
          <ul class="progress-counts">
            <li>
              <span class="k">Queued</span> <strong>{nf(pr.queued)}</strong>
            </li>
            {pr.held > 0 && (
              <li>
                <span class="k">Held (paused)</span> <strong>{nf(pr.held)}</strong>
              </li>
            )}
            <li>
              <span class="k">Failed</span> <strong>{nf(pr.failed)}</strong>
            </li>
            <li>
              <span class="k">Skipped</span> <strong>{nf(pr.skipped)}</strong>
            </li>
          </ul>
        </>
      )}
      {pr.finished && (
        <p class="finished">
          {pr.status === "cancelled" ? "Cancelled." : "All sent."} <a href={`/messages/${messageId}`}>Show the report</a>
        </p>
      )}
    </>
  );
}

/** The live progress block: numbers now, updates over SSE while the message is not finished. */
export function ProgressBlock({ progress, messageId }: { progress: Progress; messageId: number }) {
  const live = !progress.finished;
  return (
    <section class="progress-block" aria-label="Progress">
      <h2>Progress</h2>
      <div id="progress" aria-live="polite" data-sse-connect={live ? `/messages/${messageId}/events` : undefined} hx-sse:close={live ? "done" : undefined}>
        <ProgressBody progress={progress} messageId={messageId} />
      </div>
      {live && (
        <p class="muted">
          <small>Updates live; without JavaScript, reload the page for the latest numbers.</small>
        </p>
      )}
    </section>
  );
}

export type ReportData = {
  byChannel: { channel: string; counts: Record<string, number> }[];
  totals: Record<string, number>;
  opened: number;
  clicked: number;
  notReached: { customerId: number | null; name: string; channel: string; address: string | null; status: string; reason: string }[];
  notReachedTotal: number;
  bySkipReason: Record<string, number>;
};

const REPORT_COLUMNS = ["queued", "sent", "delivered", "failed", "bounced", "skipped"] as const;
const REPORT_LABELS: Record<string, string> = { queued: "Queued", sent: "Sent", delivered: "Delivered", failed: "Failed", bounced: "Bounced", skipped: "Skipped" };

/** Statuses folded into the report's columns: sending waits like queued, undelivered failed. */
export function reportBucket(status: string): (typeof REPORT_COLUMNS)[number] {
  if (status === "sending" || status === "held") return "queued";
  if (status === "undelivered") return "failed";
  return status as (typeof REPORT_COLUMNS)[number];
}

export function ReportBlock({ report: r, messageId }: { report: ReportData; messageId: number }) {
  return (
    <section class="report" id="report">
      <h2>Report</h2>
      <div class="stats report-totals">
        {REPORT_COLUMNS.map((k) => (
          <article data-total={k}>
            <span class="muted">{REPORT_LABELS[k]}</span>
            <strong>{nf(r.totals[k] ?? 0)}</strong>
          </article>
        ))}
        <article data-total="opened">
          <span class="muted">Opened</span>
          <strong>{nf(r.opened)}</strong>
        </article>
        <article data-total="clicked">
          <span class="muted">Clicked</span>
          <strong>{nf(r.clicked)}</strong>
        </article>
      </div>
      {r.byChannel.length > 1 && (
        <div class="table-wrap">
          <table class="report-channels">
            <thead>
              <tr>
                <th>Channel</th>
                {REPORT_COLUMNS.map((k) => (
                  <th class="num">{REPORT_LABELS[k]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {r.byChannel.map((row) => (
                <tr>
                  <td>{CHANNEL_LABELS[row.channel as Channel] ?? row.channel}</td>
                  {REPORT_COLUMNS.map((k) => (
                    <td class="num">{nf(row.counts[k] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted">
        <small>Opened and clicked count only e-mails whose provider reports them (Resend with tracking on).</small>{" "}
        <small>
          <a href={`/outbox?message=${messageId}`}>Every delivery in the outbox</a>
        </small>
      </p>

      <h3>Why not everyone was reached</h3>
      {r.notReachedTotal === 0 ? (
        <p class="muted">{(r.totals.queued ?? 0) > 0 ? "Nobody so far." : "Everyone was reached."}</p>
      ) : (
        <>
          <ul class="reason-summary">
            {Object.entries(r.bySkipReason).map(([reason, n]) => (
              <li>
                {reasonLabel(reason)}: <strong>{nf(n)}</strong>
              </li>
            ))}
          </ul>
          <div class="table-wrap">
            <table class="striped not-reached">
              <thead>
                <tr>
                  <th>Customer</th>
                  <th>Channel</th>
                  <th class="hide-sm">Address</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {r.notReached.map((n) => (
                  <tr>
                    <td>{n.customerId ? <a href={`/customers/${n.customerId}`}>{n.name}</a> : n.name}</td>
                    <td>{CHANNEL_LABELS[n.channel as Channel] ?? n.channel}</td>
                    <td class="hide-sm">{n.address ?? "—"}</td>
                    <td>{reasonLabel(n.reason)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {r.notReachedTotal > r.notReached.length && <p class="muted">And {nf(r.notReachedTotal - r.notReached.length)} more in the CSV.</p>}
        </>
      )}
      <p>
        <a role="button" class="secondary outline" href={`/messages/${messageId}/report.csv`} download>
          Download as CSV
        </a>
      </p>
    </section>
  );
}

/** The status and what can be done now; the live stream replaces it as the status moves on. */
export function MessageActions({ message: m, csrf, oob }: { message: Message; csrf: string; oob?: boolean }) {
  const base = `/messages/${m.id}`;
  return (
    <div id="message-actions" class="message-actions" hx-swap-oob={oob ? "true" : undefined}>
      <MessageStatusBadge status={m.status} />
      {(m.status === "draft" || m.status === "scheduled") && (
        <a role="button" class="secondary" href={`${base}/edit`}>
          Edit
        </a>
      )}
      {m.status === "sending" && (
        <form method="post" action={`${base}/pause`} class="inline-form">
          <Csrf token={csrf} />
          <button type="submit" class="secondary">
            Pause
          </button>
        </form>
      )}
      {m.status === "paused" && (
        <form method="post" action={`${base}/resume`} class="inline-form">
          <Csrf token={csrf} />
          <button type="submit">Resume</button>
        </form>
      )}
      {["draft", "scheduled", "sending", "paused"].includes(m.status) && (
        <form method="post" action={`${base}/cancel`} class="inline-form" data-confirm="Cancel this message? Nothing more of it goes out, and it cannot be restarted.">
          <Csrf token={csrf} />
          <button type="submit" class="secondary outline">
            Cancel message
          </button>
        </form>
      )}
    </div>
  );
}

export type MessagePageProps = Common & {
  message: Message;
  who: string;
  when: string;
  progress: Progress | null;
  report: ReportData | null;
  flash?: Flash;
};

export function MessagePage(p: MessagePageProps) {
  const m = p.message;
  return (
    <Page title={m.name} user={p.user} csrf={p.csrf} section="messages" flash={p.flash}>
      <p>
        <a href={m.jobId ? `/messages?job_id=${m.jobId}` : "/messages"}>← Messages</a>
      </p>
      <PageHead title={m.name}>
        <MessageActions message={m} csrf={p.csrf} />
      </PageHead>
      <article class="message-summary">
        <dl class="grid-2">
          <div>
            <dt class="muted">Channels</dt>
            <dd>{channelList(m.channels)}{m.callOnlyIfNoSms ? " (calls only where SMS cannot go)" : ""}</dd>
            <dt class="muted">Who</dt>
            <dd>{m.toAddress ?? p.who}</dd>
          </div>
          <div>
            <dt class="muted">When</dt>
            <dd>{p.when}</dd>
            {m.subject && (
              <>
                <dt class="muted">Subject</dt>
                <dd>{m.subject}</dd>
              </>
            )}
          </div>
        </dl>
        <details>
          <summary>The text</summary>
          <pre class="message-text">{m.body}</pre>
          {m.voiceScript && <pre class="message-text">{m.voiceScript}</pre>}
        </details>
      </article>
      {/* Once finished, the report below says it all. */}
      {p.progress && !p.progress.finished && <ProgressBlock progress={p.progress} messageId={m.id} />}
      {p.report && <ReportBlock report={p.report} messageId={m.id} />}
      {p.progress && !p.progress.finished && (
        <>
          <script src={SSE_SCRIPT} defer></script>
          <script>{raw(SSE_BOOT)}</script>
        </>
      )}
    </Page>
  );
}

