import { describe, expect, test } from "bun:test";
import { makeTestApp, OWNER, signedInOwner } from "./support/app.ts";

describe("first-run setup", () => {
  test("a fresh install sends every visitor to setup, then setup creates the owner and signs in", async () => {
    const t = await makeTestApp();
    const b = t.browser();
    const home = await b.request("/");
    expect(home.status).toBe(303);
    expect(home.headers.get("Location")).toBe("/login?next=%2F");
    const login = await b.request("/login");
    expect(login.headers.get("Location")).toBe("/setup");
    await b.get("/setup");
    const res = await b.post("/setup", OWNER);
    expect(res.status).toBe(303);
    const dash = await b.get("/");
    expect(dash.status).toBe(200);
    expect(dash.text).toContain("Sunny Side Photo");
    expect(dash.text).toContain("Load demo data");
    // Setup is closed once an owner exists.
    const again = await t.browser().request("/setup");
    expect(again.headers.get("Location")).toBe("/login");
  });

  test("bad setup input is answered beside the fields and keeps what was typed", async () => {
    const t = await makeTestApp();
    const b = t.browser();
    await b.get("/setup");
    const res = await b.post("/setup", {
      studio_name: "Sunny <b>Side</b>",
      name: "",
      email: "not-an-email",
      password: "short",
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain("Your name is required");
    expect(res.text).toContain("must be an e-mail address");
    expect(res.text).toContain("must be at least 10 characters");
    expect(res.text).toContain('value="Sunny &lt;b&gt;Side&lt;/b&gt;"');
    expect(res.text).toContain('value="not-an-email"');
    expect(await t.db.query.users.findMany()).toHaveLength(0);
  });
});

describe("login", () => {
  test("an anonymous page visit goes to login and comes back after signing in", async () => {
    const t = await makeTestApp();
    await signedInOwner(t);
    const b = t.browser();
    const res = await b.request("/jobs?status=selling");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/login?next=%2Fjobs%3Fstatus%3Dselling");
    await b.get("/login?next=%2Fjobs%3Fstatus%3Dselling");
    const login = await b.post("/login", {
      email: OWNER.email,
      password: OWNER.password,
      next: "/jobs?status=selling",
    });
    expect(login.status).toBe(303);
    expect(login.location).toBe("/jobs?status=selling");
    expect((await b.get("/jobs")).status).toBe(200);
  });

  test("the session cookie is HttpOnly and SameSite, and is rotated at login", async () => {
    const t = await makeTestApp();
    await signedInOwner(t);
    const b = t.browser();
    await b.get("/login");
    b.cookies.set("pigeon_session", "planted-by-attacker");
    const res = await b.request("/login", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "http://localhost",
        Cookie: `pigeon_pre=${b.cookies.get("pigeon_pre")}`,
      },
      body: new URLSearchParams({ email: OWNER.email, password: OWNER.password, _csrf: b.csrf }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("pigeon_session="))!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("planted-by-attacker");
  });

  test("an open redirect through next is refused", async () => {
    const t = await makeTestApp();
    await signedInOwner(t);
    const b = t.browser();
    await b.get("/login");
    const res = await b.post("/login", { email: OWNER.email, password: OWNER.password, next: "//evil.example/x" });
    expect(res.location).toBe("/");
  });

  test("wrong passwords are throttled per account, even with the right password afterwards", async () => {
    const t = await makeTestApp();
    await signedInOwner(t);
    const b = t.browser();
    await b.get("/login");
    for (let i = 0; i < 5; i++) {
      const res = await b.post("/login", { email: OWNER.email, password: "wrong password" });
      expect(res.status).toBe(401);
      expect(res.text).toContain("do not match");
    }
    const locked = await b.post("/login", { email: OWNER.email, password: OWNER.password });
    expect(locked.status).toBe(429);
    expect(locked.text).toContain("Too many failed attempts. Try again in 15 minutes.");
    expect(locked.text).toContain(`value="${OWNER.email}"`);
    // After the lock expires the right password works again.
    t.setNow(new Date(t.deps.clock().getTime() + 16 * 60_000));
    const ok = await b.post("/login", { email: OWNER.email, password: OWNER.password });
    expect(ok.status).toBe(303);
  });

  test("empty login fields are named", async () => {
    const t = await makeTestApp();
    await signedInOwner(t);
    const b = t.browser();
    await b.get("/login");
    const res = await b.post("/login", { email: "", password: "" });
    expect(res.status).toBe(422);
    expect(res.text).toContain("E-mail is required");
    expect(res.text).toContain("Password is required");
  });

  test("logout ends the session on the server", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const stolen = b.cookies.get("pigeon_session")!;
    await b.post("/logout", {});
    const thief = t.browser();
    thief.cookies.set("pigeon_session", stolen);
    expect((await thief.request("/jobs")).status).toBe(303);
  });
});

describe("CSRF", () => {
  test("a cross-origin POST is refused with 403 and changes nothing", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const res = await b.post("/jobs", { name: "Evil job", type: "school" }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.text).toContain("sent from another site");
    expect(await t.db.query.jobs.findMany()).toHaveLength(0);
  });

  test("a same-origin POST without the session's token is refused", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const res = await b.post("/jobs", { name: "No token", type: "school" }, { csrf: null });
    expect(res.status).toBe(403);
    const wrong = await b.post("/jobs", { name: "Wrong token", type: "school" }, { csrf: "x".repeat(43) });
    expect(wrong.status).toBe(403);
    expect(await t.db.query.jobs.findMany()).toHaveLength(0);
  });

  test("htmx requests pass with the X-CSRF-Token header the layout sets", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const page = await b.get("/jobs");
    expect(page.text).toContain(`hx-headers:inherited="{&quot;X-CSRF-Token&quot;:&quot;${b.csrf}&quot;}"`);
    const res = await b.request("/jobs", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
        "X-CSRF-Token": b.csrf,
        Origin: "http://localhost",
      },
      body: new URLSearchParams({ name: "Via htmx", type: "school", year: "2026" }),
    });
    expect(res.status).toBe(303);
  });
});

