// Staff pages for one-time messages (SPEC O1–O7): compose from all jobs, a job's page, chosen
// appointments or to one typed address; a live recipient count with everyone left out, by
// reason; a preview with a real recipient's data and a test to oneself; the explicit Send step
// with its confirmation; pause, resume and cancel; live progress over SSE; the report and its CSV.
// The handlers and what renders their pages live here; the form's state, the count, the preview
// and test, and the progress and report numbers in the message-*.ts files beside it.
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { streamSSE } from "hono/streaming";
import Papa from "papaparse";
import { z } from "zod";
import { AlbumFilter, ComposePage, type ComposeProps, MessageForm } from "../../views/message-compose.tsx";
import { armedPhrase, ConfirmPage } from "../../views/message-confirm.tsx";
import { MessageActions, MessagePage, ProgressBody } from "../../views/message-page.tsx";
import { MessagePerformance } from "../../views/performance-section.tsx";
import { MessagePreview, TestSendResult } from "../../views/message-preview.tsx";
import { ExcludedNames, ExcludedPage, RecipientCount } from "../../views/message-recipients.tsx";
import { MessagesPage, MessagesTable } from "../../views/messages.tsx";
import { messageDecisions } from "../automation/one-time.ts";
import type { Flash } from "../core/form-state.ts";
import { describeFilters, parseMessageFilters } from "../core/message-filters.ts";
import { activationProblem } from "../core/message-input.ts";
import { skipReasonLabel } from "../core/labels.ts";
import type { ComposeState, CountData, TestResult } from "../core/message-pages.ts";
import { placeholdersFor } from "../core/placeholders.ts";
import { SKIP_REASONS, type SkipReason } from "../core/recipients.ts";
import { nextSendableInstant } from "../core/send-window.ts";
import type { FieldErrors } from "../core/validation.ts";
import { audit } from "../db/audit.ts";
import { albumsOfJobs, getJob, jobChoices, jobYears } from "../db/jobs.ts";
import { audienceLocales, excludedCustomers } from "../db/message-audience.ts";
import {
  chosenAppointments,
  chosenCustomers,
  filterNames,
  type MessageRow,
  oneTimeTemplates,
  recipientsPerMessage,
} from "../db/message-pages.ts";
import {
  activateMessage,
  cancelMessage,
  createMessage,
  getMessage,
  listMessages,
  type Message,
  notReached,
  pauseMessage,
  resumeMessage,
  sentPerAppointment,
  unscheduleMessage,
  updateMessage,
} from "../db/messages.ts";
import { loadSnippets } from "../db/recipient-rows.ts";
import { checkLineTypes } from "../dispatch/line-types.ts";
import { sharedValues } from "../dispatch/recipient-values.ts";
import { type StudioSettings, templates } from "../db/schema.ts";
import { type Channel, CHANNELS } from "../core/vocabulary.ts";
import { getSettings } from "../db/settings.ts";
import { type AppEnv, type Ctx, isPartial } from "../http/env.ts";
import { formId, formIds } from "../http/form-values.ts";
import { countAudience, countData, fromInput, fromMessage } from "./message-count.ts";
import { draftOfMessage, emptyValueProblems, valueProblemText } from "./message-values.ts";
import { smsDraft } from "../core/sms-draft.ts";
import { studioOptOutHint } from "../core/sms-text.ts";
import { SmsFieldCount } from "../../views/compose-texts.tsx";
import { isoWithOffset } from "../core/date-format.ts";
import {
  bodyState,
  formatInstant,
  parseCompose,
  single,
  stateFromMessage,
  storedFilters,
  takeAudioUpload,
} from "./message-form.ts";
import { fileInfo, isAudio } from "../db/files.ts";
import { filesIntoState, messageFiles, saveMessageFiles, takeFileUploads } from "./message-files.ts";
import { fileChoices } from "../db/attachment-files.ts";
import { buildPreview, sendTest } from "./message-preview.ts";
import { messagePerformance, messageProgress, messageReport } from "./message-progress.ts";
import { idParam } from "../http/path-id.ts";
import { type Language, pickLanguage } from "../core/i18n/translate.ts";

const EXCLUDED_PAGE = 50;
const SSE_INTERVAL_MS = 1500;
/** An SSE connection ends after this many updates (~10 minutes); the browser reconnects. */
const SSE_MAX_EVENTS = 400;

