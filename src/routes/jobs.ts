// Staff pages for jobs: list with filters, create, edit, status changes, albums.
import { Hono } from "hono";
import { z } from "zod";
import { JobForm } from "../../views/job-form.tsx";
import { JobPage } from "../../views/job-page.tsx";
import { JobsPage, JobsTable } from "../../views/jobs.tsx";
import type { Values } from "../core/form-state.ts";
import { type JobListQuery, jobFields, jobStatus, jobType } from "../core/jobs.ts";
import { usableTimeZone } from "../core/intl.ts";
import { fieldErrors, requiredText } from "../core/validation.ts";
import { audit } from "../db/audit.ts";
import {
  changeJobStatus,
  countJobRegistrations,
  createAlbum,
  createJob,
  deleteAlbum,
  findAlbumByName,
  getJob,
  JOBS_PAGE_SIZE,
  jobRegistrations,
  jobStatusHistory,
  jobYears,
  listAlbums,
  listJobs,
  updateJob,
} from "../db/jobs.ts";
import { jobAutomation, type PlannedNotification, skippedFor } from "../db/job-automation.ts";
import { countCustomersUpTo } from "../db/customers.ts";
import { listAppointments, messageCounts } from "../db/appointments.ts";
import { listProfileNames } from "../db/profiles.ts";
import { getSettings } from "../db/settings.ts";
import { notificationNumbers } from "../db/notification-numbers.ts";
import { readNotice } from "./appointment-notice.ts";
import { notificationMoment, TRIGGER_INFO } from "../core/triggers.ts";
import type { Job } from "../db/schema.ts";
import { type AppEnv, type Ctx, isPartial } from "../http/env.ts";
import { typedValues } from "../http/form-values.ts";
import { HTTPException } from "hono/http-exception";
import { idParam } from "../http/path-id.ts";

const listQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: jobStatus.optional().catch(undefined),
  year: z.coerce.number().int().min(1900).max(2200).optional().catch(undefined),
  type: jobType.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

async function loadJob(c: Ctx): Promise<Job> {
  const id = idParam.safeParse(c.req.param("id"));
  const job = id.success ? await getJob(c.get("deps").db, id.data) : undefined;
  if (!job) throw new HTTPException(404, { message: "There is no such job. It may have been deleted." });
  return job;
}

/** Parses the job form; a profile that no longer exists is an error beside its field. */
async function parseJobForm(c: Ctx, body: Record<string, unknown>) {
  const parsed = jobFields.safeParse(body);
  const profiles = await listProfileNames(c.get("deps").db);
  if (!parsed.success) return { ok: false as const, errors: fieldErrors(parsed.error), profiles };
  if (parsed.data.profile_id && !profiles.some((p) => p.id === parsed.data.profile_id)) {
    return { ok: false as const, errors: { profile_id: "That profile no longer exists." }, profiles };
  }
  return { ok: true as const, data: parsed.data };
}

function jobValues(job: Job): Values {
  return {
    name: job.name,
    type: job.type,
    year: String(job.year),
    status: job.status,
    shoot_date: job.shootDate ?? "",
    selling_start: job.sellingStart ?? "",
    archive_date: job.archiveDate ?? "",
    coupon_deadline: job.couponDeadline ?? "",
    shipping_deadline: job.shippingDeadline ?? "",
    custom_text: job.customText,
    gallery_url: job.galleryUrl,
    time_zone: job.timeZone ?? "",
    profile_id: job.profileId ? String(job.profileId) : "",
  };
}

