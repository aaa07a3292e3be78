// Named queries for jobs, their albums and their status transitions.
import { and, asc, count, desc, eq, or, type SQL, sql } from "drizzle-orm";
import type { JobFields } from "../core/jobs.ts";
import type { Db, Tx } from "./client.ts";
import type { Actor } from "./audit.ts";
import { inJson } from "./in-json.ts";
import { albums, customers, events, type Job, jobs, registrations } from "./schema.ts";
import type { JobStatus, JobType } from "../core/vocabulary.ts";

export type JobFilters = { q?: string; status?: JobStatus; year?: number; type?: JobType; externalId?: string };
export const JOBS_PAGE_SIZE = 25;

/** The filters of the jobs list and of `GET /api/v1/jobs`. */
export function jobWhere(f: JobFilters): SQL | undefined {
  const parts: SQL[] = [];
  if (f.externalId) parts.push(eq(jobs.externalId, f.externalId));
  if (f.status) parts.push(eq(jobs.status, f.status));
  if (f.year) parts.push(eq(jobs.year, f.year));
  if (f.type) parts.push(eq(jobs.type, f.type));
  if (f.q) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    parts.push(or(sql`${jobs.name} like ${pattern} escape '\\'`, eq(jobs.externalId, f.q))!);
  }
  return parts.length ? and(...parts) : undefined;
}

/**
 * One page of jobs, newest first, with registration and order counts. The counts' subqueries
 * name their tables outright: drizzle leaves columns of a one-table select unqualified, and an
 * unqualified `id` inside the subquery would bind to the inner table.
 */
export async function listJobs(db: Db, f: JobFilters, page: number) {
  const where = jobWhere(f);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        job: jobs,
        registrations: sql<number>`(select count(*) from registrations r where r.job_id = jobs.id)`,
        orders: sql<number>`(select count(*) from orders o where o.job_id = jobs.id)`,
      })
      .from(jobs)
      .where(where)
      .orderBy(desc(jobs.year), desc(jobs.id))
      .limit(JOBS_PAGE_SIZE)
      .offset((page - 1) * JOBS_PAGE_SIZE),
    db.select({ n: count() }).from(jobs).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export async function jobYears(db: Db): Promise<number[]> {
  const rows = await db.selectDistinct({ year: jobs.year }).from(jobs).orderBy(desc(jobs.year));
  return rows.map((r) => r.year);
}

export async function getJob(db: Db, id: number) {
  return db.query.jobs.findFirst({ where: eq(jobs.id, id) });
}

export async function getJobByExternalId(db: Db, externalId: string) {
  return db.query.jobs.findFirst({ where: eq(jobs.externalId, externalId) });
}

function columns(f: JobFields, now: Date) {
  return {
    name: f.name,
    type: f.type,
    year: f.year ?? Number(f.shoot_date?.slice(0, 4) ?? now.getUTCFullYear()),
    shootDate: f.shoot_date ?? null,
    sellingStart: f.selling_start ?? null,
    archiveDate: f.archive_date ?? null,
    couponDeadline: f.coupon_deadline ?? null,
    shippingDeadline: f.shipping_deadline ?? null,
    customText: f.custom_text ?? "",
    galleryUrl: f.gallery_url ?? "",
    timeZone: f.time_zone ?? null,
    profileId: f.profile_id ?? null,
  };
}

async function recordTransition(
  tx: Tx | Db,
  job: Job,
  to: JobStatus,
  actor: Actor,
  source: "ui" | "api" | "demo" | "cli",
  now: Date,
) {
  if (job.status === to) return false;
  await tx.update(jobs).set({ status: to, updatedAt: now }).where(eq(jobs.id, job.id));
  await tx.insert(events).values({
    type: "job_status_changed",
    jobId: job.id,
    fromStatus: job.status,
    toStatus: to,
    source,
    actorUserId: actor.userId ?? null,
    occurredAt: now,
  });
  return true;
}

