// `pigeon worker` as a real process of its own (bun src/main.ts worker), for the tests that kill,
// freeze or run several of them: configured only from the environment, like a deployment.
import { afterAll } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { count, sql } from "drizzle-orm";
import { type Database, migrateDatabase, openDatabase } from "../../src/db/client.ts";
import { deliveries } from "../../src/db/schema.ts";
import type { FakeResend } from "../fakes/fake-resend.ts";
import type { FakeTwilio } from "../fakes/fake-twilio.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

/** The environment of a process on database `url` sending through the fakes given. */
export function workerEnv(opts: {
  url: string;
  resend?: FakeResend;
  twilio?: FakeTwilio;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    DATABASE_URL: opts.url,
    PUBLIC_URL: "https://pigeon.test",
    LOG_LEVEL: "warn",
    ...(opts.resend && {
      RESEND_API_KEY: opts.resend.apiKey,
      RESEND_BASE_URL: opts.resend.url,
      EMAIL_FROM: "Studio <hello@studio.test>",
    }),
    ...(opts.twilio && {
      TWILIO_ACCOUNT_SID: opts.twilio.accountSid,
      TWILIO_AUTH_TOKEN: opts.twilio.authToken,
      TWILIO_FROM: "+15550001111",
      TWILIO_BASE_URL: opts.twilio.url!,
    }),
    ...opts.extra,
  };
}

/** Starts `pigeon <command>` (default `worker`) with only this environment (and PATH/HOME). */
export function startWorker(env: Record<string, string>, command = "worker") {
  return Bun.spawn(["bun", MAIN, command], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdout: "ignore",
    stderr: "inherit",
  });
}

/** `startWorker` for a test file: every process it starts is killed (SIGKILL) when the file ends, pass or fail. */
export function workersKilledAfterAll(): typeof startWorker {
  const started: ReturnType<typeof startWorker>[] = [];
  afterAll(() => {
    for (const p of started) p.kill("SIGKILL");
  });
  return (env, command) => {
    const p = startWorker(env, command);
    started.push(p);
    return p;
  };
}

/** A migrated database file in a new temporary folder, for processes to share by its `url`. */
export async function fileDatabase(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const url = `file:${join(dir, "pigeon.db")}`;
  const db = await openDatabase(url);
  await migrateDatabase(db);
  return { dir, url, db };
}

/** How many deliveries are still open (queued, sending, or waiting): 0 once every one is settled. */
export async function openDeliveries(db: Database): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(deliveries)
    .where(sql`${deliveries.status} not in ('sent', 'failed', 'skipped', 'held')`);
  return row!.n;
}