/** The assigned profile's notifications with their plan and results for this job (SPEC P7). */
async function plannedNotifications(
  c: Ctx,
  job: Job,
): Promise<{ items: PlannedNotification[]; timeZone: string; now: Date }> {
  const { db, clock } = c.get("deps");
  const settings = await getSettings(db);
  // A zone the input checks would refuse (legacy data) must not take the page down: the studio's
  // is shown instead, and the firings that fail on it say so.
  const timeZone = usableTimeZone(job.timeZone, settings.timeZone);
  if (!job.profileId) return { items: [], timeZone, now: clock() };
  const { notifications, runs, runCounts, problems, counts } = await jobAutomation(db, job.id, job.profileId);
  const items: PlannedNotification[] = [];
  for (const n of notifications) {
    const info = TRIGGER_INFO[n.trigger];
    const moment =
      info.anchor === "job_date" && info.jobDate ? notificationMoment(n, { date: job[info.jobDate] }, timeZone) : null;
    const mine = counts.filter((x) => x.notificationId === n.id);
    items.push({
      n,
      moment,
      runs: runs.filter((r) => r.notificationId === n.id),
      runCounts: runCounts
        .filter((r) => r.notificationId === n.id)
        .map((r) => ({ status: r.status, retrying: !!r.retrying, n: r.n })),
      problems: problems.filter((p) => p.run.notificationId === n.id),
      counts: mine,
      skipped: mine.some((x) => x.status === "skipped") ? await skippedFor(db, job.id, n.id) : [],
    });
  }
  return { items, timeZone, now: clock() };
}

async function renderJob(
  c: Ctx,
  job: Job,
  extra: {
    albumErrors?: Record<string, string>;
    albumValues?: Values;
    flash?: { kind: "ok" | "bad" | "info"; text: string };
  } = {},
  status: 200 | 422 = 200,
) {
  const { db } = c.get("deps");
  const [albums, registrations, registrationCount, history, profiles, settings] = await Promise.all([
    listAlbums(db, job.id),
    jobRegistrations(db, job.id),
    countJobRegistrations(db, job.id),
    jobStatusHistory(db, job.id),
    listProfileNames(db),
    getSettings(db),
  ]);
  const profileName = profiles.find((p) => p.id === job.profileId)?.name ?? null;
  const numbers = await notificationNumbers(db, { jobId: job.id }, settings.currency);
  const automation = await plannedNotifications(c, job);
  // The job's appointments, upcoming first, with their Messages column (SPEC A1).
  const appointments = await listAppointments(
    db,
    { jobId: job.id },
    { timeZone: settings.timeZone, now: c.get("deps").clock(), page: 1, pageSize: JOB_APPOINTMENTS },
  );
  const appointmentCounts = await messageCounts(
    db,
    appointments.rows.map((r) => r.appointment.id),
  );
  return c.html(
    JobPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      job,
      albums,
      registrations,
      registrationCount,
      history,
      profileName,
      automation,
      appointments: { ...appointments, counts: appointmentCounts },
      studioTimeZone: settings.timeZone,
      numbers: { ...numbers, locale: settings.locale },
      ...extra,
    }),
    status,
  );
}

/** How many of a job's appointments its page shows; the Appointments page has them all. */
const JOB_APPOINTMENTS = 20;

/** What the job's page says after a save (`?saved=`): a new profile is planned by the next tick. */
const SAVED: Record<string, { kind: "ok"; text: string } | undefined> = {
  "1": { kind: "ok", text: "Saved." },
  profile: {
    kind: "ok",
    text: "Saved. The profile's notifications are planned within a few seconds: reload this page to see when each goes.",
  },
};

