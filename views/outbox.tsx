/** @jsxImportSource hono/jsx */
// The outbox (SPEC A4, D1, D7): every delivery with its status and the reason it was not sent,
// live filters, and the bulk release or cancel of held deliveries. The list page and the
// fragment it re-renders live together.
import type { FC } from "hono/jsx";
import {
  type HeldCount,
  type HeldFilters,
  OUTBOX_FOLDER_HINTS,
  OUTBOX_FOLDER_LABELS,
  OUTBOX_FOLDERS,
  type OutboxQuery,
} from "../src/core/outbox-query.ts";
import {
  CHANNEL_LABELS,
  DELIVERY_SOURCE_LABELS,
  DELIVERY_STATUS_LABELS,
  DELIVERY_STATUS_ORDER,
  jobLabel,
  SKIP_REASON_LABELS,
} from "../src/core/labels.ts";
import type { Delivery } from "../src/db/outbox.ts";
import type { OutboxRow } from "../src/db/outbox-list.ts";
import type { JobChoice } from "../src/db/jobs.ts";
import { CHANNELS, type Channel } from "../src/core/vocabulary.ts";
import {
  DeliveryStatusBadge,
  type Flash,
  PAUSED_WHY,
  Reason,
  Recipient,
  rowLink,
  Source,
  Stamp,
} from "./delivery-parts.tsx";
import { Csrf } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import { withParams } from "./pager.tsx";

const heldFilters = (q: OutboxQuery): HeldFilters => ({
  channel: q.channel,
  source: q.source,
  job: q.job,
  message: q.message,
  customer: q.customer,
});
const nHeld = (n: number) => `${n.toLocaleString("en-US")} held ${n === 1 ? "delivery" : "deliveries"}`;

/** Above a list filtered to held deliveries: what is held and the bulk release and cancel actions. */
const HeldBar: FC<{ held: HeldCount; query: OutboxQuery }> = ({ held, query }) => {
  const f = heldFilters(query);
  const n = held.total.toLocaleString("en-US");
  return (
    <article id="held-actions">
      <p>
        <strong>{nHeld(held.total)}</strong> {held.total === 1 ? "matches" : "match"} these filters. Pigeon will not
        send {held.total === 1 ? "it" : "them"} on its own: release {held.total === 1 ? "it" : "them"} to send from now,
        or cancel.
      </p>
      {held.ofPausedMessages > 0 && (
        <p class="muted">
          {held.ofPausedMessages.toLocaleString("en-US")} of them belong to paused messages; for those, resuming the
          message {PAUSED_WHY}.
        </p>
      )}
      <a role="button" href={withParams("/outbox/held/release", f)}>
        Release all {n} held
      </a>{" "}
      <a role="button" class="secondary" href={withParams("/outbox/held/cancel", f)}>
        Cancel all {n} held…
      </a>
    </article>
  );
};

