// A notification's attachments (e-mail) or MMS pictures (SMS) in its editor (SPEC T5): the ids the
// form sent, those a saved notification has, their check by channel and against the files on
// record, and their save in the notification's own transaction.
import { type ChosenFiles, notificationFiles } from "../core/attachments.ts";
import type { FieldErrors } from "../core/validation.ts";
import { contentFileProblems, fileChoices } from "../db/attachment-files.ts";
import type { Db } from "../db/client.ts";
import { contentFilesOf, setContentFiles } from "../db/content-files.ts";

type Lists = { attachment_ids: string[]; media_ids: string[] };

const strings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string" && x !== "");

/** The ticked ids in a posted editor form (`parseBody({ all: true })`), as typed. */
export const chosenInForm = (body: Record<string, unknown>): Lists => ({
  attachment_ids: strings(body.attachment_ids),
  media_ids: strings(body.media_ids),
});

/** A saved notification's files, as the editor's ticks. */
export async function chosenOfNotification(db: Db, notificationId: number): Promise<Lists> {
  const f = await contentFilesOf(db, { notificationId });
  return { attachment_ids: f.attachments.map((a) => String(a.id)), media_ids: f.mms.map((a) => String(a.id)) };
}

/** The editor's files section: what there is to choose, and what is ticked. */
export async function editorFiles(db: Db, chosen: Lists) {
  const ids = [...chosen.attachment_ids, ...chosen.media_ids].filter((x) => /^\d+$/.test(x)).map(Number);
  return { choices: await fileChoices(db, ids), chosen };
}

/** The ticked files checked for a notification sent by `channel`: the ids to save, or the problems by field. */
export async function checkChosen(
  db: Db,
  chosen: Lists,
  channel: string,
): Promise<{ ok: true; value: ChosenFiles } | { ok: false; errors: FieldErrors }> {
  // Ticks left in the other channel's section (the channel changed without a re-render) are refused
  // beside that section, which stays shown while it has ticks, rather than dropped unsaid.
  const read = notificationFiles(chosen, channel);
  if (!read.ok) return read;
  const problems = await contentFileProblems(db, read.value);
  return Object.keys(problems).length ? { ok: false, errors: problems } : read;
}

/** Writes the notification's files; call it in its save's transaction. */
export async function saveNotificationFiles(tx: Db, notificationId: number, chosen: ChosenFiles) {
  await setContentFiles(tx, { notificationId }, "attachment", chosen.attachment_ids);
  await setContentFiles(tx, { notificationId }, "mms", chosen.media_ids);
}