// ---------------------------------------------------------------- pages

const DONE: Record<string, string> = {
  saved: "Draft saved. Nothing is sent until you press Send.",
  unscheduled: "Saved. The message is a draft again: send it again when it is ready.",
  armed: "Armed. It goes out at its time; you can still cancel it until then.",
  started: "Sending: it starts within seconds. While it goes out you can pause or cancel it.",
  paused: "Paused. Nothing more goes out until you resume.",
  resumed: "Resumed: what was held goes out again, staggered from now.",
  cancelled: "Cancelled. Nothing more of it goes out.",
};
const doneFlash = (done: string | undefined): Flash => (done && DONE[done] ? { kind: "ok", text: DONE[done]! } : null);

async function loadMessage(c: Ctx): Promise<Message> {
  const id = idParam.safeParse(c.req.param("id"));
  const m = id.success ? await getMessage(c.get("deps").db, id.data) : undefined;
  if (!m) throw new HTTPException(404, { message: "There is no such message. It may have been deleted." });
  return m;
}

async function composeProps(
  c: Ctx,
  s: ComposeState,
  errors: FieldErrors,
  message: Message | undefined,
  extra: { testResult?: TestResult | null; flash?: Flash } = {},
): Promise<ComposeProps> {
  const { db } = c.get("deps");
  const settings = await getSettings(db);
  const tz = settings.timeZone;
  const snippetKeys = Object.keys(await loadSnippets(db));
  const fixedJobId = formId(s.values.job_id);
  const fixedJob = fixedJobId ? await getJob(db, fixedJobId) : undefined;
  const chosenJobs = fixedJob ? [fixedJob.id] : formIds(s.lists["filters.job_ids"]);
  const appointmentIds = formIds(s.lists["filters.appointment_ids"]);
  const customerIds = formIds(s.lists["filters.customer_ids"]);
  const audioId = formId(s.values.voice_audio_id);
  const audio = audioId ? await fileInfo(db, audioId) : undefined;
  const [jobList, years, albumList, appts, chosen, tpl, count, preview] = await Promise.all([
    jobChoices(db, chosenJobs),
    jobYears(db),
    albumsOfJobs(db, chosenJobs),
    chosenAppointments(db, appointmentIds),
    chosenCustomers(db, customerIds),
    oneTimeTemplates(db, snippetKeys),
    single(s)
      ? Promise.resolve<CountData>({ who: "", channels: [], filtersJson: "{}", single: true })
      : countData(c, s, tz),
    buildPreview(c, s, settings),
  ]);
  return {
    user: c.get("user")!,
    csrf: c.get("csrfToken"),
    message,
    state: s,
    errors,
    choices: {
      jobs: jobList,
      years,
      albums: albumList,
      fixedJob: fixedJob ? { id: fixedJob.id, name: fixedJob.name } : null,
      appointments: appts.map((r) => ({
        id: r.id,
        status: r.status,
        label: `${`${r.first} ${r.last}`.trim() || "(no name)"} · ${formatInstant(r.startsAt, tz)}`,
      })),
      customers: chosen.map((r) => ({ id: r.id, label: `${r.first} ${r.last}`.trim() || "(no name)" })),
    },
    templates: tpl,
    placeholders: placeholdersFor("one_time_message", snippetKeys),
    count,
    preview,
    timeZone: tz,
    audio: audio && isAudio(audio) ? audio : null,
    // A draft whose recording was deleted since: said beside the field, so it is not sent without.
    audioGone: message?.voiceAudioName && !message.voiceFileId ? message.voiceAudioName : null,
    fileChoices: await fileChoices(db, formIds([...(s.lists.attachment_ids ?? []), ...(s.lists.media_ids ?? [])])),
    testResult: extra.testResult,
    flash: extra.flash,
  };
}

async function renderCompose(
  c: Ctx,
  s: ComposeState,
  errors: FieldErrors,
  message?: Message,
  status: 200 | 409 | 422 = 200,
  extra: { testResult?: TestResult | null; flash?: Flash } = {},
) {
  return c.html(ComposePage(await composeProps(c, s, errors, message, extra)), status);
}

