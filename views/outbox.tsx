/** @jsxImportSource hono/jsx */
// The outbox (SPEC A4, A5, D1, D7): every delivery with its status and the reason it was not
// sent, one delivery with its timeline and the message as sent, the dev outbox, and the
// customer page's message history. The list page and the fragment it re-renders live together.
import type { FC } from "hono/jsx";
import { missingKey, SKIP_REASON_LABELS, skipReasonLabel as labelOf } from "../src/core/recipients.ts";
import { REPLAY_WINDOW_MS } from "../src/core/retry-policy.ts";
import { staffDay, staffTime, staffTimeOrDash } from "../src/core/date-format.ts";
import type { Delivery } from "../src/db/outbox.ts";
import type { DeliveryDetail, DevOutboxRow, OutboxRow } from "../src/db/outbox-list.ts";
import type { JobChoice } from "../src/db/jobs.ts";
import type { User } from "../src/db/schema.ts";
import { CHANNELS, type Channel } from "../src/core/vocabulary.ts";
import { Csrf } from "./form.tsx";
import { Page, PageHead } from "./layout.tsx";
import { withParams } from "./pager.tsx";

type Common = { user: User; csrf: string };
/** The studio's time zone: every time on these pages is shown in it. */
type Zoned = { timeZone: string };
type Flash = { kind: "ok" | "bad" | "info"; text: string } | null;
type Status = Delivery["status"];

const DELIVERY_STATUS_ORDER: readonly Status[] = ["queued", "waiting", "sending", "sent", "delivered", "undelivered", "failed", "bounced", "skipped", "held"];

const STATUS_LABELS: Record<Status, string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  undelivered: "Undelivered",
  failed: "Failed",
  bounced: "Bounced",
  skipped: "Skipped",
  held: "Held",
  waiting: "Waits for the SMS",
};

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

const CHANNEL_LABELS: Record<Channel, string> = { email: "E-mail", sms: "SMS", voice: "Voice" };
const SOURCE_LABELS: Record<Delivery["sourceType"], string> = { notification: "Notification", message: "One-time message", test: "Test" };

const second = (d: Date | null | undefined, tz: string) => staffTimeOrDash(d, tz, { seconds: true });

/** A minute that wraps between day and time, never inside either; the day is left out when it repeats. */
const Stamp: FC<{ at: Date; sameDayAs?: Date; tz: string }> = ({ at, sameDayAs, tz }) => {
  const [day, time, zone] = staffTime(at, tz).split(" ");
  const repeat = sameDayAs && staffDay(sameDayAs, tz) === day;
  return (
    <>
      {!repeat && <span style="white-space: nowrap">{day}</span>} <span style="white-space: nowrap">{`${time} ${zone}`}</span>
    </>
  );
};

export const DeliveryStatusBadge: FC<{ status: Status }> = ({ status }) => <span class={`badge ${STATUS_TONE[status]} delivery-${status}`}>{STATUS_LABELS[status]}</span>;

export function skipReasonLabel(reason: string): string {
  if (missingKey(reason) !== null) return labelOf(reason);
  return (SKIP_REASON_LABELS as Record<string, string>)[reason] ?? reason.replace(/_/g, " ");
}

/** Why a delivery is where it is, in words: the skip reason, what it waits for, or the provider's error. */
export function deliveryReason(d: Delivery, tz: string): { kind: "skip" | "wait" | "error"; text: string } | null {
  if (d.status === "skipped") return { kind: "skip", text: d.skipReason ? skipReasonLabel(d.skipReason) : "Skipped" };
  if ((d.status === "queued" || d.status === "held") && d.waitingReason) return { kind: "wait", text: d.waitingReason };
  if (d.status === "queued" && d.lastError) return { kind: "error", text: `Will try again at ${staffTimeOrDash(d.dueAt, tz)}: ${d.lastError}` };
  if (d.lastError && ["failed", "undelivered", "bounced"].includes(d.status)) return { kind: "error", text: d.lastError };
  if (d.status === "queued") return { kind: "wait", text: `Due ${staffTimeOrDash(d.dueAt, tz)}` };
  return null;
}

const Reason: FC<{ d: Delivery; tz: string }> = ({ d, tz }) => {
  const r = deliveryReason(d, tz);
  if (!r) return <span class="muted">—</span>;
  return r.kind === "error" ? <span class="delivery-error" style="color: var(--pico-del-color)">{r.text}</span> : <span class={r.kind === "wait" ? "muted" : undefined}>{r.text}</span>;
};

