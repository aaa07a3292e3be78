// Settings (owner only): studio details and sending policy, staff accounts, API keys.
import { Hono } from "hono";
import { z } from "zod";
import { StudioSettingsPage } from "../../views/settings.tsx";
import { ApiKeysPage } from "../../views/settings-api-keys.tsx";
import { StaffPage } from "../../views/settings-staff.tsx";
import type { Values } from "../core/form-state.ts";
import { studioCountry } from "../core/country.ts";
import { editablePhone } from "../core/phone.ts";
import { publicUrlProblem, settingsFields } from "../core/settings.ts";
import { email, fieldErrors, requiredText } from "../core/validation.ts";
import { audit } from "../db/audit.ts";
import { createApiKey, createUser, findUserByEmail } from "../db/auth.ts";
import type { Db } from "../db/client.ts";
import { type Replanned, replanForSendingPolicy } from "../db/delivery-replan.ts";
import { listProfileNames } from "../db/profiles.ts";
import type { StudioSettings } from "../db/schema.ts";
import { getSettings, updateSettings } from "../db/settings.ts";
import { fileInfo } from "../db/files.ts";
import { IMAGE_KINDS } from "../core/file-types.ts";
import { storeUpload } from "./files.ts";
import { deleteStaffUser, listApiKeys, listUsers, revokeApiKey } from "../db/staff.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { typedValues } from "../http/form-values.ts";
import { requireOwner } from "../http/session.ts";
import { passwordSchema } from "./auth.ts";
import { pathIdNumber } from "../http/path-id.ts";

function settingsValues(s: StudioSettings): Values {
  const country = studioCountry(s);
  return {
    name: s.name,
    postal_address: s.postalAddress,
    phone: editablePhone(s.phone),
    website: s.website,
    brand_color: s.brandColor,
    sender_name: s.senderName,
    sender_email: s.senderEmail,
    reply_to: s.replyTo,
    sms_from: s.smsFrom,
    time_zone: s.timeZone,
    country,
    currency: s.currency,
    locale: s.locale,
    send_window_start: s.sendWindowStart,
    send_window_end: s.sendWindowEnd,
    stagger_batch_size: String(s.staggerBatchSize),
    stagger_interval_seconds: String(s.staggerIntervalSeconds),
    overdue_hold_minutes: String(s.overdueHoldMinutes),
    late_grace_hours: String(s.lateGraceHours),
    sms_help_reply: s.smsHelpReply,
    public_url: s.publicUrl,
    default_profile_id: s.defaultProfileId ? String(s.defaultProfileId) : "",
    track_links: s.trackLinks ? "on" : "",
    track_opens: s.trackOpens ? "on" : "",
    attribution_days: String(s.attributionDays),
  };
}

const LOGO_NOTES: Record<string, string> = {
  set: "Logo saved: every e-mail's header shows it from now on.",
  removed: "Logo removed: e-mails show the studio's name instead. The image stays in Files until you delete it there.",
};

const nf = (n: number) => n.toLocaleString("en-US");
const count = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).catch(0);

/** "Settings saved.", and what the save re-planned: staff see that queued work follows the new policy. */
function savedFlash(replanned: Replanned, s: StudioSettings): string {
  const n = replanned.windowWaits + replanned.restaggered;
  if (!n) return "Settings saved.";
  const parts = [
    replanned.windowWaits &&
      `${nf(replanned.windowWaits)} waiting for the sending window now ${replanned.windowWaits === 1 ? "goes" : "go"} by the new one (${s.sendWindowStart}–${s.sendWindowEnd} ${s.timeZone}): at once where it is open, else when it opens`,
    replanned.restaggered &&
      `${nf(replanned.restaggered)} staggered ${replanned.restaggered === 1 ? "one is" : "ones are"} spread again from now, ${nf(s.staggerBatchSize)} every ${nf(s.staggerIntervalSeconds)} s`,
  ].filter(Boolean);
  return `Settings saved. ${nf(n)} waiting ${n === 1 ? "delivery" : "deliveries"} re-planned: ${parts.join("; ")}.`;
}

/** The tracking settings a save changed, each as [before, after], for the audit log; null when none. */
function trackingChanges(before: StudioSettings, after: StudioSettings) {
  const keys = ["trackLinks", "trackOpens", "attributionDays"] as const;
  const changed = keys.filter((k) => before[k] !== after[k]);
  return changed.length ? Object.fromEntries(changed.map((k) => [k, [before[k], after[k]]])) : null;
}

const staffSchema = z.object({
  name: requiredText(120, "Name"),
  email: z.preprocess((v) => v ?? "", email),
  password: passwordSchema,
});
const keyName = requiredText(100, "A name for the key");

