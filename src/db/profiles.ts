// Named queries for communication profiles, their notifications and the template library
// (SPEC P1–P3, T3). Built-in profiles are read-only; the callers refuse changes to them.
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, max, or, sql } from "drizzle-orm";
import type { NotificationInput } from "../core/notification-input.ts";
import { checkTemplate, contextForTrigger } from "../core/placeholders.ts";
import type { Trigger } from "../core/triggers.ts";
import type { RecipientRows } from "./recipient-rows.ts";
import type { Db } from "./client.ts";
import {
  albums,
  appointments,
  communicationProfiles,
  customers,
  jobs,
  notifications,
  orders,
  registrations,
  snippets,
  studioSettings,
  templates,
} from "./schema.ts";
import type { Channel } from "../core/vocabulary.ts";
import { updateSettings } from "./settings.ts";

export type Profile = typeof communicationProfiles.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
export type Template = typeof templates.$inferSelect;
export type ProfileRow = { profile: Profile; notifications: number; jobs: number; isDefault: boolean };

/** Profiles for pickers (job form), by name. */
export async function listProfileNames(db: Db) {
  return db
    .select({ id: communicationProfiles.id, name: communicationProfiles.name })
    .from(communicationProfiles)
    .orderBy(asc(communicationProfiles.name));
}

/** Every profile with how many notifications it has and how many jobs use it, by name. */
export async function listProfiles(db: Db): Promise<ProfileRow[]> {
  const [rows, defaultId] = await Promise.all([
    db
      .select({
        profile: communicationProfiles,
        notifications: sql<number>`(select count(*) from notifications n where n.profile_id = communication_profiles.id)`,
        jobs: sql<number>`(select count(*) from jobs j where j.profile_id = communication_profiles.id)`,
      })
      .from(communicationProfiles)
      .orderBy(asc(communicationProfiles.name), asc(communicationProfiles.id)),
    defaultProfileId(db),
  ]);
  return rows.map((r) => ({ ...r, isDefault: r.profile.id === defaultId }));
}

/** One profile by our id. */
export async function getProfile(db: Db, id: number): Promise<Profile | undefined> {
  return db.query.communicationProfiles.findFirst({ where: eq(communicationProfiles.id, id) });
}

/** One profile by the integration's id. */
export async function getProfileByExternalId(db: Db, externalId: string): Promise<Profile | undefined> {
  return db.query.communicationProfiles.findFirst({ where: eq(communicationProfiles.externalId, externalId) });
}

/** Another profile with this name (case-insensitive), if any: names tell profiles apart in pickers. */
export async function profileNamed(db: Db, name: string, exceptId?: number): Promise<Profile | undefined> {
  const rows = await db
    .select()
    .from(communicationProfiles)
    .where(sql`lower(${communicationProfiles.name}) = lower(${name.trim()})`);
  return rows.find((r) => r.id !== exceptId);
}

/** The profile new jobs get when none is given (studio settings), or null. */
export async function defaultProfileId(db: Db): Promise<number | null> {
  const row = await db.query.studioSettings.findFirst({
    columns: { defaultProfileId: true },
    where: eq(studioSettings.id, 1),
  });
  return row?.defaultProfileId ?? null;
}

/** Makes a profile the default for new jobs; null clears the default. */
export async function setDefaultProfile(db: Db, profileId: number | null, now: Date) {
  await updateSettings(db, { defaultProfileId: profileId }, now);
}

