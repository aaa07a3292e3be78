// Hostile requests a public install meets (issue 10): oversized bodies, what the logs keep of a
// failed query, and the headers that keep pages from being framed, scripted or cached.
import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createCustomer } from "../src/db/customers.ts";
import { customers } from "../src/db/schema.ts";
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
