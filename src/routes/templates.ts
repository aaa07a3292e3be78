// The template library (SPEC T3): built-in templates (read-only, duplicate to change) and the
// studio's own, per channel, each with a preview in the studio's layout with sample values or a
// real customer's; create, edit, duplicate, delete; and "Save as template" from a message.
import { desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { TemplatePage, TemplatesPage } from "../../views/templates.tsx";
import { studioCountry } from "../core/country.ts";
import type { Flash, Values } from "../core/form-state.ts";
import { pickLanguage, t } from "../core/i18n/translate.ts";
import type { PreviewData } from "../core/message-pages.ts";
import { formatPhone } from "../core/phone.ts";
import { checkTemplate, fillTemplate, noEscape, TemplateSyntaxError } from "../core/placeholders.ts";
import { smsInfoAsSent, smsSaveCheck, withOptOutHint } from "../core/sms-text.ts";
import { templateContext, templateInput, type TemplateInput } from "../core/template-input.ts";
import { type Trigger } from "../core/triggers.ts";
import { fieldErrors, type FieldErrors } from "../core/validation.ts";
import { audit } from "../db/audit.ts";
import { contentFilesOf } from "../db/content-files.ts";
import { missingImagesIn } from "../db/files.ts";
import { getMessage } from "../db/messages.ts";
import { loadRecipientRows, loadSnippets } from "../db/recipient-rows.ts";
import { appointments, customers, registrations } from "../db/schema.ts";
import { getSettings } from "../db/settings.ts";
import {
  createTemplate,
  deleteTemplate,
  duplicateTemplate,
  findTemplate,
  listTemplates,
  saveMessageAsTemplates,
  type Template,
  type TemplateView,
  updateTemplate,
} from "../db/templates.ts";
import { createComposer } from "../dispatch/compose.ts";
import { emailLook } from "../dispatch/content.ts";
import { recipientValues, sampleValues } from "../dispatch/recipient-values.ts";
import { personalizeEmail, renderEmailVariant } from "../email/render.ts";
import type { AppEnv, Ctx } from "../http/env.ts";
import { typedValues } from "../http/form-values.ts";
import { pathIdNumber } from "../http/path-id.ts";
import type { Channel } from "../core/vocabulary.ts";

const PREVIEW_OPTIONS = 50;

type Text = { channel: Channel; trigger: Trigger | null; subject: string; preheader: string; body: string };

/** Customers a preview may be shown as: the latest registered ones, each with the job of their latest registration. */
async function previewCustomers(c: Ctx) {
  const { db } = c.get("deps");
  const rows = await db
    .select({
      id: customers.id,
      first: customers.firstName,
      last: customers.lastName,
      email: customers.email,
      jobId: registrations.jobId,
    })
    .from(registrations)
    .innerJoin(customers, eq(customers.id, registrations.customerId))
    .orderBy(desc(registrations.id))
    .limit(PREVIEW_OPTIONS * 4);
  const seen = new Map<number, (typeof rows)[number]>();
  for (const r of rows) if (!seen.has(r.id) && seen.size < PREVIEW_OPTIONS) seen.set(r.id, r);
  return [...seen.values()];
}

/** The template as a customer would get it: sample values, or the chosen customer's real data. */
async function buildPreview(c: Ctx, text: Text, customerId: number | null): Promise<PreviewData> {
  const deps = c.get("deps");
  const { db } = deps;
  const [settings, snippets, people] = await Promise.all([getSettings(db), loadSnippets(db), previewCustomers(c)]);
  const chosen = people.find((p) => p.id === customerId) ?? null;
  const pv: PreviewData = {
    // "Sample values" first: the preview starts with them, and staff can come back to them.
    options: [
      { id: 0, label: "Sample values" },
      ...people.map((p) => ({
        id: p.id,
        label: `${`${p.first} ${p.last}`.trim() || `Customer #${p.id}`}${p.email ? ` · ${p.email}` : ""}`,
      })),
    ],
    selectedId: chosen?.id ?? 0,
    appointmentOptions: [],
    note: "Shown with sample values.",
    warnings: [],
  };
  let values = sampleValues(settings, snippets);
  let locale: string | null = null;
  let to = { email: String(values["customer.email"]), phone: String(values["customer.phone"]) };
  if (chosen) {
    const [appointment] = await db
      .select({ id: appointments.id })
      .from(appointments)
      .where(eq(appointments.customerId, chosen.id))
      .orderBy(desc(appointments.startsAt))
      .limit(1);
    const probe = { id: 0, customerId: chosen.id, jobId: chosen.jobId, appointmentId: appointment?.id ?? null };
    const rows = (await loadRecipientRows(db, [probe])).get(0);
    if (rows?.customer) {
      const composer = await createComposer(deps, settings, deps.clock());
      values = recipientValues(rows, settings, snippets, composer.link);
      locale = rows.customer.locale;
      to = { email: rows.customer.email ?? "—", phone: rows.customer.phone ?? "—" };
      const name = `${rows.customer.firstName} ${rows.customer.lastName}`.trim() || `customer #${rows.customer.id}`;
      pv.note = `Shown with ${name}'s real data${rows.job ? ` for “${rows.job.name}”` : ""}; a placeholder they have no value for is empty.`;
    }
  }
  const problems = [text.subject, text.preheader, text.body].flatMap((x) =>
    checkTemplate(x, templateContext(text.trigger), Object.keys(snippets)).map((e) => e.message),
  );
  if (problems.length) pv.problem = problems[0];
  const lang = pickLanguage(locale, settings.locale);
  try {
    if (text.channel === "email") {
      const variant = await renderEmailVariant({
        subject: text.subject,
        body: text.body,
        preheader: text.preheader,
        format: "markdown",
        ...(await emailLook(db, settings, settings.publicUrl || deps.config.publicUrl, text.body)),
        personalLinks: true,
        service: !!text.trigger?.startsWith("appointment_"),
        lang,
      });
      const email = personalizeEmail(variant, values);
      const preheader = text.preheader.trim() ? fillTemplate(text.preheader.trim(), values, noEscape) : "";
      pv.email = { to: to.email, subject: email.subject, preheader, html: email.html };
    } else if (text.channel === "sms") {
      const filled = fillTemplate(text.body, values, noEscape);
      const hint = t(lang, "sms.optOut");
      const marketing = !text.trigger?.startsWith("appointment_");
      const sms = withOptOutHint(filled, { required: marketing, hint });
      pv.sms = {
        to: formatPhone(to.phone, studioCountry(settings)) || to.phone,
        text: sms,
        info: smsInfoAsSent(sms, smsSaveCheck(settings, deps.config.publicUrl)),
        optOutAdded: sms !== filled ? hint : null,
      };
    } else {
      pv.voice = {
        to: formatPhone(to.phone, studioCountry(settings)) || to.phone,
        text: fillTemplate(text.body, values, noEscape),
      };
    }
  } catch (err) {
    if (!(err instanceof TemplateSyntaxError)) throw err;
    pv.problem = `${problems[0] ?? err.errors[0]?.message}. The preview shows once it is fixed.`;
  }
  return pv;
}

const textOf = (tpl: Template): Text => ({
  channel: tpl.channel,
  trigger: tpl.trigger,
  subject: tpl.subject,
  preheader: tpl.preheader,
  body: tpl.body,
});

const valuesOf = (
  tpl: Pick<Template, "name" | "channel" | "trigger" | "description" | "subject" | "preheader" | "body">,
): Values => ({
  name: tpl.name,
  channel: tpl.channel,
  trigger: tpl.trigger ?? "",
  description: tpl.description,
  subject: tpl.subject,
  preheader: tpl.preheader,
  body: tpl.body,
});

/** The form's text as it stands, for a preview of what was typed (an unknown channel previews as e-mail). */
function typedText(v: Values): Text {
  const channel: Channel = v.channel === "sms" || v.channel === "voice" ? v.channel : "email";
  const parsedTrigger = templateInput([]).safeParse({ ...v, name: "-", body: "-", subject: "-", channel });
  return {
    channel,
    trigger: parsedTrigger.success ? parsedTrigger.data.trigger : null,
    subject: channel === "email" ? (v.subject ?? "") : "",
    preheader: channel === "email" ? (v.preheader ?? "") : "",
    body: v.body ?? "",
  };
}

async function renderTemplatePage(
  c: Ctx,
  view: TemplateView,
  opts: { values: Values; errors?: FieldErrors; flash?: Flash; customerId?: number | null; text?: Text },
  status: 200 | 404 | 409 | 422 = 200,
) {
  const text = opts.text ?? (view.template ? textOf(view.template) : typedText(opts.values));
  const preview = await buildPreview(c, text, opts.customerId ?? null);
  return c.html(
    TemplatePage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      ...view,
      values: opts.values,
      errors: opts.errors ?? {},
      flash: opts.flash ?? null,
      preview,
    }),
    status,
  );
}

