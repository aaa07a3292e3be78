/** @jsxImportSource hono/jsx */
// "Save as template" on a message's page and a saved draft's: keeps its texts as last saved in the
// template library (one template per channel), then the library says where they went.
import { Csrf } from "./form.tsx";

export function SaveAsTemplateButton({ messageId, csrf }: { messageId: number; csrf: string }) {
  return (
    <form method="post" action={`/messages/${messageId}/save-as-template`} class="inline-form">
      <Csrf token={csrf} />
      <button
        type="submit"
        class="secondary outline"
        title="Keep this message's texts, as last saved, as templates to start from"
      >
        Save as template
      </button>
    </form>
  );
}