async function staffPage(
  c: Ctx,
  extra: { values?: Values; errors?: Record<string, string>; flash?: { kind: "ok" | "bad"; text: string } } = {},
  status: 200 | 422 = 200,
) {
  const users = await listUsers(c.get("deps").db);
  return c.html(
    StaffPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      users,
      values: extra.values ?? {},
      errors: extra.errors ?? {},
      flash: extra.flash,
    }),
    status,
  );
}

async function keysPage(
  c: Ctx,
  extra: { newKey?: { name: string; key: string }; values?: Values; errors?: Record<string, string> } = {},
  status: 200 | 201 | 422 = 200,
) {
  const { db, config } = c.get("deps");
  const [keys, { timeZone }] = await Promise.all([listApiKeys(db), getSettings(db)]);
  return c.html(
    ApiKeysPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      keys,
      newKey: extra.newKey,
      values: extra.values ?? {},
      errors: extra.errors ?? {},
      publicUrl: config.publicUrl,
      timeZone,
    }),
    status,
  );
}

export const settingsRoutes = new Hono<AppEnv>()
  .use(requireOwner())
  .get("/", async (c) => {
    const { db, config } = c.get("deps");
    const [settings, profiles] = await Promise.all([getSettings(db), listProfileNames(db)]);
    const logo = settings.logoFileId ? await fileInfo(db, settings.logoFileId) : null;
    const saved = c.req.query("saved") === "1";
    const logoNote = LOGO_NOTES[c.req.query("logo") ?? ""];
    // A base saved while e-mail stayed in the dev outbox may have become unusable since Resend was turned on.
    const problem = publicUrlProblem(settings.publicUrl, config);
    const replanned = {
      windowWaits: count.parse(c.req.query("window")),
      restaggered: count.parse(c.req.query("restaggered")),
    };
    return c.html(
      StudioSettingsPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        values: settingsValues(settings),
        errors: problem ? { public_url: problem } : {},
        profiles,
        logo,
        flash: saved
          ? { kind: "ok", text: savedFlash(replanned, settings) }
          : logoNote
            ? { kind: "ok", text: logoNote }
            : null,
      }),
    );
  })
  .post("/logo", async (c) => {
    const { db, clock } = c.get("deps");
    const stored = await storeUpload(c, await c.req.parseBody(), IMAGE_KINDS);
    if (!stored.ok) {
      const [settings, profiles] = await Promise.all([getSettings(db), listProfileNames(db)]);
      const logo = settings.logoFileId ? await fileInfo(db, settings.logoFileId) : null;
      return c.html(
        StudioSettingsPage({
          user: c.get("user")!,
          csrf: c.get("csrfToken"),
          values: settingsValues(settings),
          errors: {},
          profiles,
          logo,
          logoError: stored.problem,
        }),
        422,
      );
    }
    await updateSettings(db, { logoFileId: stored.file.id }, clock());
    await audit(db, { userId: c.get("user")!.id }, "updated", "studio_settings", 1, { logo: stored.file.id });
    return c.redirect("/settings?logo=set", 303);
  })
  .post("/logo/remove", async (c) => {
    const { db, clock } = c.get("deps");
    await updateSettings(db, { logoFileId: null }, clock());
    await audit(db, { userId: c.get("user")!.id }, "updated", "studio_settings", 1, { logo: null });
    return c.redirect("/settings?logo=removed", 303);
  })
  .post("/", async (c) => {
    const { db, clock, config } = c.get("deps");
    const body = await c.req.parseBody();
    const parsed = settingsFields({ ...config, country: studioCountry(await getSettings(db)) }).safeParse(body);
    if (!parsed.success) {
      const profiles = await listProfileNames(db);
      return c.html(
        StudioSettingsPage({
          user: c.get("user")!,
          csrf: c.get("csrfToken"),
          values: typedValues(body),
          errors: fieldErrors(parsed.error),
          profiles,
        }),
        422,
      );
    }
    const s = parsed.data;
    if (s.default_profile_id && !(await listProfileNames(db)).some((p) => p.id === s.default_profile_id)) {
      const profiles = await listProfileNames(db);
      return c.html(
        StudioSettingsPage({
          user: c.get("user")!,
          csrf: c.get("csrfToken"),
          values: typedValues(body),
          errors: { default_profile_id: "That profile no longer exists." },
          profiles,
        }),
        422,
      );
    }
    const now = clock();
    // The save and the re-plan of queued work commit together: no delivery is planned under a policy that no longer holds.
    const replanned = await db.transaction(async (t) => {
      const tx: Db = t;
      const before = await getSettings(tx);
      await updateSettings(
        tx,
        {
          name: s.name,
          postalAddress: s.postal_address ?? "",
          phone: s.phone ?? "",
          website: s.website ?? "",
          brandColor: s.brand_color,
          senderName: s.sender_name ?? "",
          senderEmail: s.sender_email ?? "",
          replyTo: s.reply_to ?? "",
          smsFrom: s.sms_from ?? "",
          timeZone: s.time_zone,
          ...(s.country && { country: s.country }),
          ...(s.currency && { currency: s.currency }),
          ...(s.locale && { locale: s.locale }),
          sendWindowStart: s.send_window_start,
          sendWindowEnd: s.send_window_end,
          staggerBatchSize: s.stagger_batch_size,
          staggerIntervalSeconds: s.stagger_interval_seconds,
          overdueHoldMinutes: s.overdue_hold_minutes,
          lateGraceHours: s.late_grace_hours,
          smsHelpReply: s.sms_help_reply ?? "",
          publicUrl: (s.public_url ?? "").replace(/\/+$/, ""),
          defaultProfileId: s.default_profile_id ?? null,
          ...(s.track_links !== undefined && { trackLinks: s.track_links }),
          ...(s.track_opens !== undefined && { trackOpens: s.track_opens }),
          ...(s.attribution_days !== undefined && { attributionDays: s.attribution_days }),
        },
        now,
      );
      const after = await getSettings(tx);
      const r = await replanForSendingPolicy(tx, before, after, now);
      const tracking = trackingChanges(before, after);
      const detail = {
        ...((r.windowWaits || r.restaggered) && { replanned: r }),
        ...(tracking && { tracking }),
      };
      await audit(
        tx,
        { userId: c.get("user")!.id },
        "updated",
        "studio_settings",
        1,
        Object.keys(detail).length ? detail : undefined,
      );
      return r;
    });
    const counts =
      replanned.windowWaits || replanned.restaggered
        ? `&window=${replanned.windowWaits}&restaggered=${replanned.restaggered}`
        : "";
    return c.redirect(`/settings?saved=1${counts}`, 303);
  })
  .get("/staff", async (c) => {
    const added = (await listUsers(c.get("deps").db)).find((u) => String(u.id) === c.req.query("added"));
    return staffPage(
      c,
      added ? { flash: { kind: "ok", text: `${added.name} can now log in with ${added.email}.` } } : {},
    );
  })
  .post("/staff", async (c) => {
    const { db } = c.get("deps");
    const body = await c.req.parseBody();
    const parsed = staffSchema.safeParse(body);
    if (!parsed.success) return staffPage(c, { values: typedValues(body), errors: fieldErrors(parsed.error) }, 422);
    if (await findUserByEmail(db, parsed.data.email)) {
      return staffPage(
        c,
        { values: typedValues(body), errors: { email: "An account with this e-mail exists already." } },
        422,
      );
    }
    const user = await createUser(db, { ...parsed.data, role: "staff" });
    await audit(db, { userId: c.get("user")!.id }, "created", "user", user.id, { role: "staff" });
    return c.redirect(`/settings/staff?added=${user.id}`, 303);
  })
  .post("/staff/:id/delete", async (c) => {
    const { db } = c.get("deps");
    const id = pathIdNumber(c.req.param("id"));
    const removed = id !== null && (await deleteStaffUser(db, id));
    if (removed) await audit(db, { userId: c.get("user")!.id }, "deleted", "user", id);
    return staffPage(c, {
      flash: removed
        ? { kind: "ok", text: "Staff account removed." }
        : { kind: "bad", text: "No such staff account (the owner cannot be removed)." },
    });
  })
  .get("/api-keys", (c) => keysPage(c))
  .post("/api-keys", async (c) => {
    const { db } = c.get("deps");
    const body = await c.req.parseBody();
    const name = keyName.safeParse(body.name);
    if (!name.success)
      return keysPage(c, { values: typedValues(body), errors: { name: name.error.issues[0]!.message } }, 422);
    const { key, row } = await createApiKey(db, name.data, c.get("user")!.id);
    await audit(db, { userId: c.get("user")!.id }, "created", "api_key", row.id, { name: row.name });
    c.header("Cache-Control", "no-store");
    return keysPage(c, { newKey: { name: row.name, key } }, 201);
  })
  .post("/api-keys/:id/revoke", async (c) => {
    const { db, clock } = c.get("deps");
    const id = pathIdNumber(c.req.param("id"));
    if (id !== null && (await revokeApiKey(db, id, clock())))
      await audit(db, { userId: c.get("user")!.id }, "revoked", "api_key", id);
    return c.redirect("/settings/api-keys", 303);
  });
