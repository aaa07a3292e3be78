/** @jsxImportSource hono/jsx */
// Settings, the Snippets tab: the studio's named text blocks ({{snippet.shipping_info}}), a form
// to add or edit one, and why one cannot be deleted while texts still use it.
import { SNIPPET_MAX } from "../src/core/snippet-input.ts";
import type { FieldErrors } from "../src/core/validation.ts";
import type { Snippet, SnippetUse } from "../src/db/snippets.ts";
import { ConfirmedPost, Csrf, Field, FormErrors, TextArea, type Values } from "./form.tsx";
import { type SettingsCommon, SettingsShell } from "./settings.tsx";

export type SnippetsPageProps = SettingsCommon & {
  snippets: Snippet[];
  /** The snippet being edited; none: the form adds one. */
  editing?: Snippet;
  values: Values;
  errors: FieldErrors;
  /** A delete refused because these texts use the snippet. */
  refused?: { key: string; uses: SnippetUse[] };
};

const tag = (key: string) => `{{snippet.${key}}}`;

export function SnippetsPage(p: SnippetsPageProps) {
  return (
    <SettingsShell {...p} tab="snippets" title="Snippets">
      {p.refused && (
        <article class="flash bad" role="alert">
          <p>
            <strong>
              “{p.refused.key}” was not deleted: {p.refused.uses.length === 1 ? "a text uses" : "these texts use"}{" "}
              <code>{tag(p.refused.key)}</code>.
            </strong>{" "}
            Take it out of {p.refused.uses.length === 1 ? "it" : "them"} first (a sent or cancelled message does not
            count).
          </p>
          <ul>
            {p.refused.uses.map((u) => (
              <li>
                {u.what}: <a href={u.href}>{u.name}</a>
              </li>
            ))}
          </ul>
        </article>
      )}
      <p class="muted">
        A snippet is a block of text you write once and use in any e-mail, SMS, call script or template: type{" "}
        <code>{"{{snippet.shipping_info}}"}</code> where the text should go, or pick it from the placeholder list in the
        editor. Change the snippet here and every message that has not gone out yet says the new text. A text naming a
        snippet that does not exist is refused when it is saved.
      </p>
      {p.snippets.length === 0 ? (
        <p>
          <strong>No snippets yet.</strong> Add one below: shipping information, your opening hours, or the other
          services you offer.
        </p>
      ) : (
        <ul class="template-list">
          {p.snippets.map((s) => (
            <li>
              <div>
                <code>{tag(s.key)}</code>
                <br />
                <small>{s.title}</small>
              </div>
              <div class="snippet-text">
                <small class="muted">{s.body.length > 200 ? `${s.body.slice(0, 200)}…` : s.body}</small>
              </div>
              <div class="template-actions">
                <a href={`/settings/snippets?edit=${s.id}#snippet-form`} role="button" class="secondary outline">
                  Edit
                </a>{" "}
                <ConfirmedPost
                  action={`/settings/snippets/${s.id}/delete`}
                  csrf={p.csrf}
                  confirm={`Delete the snippet “${s.key}”?`}
                  label="Delete"
                />
              </div>
            </li>
          ))}
        </ul>
      )}
      <form
        id="snippet-form"
        method="post"
        action={p.editing ? `/settings/snippets/${p.editing.id}` : "/settings/snippets"}
        novalidate
      >
        <Csrf token={p.csrf} />
        <h2>{p.editing ? `Edit ${tag(p.editing.key)}` : "New snippet"}</h2>
        <FormErrors errors={p.errors} />
        {p.editing ? (
          <p class="muted">
            <small>
              The key stays <code>{p.editing.key}</code>: texts already use it. To rename it, add a new snippet and
              change the texts.
            </small>
          </p>
        ) : (
          <Field
            name="key"
            label="Key"
            values={p.values}
            errors={p.errors}
            placeholder="shipping_info"
            hint={`Lowercase letters, digits and underscores, starting with a letter; at most ${SNIPPET_MAX.key}. You type it as {{snippet.key}}.`}
          />
        )}
        <Field
          name="title"
          label="Title"
          values={p.values}
          errors={p.errors}
          placeholder="Shipping information"
          hint="What it is, for you and your staff: the placeholder list shows it."
        />
        <TextArea
          name="body"
          label="Text"
          rows={5}
          values={p.values}
          errors={p.errors}
          placeholder="Orders placed by the free shipping deadline are delivered to the school within two weeks."
          hint="Plain text: it goes into each message as written, line breaks kept, also in an e-mail (Markdown in it is not formatted, and it cannot hold placeholders like {{customer.first_name}})."
        />
        <div class="actions">
          <button type="submit">{p.editing ? "Save snippet" : "Add snippet"}</button>
          {p.editing && (
            <a href="/settings/snippets" role="button" class="secondary outline">
              Cancel
            </a>
          )}
        </div>
      </form>
    </SettingsShell>
  );
}
