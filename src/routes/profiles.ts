// Staff pages for communication profiles (SPEC P1–P4, T3): list, create, rename, duplicate,
// delete with a confirmation when jobs use it, the default for new jobs, and the notification
// editor with its live preview on a real customer. Built-in profiles are read-only.
import {
  checkChosen,
  chosenInForm,
  chosenOfNotification,
  editorFiles,
  saveNotificationFiles,
} from "./notification-files.ts";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Values } from "../core/form-state.ts";
import type { PreviewData } from "../core/profile-pages.ts";
import {
  type EditorProps,
  NotificationEditorPage,
  NotificationForm,
  NotificationPreview,
} from "../../views/profile-notification.tsx";
import { doneFlash } from "../../views/profile-parts.tsx";
import { DeleteProfilePage, NotificationRow, ProfilePage } from "../../views/profile-page.tsx";
import { ProfilesPage } from "../../views/profiles.tsx";
import { describeNotification, notificationFormValues, parseNotificationForm } from "../core/notification-input.ts";
import { smsDraft } from "../core/sms-draft.ts";
import {
  fillTemplate,
  noEscape,
  type PlaceholderValues,
  placeholdersFor,
  contextForTrigger,
  TemplateSyntaxError,
} from "../core/placeholders.ts";
import { pickLanguage, t } from "../core/i18n/translate.ts";
import { smsInfo, smsInfoAsSent, smsLineBreaks, smsSaveCheck, withOptOutHint } from "../core/sms-text.ts";
import { type Audience, TRIGGER_INFO, type Trigger } from "../core/triggers.ts";
import { type FieldErrors, flag, requiredText } from "../core/validation.ts";
import { audit } from "../db/audit.ts";
import {
  createNotification,
  createProfile,
  defaultProfileId,
  deleteNotification,
  deleteProfile,
  duplicateProfile,
  getNotification,
  getProfile,
  getTemplate,
  jobsUsingProfile,
  listNotifications,
  listProfiles,
  type Notification,
  type Profile,
  previewRecipient,
  profileNamed,
  setDefaultProfile,
  setNotificationActive,
  templatesFor,
  updateNotification,
  updateProfile,
} from "../db/profiles.ts";
import { missingImagesIn } from "../db/files.ts";
import { loadSnippets } from "../db/recipient-rows.ts";
import { AUDIENCES, type Channel, CHANNELS, TRIGGERS } from "../core/vocabulary.ts";
import { getSettings } from "../db/settings.ts";
import { notificationNumbers } from "../db/notification-numbers.ts";
import { createComposer } from "../dispatch/compose.ts";
import { recipientValues, sampleValues } from "../dispatch/recipient-values.ts";
import { personalizeEmail, renderEmailVariant } from "../email/render.ts";
import { type AppEnv, type Ctx, isPartial } from "../http/env.ts";
import { formId, typedValues } from "../http/form-values.ts";
import { idParam } from "../http/path-id.ts";
import { emailLook } from "../dispatch/content.ts";

const profileName = requiredText(120, "Name");

async function loadProfile(c: Ctx): Promise<Profile> {
  const id = idParam.safeParse(c.req.param("id"));
  const profile = id.success ? await getProfile(c.get("deps").db, id.data) : undefined;
  if (!profile) throw new HTTPException(404, { message: "There is no such profile. It may have been deleted." });
  return profile;
}

/** A profile staff may change; built-ins are read-only (SPEC P2). */
async function loadEditable(c: Ctx): Promise<Profile> {
  const profile = await loadProfile(c);
  if (profile.builtIn) {
    throw new HTTPException(403, {
      message: `“${profile.name}” is a built-in profile and cannot be changed. Duplicate it to make a version of your own.`,
    });
  }
  return profile;
}

