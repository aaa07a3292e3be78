// /api/v1/messages (SPEC I3): one-time messages are created as drafts, armed by an explicit
// send, and read back with their totals. Their deliveries are listed by deliveries.ts.
import { studioCountry } from "../../core/country.ts";
import { smsSaveCheck } from "../../core/sms-text.ts";
import { Hono } from "hono";
import { activationProblem, apiTextProblems, messageInput } from "../../core/message-input.ts";
import { performanceJson } from "../../core/performance.ts";
import { fieldErrors } from "../../core/validation.ts";
import { performanceOf } from "../../db/performance.ts";
import { audit } from "../../db/audit.ts";
import { audioFileProblem, missingImagesIn } from "../../db/files.ts";
import { contentFileProblems } from "../../db/attachment-files.ts";
import { contentFilesOf, setContentFiles } from "../../db/content-files.ts";
import { audienceSize } from "../../db/message-audience.ts";
import {
  activateMessage,
  createMessage,
  getMessage,
  getMessageByExternalId,
  type Message,
  messageTotals,
  updateMessage,
} from "../../db/messages.ts";
import { loadSnippets } from "../../db/recipient-rows.ts";
import { getSettings } from "../../db/settings.ts";
import type { Db } from "../../db/client.ts";
import type { AppEnv, Ctx } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { storedFilters } from "../message-form.ts";
import { draftOfInput, draftOfMessage, emptyValueProblems, missingJobProblem } from "../message-values.ts";
import { externalIdOnly, iso, jsonBody, overlay, parse, pathId } from "./input.ts";
import { writeForRequest } from "./upsert.ts";

async function messageJson(db: Db, m: Message) {
  const totals = await messageTotals(db, m.id);
  const files = await contentFilesOf(db, { messageId: m.id });
  const performance = await performanceOf(db, { messageId: m.id }, (await getSettings(db)).currency);
  return {
    id: m.id,
    external_id: m.externalId,
    name: m.name,
    status: m.status,
    channels: m.channels,
    subject: m.subject,
    preheader: m.preheader,
    body: m.body,
    sms_body: m.smsBody,
    voice_script: m.voiceScript,
    voice_audio_id: m.voiceFileId,
    voice_name: m.voiceName,
    voice_language: m.voiceLanguage,
    call_only_if_no_sms: m.callOnlyIfNoSms,
    attachment_ids: files.attachments.map((f) => f.id),
    media_ids: files.mms.map((f) => f.id),
    filters: m.filters,
    to_address: m.toAddress,
    job_id: m.jobId,
    send_at: m.sendAt ? iso(m.sendAt) : null,
    activated_at: m.activatedAt ? iso(m.activatedAt) : null,
    totals: {
      deliveries: totals.total,
      open: totals.open,
      by_status: totals.byStatus,
      by_skip_reason: totals.bySkipReason,
    },
    // What it achieved (issue 14, SPEC I3): counts, revenue in the studio's currency, rates of delivered.
    performance: performanceJson(performance),
  };
}

/** The message's attachments and MMS pictures, written in its save's transaction. */
async function saveFiles(tx: Db, messageId: number, input: { attachment_ids: number[]; media_ids: number[] }) {
  await setContentFiles(tx, { messageId }, "attachment", input.attachment_ids);
  await setContentFiles(tx, { messageId }, "mms", input.media_ids);
}

async function loadMessage(c: Ctx) {
  const m = await getMessage(c.get("deps").db, pathId(c, "message"));
  if (!m) throw new ApiError(404, "There is no message with this id.");
  return m;
}

