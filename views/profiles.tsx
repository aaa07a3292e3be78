/** @jsxImportSource hono/jsx */
// Communication profiles (SPEC P1–P4): the list, a profile's notifications, the delete
// confirmation, and the notification editor with its live preview. The pages and the fragments
// htmx re-renders (a notification row, the editor form, the preview) live together here.
import { raw } from "hono/html";
import type { User } from "../src/db/schema.ts";
import { type Channel, TRIGGERS } from "../src/core/vocabulary.ts";
import type { Notification, Profile, ProfileRow, Template } from "../src/db/profiles.ts";
import { CHANNEL_LABELS, describeNotification, MAX_BODY, MAX_SUBJECT, offsetWords } from "../src/core/notification-input.ts";
import { CONTEXT_LABELS, contextForTrigger, type Placeholder } from "../src/core/placeholders.ts";
import type { SmsInfo } from "../src/core/sms-text.ts";
import { AUDIENCE_LABELS, CONDITION_LABELS, TRIGGER_INFO, type Trigger } from "../src/core/triggers.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import { Csrf, Field, FieldMessages, FormErrors, UseTemplateButton, type Values } from "./form.tsx";
import { Page, PageHead } from "./layout.tsx";
import { PlaceholderPicker } from "./placeholder-picker.tsx";

type Common = { user: User; csrf: string };
type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;

const STYLE = `
.badge.default { background: #e3f2fd; color: #0d47a1; }
.badge.builtin { background: #f3e5f5; color: #6a1b9a; }
.badge.paused { background: #fff8e1; color: #8d6e00; }
.name-badges .badge { margin-left: 0.35rem; }
.row-actions { display: flex; gap: 0.4rem; flex-wrap: wrap; justify-content: flex-end; }
.row-actions form { margin: 0; }
.row-actions button, .row-actions a[role="button"] { margin: 0; padding: 0.25rem 0.7rem; width: auto; font-size: 0.9rem; }
.notification-list td { vertical-align: top; }
.notification-list td:last-child { width: 1%; white-space: nowrap; }
.notification-list .row-actions { flex-wrap: nowrap; }
.notification-list details { margin: 0.3rem 0 0; }
.notification-list details summary { display: inline-block; font-size: 0.85rem; color: var(--pico-primary); }
.notification-list details summary::after { float: none; display: inline-block; vertical-align: middle; margin-left: 0.3rem; }
.notification-list details pre { font-size: 0.85rem; padding: 0.6rem; }
th.actions { text-align: right; }
section.notifications { margin-top: 2rem; }
.notification-list .sentence { font-weight: 600; }
.notification-list .excerpt { display: block; color: var(--pico-muted-color); font-size: 0.9rem; }
.notification-list tr.inactive .sentence, .notification-list tr.inactive .excerpt { opacity: 0.55; }
.create-row { display: flex; gap: 0.5rem; align-items: flex-start; flex-wrap: wrap; }
.create-row .field { flex: 1 1 16rem; }
.create-row button { width: auto; margin-top: 1.9rem; }
.editor-grid { display: grid; grid-template-columns: minmax(0, 11fr) minmax(0, 9fr); gap: 1.75rem; align-items: start; }
@media (max-width: 960px) { .editor-grid { grid-template-columns: minmax(0, 1fr); } .editor-preview { position: static; } }
.editor-preview { position: sticky; top: 1rem; }
.editor-preview article { margin: 0; padding: 1rem; }
.offset-row { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; margin-bottom: 0.6rem; }
.offset-row input[type="number"] { width: 6.5rem; margin: 0; }
.offset-row select { width: auto; margin: 0; }
.time-modes { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; align-items: center; }
.time-modes label { display: inline-flex; align-items: center; gap: 0.35rem; margin: 0; }
.time-modes input[type="time"] { width: auto; margin: 0; padding-block: 0.2rem; }
fieldset.group { border: 1px solid var(--pico-muted-border-color); border-radius: var(--pico-border-radius); padding: 0.75rem 1rem 0.25rem; margin-bottom: 1rem; }
fieldset.group legend { padding: 0 0.35rem; font-weight: 600; }
.placeholder-picker ul { padding: 0; margin: 0.5rem 0 0; max-height: 16rem; overflow: auto; }
.placeholder-picker li { list-style: none; display: flex; flex-wrap: wrap; gap: 0.15rem 0.6rem; align-items: baseline; margin-bottom: 0.3rem; }
.placeholder-picker button.ph { margin: 0; padding: 0.05rem 0.4rem; width: auto; background: none; border: 1px solid var(--pico-muted-border-color); color: inherit; }
.placeholder-picker li small { color: var(--pico-muted-color); }
.template-row { display: flex; gap: 0.5rem; align-items: center; margin-bottom: var(--pico-spacing); }
.template-row select { margin: 0; }
.template-row button { width: auto; margin: 0; white-space: nowrap; }
.preview-when { font-weight: 600; margin-bottom: 0.4rem; }
.preview-meta { font-size: 0.9rem; margin-bottom: 0.5rem; }
.preview-meta div { display: flex; gap: 0.5rem; }
.preview-meta span.k { color: var(--pico-muted-color); min-width: 4.2rem; }
.email-frame { width: 100%; height: 36rem; border: 1px solid var(--pico-muted-border-color); border-radius: var(--pico-border-radius); background: #fff; }
.sms-bubble { background: #e9e9eb; color: #111; border-radius: 1.1rem; padding: 0.6rem 0.9rem; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 24rem; margin-bottom: 0.6rem; }
.voice-script { white-space: pre-wrap; }
.sms-counter { font-variant-numeric: tabular-nums; margin-bottom: 0.3rem; }
.warn { color: #8d6e00; }
.preview-errors { color: var(--pico-del-color); padding-left: 1.1rem; }
`;