/** What sent it: a notification (with its trigger), a one-time message (with its name) or a test. */
const Source: FC<{ row: OutboxRow }> = ({ row }) => {
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

const Recipient: FC<{ row: OutboxRow }> = ({ row }) => {
  const d = row.delivery;
  if (d.customerId && row.customerName) {
    return (
      <>
        <a href={`/customers/${d.customerId}`}>{row.customerName}</a>
        {d.toAddress && (
          <>
            <br />
            <span class="muted">{d.toAddress}</span>
          </>
        )}
      </>
    );
  }
  return <span>{d.toAddress ?? <span class="muted">no address</span>}</span>;
};

/** A whole row opens its delivery (static/app.js); links inside the row keep going where they point. */
const rowLink = (href: string) => ({ "data-row-href": href, class: "row-link" });

// ---------------------------------------------------------------- list

export type OutboxQuery = { status?: string; channel?: string; source?: string; job?: number; message?: number; customer?: number; before?: number };

/** How many held deliveries the list's filters cover, when it is filtered to held ones. */
export type HeldCount = { total: number; ofPausedMessages: number };

/** The filters a bulk action on held deliveries carries: the list's, without status and cursor. */
export type HeldFilters = Pick<OutboxQuery, "channel" | "source" | "job" | "message" | "customer">;

const heldFilters = (q: OutboxQuery): HeldFilters => ({ channel: q.channel, source: q.source, job: q.job, message: q.message, customer: q.customer });
const nHeld = (n: number) => `${n.toLocaleString("en-US")} held ${n === 1 ? "delivery" : "deliveries"}`;

const PAUSED_WHY = "is the usual way: it sends all of the message's held deliveries, staggered, and lets the message finish";

/** Above a list filtered to held deliveries: what is held and the bulk release and cancel actions. */
const HeldBar: FC<{ held: HeldCount; query: OutboxQuery }> = ({ held, query }) => {
  const f = heldFilters(query);
  const n = held.total.toLocaleString("en-US");
  return (
    <article id="held-actions">
      <p>
        <strong>{nHeld(held.total)}</strong> {held.total === 1 ? "matches" : "match"} these filters. Pigeon will not send {held.total === 1 ? "it" : "them"} on its own: release{" "}
        {held.total === 1 ? "it" : "them"} to send from now, or cancel.
      </p>
      {held.ofPausedMessages > 0 && (
        <p class="muted">
          {held.ofPausedMessages.toLocaleString("en-US")} of them belong to paused messages; for those, resuming the message {PAUSED_WHY}.
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

export function OutboxResults(p: { rows: OutboxRow[]; nextBefore: number | null; query: OutboxQuery; customerName?: string | null; held?: HeldCount | null; timeZone: string }) {
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
              <p>Nothing has been sent yet. Every e-mail, text message and call Pigeon sends, skips or fails shows up here with the reason.</p>
              <p class="muted">
                Activate a communication profile on a job or send a one-time message. The owner can send a test from <a href="/settings/messaging">Settings → Messaging</a>.
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
                        <Recipient row={row} />
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
            <a href={withParams("/outbox", { ...filters, before: p.nextBefore })} aria-disabled={p.nextBefore ? undefined : "true"} rel="next">
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
        <select name="status" aria-label="Status">
          <option value="">Any status</option>
          {DELIVERY_STATUS_ORDER.map((s) => (
            <option value={s} selected={q.status === s}>
              {STATUS_LABELS[s]}
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
          {(Object.keys(SOURCE_LABELS) as Delivery["sourceType"][]).map((s) => (
            <option value={s} selected={q.source === s}>
              {SOURCE_LABELS[s]}
            </option>
          ))}
        </select>
        <select name="job" aria-label="Job">
          <option value="">Any job</option>
          {p.jobs.map((j) => (
            <option value={String(j.id)} selected={q.job === j.id}>
              {j.name} ({j.year})
            </option>
          ))}
        </select>
        <input type="number" name="message" min="1" value={q.message ? String(q.message) : ""} placeholder="Message id" aria-label="One-time message id" />
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <OutboxResults rows={p.rows} nextBefore={p.nextBefore} query={q} held={p.held} timeZone={p.timeZone} />
    </Page>
  );
}

/** The bulk action's confirmation: how many held deliveries it touches and what it does to them. */
export function HeldConfirmPage(
  p: Common & { action: "release" | "cancel"; filters: HeldFilters; held: HeldCount; stagger: { batchSize: number; intervalSeconds: number }; flash?: Flash },
) {
  const n = p.held.total;
  const release = p.action === "release";
  const title = release ? `Release ${nHeld(n)}?` : `Cancel ${nHeld(n)}?`;
  const back = withParams("/outbox", { status: "held", ...p.filters });
  const described = Object.entries(p.filters)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => (k === "channel" ? CHANNEL_LABELS[v as Channel] : k === "source" ? SOURCE_LABELS[v as Delivery["sourceType"]] : `${k} #${v}`));
  return (
    <Page title={n ? title : "No held deliveries"} user={p.user} csrf={p.csrf} section="outbox" flash={p.flash}>
      <p>
        <a href={back}>← Held deliveries</a>
      </p>
      {n === 0 ? (
        <>
          <PageHead title="No held deliveries" />
          <p>No held deliveries match these filters{described.length ? ` (${described.join(", ")})` : ""}: there is nothing to {p.action}.</p>
        </>
      ) : (
        <>
          <PageHead title={title} />
          <p class="muted">{described.length ? `Held deliveries matching: ${described.join(", ")}.` : "Every held delivery, from every source."}</p>
          {release ? (
            <>
              <p>
                They go back into the queue and are sent from now on, staggered: {p.stagger.batchSize.toLocaleString("en-US")} every {p.stagger.intervalSeconds.toLocaleString("en-US")} seconds,
                inside the sending window. Whatever held them no longer stops them.
              </p>
              <p>
                Where an earlier attempt's outcome is unknown, Pigeon settles it first — it asks Twilio, or sends the e-mail again under the same key so Resend does not
                send it twice. Only an e-mail whose attempt is more than a day old (Resend has forgotten its key) is sent afresh: that recipient may get it twice.
              </p>
            </>
          ) : (
            <p>They will not be sent: each is recorded as skipped, “{SKIP_REASON_LABELS.cancelled_by_staff}”. This cannot be undone. A sending message with nothing else left to send then finishes.</p>
          )}
          {p.held.ofPausedMessages > 0 && (
            <p>
              {p.held.ofPausedMessages.toLocaleString("en-US")} of them belong to paused messages: resuming the message {PAUSED_WHY}.
            </p>
          )}
          <form method="post" action={`/outbox/held/${p.action}`}>
            <Csrf token={p.csrf} />
            {Object.entries(p.filters).map(([k, v]) => (v === undefined || v === "" ? null : <input type="hidden" name={k} value={String(v)} />))}
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

// ---------------------------------------------------------------- one delivery

const eventLabel = (type: string) => type.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

function eventDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return "";
  if (typeof detail !== "object") return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}

/**
 * The message exactly as the dev outbox received it: headers, the HTML sandboxed, the text part;
 * for a call, the script its TwiML reads out (`script`, the delivery's text as sent).
 */
export const SentMessage: FC<{ entry: DevOutboxRow; script?: string | null; tz: string }> = ({ entry: e, script, tz }) => {
  const headers = Object.entries(e.headers ?? {});
  return (
    <article class="sent-message">
      <dl>
        <dt class="muted">From</dt>
        <dd>{e.fromAddress}</dd>
        <dt class="muted">To</dt>
        <dd>{e.toAddress}</dd>
        {e.subject !== null && (
          <>
            <dt class="muted">Subject</dt>
            <dd>
              <strong>{e.subject}</strong>
            </dd>
          </>
        )}
        <dt class="muted">Received by the dev outbox</dt>
        <dd>
          {second(e.createdAt, tz)} · <code>{e.id}</code>
        </dd>
        {headers.map(([name, value]) => (
          <>
            <dt class="muted">{name}</dt>
            <dd>
              <code style="word-break: break-all">{value}</code>
            </dd>
          </>
        ))}
      </dl>
      {e.channel === "email" && (
        <>
          {e.html && (
            <>
              <h3>HTML part</h3>
              <iframe
                sandbox=""
                srcdoc={e.html}
                title={`The e-mail to ${e.toAddress} as it was sent`}
                referrerpolicy="no-referrer"
                style="width: 100%; height: 36rem; border: 1px solid var(--pico-muted-border-color); border-radius: var(--pico-border-radius); background: #fff"
              ></iframe>
            </>
          )}
          <h3>Text part</h3>
          <pre style="white-space: pre-wrap">{e.body}</pre>
        </>
      )}
      {e.channel === "sms" && (
        <>
          <h3>Text message</h3>
          <pre style="white-space: pre-wrap">{e.body}</pre>
          <p class="muted">{e.body.length} characters</p>
        </>
      )}
      {e.channel === "voice" && (
        <>
          <p>Call placed. It says, read out by text-to-speech:</p>
          {script ? <blockquote class="call-script">{script}</blockquote> : <p class="muted">(its script is no longer on record)</p>}
          <p class="muted">Then: “Press 9 to stop these calls.” Twilio fetches these words from {e.body}.</p>
        </>
      )}
    </article>
  );
};

function NotSent({ d, tz }: { d: Delivery; tz: string }) {
  const r = deliveryReason(d, tz);
  if (d.status === "skipped") return <p>Nothing was sent: {r?.text}.</p>;
  if (d.status === "failed") return <p>Nothing was delivered. The provider said: {(d.lastError ?? "no reason given").replace(/\.$/, "")}.</p>;
  if (d.status === "queued" || d.status === "held") return <p>Not sent yet{r ? `: ${r.text}` : "."}</p>;
  if (d.status === "sending") return <p>Being sent right now.</p>;
  return null;
}

/** A held delivery's way out: release or cancel, with what each means for this one. */
const HeldActions: FC<{ d: Delivery; csrf: string; messagePaused: boolean; now: Date; tz: string }> = ({ d, csrf, messagePaused, now, tz }) => (
  <section id="held-actions">
    <h2>Held</h2>
    <p>Pigeon will not send this on its own{d.waitingReason ? ` (${d.waitingReason})` : ""}. Release it to send it now, or cancel it.</p>
    {messagePaused && d.messageId && (
      <p>
        Its message is paused: <a href={`/messages/${d.messageId}`}>resuming the message</a> {PAUSED_WHY}. Releasing here sends just this one.
      </p>
    )}
    {d.attemptStartedAt &&
      (d.channel === "email" && now.getTime() - d.attemptStartedAt.getTime() > REPLAY_WINDOW_MS ? (
        <p>An earlier attempt (started {second(d.attemptStartedAt, tz)}) may have reached the recipient, and Resend no longer remembers it: a release sends it afresh, so it may arrive twice. Check Resend's log for this address first.</p>
      ) : (
        <p>An earlier attempt (started {second(d.attemptStartedAt, tz)}) may have reached the recipient: on release Pigeon settles that with {d.channel === "email" ? "Resend" : "Twilio"} first, so it does not arrive twice.</p>
      ))}
    <form method="post" action={`/outbox/${d.id}/release`} class="inline-form">
      <Csrf token={csrf} />
      <button type="submit">Release: send it now</button>
    </form>{" "}
    <form method="post" action={`/outbox/${d.id}/cancel`} class="inline-form" data-confirm="Cancel this delivery? It will not be sent; it is recorded as skipped, cancelled by staff.">
      <Csrf token={csrf} />
      <button type="submit" class="secondary">
        Cancel: do not send
      </button>
    </form>
  </section>
);

export function DeliveryPage(p: Common & Zoned & { detail: DeliveryDetail; preview: { subject: string; html: string; text: string } | null; messagePaused?: boolean; flash?: Flash; now: Date }) {
  const row = p.detail;
  const d = row.delivery;
  const tz = p.timeZone;
  const r = deliveryReason(d, tz);
  const sentOut = d.provider && d.providerMessageId;
  const field = (label: string, value: unknown) =>
    value === null || value === undefined || value === "" ? null : (
      <>
        <dt class="muted">{label}</dt>
        <dd>{value as string}</dd>
      </>
    );
  return (
    <Page title={`Delivery #${d.id}`} user={p.user} csrf={p.csrf} section="outbox" flash={p.flash}>
      <p>
        <a href="/outbox">← Outbox</a>
      </p>
      <PageHead title={`${CHANNEL_LABELS[d.channel]} #${d.id}`}>
        <DeliveryStatusBadge status={d.status} />
      </PageHead>
      {r && (
        <div class={`flash ${r.kind === "error" ? "bad" : "info"}`} role={r.kind === "error" ? "alert" : "status"}>
          {r.kind === "skip" ? `Skipped: ${r.text}` : r.text}
        </div>
      )}
      <article>
        <div class="grid-2">
          <dl>
            <dt class="muted">Recipient</dt>
            <dd>
              <Recipient row={row} />
            </dd>
            <dt class="muted">Channel</dt>
            <dd>{CHANNEL_LABELS[d.channel]}</dd>
            <dt class="muted">Source</dt>
            <dd>
              <Source row={row} />
            </dd>
            {field("Appointment", d.appointmentId ? `#${d.appointmentId}` : null)}
            {field("Subject", d.subject)}
            {field("Skip reason", d.skipReason ? skipReasonLabel(d.skipReason) : null)}
            {field("Waiting", d.waitingReason)}
            {field("Last error", d.lastError)}
          </dl>
          <dl>
            <dt class="muted">Created</dt>
            <dd>{second(d.createdAt, tz)}</dd>
            {field("Due", d.status === "queued" || d.status === "held" ? second(d.dueAt, tz) : null)}
            {field("Sent", d.sentAt ? second(d.sentAt, tz) : null)}
            {field("Delivered", d.deliveredAt ? second(d.deliveredAt, tz) : null)}
            <dt class="muted">Attempts</dt>
            <dd>{d.attempts}</dd>
            {field("Provider", d.provider)}
            {d.providerMessageId && (
              <>
                <dt class="muted">Provider id</dt>
                <dd>
                  <code>{d.providerMessageId}</code>
                </dd>
              </>
            )}
            {field("Claimed by", d.leaseOwner && d.leaseExpiresAt ? `${d.leaseOwner} until ${second(d.leaseExpiresAt, tz)}` : null)}
            {field("Attempt started", d.attemptStartedAt ? second(d.attemptStartedAt, tz) : null)}
            <dt class="muted">Delivery key</dt>
            <dd>
              <code style="word-break: break-all">{d.deliveryKey}</code>
            </dd>
            <dt class="muted">Last change</dt>
            <dd>{second(d.updatedAt, tz)}</dd>
          </dl>
        </div>
      </article>

      {d.status === "held" && <HeldActions d={d} csrf={p.csrf} messagePaused={!!p.messagePaused} now={p.now} tz={tz} />}

      <section id="timeline">
        <h2>Timeline</h2>
        <ol>
          <li>
            <strong>Created</strong> <span class="muted">{second(d.createdAt, tz)}</span>
            {d.status === "skipped" && d.attempts === 0 && d.skipReason && <span> · skipped: {skipReasonLabel(d.skipReason)}</span>}
          </li>
          {row.events.map((e) => (
            <li>
              <strong>{eventLabel(e.type)}</strong> <span class="muted">{second(e.occurredAt, tz)}</span>
              {eventDetail(e.detail) && <span> · {eventDetail(e.detail)}</span>}
            </li>
          ))}
        </ol>
        {row.events.length === 0 && <p class="muted">No events yet: sending, delivery reports, opens and clicks appear here as they happen.</p>}
      </section>

      <section id="message">
        <h2>Message</h2>
        {row.devCopy ? (
          <>
            <p class="muted">Delivered into the dev outbox: this is exactly what the recipient would have received.</p>
            <SentMessage entry={row.devCopy} script={row.delivery.channel === "voice" ? row.delivery.body : null} tz={tz} />
          </>
        ) : (
          <>
            {sentOut && d.provider === "dev" && <p>The dev outbox no longer has a copy of this message.</p>}
            {sentOut && d.provider !== "dev" && (
              <p>
                Sent through <strong>{d.provider}</strong>, which keeps the message itself (id <code>{d.providerMessageId}</code>).
              </p>
            )}
            {!sentOut && <NotSent d={d} tz={tz} />}
            {d.channel !== "email" && d.body && (
              <>
                <h3>{d.channel === "sms" ? "Text" : "Script"}</h3>
                <pre style="white-space: pre-wrap">{d.body}</pre>
              </>
            )}
            {p.preview && (
              <>
                <h3>Preview</h3>
                <p class="muted">Composed now from its source, as Pigeon would send it: “{p.preview.subject}”</p>
                <iframe
                  sandbox=""
                  srcdoc={p.preview.html}
                  title="Preview of the e-mail"
                  referrerpolicy="no-referrer"
                  style="width: 100%; height: 36rem; border: 1px solid var(--pico-muted-border-color); border-radius: var(--pico-border-radius); background: #fff"
                ></iframe>
              </>
            )}
          </>
        )}
      </section>
    </Page>
  );
}

// ---------------------------------------------------------------- dev outbox

type DevRow = { entry: DevOutboxRow; deliveryId: number | null; script: string | null };

/** A line of what was sent: the subject, the text, or what a call says (not the URL it is read from). */
const preview = (e: DevOutboxRow, script: string | null) => {
  const text = (e.subject ?? (e.channel === "voice" && script ? script : e.body)).replace(/\s+/g, " ").trim();
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
};

export function DevOutboxPage(p: Common & Zoned & { rows: DevRow[]; nextBefore: string | null; channel?: Channel; before?: string; devChannels: Channel[] }) {
  return (
    <Page title="Dev outbox" user={p.user} csrf={p.csrf} section="outbox">
      <p>
        <a href="/outbox">← Outbox</a>
      </p>
      <PageHead title="Dev outbox" />
      <p class="muted">
        {p.devChannels.length
          ? `${p.devChannels.map((c) => CHANNEL_LABELS[c]).join(", ")} ${p.devChannels.length === 1 ? "goes" : "go"} here instead of to a real provider: every message is kept exactly as it would have been sent.`
          : "Resend and Twilio are configured, so nothing new lands here; older dev messages stay readable."}
      </p>
      <form class="filters" method="get" action="/outbox/dev">
        <select name="channel" aria-label="Channel">
          <option value="">Any channel</option>
          {CHANNELS.map((ch) => (
            <option value={ch} selected={p.channel === ch}>
              {CHANNEL_LABELS[ch]}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      {p.rows.length === 0 ? (
        <div class="empty">
          {p.before || p.channel ? (
            <p>
              Nothing more here. <a href="/outbox/dev">Back to the newest</a>
            </p>
          ) : (
            <>
              <p>The dev outbox is empty. With no Resend or Twilio keys configured, every message Pigeon sends lands here, so you can read it before going live.</p>
              <p class="muted">
                The owner can send one now from <a href="/settings/messaging">Settings → Messaging</a>.
              </p>
            </>
          )}
        </div>
      ) : (
        <>
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Channel</th>
                  <th>To</th>
                  <th>Subject or text</th>
                  <th>Delivery</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map(({ entry: e, deliveryId, script }) => (
                  <tr {...rowLink(`/outbox/dev/${e.id}`)}>
                    <td class="nowrap">
                      <a href={`/outbox/dev/${e.id}`}>{second(e.createdAt, p.timeZone)}</a>
                    </td>
                    <td>{CHANNEL_LABELS[e.channel]}</td>
                    <td>{e.toAddress}</td>
                    <td>{preview(e, script)}</td>
                    <td>{deliveryId ? <a href={`/outbox/${deliveryId}`}>#{deliveryId}</a> : <span class="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Pages">
            <a href={withParams("/outbox/dev", { channel: p.channel })} aria-disabled={p.before ? undefined : "true"} rel="first">
              ← Newest
            </a>
            <a href={withParams("/outbox/dev", { channel: p.channel, before: p.nextBefore })} aria-disabled={p.nextBefore ? undefined : "true"} rel="next">
              Older →
            </a>
          </nav>
        </>
      )}
    </Page>
  );
}

export function DevOutboxEntryPage(p: Common & Zoned & DevRow) {
  return (
    <Page title="Dev outbox message" user={p.user} csrf={p.csrf} section="outbox">
      <p>
        <a href="/outbox/dev">← Dev outbox</a>
      </p>
      <PageHead title={`${CHANNEL_LABELS[p.entry.channel]} to ${p.entry.toAddress}`}>
        {p.deliveryId && (
          <a role="button" class="secondary" href={`/outbox/${p.deliveryId}`}>
            Delivery #{p.deliveryId}
          </a>
        )}
      </PageHead>
      <SentMessage entry={p.entry} script={p.script} tz={p.timeZone} />
    </Page>
  );
}

// ---------------------------------------------------------------- customer page

/** A customer's message history (SPEC A5): what went out, what was skipped and why. */
export function CustomerMessages(p: { customerId: number; rows: OutboxRow[]; timeZone: string }) {
  return (
    <section id="messages">
      <h2>Messages</h2>
      {p.rows.length === 0 ? (
        <p class="muted">No messages to this customer yet. Every e-mail, text and call Pigeon sends, skips or fails for them appears here with the reason.</p>
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
            <a href={withParams("/outbox", { customer: p.customerId })}>{p.rows.length >= 50 ? "Older messages in the outbox →" : "These messages in the outbox →"}</a>
          </p>
        </>
      )}
    </section>
  );
}
