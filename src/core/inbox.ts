// The inbox's shared shapes (SPEC A4): whose conversation a page is about and its address, the
// answer form as typed, and which picture types a browser may show inline.
import type { FieldErrors } from "./validation.ts";

/** Whose conversation: a known customer, or an unknown sender by the address they wrote from. */
export type ConversationKey = { customerId: number } | { from: string };

export const conversationHref = (k: ConversationKey) =>
  "customerId" in k ? `/inbox/customer/${k.customerId}` : `/inbox/from/${encodeURIComponent(k.from)}`;

/** The answer box as typed, with its problems by field. */
export type ReplyForm = { values: Record<string, string>; errors: FieldErrors };

/** Image types a browser shows inline safely; anything else (SVG included: it can hold script) is a download. */
export const INLINE_IMAGES: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/** The newest reply a thread shows (0 for none): what its Archive, Mark read and answer act up to. */
export const newestReplyId = (
  items: readonly ({ kind: "reply"; reply: { id: number } } | { kind: string })[],
): number => items.reduce((n, it) => ("reply" in it && it.kind === "reply" && it.reply.id > n ? it.reply.id : n), 0);
