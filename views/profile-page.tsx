/** @jsxImportSource hono/jsx */
// One communication profile (SPEC P2–P4): its notifications, with the row htmx re-renders when
// one is switched on or off, its jobs, and the delete confirmation. Styles: static/profiles.css.
import type { Notification, Profile } from "../src/db/profiles.ts";
import { describeNotification } from "../src/core/notification-input.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import { ConfirmedPost, Csrf, Field, type Values } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import { DefaultButton, DeleteButton, DuplicateButton, type Flash, ProfileBadges } from "./profile-parts.tsx";
import { type NumbersProps as ProfileNumbersProps, ProfileNumbers } from "./performance-section.tsx";

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
            <form
              method="post"
              action={`${base}/active`}
              hx-post={`${base}/active`}
              hx-target={`#notification-${n.id}`}
              hx-swap="outerHTML"
            >
              <Csrf token={csrf} />
              <input type="hidden" name="active" value={n.active ? "off" : "on"} />
              <button
                type="submit"
                class="secondary outline"
                aria-label={`${n.active ? "Turn off" : "Turn on"}: ${describeNotification(n)}`}
              >
                {n.active ? "Turn off" : "Turn on"}
              </button>
            </form>
            <a role="button" class="secondary outline" href={`${base}/edit`}>
              Edit
            </a>
            {/* SPEC P3: an SMS beside an e-mail is a second notification; this opens it pre-filled, unsaved. */}
            {n.channel === "email" && (
              <a
                role="button"
                class="secondary outline"
                href={`${base}/sms-version`}
                aria-label={`Add an SMS version of: ${describeNotification(n)}`}
                title="Add an SMS notification like this e-mail, with a plain draft of its text"
              >
                SMS version
              </a>
            )}
            <ConfirmedPost
              action={`${base}/delete`}
              csrf={csrf}
              confirm="Delete this notification? What it already sent stays in the outbox."
              label="Delete"
              inline={false}
            />
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
    /** What each notification achieved across all jobs (issue 14). */
    numbers?: ProfileNumbersProps;
    values: Values;
    errors: FieldErrors;
    flash?: Flash;
  },
) {
  const pr = p.profile;
  return (
    <Page
      title={pr.name}
      user={p.user}
      csrf={p.csrf}
      section="communication"
      flash={p.flash}
      stylesheets={["profiles.css"]}
    >
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

      {p.numbers && <ProfileNumbers {...p.numbers} />}

      <section>
        <h2>Jobs using it ({p.jobs.total})</h2>
        {p.jobs.total === 0 ? (
          <p class="muted">
            No job uses this profile. Choose it on a job's edit page
            {p.isDefault ? "; new jobs get it as the default" : ""}.
          </p>
        ) : (
          <ul>
            {p.jobs.rows.map((j) => (
              <li>
                <a href={`/jobs/${j.id}`}>{j.name}</a>{" "}
                <span class="muted">
                  · {j.year} · {j.status}
                </span>
              </li>
            ))}
            {p.jobs.total > p.jobs.rows.length && <li class="muted">and {p.jobs.total - p.jobs.rows.length} more</li>}
          </ul>
        )}
      </section>
    </Page>
  );
}

export function DeleteProfilePage(
  p: Common & { profile: Profile; jobs: { rows: { id: number; name: string }[]; total: number } },
) {
  const n = p.jobs.total;
  return (
    <Page title={`Delete ${p.profile.name}`} user={p.user} csrf={p.csrf} section="communication">
      <PageHead title={`Delete “${p.profile.name}”?`} />
      <article>
        <p>
          <strong>
            {n} {n === 1 ? "job uses" : "jobs use"} this profile.
          </strong>{" "}
          Deleting it leaves {n === 1 ? "that job" : `those ${n} jobs`} without a profile: they get no more automated
          notifications until you assign another one. What was already sent stays in the outbox.
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
