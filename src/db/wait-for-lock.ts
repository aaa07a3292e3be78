// libSQL's embedded driver is synchronous: a statement that finds the database locked either
// fails at once (busy timeout 0) or blocks the whole event loop while it waits — and with it
// the very transaction it waits for. So we never let the driver wait. A call that finds the
// connection held by an open transaction (TRANSACTION_ACTIVE) or the file locked by another
// process (SQLITE_BUSY) is retried after an asynchronous pause, which lets the holder finish.
import type { Client } from "@libsql/client";

const RETRYABLE = new Set(["TRANSACTION_ACTIVE", "SQLITE_BUSY", "SQLITE_LOCKED"]);
const GIVE_UP_AFTER_MS = 20_000;

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string; rawCode?: number })?.code;
  return typeof code === "string" && (RETRYABLE.has(code) || code.startsWith("SQLITE_BUSY"));
}

/** Runs `call`, waiting and trying again while the database is locked. */
export async function retrying<T>(call: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let pause = 1;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!isRetryable(err) || Date.now() - started > GIVE_UP_AFTER_MS) throw err;
      await Bun.sleep(pause);
      pause = Math.min(pause * 2, 25);
    }
  }
}

/** The same client, whose calls wait (asynchronously) for a lock instead of failing or blocking. */
export function waitingForLocks(client: Client): Client {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (
        prop === "execute" ||
        prop === "batch" ||
        prop === "transaction" ||
        prop === "migrate" ||
        prop === "executeMultiple"
      ) {
        return (...args: unknown[]) =>
          retrying(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
