// The compose page's preview and test send (SPEC O4): the message filled in with a real
// recipient's data (or sample values), rendered per channel as it will go out, and a test of it
// to the staff member's own inbox or phone through the real providers, its links made dead.
import { studioCountry } from "../core/country.ts";
import { eq } from "drizzle-orm";
import type { ComposeState, PreviewData, TestResult } from "../core/message-pages.ts";
import { randomToken } from "../core/crypto.ts";
import { deliveryKey } from "../core/delivery-key.ts";
import { messageJob, parseMessageFilters } from "../core/message-filters.ts";
import { missingByChannel, requiredByChannel } from "../core/message-values.ts";
import { formatPhone, parsePhone } from "../core/phone.ts";
import {
  checkTemplate,
  escapeHtml,
  fillTemplate,
  type PlaceholderValues,
  TemplateSyntaxError,
} from "../core/placeholders.ts";
import { skipReasonInSentence } from "../core/labels.ts";
import { decideRecipients } from "../core/recipients.ts";
import { pickLanguage, t } from "../core/i18n/translate.ts";
import { SMS_MAX, smsInfoAsSent, smsSaveCheck, withOptOutHint } from "../core/sms-text.ts";
import { CONTROL_PROBLEM, type FieldErrors, noControl } from "../core/validation.ts";
import { preheaderProblem } from "../core/notification-input.ts";
import { audit } from "../db/audit.ts";
import { getJob } from "../db/jobs.ts";
import { audienceAppointments, audienceJobs, audienceMembers } from "../db/message-audience.ts";
import { deliveryIdByKey } from "../db/outbox-list.ts";
import { enqueueDeliveries, loadCandidates, testDueAt } from "../db/outbox.ts";
import { loadRecipientRows, loadSnippets, type RecipientRows } from "../db/recipient-rows.ts";
import { deliveries, type StudioSettings } from "../db/schema.ts";
import { missingFileIds } from "../db/content-files.ts";
import { fileInfo, isAudio } from "../db/files.ts";
import { getSettings } from "../db/settings.ts";
import { createComposer } from "../dispatch/compose.ts";
import type { LinkMaker } from "../dispatch/recipient-values.ts";
import { recipientValues, sampleValues } from "../dispatch/recipient-values.ts";
import { personalizeEmail, renderEmailVariant } from "../email/render.ts";
import type { Ctx } from "../http/env.ts";
import { formId, formIds } from "../http/form-values.ts";
import { formatInstant, rawFilters, single, stateChannels } from "./message-form.ts";
import { emptyValueProblems } from "./message-values.ts";
import { emailLook } from "../dispatch/content.ts";

const PREVIEW_OPTIONS = 50;

type Chosen = {
  rows: RecipientRows | null;
  address: string | null;
  options: PreviewData["options"];
  selectedId: number | null;
  /** For a message to appointments: the chosen customer's matching appointments, one message each. */
  appointmentOptions: PreviewData["appointmentOptions"];
  note: string;
};

