// Named queries for staff accounts, sessions, login attempts and API keys.
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import { type AttemptState, afterFailure, type ThrottlePolicy } from "../core/login-throttle.ts";
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

export async function createUser(db: Db, input: { email: string; name: string; password: string; role: "owner" | "staff" }) {
  const passwordHash = await Bun.password.hash(input.password, { algorithm: "argon2id" });
  const [user] = await db
    .insert(users)
    .values({ email: input.email.trim().toLowerCase(), name: input.name, passwordHash, role: input.role })
    .returning();
  return user!;
}

/** Starts a session; returns the raw token for the cookie. The old one, if any, is gone (rotation). */
export async function createSession(db: Db, userId: number, now: Date, meta: { ip?: string; userAgent?: string }, replacing?: string) {
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

export async function getAttempt(db: Db, key: string): Promise<AttemptState | undefined> {
  const row = await db.query.loginAttempts.findFirst({ where: eq(loginAttempts.key, key) });
  return row && { failures: row.failures, windowStartedAt: row.windowStartedAt.getTime(), lockedUntil: row.lockedUntil?.getTime() ?? null };
}

export async function recordFailure(db: Db, key: string, now: Date, policy: ThrottlePolicy) {
  const next = afterFailure(await getAttempt(db, key), now.getTime(), policy);
  const values = {
    failures: next.failures,
    windowStartedAt: new Date(next.windowStartedAt),
    lockedUntil: next.lockedUntil ? new Date(next.lockedUntil) : null,
  };
  await db.insert(loginAttempts).values({ key, ...values }).onConflictDoUpdate({ target: loginAttempts.key, set: values });
}

export async function clearAttempts(db: Db, key: string) {
  await db.delete(loginAttempts).where(eq(loginAttempts.key, key));
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
