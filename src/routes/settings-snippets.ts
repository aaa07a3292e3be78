// Settings → Snippets (owner only, like all settings): list, add, edit and delete the studio's
// snippets. A delete is refused, naming the texts, while a notification, an unsent message or a
// template still uses the snippet: that text would otherwise be refused at its next save, or sent
// with a hole in it.
import { Hono } from "hono";
import { SnippetsPage, type SnippetsPageProps } from "../../views/settings-snippets.tsx";
import type { Flash, Values } from "../core/form-state.ts";
import { snippetInput, snippetText } from "../core/snippet-input.ts";
import { type FieldErrors, fieldErrors } from "../core/validation.ts";
import { audit } from "../db/audit.ts";
import { createSnippet, deleteSnippet, getSnippet, listSnippets, type Snippet, updateSnippet } from "../db/snippets.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { typedValues } from "../http/form-values.ts";
import { pathIdNumber } from "../http/path-id.ts";
import { requireOwner } from "../http/session.ts";

const DONE: Record<string, string> = {
  created: "Snippet added.",
  saved: "Snippet saved.",
  deleted: "Snippet deleted.",
};

async function page(
  c: Ctx,
  extra: Partial<Pick<SnippetsPageProps, "editing" | "values" | "errors" | "refused">> & { flash?: Flash } = {},
  status: 200 | 404 | 409 | 422 = 200,
) {
  const snippets = await listSnippets(c.get("deps").db);
  return c.html(
    SnippetsPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      snippets,
      values: {},
      errors: {},
      ...extra,
    }),
    status,
  );
}

const valuesOf = (s: Snippet): Values => ({ title: s.title, body: s.body });

async function snippetOr404(c: Ctx): Promise<Snippet | undefined> {
  const id = pathIdNumber(c.req.param("id"));
  return id === null ? undefined : getSnippet(c.get("deps").db, id);
}

const gone = (c: Ctx) =>
  page(c, { flash: { kind: "bad", text: "There is no such snippet. It may have been deleted." } }, 404);

export const settingsSnippetsRoutes = new Hono<AppEnv>()
  .use(requireOwner())
  .get("/", async (c) => {
    const done = DONE[c.req.query("done") ?? ""];
    const editId = pathIdNumber(c.req.query("edit") ?? "");
    const editing = editId === null ? undefined : await getSnippet(c.get("deps").db, editId);
    if (c.req.query("edit") !== undefined && !editing) return gone(c);
    return page(c, {
      editing,
      values: editing ? valuesOf(editing) : {},
      flash: done ? { kind: "ok", text: done } : null,
    });
  })
  .post("/", async (c) => {
    const { db, clock } = c.get("deps");
    const body = await c.req.parseBody();
    const values = typedValues(body);
    const parsed = snippetInput.safeParse(body);
    if (!parsed.success) return page(c, { values, errors: fieldErrors(parsed.error) }, 422);
    const created = await createSnippet(db, parsed.data, clock());
    if (!created) {
      const errors: FieldErrors = {
        key: `A snippet with the key “${parsed.data.key}” exists already. Choose another key, or edit that one.`,
      };
      return page(c, { values, errors }, 422);
    }
    await audit(db, { userId: c.get("user")!.id }, "created", "snippet", created.id, { key: created.key });
    return c.redirect("/settings/snippets?done=created", 303);
  })
  .post("/:id/delete", async (c) => {
    const { db } = c.get("deps");
    const s = await snippetOr404(c);
    if (!s) return gone(c);
    const result = await deleteSnippet(db, s.id);
    if (!result) return gone(c);
    if ("uses" in result) return page(c, { refused: { key: s.key, uses: result.uses } }, 409);
    await audit(db, { userId: c.get("user")!.id }, "deleted", "snippet", s.id, { key: s.key });
    return c.redirect("/settings/snippets?done=deleted", 303);
  })
  .post("/:id", async (c) => {
    const { db, clock } = c.get("deps");
    const s = await snippetOr404(c);
    if (!s) return gone(c);
    const body = await c.req.parseBody();
    const parsed = snippetText.safeParse(body);
    if (!parsed.success)
      return page(c, { editing: s, values: typedValues(body), errors: fieldErrors(parsed.error) }, 422);
    if (!(await updateSnippet(db, s.id, parsed.data, clock()))) return gone(c);
    await audit(db, { userId: c.get("user")!.id }, "updated", "snippet", s.id, { key: s.key });
    return c.redirect("/settings/snippets?done=saved", 303);
  });