export const messageApiRoutes = new Hono<AppEnv>()
  // Sending the same external_id again updates the draft (README, SPEC I3): the body is laid over
  // it as for every resource. Once armed a message no longer changes, so a repeat is a 409.
  .post("/", async (c) => {
    const { db } = c.get("deps");
    const body = await jsonBody(c);
    const { external_id } = parse(externalIdOnly, body);
    const snippetKeys = Object.keys(await loadSnippets(db));
    return writeForRequest(c, "message", async ({ db: tx, now, actor }) => {
      const current = external_id ? await getMessageByExternalId(tx, external_id) : undefined;
      if (current && current.status !== "draft") {
        throw new ApiError(409, `This message is ${current.status} already, so it can no longer be changed.`, {
          external_id: `names a message that is ${current.status}`,
        });
      }
      const settings = await getSettings(tx);
      const stored = current ? await messageJson(tx, current) : null;
      const merged = stored ? overlay(stored, body) : body;
      const schema = messageInput(
        snippetKeys,
        studioCountry(settings),
        smsSaveCheck(settings, c.get("deps").config.publicUrl),
      );
      const textProblems = apiTextProblems(body, merged.channels, stored);
      if (Object.keys(textProblems).length) {
        // Named with every other bad field, as one 422 always does.
        const r = schema.safeParse(merged);
        const others = r.success ? {} : fieldErrors(r.error);
        throw new ApiError(422, "Some fields are not valid.", { ...others, ...textProblems });
      }
      const input = parse(schema, merged);
      if (input.send_at && input.send_at.getTime() < now.getTime() - 60_000)
        throw new ApiError(422, "Some fields are not valid.", { send_at: "is in the past" });
      const audio = input.voice_audio_id ? await audioFileProblem(tx, input.voice_audio_id) : null;
      if (audio) throw new ApiError(422, "Some fields are not valid.", { voice_audio_id: audio });
      const fileProblems = await contentFileProblems(tx, input);
      if (Object.keys(fileProblems).length) throw new ApiError(422, "Some fields are not valid.", fileProblems);
      const missingImages = input.channels.includes("email")
        ? await missingImagesIn(tx, input.body ?? "", settings.publicUrl || c.get("deps").config.publicUrl)
        : null;
      if (missingImages) throw new ApiError(422, "Some fields are not valid.", { body: missingImages });
      const missingJob = await missingJobProblem(tx, input.job_id ?? null);
      if (Object.keys(missingJob).length) throw new ApiError(422, "Some fields are not valid.", missingJob);
      const empty = await emptyValueProblems(tx, draftOfInput(input));
      if (Object.keys(empty).length)
        throw new ApiError(
          422,
          "A placeholder the message cannot do without would be empty for every recipient.",
          empty,
        );
      if (current) {
        if (!(await updateMessage(tx, current.id, input, now)))
          throw new ApiError(409, "This message started meanwhile, so it can no longer be changed.", {
            external_id: "names a message that started",
          });
        await saveFiles(tx, current.id, input);
        await audit(tx, actor, "updated", "message", current.id);
        return c.json(await messageJson(tx, (await getMessage(tx, current.id))!), 200);
      }
      const m = await createMessage(tx, input, null, now, external_id ?? null);
      await saveFiles(tx, m.id, input);
      await audit(tx, actor, "created", "message", m.id);
      return c.json(await messageJson(tx, m), 201);
    });
  })
  .get("/:id", async (c) => c.json(await messageJson(c.get("deps").db, await loadMessage(c))))
  // The explicit send step (SPEC O5): arms the draft; it starts at send_at, or at once.
  .post("/:id/send", async (c) => {
    const { db, clock } = c.get("deps");
    const m = await loadMessage(c);
    const now = clock();
    const timeZone = (await getSettings(db)).timeZone;
    const recipients = m.toAddress ? 1 : await audienceSize(db, storedFilters(m), now, { timeZone });
    const problem = activationProblem(m, recipients, now);
    if (problem) throw new ApiError(409, problem);
    // The studio's details or the job may have changed since the draft was written.
    const empty = await emptyValueProblems(db, draftOfMessage(m, storedFilters(m)));
    if (Object.keys(empty).length)
      throw new ApiError(422, "A placeholder the message cannot do without would be empty for every recipient.", empty);
    const armed = await activateMessage(db, m.id, null, now);
    if (!armed) throw new ApiError(409, "This message was changed meanwhile; read it again.");
    await audit(db, { apiKeyId: c.get("apiKeyId") }, "activated", "message", m.id, { recipients });
    return c.json(await messageJson(db, armed));
  });
