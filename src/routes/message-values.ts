// What a one-time message's placeholders can count on, read from the database for the pages and
// the API: the values every recipient shares (studio, snippets, the message's one job) for the
// compose check, and what the audience queries need to count who has no value.
import { type MessageFilters, messageJob } from "../core/message-filters.ts";
import type { MessageInput } from "../core/message-input.ts";
import {
  type MessageShape,
  type MessageText,
  messageValueProblems,
  missingByChannel,
  requiredByChannel,
  type ValueContext,
} from "../core/message-values.ts";
import type { Channel } from "../core/vocabulary.ts";
import type { FieldErrors } from "../core/validation.ts";
import type { Db } from "../db/client.ts";
import { getJob } from "../db/jobs.ts";
import type { AudienceNeeds } from "../db/message-audience.ts";
import type { Message } from "../db/messages.ts";
import { loadRecipientRows, loadSnippets } from "../db/recipient-rows.ts";
import { getSettings } from "../db/settings.ts";
import { jobValues, recipientValues, sharedValues } from "../dispatch/recipient-values.ts";

/** A message as these checks read it: its text, channels, recipients and the job it was started from. */
export type MessageDraft = MessageShape & { jobId: number | null };

/** A message as checked: the form's or the API's input. */
export const draftOfInput = (m: MessageInput): MessageDraft => ({
  channels: m.channels,
  subject: m.subject ?? "",
  preheader: m.preheader ?? "",
  body: m.body ?? "",
  smsBody: m.sms_body ?? "",
  voiceScript: m.voice_script ?? "",
  filters: m.filters,
  toAddress: m.to_address ?? null,
  jobId: m.job_id ?? null,
});

/** A saved message as checked; filters that no longer parse count as none. */
export const draftOfMessage = (m: Message, filters: MessageFilters): MessageDraft => ({
  channels: m.channels,
  subject: m.subject,
  preheader: m.preheader,
  body: m.body,
  smsBody: m.smsBody,
  voiceScript: m.voiceScript,
  filters,
  toAddress: m.toAddress,
  jobId: m.jobId,
});

/** The values every recipient of the message shares: studio.*, snippet.* and its one job's job.*. */
export async function valueContext(
  db: Db,
  m: Pick<MessageDraft, "filters" | "jobId" | "toAddress">,
): Promise<ValueContext> {
  const [settings, snippets] = await Promise.all([getSettings(db), loadSnippets(db)]);
  const jobId = messageJob(m.jobId, m.filters);
  const job = jobId ? await getJob(db, jobId) : undefined;
  return {
    shared: sharedValues(settings, snippets),
    job: job ? { name: job.name, values: jobValues(job, settings), hasGallery: !!job.galleryUrl } : null,
  };
}

/** The job the message says it is about, when that job does not exist: the form and the API refuse it by name. */
export async function missingJobProblem(db: Db, jobId: number | null): Promise<FieldErrors> {
  return jobId !== null && !(await getJob(db, jobId)) ? { job_id: "no job with this id" } : {};
}

/** Per text field, a placeholder the message cannot do without that would be empty for every recipient. */
export async function emptyValueProblems(db: Db, m: MessageDraft): Promise<FieldErrors> {
  return messageValueProblems(m, await valueContext(db, m));
}

/**
 * For a message to one customer on one channel: the first placeholder its text cannot do without
 * that this customer has no value for (what the start would skip them for), or null. Values are
 * built as the sender builds them, without a job or an appointment.
 */
export async function oneCustomerMissing(
  db: Db,
  customerId: number,
  text: MessageText,
  channel: Channel,
): Promise<string | null> {
  const keys = requiredByChannel(text)[channel] ?? [];
  if (!keys.length) return null;
  const [settings, snippets, rows] = await Promise.all([
    getSettings(db),
    loadSnippets(db),
    loadRecipientRows(db, [{ id: 0, customerId, jobId: null, appointmentId: null }], { orders: false }),
  ]);
  const values = recipientValues(rows.get(0)!, settings, snippets, () => "link");
  return missingByChannel({ [channel]: keys }, values)[channel] ?? null;
}

/** What the live count and the exclusion lists need to count recipients without a value. */
export async function audienceNeeds(db: Db, m: MessageDraft): Promise<AudienceNeeds> {
  const [settings, snippets] = await Promise.all([getSettings(db), loadSnippets(db)]);
  return {
    required: requiredByChannel(m),
    jobId: messageJob(m.jobId, m.filters),
    shared: sharedValues(settings, snippets),
  };
}

const FIELD_LABELS: Record<string, string> = {
  subject: "Subject",
  preheader: "Preheader",
  body: "E-mail",
  sms_body: "SMS text",
  voice_script: "Call script",
};

/** The first problem as one sentence for a page without the fields ("Message: {{studio.phone}} is empty: …"), or null. */
export function valueProblemText(errors: FieldErrors): string | null {
  const [field, problem] = Object.entries(errors)[0] ?? [];
  return field ? `${FIELD_LABELS[field] ?? field}: ${problem}. Edit the message to fix it.` : null;
}
