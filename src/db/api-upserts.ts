// Named queries the JSON API needs beyond the staff UI's: look-ups by external id, updates
// of rows the UI only ever creates, and one retrying transaction for idempotent upserts.
import { LibsqlError } from "@libsql/client";
import { and, count, desc, eq, isNull, lte, or } from "drizzle-orm";
import type { Db } from "./client.ts";
import { attributeOrder } from "./attribution.ts";
import type { AppointmentInput, OrderInput } from "./customers.ts";
import { type JobFilters, jobWhere } from "./jobs.ts";
import { albums, apiKeys, appointments, customers, jobs, orders, registrations } from "./schema.ts";

const LAST_USED_GRANULARITY_MS = 60_000;

/** Records that a key was used, at most once a minute, so busy integrations do not write on every call. */
export async function touchApiKey(db: Db, id: number, now: Date) {
  const stale = new Date(now.getTime() - LAST_USED_GRANULARITY_MS);
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lte(apiKeys.lastUsedAt, stale))));
}

export function lastUsedIsStale(lastUsedAt: Date | null, now: Date): boolean {
  return !lastUsedAt || now.getTime() - lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS;
}

/** One page of jobs for the API, newest first. */
export async function listApiJobs(db: Db, f: Omit<JobFilters, "q">, page: number, perPage: number) {
  const where = jobWhere(f);
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(jobs)
      .where(where)
      .orderBy(desc(jobs.id))
      .limit(perPage)
      .offset((page - 1) * perPage),
    db.select({ n: count() }).from(jobs).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** The UI never sets external ids on jobs and customers; the API may add or change one. */
export async function setJobExternalId(db: Db, id: number, externalId: string) {
  await db.update(jobs).set({ externalId }).where(eq(jobs.id, id));
}

export async function setCustomerExternalId(db: Db, id: number, externalId: string) {
  await db.update(customers).set({ externalId }).where(eq(customers.id, id));
}

export async function getAlbum(db: Db, id: number) {
  return db.query.albums.findFirst({ where: eq(albums.id, id) });
}

export async function getAlbumByExternalId(db: Db, externalId: string) {
  return db.query.albums.findFirst({ where: eq(albums.externalId, externalId) });
}

export async function updateAlbum(
  db: Db,
  id: number,
  values: { jobId: number; name: string; externalId: string | null },
) {
  const [row] = await db.update(albums).set(values).where(eq(albums.id, id)).returning();
  return row!;
}

export async function getRegistration(db: Db, id: number) {
  return db.query.registrations.findFirst({ where: eq(registrations.id, id) });
}

export async function getRegistrationByExternalId(db: Db, externalId: string) {
  return db.query.registrations.findFirst({ where: eq(registrations.externalId, externalId) });
}

export async function getRegistrationOf(db: Db, jobId: number, customerId: number) {
  return db.query.registrations.findFirst({
    where: and(eq(registrations.jobId, jobId), eq(registrations.customerId, customerId)),
  });
}

export async function getOrder(db: Db, id: number) {
  return db.query.orders.findFirst({ where: eq(orders.id, id) });
}

export async function getOrderByExternalId(db: Db, externalId: string) {
  return db.query.orders.findFirst({ where: eq(orders.externalId, externalId) });
}

/** Corrects an order an integration sends again; no new `order_placed` event, the order was placed once. */
export async function updateOrder(db: Db, id: number, input: OrderInput) {
  const before = await getOrder(db, id);
  const [row] = await db
    .update(orders)
    .set({ ...input, externalId: input.externalId ?? null })
    .where(eq(orders.id, id))
    .returning();
  // A corrected time or customer may change which click earned it; the same order sent again
  // (a shop's nightly sync) keeps its attribution, whatever the window is now.
  const moved = before?.customerId !== row!.customerId || before?.orderedAt.getTime() !== row!.orderedAt.getTime();
  if (!moved) return row!;
  await attributeOrder(db, id);
  return (await getOrder(db, id))!;
}

export async function getAppointment(db: Db, id: number) {
  return db.query.appointments.findFirst({ where: eq(appointments.id, id) });
}

export async function getAppointmentByExternalId(db: Db, externalId: string) {
  return db.query.appointments.findFirst({ where: eq(appointments.externalId, externalId) });
}

/** Moves, relocates or changes the status of a booking; the booking event was recorded when it was made. */
export async function updateAppointment(db: Db, id: number, input: AppointmentInput, now: Date) {
  const [row] = await db
    .update(appointments)
    .set({ ...input, externalId: input.externalId ?? null, updatedAt: now })
    .where(eq(appointments.id, id))
    .returning();
  return row!;
}

/** The LibsqlError behind an error: drizzle wraps failed queries and keeps it as `.cause`. */
function libsqlError(err: unknown): LibsqlError | null {
  if (err instanceof LibsqlError) return err;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause instanceof LibsqlError ? cause : null;
}

/** The column list of a violated unique index, e.g. ["external_id"] or ["job_id", "name"]; null if it was not one. */
export function uniqueViolation(err: unknown): string[] | null {
  const cause = libsqlError(err);
  if (cause?.extendedCode !== "SQLITE_CONSTRAINT_UNIQUE") return null;
  const columns = cause.message?.match(/UNIQUE constraint failed: (.+)$/)?.[1] ?? "";
  return columns.split(",").map((c) => c.trim().replace(/^\w+\./, ""));
}

const MAX_CONFLICT_RETRIES = 3;

/**
 * Runs `write` in one transaction, all or nothing. Two integrations sending the same new
 * external id at once (from two processes) can both look it up, both find nothing, and one
 * insert loses on the unique index: running `write` again finds the winner's row and takes
 * the update path instead. Waiting for a busy database is the client's job (wait-for-lock.ts).
 */
export function writeAtomically<T>(db: Db, write: (tx: Db) => Promise<T>): Promise<T> {
  return (async () => {
    for (let conflicts = 0; ;) {
      try {
        // Same cast as the demo loader: the named queries take a Db, and a transaction
        // answers every call they make (a nested `transaction` becomes a savepoint).
        return await db.transaction((tx) => write(tx));
      } catch (err) {
        if (uniqueViolation(err) && ++conflicts <= MAX_CONFLICT_RETRIES) continue;
        throw err;
      }
    }
  })();
}
