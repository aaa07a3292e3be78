// First-run setup, login and logout (SPEC §13: argon2id, rotated sessions, throttling).
import { Hono } from "hono";
import { z } from "zod";
import { ACCOUNT_POLICY, IP_POLICY, lockedFor } from "../core/login-throttle.ts";
import { email, fieldErrors, requiredText } from "../core/validation.ts";
import { clearAttempts, countUsers, createSession, createUser, deleteSession, findUserByEmail, getAttempt, recordFailure } from "../db/auth.ts";
import { updateSettings } from "../db/settings.ts";
import { clientIp } from "../http/client-ip.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { clearSessionCookie, setSessionCookie } from "../http/session.ts";
import { LoginPage, SetupPage } from "../../views/auth.tsx";
import { audit } from "../db/audit.ts";

export const passwordSchema = z
  .string({ error: "Password is required" })
  .min(10, "must be at least 10 characters")
  .max(200, "must be at most 200 characters");

const setupSchema = z.object({
  studio_name: requiredText(120, "Studio name"),
  name: requiredText(120, "Your name"),
  email: z.preprocess((v) => v ?? "", email),
  password: passwordSchema,
});

/** Only local paths, so `next` cannot send a user to another site. */
function safeNext(next: unknown): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

async function startSession(c: Ctx, userId: number) {
  const { db, clock } = c.get("deps");
  const token = await createSession(db, userId, clock(), { ip: clientIp(c), userAgent: c.req.header("User-Agent") }, c.get("sessionToken") ?? undefined);
  setSessionCookie(c, token);
}

export const authRoutes = new Hono<AppEnv>()
  .get("/setup", async (c) => {
    if (await countUsers(c.get("deps").db)) return c.redirect("/login", 303);
    return c.html(SetupPage({ csrf: c.get("csrfToken"), values: {}, errors: {} }));
  })
  .post("/setup", async (c) => {
    const { db } = c.get("deps");
    if (await countUsers(db)) return c.redirect("/login", 303);
    const body = await c.req.parseBody();
    const parsed = setupSchema.safeParse(body);
    const values = { studio_name: String(body.studio_name ?? ""), name: String(body.name ?? ""), email: String(body.email ?? "") };
    if (!parsed.success) {
      return c.html(SetupPage({ csrf: c.get("csrfToken"), values, errors: fieldErrors(parsed.error) }), 422);
    }
    const user = await createUser(db, { ...parsed.data, role: "owner" });
    await updateSettings(db, { name: parsed.data.studio_name, senderName: parsed.data.studio_name }, c.get("deps").clock());
    await audit(db, { userId: user.id }, "created", "user", user.id, { role: "owner", via: "setup" });
    await startSession(c, user.id);
    return c.redirect("/?welcome=1", 303);
  })
  .get("/login", async (c) => {
    if (!(await countUsers(c.get("deps").db))) return c.redirect("/setup", 303);
    if (c.get("user")) return c.redirect(safeNext(c.req.query("next")), 303);
    return c.html(LoginPage({ csrf: c.get("csrfToken"), values: {}, errors: {}, next: safeNext(c.req.query("next")) }));
  })
  .post("/login", async (c) => {
    const { db, clock } = c.get("deps");
    const body = await c.req.parseBody();
    const emailValue = String(body.email ?? "").trim().toLowerCase();
    const next = safeNext(body.next);
    const now = clock();
    const render = (errors: Record<string, string>, status: 401 | 422 | 429) =>
      c.html(LoginPage({ csrf: c.get("csrfToken"), values: { email: emailValue }, errors, next }), status);

    if (!emailValue || !body.password) {
      return render({ ...(!emailValue && { email: "E-mail is required" }), ...(!body.password && { password: "Password is required" }) }, 422);
    }
    const ipKey = `ip:${clientIp(c)}`;
    const accountKey = `account:${emailValue}`;
    const wait = Math.max(lockedFor(await getAttempt(db, ipKey), now.getTime()), lockedFor(await getAttempt(db, accountKey), now.getTime()));
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      return render({ _: `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` }, 429);
    }
    const user = await findUserByEmail(db, emailValue);
    // Verify against a dummy hash for unknown accounts so timing does not reveal which exist.
    const ok = await Bun.password.verify(String(body.password), user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) {
      await recordFailure(db, ipKey, now, IP_POLICY);
      await recordFailure(db, accountKey, now, ACCOUNT_POLICY);
      return render({ _: "That e-mail and password do not match an account." }, 401);
    }
    await clearAttempts(db, accountKey);
    await startSession(c, user.id);
    return c.redirect(next, 303);
  })
  .post("/logout", async (c) => {
    const token = c.get("sessionToken");
    if (token) await deleteSession(c.get("deps").db, token);
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });

const DUMMY_HASH = await Bun.password.hash("pigeon-dummy-password", { algorithm: "argon2id" });