/** The recipient a preview or test shows: the chosen one, else the first of the audience (and their chosen appointment). */
async function chooseRecipient(c: Ctx, s: ComposeState, timeZone: string): Promise<Chosen> {
  const { db, clock } = c.get("deps");
  const jobId = formId(s.values.job_id);
  const emptyRows = async (): Promise<RecipientRows> => ({
    deliveryId: 0,
    customer: null,
    job: jobId ? ((await getJob(db, jobId)) ?? null) : null,
    registration: null,
    album: null,
    order: null,
    appointment: null,
  });
  const none = { options: [], selectedId: null, appointmentOptions: [] };
  if (single(s)) {
    const to = s.values.to_address?.trim() || null;
    return {
      ...none,
      rows: await emptyRows(),
      address: to,
      note: to
        ? `Shown as ${to} will get it: no customer data, so customer placeholders use their fallbacks.`
        : "Enter the address to send to.",
    };
  }
  const parsed = parseMessageFilters(rawFilters(s));
  if (!parsed.ok)
    return {
      ...none,
      rows: null,
      address: null,
      note: "Fix the recipient filters to preview with a real recipient; this shows sample values.",
    };
  const now = clock();
  const q = (s.values.preview_q ?? "").trim();
  // Pages of the audience, never all of it: a preview costs the same for ten recipients or 100,000.
  const found = await audienceMembers(db, parsed.filters, now, { timeZone, limit: PREVIEW_OPTIONS, q });
  const wanted = formId(s.values.preview_customer_id);
  let chosen = found.find((o) => o.id === wanted) ?? null;
  if (!chosen && wanted && !q)
    chosen = (await audienceMembers(db, parsed.filters, now, { timeZone, limit: 1, customerId: wanted }))[0] ?? null;
  chosen ??= found[0] ?? null;
  const options = found.map((o) => ({
    id: o.id,
    label: `${`${o.firstName} ${o.lastName}`.trim() || `Customer #${o.id}`}${o.email ? ` · ${o.email}` : o.phone ? ` · ${o.phone}` : ""}`,
  }));
  if (chosen && !options.some((o) => o.id === chosen.id))
    options.unshift({ id: chosen.id, label: `${chosen.firstName} ${chosen.lastName}`.trim() });
  if (!chosen) {
    const anyone = q && (await audienceMembers(db, parsed.filters, now, { timeZone, limit: 1 })).length > 0;
    const note = anyone
      ? `Nobody among the recipients matches “${q}”; this shows sample values.`
      : "Nobody matches these filters yet, so this shows sample values.";
    return { ...none, rows: null, address: null, options, note };
  }
  // A message to appointments is one message per appointment: show the one chosen, else the first.
  const appointments = await audienceAppointments(db, parsed.filters, [chosen.id], { timeZone });
  const appointment =
    appointments.find((a) => a.id === Number(s.values.preview_appointment_id)) ?? appointments[0] ?? null;
  // As the send will: the message's one job, else the job this recipient matched through, else their appointment's.
  const jobOf =
    messageJob(jobId, parsed.filters) ??
    (await audienceJobs(db, { ...parsed.filters, customer_ids: [chosen.id] }, now, { timeZone })).get(chosen.id) ??
    appointment?.jobId ??
    null;
  const probe = { id: 0, customerId: chosen.id, jobId: jobOf, appointmentId: appointment?.id ?? null };
  const rows = (await loadRecipientRows(db, [probe])).get(0) ?? null;
  const name = `${chosen.firstName} ${chosen.lastName}`.trim() || `customer #${chosen.id}`;
  const more =
    found.length === PREVIEW_OPTIONS && !q
      ? ` The list shows the first ${PREVIEW_OPTIONS} recipients; search by name, e-mail or phone to find others.`
      : "";
  const about = appointment ? ` and the appointment on ${formatInstant(appointment.startsAt, timeZone)}` : "";
  return {
    rows,
    address: null,
    options,
    selectedId: chosen.id,
    appointmentOptions: appointments.map((a) => ({
      id: a.id,
      label: formatInstant(a.startsAt, timeZone),
      selected: a.id === appointment?.id,
    })),
    note: `Shown with ${name}'s real data${about}.${more}`,
  };
}

/** Values for the chosen recipient, with signed links as the send will make them (or the test's dead ones). */
async function valuesFor(
  c: Ctx,
  chosen: Chosen,
  settings: StudioSettings,
  snippets: Record<string, string>,
  link?: LinkMaker,
): Promise<PlaceholderValues> {
  const deps = c.get("deps");
  if (!chosen.rows) return sampleValues(settings, snippets);
  const maker = link ?? (await createComposer(deps, settings, deps.clock())).link;
  return recipientValues(chosen.rows, settings, snippets, maker, chosen.address);
}

