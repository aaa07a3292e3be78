/** @jsxImportSource hono/jsx */
// Settings, the API keys tab: the keys with their use, a new key shown once, revoking one.
import { staffTime } from "../src/core/date-format.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import { ConfirmedPost, Csrf, Field, type Values } from "./form.tsx";
import { type SettingsCommon, SettingsShell } from "./settings.tsx";

type KeyRow = {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export function ApiKeysPage(
  p: SettingsCommon & {
    keys: KeyRow[];
    newKey?: { name: string; key: string };
    values: Values;
    errors: FieldErrors;
    publicUrl: string;
    timeZone: string;
  },
) {
  const when = (d: Date | null) => (d ? staffTime(d, p.timeZone) : "never");
  return (
    <SettingsShell {...p} tab="api-keys" title="API keys">
      {p.newKey && (
        <article class="flash ok" role="status">
          <p>
            <strong>API key “{p.newKey.name}” created.</strong> Copy it now: it is shown only this once and Pigeon keeps
            only a hash of it.
          </p>
          <p class="secret" id="new-api-key">
            {p.newKey.key}
          </p>
        </article>
      )}
      <p class="muted">
        Other systems use these keys with <code>Authorization: Bearer &lt;key&gt;</code> on{" "}
        <code>{p.publicUrl}/api/v1</code>.
      </p>
      {p.keys.length === 0 ? (
        <p>No API keys yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key starts with</th>
                <th>Created</th>
                <th>Last used</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {p.keys.map((k) => (
                <tr>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{when(k.createdAt)}</td>
                  <td>{when(k.lastUsedAt)}</td>
                  <td>
                    {k.revokedAt ? (
                      <span class="badge no">Revoked</span>
                    ) : (
                      <ConfirmedPost
                        action={`/settings/api-keys/${k.id}/revoke`}
                        csrf={p.csrf}
                        confirm={`Revoke “${k.name}”? Systems using it stop working at once.`}
                        label="Revoke"
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form method="post" action="/settings/api-keys" class="filters" novalidate>
        <Csrf token={p.csrf} />
        <div>
          <Field
            name="name"
            label="New key for"
            values={p.values}
            errors={p.errors}
            placeholder="Photo shop integration"
          />
        </div>
        <button type="submit">Create API key</button>
      </form>
    </SettingsShell>
  );
}
