// /api/v1/profiles (SPEC I3): communication profiles with their notifications. A POST or PUT with
// a known external_id (or PUT to /:id) replaces the profile's notifications; notifications that
// stay the same keep their ids, so nothing they already sent goes out again. Built-ins are read-only.
import { Hono } from "hono";
import { z } from "zod";
import { type NotificationInput, notificationJson, parseNotification } from "../../core/notification-input.ts";
import { smsSaveCheck } from "../../core/sms-text.ts";
import { NO_PERFORMANCE, type PerformanceCounts, performanceJson } from "../../core/performance.ts";
import { performanceByNotification, performanceOf } from "../../db/performance.ts";
import { optionalText, requiredText } from "../../core/validation.ts";
import { audit } from "../../db/audit.ts";
import type { Db } from "../../db/client.ts";
import {
  createProfile,
  defaultProfileId,
  getProfile,
  getProfileByExternalId,
  listNotifications,
  listProfilesWithNotifications,
  type Notification,
  type Profile,
  profileNamed,
  replaceNotifications,
  setDefaultProfile,
  updateProfile,
} from "../../db/profiles.ts";
import { missingImagesIn } from "../../db/files.ts";
import { loadSnippets } from "../../db/recipient-rows.ts";
import { getSettings } from "../../db/settings.ts";
import type { AppEnv, Ctx } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { externalIdField, iso, jsonBody, parse, pathId } from "./input.ts";
import { writeForRequest } from "./upsert.ts";
import { type ChosenFiles, notificationFiles } from "../../core/attachments.ts";
import { contentFileProblems, notificationFileIds } from "../../db/attachment-files.ts";
import { setContentFiles } from "../../db/content-files.ts";

/** A profile's numbers and each of its notifications' (issue 14): every answer about one profile gives them; the list leaves them out (four queries a profile). */
export type ProfilePerformance = { profile: PerformanceCounts; byNotification: Map<number, PerformanceCounts> };

export function profileJson(
  profile: Profile,
  notifications: Notification[],
  isDefault: boolean,
  files: Map<number, ChosenFiles> = new Map(),
  performance?: ProfilePerformance,
) {
  const counted = performance && {
    performance: performanceJson(performance.profile),
  };
  const ofNotification = (id: number) =>
    performance && {
      performance: performanceJson(performance.byNotification.get(id) ?? NO_PERFORMANCE(performance.profile.currency)),
    };
  return {
    id: profile.id,
    external_id: profile.externalId,
    name: profile.name,
    description: profile.description,
    built_in: profile.builtIn,
    is_default: isDefault,
    notifications: notifications.map((n) => ({
      ...notificationJson(n),
      ...(files.get(n.id) ?? { attachment_ids: [], media_ids: [] }),
      ...ofNotification(n.id),
    })),
    ...counted,
    created_at: iso(profile.createdAt),
    updated_at: iso(profile.updatedAt),
  };
}

const profileInput = z.object({
  name: z.preprocess((v) => (v === null ? undefined : v), requiredText(120, "name").optional()),
  description: optionalText(2000),
  external_id: externalIdField,
  is_default: z.boolean({ error: "must be true or false" }).optional(),
  notifications: z
    .array(z.unknown(), { error: "must be a list of notifications" })
    .max(200, "must hold at most 200 notifications")
    .optional(),
});

type Parsed = z.infer<typeof profileInput> & {
  parsedNotifications?: (NotificationInput & { id?: number })[];
  /** Each parsed notification's attachments and pictures, in the same order. */
  notificationFiles?: ChosenFiles[];
};

/** Checks the body and every notification in it; one 422 names each bad field by its path. */
async function parseProfileBody(db: Db, body: Record<string, unknown>, base: string): Promise<Parsed> {
  const input: Parsed = parse(profileInput, body);
  if (!input.notifications) return input;
  const snippetKeys = Object.keys(await loadSnippets(db));
  // `base` is the studio's public address (its own or the server's): what tracked links start with.
  const settings = await getSettings(db);
  const sms = smsSaveCheck(settings, base);
  const fields: Record<string, string> = {};
  input.parsedNotifications = [];
  input.notificationFiles = [];
  for (const [i, raw] of input.notifications.entries()) {
    const parsed = parseNotification(raw, snippetKeys, sms);
    if (!parsed.ok) {
      for (const [key, problem] of Object.entries(parsed.errors))
        fields[key === "_" ? `notifications.${i}` : `notifications.${i}.${key}`] = problem;
      continue;
    }
    const missingImages = parsed.value.channel === "email" ? await missingImagesIn(db, parsed.value.body, base) : null;
    if (missingImages) {
      fields[`notifications.${i}.body`] = missingImages;
      continue;
    }
    // Attachments (e-mail) and MMS pictures (SMS): checked by the channel, then against the files on record.
    const chosen = notificationFiles(raw as Record<string, unknown>, parsed.value.channel);
    const problems = chosen.ok ? await contentFileProblems(db, chosen.value) : chosen.errors;
    for (const [key, problem] of Object.entries(problems)) fields[`notifications.${i}.${key}`] = problem;
    if (chosen.ok) input.notificationFiles.push(chosen.value);
    const id = (raw as Record<string, unknown>).id;
    input.parsedNotifications.push({ ...parsed.value, ...(typeof id === "number" && { id }) });
  }
  if (Object.keys(fields).length) throw new ApiError(422, "Some fields are not valid.", fields);
  return input;
}

