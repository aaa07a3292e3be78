// First-run setup, login and logout (SPEC §13: argon2id, rotated sessions, throttling).
import { Hono } from "hono";
import { z } from "zod";
import { ACCOUNT_POLICY, IP_POLICY, waitMessage } from "../core/login-throttle.ts";
import { countryDefaults, countryOfZone } from "../core/country.ts";
import { safeDefaultWindow } from "../core/quiet-hours.ts";
import { country, currency, customerLanguage } from "../core/settings.ts";
import { email, fieldErrors, optionalTimeZone, requiredText } from "../core/validation.ts";
import {
  clearAttempts,
  countUsers,
  createFirstOwner,
  createSession,
  deleteSession,
  findUserByEmail,
  recordFailure,
  releaseAttempt,
  reserveAttempt,
} from "../db/auth.ts";
import { getSettings, updateSettings } from "../db/settings.ts";
import { clientIp } from "../http/client-ip.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { clearSessionCookie, setSessionCookie } from "../http/session.ts";
import { LoginPage, SetupPage } from "../../views/auth.tsx";
import { audit } from "../db/audit.ts";

export const passwordSchema = z
  .string({ error: "Password is required" })
  .min(10, "must be at least 10 characters")
  .max(200, "must be at most 200 characters");

/** Blank means "work it out" (see studioSetup). */
const blankOr = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

const setupSchema = z.object({
  studio_name: requiredText(120, "Studio name"),
  name: requiredText(120, "Your name"),
  email: z.preprocess((v) => v ?? "", email),
  password: passwordSchema,
  time_zone: optionalTimeZone,
  country: blankOr(country),
  currency: blankOr(currency),
  locale: blankOr(customerLanguage),
});

/** The studio's zone and country as set up: a country left blank is the zone's (else the US); currency and language follow the country. */
/** `zone`: the studio's time zone as stored, for a form that leaves it out (the country follows it). */
function studioSetup(s: z.infer<typeof setupSchema>, zone: string) {
  const where = s.country ?? countryOfZone(s.time_zone ?? zone) ?? "US";
  const defaults = countryDefaults(where);
  return {
    ...(s.time_zone && { timeZone: s.time_zone }),
    country: where,
    currency: s.currency ?? defaults.currency,
    locale: s.locale ?? defaults.locale,
  };
}

/**
 * Only our own paths, so `next` cannot send a user to another site. Resolved as the browser
 * will resolve it: URL parsing drops tabs and newlines and reads `\\` as `/`, which is how
 * `/%09/evil.example` became `//evil.example`. What comes back is re-serialised (control
 * characters escaped), so it is also safe in a Location header.
 */
function safeNext(next: unknown, origin: string): string {
  if (typeof next !== "string" || !next.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return "/";
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A path that normalises to `//host` would be read as another origin once sent back.
  return url.origin === origin && !path.startsWith("//") ? path : "/";
}

async function startSession(c: Ctx, userId: number) {
  const { db, clock } = c.get("deps");
  const token = await createSession(
    db,
    userId,
    clock(),
    { ip: clientIp(c), userAgent: c.req.header("User-Agent") },
    c.get("sessionToken") ?? undefined,
  );
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
    const values = Object.fromEntries(
      ["studio_name", "name", "email", "time_zone", "country", "currency", "locale"].map((k) => [
        k,
        String(body[k] ?? ""),
      ]),
    );
    if (!parsed.success) {
      return c.html(SetupPage({ csrf: c.get("csrfToken"), values, errors: fieldErrors(parsed.error) }), 422);
    }
    const user = await createFirstOwner(db, parsed.data);
    // Another setup post made the owner while this one was hashing: this one is not the owner.
    if (!user) return c.redirect("/login", 303);
    const stored = await getSettings(db);
    const studio = studioSetup(parsed.data, stored.timeZone);
    // A new studio's sending window starts within its country's rules (see quiet-hours.ts).
    const window = safeDefaultWindow({ start: stored.sendWindowStart, end: stored.sendWindowEnd }, studio.country);
    await updateSettings(
      db,
      {
        name: parsed.data.studio_name,
        senderName: parsed.data.studio_name,
        ...studio,
        sendWindowStart: window.start,
        sendWindowEnd: window.end,
      },
      c.get("deps").clock(),
    );
    await audit(db, { userId: user.id }, "created", "user", user.id, { role: "owner", via: "setup" });
    await startSession(c, user.id);
    return c.redirect("/?welcome=1", 303);
  })
  .get("/login", async (c) => {
    if (!(await countUsers(c.get("deps").db))) return c.redirect("/setup", 303);
    if (c.get("user")) return c.redirect(safeNext(c.req.query("next"), new URL(c.req.url).origin), 303);
    return c.html(
      LoginPage({
        csrf: c.get("csrfToken"),
        values: {},
        errors: {},
        next: safeNext(c.req.query("next"), new URL(c.req.url).origin),
      }),
    );
  })
  .post("/login", async (c) => {
    const { db, clock } = c.get("deps");
    const body = await c.req.parseBody();
    const emailValue = String(body.email ?? "")
      .trim()
      .toLowerCase();
    const password = typeof body.password === "string" ? body.password : "";
    const next = safeNext(body.next, new URL(c.req.url).origin);
    const now = clock();
    const render = (errors: Record<string, string>, status: 401 | 422 | 429, shown = emailValue) =>
      c.html(LoginPage({ csrf: c.get("csrfToken"), values: { email: shown }, errors, next }), status);

    const errors: Record<string, string> = {};
    if (!emailValue) errors.email = "E-mail is required";
    // Longer than any address can be: refused before it reaches the throttle table or argon2.
    else if (emailValue.length > 254) errors.email = "E-mail must be at most 254 characters";
    if (!password) errors.password = "Password is required";
    else if (password.length > 1000) errors.password = "Password must be at most 1000 characters";
    if (Object.keys(errors).length) return render(errors, 422, errors.email ? "" : emailValue);

    const ipKey = `ip:${clientIp(c)}`;
    const accountKey = `account:${emailValue}`;
    // The attempt is counted before the password is checked, so parallel guesses see each other.
    const wait = Math.max(
      await reserveAttempt(db, ipKey, now, IP_POLICY),
      await reserveAttempt(db, accountKey, now, ACCOUNT_POLICY),
    );
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      return render({ _: waitMessage(wait) }, 429);
    }
    // Awaited for known accounts too, so the first login after a start is as slow for both.
    const dummyHash = await dummyPasswordHash();
    const user = await findUserByEmail(db, emailValue);
    // Verify against a dummy hash for unknown accounts so timing does not reveal which exist.
    const ok = await Bun.password.verify(password, user?.passwordHash ?? dummyHash);
    if (!user || !ok) {
      await recordFailure(db, ipKey, now, IP_POLICY);
      await recordFailure(db, accountKey, now, ACCOUNT_POLICY);
      return render({ _: "That e-mail and password do not match an account." }, 401);
    }
    await releaseAttempt(db, ipKey);
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

// Made at the first login, not at start (where an argon2id hash held up /healthz by ~0.5 s),
// with the same call as every account's, so it costs what theirs do.
let dummyHash: Promise<string> | undefined;
const dummyPasswordHash = () => (dummyHash ??= Bun.password.hash("pigeon-dummy-password", { algorithm: "argon2id" }));