async function loadNotification(c: Ctx, profile: Profile): Promise<Notification> {
  const id = idParam.safeParse(c.req.param("nid"));
  const n = id.success ? await getNotification(c.get("deps").db, profile.id, id.data) : undefined;
  if (!n)
    throw new HTTPException(404, {
      message: "There is no such notification in this profile. It may have been deleted.",
    });
  return n;
}

const actorOf = (c: Ctx) => ({ userId: c.get("user")!.id });

/** Checks a profile name: required, and not the name of another profile. */
async function checkName(c: Ctx, raw: unknown, exceptId?: number): Promise<{ name: string } | { errors: FieldErrors }> {
  const parsed = profileName.safeParse(raw);
  if (!parsed.success) return { errors: { name: parsed.error.issues[0]!.message } };
  const other = await profileNamed(c.get("deps").db, parsed.data, exceptId);
  if (other) return { errors: { name: `There is already a profile called “${other.name}”. Choose another name.` } };
  return { name: parsed.data };
}

async function renderList(c: Ctx, values: Values = {}, errors: FieldErrors = {}, status: 200 | 422 = 200) {
  const rows = await listProfiles(c.get("deps").db);
  return c.html(
    ProfilesPage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      rows,
      values,
      errors,
      flash: doneFlash(c.req.query("done")),
    }),
    status,
  );
}

async function renderProfile(
  c: Ctx,
  profile: Profile,
  values?: Values,
  errors: FieldErrors = {},
  status: 200 | 422 = 200,
) {
  const { db } = c.get("deps");
  const [notifications, jobs, defaultId, settings] = await Promise.all([
    listNotifications(db, profile.id),
    jobsUsingProfile(db, profile.id),
    defaultProfileId(db),
    getSettings(db),
  ]);
  const numbers = await notificationNumbers(db, { profileId: profile.id, notifications }, settings.currency);
  return c.html(
    ProfilePage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      profile,
      notifications,
      jobs,
      isDefault: defaultId === profile.id,
      numbers: { ...numbers, locale: settings.locale },
      values: values ?? { name: profile.name },
      errors,
      flash: doneFlash(c.req.query("done")),
    }),
    status,
  );
}

// ---------------------------------------------------------------- the editor

const isTrigger = (t: unknown): t is Trigger => TRIGGERS.includes(t as Trigger);
const isChannel = (ch: unknown): ch is Channel => CHANNELS.includes(ch as Channel);
const isAudience = (a: unknown): a is Audience => AUDIENCES.includes(a as Audience);

/** Where a new notification's offset starts, per trigger. */
const DEFAULT_OFFSET: Partial<Record<Trigger, { offset: string; direction?: string }>> = {
  job_archiving: { offset: "7" },
  coupon_deadline: { offset: "3" },
  shipping_deadline: { offset: "3" },
  picture_day: { offset: "2", direction: "before" },
  appointment_reminder: { offset: "24" },
  appointment_followup: { offset: "2" },
};

/**
 * The form's values fitted to its trigger: offered audiences, channels and times only. Moving to a
 * trigger that counts differently (hours, or from a date) starts its offset and time afresh.
 */
function fitToTrigger(v: Values, previous?: string): Values {
  const trigger: Trigger = isTrigger(v.trigger) ? v.trigger : "job_selling";
  const info = TRIGGER_INFO[trigger];
  const out: Values = { ...v, trigger };
  const before = isTrigger(previous) ? TRIGGER_INFO[previous] : undefined;
  if (!before || before.unit !== info.unit || before.anchor !== info.anchor) {
    const start = DEFAULT_OFFSET[trigger];
    if (before || !v.offset?.trim()) {
      out.offset = start?.offset ?? "0";
      out.offset_direction = start?.direction ?? "after";
      out.offset_unit = info.unit;
      out.time_mode = info.anchor === "job_date" ? "morning" : "immediately";
    }
  }
  if (!isChannel(v.channel) || !info.channels.includes(v.channel)) out.channel = info.channels[0];
  if (!isAudience(v.audience) || !info.audiences.includes(v.audience)) out.audience = info.audiences[0];
  if (!v.time_mode || (info.anchor === "job_date" && v.time_mode === "immediately"))
    out.time_mode = info.anchor === "job_date" ? "morning" : "immediately";
  if (!v.offset?.trim()) out.offset = "0";
  if (trigger.startsWith("appointment_") || !v.condition) out.condition = "any";
  return out;
}

