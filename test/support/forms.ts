// What several test files post, read or run the same way: a form whose fields may repeat, a
// page's text as a reader sees it, the Settings form with every field a save needs, and
// `pigeon <command>` as a process of its own.
import { join } from "node:path";
import type { Browser } from "./app.ts";

const ROOT = join(import.meta.dir, "..", "..");

/** The Settings form as a studio in France fills it; `fields` replace or add fields. */
export function settingsForm(fields: Record<string, string> = {}): Record<string, string> {
  return {
    name: "Atelier",
    brand_color: "#2f6fdf",
    time_zone: "Europe/Paris",
    send_window_start: "09:00",
    send_window_end: "20:00",
    stagger_batch_size: "500",
    stagger_interval_seconds: "60",
    overdue_hold_minutes: "120",
    late_grace_hours: "24",
    country: "FR",
    currency: "EUR",
    locale: "fr",
    ...fields,
  };
}

/** Runs `pigeon <args>` on database `file` (bun src/main.ts) and answers its exit code and output. */
export function runPigeon(env: Record<string, string | undefined>, ...args: string[]) {
  const p = Bun.spawnSync(["bun", join(ROOT, "src", "main.ts"), ...args], { env, cwd: ROOT });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

/** Posts a form whose fields may repeat (multi-selects, checkboxes), with the CSRF token as a browser sends it. */
export async function postForm(
  b: Browser,
  path: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  body.set("_csrf", b.csrf);
  const res = await b.request(path, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost", ...headers },
  });
  return { status: res.status, text: await res.text(), location: res.headers.get("Location"), headers: res.headers };
}

/** A page's text as a reader sees it: tags gone, the entities hono/jsx writes decoded, spaces collapsed. */
export const pageText = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