/** The message as the chosen recipient will get it on each channel chosen, with what stands in the way. */
export async function buildPreview(c: Ctx, s: ComposeState, settings: StudioSettings): Promise<PreviewData> {
  const { db } = c.get("deps");
  const snippets = await loadSnippets(db);
  const chosen = await chooseRecipient(c, s, settings.timeZone);
  const values = await valuesFor(c, chosen, settings, snippets);
  const channels = stateChannels(s);
  const customer = chosen.rows?.customer ?? null;
  const pv: PreviewData = {
    options: chosen.options,
    selectedId: chosen.selectedId,
    appointmentOptions: chosen.appointmentOptions,
    note: chosen.note,
    warnings: [],
  };
  if (!channels.length) {
    pv.problem = "Choose a channel to see the message.";
    return pv;
  }
  const v = s.values;
  const text = {
    channels,
    subject: v.subject ?? "",
    preheader: v.preheader ?? "",
    body: v.body ?? "",
    smsBody: v.sms_body ?? "",
    voiceScript: v.voice_script ?? "",
  };
  if (customer) {
    // Say so when the person shown will not get it on a channel, as the start will decide it.
    const [candidate] = await loadCandidates(db, [customer.id]);
    if (candidate) candidate.missing = missingByChannel(requiredByChannel(text), values);
    const name = `${customer.firstName} ${customer.lastName}`.trim() || `Customer #${customer.id}`;
    const skips = new Map(
      channels.map((ch) => [
        ch,
        candidate ? decideRecipients([candidate], ch, { requireConsent: true })[0]!.skip : null,
      ]),
    );
    // "SMS, call only if needed": one of the pair not going is no one left out when the other goes.
    const pair = !!v.call_only_if_no_sms && skips.has("sms") && skips.has("voice");
    const word = (ch: string) => (ch === "email" ? "e-mail" : ch === "sms" ? "SMS" : "call");
    for (const [ch, skip] of skips) {
      if (!skip) continue;
      const other = ch === "sms" ? "voice" : ch === "voice" ? "sms" : null;
      if (pair && other && !skips.get(other))
        pv.warnings.push(`${name} gets the ${word(other)} instead of the ${word(ch)} (${skipReasonInSentence(skip)}).`);
      else pv.warnings.push(`${name} will not get the ${word(ch)}: ${skipReasonInSentence(skip)}.`);
    }
  }
  const problems = (["subject", "preheader", "body", "sms_body", "voice_script"] as const).flatMap((k) =>
    checkTemplate(v[k] ?? "", "one_time_message", Object.keys(snippets)).map((e) => e.message),
  );
  if (problems.length) pv.problem = problems[0];
  else {
    const filters = parseMessageFilters(single(s) ? {} : rawFilters(s));
    const draft = {
      ...text,
      filters: filters.ok ? filters.filters : {},
      toAddress: single(s) ? v.to_address?.trim() || null : null,
      jobId: formId(v.job_id),
    };
    const empty = Object.values(await emptyValueProblems(db, draft))[0];
    if (empty) pv.problem = `${empty}.`;
  }
  // Shown as the customer would get it: the footer and the opt-out hint in their language.
  const lang = pickLanguage(customer?.locale, settings.locale);
  try {
    if (channels.includes("email")) {
      const variant = await renderEmailVariant({
        subject: v.subject ?? "",
        body: v.body ?? "",
        preheader: v.preheader?.trim() || undefined,
        format: "markdown",
        ...(await emailLook(db, settings, settings.publicUrl || c.get("deps").config.publicUrl, v.body ?? "")),
        personalLinks: !!customer,
        lang,
      });
      const email = personalizeEmail(variant, values);
      const preheader = v.preheader?.trim() ? fillTemplate(v.preheader.trim(), values, (x) => x) : "";
      pv.email = { to: customer?.email ?? chosen.address, subject: email.subject, preheader, html: email.html };
    }
    if (channels.includes("sms")) {
      const filled = fillTemplate(v.sms_body ?? "", values, (x) => x);
      const hint = t(lang, "sms.optOut");
      const text = withOptOutHint(filled, { required: true, hint });
      const to = customer?.phone ?? chosen.address;
      pv.sms = {
        to: to && formatPhone(to, studioCountry(settings)),
        text,
        info: smsInfoAsSent(text, smsSaveCheck(settings, c.get("deps").config.publicUrl)),
        optOutAdded: text !== filled ? hint : null,
      };
    }
    if (channels.includes("voice")) {
      const audioId = formId(v.voice_audio_id);
      const audio = audioId ? await fileInfo(db, audioId) : undefined;
      const to = customer?.phone ?? chosen.address;
      pv.voice = {
        to: to && formatPhone(to, studioCountry(settings)),
        text: fillTemplate(v.voice_script ?? "", values, (x) => x),
        ...(audio && isAudio(audio) && { audio: { name: audio.originalName, src: `/media/${audio.storedName}` } }),
      };
    }
  } catch (err) {
    if (!(err instanceof TemplateSyntaxError)) throw err;
    pv.problem = `${problems[0] ?? err.errors[0]?.message}. The preview shows once it is fixed.`;
  }
  return pv;
}