/** The message a form belongs to, when it edits one that has not started. */
async function formMessage(c: Ctx, s: ComposeState): Promise<Message | undefined> {
  const id = idParam.safeParse(s.values.message_id);
  const m = id.success ? await getMessage(c.get("deps").db, id.data) : undefined;
  return m && (m.status === "draft" || m.status === "scheduled") ? m : undefined;
}

/**
 * A message's texts and calls go only inside the sending window (SPEC D6), in each recipient's
 * zone, else the studio's: said where staff read when it goes, if the window is closed in the
 * studio's zone now and the message has texts or calls still to go.
 */
function windowNote(m: Message, s: StudioSettings, now: Date): string {
  const phone = m.channels.some((ch) => ch === "sms" || ch === "voice");
  if (!phone || m.status === "sent" || m.status === "cancelled") return "";
  const starts = m.sendAt && m.sendAt > now ? m.sendAt : now;
  const opens = nextSendableInstant(starts, { start: s.sendWindowStart, end: s.sendWindowEnd }, s.timeZone);
  if (opens.getTime() <= starts.getTime()) return "";
  return `. Texts and calls go only inside the sending window (${s.sendWindowStart}–${s.sendWindowEnd} in each recipient's time zone, else ${s.timeZone}): in ${s.timeZone} they start at ${formatInstant(opens, s.timeZone)}`;
}

function describeWhen(m: Message, timeZone: string): string {
  const at = (d: Date) => formatInstant(d, timeZone);
  switch (m.status) {
    case "draft":
      return m.sendAt ? `${at(m.sendAt)}, once you press Send` : "As soon as you press Send and confirm";
    case "scheduled":
      return m.sendAt ? `Scheduled for ${at(m.sendAt)}` : "Now: it starts within seconds";
    case "sending":
    case "paused":
    case "sent":
      return `Started ${at(m.sendAt ?? m.activatedAt ?? m.updatedAt)}`;
    case "cancelled":
      return `Cancelled ${at(m.updatedAt)}`;
  }
}

async function renderMessage(c: Ctx, m: Message, flash: Flash = null, status: 200 | 409 = 200) {
  const deps = c.get("deps");
  const settings = await getSettings(deps.db);
  const tz = settings.timeZone;
  const filters = storedFilters(m);
  const names = await filterNames(deps.db, [filters]);
  const [progress, report, performance] = await Promise.all([
    m.status !== "draft" ? messageProgress(deps.db, m, deps.clock(), tz) : Promise.resolve(null),
    messageReport(deps.db, m, tz),
    messagePerformance(deps.db, m, settings),
  ]);
  if (progress && m.status === "scheduled") progress.armedFor = armedPhrase(await countAudience(c, fromMessage(m), tz));
  return c.html(
    MessagePage({
      user: c.get("user")!,
      csrf: c.get("csrfToken"),
      message: m,
      who: describeFilters(filters, names),
      when: describeWhen(m, tz) + windowNote(m, settings, deps.clock()),
      progress,
      report,
      performance,
      flash,
      files: await messageFiles(deps, m, null),
    }),
    status,
  );
}

/** Numbers a review may look up ahead of the send, so its count is exact; more are checked as they are sent. */
const LOOKUP_AHEAD = 100;

/** Recipients by the language Pigeon will speak to them in (theirs, else the studio's), most first. */
function languageCounts(
  locales: { locale: string; n: number }[],
  studioLocale: string,
): { language: Language; n: number }[] {
  const by = new Map<Language, number>();
  for (const { locale, n } of locales) {
    const lang = pickLanguage(locale, studioLocale);
    by.set(lang, (by.get(lang) ?? 0) + n);
  }
  return [...by].map(([language, n]) => ({ language, n })).sort((a, b) => b.n - a.n);
}