const Style = () => <style>{raw(STYLE)}</style>;

const DONE: Record<string, string> = {
  created: "Profile created. Add its first notification.",
  renamed: "Profile renamed.",
  duplicated: "Copied with all its notifications. This copy is yours to change.",
  default: "New jobs now get this profile.",
  undefault: "New jobs no longer get a profile unless one is chosen.",
  deleted: "Profile deleted.",
  saved: "Notification saved.",
  removed: "Notification deleted.",
};

/** The confirmation text a query `?done=` stands for, after a redirect. */
export function doneFlash(done: string | undefined): Flash {
  return done && DONE[done] ? { kind: "ok", text: DONE[done]! } : null;
}

const ProfileBadges = ({ profile, isDefault }: { profile: Profile; isDefault: boolean }) => (
  <span class="name-badges">
    {isDefault && <span class="badge default">Default for new jobs</span>}
    {profile.builtIn && <span class="badge builtin">Built-in</span>}
  </span>
);

const DuplicateButton = ({ profile, csrf, primary }: { profile: Profile; csrf: string; primary?: boolean }) => (
  <form method="post" action={`/profiles/${profile.id}/duplicate`} class="inline-form">
    <Csrf token={csrf} />
    <button type="submit" class={primary ? "" : "secondary outline"}>
      Duplicate
    </button>
  </form>
);

const DefaultButton = ({ profile, csrf, isDefault }: { profile: Profile; csrf: string; isDefault: boolean }) => (
  <form method="post" action={`/profiles/${profile.id}/default`} class="inline-form">
    <Csrf token={csrf} />
    <input type="hidden" name="default" value={isDefault ? "off" : "on"} />
    <button type="submit" class="secondary outline">
      {isDefault ? "Stop using as default" : "Make default for new jobs"}
    </button>
  </form>
);

const DeleteButton = ({ profile, csrf, jobs }: { profile: Profile; csrf: string; jobs: number }) => (
  <form
    method="post"
    action={`/profiles/${profile.id}/delete`}
    class="inline-form"
    // With jobs assigned the server asks on its own page; this only guards the simple case.
    data-confirm={jobs === 0 ? `Delete the profile “${profile.name}” and its notifications?` : undefined}
  >
    <Csrf token={csrf} />
    <button type="submit" class="secondary outline">
      Delete
    </button>
  </form>
);

// ---------------------------------------------------------------- the list