/** Creates a job; a job created straight into selling records that transition too. */
export async function createJob(
  db: Db,
  f: JobFields,
  actor: Actor,
  source: "ui" | "api" | "demo" | "cli",
  now: Date,
  externalId?: string,
) {
  return db.transaction(async (tx) => {
    // No profile given at all (not even "none") means the studio's default profile (SPEC P1).
    const profileId =
      f.profile_id === undefined
        ? ((await tx.query.studioSettings.findFirst())?.defaultProfileId ?? null)
        : f.profile_id;
    const [job] = await tx
      .insert(jobs)
      .values({
        ...columns(f, now),
        profileId,
        status: "planning",
        externalId: externalId ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (f.status && f.status !== "planning") await recordTransition(tx, job!, f.status, actor, source, now);
    return (await tx.query.jobs.findFirst({ where: eq(jobs.id, job!.id) }))!;
  });
}

/** Saves a job's fields; a changed status is recorded as a transition in the same transaction. */
export async function updateJob(
  db: Db,
  job: Job,
  f: JobFields,
  actor: Actor,
  source: "ui" | "api" | "demo" | "cli",
  now: Date,
) {
  return db.transaction(async (tx) => {
    await tx
      .update(jobs)
      .set({ ...columns(f, now), updatedAt: now })
      .where(eq(jobs.id, job.id));
    if (f.status) await recordTransition(tx, job, f.status, actor, source, now);
    return (await tx.query.jobs.findFirst({ where: eq(jobs.id, job.id) }))!;
  });
}

/** Moves a job to `to`; returns whether it was a real transition (and so recorded). */
export async function changeJobStatus(
  db: Db,
  jobId: number,
  to: JobStatus,
  actor: Actor,
  source: "ui" | "api" | "demo" | "cli",
  now: Date,
) {
  return db.transaction(async (tx) => {
    const job = await tx.query.jobs.findFirst({ where: eq(jobs.id, jobId) });
    if (!job) return null;
    const changed = await recordTransition(tx, job, to, actor, source, now);
    return { job: (await tx.query.jobs.findFirst({ where: eq(jobs.id, jobId) }))!, changed };
  });
}

export async function jobStatusHistory(db: Db, jobId: number) {
  return db
    .select()
    .from(events)
    .where(and(eq(events.jobId, jobId), eq(events.type, "job_status_changed")))
    .orderBy(desc(events.id))
    .limit(20);
}

export async function listAlbums(db: Db, jobId: number) {
  return db
    .select({
      album: albums,
      registrations: sql<number>`(select count(*) from registrations r where r.album_id = albums.id)`,
    })
    .from(albums)
    .where(eq(albums.jobId, jobId))
    .orderBy(asc(albums.name));
}

export async function findAlbumByName(db: Db, jobId: number, name: string) {
  return db.query.albums.findFirst({ where: and(eq(albums.jobId, jobId), eq(albums.name, name)) });
}

export async function createAlbum(db: Db, jobId: number, name: string, externalId?: string | null) {
  const [row] = await db
    .insert(albums)
    .values({ jobId, name, externalId: externalId ?? null })
    .returning();
  return row!;
}

export async function deleteAlbum(db: Db, jobId: number, albumId: number) {
  await db.delete(albums).where(and(eq(albums.id, albumId), eq(albums.jobId, jobId)));
}

/** Registrations of a job, with customer names and whether they bought (buyer / potential buyer). */
export async function jobRegistrations(db: Db, jobId: number, limit = 50) {
  return db
    .select({
      registration: registrations,
      customer: customers,
      album: albums,
      orders: sql<number>`(select count(*) from orders o where o.job_id = registrations.job_id and o.customer_id = registrations.customer_id)`,
    })
    .from(registrations)
    .innerJoin(customers, eq(customers.id, registrations.customerId))
    .leftJoin(albums, eq(albums.id, registrations.albumId))
    .where(eq(registrations.jobId, jobId))
    .orderBy(desc(registrations.id))
    .limit(limit);
}

export async function countJobRegistrations(db: Db, jobId: number) {
  const [row] = await db.select({ n: count() }).from(registrations).where(eq(registrations.jobId, jobId));
  return row?.n ?? 0;
}

export type JobChoice = { id: number; name: string; year: number };

/** The most recent jobs for a job select, plus any ids asked for that are older. */
export async function jobChoices(
  db: Db,
  include: (number | null | undefined)[] = [],
  limit = 100,
): Promise<JobChoice[]> {
  const cols = { id: jobs.id, name: jobs.name, year: jobs.year };
  const recent = await db.select(cols).from(jobs).orderBy(desc(jobs.id)).limit(limit);
  const missing = include.filter((id): id is number => !!id && !recent.some((j) => j.id === id));
  const extra = missing.length ? await db.select(cols).from(jobs).where(inJson(jobs.id, missing)) : [];
  return [...recent, ...extra];
}

export async function albumsOfJobs(db: Db, jobIds: number[]) {
  if (!jobIds.length) return [];
  return db
    .select({ id: albums.id, jobId: albums.jobId, name: albums.name })
    .from(albums)
    .where(inJson(albums.jobId, jobIds))
    .orderBy(albums.name);
}