async function renderConfirm(c: Ctx, m: Message, status: 200 | 409 = 200) {
  const deps = c.get("deps");
  const settings = await getSettings(deps.db);
  const tz = settings.timeZone;
  let counts = await countAudience(c, fromMessage(m), tz);
  // "Call only where SMS cannot go": with a few numbers not checked yet, check them now, so the
  // count says who gets the SMS and who the call instead of "either".
  const unchecked = counts.find((x) => x.channel === "sms")?.unchecked ?? 0;
  if (unchecked > 0 && unchecked <= LOOKUP_AHEAD) {
    const texts = (await messageDecisions(deps, m, deps.clock())).find((x) => x.channel === "sms")?.decisions ?? [];
    const numbers = texts.filter((d) => !d.skip && d.to).map((d) => d.to!);
    if (await checkLineTypes(deps, numbers, deps.clock(), LOOKUP_AHEAD))
      counts = await countAudience(c, fromMessage(m), tz);
  }
  const total = counts.reduce((a, x) => a + x.willReceive, 0);
  const names = await filterNames(deps.db, [storedFilters(m)]);
  // Customers of several languages get Pigeon's own words (footer, STOP line, dates) in theirs:
  // said before sending, as the text itself goes to all as written.
  const languages = m.toAddress
    ? []
    : languageCounts(await audienceLocales(deps.db, storedFilters(m), deps.clock(), { timeZone: tz }), settings.locale);
  // The studio's details or a job may have changed since it was saved: it is checked again here.
  const emptyValue =
    m.status === "draft"
      ? valueProblemText(await emptyValueProblems(deps.db, draftOfMessage(m, storedFilters(m))))
      : null;
  const problem = emptyValue ?? activationProblem(m, total, deps.clock());
  // Writing to a cancelled appointment may be meant ("sorry we had to cancel"): a warning, no block.
  const chosenIds = m.toAddress ? [] : (storedFilters(m).appointment_ids ?? []);
  const cancelled = (await chosenAppointments(deps.db, chosenIds)).filter((a) => a.status === "cancelled").length;
  return {
    total,
    counts,
    problem,
    response: c.html(
      ConfirmPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        message: m,
        who: describeFilters(storedFilters(m), names),
        counts,
        when: describeWhen(m, tz) + windowNote(m, settings, deps.clock()),
        problem,
        languages,
        cancelled: chosenIds.length ? { n: cancelled, of: chosenIds.length } : null,
        files: await messageFiles(deps, m, deps.clock()),
        optOutHint: studioOptOutHint(settings.locale),
      }),
      problem ? 409 : status,
    ),
  };
}

const actorOf = (c: Ctx) => ({ userId: c.get("user")!.id });

// ---------------------------------------------------------------- routes

const listQuery = z.object({
  job_id: idParam.optional().catch(undefined),
  limit: z.coerce.number().int().min(1).max(200).catch(100).default(100),
});

const placeholderKey = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const excludedQuery = z.object({
  filters: z.string().max(100_000),
  channel: z.enum(CHANNELS),
  reason: z.union([
    z.enum(SKIP_REASONS),
    z
      .string()
      .regex(/^missing:/)
      .refine((r) => placeholderKey.test(r.slice(8))),
  ]),
  /** The channel's placeholders the text cannot do without, comma-separated, as the count had them. */
  required: z
    .string()
    .max(2_000)
    .default("")
    .transform((v) => v.split(",").filter(Boolean))
    .refine((keys) => keys.length <= 100 && keys.every((k) => placeholderKey.test(k))),
  job_id: idParam.optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).catch(0).default(0),
});

/** The form's fields as a test's result names them. */
const TEST_FIELD_NAMES: Record<string, string> = {
  test_phone: "phone",
  sms_body: "SMS text",
  body: "e-mail message",
  preheader: "preheader",
};