/** Links in a test lead nowhere: a real recipient's unsubscribe link must not reach a staff inbox. */
const deadLink =
  (base: string): LinkMaker =>
  (purpose) =>
    `${base}/#${purpose}-link-in-a-test`;
/** A value must not become a placeholder when the test's text is compiled again at send time. */
const inert = (value: string) => value.replaceAll("{{", "{ {");
/**
 * Snippets stay placeholders in a test's text: the send fills them after rendering, as plain
 * text, exactly as for real recipients. Filled here, before rendering, their Markdown was
 * formatted and their lines joined differently, so the test showed what no customer gets.
 */
const keepSnippets = (values: PlaceholderValues): PlaceholderValues => {
  const kept = { ...values };
  for (const k of Object.keys(kept)) if (k.startsWith("snippet.")) kept[k] = `{{${k}}}`;
  return kept;
};
const unlessSnippet = (escape: (x: string) => string) => (x: string, key: string) =>
  key.startsWith("snippet.") ? x : escape(x);

/** Sends the form's message to the staff member as the chosen recipient would get it, and says how it went. */
/**
 * A test SMS as the real one goes out (the opt-out line in `lang`, as compose.ts adds it), marked
 * "[Test] " in front. The save counts the text without that mark, so a text saved at exactly
 * 1,600 would fail its test as too long for a mark no customer gets: the mark is left off when it
 * would not fit, and the test is still the real text.
 */
export function testSmsText(filled: string, lang: Parameters<typeof t>[0]): string {
  const options = { required: true, hint: t(lang, "sms.optOut") };
  const marked = withOptOutHint(`[Test] ${filled}`, options);
  return marked.length <= SMS_MAX ? marked : withOptOutHint(filled, options);
}

