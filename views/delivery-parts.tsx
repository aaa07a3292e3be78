/** @jsxImportSource hono/jsx */
// What every list and page of deliveries shows the same way (the outbox, one delivery, the dev
// outbox, a customer's history, Settings → Messaging): times, the status badge, the reason a
// delivery is where it is, what sent it and to whom.
import type { FC } from "hono/jsx";
import { staffDay, staffTime, staffTimeOrDash } from "../src/core/date-format.ts";
import { DELIVERY_STATUS_LABELS, skipReasonLabel } from "../src/core/labels.ts";
import type { Delivery } from "../src/db/outbox.ts";
import type { OutboxRow } from "../src/db/outbox-list.ts";
import { formatPhone } from "../src/core/phone.ts";
import { withParams } from "./pager.tsx";
import { SkipReason } from "./skip-reason.tsx";

/** The studio's time zone: every time on these pages is shown in it. */
export type Zoned = { timeZone: string };
export type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;
type Status = Delivery["status"];

// Reuses the stylesheet's tones: green went out, red did not arrive, amber still waits, grey was skipped.
const STATUS_TONE: Record<Status, string> = {
  queued: "planning",
  sending: "planning",
  held: "planning",
  waiting: "planning",
  sent: "yes",
  delivered: "yes",
  undelivered: "no",
  failed: "no",
  bounced: "no",
  skipped: "consent-no",
};

/** A time to the second, in the studio's zone. */
export const second = (d: Date | null | undefined, tz: string) => staffTimeOrDash(d, tz, { seconds: true });

/** A minute that wraps between day and time, never inside either; the day is left out when it repeats. */
export const Stamp: FC<{ at: Date; sameDayAs?: Date; tz: string }> = ({ at, sameDayAs, tz }) => {
  const [day, time, zone] = staffTime(at, tz).split(" ");
  const repeat = sameDayAs && staffDay(sameDayAs, tz) === day;
  return (
    <>
      {!repeat && <span class="nowrap">{day}</span>} <span class="nowrap">{`${time} ${zone}`}</span>
    </>
  );
};

export const DeliveryStatusBadge: FC<{ status: Status }> = ({ status }) => (
  <span class={`badge ${STATUS_TONE[status]} delivery-${status}`}>{DELIVERY_STATUS_LABELS[status]}</span>
);

/** Why a delivery is where it is, in words: the skip reason, what it waits for, or the provider's error. */
export function deliveryReason(d: Delivery, tz: string): { kind: "skip" | "wait" | "error"; text: string } | null {
  if (d.status === "skipped") return { kind: "skip", text: d.skipReason ? skipReasonLabel(d.skipReason) : "Skipped" };
  if ((d.status === "queued" || d.status === "held") && d.waitingReason) return { kind: "wait", text: d.waitingReason };
  if (d.status === "queued" && d.lastError)
    return { kind: "error", text: `Will try again at ${staffTimeOrDash(d.dueAt, tz)}: ${d.lastError}` };
  if (d.lastError && ["failed", "undelivered", "bounced"].includes(d.status))
    return { kind: "error", text: d.lastError };
  if (d.status === "queued") return { kind: "wait", text: `Due ${staffTimeOrDash(d.dueAt, tz)}` };
  return null;
}

export const Reason: FC<{ d: Delivery; tz: string }> = ({ d, tz }) => {
  const r = deliveryReason(d, tz);
  if (!r) return <span class="muted">—</span>;
  if (r.kind === "skip" && d.skipReason) return <SkipReason reason={d.skipReason} />;
  // Held work is explained on the same help page, beside the skip reasons.
  if (d.status === "held")
    return (
      <a class="muted" href="/help/not-reached#held">
        {r.text}
      </a>
    );
  return r.kind === "error" ? (
    <span class="delivery-error">{r.text}</span>
  ) : (
    <span class={r.kind === "wait" ? "muted" : undefined}>{r.text}</span>
  );
};

/** What sent it: a notification (with its trigger), a one-time message (with its name) or a test. */
export const Source: FC<{ row: OutboxRow }> = ({ row }) => {
  const d = row.delivery;
  return (
    <>
      {d.sourceType === "notification" && (
        <span>
          Notification {d.notificationId ? `#${d.notificationId}` : "(deleted)"}
          {row.notificationTrigger && <span class="muted"> · {row.notificationTrigger.replace(/_/g, " ")}</span>}
        </span>
      )}
      {d.sourceType === "message" &&
        (d.messageId ? (
          <a href={withParams("/outbox", { message: d.messageId })} title="Every delivery of this message">
            Message #{d.messageId}
            {row.messageName && ` “${row.messageName}”`}
          </a>
        ) : (
          <span>Message (deleted)</span>
        ))}
      {d.sourceType === "test" && <span>Test send</span>}
      {d.jobId && (
        <>
          <br />
          <a class="muted" href={`/jobs/${d.jobId}`}>
            {row.jobName ?? `Job #${d.jobId}`}
          </a>
        </>
      )}
    </>
  );
};

/**
 * Who a delivery went to; a number as staff read it (formatPhone: national in the studio's
 * `country`, international otherwise), not as stored.
 */
export const Recipient: FC<{ row: OutboxRow; country?: string }> = ({ row, country = "" }) => {
  const d = row.delivery;
  const to = d.toAddress && d.channel !== "email" ? formatPhone(d.toAddress, country) : d.toAddress;
  if (d.customerId && row.customerName) {
    return (
      <>
        <a href={`/customers/${d.customerId}`}>{row.customerName}</a>
        {to && (
          <>
            <br />
            <span class="muted">{to}</span>
          </>
        )}
      </>
    );
  }
  return <span>{to ?? <span class="muted">no address</span>}</span>;
};

/** A whole row opens its delivery (static/app.js); links inside the row keep going where they point. */
export const rowLink = (href: string) => ({ "data-row-href": href, class: "row-link" });

/** Why resuming a paused message beats releasing its held deliveries one by one. */
export const PAUSED_WHY =
  "is the usual way: it sends all of the message's held deliveries, staggered, and lets the message finish";