/** The channel to preview and offer templates for: the typed one when the trigger allows it. */
function shownChannel(v: Values): Channel {
  const info = TRIGGER_INFO[isTrigger(v.trigger) ? v.trigger : "job_selling"];
  return isChannel(v.channel) && info.channels.includes(v.channel) ? v.channel : info.channels[0]!;
}

/** What the notification would look like for a real customer of a real job (or sample values). */
async function buildPreview(c: Ctx, profile: Profile, v: Values): Promise<PreviewData> {
  const deps = c.get("deps");
  const trigger: Trigger = isTrigger(v.trigger) ? v.trigger : "job_selling";
  const channel = shownChannel(v);
  const [snippets, settings, recipient] = await Promise.all([
    loadSnippets(deps.db),
    getSettings(deps.db),
    previewRecipient(deps.db, profile.id, trigger),
  ]);
  const parsed = parseNotificationForm(
    { ...v, trigger, channel },
    Object.keys(snippets),
    smsSaveCheck(settings, deps.config.publicUrl),
  );
  const errors: FieldErrors = parsed.ok
    ? {}
    : Object.fromEntries(
        Object.entries(parsed.errors).filter(([k]) => k === "subject" || k === "preheader" || k === "body"),
      );
  // The sentence reads the timing and audience, whatever state the text is in.
  const timing = parseNotificationForm({ ...v, trigger, channel, subject: "-", body: "-" }, []);
  const sentence = timing.ok ? describeNotification(timing.value) : null;

  let values: PlaceholderValues;
  let recipientNote: string;
  let to: string | null = null;
  const rows = recipient.rows;
  if (rows?.customer) {
    const composer = await createComposer(deps, settings, deps.clock());
    values = recipientValues(rows, settings, snippets, composer.link);
    const who = `${rows.customer.firstName} ${rows.customer.lastName}`.trim() || `customer #${rows.customer.id}`;
    const what = rows.appointment
      ? `and their appointment${rows.job ? ` for “${rows.job.name}”` : ""}`
      : `registered to “${rows.job?.name}”`;
    recipientNote =
      recipient.source === "profile_job"
        ? `Shown with real data: ${who}, ${what}, a job using this profile.`
        : `No job using this profile has ${rows.appointment ? "an appointment" : "a registered customer"} yet, so this shows real data of another job: ${who}, ${what}.`;
    to = channel === "email" ? rows.customer.email : rows.customer.phone;
  } else {
    values = sampleValues(settings, snippets);
    recipientNote = `No ${trigger.startsWith("appointment_") ? "appointments" : "registered customers"} yet, so this shows sample values.`;
    to = channel === "email" ? String(values["customer.email"]) : String(values["customer.phone"]);
  }

  const subject = v.subject ?? "";
  // Counted as it will be stored and sent: an SMS's line breaks as LF (see smsLineBreaks).
  const body = channel === "sms" ? smsLineBreaks(v.body ?? "") : (v.body ?? "");
  const preview: PreviewData = { channel, sentence, recipientNote, to, errors };
  // The footer and the opt-out hint in the language of the customer shown (sample values: the studio's).
  const lang = pickLanguage(rows?.customer?.locale, settings.locale);
  try {
    if (channel === "email") {
      const variant = await renderEmailVariant({
        subject,
        body,
        preheader: v.preheader?.trim() || undefined,
        format: "markdown",
        ...(await emailLook(deps.db, settings, settings.publicUrl || deps.config.publicUrl, body)),
        personalLinks: true,
        lang,
      });
      const email = personalizeEmail(variant, values);
      preview.subject = email.subject;
      preview.preheader = v.preheader?.trim() ? fillTemplate(v.preheader.trim(), values, noEscape) : "";
      preview.html = email.html;
    } else {
      const filled = fillTemplate(body, values, noEscape);
      const marketing = channel === "sms" && !trigger.startsWith("appointment_");
      const hint = t(lang, "sms.optOut");
      preview.text = channel === "sms" ? withOptOutHint(filled, { required: marketing, hint }) : filled;
      preview.optOutAdded = marketing && preview.text !== filled ? hint : null;
      if (channel === "sms") preview.sms = smsInfoAsSent(preview.text, smsSaveCheck(settings, deps.config.publicUrl));
    }
  } catch (err) {
    if (!(err instanceof TemplateSyntaxError)) throw err;
    preview.problem = "The preview shows once the broken placeholders are fixed.";
    if (channel === "sms") {
      preview.text = body;
      preview.sms = smsInfo(body);
    }
  }
  return preview;
}

