import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { apiKeys, auditLog, jobs } from "../../src/db/schema.ts";
import { apiRequest, makeApiApp, rows } from "./support.ts";

const job = { name: "Oak Hill Elementary", type: "school", year: 2026 };

describe("API keys", () => {
  test("a call without a key is refused with 401, a JSON error and a Bearer challenge, and writes nothing", async () => {
    const t = await makeApiApp();
    const res = await apiRequest(t.app, "POST", "/jobs", { body: job });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(res.body).toEqual({ error: { message: expect.stringContaining("Authorization: Bearer"), fields: {} } });
    expect(await rows(t.db, jobs)).toBe(0);
  });

  test("a wrong key, another scheme, or a revoked key is refused with 401", async () => {
    const t = await makeApiApp();
    const wrong = await apiRequest(t.app, "GET", "/jobs", { key: `${t.key}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(wrong.body.error.message).toBe("This API key is not valid or has been revoked.");
    const basic = await apiRequest(t.app, "GET", "/jobs", {
      headers: { Authorization: `Basic ${btoa(`user:${t.key}`)}` },
    });
    expect(basic.status).toBe(401);

    expect((await t.get("/jobs")).status).toBe(200);
    await t.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, t.keyId));
    const revoked = await t.get("/jobs");
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.fields).toEqual({});
  });

  test("a key works with no cookie, no CSRF token and from any origin", async () => {
    const t = await makeApiApp();
    const res = await t.call("POST", "/jobs", job, { Origin: "https://shop.example.com" });
    expect(res.status).toBe(201);
    expect(res.headers.get("Set-Cookie")).toBeNull();
  });

  test("last use is recorded at most once a minute", async () => {
    const t = await makeApiApp({ now: new Date("2026-09-01T10:00:00Z") });
    const lastUsed = async () =>
      (await t.db.query.apiKeys.findFirst({ where: eq(apiKeys.id, t.keyId) }))!.lastUsedAt?.toISOString();
    expect(await lastUsed()).toBeUndefined();
    await t.get("/jobs");
    expect(await lastUsed()).toBe("2026-09-01T10:00:00.000Z");
    t.setNow(new Date("2026-09-01T10:00:59Z"));
    await t.get("/jobs");
    expect(await lastUsed()).toBe("2026-09-01T10:00:00.000Z");
    t.setNow(new Date("2026-09-01T10:01:00Z"));
    await t.get("/jobs");
    expect(await lastUsed()).toBe("2026-09-01T10:01:00.000Z");
  });

  test("writes are audited as done by the key", async () => {
    const t = await makeApiApp();
    const created = await t.post("/jobs", { ...job, external_id: "J-1" });
    await t.post("/jobs", { external_id: "J-1", name: "Oak Hill" });
    const log = await t.db.select().from(auditLog);
    expect(log.map((r) => [r.action, r.entityType, r.entityId, r.actorApiKeyId, r.actorUserId])).toEqual([
      ["created", "job", created.body.id, t.keyId, null],
      ["updated", "job", created.body.id, t.keyId, null],
    ]);
  });

  test("an unknown endpoint is a JSON 404 for a key holder and a 401 for anyone else", async () => {
    const t = await makeApiApp();
    const known = await t.post("/nothing-here", {});
    expect(known.status).toBe(404);
    expect(known.body).toEqual({ error: { message: "No such endpoint.", fields: {} } });
    expect((await apiRequest(t.app, "GET", "/nothing-here")).status).toBe(401);
  });
});
