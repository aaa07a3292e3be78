// An app on a fresh in-memory database with one API key, and a small JSON client for it.
import { count } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { createApiKey } from "../../src/db/auth.ts";
import type { Db } from "../../src/db/client.ts";
import { makeTestApp } from "../support/app.ts";

// The API's JSON as the tests read it: each assertion checks the fields it reads.
// oxlint-disable-next-line typescript/no-explicit-any
export type ApiResponse = { status: number; headers: Headers; body: any };

/** Sends one request to /api/v1 and reads the JSON answer. */
export async function apiRequest(
  app: { request: (url: string, init: RequestInit) => Response | Promise<Response> },
  method: string,
  path: string,
  opts: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await app.request(`http://localhost/api/v1${path}`, {
    method,
    headers: { ...headers, ...opts.headers },
    body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body };
}

export async function makeApiApp(opts: { now?: Date } = {}) {
  const t = await makeTestApp(opts);
  const { key, row } = await createApiKey(t.db, "test", null);
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    apiRequest(t.app, method, path, { key, body, headers });
  return {
    ...t,
    key,
    keyId: row.id,
    call,
    get: (path: string) => call("GET", path),
    post: (path: string, body: unknown) => call("POST", path, body),
    put: (path: string, body: unknown) => call("PUT", path, body),
  };
}

export type ApiApp = Awaited<ReturnType<typeof makeApiApp>>;

export async function rows(db: Db, table: SQLiteTable): Promise<number> {
  const [r] = await db.select({ n: count() }).from(table);
  return r!.n;
}

/** The `error.fields` a 422 (or other 4xx) answer carries. */
export function fieldsOf(res: ApiResponse): Record<string, string> {
  return res.body?.error?.fields;
}
