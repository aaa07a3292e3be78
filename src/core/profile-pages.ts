// What the notification editor's live preview shows: shaped by the route, drawn by the view
// (views/profile-notification.tsx), so it lives below both.
import type { SmsInfo } from "./sms-text.ts";
import type { FieldErrors } from "./validation.ts";
import type { Channel } from "./vocabulary.ts";

/** The live preview of a notification on a real customer, or why there is none. */
export type PreviewData = {
  channel: Channel;
  /** The notification in words, when its fields make sense together. */
  sentence: string | null;
  /** Whose data is shown, and why that customer. */
  recipientNote: string;
  to: string | null;
  subject?: string;
  /** The preheader as typed and filled in; empty: the inbox shows the first line. */
  preheader?: string;
  html?: string;
  text?: string;
  sms?: SmsInfo;
  /** The opt-out hint added to the text (in the customer's language), or null. */
  optOutAdded?: string | null;
  /** Problems of the subject and body, as saving would report them. */
  errors: FieldErrors;
  problem?: string;
};