async function templateOr404(c: Ctx): Promise<Template> {
  const id = pathIdNumber(c.req.param("id"));
  const tpl = id === null ? undefined : await findTemplate(c.get("deps").db, id);
  if (!tpl) throw new HTTPException(404, { message: "There is no such template. It may have been deleted." });
  return tpl;
}

const DONE: Record<string, string> = {
  created: "Template saved.",
  saved: "Template saved.",
  duplicated: "This is your copy: change it and save.",
};

/**
 * The body's problem when an uploaded image it shows is not in the file manager (deleted since,
 * or mistyped), as a message's save finds it; null for other channels or when all are there.
 */
async function missingTemplateImages(c: Ctx, input: TemplateInput): Promise<FieldErrors | null> {
  if (input.channel !== "email") return null;
  const { db, config } = c.get("deps");
  const problem = await missingImagesIn(db, input.body, (await getSettings(db)).publicUrl || config.publicUrl);
  return problem ? { body: problem } : null;
}

export const templateRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const list = await listTemplates(db);
    const saved = (c.req.query("saved") ?? "")
      .split(",")
      .map((x) => pathIdNumber(x))
      .filter((x): x is number => x !== null);
    const deleted = c.req.query("done") === "deleted";
    return c.html(
      TemplatesPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        templates: list,
        saved: list.filter((x) => saved.includes(x.id)),
        messageName: c.req.query("from") ?? null,
        filesLeft: c.req.query("files") === "left",
        flash: deleted ? { kind: "ok", text: "Template deleted." } : null,
      }),
    );
  })
  .get("/new", async (c) => {
    const ch = c.req.query("channel");
    const channel = ch === "sms" || ch === "voice" ? ch : "email";
    return renderTemplatePage(c, { mode: "new" }, { values: { channel } });
  })
  .post("/", async (c) => {
    const { db, clock, config } = c.get("deps");
    const body = await c.req.parseBody();
    const values = typedValues(body);
    const snippetKeys = Object.keys(await loadSnippets(db));
    const parsed = templateInput(snippetKeys, smsSaveCheck(await getSettings(db), config.publicUrl)).safeParse(body);
    if (values.intent === "preview") return renderTemplatePage(c, { mode: "new" }, { values });
    if (!parsed.success)
      return renderTemplatePage(c, { mode: "new" }, { values, errors: fieldErrors(parsed.error) }, 422);
    const missing = await missingTemplateImages(c, parsed.data);
    if (missing) return renderTemplatePage(c, { mode: "new" }, { values, errors: missing }, 422);
    const tpl = await createTemplate(db, parsed.data, clock());
    await audit(db, { userId: c.get("user")!.id }, "created", "template", tpl.id);
    return c.redirect(`/templates/${tpl.id}?done=created`, 303);
  })
  .get("/:id", async (c) => {
    const tpl = await templateOr404(c);
    const done = DONE[c.req.query("done") ?? ""];
    return renderTemplatePage(
      c,
      { mode: tpl.builtIn ? "view" : "edit", template: tpl },
      {
        values: valuesOf(tpl),
        customerId: pathIdNumber(c.req.query("preview_customer_id") ?? ""),
        flash: done ? { kind: "ok", text: done } : null,
      },
    );
  })
  .post("/:id", async (c) => {
    const { db, clock } = c.get("deps");
    const tpl = await templateOr404(c);
    if (tpl.builtIn)
      throw new HTTPException(403, { message: "Built-in templates are read-only: duplicate it to change it." });
    const body = await c.req.parseBody();
    const values = typedValues(body);
    const view: TemplateView = { mode: "edit", template: tpl };
    if (values.intent === "preview") return renderTemplatePage(c, view, { values, text: typedText(values) });
    const sms = smsSaveCheck(await getSettings(db), c.get("deps").config.publicUrl);
    const parsed = templateInput(Object.keys(await loadSnippets(db)), sms).safeParse(body);
    if (!parsed.success)
      return renderTemplatePage(c, view, { values, errors: fieldErrors(parsed.error), text: typedText(values) }, 422);
    const missing = await missingTemplateImages(c, parsed.data);
    if (missing) return renderTemplatePage(c, view, { values, errors: missing, text: typedText(values) }, 422);
    if (!(await updateTemplate(db, tpl.id, parsed.data, clock())))
      throw new HTTPException(404, { message: "There is no such template. It may have been deleted." });
    await audit(db, { userId: c.get("user")!.id }, "updated", "template", tpl.id);
    return c.redirect(`/templates/${tpl.id}?done=saved`, 303);
  })
  .post("/:id/duplicate", async (c) => {
    const { db, clock } = c.get("deps");
    const tpl = await templateOr404(c);
    const copy = await duplicateTemplate(db, tpl.id, clock());
    if (!copy) throw new HTTPException(404, { message: "There is no such template. It may have been deleted." });
    await audit(db, { userId: c.get("user")!.id }, "created", "template", copy.id, { duplicateOf: tpl.id });
    return c.redirect(`/templates/${copy.id}?done=duplicated`, 303);
  })
  .post("/:id/delete", async (c) => {
    const { db } = c.get("deps");
    const tpl = await templateOr404(c);
    if (tpl.builtIn) throw new HTTPException(403, { message: "Built-in templates cannot be deleted." });
    await deleteTemplate(db, tpl.id);
    await audit(db, { userId: c.get("user")!.id }, "deleted", "template", tpl.id, { name: tpl.name });
    return c.redirect("/templates?done=deleted", 303);
  });

/** "Save as template" on a message's page, mounted beside the message routes (POST /messages/:id/save-as-template). */
export const saveAsTemplateRoutes = new Hono<AppEnv>().post("/:id{[0-9]+}/save-as-template", async (c) => {
  const { db, clock } = c.get("deps");
  const id = pathIdNumber(c.req.param("id"));
  const m = id === null ? undefined : await getMessage(db, id);
  if (!m) throw new HTTPException(404, { message: "There is no such message. It may have been deleted." });
  const made = await saveMessageAsTemplates(db, m, clock());
  if (!made.length)
    throw new HTTPException(422, { message: "This message has no text to keep: a call that plays a recording only." });
  for (const tpl of made)
    await audit(db, { userId: c.get("user")!.id }, "created", "template", tpl.id, { fromMessage: m.id });
  // A template holds text only: the message's files stay with it, and the notice says so.
  const f = await contentFilesOf(db, { messageId: m.id });
  const query = new URLSearchParams({ saved: made.map((x) => x.id).join(","), from: m.name });
  if (f.attachments.length || f.mms.length) query.set("files", "left");
  return c.redirect(`/templates?${query}`, 303);
});
