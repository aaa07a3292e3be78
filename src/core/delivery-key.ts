// Deterministic delivery keys (SPEC D2, P5): the same decision always yields the same key, so
// the unique index turns a repeated decision into a no-op. Keys also become Resend's
// Idempotency-Key, so they must stay short and ASCII.
import { createHash } from "node:crypto";
import type { Channel } from "./vocabulary.ts";

export type DeliverySource =
  | { kind: "notification"; notificationId: number; jobId: number; appointmentId?: number | null }
  | { kind: "message"; messageId: number; appointmentId?: number | null }
  | { kind: "test"; id: string };

/** One recipient of one source on one channel: a customer, or a typed-in address. */
export function deliveryKey(
  source: DeliverySource,
  recipient: { customerId: number } | { address: string },
  channel: Channel,
): string {
  const who = "customerId" in recipient ? `c${recipient.customerId}` : `to:${recipient.address}`;
  switch (source.kind) {
    case "notification":
      return `n${source.notificationId}:j${source.jobId}${source.appointmentId ? `:a${source.appointmentId}` : ""}:${who}:${channel}`;
    case "message":
      // A message to appointments goes once per appointment: a customer with two gets two.
      return `m${source.messageId}${source.appointmentId ? `:a${source.appointmentId}` : ""}:${who}:${channel}`;
    case "test":
      return `t${source.id}:${who}:${channel}`;
  }
}

/**
 * One idempotency key for a batch of e-mails, from its members' keys (order does not matter): the
 * same members retried as a batch replay the first answer instead of sending again. The
 * dispatcher records it with the batch, so a replay can keep it even if some members must drop out.
 */
export function batchKey(memberKeys: string[]): string {
  return `batch/${createHash("sha256")
    .update([...memberKeys].sort().join("\n"))
    .digest("hex")}`;
}
