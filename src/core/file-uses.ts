// Where a file is used, as the file manager and the API name it, and whether that use keeps the
// file from being deleted (issue 12). The uses themselves are read by src/db/file-uses.ts.
import { CHANNEL_LABELS, MESSAGE_STATUS_LABELS } from "./labels.ts";
import { TRIGGER_INFO, type Trigger } from "./triggers.ts";
import type { Channel, MessageStatus } from "./vocabulary.ts";

/** How a text uses a file: sent with it, as its MMS picture, played as its call, or shown in its body. */
export type FileUseHow = "attachment" | "mms" | "recording" | "body";

export type FileUse = (
  | { kind: "message"; id: number; name: string; status: MessageStatus; how: FileUseHow }
  | {
      kind: "notification";
      id: number;
      profileId: number;
      profileName: string;
      trigger: Trigger;
      channel: Channel;
      how: FileUseHow;
    }
  | { kind: "template"; id: number; name: string; how: "body" }
  | { kind: "logo" }
) & {
  /**
   * Whether the use keeps the file from being deleted. The rule: anything that can still send
   * (a draft, scheduled, sending or paused message, any notification, a template, the logo) keeps
   * it, and so does a content_files row of any message (its foreign key is RESTRICT: the record of
   * what a sent message carried keeps the file). A sent or cancelled message that only shows the
   * file in its body or played it as its recording does not: deleting is then a warning that
   * those e-mails, opened later, miss the picture.
   */
  blocks: boolean;
};

/** Messages that will send nothing more. */
export const FINISHED_MESSAGE: readonly MessageStatus[] = ["sent", "cancelled"];

const HOW: Record<FileUseHow, string> = {
  attachment: "attached to its e-mail",
  mms: "its SMS picture",
  recording: "its call's recording",
  body: "in its text",
};

/** The use in words: “Message “Spring sale” (Draft): attached to its e-mail”. */
export function fileUseLabel(u: FileUse): string {
  switch (u.kind) {
    case "logo":
      return "Studio logo (Settings → Studio)";
    case "template":
      return `Template “${u.name}”: in its text`;
    case "message":
      return `Message “${u.name}” (${MESSAGE_STATUS_LABELS[u.status]}): ${HOW[u.how]}`;
    case "notification":
      return `Notification “${TRIGGER_INFO[u.trigger].label}” (${CHANNEL_LABELS[u.channel]}) of profile “${u.profileName}”: ${HOW[u.how]}`;
  }
}

/** The staff page where the use can be changed, or null (templates have no page of their own yet). */
export function fileUseHref(u: FileUse): string | null {
  switch (u.kind) {
    case "logo":
      return "/settings";
    case "template":
      return null;
    case "message":
      return `/messages/${u.id}`;
    case "notification":
      return `/profiles/${u.profileId}/notifications/${u.id}/edit`;
  }
}
