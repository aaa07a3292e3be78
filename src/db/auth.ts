// Named queries for staff accounts, sessions, login attempts and API keys.
import { and, eq, gt, gte, isNull, lt, or, sql } from "drizzle-orm";
import { ATTEMPT_RETENTION_MS, type ThrottlePolicy } from "../core/login-throttle.ts";
import { randomToken, sha256Hex } from "../core/crypto.ts";
import type { Db } from "./client.ts";
import { apiKeys, loginAttempts, sessions, users } from "./schema.ts";

export const SESSION_TTL_MS = 14 * 24 * 3600_000;

export async function countUsers(db: Db): Promise<number> {
  const rows = await db.select({ id: users.id }).from(users).limit(1);
  return rows.length;
}

export async function findUserByEmail(db: Db, email: string) {
  return db.query.users.findFirst({ where: eq(users.email, email.trim().toLowerCase()) });
}

export async function createUser(
  db: Db,
  input: { email: string; name: string; password: string; role: "owner" | "staff" },
) {
  const passwordHash = await Bun.password.hash(input.password, { algorithm: "argon2id" });
  const [user] = await db
    .insert(users)
    .values({ email: input.email.trim().toLowerCase(), name: input.name, passwordHash, role: input.role })
    .returning();
  return user!;
}

/**
 * The first-run owner, only if there is no user yet: the check and the insert are one statement,
 * so parallel setup posts make one owner. Undefined when someone else got there first.
 */
export async function createFirstOwner(db: Db, input: { email: string; name: string; password: string }) {
  const passwordHash = await Bun.password.hash(input.password, { algorithm: "argon2id" });
  const [row] = await db.all<{ id: number }>(sql`
    insert into users (email, name, password_hash, role)
    select ${input.email.trim().toLowerCase()}, ${input.name}, ${passwordHash}, 'owner'
    where not exists (select 1 from users)
    returning id`);
  return row && { id: row.id };
}

/** Starts a session; returns the raw token for the cookie. The old one, if any, is gone (rotation). */
export async function createSession(
  db: Db,
  userId: number,
  now: Date,
  meta: { ip?: string; userAgent?: string },
  replacing?: string,
) {
  const token = randomToken();
  await db.transaction(async (tx) => {
    if (replacing) await tx.delete(sessions).where(eq(sessions.tokenHash, sha256Hex(replacing)));
    await tx.delete(sessions).where(lt(sessions.expiresAt, now));
    await tx.insert(sessions).values({
      tokenHash: sha256Hex(token),
      userId,
      csrfToken: randomToken(),
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300),
    });
  });
  return token;
}

export async function findSession(db: Db, token: string, now: Date) {
  const rows = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sha256Hex(token)), gt(sessions.expiresAt, now)))
    .limit(1);
  return rows[0];
}

export async function deleteSession(db: Db, token: string) {
  await db.delete(sessions).where(eq(sessions.tokenHash, sha256Hex(token)));
}

// Throttle rows are keyed by a hash: the key holds whatever e-mail was typed, and the table
// must not keep (or grow with) what strangers send.
const attemptKey = (key: string) => sha256Hex(key);

/**
 * Counts one attempt for `key` before its password is checked, in one statement, so that
 * parallel guesses each see the others. A new window starts once the old one (or its lock) is
 * over. The attempt past the limit locks the key. Returns how long the key must wait (0: it may
 * try now).
 */
export async function reserveAttempt(db: Db, key: string, now: Date, policy: ThrottlePolicy): Promise<number> {
  const t = now.getTime();
  // In an UPDATE every column reads the row as it was, so `fresh` and `failures + 1` agree.
  const fresh = sql`((locked_until is not null and locked_until <= ${t}) or (locked_until is null and ${t} - window_started_at > ${policy.windowMs}))`;
  const [row] = await db.all<{ failures: number; locked_until: number | null }>(sql`
    insert into login_attempts (key, failures, window_started_at, locked_until) values (${attemptKey(key)}, 1, ${t}, null)
    on conflict (key) do update set
      failures = case when ${fresh} then 1 else failures + 1 end,
      window_started_at = case when ${fresh} then ${t} else window_started_at end,
      locked_until = case when ${fresh} then null when failures + 1 > ${policy.maxFailures} then coalesce(locked_until, ${t + policy.lockMs}) else locked_until end
    returning failures, locked_until`);
  return row?.locked_until ? Math.max(0, row.locked_until - t) : 0;
}

/** The reserved attempt failed: the one that reaches the limit locks the key. */
export async function recordFailure(db: Db, key: string, now: Date, policy: ThrottlePolicy) {
  await db
    .update(loginAttempts)
    .set({ lockedUntil: sql`coalesce(${loginAttempts.lockedUntil}, ${now.getTime() + policy.lockMs})` })
    .where(and(eq(loginAttempts.key, attemptKey(key)), gte(loginAttempts.failures, policy.maxFailures)));
}

/** The reserved attempt succeeded: it was no failure. */
export async function releaseAttempt(db: Db, key: string) {
  await db
    .update(loginAttempts)
    .set({ failures: sql`max(${loginAttempts.failures} - 1, 0)` })
    .where(eq(loginAttempts.key, attemptKey(key)));
}

export async function clearAttempts(db: Db, key: string) {
  await db.delete(loginAttempts).where(eq(loginAttempts.key, attemptKey(key)));
}

/** Housekeeping: throttle rows whose window and lock are long over. */
export async function deleteOldAttempts(db: Db, now: Date) {
  const before = new Date(now.getTime() - ATTEMPT_RETENTION_MS);
  await db
    .delete(loginAttempts)
    .where(
      and(
        lt(loginAttempts.windowStartedAt, before),
        or(isNull(loginAttempts.lockedUntil), lt(loginAttempts.lockedUntil, now)),
      ),
    );
}

const API_KEY_PREFIX = "pgn_";

/** Creates an API key; the raw key is returned once and only its hash is kept. */
export async function createApiKey(db: Db, name: string, createdByUserId: number | null) {
  const key = `${API_KEY_PREFIX}${randomToken(30)}`;
  const [row] = await db
    .insert(apiKeys)
    .values({ name, prefix: key.slice(0, 10), keyHash: sha256Hex(key), createdByUserId })
    .returning();
  return { key, row: row! };
}

export async function findApiKey(db: Db, key: string) {
  return db.query.apiKeys.findFirst({ where: and(eq(apiKeys.keyHash, sha256Hex(key)), isNull(apiKeys.revokedAt)) });
}