/** The ids ticked in the editor's files section. */
type ChosenLists = { attachment_ids: string[]; media_ids: string[] };

async function editorProps(
  c: Ctx,
  profile: Profile,
  values: Values,
  errors: FieldErrors,
  notification?: Notification,
  chosen?: ChosenLists,
): Promise<EditorProps> {
  const { db } = c.get("deps");
  const ticked = chosen ?? (notification ? await chosenOfNotification(db, notification.id) : undefined);
  const trigger: Trigger = isTrigger(values.trigger) ? values.trigger : "job_selling";
  const [templates, snippets, preview] = await Promise.all([
    templatesFor(db, trigger, shownChannel(values)),
    loadSnippets(db),
    buildPreview(c, profile, values),
  ]);
  return {
    user: c.get("user")!,
    csrf: c.get("csrfToken"),
    profile,
    notification,
    values,
    errors,
    templates,
    placeholders: placeholdersFor(contextForTrigger(trigger), Object.keys(snippets)),
    preview,
    files: await editorFiles(db, ticked ?? { attachment_ids: [], media_ids: [] }),
  };
}

async function renderEditor(
  c: Ctx,
  profile: Profile,
  values: Values,
  errors: FieldErrors,
  notification?: Notification,
  status: 200 | 422 = 200,
  chosen?: ChosenLists,
  notice?: EditorProps["notice"],
) {
  const props = { ...(await editorProps(c, profile, values, errors, notification, chosen)), notice };
  return c.html(isPartial(c) ? NotificationForm(props) : NotificationEditorPage(props), status);
}

/** Whether the subject and body are still a template's text (or empty), so a new trigger may bring its own. */
async function untouchedText(c: Ctx, v: Values): Promise<boolean> {
  if (!v.body?.trim() && !v.subject?.trim()) return true;
  if (!isTrigger(v.trigger)) return false;
  const templates = await templatesFor(c.get("deps").db, v.trigger, shownChannel(v));
  return templates.some((t) => t.body === v.body && (shownChannel(v) !== "email" || t.subject === v.subject));
}

/** Puts a template's subject and body into the form's values. */
async function withTemplate(c: Ctx, v: Values, templateId: number): Promise<Values> {
  const t = await getTemplate(c.get("deps").db, templateId);
  if (!t) return v;
  return {
    ...v,
    subject: t.channel === "email" ? t.subject : (v.subject ?? ""),
    preheader: t.channel === "email" ? t.preheader : (v.preheader ?? ""),
    body: t.body,
    template_id: String(t.id),
  };
}

/** A new notification's starting values: the trigger's first template, to edit. */
async function startingValues(c: Ctx, query: Record<string, string>): Promise<Values> {
  const v = fitToTrigger({ trigger: query.trigger, channel: query.channel, active: "on" }, undefined);
  const [first] = await templatesFor(c.get("deps").db, v.trigger as Trigger, shownChannel(v));
  return first ? withTemplate(c, v, first.id) : v;
}

