// Pigeon as deployed, for the page benchmarks: `bun src/main.ts serve` in its own process on a
// free loopback port over the bench's database, with an owner signed in, and a timed GET.
import { join } from "node:path";
import { createSession, createUser } from "../../src/db/auth.ts";
import type { Database } from "../../src/db/client.ts";

export type Served = {
  base: string;
  /** Milliseconds for one whole request as the signed-in owner, the body read to its end. */
  get(path: string, headers?: Record<string, string>): Promise<{ ms: number; html: string }>;
  /** Stops the server, so what the bench measures next in its own process has the machine. */
  stop(): Promise<void>;
};

/** Starts the server on `db` (killed when this process exits) and waits until it answers. */
export async function serveSignedIn(db: Database, now: Date): Promise<Served> {
  const user = await createUser(db, {
    email: "bench@example.com",
    name: "Bench",
    password: "bench password 1",
    role: "owner",
  });
  const token = await createSession(db, user.id, now, {});
  const url = String((await db.$client.execute("pragma database_list")).rows[0]?.file ?? "");
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  const server = Bun.spawn(["bun", join(import.meta.dir, "..", "..", "src", "main.ts"), "serve"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DATABASE_URL: `file:${url}`,
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SCHEDULER: "off",
      LOG_LEVEL: "warn",
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  process.on("exit", () => server.kill("SIGKILL"));
  const base = `http://127.0.0.1:${port}`;
  for (
    let waited = 0;
    !(await fetch(`${base}/login`).then(
      (r) => r.ok,
      () => false,
    ));
    waited += 50
  ) {
    if (waited > 60_000) throw new Error("the server did not answer within 60 s");
    await Bun.sleep(50);
  }
  const cookie = `pigeon_session=${token}`;
  return {
    base,
    async get(path, headers = {}) {
      const t = performance.now();
      const res = await fetch(`${base}${path}`, { headers: { Cookie: cookie, ...headers } });
      const html = await res.text();
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return { ms, html };
    },
    async stop() {
      server.kill("SIGTERM");
      await server.exited;
    },
  };
}
