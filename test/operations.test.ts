// Configuration, /healthz and the command line, as an operator meets them.
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../src/config.ts";
import { makeTestApp } from "./support/app.ts";
import { runPigeon } from "./support/forms.ts";

describe("configuration", () => {
  test("nothing set means a local install: file database, dev outbox, port 3000", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe("file:./data/pigeon.db");
    expect(c.publicUrl).toBe("http://localhost:3000");
    expect(c.resend).toBeUndefined();
    expect(c.twilio).toBeUndefined();
  });

  test("every bad variable is reported on its own line", () => {
    try {
      loadConfig({
        PORT: "70000",
        DATABASE_URL: "postgres://x",
        PUBLIC_URL: "not a url",
        TWILIO_ACCOUNT_SID: "AC123",
        RESEND_API_KEY: "re_x",
      });
      throw new Error("expected a ConfigError");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join("\n");
      expect(problems).toContain("PORT must be between 0 and 65535");
      expect(problems).toContain("DATABASE_URL must start with file:");
      expect(problems).toContain("PUBLIC_URL must be a full URL");
      expect(problems).toContain("TWILIO_ACCOUNT_SID must look like AC followed by 32 hex digits");
    }
  });

  test("provider settings come together or not at all", () => {
    const problems = (() => {
      try {
        loadConfig({ TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`, RESEND_API_KEY: "re_123" });
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    })();
    expect(problems.join("\n")).toContain("TWILIO_AUTH_TOKEN is required when TWILIO_ACCOUNT_SID is set");
    expect(problems.join("\n")).toContain("EMAIL_FROM is required when RESEND_API_KEY is set");
  });

  test("with Resend on, PUBLIC_URL must be https, since every e-mail's unsubscribe link points at it", () => {
    const resend = { RESEND_API_KEY: "re_123", EMAIL_FROM: "Studio <hi@studio.test>" };
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...resend, ...env });
        return "";
      } catch (err) {
        return (err as ConfigError).problems.join("\n");
      }
    };
    const unset = problems({});
    expect(unset).toContain("PUBLIC_URL is required when RESEND_API_KEY is set, e.g. https://studio.example.com");
    expect(unset).toContain("RFC 8058 requires https");
    expect(unset).toContain("ALLOW_HTTP_PUBLIC_URL=true allows http, for local testing only");
    expect(problems({ PUBLIC_URL: "http://studio.example.com" })).toContain(
      "PUBLIC_URL must be https when RESEND_API_KEY is set",
    );
    expect(problems({ PUBLIC_URL: "http://studio.example.com" })).toContain('(got "http://studio.example.com")');
    expect(problems({ PUBLIC_URL: "http://localhost:3000", ALLOW_HTTP_PUBLIC_URL: "yes" })).toContain(
      "ALLOW_HTTP_PUBLIC_URL must be true or false",
    );
    // A URL that is not one at all gets that one line, not a second about https.
    expect(
      problems({ PUBLIC_URL: "studio.example.com" })
        .split("\n")
        .filter((p) => p.startsWith("PUBLIC_URL")),
    ).toEqual(['PUBLIC_URL must be a full URL, e.g. https://studio.example.com (got "studio.example.com")']);

    expect(loadConfig({ ...resend, PUBLIC_URL: "https://studio.example.com/" })).toMatchObject({
      publicUrl: "https://studio.example.com",
      httpsLinksOnly: true,
    });
    expect(loadConfig({ ...resend, PUBLIC_URL: "http://localhost:3000", ALLOW_HTTP_PUBLIC_URL: "true" })).toMatchObject(
      { publicUrl: "http://localhost:3000", httpsLinksOnly: false },
    );
    // Without Resend, mail stays in the dev outbox: a local http address is fine.
    expect(loadConfig({ PUBLIC_URL: "http://localhost:3000" }).httpsLinksOnly).toBe(false);
  });
});

describe("/healthz", () => {
  test("reports the database and the scheduler", async () => {
    const t = await makeTestApp();
    const res = await t.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      database: "ok",
      scheduler: { enabled: true, last_tick_at: null },
    });
  });

  test("a scheduler that stopped ticking makes it 503", async () => {
    const t = await makeTestApp();
    t.deps.health.schedulerLastTickAt = new Date(t.deps.clock().getTime() - 10 * 60_000);
    const res = await t.app.request("/healthz");
    expect(res.status).toBe(503);
    expect((await res.json()).status).toBe("degraded");
  });
});

describe("command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "pigeon-cli-"));
  const env = { ...process.env, DATABASE_URL: `file:${join(dir, "db", "pigeon.db")}` };
  const run = (...args: string[]) => runPigeon(env, ...args);

  test("help, unknown commands and bad options", () => {
    const help = run("--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("create-api-key --name N");
    expect(run("create-owner", "--help").out).toContain("Usage: pigeon create-owner");
    const unknown = run("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command "frobnicate"');
    const bad = run("create-owner", "--email", "nope", "--password", "short");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--email: must be an e-mail address");
    expect(bad.err).toContain("--password: must be at least 10 characters");
  });

  test("bad configuration exits 78 naming the variable", () => {
    const p = Bun.spawnSync(["bun", join(import.meta.dir, "..", "src", "main.ts"), "migrate"], {
      env: { ...env, PORT: "eighty" },
      cwd: join(import.meta.dir, ".."),
    });
    expect(p.exitCode).toBe(78);
    expect(p.stderr.toString()).toContain("PORT must be a number");
  });

  test("Resend with an http PUBLIC_URL exits 78 naming PUBLIC_URL, unless ALLOW_HTTP_PUBLIC_URL=true", () => {
    const resend = {
      ...env,
      RESEND_API_KEY: "re_123",
      EMAIL_FROM: "Studio <hi@studio.test>",
      PUBLIC_URL: "http://studio.example.com",
    };
    const cli = (extra: Record<string, string>) =>
      Bun.spawnSync(["bun", join(import.meta.dir, "..", "src", "main.ts"), "migrate"], {
        env: { ...resend, ...extra },
        cwd: join(import.meta.dir, ".."),
      });
    const refused = cli({});
    expect(refused.exitCode).toBe(78);
    expect(refused.stderr.toString()).toContain(
      "PUBLIC_URL must be https when RESEND_API_KEY is set, e.g. https://studio.example.com: every e-mail's one-click unsubscribe link points at it, and RFC 8058 requires https",
    );
    const allowed = cli({ ALLOW_HTTP_PUBLIC_URL: "true" });
    expect(allowed.exitCode).toBe(0);
    expect(allowed.stdout.toString()).toContain("Database is up to date.");
  }, 300_000); // two cold starts of bun; the machine may be busy

  test("migrate, create-owner, create-api-key, demo and backup work on a new database", () => {
    expect(run("migrate").out).toContain("Database is up to date.");
    const owner = run("create-owner", "--email", "boss@studio.test", "--password", "a long password");
    expect(owner.code).toBe(0);
    expect(run("create-owner", "--email", "two@studio.test", "--password", "a long password").code).toBe(1);
    const key = run("create-api-key", "--name", "shop");
    expect(key.code).toBe(0);
    expect(key.out.trim().split("\n").at(-1)).toMatch(/^pgn_[\w-]{40}$/);
    expect(run("demo").out).toContain("Demo data loaded: 7 jobs");
    expect(run("demo").code).toBe(1);
    const backup = run("backup", join(dir, "backup.db"));
    expect(backup.code).toBe(0);
    expect(Bun.file(join(dir, "backup.db")).size).toBeGreaterThan(100_000);
    expect(run("backup", join(dir, "backup.db")).code).toBe(1);
  });
});
