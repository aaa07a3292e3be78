// Configuration, /healthz and the command line, as an operator meets them.
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../src/config.ts";
import { makeTestApp } from "./support/app.ts";

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
      loadConfig({ PORT: "70000", DATABASE_URL: "postgres://x", PUBLIC_URL: "not a url", TWILIO_ACCOUNT_SID: "AC123", RESEND_API_KEY: "re_x" });
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
});

describe("/healthz", () => {
  test("reports the database and the scheduler", async () => {
    const t = await makeTestApp();
    const res = await t.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "ok", scheduler: { enabled: true, last_tick_at: null } });
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
  const run = (...args: string[]) => {
    const p = Bun.spawnSync(["bun", join(import.meta.dir, "..", "src", "main.ts"), ...args], { env, cwd: join(import.meta.dir, "..") });
    return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
  };

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
    const p = Bun.spawnSync(["bun", join(import.meta.dir, "..", "src", "main.ts"), "migrate"], { env: { ...env, PORT: "eighty" }, cwd: join(import.meta.dir, "..") });
    expect(p.exitCode).toBe(78);
    expect(p.stderr.toString()).toContain("PORT must be a number");
  });

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
