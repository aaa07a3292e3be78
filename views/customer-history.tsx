/** @jsxImportSource hono/jsx */
// A customer's message history on the customer page (SPEC A5).
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import type { OutboxRow } from "../src/db/outbox-list.ts";
import { DeliveryStatusBadge, Reason, rowLink, Source, Stamp } from "./delivery-parts.tsx";
import { withParams } from "./pager.tsx";

/** A customer's message history (SPEC A5): what went out, what was skipped and why. */
export function CustomerMessages(p: { customerId: number; rows: OutboxRow[]; timeZone: string }) {
  return (
    <section id="messages">
      <h2>Messages</h2>
      {p.rows.length === 0 ? (
        <p class="muted">
          No messages to this customer yet. Every e-mail, text and call Pigeon sends, skips or fails for them appears
          here with the reason.
        </p>
      ) : (
        <>
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Channel</th>
                  <th>Source</th>
                  <th>Status</th>
                  <th>Reason or error</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((row) => {
                  const d = row.delivery;
                  return (
                    <tr {...rowLink(`/outbox/${d.id}`)}>
                      <td>
                        <a href={`/outbox/${d.id}`}>
                          <Stamp at={d.sentAt ?? d.createdAt} tz={p.timeZone} />
                        </a>
                      </td>
                      <td>
                        {CHANNEL_LABELS[d.channel]}
                        {d.toAddress && <span class="muted hide-sm"> · {d.toAddress}</span>}
                      </td>
                      <td>
                        <Source row={row} />
                      </td>
                      <td>
                        <DeliveryStatusBadge status={d.status} />
                      </td>
                      <td>
                        <Reason d={d} tz={p.timeZone} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p>
            <a href={withParams("/outbox", { customer: p.customerId })}>
              {p.rows.length >= 50 ? "Older messages in the outbox →" : "These messages in the outbox →"}
            </a>
          </p>
        </>
      )}
    </section>
  );
}