export const jobRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const query = listQuery.parse(c.req.query());
    const { rows, total } = await listJobs(db, query, query.page);
    const shown: JobListQuery = {
      q: query.q,
      status: query.status,
      year: query.year ? String(query.year) : undefined,
      type: query.type,
      page: query.page,
    };
    if (isPartial(c)) return c.html(JobsTable({ rows, total, query: shown, pageSize: JOBS_PAGE_SIZE }));
    const years = await jobYears(db);
    // Landing here from "Load demo data" (dashboard.ts): say what was loaded.
    const flash =
      c.req.query("demo") === "loaded"
        ? {
            kind: "ok" as const,
            text: `The demo studio is loaded: ${total} jobs, ${(await countCustomersUpTo(db, null, 10_000)).toLocaleString("en-US")} customers, with their albums, orders and appointments.`,
          }
        : null;
    return c.html(
      JobsPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        flash,
        rows,
        total,
        query: shown,
        years,
        pageSize: JOBS_PAGE_SIZE,
      }),
    );
  })
  .get("/new", async (c) => {
    const profiles = await listProfileNames(c.get("deps").db);
    const defaultProfile = (await getSettings(c.get("deps").db)).defaultProfileId;
    const values: Values = {
      type: "school",
      status: "planning",
      year: String(c.get("deps").clock().getUTCFullYear()),
      profile_id: defaultProfile ? String(defaultProfile) : "",
    };
    return c.html(JobForm({ user: c.get("user")!, csrf: c.get("csrfToken"), values, errors: {}, profiles }));
  })
  .post("/", async (c) => {
    const { db, clock } = c.get("deps");
    const body = await c.req.parseBody();
    const parsed = await parseJobForm(c, body);
    if (!parsed.ok) {
      return c.html(
        JobForm({
          user: c.get("user")!,
          csrf: c.get("csrfToken"),
          values: typedValues(body),
          errors: parsed.errors,
          profiles: parsed.profiles,
        }),
        422,
      );
    }
    const actor = { userId: c.get("user")!.id };
    const job = await createJob(db, parsed.data, actor, "ui", clock());
    await audit(db, actor, "created", "job", job.id);
    return c.redirect(`/jobs/${job.id}`, 303);
  })
  .get("/:id", async (c) => {
    // `done` or `refused`: an appointment's status changed from this page's Appointments section.
    const { db } = c.get("deps");
    const notice = await readNotice(db, (k) => c.req.query(k), (await getSettings(db)).timeZone);
    return renderJob(c, await loadJob(c), { flash: SAVED[c.req.query("saved") ?? ""] ?? notice ?? undefined });
  })
  .get("/:id/edit", async (c) => {
    const job = await loadJob(c);
    const profiles = await listProfileNames(c.get("deps").db);
    return c.html(
      JobForm({ user: c.get("user")!, csrf: c.get("csrfToken"), job, values: jobValues(job), errors: {}, profiles }),
    );
  })
  .post("/:id", async (c) => {
    const { db, clock } = c.get("deps");
    const job = await loadJob(c);
    const body = await c.req.parseBody();
    // The edit form has no status field: status changes go through their own buttons.
    const parsed = await parseJobForm(c, { ...body, status: undefined });
    if (!parsed.ok) {
      return c.html(
        JobForm({
          user: c.get("user")!,
          csrf: c.get("csrfToken"),
          job,
          values: typedValues(body),
          errors: parsed.errors,
          profiles: parsed.profiles,
        }),
        422,
      );
    }
    const actor = { userId: c.get("user")!.id };
    await updateJob(db, job, parsed.data, actor, "ui", clock());
    await audit(db, actor, "updated", "job", job.id);
    const newProfile = parsed.data.profile_id && parsed.data.profile_id !== job.profileId;
    return c.redirect(`/jobs/${job.id}?saved=${newProfile ? "profile" : "1"}`, 303);
  })
  .post("/:id/status", async (c) => {
    const { db, clock } = c.get("deps");
    const job = await loadJob(c);
    const body = await c.req.parseBody();
    const to = jobStatus.safeParse(body.status);
    if (!to.success)
      return renderJob(c, job, { flash: { kind: "bad", text: `Status ${to.error.issues[0]?.message}.` } }, 422);
    const actor = { userId: c.get("user")!.id };
    const result = await changeJobStatus(db, job.id, to.data, actor, "ui", clock());
    if (result?.changed) await audit(db, actor, "status_changed", "job", job.id, { from: job.status, to: to.data });
    return c.redirect(`/jobs/${job.id}`, 303);
  })
  .post("/:id/albums", async (c) => {
    const { db } = c.get("deps");
    const job = await loadJob(c);
    const body = await c.req.parseBody();
    const name = requiredText(120, "Album name").safeParse(body.album_name);
    const albumValues = { album_name: String(body.album_name ?? "") };
    if (!name.success)
      return renderJob(c, job, { albumErrors: { album_name: name.error.issues[0]!.message }, albumValues }, 422);
    if (await findAlbumByName(db, job.id, name.data)) {
      return renderJob(
        c,
        job,
        { albumErrors: { album_name: `This job already has an album called “${name.data}”.` }, albumValues },
        422,
      );
    }
    await createAlbum(db, job.id, name.data);
    return c.redirect(`/jobs/${job.id}#albums`, 303);
  })
  .post("/:id/albums/:albumId/delete", async (c) => {
    const job = await loadJob(c);
    const albumId = idParam.safeParse(c.req.param("albumId"));
    if (albumId.success) await deleteAlbum(c.get("deps").db, job.id, albumId.data);
    return c.redirect(`/jobs/${job.id}#albums`, 303);
  });