describe("hostile login and setup input (issue 10)", () => {
  test("next resolves against our own origin: tab, newline, //, /\\, absolute and javascript: land on /", async () => {
    const t = await makeTestApp();
    await signedInOwner(t);
    const b = t.browser();
    // %2F%09%2F is "/\t/": browsers drop the tab and read "//evil.example/phish" as another host.
    const hostile = [
      "/\t/evil.example/phish",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "//evil",
      "/\\evil",
      "https://evil",
      "javascript:alert(1)",
      "http://localhost.evil.example/x",
      " //evil",
      "/.//evil",
      "/a/..//evil",
    ];
    for (const next of hostile) {
      const page = await b.get(`/login?next=${encodeURIComponent(next)}`);
      expect([next, page.status]).toEqual([next, 200]);
      expect(page.text).toContain('name="next" value="/"');
    }
    for (const next of hostile) {
      const fresh = t.browser();
      await fresh.get("/login");
      const res = await fresh.post("/login", { email: OWNER.email, password: OWNER.password, next });
      expect([next, res.status, res.location]).toEqual([next, 303, "/"]);
    }
    // A signed-in visitor is sent on at once: the same rule applies.
    await b.post("/login", { email: OWNER.email, password: OWNER.password });
    const res = await b.request(`/login?next=${encodeURIComponent("/\t/evil.example/phish")}`);
    expect(res.headers.get("Location")).toBe("/");
    // Our own paths, with their query, still come back.
    const own = await b.request(`/login?next=${encodeURIComponent("/jobs?status=selling#top")}`);
    expect(own.headers.get("Location")).toBe("/jobs?status=selling#top");
  });

  test("150 simultaneous wrong passwords for one account: at most 5 are checked, the rest are refused, and the right one is refused while locked", async () => {
    const t = await makeTestApp();
    await signedInOwner(t);
    const b = t.browser();
    await b.get("/login");
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) => b.post("/login", { email: OWNER.email, password: `wrong guess ${i}` })),
    );
    const checked = answers.filter((r) => r.status === 401);
    const refused = answers.filter((r) => r.status === 429);
    console.log(`parallel login guesses: ${checked.length} checked, ${refused.length} refused`);
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(checked.length + refused.length).toBe(150);
    expect(refused[0]!.text).toContain("Too many failed attempts");
    const right = await b.post("/login", { email: OWNER.email, password: OWNER.password });
    expect(right.status).toBe(429);
    expect(right.headers.get("Set-Cookie") ?? "").not.toContain("pigeon_session=");
  });

  test("a huge e-mail at login is refused by name and stores nothing; throttle keys are hashed and old ones expire", async () => {
    const t = await makeTestApp();
    await signedInOwner(t);
    const b = t.browser();
    await b.get("/login");
    // The probe's 950 KB e-mail is refused before it is read (login takes 16 KB)...
    const huge = await b.post("/login", { email: `${"a".repeat(950 * 1024)}@x.test`, password: "whatever it is" });
    expect(huge.status).toBe(413);
    // ...and one that fits the form but no address is refused by name.
    const res = await b.post("/login", { email: `${"a".repeat(300)}@x.test`, password: "whatever it is" });
    expect(res.status).toBe(422);
    expect(res.text).toContain("E-mail must be at most 254 characters");
    expect(res.text).not.toContain("a".repeat(300));
    expect(await t.db.query.loginAttempts.findMany()).toHaveLength(0);

    const wrong = await b.post("/login", { email: "someone@x.test", password: "wrong password" });
    expect(wrong.status).toBe(401);
    const rows = await t.db.query.loginAttempts.findMany();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.key).toMatch(/^[0-9a-f]{64}$/);
      expect(r.key).not.toContain("someone");
    }
    // The scheduler's housekeeping drops rows whose window and lock are over.
    t.setNow(new Date(t.deps.clock().getTime() + 31 * 60_000));
    const { startScheduler } = await import("../src/scheduler.ts");
    const s = startScheduler(t.deps);
    await s.stop();
    await s.tick();
    expect(await t.db.query.loginAttempts.findMany()).toHaveLength(0);
  });

  test("10 simultaneous first-run setups make exactly one owner; the others are sent to login", async () => {
    const t = await makeTestApp();
    const browsers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const b = t.browser();
        await b.get("/setup");
        return b;
      }),
    );
    const answers = await Promise.all(
      browsers.map((b, i) => b.post("/setup", { ...OWNER, email: `owner${i}@sunny.test`, name: `Owner ${i}` })),
    );
    const users = await t.db.query.users.findMany();
    expect(users).toHaveLength(1);
    expect(answers.map((a) => a.status).sort()).toEqual(Array(10).fill(303));
    expect(answers.filter((a) => a.location === "/?welcome=1")).toHaveLength(1);
    expect(answers.filter((a) => a.location === "/login")).toHaveLength(9);
  });
});
