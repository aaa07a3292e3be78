// Deterministic delivery keys (SPEC D2, P5): the same decision always yields the same key, so
// the unique index turns a repeated decision into a no-op. Keys also become Resend's
// Idempotency-Key, so they must stay short and ASCII.
import type { Channel } from "../db/schema.ts";

export type DeliverySource =
  | { kind: "notification"; notificationId: number; jobId: number; appointmentId?: number | null }
  | { kind: "message"; messageId: number; appointmentId?: number | null }
  | { kind: "test"; id: string };

/** One recipient of one source on one channel: a customer, or a typed-in address. */
export function deliveryKey(source: DeliverySource, recipient: { customerId: number } | { address: string }, channel: Channel): string {
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
