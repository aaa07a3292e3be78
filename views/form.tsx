/** @jsxImportSource hono/jsx */
// Form fields that show their error beside them and keep what was typed (SPEC U3).
import type { FC } from "hono/jsx";
import type { Values } from "../src/core/form-state.ts";
import type { FieldErrors } from "../src/core/validation.ts";

// The views' form kit hands Values on, so a view imports its fields and their values from one place.
export type { Values };

type FieldProps = {
  name: string;
  label: string;
  values: Values;
  errors: FieldErrors;
  type?: string;
  required?: boolean;
  placeholder?: string;
  hint?: string;
  autocomplete?: string;
  autofocus?: boolean;
  /** Filled with the browser's time zone when empty (static/app.js). */
  detectZone?: boolean;
};

const describedBy = (name: string, errors: FieldErrors, hint?: string) =>
  [errors[name] ? `${name}-error` : "", hint ? `${name}-hint` : ""].filter(Boolean).join(" ") || undefined;

/** A field's error, or else its hint, with the ids its control's aria-describedby names. */
export const FieldMessages: FC<{ name: string; errors: FieldErrors; hint?: string }> = ({ name, errors, hint }) => (
  <>
    {errors[name] && (
      <small class="error" id={`${name}-error`}>
        {errors[name]}
      </small>
    )}
    {hint && !errors[name] && <small id={`${name}-hint`}>{hint}</small>}
  </>
);

export const Field: FC<FieldProps> = (p) => (
  <div class="field">
    <label for={`f-${p.name}`}>{p.label}</label>
    <input
      id={`f-${p.name}`}
      type={p.type ?? "text"}
      name={p.name}
      value={p.values[p.name] ?? ""}
      required={p.required}
      placeholder={p.placeholder}
      autocomplete={p.autocomplete}
      autofocus={p.autofocus}
      data-detect-zone={p.detectZone ? "" : undefined}
      aria-invalid={p.errors[p.name] ? "true" : undefined}
      aria-describedby={describedBy(p.name, p.errors, p.hint)}
    />
    <FieldMessages name={p.name} errors={p.errors} hint={p.hint} />
  </div>
);

export const TextArea: FC<FieldProps & { rows?: number }> = (p) => (
  <div class="field">
    <label for={`f-${p.name}`}>{p.label}</label>
    <textarea
      id={`f-${p.name}`}
      name={p.name}
      rows={p.rows ?? 3}
      placeholder={p.placeholder}
      aria-invalid={p.errors[p.name] ? "true" : undefined}
      aria-describedby={describedBy(p.name, p.errors, p.hint)}
    >
      {p.values[p.name] ?? ""}
    </textarea>
    <FieldMessages name={p.name} errors={p.errors} hint={p.hint} />
  </div>
);

export const Select: FC<FieldProps & { options: readonly (string | [string, string])[]; blank?: string }> = (p) => (
  <div class="field">
    <label for={`f-${p.name}`}>{p.label}</label>
    <select
      id={`f-${p.name}`}
      name={p.name}
      required={p.required}
      aria-invalid={p.errors[p.name] ? "true" : undefined}
      aria-describedby={describedBy(p.name, p.errors, p.hint)}
    >
      {p.blank !== undefined && <option value="">{p.blank}</option>}
      {p.options.map((o) => {
        const [value, label] = typeof o === "string" ? [o, o] : o;
        return (
          <option value={value} selected={p.values[p.name] === value}>
            {label}
          </option>
        );
      })}
    </select>
    <FieldMessages name={p.name} errors={p.errors} hint={p.hint} />
  </div>
);

export const Checkbox: FC<{ name: string; label: string; values: Values; errors: FieldErrors; hint?: string }> = (
  p,
) => (
  <>
    <label>
      <input
        type="checkbox"
        name={p.name}
        checked={["on", "true", "1", "yes"].includes(p.values[p.name] ?? "")}
        aria-invalid={p.errors[p.name] ? "true" : undefined}
        aria-describedby={describedBy(p.name, p.errors, p.hint)}
      />
      {p.label}
    </label>
    <FieldMessages name={p.name} errors={p.errors} hint={p.hint} />
  </>
);

export const Csrf: FC<{ token: string }> = ({ token }) => <input type="hidden" name="_csrf" value={token} />;

/**
 * A one-button form for a destructive action: it posts to `action` once staff confirm `confirm`
 * (static/app.js asks; no `confirm`, no question).
 */
export const ConfirmedPost: FC<{
  action: string;
  csrf: string;
  confirm: string | undefined;
  label: string;
  /** The button's look; a quiet outline unless said otherwise. */
  button?: string;
  /** Laid out in the line of text around it (the default), or as a block. */
  inline?: boolean;
}> = (p) => (
  <form method="post" action={p.action} class={p.inline === false ? undefined : "inline-form"} data-confirm={p.confirm}>
    <Csrf token={p.csrf} />
    <button type="submit" class={p.button ?? "secondary outline"}>
      {p.label}
    </button>
  </form>
);

/** A summary above a form when it was refused, so the reason is seen even on a long form. */
export const FormErrors: FC<{ errors: FieldErrors }> = ({ errors }) => {
  const count = Object.keys(errors).length;
  if (!count) return null;
  return (
    <div class="flash bad" role="alert">
      {errors._ ?? `Please correct the ${count === 1 ? "field" : `${count} fields`} marked below.`}
    </div>
  );
};

/**
 * "Use template": re-renders the editor form (`form`, a selector) with the chosen template's
 * text through htmx, or as a plain submit to the same URL without JavaScript.
 */
export const UseTemplateButton: FC<{ formUrl: string; form: string }> = ({ formUrl, form }) => (
  <button
    type="submit"
    name="use_template"
    value="1"
    formaction={formUrl}
    class="secondary"
    hx-post={formUrl}
    hx-vals={JSON.stringify({ use_template: "1" })}
    hx-target={form}
    hx-swap="outerHTML"
  >
    Use template
  </button>
);
