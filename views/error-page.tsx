/** @jsxImportSource hono/jsx */
// The page every refused or failed request shows (src/http/errors.ts): what went wrong, the way back.
import type { User } from "../src/db/schema.ts";
import { Page } from "./layout.tsx";

export function ErrorPage(p: { csrf: string; status: number; message: string; hint?: string; user?: User | null }) {
  const titles: Record<number, string> = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    413: "Too large",
    429: "Too many attempts",
  };
  return (
    <Page title={titles[p.status] ?? "Something went wrong"} user={p.user ?? null} csrf={p.csrf}>
      <div class="error-page">
        <h1>{titles[p.status] ?? "Something went wrong"}</h1>
        <p>{p.message}</p>
        {p.hint && <p>{p.hint}</p>}
        <p>
          <a href="/">Back to the dashboard</a>
        </p>
      </div>
    </Page>
  );
}