async function showProfile(c: Ctx, db: Db, profile: Profile, status: 200 | 201 = 200) {
  const [notifications, defaultId] = await Promise.all([listNotifications(db, profile.id), defaultProfileId(db)]);
  const files = await notificationFileIds(
    db,
    notifications.map((n) => n.id),
  );
  const { currency } = await getSettings(db);
  const [counts, byNotification] = await Promise.all([
    performanceOf(db, { profileId: profile.id }, currency),
    performanceByNotification(db, { profileId: profile.id }, currency),
  ]);
  return c.json(
    profileJson(profile, notifications, defaultId === profile.id, files, { profile: counts, byNotification }),
    status,
  );
}

/** Creates or replaces one profile from the request body; `id` is the path's, for PUT /:id. */
async function saveProfile(c: Ctx, id?: number) {
  const body = await jsonBody(c);
  const { db } = c.get("deps");
  const input = await parseProfileBody(db, body, (await getSettings(db)).publicUrl || c.get("deps").config.publicUrl);
  const { profile, created } = await writeForRequest(c, "profile", async ({ db, now, actor }) => {
    const current =
      id !== undefined
        ? await getProfile(db, id)
        : input.external_id
          ? await getProfileByExternalId(db, input.external_id)
          : undefined;
    if (id !== undefined && !current) throw new ApiError(404, "There is no profile with this id.");
    if (current?.builtIn) {
      throw new ApiError(
        409,
        `“${current.name}” is a built-in profile and cannot be changed. Create your own profile (copy its notifications from GET /api/v1/profiles).`,
        {
          _: "built-in profiles are read-only",
        },
      );
    }
    if (!current && !input.name) throw new ApiError(422, "Some fields are not valid.", { name: "is required" });
    const name = input.name ?? current!.name;
    const clash = await profileNamed(db, name, current?.id);
    if (clash)
      throw new ApiError(409, "This conflicts with another profile.", {
        name: `is already used by another profile (id ${clash.id})`,
      });
    if (input.external_id && current && input.external_id !== current.externalId) {
      const other = await getProfileByExternalId(db, input.external_id);
      if (other)
        throw new ApiError(409, "This conflicts with another profile.", {
          external_id: "is already used by another profile",
        });
    }

    let profile: Profile;
    if (!current) {
      profile = await createProfile(
        db,
        { name, description: input.description, externalId: input.external_id ?? null },
        now,
      );
    } else {
      await updateProfile(
        db,
        current.id,
        {
          name,
          description: input.description ?? current.description,
          externalId: input.external_id ?? current.externalId,
        },
        now,
      );
      profile = (await getProfile(db, current.id))!;
    }
    if (input.parsedNotifications) {
      await replaceNotifications(db, profile.id, input.parsedNotifications, now);
      // The profile's notifications are now the inputs, in their order: each gets its files.
      const saved = await listNotifications(db, profile.id);
      for (const [i, n] of saved.entries()) {
        const chosen = input.notificationFiles?.[i] ?? { attachment_ids: [], media_ids: [] };
        await setContentFiles(db, { notificationId: n.id }, "attachment", chosen.attachment_ids);
        await setContentFiles(db, { notificationId: n.id }, "mms", chosen.media_ids);
      }
    }
    if (input.is_default === true) await setDefaultProfile(db, profile.id, now);
    else if (input.is_default === false && (await defaultProfileId(db)) === profile.id)
      await setDefaultProfile(db, null, now);
    await audit(db, actor, current ? "updated" : "created", "profile", profile.id);
    return { profile: (await getProfile(db, profile.id))!, created: !current };
  });
  return showProfile(c, db, profile, created ? 201 : 200);
}

export const profileRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const rows = await listProfilesWithNotifications(db);
    const files = await notificationFileIds(
      db,
      rows.flatMap((r) => r.notifications.map((n) => n.id)),
    );
    return c.json({
      data: rows.map((r) => profileJson(r.profile, r.notifications, r.isDefault, files)),
      total: rows.length,
    });
  })
  .post("/", (c) => saveProfile(c))
  .put("/", (c) => saveProfile(c))
  .get("/:id", async (c) => {
    const { db } = c.get("deps");
    const profile = await getProfile(db, pathId(c, "profile"));
    if (!profile) throw new ApiError(404, "There is no profile with this id.");
    return showProfile(c, db, profile);
  })
  .put("/:id", (c) => saveProfile(c, pathId(c, "profile")));