export async function sendTest(c: Ctx, s: ComposeState): Promise<{ result?: TestResult; errors?: FieldErrors }> {
  const deps = c.get("deps");
  const { db, config, clock } = deps;
  const channel = s.values.test_channel === "sms" ? "sms" : "email";
  const v = s.values;
  const snippets = await loadSnippets(db);
  const errors: FieldErrors = {};
  // A test sends the channel's own text: the e-mail its subject and body, the SMS its SMS text.
  const fields = channel === "email" ? (["subject", "preheader", "body"] as const) : (["sms_body"] as const);
  if (channel === "email" && !v.subject?.trim()) errors.subject = "An e-mail needs a subject";
  if (channel === "email" && !v.body?.trim()) errors.body = "Write the e-mail";
  if (channel === "sms" && !v.sms_body?.trim()) errors.sms_body = "Write the SMS text";
  for (const k of fields) {
    // As a save refuses them: a control character is no text.
    if (!noControl(v[k] ?? "")) errors[k] = CONTROL_PROBLEM;
    const problem = checkTemplate(v[k] ?? "", "one_time_message", Object.keys(snippets))[0];
    if (problem) errors[k] ??= problem.message;
  }
  const preheader = channel === "email" && v.preheader?.trim() ? preheaderProblem(v.preheader) : null;
  if (preheader) errors.preheader ??= preheader;
  let to = c.get("user")!.email;
  if (channel === "sms") {
    const phone = v.test_phone?.trim()
      ? parsePhone(v.test_phone, studioCountry(await getSettings(c.get("deps").db)))
      : null;
    if (!phone) errors.test_phone = "Enter your mobile number to text the test to";
    else if (!phone.ok) errors.test_phone = phone.problem;
    else to = phone.e164;
  }
  // The files ticked go with the test as with the real send (carried on the test delivery).
  const fileList = channel === "email" ? "attachment_ids" : "media_ids";
  const testFiles = formIds(s.lists[fileList]);
  const gone = await missingFileIds(db, testFiles);
  if (gone.length) errors[fileList] = `File ${gone.join(", ")} no longer exists: untick it or choose another`;
  if (Object.keys(errors).length) return { errors };

  const now = clock();
  const settings = await getSettings(db);
  const chosen = await chooseRecipient(c, s, settings.timeZone);
  const base = settings.publicUrl || config.publicUrl;
  const values = await valuesFor(c, chosen, settings, snippets, deadLink(base));
  const what = channel === "email" ? "Test e-mail" : "Test SMS";
  // The opt-out line in the language the preview shows (the recipient's, else the studio's).
  const lang = pickLanguage(chosen.rows?.customer?.locale, settings.locale);
  // The recipient shown would be skipped for a value the text cannot do without: a test must not
  // show staff a blank that no customer would ever get.
  const missing = missingByChannel(
    requiredByChannel({
      channels: [channel],
      subject: v.subject ?? "",
      preheader: v.preheader ?? "",
      body: v.body ?? "",
      smsBody: v.sms_body ?? "",
      voiceScript: "",
    }),
    values,
  )[channel];
  if (missing) {
    const person = chosen.rows?.customer
      ? `${chosen.rows.customer.firstName} ${chosen.rows.customer.lastName}`.trim()
      : "this recipient";
    return {
      result: {
        ok: false,
        text: `${what} not sent: ${person} has no value for {{${missing}}}, so they would not get it. Test with another recipient, or give the placeholder a fallback.`,
      },
    };
  }
  const content =
    channel === "email"
      ? // Marked as a test in the inbox it lands in, among real mail.
        {
          subject: `[Test] ${fillTemplate(v.subject ?? "", keepSnippets(values), unlessSnippet(inert))}`,
          body: fillTemplate(
            v.body ?? "",
            keepSnippets(values),
            unlessSnippet((x) => inert(escapeHtml(x))),
          ),
          // The preview line staff typed, as the real send shows it.
          testPreheader: fillTemplate(v.preheader?.trim() ?? "", keepSnippets(values), unlessSnippet(inert)),
        }
      : { body: testSmsText(fillTemplate(v.sms_body ?? "", keepSnippets(values), unlessSnippet(inert)), lang) };
  const key = deliveryKey(
    { kind: "test", id: `${now.getTime().toString(36)}${randomToken(6)}` },
    { address: to },
    channel,
  );
  await enqueueDeliveries(
    db,
    { sourceType: "test" },
    [{ key, decision: { customerId: 0, channel, to, skip: null }, dueAt: testDueAt(now), testFiles, ...content }],
    now,
  );
  const deliveryId = await deliveryIdByKey(db, key);
  await audit(db, { userId: c.get("user")!.id }, "test_sent", "delivery", deliveryId, {
    channel,
    message: Number(v.message_id) || null,
  });
  const { providers } = deps;
  const via =
    channel === "email"
      ? providers.email.name === "resend"
        ? "Resend"
        : "the dev outbox"
      : providers.sms.name === "twilio"
        ? "Twilio"
        : "the dev outbox";
  // Sent at once, and only this delivery, so the outcome can be shown; queued work waits its turn.
  try {
    if (deliveryId) await deps.dispatcher.sendNow(deliveryId);
  } catch (err) {
    deps.log("error", "message test: send failed", { delivery: deliveryId, error: String(err) });
  }
  const d = deliveryId ? await db.query.deliveries.findFirst({ where: eq(deliveries.id, deliveryId) }) : undefined;
  const who = chosen.rows?.customer
    ? ` with ${`${chosen.rows.customer.firstName} ${chosen.rows.customer.lastName}`.trim()}'s data`
    : "";
  if (!d) return { result: { ok: false, text: `${what} could not be queued.` } };
  if (d.status === "sent" || d.status === "delivered")
    return {
      result: { ok: true, text: `${what}${who} sent to ${to} through ${via}.`, deliveryId: d.id },
    };
  if (d.status === "failed" || d.status === "bounced" || d.status === "undelivered")
    return { result: { ok: false, text: `${what} to ${to} failed: ${d.lastError ?? d.status}.`, deliveryId: d.id } };
  if (d.status === "skipped")
    return {
      result: {
        ok: false,
        text: `${what} to ${to} was not sent: ${skipReasonInSentence(d.skipReason ?? "skipped")}.`,
        deliveryId: d.id,
      },
    };
  return {
    result: {
      ok: true,
      text: `${what} to ${to} is queued${d.waitingReason ? `: ${d.waitingReason}` : ""}.`,
      deliveryId: d.id,
    },
  };
}