export function ProfilesPage(p: Common & { rows: ProfileRow[]; values: Values; errors: FieldErrors; flash?: Flash }) {
  return (
    <Page title="Communication profiles" user={p.user} csrf={p.csrf} section="communication" flash={p.flash}>
      <Style />
      <PageHead title="Communication profiles" />
      <p class="muted">
        A profile is a set of automated notifications: what goes out, when, to whom and how. Assign one to a job on the job's edit page; the default
        profile goes to new jobs. The built-in profiles are read-only: duplicate one to change it.
      </p>
      <div class="table-wrap">
        <table class="striped">
          <thead>
            <tr>
              <th>Profile</th>
              <th class="num">Notifications</th>
              <th class="num">Jobs using it</th>
              <th class="actions">
                <span class="hide-sm">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr id={`profile-${r.profile.id}`}>
                <td>
                  <a href={`/profiles/${r.profile.id}`}>{r.profile.name}</a>
                  <ProfileBadges profile={r.profile} isDefault={r.isDefault} />
                </td>
                <td class="num">{r.notifications}</td>
                <td class="num">{r.jobs}</td>
                <td>
                  <div class="row-actions">
                    <DuplicateButton profile={r.profile} csrf={p.csrf} />
                    {!r.isDefault && <DefaultButton profile={r.profile} csrf={p.csrf} isDefault={false} />}
                    {!r.profile.builtIn && <DeleteButton profile={r.profile} csrf={p.csrf} jobs={r.jobs} />}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.rows.length === 0 && <p class="empty">No profiles yet. Create one below.</p>}
      <h2>New profile</h2>
      <form method="post" action="/profiles" novalidate>
        <Csrf token={p.csrf} />
        <div class="create-row">
          <Field name="name" label="Name" values={p.values} errors={p.errors} placeholder="Senior portraits 2026" hint="Job-specific or general, e.g. for all school jobs." />
          <button type="submit">Create profile</button>
        </div>
      </form>
    </Page>
  );
}

// ---------------------------------------------------------------- one profile

/** One notification of a profile page; also the fragment the on/off switch swaps in. */
export function NotificationRow({ profile, n, csrf }: { profile: Profile; n: Notification; csrf: string }) {
  const base = `/profiles/${profile.id}/notifications/${n.id}`;
  const excerpt = n.channel === "email" ? n.subject : n.body.length > 110 ? `${n.body.slice(0, 110)}…` : n.body;
  return (
    <tr id={`notification-${n.id}`} class={n.active ? "" : "inactive"}>
      <td>
        <span class="sentence">{describeNotification(n)}</span>
        <span class="excerpt">{excerpt}</span>
        {profile.builtIn && (
          <details>
            <summary>Show the text</summary>
            {n.subject && (
              <p>
                <strong>{n.subject}</strong>
              </p>
            )}
            <pre class="voice-script">{n.body}</pre>
          </details>
        )}
      </td>
      <td>{n.active ? <span class="badge yes">On</span> : <span class="badge paused">Off</span>}</td>
      <td>
        {!profile.builtIn && (
          <div class="row-actions">
            <form method="post" action={`${base}/active`} hx-post={`${base}/active`} hx-target={`#notification-${n.id}`} hx-swap="outerHTML">
              <Csrf token={csrf} />
              <input type="hidden" name="active" value={n.active ? "off" : "on"} />
              <button type="submit" class="secondary outline" aria-label={`${n.active ? "Turn off" : "Turn on"}: ${describeNotification(n)}`}>
                {n.active ? "Turn off" : "Turn on"}
              </button>
            </form>
            <a role="button" class="secondary outline" href={`${base}/edit`}>
              Edit
            </a>
            <form method="post" action={`${base}/delete`} data-confirm="Delete this notification? What it already sent stays in the outbox.">
              <Csrf token={csrf} />
              <button type="submit" class="secondary outline">
                Delete
              </button>
            </form>
          </div>
        )}
      </td>
    </tr>
  );
}

