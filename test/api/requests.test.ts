import { describe, expect, test } from "bun:test";
import { customers, jobs } from "../../src/db/schema.ts";
import { makeApiApp, rows } from "./support.ts";

describe("what the API accepts", () => {
  test("malformed JSON is a 400", async () => {
    const t = await makeApiApp();
    const res = await t.post("/jobs", '{"name": "Oak Hill",');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { message: "Body must be JSON", fields: {} } });
    expect(await rows(t.db, jobs)).toBe(0);
  });

  test("JSON that is not an object is a 400", async () => {
    const t = await makeApiApp();
    const res = await t.post("/customers", [{ first_name: "Ann" }]);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Body must be a JSON object");
  });

  test("a body that is not JSON by its content type is a 415", async () => {
    const t = await makeApiApp();
    const form = await t.call("POST", "/jobs", "name=Oak", { "Content-Type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect(form.body.error.message).toContain("application/json");
    const none = await t.call("POST", "/customers", undefined);
    expect(none.status).toBe(415);
    const charset = await t.call(
      "POST",
      "/jobs",
      { name: "Oak" },
      { "Content-Type": "application/json; charset=utf-8" },
    );
    expect(charset.status).toBe(201);
  });

  test("a body over 1 MB is a 413", async () => {
    const t = await makeApiApp();
    const res = await t.post("/customers", { first_name: "Ann", notes: "x".repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { message: "Body must be at most 1 MB.", fields: {} } });
    expect(await rows(t.db, customers)).toBe(0);
  });

  test("unknown fields are ignored", async () => {
    const t = await makeApiApp();
    const res = await t.post("/jobs", { name: "Oak Hill", shop_reference: "abc", nested: { anything: true } });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("Oak Hill");
    expect(res.body).not.toHaveProperty("shop_reference");
  });
});
