/** @jsxImportSource hono/jsx */
// Communication profiles (SPEC P1): the list, with a new profile's form. One profile's page is in
// profile-page.tsx, the notification editor in profile-notification.tsx. Styles: static/profiles.css.
import type { ProfileRow } from "../src/db/profiles.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import { Csrf, Field, type Values } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import { DefaultButton, DeleteButton, DuplicateButton, type Flash, ProfileBadges } from "./profile-parts.tsx";

export function ProfilesPage(p: Common & { rows: ProfileRow[]; values: Values; errors: FieldErrors; flash?: Flash }) {
  return (
    <Page
      title="Communication profiles"
      user={p.user}
      csrf={p.csrf}
      section="communication"
      flash={p.flash}
      stylesheets={["profiles.css"]}
    >
      <PageHead title="Communication profiles">
        <a href="/templates">Templates</a>
      </PageHead>
      <p class="muted">
        A profile is a set of automated notifications: what goes out, when, to whom and how. Assign one to a job on the
        job's edit page; the default profile goes to new jobs. The built-in profiles are read-only: duplicate one to
        change it.
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
          <Field
            name="name"
            label="Name"
            values={p.values}
            errors={p.errors}
            placeholder="Senior portraits 2026"
            hint="Job-specific or general, e.g. for all school jobs."
          />
          <button type="submit">Create profile</button>
        </div>
      </form>
    </Page>
  );
}
