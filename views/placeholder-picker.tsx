/** @jsxImportSource hono/jsx */
// The placeholder list beside a message editor: click one to insert it at the cursor (static/app.js
// handles `.ph` buttons). Shared by the profile editor and the one-time message form.
import type { Child } from "hono/jsx";
import type { Placeholder } from "../src/core/placeholders.ts";

export function PlaceholderPicker(p: {
  summary: string;
  placeholders: Placeholder[];
  examples?: boolean;
  children?: Child;
}) {
  return (
    <details class="placeholder-picker">
      <summary>{p.summary}</summary>
      <small>
        Click one to insert it at the cursor. A fallback covers blank values:{" "}
        <code>{'{{customer.first_name | "there"}}'}</code>. {p.children}
      </small>
      <ul>
        {p.placeholders.map((ph) => (
          <li>
            <button
              type="button"
              class="ph"
              data-placeholder={`{{${ph.key}}}`}
              title={`Insert ${ph.description.toLowerCase()}`}
            >
              <code>{`{{${ph.key}}}`}</code>
            </button>
            <span>{ph.description}</span>
            {p.examples && <small>e.g. {ph.example}</small>}
          </li>
        ))}
      </ul>
    </details>
  );
}