export const messageRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const q = listQuery.parse(c.req.query());
    const tz = (await getSettings(db)).timeZone;
    const list = await listMessages(db, {
      jobId: q.job_id,
      limit: isPartial(c) && q.job_id ? Math.min(q.limit, 10) : q.limit,
    });
    const [sentTo, names] = await Promise.all([
      recipientsPerMessage(
        db,
        list.map((m) => m.id),
      ),
      filterNames(db, list.map(storedFilters)),
    ]);
    const rows: MessageRow[] = list.map((m) => ({
      message: m,
      who: m.toAddress ?? describeFilters(storedFilters(m), names),
      recipients: m.status === "draft" || m.status === "scheduled" ? null : (sentTo.get(m.id) ?? 0),
      when:
        m.status === "draft" || m.status === "scheduled"
          ? `${m.sendAt ? `Sends ${formatInstant(m.sendAt, tz)}` : m.status === "scheduled" ? "Sends now" : "Not scheduled"} · created ${formatInstant(m.createdAt, tz)}`
          : `${m.status === "cancelled" ? "Cancelled" : "Started"} ${formatInstant(m.status === "cancelled" ? m.updatedAt : (m.sendAt ?? m.activatedAt ?? m.updatedAt), tz)}`,
    }));
    if (isPartial(c)) return c.html(MessagesTable({ rows, jobId: q.job_id, compact: !!q.job_id }));
    const job = q.job_id ? await getJob(db, q.job_id) : undefined;
    return c.html(
      MessagesPage({
        user: c.get("user")!,
        csrf: c.get("csrfToken"),
        rows,
        job: job ? { id: job.id, name: job.name } : null,
        flash: doneFlash(c.req.query("done")),
      }),
    );
  })

  // ------------------------------------------------------------ compose
  .get("/new", async (c) => {
    const { db } = c.get("deps");
    const jobId = idParam.safeParse(c.req.query("job_id"));
    if (c.req.query("job_id") && (!jobId.success || !(await getJob(db, jobId.data))))
      throw new HTTPException(404, { message: "There is no such job. It may have been deleted." });
    const ids = (name: string) =>
      (c.req.queries(name) ?? [])
        .flatMap((x) => x.split(","))
        .map((x) => x.trim())
        .filter((x) => /^\d+$/.test(x));
    const appointmentIds = ids("appointment_ids");
    // From a customer's or an appointment's page: the customer, and the channel chosen there.
    const customerIds = ids("customer_ids");
    const channels = (c.req.queries("channels") ?? [])
      .flatMap((x) => x.split(","))
      .filter((x): x is Channel => (CHANNELS as readonly string[]).includes(x));
    const state: ComposeState = {
      values: {
        mode: c.req.query("mode") === "address" ? "address" : "filters",
        job_id: jobId.success ? String(jobId.data) : "",
        to_address: c.req.query("to") ?? "",
        send_mode: "now",
        "filters.audience": "all",
        "filters.condition": "any",
      },
      lists: {
        channels: channels.length ? [...new Set(channels)] : ["email"],
        "filters.appointment_ids": appointmentIds,
        "filters.customer_ids": customerIds,
        "filters.job_ids": jobId.success ? [String(jobId.data)] : [],
      },
    };
    return renderCompose(c, state, {});
  })
  .post("/", async (c) => {
    const { db, clock } = c.get("deps");
    const s = await bodyState(c);
    const settings = await getSettings(db);
    const upload = { ...(await takeAudioUpload(c, s)), ...(await takeFileUploads(c, s)) };
    const parsed = await parseCompose(c, s, settings);
    if (!parsed.ok || Object.keys(upload).length)
      return renderCompose(c, s, { ...(parsed.ok ? {} : parsed.errors), ...upload }, undefined, 422);
    if (s.values.intent === "send" && !parsed.input.to_address) {
      const counts = await countAudience(c, fromInput(parsed.input), settings.timeZone);
      if (counts.every((x) => x.willReceive === 0))
        return renderCompose(
          c,
          s,
          { recipients: "Nobody would receive this message with these filters. Widen them, or save it as a draft." },
          undefined,
          422,
        );
    }
    const m = await db.transaction(async (tx) => {
      const created = await createMessage(tx, parsed.input, c.get("user")!.id, clock());
      await saveMessageFiles(tx, created.id, parsed.input);
      return created;
    });
    await audit(db, actorOf(c), "created", "message", m.id);
    return c.redirect(s.values.intent === "send" ? `/messages/${m.id}/send` : `/messages/${m.id}?done=saved`, 303);
  })
  // The form's re-renders (Attach file, Add picture, a template) answer at /messages/form, so the
  // address bar shows it: a reload or a bookmark there goes back to the form, not to a 404.
  .get("/form", (c) => {
    const id = formId(c.req.query("message_id"));
    return c.redirect(id ? `/messages/${id}/edit` : "/messages/new", 303);
  })
  .post("/form", async (c) => {
    // Re-renders the form (a template used, or a no-JavaScript refresh): never saves.
    const { db } = c.get("deps");
    const s = await bodyState(c);
    // "Upload" and "Remove the recording" re-render the form with the recording attached or not.
    const upload = { ...(await takeAudioUpload(c, s)), ...(await takeFileUploads(c, s)) };
    const templateId = idParam.safeParse(s.values.template_id);
    if (s.values.use_template && templateId.success) {
      const t = await db.query.templates.findFirst({ where: eq(templates.id, templateId.data) });
      if (t?.channel === "email") Object.assign(s.values, { subject: t.subject, preheader: t.preheader, body: t.body });
      else if (t?.channel === "sms") s.values.sms_body = t.body;
      else if (t?.channel === "voice") s.values.voice_script = t.body;
    }
    // "Copy from e-mail": the SMS text becomes a plain draft of the e-mail's body, nothing saved.
    if (s.values.action === "copy_sms") s.values.sms_body = smsDraft(s.values.body ?? "");
    const props = await composeProps(c, s, upload, await formMessage(c, s));
    return c.html(isPartial(c) ? MessageForm(props) : ComposePage(props), Object.keys(upload).length ? 422 : 200);
  })
  .post("/count", async (c) => {
    const { db } = c.get("deps");
    const s = await bodyState(c);
    const tz = (await getSettings(db)).timeZone;
    const count = await countData(c, s, tz);
    const jobsChosen = s.values.job_id ? formIds([s.values.job_id]) : formIds(s.lists["filters.job_ids"]);
    const albumList = await albumsOfJobs(db, jobsChosen);
    // The album choice follows the chosen jobs.
    return c.html(
      `${await RecipientCount({ count })}${await AlbumFilter({ albums: albumList, state: s, errors: {}, jobsChosen: jobsChosen.length > 0, oob: true })}`,
    );
  })
  .get("/excluded", async (c) => {
    const { db, clock } = c.get("deps");
    const q = excludedQuery.safeParse(c.req.query());
    if (!q.success)
      throw new HTTPException(400, {
        message:
          "That list needs its filters, channel and reason (and placeholder names, if any, like customer.first_name).",
      });
    let raw: unknown;
    try {
      raw = JSON.parse(q.data.filters);
    } catch {
      throw new HTTPException(400, { message: "Those filters could not be read." });
    }
    const f = parseMessageFilters(raw);
    if (!f.ok) throw new HTTPException(400, { message: `Those filters are not valid: ${Object.values(f.errors)[0]}` });
    const settings = await getSettings(db);
    const tz = settings.timeZone;
    const needs = {
      required: { [q.data.channel]: q.data.required },
      jobId: q.data.job_id ?? null,
      shared: sharedValues(settings, await loadSnippets(db)),
    };
    const page = { timeZone: tz, limit: EXCLUDED_PAGE + 1, offset: q.data.offset, needs };
    const found = await excludedCustomers(db, f.filters, q.data.channel, q.data.reason as SkipReason, clock(), page);
    const names = found
      .slice(0, EXCLUDED_PAGE)
      .map((n) => ({ ...n, appointment: n.appointment && formatInstant(n.appointment.startsAt, tz) }));
    const props = {
      names,
      more: found.length > EXCLUDED_PAGE,
      filtersJson: JSON.stringify(f.filters),
      channel: q.data.channel,
      reason: q.data.reason,
      required: q.data.required.join(","),
      jobId: q.data.job_id,
      offset: q.data.offset,
    };
    if (isPartial(c)) return c.html(ExcludedNames(props));
    return c.html(ExcludedPage({ user: c.get("user")!, csrf: c.get("csrfToken"), ...props }));
  })
  .post("/preview", async (c) => {
    const s = await bodyState(c);
    const preview = await buildPreview(c, s, await getSettings(c.get("deps").db));
    // The counter under the SMS text follows the preview's text (filled in, opt-out hint added).
    return c.html(
      `${await MessagePreview({ preview })}${await SmsFieldCount({ sms: preview.sms, typed: s.values.sms_body ?? "", oob: true })}`,
    );
  })
  .post("/test", async (c) => {
    const s = await bodyState(c);
    const sent = await sendTest(c, s);
    if (isPartial(c)) {
      const result = sent.result ?? {
        ok: false,
        text: `The test was not sent: ${Object.entries(sent.errors ?? {})
          .map(([k, m]) => `${TEST_FIELD_NAMES[k] ?? k}: ${m}`)
          .join("; ")}.`,
      };
      return c.html(TestSendResult({ result }), sent.errors ? 422 : 200);
    }
    return renderCompose(c, s, sent.errors ?? {}, await formMessage(c, s), sent.errors ? 422 : 200, {
      testResult: sent.result,
    });
  })

  // ------------------------------------------------------------ one message
  .get("/:id{[0-9]+}", async (c) => {
    const m = await loadMessage(c);
    // "Sending" or "Armed" said after Send is stale once it has finished: the page says so itself.
    const done = c.req.query("done");
    const stale = (done === "started" || done === "armed") && (m.status === "sent" || m.status === "cancelled");
    if (m.status !== "draft") return renderMessage(c, m, stale ? null : doneFlash(done));
    const tz = (await getSettings(c.get("deps").db)).timeZone;
    const state = stateFromMessage(m, tz);
    await filesIntoState(c.get("deps").db, state, m.id);
    return renderCompose(c, state, {}, m, 200, { flash: doneFlash(c.req.query("done")) });
  })
  .get("/:id{[0-9]+}/edit", async (c) => {
    const m = await loadMessage(c);
    if (m.status !== "draft" && m.status !== "scheduled") return c.redirect(`/messages/${m.id}`, 303);
    const tz = (await getSettings(c.get("deps").db)).timeZone;
    const state = stateFromMessage(m, tz);
    await filesIntoState(c.get("deps").db, state, m.id);
    return renderCompose(c, state, {}, m);
  })
  .post("/:id{[0-9]+}", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    const tooLate = () =>
      renderMessage(
        c,
        m,
        { kind: "bad", text: `This message is ${m.status} already, so it can no longer be changed.` },
        409,
      );
    if (m.status !== "draft" && m.status !== "scheduled") return tooLate();
    const s = await bodyState(c);
    const settings = await getSettings(db);
    const upload = { ...(await takeAudioUpload(c, s)), ...(await takeFileUploads(c, s)) };
    const parsed = await parseCompose(c, s, settings);
    if (!parsed.ok || Object.keys(upload).length)
      return renderCompose(c, s, { ...(parsed.ok ? {} : parsed.errors), ...upload }, m, 422);
    if (s.values.intent === "send" && !parsed.input.to_address) {
      const counts = await countAudience(c, fromInput(parsed.input), settings.timeZone);
      if (counts.every((x) => x.willReceive === 0))
        return renderCompose(
          c,
          s,
          { recipients: "Nobody would receive this message with these filters. Widen them, or save it as a draft." },
          m,
          422,
        );
    }
    const now = clock();
    // Back to draft first, so the scheduler cannot start it while it changes; an edit needs a new Send.
    const wasScheduled = m.status === "scheduled";
    if (wasScheduled && !(await unscheduleMessage(db, m.id, now)))
      return renderMessage(
        c,
        (await getMessage(db, m.id))!,
        { kind: "bad", text: "It started sending meanwhile, so it can no longer be changed." },
        409,
      );
    const updated = await db.transaction(async (tx) => {
      if (!(await updateMessage(tx, m.id, parsed.input, now))) return false;
      await saveMessageFiles(tx, m.id, parsed.input);
      return true;
    });
    if (!updated)
      return renderMessage(
        c,
        (await getMessage(db, m.id))!,
        { kind: "bad", text: "It started sending meanwhile, so it can no longer be changed." },
        409,
      );
    await audit(db, actorOf(c), wasScheduled ? "unscheduled_and_updated" : "updated", "message", m.id);
    return c.redirect(
      s.values.intent === "send"
        ? `/messages/${m.id}/send`
        : `/messages/${m.id}?done=${wasScheduled ? "unscheduled" : "saved"}`,
      303,
    );
  })
  .get("/:id{[0-9]+}/send", async (c) => {
    const m = await loadMessage(c);
    if (m.status !== "draft") return c.redirect(`/messages/${m.id}`, 303);
    return (await renderConfirm(c, m)).response;
  })
  .post("/:id{[0-9]+}/send", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    const confirm = await renderConfirm(c, m);
    if (confirm.problem) return confirm.response;
    const armed = await activateMessage(db, m.id, c.get("user")!.id, clock());
    if (!armed)
      return renderMessage(
        c,
        (await getMessage(db, m.id))!,
        { kind: "bad", text: "This message was changed meanwhile; check it and send again." },
        409,
      );
    await audit(db, actorOf(c), "activated", "message", m.id, {
      recipients: Object.fromEntries(confirm.counts.map((x) => [x.channel, x.willReceive])),
    });
    const later = m.sendAt !== null && m.sendAt.getTime() > clock().getTime();
    return c.redirect(`/messages/${m.id}?done=${later ? "armed" : "started"}`, 303);
  })
  .post("/:id{[0-9]+}/pause", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    if (!(await pauseMessage(db, m.id, clock())))
      return renderMessage(
        c,
        m,
        { kind: "bad", text: `Only a message that is sending can be paused; this one is ${m.status}.` },
        409,
      );
    await audit(db, actorOf(c), "paused", "message", m.id);
    return c.redirect(`/messages/${m.id}?done=paused`, 303);
  })
  .post("/:id{[0-9]+}/resume", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    const s = await getSettings(db);
    if (
      !(await resumeMessage(db, m.id, clock(), {
        batchSize: s.staggerBatchSize,
        intervalSeconds: s.staggerIntervalSeconds,
      }))
    ) {
      return renderMessage(
        c,
        m,
        { kind: "bad", text: `Only a paused message can be resumed; this one is ${m.status}.` },
        409,
      );
    }
    await audit(db, actorOf(c), "resumed", "message", m.id);
    return c.redirect(`/messages/${m.id}?done=resumed`, 303);
  })
  .post("/:id{[0-9]+}/cancel", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    if (!(await cancelMessage(db, m.id, clock())))
      return renderMessage(
        c,
        m,
        { kind: "bad", text: `This message is ${m.status} already; there is nothing left to cancel.` },
        409,
      );
    await audit(db, actorOf(c), "cancelled", "message", m.id);
    return c.redirect(`/messages/${m.id}?done=cancelled`, 303);
  })
  .get("/:id{[0-9]+}/events", async (c) => {
    const deps = c.get("deps");
    const first = await loadMessage(c);
    const settings = await getSettings(deps.db);
    const tz = settings.timeZone;
    const csrf = c.get("csrfToken");
    // Counted once per connection: what an armed message will reach, shown until it starts.
    const armedFor = first.status === "scheduled" ? armedPhrase(await countAudience(c, fromMessage(first), tz)) : null;
    return streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      for (let i = 0; i < SSE_MAX_EVENTS && open; i++) {
        const m = await getMessage(deps.db, first.id);
        if (!m) break;
        const progress = await messageProgress(deps.db, m, deps.clock(), tz);
        if (m.status === "scheduled") progress.armedFor = armedFor;
        // The numbers, and out of band the status badge and buttons, which change as the send moves on.
        // …and the performance section, so its counts and chart follow the send.
        const perf = await messagePerformance(deps.db, m, settings);
        const html = `${await ProgressBody({ progress, messageId: m.id })}${await MessageActions({ message: m, csrf, oob: true })}${await MessagePerformance({ ...perf, oob: true })}`;
        await stream.writeSSE({ id: String(i), data: html });
        // A finished send (or one returned to draft) has nothing more to say: the page closes on "done".
        if (progress.finished || m.status === "draft") {
          await stream.writeSSE({ event: "done", data: m.status });
          break;
        }
        await stream.sleep(SSE_INTERVAL_MS);
      }
    });
  })
  .get("/:id{[0-9]+}/report.csv", async (c) => {
    const m = await loadMessage(c);
    const { db } = c.get("deps");
    const [rows, perAppointment, tz] = await Promise.all([
      notReached(db, m.id),
      sentPerAppointment(db, m.id),
      getSettings(db).then((s) => s.timeZone),
    ]);
    const csv = Papa.unparse(
      {
        fields: [
          "first_name",
          "last_name",
          "channel",
          "address",
          "status",
          "reason",
          ...(perAppointment ? ["appointment"] : []),
        ],
        data: rows.map((r) => [
          r.firstName ?? "",
          r.lastName ?? "",
          r.channel,
          r.address ?? "",
          r.status,
          r.detail ? `${skipReasonLabel(r.reason)}: ${r.detail}` : skipReasonLabel(r.reason),
          ...(perAppointment ? [r.appointmentStartsAt ? isoWithOffset(r.appointmentStartsAt, tz) : ""] : []),
        ]),
      },
      // A name like "=HYPERLINK(…)" must stay text when the file is opened in a spreadsheet.
      { escapeFormulae: true },
    );
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="message-${m.id}-not-reached.csv"`);
    return c.body(`\ufeff${csv}\r\n`);
  });
