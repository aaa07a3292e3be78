// Hostile requests a public install meets (issue 10): oversized bodies, what the logs keep of a
// failed query, and the headers that keep pages from being framed, scripted or cached.
import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createCustomer } from "../src/db/customers.ts";
import { signLinkToken } from "../src/core/link-tokens.ts";
import { customers, suppressions } from "../src/db/schema.ts";
import { linkSigningSecret } from "../src/db/secrets.ts";
import { jsonLogger } from "../src/log.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";

describe("logs of failed queries", () => {
  test("a query that fails in a request is logged with its SQL but without the values bound to it", async () => {
    const lines: string[] = [];
    const t = await makeTestApp({ log: jsonLogger("debug", (l) => lines.push(l)) });
    const b = await signedInOwner(t);
    await t.db.run(sql`alter table jobs rename to jobs_gone`);
    const res = await b.get("/jobs?q=Lisa-Private-Search");
    expect(res.status).toBe(500);
    const logged = lines.join("");
    expect(logged).toContain("request failed");
    expect(logged).toContain("Failed query: select");
    expect(logged).toContain("no such table: jobs");
    expect(logged).not.toContain("Lisa-Private-Search");
  });

  test("a failed write logged the way the background loops log it keeps no customer data", async () => {
    const lines: string[] = [];
    const log = jsonLogger("debug", (l) => lines.push(l));
    const t = await makeTestApp();
    await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test" }, "test", new Date());
    let err: unknown;
    try {
      // A duplicate e-mail: the statement fails with every value of the row bound to it.
      await t.db
        .insert(customers)
        .values({ id: 1, firstName: "Secret\nmulti-line note", lastName: "Private-Surname", email: "anna@x.test" });
    } catch (e) {
      err = e;
    }
    expect(String(err)).toContain("Private-Surname");
    log("error", "dispatcher tick failed", { error: String(err), stack: (err as Error).stack, cause: err });
    const logged = lines.join("");
    expect(logged).toContain("Failed query: insert into");
    expect(logged).not.toContain("Private-Surname");
    expect(logged).not.toContain("multi-line note");
  });
});

describe("body limits", () => {
  async function customerLinks() {
    const t = await makeTestApp();
    const anna = await createCustomer(
      t.db,
      { first_name: "Anna", email: "anna@x.test", phone: "+15551230001", consent: { email: true, sms: true } },
      "test",
      t.deps.clock(),
    );
    const secret = await linkSigningSecret(t.db, undefined, t.deps.clock());
    const expiresAt = new Date(t.deps.clock().getTime() + 24 * 3600_000);
    return {
      t,
      unsubscribe: `/u/${signLinkToken(secret, { purpose: "unsubscribe", customerId: anna.id })}`,
      preferences: `/p/${signLinkToken(secret, { purpose: "preferences", customerId: anna.id, expiresAt })}`,
    };
  }
  const big = (field: string, kb: number) => `${field}=${"x".repeat(kb * 1024)}`;
  const form = { "Content-Type": "application/x-www-form-urlencoded" };

  test("a 1 MB post to a customer link is refused with 413 and changes nothing", async () => {
    const { t, unsubscribe, preferences } = await customerLinks();
    for (const url of [unsubscribe, preferences]) {
      const res = await t.app.request(url, { method: "POST", headers: form, body: big("List-Unsubscribe", 1024) });
      expect([url, res.status]).toEqual([url, 413]);
      expect(await res.text()).toContain("too large");
    }
    expect(await t.db.select().from(suppressions)).toHaveLength(0);
    // A one-click unsubscribe of ordinary size still works.
    const ok = await t.app.request(unsubscribe, { method: "POST", headers: form, body: "List-Unsubscribe=One-Click" });
    expect(ok.status).toBe(200);
  });

  test("login and setup forms take a few kilobytes, not the megabyte other staff forms may use", async () => {
    const t = await makeTestApp();
    const b = t.browser();
    await b.get("/setup");
    for (const path of ["/setup", "/login"]) {
      const res = await b.request(path, {
        method: "POST",
        headers: { ...form, Origin: "http://localhost" },
        body: `${big("email", 500)}&_csrf=${b.csrf}`,
      });
      expect([path, res.status]).toEqual([path, 413]);
    }
    expect(await t.db.query.users.findMany()).toHaveLength(0);
    expect(await t.db.query.loginAttempts.findMany()).toHaveLength(0);
  });
});

describe("headers", () => {
  test("staff pages carry a Content-Security-Policy without inline or eval'd script, and are never cached", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    for (const path of ["/", "/customers", "/messages/new", "/outbox", "/login"]) {
      const res = await b.request(path);
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      expect([path, csp]).toEqual([path, expect.stringContaining("script-src 'self'")]);
      expect(csp).not.toContain("unsafe-eval");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect([path, res.headers.get("Cache-Control")]).toEqual([path, "no-store"]);
    }
    // Static files stay cacheable.
    expect((await b.request("/static/app.js")).headers.get("Cache-Control")).toContain("immutable");
  });

  test("/static/ serves only its own files: inherited names like constructor are 404, not an empty immutable 200", async () => {
    const t = await makeTestApp();
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      const res = await t.app.request(`/static/${name}`);
      expect([name, res.status, res.headers.get("ETag"), res.headers.get("Cache-Control")]).toEqual([
        name,
        404,
        null,
        null,
      ]);
    }
    for (const [name, type] of [
      ["app.js", "text/javascript; charset=utf-8"],
      ["app.css", "text/css; charset=utf-8"],
      ["pigeon.svg", "image/svg+xml"],
    ]) {
      const res = await t.app.request(`/static/${name}`);
      expect([name, res.status, res.headers.get("Content-Type")]).toEqual([name, 200, type]);
      expect(res.headers.get("ETag")).toMatch(/^"[0-9a-f]{16}"$/);
      expect((await res.text()).length).toBeGreaterThan(100);
    }
  });

  test("customer link pages carry the policy and are never cached", async () => {
    const t = await makeTestApp();
    const anna = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test" }, "test", t.deps.clock());
    const secret = await linkSigningSecret(t.db, undefined, t.deps.clock());
    const url = `/p/${signLinkToken(secret, { purpose: "preferences", customerId: anna.id, expiresAt: new Date(t.deps.clock().getTime() + 3600_000) })}`;
    const res = await t.app.request(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'self'");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  test("no page the app renders has an inline script or an hx-on handler the policy would block", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = `${import.meta.dir}/../views`;
    for (const file of readdirSync(dir)) {
      const text = readFileSync(`${dir}/${file}`, "utf8");
      expect([file, /hx-on[:-]/.test(text)]).toEqual([file, false]);
      expect([file, /<script>|<script\s+(?![^>]*\bsrc=)[^>]*>/.test(text)]).toEqual([file, false]);
    }
  });
});
