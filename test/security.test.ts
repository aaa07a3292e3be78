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
      await t.db.insert(customers).values({ id: 1, firstName: "Secret\nmulti-line note", lastName: "Private-Surname", email: "anna@x.test" });
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
    const anna = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", phone: "+15551230001", consent: { email: true, sms: true } }, "test", t.deps.clock());
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
      const res = await b.request(path, { method: "POST", headers: { ...form, Origin: "http://localhost" }, body: `${big("email", 500)}&_csrf=${b.csrf}` });
      expect([path, res.status]).toEqual([path, 413]);
    }
    expect(await t.db.query.users.findMany()).toHaveLength(0);
    expect(await t.db.query.loginAttempts.findMany()).toHaveLength(0);
  });
});