export function OutboxResults(p: {
  rows: OutboxRow[];
  nextBefore: number | null;
  query: OutboxQuery;
  customerName?: string | null;
  held?: HeldCount | null;
  timeZone: string;
  /** The studio's country: its numbers read in national format. */
  country?: string;
}) {
  const { before, ...filters } = p.query;
  const filtered = Object.values(filters).some((v) => v !== undefined && v !== "");
  return (
    <div id="outbox-results">
      {p.held && p.held.total > 0 && <HeldBar held={p.held} query={p.query} />}
      {p.rows.length === 0 ? (
        <div class="empty">
          {before ? (
            <p>
              No older messages. <a href={withParams("/outbox", filters)}>Back to the newest</a>
            </p>
          ) : filtered ? (
            <p>
              No messages match these filters. <a href="/outbox">Clear the filters</a>
            </p>
          ) : (
            <>
              <p>
                Nothing has been sent yet. Every e-mail, text message and call Pigeon sends, skips or fails shows up
                here with the reason.
              </p>
              <p class="muted">
                Activate a communication profile on a job or send a one-time message. The owner can send a test from{" "}
                <a href="/settings/messaging">Settings → Messaging</a>.
              </p>
            </>
          )}
        </div>
      ) : (
        <>
          <div class="table-wrap">
            <table class="striped outbox">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Status</th>
                  <th>Recipient</th>
                  <th>Channel</th>
                  <th>Reason or error</th>
                  <th class="hide-sm">Source</th>
                  <th class="hide-sm">Provider</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((row) => {
                  const d = row.delivery;
                  return (
                    <tr id={`delivery-${d.id}`} {...rowLink(`/outbox/${d.id}`)}>
                      <td>
                        <a href={`/outbox/${d.id}`}>
                          <Stamp at={d.createdAt} tz={p.timeZone} />
                        </a>
                        {d.sentAt && (
                          <>
                            <br />
                            <span class="muted">
                              sent <Stamp at={d.sentAt} sameDayAs={d.createdAt} tz={p.timeZone} />
                            </span>
                          </>
                        )}
                      </td>
                      <td>
                        <DeliveryStatusBadge status={d.status} />
                      </td>
                      <td>
                        <Recipient row={row} country={p.country} />
                      </td>
                      <td>{CHANNEL_LABELS[d.channel]}</td>
                      <td>
                        <Reason d={d} tz={p.timeZone} />
                      </td>
                      <td class="hide-sm">
                        <Source row={row} />
                      </td>
                      <td class="hide-sm">
                        {d.provider ?? <span class="muted">—</span>}
                        {d.providerMessageId && (
                          <>
                            <br />
                            <code class="muted">{d.providerMessageId}</code>
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Pages">
            <a href={withParams("/outbox", filters)} aria-disabled={before ? undefined : "true"} rel="first">
              ← Newest
            </a>
            <a
              href={withParams("/outbox", { ...filters, before: p.nextBefore })}
              aria-disabled={p.nextBefore ? undefined : "true"}
              rel="next"
            >
              Older →
            </a>
          </nav>
        </>
      )}
    </div>
  );
}

export function OutboxPage(p: Common & Parameters<typeof OutboxResults>[0] & { jobs: JobChoice[]; flash?: Flash }) {
  const q = p.query;
  return (
    <Page title="Outbox" user={p.user} csrf={p.csrf} section="outbox" flash={p.flash}>
      <PageHead title="Outbox">
        <a role="button" class="secondary" href="/outbox/dev">
          Dev outbox
        </a>
      </PageHead>
      <nav class="folders" aria-label="Folders">
        <ul>
          <li>
            <a
              href={withParams("/outbox", { ...q, folder: undefined, before: undefined })}
              aria-current={q.folder ? undefined : "page"}
            >
              All
            </a>
          </li>
          {OUTBOX_FOLDERS.map((f) => (
            <li>
              <a
                href={withParams("/outbox", { ...q, folder: f, before: undefined })}
                aria-current={q.folder === f ? "page" : undefined}
                title={OUTBOX_FOLDER_HINTS[f]}
              >
                {OUTBOX_FOLDER_LABELS[f]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {q.folder && <p class="muted folder-hint">{OUTBOX_FOLDER_HINTS[q.folder]}</p>}
      {q.appointment && (
        <p>
          Messages about appointment #{q.appointment} only ·{" "}
          <a href={withParams("/outbox", { ...q, appointment: undefined, before: undefined })}>show all appointments</a>
        </p>
      )}
      {q.customer && (
        <p>
          Messages to <a href={`/customers/${q.customer}`}>{p.customerName ?? `customer #${q.customer}`}</a> only ·{" "}
          <a href={withParams("/outbox", { ...q, customer: undefined, before: undefined })}>show everyone</a>
        </p>
      )}
      <form
        class="filters"
        method="get"
        action="/outbox"
        role="search"
        hx-get="/outbox"
        hx-trigger="input changed delay:300ms from:'find input', change from:'find select'"
        hx-target="#outbox-results"
        hx-select="#outbox-results"
        hx-swap="outerHTML"
        hx-push-url="true"
      >
        {q.customer && <input type="hidden" name="customer" value={String(q.customer)} />}
        {q.folder && <input type="hidden" name="folder" value={q.folder} />}
        {q.appointment && <input type="hidden" name="appointment" value={String(q.appointment)} />}
        <select name="status" aria-label="Status">
          <option value="">Any status</option>
          {DELIVERY_STATUS_ORDER.map((s) => (
            <option value={s} selected={q.status === s}>
              {DELIVERY_STATUS_LABELS[s]}
            </option>
          ))}
        </select>
        <select name="channel" aria-label="Channel">
          <option value="">Any channel</option>
          {CHANNELS.map((ch) => (
            <option value={ch} selected={q.channel === ch}>
              {CHANNEL_LABELS[ch]}
            </option>
          ))}
        </select>
        <select name="source" aria-label="Source">
          <option value="">Any source</option>
          {(Object.keys(DELIVERY_SOURCE_LABELS) as Delivery["sourceType"][]).map((s) => (
            <option value={s} selected={q.source === s}>
              {DELIVERY_SOURCE_LABELS[s]}
            </option>
          ))}
        </select>
        <select name="job" aria-label="Job">
          <option value="">Any job</option>
          {p.jobs.map((j) => (
            <option value={String(j.id)} selected={q.job === j.id}>
              {jobLabel(j)}
            </option>
          ))}
        </select>
        <input
          type="number"
          name="message"
          min="1"
          value={q.message ? String(q.message) : ""}
          placeholder="Message id"
          aria-label="One-time message id"
        />
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <OutboxResults
        rows={p.rows}
        nextBefore={p.nextBefore}
        query={q}
        held={p.held}
        timeZone={p.timeZone}
        country={p.country}
      />
    </Page>
  );
}

/** The bulk action's confirmation: how many held deliveries it touches and what it does to them. */
export function HeldConfirmPage(
  p: Common & {
    action: "release" | "cancel";
    filters: HeldFilters;
    held: HeldCount;
    stagger: { batchSize: number; intervalSeconds: number };
    flash?: Flash;
  },
) {
  const n = p.held.total;
  const release = p.action === "release";
  const title = release ? `Release ${nHeld(n)}?` : `Cancel ${nHeld(n)}?`;
  const back = withParams("/outbox", { status: "held", ...p.filters });
  const described = Object.entries(p.filters)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) =>
      k === "channel"
        ? CHANNEL_LABELS[v as Channel]
        : k === "source"
          ? DELIVERY_SOURCE_LABELS[v as Delivery["sourceType"]]
          : `${k} #${v}`,
    );
  return (
    <Page title={n ? title : "No held deliveries"} user={p.user} csrf={p.csrf} section="outbox" flash={p.flash}>
      <p>
        <a href={back}>← Held deliveries</a>
      </p>
      {n === 0 ? (
        <>
          <PageHead title="No held deliveries" />
          <p>
            No held deliveries match these filters{described.length ? ` (${described.join(", ")})` : ""}: there is
            nothing to {p.action}.
          </p>
        </>
      ) : (
        <>
          <PageHead title={title} />
          <p class="muted">
            {described.length
              ? `Held deliveries matching: ${described.join(", ")}.`
              : "Every held delivery, from every source."}
          </p>
          {release ? (
            <>
              <p>
                They go back into the queue and are sent from now on, staggered:{" "}
                {p.stagger.batchSize.toLocaleString("en-US")} every {p.stagger.intervalSeconds.toLocaleString("en-US")}{" "}
                seconds, inside the sending window. Whatever held them no longer stops them.
              </p>
              <p>
                Where an earlier attempt's outcome is unknown, Pigeon settles it first — it asks Twilio, or sends the
                e-mail again under the same key so Resend does not send it twice. Only an e-mail whose attempt is more
                than a day old (Resend has forgotten its key) is sent afresh: that recipient may get it twice.
              </p>
            </>
          ) : (
            <p>
              They will not be sent: each is recorded as skipped, “{SKIP_REASON_LABELS.cancelled_by_staff}”. This cannot
              be undone. A sending message with nothing else left to send then finishes.
            </p>
          )}
          {p.held.ofPausedMessages > 0 && (
            <p>
              {p.held.ofPausedMessages.toLocaleString("en-US")} of them belong to paused messages: resuming the message{" "}
              {PAUSED_WHY}.
            </p>
          )}
          <form method="post" action={`/outbox/held/${p.action}`}>
            <Csrf token={p.csrf} />
            {Object.entries(p.filters).map(([k, v]) =>
              v === undefined || v === "" ? null : <input type="hidden" name={k} value={String(v)} />,
            )}
            <input type="hidden" name="expected" value={String(n)} />
            <button type="submit" class={release ? undefined : "secondary"}>
              {release ? `Release ${nHeld(n)}` : `Cancel ${nHeld(n)}`}
            </button>{" "}
            <a href={back}>Keep them held</a>
          </form>
        </>
      )}
    </Page>
  );
}
