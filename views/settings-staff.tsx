/** @jsxImportSource hono/jsx */
// Settings, the Staff tab: the staff accounts, removing one, adding one.
import type { FieldErrors } from "../src/core/validation.ts";
import type { User } from "../src/db/schema.ts";
import { ConfirmedPost, Csrf, Field, FormErrors, type Values } from "./form.tsx";
import { type SettingsCommon, SettingsShell } from "./settings.tsx";

export function StaffPage(p: SettingsCommon & { users: User[]; values: Values; errors: FieldErrors }) {
  return (
    <SettingsShell {...p} tab="staff" title="Staff">
      <div class="table-wrap">
        <table class="striped">
          <thead>
            <tr>
              <th>Name</th>
              <th>E-mail</th>
              <th>Role</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {p.users.map((u) => (
              <tr>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>{u.role}</td>
                <td>
                  {u.role !== "owner" && (
                    <ConfirmedPost
                      action={`/settings/staff/${u.id}/delete`}
                      csrf={p.csrf}
                      confirm={`Remove ${u.name}'s account? They are signed out at once.`}
                      label="Remove"
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <article>
        <h2>Add a staff member</h2>
        <FormErrors errors={p.errors} />
        <form method="post" action="/settings/staff" novalidate>
          <Csrf token={p.csrf} />
          <div class="grid-2">
            <Field name="name" label="Name" values={p.values} errors={p.errors} required />
            <Field name="email" label="E-mail" type="email" values={p.values} errors={p.errors} required />
            <Field
              name="password"
              label="Temporary password"
              type="password"
              values={{}}
              errors={p.errors}
              required
              hint="At least 10 characters. Share it privately."
              autocomplete="new-password"
            />
          </div>
          <button type="submit">Add staff member</button>
        </form>
      </article>
    </SettingsShell>
  );
}
