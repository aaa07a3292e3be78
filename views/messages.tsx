/** @jsxImportSource hono/jsx */
// One-time messages (SPEC O1–O7): the list of messages, and the labels and small helpers the
// other message views share. Each page lives with the fragments htmx re-renders: compose in
// message-compose.tsx (its count in message-recipients.tsx, its preview in message-preview.tsx),
// the send confirmation in message-confirm.tsx, progress and report in message-page.tsx.
import type { FC } from "hono/jsx";
import { CHANNEL_LABELS, MESSAGE_STATUS_LABELS } from "../src/core/labels.ts";
import type { MessageRow } from "../src/db/message-pages.ts";
import type { Message } from "../src/db/messages.ts";
import type { Channel } from "../src/core/vocabulary.ts";
import type { Flash } from "../src/core/form-state.ts";
import { type Common, Page, PageHead } from "./layout.tsx";

export type Status = Message["status"];

export const nf = (n: number) => n.toLocaleString("en");
export const plural = (n: number, one: string, many = `${one}s`) => `${nf(n)} ${n === 1 ? one : many}`;

export const MessageStatusBadge: FC<{ status: Status }> = ({ status }) => (
  <span class={`badge message-${status}`}>{MESSAGE_STATUS_LABELS[status]}</span>
);

export const channelList = (channels: readonly string[]) =>
  channels.map((ch) => CHANNEL_LABELS[ch as Channel] ?? ch).join(" + ");

// ---------------------------------------------------------------- the list

/** The messages table; also the fragment the job page's Communication section loads. */
export function MessagesTable({ rows, jobId, compact }: { rows: MessageRow[]; jobId?: number; compact?: boolean }) {
  if (rows.length === 0) {
    return (
      <div id="messages-results" class={compact ? "" : "empty"}>
        <p class={compact ? "muted" : ""}>{jobId ? "No messages to this job's customers yet." : "No messages yet."}</p>
        {!compact && (
          <p class="muted">
            Write one to customers of all jobs with <a href="/messages/new">New message</a>, start from a job's page to
            write to its customers, select appointments and press Compose, or{" "}
            <a href="/messages/new?mode=address">send to one address</a>.
          </p>
        )}
      </div>
    );
  }
  return (
    <div id="messages-results" class="table-wrap">
      <table class="striped messages-table">
        <thead>
          <tr>
            <th>Message</th>
            <th>Status</th>
            <th class="hide-sm">Channels</th>
            <th>Recipients</th>
            <th class="hide-sm">When</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>
                <a href={`/messages/${r.message.id}`}>{r.message.name}</a>
                {r.message.subject && <small class="muted block">{r.message.subject}</small>}
              </td>
              <td>
                <MessageStatusBadge status={r.message.status} />
              </td>
              <td class="hide-sm">{channelList(r.message.channels)}</td>
              <td>{r.recipients !== null ? nf(r.recipients) : <small class="muted">{r.who}</small>}</td>
              <td class="hide-sm">
                <small>{r.when}</small>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MessagesPage(
  p: Common & { rows: MessageRow[]; job?: { id: number; name: string } | null; flash?: Flash },
) {
  const title = p.job ? `Messages · ${p.job.name}` : "Messages";
  return (
    <Page title={title} user={p.user} csrf={p.csrf} section="messages" flash={p.flash}>
      <PageHead title={p.job ? `Messages to ${p.job.name}` : "One-time messages"}>
        <a href="/templates">Templates</a>
        <a role="button" class="secondary outline" href="/messages/new?mode=address">
          Send to one address
        </a>
        <a role="button" href={p.job ? `/messages/new?job_id=${p.job.id}` : "/messages/new"}>
          New message
        </a>
      </PageHead>
      <p class="muted">
        A one-time message goes out once, by e-mail, SMS or a voice call, to the customers you choose. Nothing is sent
        until you press Send and confirm the number of recipients.
        {p.job && (
          <>
            {" "}
            <a href="/messages">All messages</a>
          </>
        )}
      </p>
      <MessagesTable rows={p.rows} jobId={p.job?.id} />
    </Page>
  );
}
