// The compose form's attachments and MMS pictures (SPEC T5): the files it offers, the ones a
// saved message has, a file uploaded on the spot (checked by its bytes, then ticked), and their
// save in the message's own transaction.
import { messageDecisions } from "../automation/one-time.ts";
import { ATTACHMENT_KINDS, MMS_KINDS, mmsReaches } from "../core/attachments.ts";
import { MAX_FILE_BYTES, sniffUpload } from "../core/file-types.ts";
import type { ComposeState } from "../core/message-pages.ts";
import type { FieldErrors } from "../core/validation.ts";
import type { Db } from "../db/client.ts";
import { contentFilesOf, setContentFiles } from "../db/content-files.ts";
import { storeFile } from "../db/files.ts";
import type { Ctx } from "../http/env.ts";
import type { Message } from "../db/messages.ts";
import type { Deps } from "../deps.ts";

/** The form's two lists of file ids (checkboxes). */
export const FILE_LIST_FIELDS = ["attachment_ids", "media_ids"] as const;

/** A saved message's attachments and pictures put into its form's state. */
export async function filesIntoState(db: Db, s: ComposeState, messageId: number) {
  const f = await contentFilesOf(db, { messageId });
  s.lists.attachment_ids = f.attachments.map((a) => String(a.id));
  s.lists.media_ids = f.mms.map((a) => String(a.id));
}

/** Writes the message's attachments and pictures; call it in the message's save transaction. */
export async function saveMessageFiles(
  tx: Db,
  messageId: number,
  input: { attachment_ids: number[]; media_ids: number[] },
) {
  await setContentFiles(tx, { messageId }, "attachment", input.attachment_ids);
  await setContentFiles(tx, { messageId }, "mms", input.media_ids);
}

/**
 * Files chosen in the Attachments or Pictures upload fields, each checked by its bytes (a PDF or
 * image; a JPEG, PNG or GIF for MMS): stored and ticked, so they stay chosen while the rest of the
 * form is put right; or the problem beside the section, and nothing stored.
 */
export async function takeFileUploads(c: Ctx, s: ComposeState): Promise<FieldErrors> {
  const { db, clock } = c.get("deps");
  const body = await c.req.parseBody({ all: true });
  const errors: FieldErrors = {};
  const fields = [
    { upload: "attachment_upload", list: "attachment_ids", kinds: ATTACHMENT_KINDS },
    { upload: "media_upload", list: "media_ids", kinds: MMS_KINDS },
  ] as const;
  for (const f of fields) {
    const sent = body[f.upload];
    const file = Array.isArray(sent) ? sent.at(-1) : sent;
    // A file field left empty still sends a part: no name, no bytes.
    if (!(file instanceof File) || (file.size === 0 && !file.name)) continue;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const verdict = sniffUpload(bytes, f.kinds, MAX_FILE_BYTES);
    if (!verdict.ok) {
      errors[f.list] = `${file.name || "The file"} ${verdict.problem}. Nothing was saved.`;
      continue;
    }
    const stored = await storeFile(
      db,
      { bytes, originalName: file.name, kind: verdict.kind, userId: c.get("user")?.id ?? null },
      clock(),
    );
    s.lists[f.list] = [...(s.lists[f.list] ?? []), String(stored.id)];
  }
  return errors;
}

/**
 * A message's attachments and pictures as its pages show them. With `now` (the review), the SMS
 * recipients whose numbers MMS does not reach are counted, so nobody loses the pictures unsaid.
 */
export async function messageFiles(deps: Pick<Deps, "db">, m: Message, now: Date | null) {
  const f = await contentFilesOf(deps.db, { messageId: m.id });
  let withoutPictures: number | null = null;
  if (now && f.mms.length && m.channels.includes("sms")) {
    const texts = m.toAddress
      ? [{ skip: null, to: m.toAddress }]
      : ((await messageDecisions(deps, m, now)).find((x) => x.channel === "sms")?.decisions ?? []);
    withoutPictures = texts.filter((d) => !d.skip && d.to && !mmsReaches(d.to)).length;
  }
  return {
    attachments: m.channels.includes("email") ? f.attachments : [],
    pictures: m.channels.includes("sms") ? f.mms : [],
    withoutPictures,
  };
}
