import type { Db } from "./client.ts";

export type DemoResult = { loaded: true; counts: Record<string, number> } | { loaded: false; reason: string };

/** Placeholder: filled in below. */
export async function loadDemoData(_db: Db, _now: Date): Promise<DemoResult> {
  return { loaded: false, reason: "Demo data is not available yet." };
}
