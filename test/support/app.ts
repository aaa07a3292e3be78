// Builds the whole app on a fresh migrated in-memory libSQL database (or the `file:` one given),
// with a settable clock, and a small browser-like client that keeps cookies and echoes the CSRF token.
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { ensureBuiltinProfiles } from "../../src/db/builtin-profiles.ts";
import { migrateDatabase, openDatabase } from "../../src/db/client.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { createDeps } from "../../src/deps.ts";
import { type Logger, silentLogger } from "../../src/log.ts";

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

/** `url` puts it on a database file instead (data-safety tests, the webhook storm); `log` lets a test read the logs. */
export async function makeTestApp(opts: { now?: Date; env?: Record<string, string>; url?: string; log?: Logger } = {}) {
  const db = await openDatabase(opts.url ?? ":memory:");
  await migrateDatabase(db);
  let now = opts.now ?? new Date("2026-09-01T10:00:00Z");
  await ensureBuiltinProfiles(db, now);
  // The rate budget runs on the database's real clock, and a pass that finds no whole token claims
  // nothing. A test that is not about pacing must never meet it, however fast it ticks: each test
  // starts with a full bucket, and at these rates it holds 4,750 requests (a twentieth of a
  // second's worth, pacing.ts), more than any such test sends. test/rate-limits.test.ts and the
  // fault tests set their own.
  await updateSettings(db, { emailRatePerSecond: 100_000, smsRatePerSecond: 100_000 }, now);
  const deps = createDeps({
    db,
    config: loadConfig({ PUBLIC_URL: "http://localhost", ...opts.env }),
    clock: () => now,
    log: opts.log ?? silentLogger,
  });
  const app = createApp(deps);
  return {
    app,
    deps,
    db,
    setNow: (d: Date) => {
      now = d;
    },
    browser: () => new Browser(app),
  };
}

/** A cookie-keeping client that behaves like a same-origin browser tab. */
export class Browser {
  cookies = new Map<string, string>();
  csrf = "";
  /** `app` is the app in memory (its `request`), or anything that answers requests the same way. */
  constructor(private app: { request(url: string, init?: RequestInit): Response | Promise<Response> }) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await this.app.request(`http://localhost${path}`, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = pair!.split("=");
      if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name!);
      else this.cookies.set(name!, value.join("="));
    }
    return res;
  }

  /** GET a page and remember the CSRF token it carries, as a browser holding the form would. */
  async get(path: string, headers: Record<string, string> = {}) {
    const res = await this.request(path, { headers });
    const text = await res.text();
    const token = text.match(/name="_csrf" value="([^"]+)"/)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, text, headers: res.headers };
  }

  /** POST a form from this origin, with the CSRF token unless told otherwise. */
  async post(path: string, fields: Record<string, string>, opts: { csrf?: string | null; origin?: string } = {}) {
    const body = new URLSearchParams({ ...fields });
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null) body.set("_csrf", token);
    const res = await this.request(path, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: opts.origin ?? "http://localhost" },
    });
    const text = await res.text();
    return { status: res.status, text, location: res.headers.get("Location"), headers: res.headers };
  }
}

export const OWNER = {
  studio_name: "Sunny Side Photo",
  name: "Olivia Owner",
  email: "owner@sunny.test",
  password: "correct horse battery",
};

/** Runs first-run setup and returns a signed-in browser. */
export async function signedInOwner(t: TestApp): Promise<Browser> {
  const b = t.browser();
  await b.get("/setup");
  const res = await b.post("/setup", OWNER);
  if (res.status !== 303) throw new Error(`setup failed: ${res.status} ${res.text.slice(0, 500)}`);
  await b.get("/");
  return b;
}
