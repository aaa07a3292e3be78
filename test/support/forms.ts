// What several test files post or run the same way: the Settings form with every field a save
// needs, and `pigeon <command>` as a process of its own.
import { join } from "node:path";

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
