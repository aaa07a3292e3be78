/** @jsxImportSource hono/jsx */
// A customer's history on the customer page (SPEC A5): every message sent, skipped (with the
// reason), delivered or failed, every reply, and every appointment change with who made it, in
// one list, newest first.
import { staffTime } from "../src/core/date-format.ts";
import { CHANNEL_LABELS, REPLY_HANDLED_LABELS } from "../src/core/labels.ts";
import type { HistoryItem } from "../src/db/customer-history.ts";
import type { AppointmentChange } from "../src/db/schema.ts";
import { DeliveryStatusBadge, Reason, rowLink, Source, Stamp } from "./delivery-parts.tsx";
import { withParams } from "./pager.tsx";

const STATUS_WORD: Record<string, string> = {
  scheduled: "scheduled",
  confirmed: "confirmed",
  cancelled: "cancelled",
  reschedule_requested: "reschedule requested",
};

/** "Cancelled by the customer by SMS", "Confirmed by link", "Marked confirmed by Olivia": who changed it, how. */
export function changeText(ch: AppointmentChange, actorName: string | null, tz: string): string {
  const to = STATUS_WORD[ch.toStatus] ?? ch.toStatus;
  const moved =
    ch.fromStartsAt && ch.toStartsAt && ch.fromStartsAt.getTime() !== ch.toStartsAt.getTime()
      ? `, moved from ${staffTime(ch.fromStartsAt, tz)} to ${staffTime(ch.toStartsAt, tz)}`
      : "";
  const what = ch.fromStatus === null ? `Booked (${to})` : ch.fromStatus === ch.toStatus ? "Changed" : cap(to);
  const by: Record<string, string> = {
    sms: "by the customer by SMS",
    link: "by link",
    voice: "by the customer on a call",
    api: "by the booking system (API)",
    demo: "in the demo data",
  };
  if (ch.source === "staff")
    return `${ch.fromStatus === null ? what : `Marked ${to}`}${moved} by ${actorName ?? "a staff member no longer here"}`;
  return `${what}${moved} ${by[ch.source] ?? `by ${ch.source}`}`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A customer's history (SPEC A5): what went out, what was skipped and why, what they answered and did. */
export function CustomerMessages(p: { customerId: number; items: HistoryItem[]; more: boolean; timeZone: string }) {
  return (
    <section id="messages">
      <h2>History</h2>
      {p.items.length === 0 ? (
        <p class="muted">
          Nothing yet. Every e-mail, text and call Pigeon sends, skips or fails for this customer appears here with the
          reason, with their replies and every change to their appointments.
        </p>
      ) : (
        <>
          <div class="table-wrap">
            <table class="striped history">
              <thead>
                <tr>
                  <th>When</th>
                  <th>What</th>
                  <th>Status</th>
                  <th>Reason, error or text</th>
                </tr>
              </thead>
              <tbody>
                {p.items.map((it) => {
                  if (it.kind === "delivery") {
                    const d = it.row.delivery;
                    return (
                      <tr {...rowLink(`/outbox/${d.id}`)}>
                        <td>
                          <a href={`/outbox/${d.id}`}>
                            <Stamp at={it.at} tz={p.timeZone} />
                          </a>
                        </td>
                        <td>
                          {CHANNEL_LABELS[d.channel]} · <Source row={it.row} />
                          {d.toAddress && <span class="muted hide-sm"> · {d.toAddress}</span>}
                        </td>
                        <td>
                          <DeliveryStatusBadge status={d.status} />
                        </td>
                        <td>
                          <Reason d={d} tz={p.timeZone} />
                        </td>
                      </tr>
                    );
                  }
                  if (it.kind === "reply") {
                    const r = it.reply;
                    return (
                      <tr class="history-reply">
                        <td>
                          <a href={`/inbox/customer/${p.customerId}#reply-${r.id}`}>
                            <Stamp at={it.at} tz={p.timeZone} />
                          </a>
                        </td>
                        <td>Reply by {CHANNEL_LABELS[r.channel]}</td>
                        <td>
                          <span class={`badge ${r.handledAs === "inbox" ? "planning" : "yes"}`}>
                            {r.handledAs === "inbox" ? (r.readAt ? "Read" : "Unread") : "Handled"}
                          </span>
                        </td>
                        <td>
                          “{r.body}”{it.media.length > 0 && <span class="muted"> · {it.media.length} attached</span>}
                          {r.handledAs !== "inbox" && (
                            <span class="muted"> · {REPLY_HANDLED_LABELS[r.handledAs] ?? r.handledAs}</span>
                          )}
                          {r.answer && <span class="muted"> · answered by Pigeon: “{r.answer}”</span>}
                        </td>
                      </tr>
                    );
                  }
                  return (
                    <tr class="history-change">
                      <td>
                        <Stamp at={it.at} tz={p.timeZone} />
                      </td>
                      <td>Appointment of {staffTime(it.startsAt, p.timeZone)}</td>
                      <td>
                        <span class="badge">{STATUS_WORD[it.change.toStatus] ?? it.change.toStatus}</span>
                      </td>
                      <td>{changeText(it.change, it.actorName, p.timeZone)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p>
            <a href={withParams("/outbox", { customer: p.customerId })}>
              {p.more ? "Older messages in the outbox →" : "These messages in the outbox →"}
            </a>
            {" · "}
            <a href={`/inbox/customer/${p.customerId}`}>Conversation in the inbox →</a>
          </p>
        </>
      )}
    </section>
  );
}