/** Creates an empty, editable profile. */
export async function createProfile(
  db: Db,
  values: { name: string; description?: string; externalId?: string | null },
  now: Date,
): Promise<Profile> {
  const [row] = await db
    .insert(communicationProfiles)
    .values({
      name: values.name,
      description: values.description ?? "",
      externalId: values.externalId ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return row!;
}

/** Renames a profile or changes its description or external id. */
export async function updateProfile(
  db: Db,
  id: number,
  values: { name?: string; description?: string; externalId?: string | null },
  now: Date,
) {
  await db
    .update(communicationProfiles)
    .set({ ...values, updatedAt: now })
    .where(eq(communicationProfiles.id, id));
}

/** A name for a copy that no other profile has: "Copy of Standard", then "Copy of Standard (2)"… */
async function copyName(db: Db, name: string): Promise<string> {
  const base = `Copy of ${name}`;
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base} (${i})`;
    if (!(await profileNamed(db, candidate))) return candidate;
  }
}

/** Copies a profile with all its notifications into a new, editable profile. */
export async function duplicateProfile(db: Db, id: number, now: Date): Promise<Profile | undefined> {
  return db.transaction(async (tx) => {
    const source = await getProfile(tx, id);
    if (!source) return undefined;
    const copy = await createProfile(
      tx,
      { name: await copyName(tx, source.name), description: source.description },
      now,
    );
    const rows = await tx
      .select()
      .from(notifications)
      .where(eq(notifications.profileId, id))
      .orderBy(asc(notifications.position), asc(notifications.id));
    if (rows.length) {
      await tx.insert(notifications).values(
        rows.map(({ id: _id, profileId: _p, createdAt: _c, updatedAt: _u, ...n }) => ({
          ...n,
          profileId: copy.id,
          createdAt: now,
          updatedAt: now,
        })),
      );
    }
    return copy;
  });
}

/** Jobs that use a profile, newest first. */
export async function jobsUsingProfile(db: Db, profileId: number, limit = 20) {
  const [rows, [total]] = await Promise.all([
    db
      .select({ id: jobs.id, name: jobs.name, status: jobs.status, year: jobs.year })
      .from(jobs)
      .where(eq(jobs.profileId, profileId))
      .orderBy(desc(jobs.id))
      .limit(limit),
    db.select({ n: count() }).from(jobs).where(eq(jobs.profileId, profileId)),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/**
 * Deletes a profile. Its jobs are left without a profile and it stops being the default; the
 * deliveries it made stay in the outbox (their notification link is cleared).
 */
export async function deleteProfile(db: Db, id: number, now: Date) {
  await db.transaction(async (tx) => {
    await tx.update(jobs).set({ profileId: null, updatedAt: now }).where(eq(jobs.profileId, id));
    await tx
      .update(studioSettings)
      .set({ defaultProfileId: null, updatedAt: now })
      .where(eq(studioSettings.defaultProfileId, id));
    await tx.delete(communicationProfiles).where(eq(communicationProfiles.id, id));
  });
}

// ---------------------------------------------------------------- notifications

/** A profile's notifications in their order. */
export async function listNotifications(db: Db, profileId: number): Promise<Notification[]> {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.profileId, profileId))
    .orderBy(asc(notifications.position), asc(notifications.id));
}

/** The notifications of a profile that are switched on: what the automation plans from. */
export async function listActiveNotifications(db: Db, profileId: number): Promise<Notification[]> {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.profileId, profileId), eq(notifications.active, true)))
    .orderBy(asc(notifications.position), asc(notifications.id));
}

/** Every profile with its notifications, for the API. */
export async function listProfilesWithNotifications(db: Db) {
  const [profiles, all, defaultId] = await Promise.all([
    db.select().from(communicationProfiles).orderBy(asc(communicationProfiles.name), asc(communicationProfiles.id)),
    db.select().from(notifications).orderBy(asc(notifications.position), asc(notifications.id)),
    defaultProfileId(db),
  ]);
  return profiles.map((profile) => ({
    profile,
    notifications: all.filter((n) => n.profileId === profile.id),
    isDefault: profile.id === defaultId,
  }));
}

/** One notification, only if it belongs to the profile. */
export async function getNotification(db: Db, profileId: number, id: number): Promise<Notification | undefined> {
  return db.query.notifications.findFirst({
    where: and(eq(notifications.id, id), eq(notifications.profileId, profileId)),
  });
}

/** Adds a notification at the end of the profile's list. */
export async function createNotification(
  db: Db,
  profileId: number,
  input: NotificationInput,
  now: Date,
  /** A notification of the same profile to place it right after (an e-mail's SMS version); else last. */
  afterId?: number | null,
): Promise<Notification> {
  return db.transaction(async (tx) => {
    const after = afterId
      ? await tx.query.notifications.findFirst({
          where: and(eq(notifications.id, afterId), eq(notifications.profileId, profileId)),
        })
      : undefined;
    let position: number;
    if (after) {
      position = after.position + 1;
      await tx
        .update(notifications)
        .set({ position: sql`${notifications.position} + 1` })
        .where(and(eq(notifications.profileId, profileId), gte(notifications.position, position)));
    } else {
      const [last] = await tx
        .select({ position: max(notifications.position) })
        .from(notifications)
        .where(eq(notifications.profileId, profileId));
      position = (last?.position ?? -1) + 1;
    }
    const [row] = await tx
      .insert(notifications)
      .values({ ...input, profileId, position, createdAt: now, updatedAt: now })
      .returning();
    await touchProfile(tx, profileId, now);
    return row!;
  });
}

/** Saves a notification; `updatedAt` moves, so the text is rendered afresh for later sends. */
export async function updateNotification(db: Db, profileId: number, id: number, input: NotificationInput, now: Date) {
  await db
    .update(notifications)
    .set({ ...input, updatedAt: now })
    .where(and(eq(notifications.id, id), eq(notifications.profileId, profileId)));
  await touchProfile(db, profileId, now);
}

/** Switches a notification on or off. */
export async function setNotificationActive(db: Db, profileId: number, id: number, active: boolean, now: Date) {
  await db
    .update(notifications)
    .set({ active, updatedAt: now })
    .where(and(eq(notifications.id, id), eq(notifications.profileId, profileId)));
  await touchProfile(db, profileId, now);
}

/** Deletes a notification; its deliveries stay in the outbox. */
export async function deleteNotification(db: Db, profileId: number, id: number, now: Date) {
  await db.delete(notifications).where(and(eq(notifications.id, id), eq(notifications.profileId, profileId)));
  await touchProfile(db, profileId, now);
}

async function touchProfile(db: Db, profileId: number, now: Date) {
  await db.update(communicationProfiles).set({ updatedAt: now }).where(eq(communicationProfiles.id, profileId));
}

const TIMING_FIELDS = [
  "trigger",
  "channel",
  "offsetDays",
  "offsetHours",
  "timeOfDay",
  "audience",
  "condition",
] as const;
const CONTENT_FIELDS = [...TIMING_FIELDS, "subject", "preheader", "body", "active"] as const;

/**
 * Makes a profile's notifications exactly `inputs`, in that order (the API's replace). A stored
 * notification is kept and updated when the input names its `id`, else when trigger, channel,
 * timing and audience are the same: its id stays, so whatever it already sent stays sent and a
 * re-sent profile sends nothing twice. Stored ones left unmatched are deleted.
 */
export async function replaceNotifications(
  db: Db,
  profileId: number,
  inputs: (NotificationInput & { id?: number })[],
  now: Date,
) {
  const existing = await listNotifications(db, profileId);
  const unmatched = new Map(existing.map((n) => [n.id, n]));
  const plan = inputs.map((input) => {
    const byId = input.id !== undefined ? unmatched.get(input.id) : undefined;
    const match = byId ?? [...unmatched.values()].find((n) => TIMING_FIELDS.every((k) => n[k] === input[k]));
    if (match) unmatched.delete(match.id);
    return { input, match };
  });
  if (unmatched.size) await db.delete(notifications).where(inArray(notifications.id, [...unmatched.keys()]));
  for (const [position, { input, match }] of plan.entries()) {
    const { id: _id, ...values } = input;
    if (!match)
      await db.insert(notifications).values({ ...values, profileId, position, createdAt: now, updatedAt: now });
    else if (match.position !== position || CONTENT_FIELDS.some((k) => match[k] !== values[k])) {
      await db
        .update(notifications)
        .set({ ...values, position, updatedAt: now })
        .where(eq(notifications.id, match.id));
    }
  }
  await touchProfile(db, profileId, now);
}

// ---------------------------------------------------------------- templates

/**
 * Templates an editor can start from: those written for the trigger first, then general ones
 * whose placeholders the trigger has (a coupon e-mail is no start for an appointment reminder).
 */
export async function templatesFor(db: Db, trigger: Trigger, channel: Channel): Promise<Template[]> {
  const [rows, snippetKeys] = await Promise.all([
    db
      .select()
      .from(templates)
      .where(and(eq(templates.channel, channel), or(eq(templates.trigger, trigger), isNull(templates.trigger))))
      .orderBy(sql`${templates.trigger} is null`, desc(templates.builtIn), asc(templates.name)),
    db.select({ key: snippets.key }).from(snippets),
  ]);
  const keys = snippetKeys.map((s) => s.key);
  const context = contextForTrigger(trigger);
  return rows.filter(
    (t) =>
      t.trigger === trigger || checkTemplate(`${t.subject}\n${t.preheader}\n${t.body}`, context, keys).length === 0,
  );
}

/** One template by id. */
export async function getTemplate(db: Db, id: number): Promise<Template | undefined> {
  return db.query.templates.findFirst({ where: eq(templates.id, id) });
}

// ---------------------------------------------------------------- preview

export type PreviewSource = "profile_job" | "any_job" | "sample";
export type PreviewRecipient = { source: PreviewSource; rows: RecipientRows | null };

/**
 * A real recipient to preview a notification with: a registered customer of a job using this
 * profile, else of any job; for appointment triggers an appointment's customer. Customers who fit
 * the trigger (an order for order_placed, photos for the photo triggers) are preferred.
 */
export async function previewRecipient(db: Db, profileId: number, trigger: Trigger): Promise<PreviewRecipient> {
  if (trigger.startsWith("appointment_")) {
    for (const source of ["profile_job", "any_job"] as const) {
      const [found] = await db
        .select({ appointment: appointments, customer: customers, job: jobs })
        .from(appointments)
        .innerJoin(customers, eq(customers.id, appointments.customerId))
        .leftJoin(jobs, eq(jobs.id, appointments.jobId))
        .where(source === "profile_job" ? eq(jobs.profileId, profileId) : undefined)
        .orderBy(desc(appointments.startsAt))
        .limit(1);
      if (found) {
        const rows: RecipientRows = {
          deliveryId: 0,
          customer: found.customer,
          job: found.job,
          registration: null,
          album: null,
          order: null,
          appointment: found.appointment,
        };
        return { source, rows };
      }
    }
    return { source: "sample", rows: null };
  }
  const hasOrder = sql`exists (select 1 from orders o where o.job_id = ${registrations.jobId} and o.customer_id = ${registrations.customerId})`;
  const preferred = trigger === "order_placed" ? hasOrder : sql`${registrations.photosAvailableAt} is not null`;
  for (const source of ["profile_job", "any_job"] as const) {
    const [found] = await db
      .select({ registration: registrations, customer: customers, job: jobs })
      .from(registrations)
      .innerJoin(jobs, eq(jobs.id, registrations.jobId))
      .innerJoin(customers, eq(customers.id, registrations.customerId))
      .where(source === "profile_job" ? eq(jobs.profileId, profileId) : isNotNull(registrations.id))
      .orderBy(sql`${preferred} desc`, desc(registrations.registeredAt), desc(registrations.id))
      .limit(1);
    if (!found) continue;
    const [album, order] = await Promise.all([
      found.registration.albumId
        ? db.query.albums.findFirst({ where: eq(albums.id, found.registration.albumId) })
        : undefined,
      db.query.orders.findFirst({
        where: and(eq(orders.jobId, found.job.id), eq(orders.customerId, found.customer.id)),
        orderBy: desc(orders.orderedAt),
      }),
    ]);
    const rows: RecipientRows = {
      deliveryId: 0,
      customer: found.customer,
      job: found.job,
      registration: found.registration,
      album: album ?? null,
      order: order ?? null,
      appointment: null,
    };
    return { source, rows };
  }
  return { source: "sample", rows: null };
}
