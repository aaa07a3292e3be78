/** @jsxImportSource hono/jsx */
// "Previous / next" links that keep the current filters.
import type { FC } from "hono/jsx";

export function withParams(path: string, params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") search.set(k, String(v));
  const s = search.toString();
  return s ? `${path}?${s}` : path;
}

export const Pager: FC<{
  path: string;
  params: Record<string, string | number | undefined>;
  page: number;
  total: number;
  pageSize: number;
}> = ({ path, params, page, total, pageSize }) => {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav class="pager" aria-label="Pages">
      <a
        href={withParams(path, { ...params, page: page - 1 })}
        aria-disabled={page <= 1 ? "true" : undefined}
        rel="prev"
      >
        ← Previous
      </a>
      <span class="muted">
        Page {page} of {pages} · {total.toLocaleString("en")} in all
      </span>
      <a
        href={withParams(path, { ...params, page: page + 1 })}
        aria-disabled={page >= pages ? "true" : undefined}
        rel="next"
      >
        Next →
      </a>
    </nav>
  );
};