export const profileRoutes = new Hono<AppEnv>()
  .get("/", (c) => renderList(c))
  .post("/", async (c) => {
    const { db, clock } = c.get("deps");
    const body = await c.req.parseBody();
    const checked = await checkName(c, body.name);
    if ("errors" in checked) return renderList(c, typedValues(body), checked.errors, 422);
    const profile = await createProfile(db, { name: checked.name }, clock());
    await audit(db, actorOf(c), "created", "profile", profile.id);
    return c.redirect(`/profiles/${profile.id}?done=created`, 303);
  })
  .get("/:id{[0-9]+}", async (c) => renderProfile(c, await loadProfile(c)))
  .post("/:id{[0-9]+}/rename", async (c) => {
    const { db, clock } = c.get("deps");
    const profile = await loadEditable(c);
    const body = await c.req.parseBody();
    const checked = await checkName(c, body.name, profile.id);
    if ("errors" in checked) return renderProfile(c, profile, typedValues(body), checked.errors, 422);
    await updateProfile(db, profile.id, { name: checked.name }, clock());
    await audit(db, actorOf(c), "renamed", "profile", profile.id, { from: profile.name, to: checked.name });
    return c.redirect(`/profiles/${profile.id}?done=renamed`, 303);
  })
  .post("/:id{[0-9]+}/duplicate", async (c) => {
    const { db, clock } = c.get("deps");
    const profile = await loadProfile(c);
    const copy = (await duplicateProfile(db, profile.id, clock()))!;
    await audit(db, actorOf(c), "duplicated", "profile", copy.id, { from: profile.id });
    return c.redirect(`/profiles/${copy.id}?done=duplicated`, 303);
  })
  .post("/:id{[0-9]+}/default", async (c) => {
    const { db, clock } = c.get("deps");
    const profile = await loadProfile(c);
    const body = await c.req.parseBody();
    const on = flag.safeParse(body.default ?? "on").data !== false;
    const current = await defaultProfileId(db);
    if (on) await setDefaultProfile(db, profile.id, clock());
    else if (current === profile.id) await setDefaultProfile(db, null, clock());
    await audit(db, actorOf(c), on ? "made_default" : "unmade_default", "profile", profile.id);
    return c.redirect(`/profiles/${profile.id}?done=${on ? "default" : "undefault"}`, 303);
  })
  .post("/:id{[0-9]+}/delete", async (c) => {
    const { db, clock } = c.get("deps");
    const profile = await loadEditable(c);
    const body = await c.req.parseBody();
    const jobs = await jobsUsingProfile(db, profile.id);
    // Jobs lose their automation with it: that takes a second, informed yes (SPEC P1).
    if (jobs.total > 0 && body.confirm !== "yes") {
      return c.html(DeleteProfilePage({ user: c.get("user")!, csrf: c.get("csrfToken"), profile, jobs }));
    }
    await deleteProfile(db, profile.id, clock());
    await audit(db, actorOf(c), "deleted", "profile", profile.id, { name: profile.name, jobsUnassigned: jobs.total });
    return c.redirect("/profiles?done=deleted", 303);
  })

  // ---------------------------------------------------------------- notifications
  .get("/:id{[0-9]+}/notifications/new", async (c) => {
    const profile = await loadEditable(c);
    return renderEditor(c, profile, await startingValues(c, c.req.query()), {});
  })
  .post("/:id{[0-9]+}/notifications/form", async (c) => {
    // Re-renders the editor for a changed trigger or channel, or with a template's text: never saves.
    const profile = await loadEditable(c);
    const body = await c.req.parseBody();
    const chosen = chosenInForm(await c.req.parseBody({ all: true }));
    let values = fitToTrigger(typedValues(body), String(body.shown_trigger ?? ""));
    const notification = await (async () => {
      const nid = idParam.safeParse(body.notification_id);
      return nid.success ? getNotification(c.get("deps").db, profile.id, nid.data) : undefined;
    })();
    const templateId = idParam.safeParse(body.template_id);
    if (body.use_template && templateId.success) values = await withTemplate(c, values, templateId.data);
    else if (await untouchedTextFor(c, body, values)) {
      const [first] = await templatesFor(c.get("deps").db, values.trigger as Trigger, shownChannel(values));
      if (first) values = await withTemplate(c, values, first.id);
    }
    return renderEditor(c, profile, values, {}, notification, 200, chosen);
  })
  .post("/:id{[0-9]+}/notifications/preview", async (c) => {
    const profile = await loadEditable(c);
    const values = typedValues(await c.req.parseBody());
    const preview = await buildPreview(c, profile, values);
    return c.html(NotificationPreview({ preview, oob: isPartial(c) }));
  })
  .post("/:id{[0-9]+}/notifications", async (c) => {
    const { db, clock } = c.get("deps");
    const profile = await loadEditable(c);
    const form = await readNotificationForm(c);
    if (!form.ok) return renderEditor(c, profile, form.typed, form.errors, undefined, 422, form.chosen);
    const { body, parsed, files } = form;
    const n = await db.transaction(async (tx) => {
      // An e-mail's SMS version goes right after its e-mail in the list (the form carries `after`).
      const created = await createNotification(tx, profile.id, parsed, clock(), formId(body.after));
      await saveNotificationFiles(tx, created.id, files);
      return created;
    });
    await audit(db, actorOf(c), "created", "notification", n.id, { profileId: profile.id });
    return c.redirect(`/profiles/${profile.id}?done=saved#notification-${n.id}`, 303);
  })
  // "Add an SMS version" of an e-mail notification (issue 12): the add form, pre-filled with its
  // trigger, timing, audience and condition, channel SMS, and a plain draft of its e-mail text.
  // Nothing is written until staff save it (a second notification, SPEC P3).
  .get("/:id{[0-9]+}/notifications/:nid{[0-9]+}/sms-version", async (c) => {
    const profile = await loadEditable(c);
    const n = await loadNotification(c, profile);
    if (n.channel !== "email") return c.redirect(`/profiles/${profile.id}/notifications/${n.id}/edit`, 303);
    const values = {
      ...notificationFormValues(n),
      channel: "sms",
      subject: "",
      preheader: "",
      body: smsDraft(n.body),
      after: String(n.id),
    };
    // Pressed twice, it would make a second SMS sent at the same moment to the same people: say
    // so, naming the SMS there is, before anything is saved.
    const twin = (await listNotifications(c.get("deps").db, profile.id)).find(
      (x) =>
        x.channel === "sms" &&
        x.trigger === n.trigger &&
        x.offsetDays === n.offsetDays &&
        x.offsetHours === n.offsetHours &&
        x.timeOfDay === n.timeOfDay &&
        x.audience === n.audience,
    );
    const notice = twin
      ? {
          text: `This profile already has an SMS with the same trigger, timing and audience: ${describeNotification(twin)}. Saving this one too sends those customers two texts at once; edit that one instead, or change this one's timing or audience.`,
          href: `/profiles/${profile.id}/notifications/${twin.id}/edit`,
        }
      : undefined;
    return renderEditor(c, profile, values, {}, undefined, 200, undefined, notice);
  })
  .get("/:id{[0-9]+}/notifications/:nid{[0-9]+}/edit", async (c) => {
    const profile = await loadEditable(c);
    const n = await loadNotification(c, profile);
    return renderEditor(c, profile, notificationFormValues(n), {}, n);
  })
  .post("/:id{[0-9]+}/notifications/:nid{[0-9]+}", async (c) => {
    const { db, clock } = c.get("deps");
    const profile = await loadEditable(c);
    const n = await loadNotification(c, profile);
    const form = await readNotificationForm(c);
    if (!form.ok) return renderEditor(c, profile, form.typed, form.errors, n, 422, form.chosen);
    const { parsed, files } = form;
    await db.transaction(async (tx) => {
      await updateNotification(tx, profile.id, n.id, parsed, clock());
      await saveNotificationFiles(tx, n.id, files);
    });
    await audit(db, actorOf(c), "updated", "notification", n.id, { profileId: profile.id });
    return c.redirect(`/profiles/${profile.id}?done=saved#notification-${n.id}`, 303);
  })
  .post("/:id{[0-9]+}/notifications/:nid{[0-9]+}/active", async (c) => {
    const { db, clock } = c.get("deps");
    const profile = await loadEditable(c);
    const n = await loadNotification(c, profile);
    const body = await c.req.parseBody();
    const active = flag.safeParse(body.active).data ?? !n.active;
    await setNotificationActive(db, profile.id, n.id, active, clock());
    await audit(db, actorOf(c), active ? "activated" : "deactivated", "notification", n.id, { profileId: profile.id });
    if (isPartial(c)) return c.html(NotificationRow({ profile, n: { ...n, active }, csrf: c.get("csrfToken") }));
    return c.redirect(`/profiles/${profile.id}#notification-${n.id}`, 303);
  })
  .post("/:id{[0-9]+}/notifications/:nid{[0-9]+}/delete", async (c) => {
    const { db, clock } = c.get("deps");
    const profile = await loadEditable(c);
    const n = await loadNotification(c, profile);
    await deleteNotification(db, profile.id, n.id, clock());
    await audit(db, actorOf(c), "deleted", "notification", n.id, { profileId: profile.id });
    return c.redirect(`/profiles/${profile.id}?done=removed`, 303);
  });

