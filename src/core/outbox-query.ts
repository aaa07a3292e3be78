// The outbox list's query and the held-delivery filters: read from the URL by the route, drawn
// by the view (views/outbox.tsx), so they live below both.

/**
 * The outbox's folders (SPEC A4), each delivery in exactly one:
 * - appointments: about an appointment (a reminder, a message to ticked appointments);
 * - campaigns: not about an appointment, from a communication profile's notification or a one-time
 *   message to an audience chosen by filters;
 * - other: neither — a one-time message to a typed-in address, one written to one customer (its only
 *   filter the customer: compose to one person, an answer from the inbox), and test sends.
 */
export const OUTBOX_FOLDERS = ["appointments", "campaigns", "other"] as const;
export type OutboxFolder = (typeof OUTBOX_FOLDERS)[number];

export const OUTBOX_FOLDER_LABELS: Record<OutboxFolder, string> = {
  appointments: "Appointments",
  campaigns: "Campaigns",
  other: "Other",
};

/** What each folder holds, as the page says it. */
export const OUTBOX_FOLDER_HINTS: Record<OutboxFolder, string> = {
  appointments: "Everything about an appointment: reminders, confirmations, messages to ticked appointments.",
  campaigns:
    "Not about an appointment: communication profiles' notifications and one-time messages to an audience chosen by filters.",
  other:
    "Not tied to an appointment or a campaign: one-time messages to a typed-in address or written to one customer (including answers from the inbox), and test sends.",
};

/** The outbox list's filters, and its cursor (`before`: the page lists deliveries older than that id). */
export type OutboxQuery = {
  folder?: OutboxFolder;
  appointment?: number;
  status?: string;
  channel?: string;
  source?: string;
  job?: number;
  message?: number;
  customer?: number;
  before?: number;
};

/** How many held deliveries the list's filters cover, when it is filtered to held ones. */
export type HeldCount = { total: number; ofPausedMessages: number };

/** The filters a bulk action on held deliveries carries: the list's, without status and cursor. */
export type HeldFilters = Pick<OutboxQuery, "channel" | "source" | "job" | "message" | "customer">;