export function ProfilePage(
  p: Common & {
    profile: Profile;
    notifications: Notification[];
    jobs: { rows: { id: number; name: string; status: string; year: number }[]; total: number };
    isDefault: boolean;
    values: Values;
    errors: FieldErrors;
    flash?: Flash;
  },
) {
  const pr = p.profile;
  return (
    <Page title={pr.name} user={p.user} csrf={p.csrf} section="communication" flash={p.flash}>
      <Style />
      <p>
        <a href="/profiles">← Communication profiles</a>
      </p>
      <PageHead title={pr.name}>
        <ProfileBadges profile={pr} isDefault={p.isDefault} />
        <DuplicateButton profile={pr} csrf={p.csrf} primary={pr.builtIn} />
        <DefaultButton profile={pr} csrf={p.csrf} isDefault={p.isDefault} />
        {!pr.builtIn && <DeleteButton profile={pr} csrf={p.csrf} jobs={p.jobs.total} />}
      </PageHead>
      {pr.description && <p>{pr.description}</p>}
      {pr.builtIn ? (
        <div class="flash info" role="status">
          This profile ships with Pigeon and is read-only. Duplicate it to change its notifications or texts.
        </div>
      ) : (
        <form method="post" action={`/profiles/${pr.id}/rename`} novalidate>
          <Csrf token={p.csrf} />
          <div class="create-row">
            <Field name="name" label="Name" values={p.values} errors={p.errors} />
            <button type="submit" class="secondary">
              Rename
            </button>
          </div>
        </form>
      )}

      <section class="notifications">
        <div class="page-head">
          <h2>Notifications ({p.notifications.length})</h2>
          {!pr.builtIn && (
            <a role="button" href={`/profiles/${pr.id}/notifications/new`}>
              Add notification
            </a>
          )}
        </div>
        {p.notifications.length === 0 ? (
          <div class="empty">
            <p>No notifications yet. Add the first one: for example an e-mail when the job is set to selling.</p>
          </div>
        ) : (
          <div class="table-wrap">
            <table class="notification-list">
              <thead>
                <tr>
                  <th>Notification</th>
                  <th>Active</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {p.notifications.map((n) => (
                  <NotificationRow profile={pr} n={n} csrf={p.csrf} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section>
        <h2>Jobs using it ({p.jobs.total})</h2>
        {p.jobs.total === 0 ? (
          <p class="muted">No job uses this profile. Choose it on a job's edit page{p.isDefault ? "; new jobs get it as the default" : ""}.</p>
        ) : (
          <ul>
            {p.jobs.rows.map((j) => (
              <li>
                <a href={`/jobs/${j.id}`}>{j.name}</a> <span class="muted">· {j.year} · {j.status}</span>
              </li>
            ))}
            {p.jobs.total > p.jobs.rows.length && <li class="muted">and {p.jobs.total - p.jobs.rows.length} more</li>}
          </ul>
        )}
      </section>
    </Page>
  );
}

export function DeleteProfilePage(p: Common & { profile: Profile; jobs: { rows: { id: number; name: string }[]; total: number } }) {
  const n = p.jobs.total;
  return (
    <Page title={`Delete ${p.profile.name}`} user={p.user} csrf={p.csrf} section="communication">
      <PageHead title={`Delete “${p.profile.name}”?`} />
      <article>
        <p>
          <strong>
            {n} {n === 1 ? "job uses" : "jobs use"} this profile.
          </strong>{" "}
          Deleting it leaves {n === 1 ? "that job" : `those ${n} jobs`} without a profile: they get no more automated notifications until you assign another
          one. What was already sent stays in the outbox.
        </p>
        <ul>
          {p.jobs.rows.map((j) => (
            <li>
              <a href={`/jobs/${j.id}`}>{j.name}</a>
            </li>
          ))}
          {n > p.jobs.rows.length && <li class="muted">and {n - p.jobs.rows.length} more</li>}
        </ul>
        <div class="status-buttons">
          <form method="post" action={`/profiles/${p.profile.id}/delete`}>
            <Csrf token={p.csrf} />
            <input type="hidden" name="confirm" value="yes" />
            <button type="submit" class="contrast">
              Delete and unassign {n} {n === 1 ? "job" : "jobs"}
            </button>
          </form>
          <a role="button" class="secondary outline" href={`/profiles/${p.profile.id}`}>
            Cancel
          </a>
        </div>
      </article>
    </Page>
  );
}

// ---------------------------------------------------------------- the notification editor

export type PreviewData = {
  channel: Channel;
  /** The notification in words, when its fields make sense together. */
  sentence: string | null;
  /** Whose data is shown, and why that customer. */
  recipientNote: string;
  to: string | null;
  subject?: string;
  html?: string;
  text?: string;
  sms?: SmsInfo;
  /** The opt-out hint added to the text (in the customer's language), or null. */
  optOutAdded?: string | null;
  /** Problems of the subject and body, as saving would report them. */
  errors: FieldErrors;
  problem?: string;
};

export type EditorProps = Common & {
  profile: Profile;
  notification?: Notification;
  values: Values;
  errors: FieldErrors;
  templates: Template[];
  placeholders: Placeholder[];
  preview: PreviewData;
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
  const problems = Object.entries(pv.errors).filter(([k]) => k === "subject" || k === "body");
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
              {k === "subject" ? "Subject" : pv.channel === "voice" ? "Script" : "Message"}: {m}
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
          <p class="sms-counter" id="sms-counter">
            <strong>{pv.sms.characters}</strong> characters · {pv.sms.encoding} · {pv.sms.segments} {pv.sms.segments === 1 ? "segment" : "segments"}{" "}
            <span class="muted">({pv.sms.perSegment} per segment)</span>
          </p>
          {pv.sms.warning && (
            <p class="warn" role="status">
              {pv.sms.warning}. Keep texts under 150 characters where you can.
            </p>
          )}
          {pv.sms.nonGsm.length > 0 && (
            <p class="warn">
              {pv.sms.nonGsm.map((ch) => (
                <>
                  <code>{ch}</code>{" "}
                </>
              ))}
              {pv.sms.nonGsm.length === 1 ? "switches" : "switch"} the text to UCS-2, which fits only 70 characters per segment. Straight quotes and plain
              dashes keep it GSM-7.
            </p>
          )}
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
  const rerender = { "hx-post": formUrl, "hx-trigger": "change", "hx-target": "#notification-form", "hx-swap": "outerHTML" };
  const audienceOptions: string[] = [...info.audiences];
  if (v.audience && !audienceOptions.includes(v.audience)) audienceOptions.push(v.audience);
  const channelOptions: string[] = [...info.channels];
  if (v.channel && !channelOptions.includes(v.channel)) channelOptions.push(v.channel);
  const audienceLabel = (a: string) =>
    appointment && a === "all" ? "The appointment's customer" : `${AUDIENCE_LABELS[a as keyof typeof AUDIENCE_LABELS] ?? a}${info.audiences.includes(a as never) ? "" : " (not possible here)"}`;
  const bodyLabel = channel === "email" ? "Message" : channel === "sms" ? "Text message" : "Call script";
  const timeMode = v.time_mode ?? "immediately";

  return (
    <form id="notification-form" method="post" action={action} novalidate>
      <Csrf token={p.csrf} />
      {/* What the form shows now, so a re-render can tell whether the text was still a template's. */}
      <input type="hidden" name="shown_trigger" value={trigger} />
      <input type="hidden" name="shown_channel" value={channel} />
      {p.notification && <input type="hidden" name="notification_id" value={String(p.notification.id)} />}
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
              <select id="f-audience" name="audience" aria-invalid={e.audience ? "true" : undefined} aria-describedby={e.audience ? "audience-error" : info.audienceNote ? "audience-hint" : undefined}>
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
            <FieldMessages name="channel" errors={e} hint={appointment ? undefined : "Voice calls are for appointment triggers. Add a second notification to send both an e-mail and an SMS."} />
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
            <FieldMessages name="template_id" errors={e} hint={p.templates.length ? `Replaces the ${channel === "email" ? "subject and message" : "text"} below.` : undefined} />
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

          <PlaceholderPicker summary={`Placeholders for ${CONTEXT_LABELS[contextForTrigger(trigger)]}`} placeholders={p.placeholders} examples />

          <label>
            <input type="checkbox" name="active" role="switch" checked={["on", "true", "1"].includes(v.active ?? "")} />
            Active: send this notification
          </label>

          <div class="status-buttons" style="margin-top: 1rem">
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
    <Page title={`${title} · ${p.profile.name}`} user={p.user} csrf={p.csrf} section="communication">
      <Style />
      <p>
        <a href={`/profiles/${p.profile.id}`}>← {p.profile.name}</a>
      </p>
      <PageHead title={title} />
      <NotificationForm {...p} />
    </Page>
  );
}