/**
 * A posted notification form read as the create and the edit both read it: the fields (checked,
 * with the opt-out line the studio's language adds), the files chosen by channel, and the images
 * its e-mail shows; or every problem at once, with what was typed, to show again.
 */
async function readNotificationForm(c: Ctx) {
  const { db, config } = c.get("deps");
  const body = await c.req.parseBody();
  const snippets = await loadSnippets(db);
  const parsed = parseNotificationForm(
    body,
    Object.keys(snippets),
    smsSaveCheck(await getSettings(db), config.publicUrl),
  );
  const chosen = chosenInForm(await c.req.parseBody({ all: true }));
  const files = await checkChosen(db, chosen, String(body.channel ?? ""));
  const missingImages = parsed.ok ? await notificationImagesMissing(c, parsed.value) : null;
  if (!parsed.ok || !files.ok || missingImages)
    return {
      ok: false as const,
      typed: typedValues(body),
      chosen,
      errors: {
        ...(parsed.ok ? {} : parsed.errors),
        ...(files.ok ? {} : files.errors),
        ...(missingImages ? { body: missingImages } : {}),
      },
    };
  return { ok: true as const, body, parsed: parsed.value, files: files.value };
}

/** An e-mail notification's uploaded images that are not stored, as the body's problem; else null. */
async function notificationImagesMissing(c: Ctx, n: { channel: Channel; body: string }): Promise<string | null> {
  if (n.channel !== "email") return null;
  const { db, config } = c.get("deps");
  return missingImagesIn(db, n.body, (await getSettings(db)).publicUrl || config.publicUrl);
}

/**
 * Whether the text in the form is still what a template (for the trigger and channel the form was
 * showing before this change) put there, so switching trigger may swap in the new trigger's text.
 */
async function untouchedTextFor(c: Ctx, body: Record<string, unknown>, fitted: Values): Promise<boolean> {
  const before = {
    ...fitted,
    trigger: String(body.shown_trigger ?? fitted.trigger),
    channel: String(body.shown_channel ?? fitted.channel),
  };
  if (before.trigger === fitted.trigger && before.channel === fitted.channel) return false;
  return untouchedText(c, before);
}
