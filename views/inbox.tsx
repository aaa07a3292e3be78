/** @jsxImportSource hono/jsx */
// The inbox (SPEC A4): conversations by customer with unread markers, one conversation's thread
// with the reply box, and the alerts for customers' cancellations and reschedule requests (also on
// the dashboard). The list and the thread update live over SSE (static/app.js connects elements
// with data-sse-connect); without JavaScript a reload shows the same.
import type { FC } from "hono/jsx";
import { staffTime } from "../src/core/date-format.ts";
import { CHANNEL_LABELS, REPLY_HANDLED_LABELS } from "../src/core/labels.ts";
import {
  type ConversationKey,
  conversationHref,
  INLINE_IMAGES,
  newestReplyId,
  type ReplyForm,
} from "../src/core/inbox.ts";
import type { AlertList, Conversation, MediaInfo, ThreadItem } from "../src/db/inbox.ts";
import { DeliveryStatusBadge, deliveryReason, Reason, Stamp } from "./delivery-parts.tsx";
import { Csrf, FieldMessages } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import { withParams } from "./pager.tsx";

const SSE_SCRIPT = "/static/hx-sse.min.js";

const ALERT_WHAT: Record<string, string> = {
  cancelled: "cancelled",
  reschedule_requested: "asked to reschedule",
};
const ALERT_HOW: Record<string, string> = {
  sms: "by SMS reply",
  link: "by the link in a message",
  voice: "on a call",
};

/** Customers' cancellations and reschedule requests until someone presses Seen. */
export const Alerts: FC<{ alerts: AlertList; csrf: string; timeZone: string; back: string }> = (p) =>
  p.alerts.rows.length === 0 ? null : (
    <section class="alerts" aria-label="Alerts" id="alerts">
      {p.alerts.rows.map((a) => (
        <div class="flash bad alert-row" role="alert">
          <span>
            <strong>
              <a href={`/customers/${a.customerId}`}>{a.customerName}</a>
            </strong>{" "}
            {ALERT_WHAT[a.toStatus] ?? a.toStatus} the appointment of {staffTime(a.startsAt, p.timeZone)}{" "}
            {ALERT_HOW[a.source] ?? ""} <span class="muted">· {staffTime(a.at, p.timeZone)}</span> ·{" "}
            <a href={`/customers/${a.customerId}#appointments`}>the appointment</a> ·{" "}
            <a href={withParams("/outbox", { appointment: a.appointmentId })}>its messages</a>
          </span>
          <form method="post" action="/inbox/alerts/seen" class="inline-form">
            <Csrf token={p.csrf} />
            <input type="hidden" name="id" value={String(a.id)} />
            <input type="hidden" name="back" value={p.back} />
            <button type="submit" class="secondary outline">
              Seen
            </button>
          </form>
        </div>
      ))}
      {(p.alerts.total > p.alerts.rows.length || p.alerts.rows.length > 1) && (
        <div class="alert-more">
          {p.alerts.total > p.alerts.rows.length && (
            <p>
              <strong>
                and {(p.alerts.total - p.alerts.rows.length).toLocaleString("en")} more (
                {p.alerts.total.toLocaleString("en")} unseen in all)
              </strong>
              : these are the newest; mark them seen to show the older ones.
            </p>
          )}
          {/* Exactly the alerts shown, by id: never one staff have not seen on this page. */}
          <form method="post" action="/inbox/alerts/seen" class="inline-form">
            <Csrf token={p.csrf} />
            {p.alerts.rows.map((a) => (
              <input type="hidden" name="id" value={String(a.id)} />
            ))}
            <input type="hidden" name="back" value={p.back} />
            <button type="submit" class="secondary outline">
              All {p.alerts.rows.length.toLocaleString("en")} shown seen
            </button>
          </form>
        </div>
      )}
    </section>
  );

const who = (c: Conversation) => c.customerName ?? c.fromAddress;

/** The list of conversations: swapped whole when a reply arrives. */
export const ConversationList = (p: {
  rows: Conversation[];
  more: boolean;
  page: number;
  archived: boolean;
  timeZone: string;
}) => (
  <div id="inbox-list">
    {p.rows.length === 0 ? (
      <div class="empty">
        {p.page > 1 ? (
          <p>
            No more conversations.{" "}
            <a href={withParams("/inbox", { archived: p.archived ? 1 : undefined })}>Back to the first page</a>
          </p>
        ) : p.archived ? (
          <p>
            Nothing archived. Archive a conversation from the inbox once you have dealt with it; it stays in the
            customer's history.
          </p>
        ) : (
          <>
            <p>No replies yet. When a customer answers a text, their reply appears here at once.</p>
            <p class="muted">
              Replies reach Pigeon through Twilio's incoming-message webhook: point your number's "A message comes in"
              at <code>/webhooks/twilio/inbound</code> on your public address.
            </p>
          </>
        )}
      </div>
    ) : (
      <>
        <ul class="conversations">
          {p.rows.map((c) => (
            <li class={c.unread ? "unread" : undefined}>
              <a href={conversationHref(c.key)}>
                <span class="conv-who">
                  {c.unread > 0 && <span class="badge no unread-count">{c.unread} new</span>} <strong>{who(c)}</strong>
                  {c.customerName && <span class="muted"> · {c.fromAddress}</span>}
                  {!c.customerName &&
                    (c.nowCustomer ? (
                      <span class="muted"> · now {c.nowCustomer.name}'s number</span>
                    ) : (
                      <span class="muted"> · unknown number</span>
                    ))}
                </span>
                <span class="conv-time muted">
                  <Stamp at={c.lastAt} tz={p.timeZone} />
                </span>
                <span class="conv-last">
                  {c.lastBody || (c.lastMedia ? "(picture)" : "(empty)")}
                  {c.lastMedia > 0 && c.lastBody && <span class="muted"> · {c.lastMedia} attached</span>}
                  {c.lastHandledAs !== "inbox" && " "}
                  {c.lastHandledAs !== "inbox" && (
                    <span class="badge handled"> {REPLY_HANDLED_LABELS[c.lastHandledAs] ?? c.lastHandledAs}</span>
                  )}
                </span>
              </a>
            </li>
          ))}
        </ul>
        <nav class="pager" aria-label="Pages">
          {p.page > 1 && (
            <a href={withParams("/inbox", { archived: p.archived ? 1 : undefined, page: p.page - 1 })} rel="prev">
              ← Newer
            </a>
          )}
          {p.more && (
            <a href={withParams("/inbox", { archived: p.archived ? 1 : undefined, page: p.page + 1 })} rel="next">
              Older →
            </a>
          )}
        </nav>
      </>
    )}
  </div>
);

export function InboxPage(
  p: Common & {
    rows: Conversation[];
    more: boolean;
    page: number;
    archived: boolean;
    alerts: AlertList;
    timeZone: string;
    /** What the list showed was current at: the live updates start from here. */
    version: string;
    flash?: { kind: "ok" | "bad" | "info"; text: string } | null;
  },
) {
  const live = withParams("/inbox/events", { archived: p.archived ? 1 : undefined, page: p.page, v: p.version });
  return (
    <Page title="Inbox" user={p.user} csrf={p.csrf} section="inbox" flash={p.flash} stylesheets={["inbox.css"]}>
      <PageHead title={p.archived ? "Archived conversations" : "Inbox"}>
        {p.archived ? (
          <a href="/inbox" role="button" class="secondary outline">
            Inbox
          </a>
        ) : (
          <a href="/inbox?archived=1" role="button" class="secondary outline">
            Archived
          </a>
        )}
      </PageHead>
      {!p.archived && <Alerts alerts={p.alerts} csrf={p.csrf} timeZone={p.timeZone} back="/inbox" />}
      <p class="muted">
        Replies to your texts, by customer. Confirmations, cancellations and STOP are handled by Pigeon itself and shown
        marked; the rest wait for you.
      </p>
      <div aria-live="polite" data-sse-connect={live}>
        <ConversationList rows={p.rows} more={p.more} page={p.page} archived={p.archived} timeZone={p.timeZone} />
      </div>
      <p class="muted">
        <small>New replies appear live; without JavaScript, reload the page.</small>
      </p>
      <script src={SSE_SCRIPT} defer></script>
    </Page>
  );
}

const MediaList: FC<{ media: MediaInfo[] }> = ({ media }) => (
  <div class="media">
    {media.map((m) =>
      m.error ? (
        <p class="media-error">
          A {m.contentType} came with this reply but could not be kept: {m.error}
        </p>
      ) : m.contentType.startsWith("image/") && INLINE_IMAGES.has(m.contentType) ? (
        <a href={`/inbox/media/${m.id}`}>
          <img src={`/inbox/media/${m.id}`} alt="Picture sent with the reply" loading="lazy" />
        </a>
      ) : (
        <p>
          <a href={`/inbox/media/${m.id}`} download>
            Download the {m.contentType} ({Math.ceil(m.sizeBytes / 1024).toLocaleString("en")} KB)
          </a>
        </p>
      ),
    )}
  </div>
);

/** One conversation's messages in time order: swapped whole when it changes. */
export const Thread = (p: {
  items: ThreadItem[];
  timeZone: string;
  href: string;
  /**
   * Whether showing it marks it read: on the page staff opened, yes; a live update pushed into a
   * page that may sit in a background tab, no (staff have not seen it; Mark read or a reload does it).
   */
  autoRead: boolean;
}) => (
  <div id="thread">
    {p.items.length === 0 ? (
      <p class="empty">Nothing in this conversation yet.</p>
    ) : (
      <ol class="thread">
        {p.items.map((it) =>
          it.kind === "reply" ? (
            <>
              <li class={`bubble theirs${it.reply.readAt ? "" : " unread"}`} id={`reply-${it.reply.id}`}>
                <div class="bubble-head muted">
                  {CHANNEL_LABELS[it.reply.channel]} from {it.reply.fromAddress} ·{" "}
                  <Stamp at={it.reply.receivedAt} tz={p.timeZone} />
                  {!it.reply.readAt && it.reply.handledAs === "inbox" && <span class="badge no"> new</span>}
                  {it.reply.handledAs !== "inbox" && (
                    <span class="badge handled"> {REPLY_HANDLED_LABELS[it.reply.handledAs] ?? it.reply.handledAs}</span>
                  )}
                  {it.reply.archivedAt && <span class="badge archived"> archived</span>}
                </div>
                {it.reply.body && <p class="bubble-body">{it.reply.body}</p>}
                {it.media.length > 0 && <MediaList media={it.media} />}
              </li>
              {it.reply.answer && (
                <li class="bubble ours auto-answer">
                  <div class="bubble-head muted">
                    Answered by Pigeon automatically · <Stamp at={it.reply.receivedAt} tz={p.timeZone} />
                  </div>
                  <p class="bubble-body">{it.reply.answer}</p>
                </li>
              )}
            </>
          ) : (
            <li class="bubble ours" id={`delivery-${it.delivery.id}`}>
              <div class="bubble-head muted">
                {CHANNEL_LABELS[it.delivery.channel]}
                {it.delivery.toAddress && ` to ${it.delivery.toAddress}`} · <Stamp at={it.at} tz={p.timeZone} /> ·{" "}
                <DeliveryStatusBadge status={it.delivery.status} /> <a href={`/outbox/${it.delivery.id}`}>details</a>
              </div>
              {it.delivery.subject && (
                <p class="bubble-subject">
                  <strong>{it.delivery.subject}</strong>
                </p>
              )}
              {it.text && <p class="bubble-body">{it.text}</p>}
              {deliveryReason(it.delivery, p.timeZone) && (
                <p class="muted">
                  <Reason d={it.delivery} tz={p.timeZone} />
                </p>
              )}
            </li>
          ),
        )}
      </ol>
    )}
    {/* With JavaScript, what is on screen is marked read as it is shown, by a POST (a GET changes nothing). */}
    {p.autoRead && p.items.some((it) => it.kind === "reply" && !it.reply.readAt) && (
      <div
        hx-post={withParams(`${p.href}/read`, { upto: newestReplyId(p.items) })}
        hx-trigger="load"
        hx-swap="none"
      ></div>
    )}
  </div>
);

/**
 * The page's `upto` inputs (Mark read, Archive, the answer form), each by id: a live update of the
 * thread replaces every one out of band (`ShownUpto`), so the buttons act up to the replies on
 * screen, the one that just arrived included. Without JavaScript a reload draws them afresh.
 */
const UPTO_IDS = { read: "upto-read", archive: "upto-archive", reply: "upto-reply" } as const;

const Upto = (p: { id: string; upto: number; oob?: boolean }) => (
  <input type="hidden" id={p.id} name="upto" value={String(p.upto)} hx-swap-oob={p.oob ? "true" : undefined} />
);

/** Every `upto` input of a conversation page, out of band, for a live update of its thread. */
export const ShownUpto = (p: { items: ThreadItem[] }) => (
  <>
    {Object.values(UPTO_IDS).map((id) => (
      <Upto id={id} upto={newestReplyId(p.items)} oob />
    ))}
  </>
);

export function ConversationPage(
  p: Common & {
    conv: ConversationKey;
    name: string | null;
    /** For an unknown number: the customer who has it now, answered as that customer. */
    nowCustomer: { id: number; name: string } | null;
    phone: string | null;
    email: string | null;
    items: ThreadItem[];
    unread: boolean;
    archived: boolean;
    reply: ReplyForm;
    channels: ("sms" | "email")[];
    timeZone: string;
    /** What the thread showed was current at: the live updates start from here. */
    version: string;
    flash?: { kind: "ok" | "bad" | "info"; text: string } | null;
    status?: number;
  },
) {
  const href = conversationHref(p.conv);
  const title = p.name ?? p.phone ?? "Conversation";
  const v = p.reply.values;
  const channel = v.channel || p.channels[0] || "sms";
  // The newest reply shown: the buttons act up to it, never on one that came after.
  const upto = newestReplyId(p.items);
  return (
    <Page title={title} user={p.user} csrf={p.csrf} section="inbox" flash={p.flash} stylesheets={["inbox.css"]}>
      <p>
        <a href="/inbox">← Inbox</a>
      </p>
      <PageHead title={title}>
        {"customerId" in p.conv && (
          <a href={`/customers/${p.conv.customerId}`} role="button" class="secondary outline">
            Customer
          </a>
        )}
        {p.unread && (
          <form method="post" action={`${href}/read`} class="inline-form">
            <Csrf token={p.csrf} />
            <Upto id={UPTO_IDS.read} upto={upto} />
            <button type="submit" class="secondary outline">
              Mark read
            </button>
          </form>
        )}
        {p.archived ? (
          <form method="post" action={`${href}/unarchive`} class="inline-form">
            <Csrf token={p.csrf} />
            <button type="submit" class="secondary outline">
              Back to the inbox
            </button>
          </form>
        ) : (
          <form method="post" action={`${href}/archive`} class="inline-form">
            <Csrf token={p.csrf} />
            <Upto id={UPTO_IDS.archive} upto={upto} />
            <button type="submit" class="secondary">
              Archive
            </button>
          </form>
        )}
      </PageHead>
      <p class="muted">
        {[p.phone, p.email].filter(Boolean).join(" · ")}
        {!p.name && !p.nowCustomer && " · not a customer in Pigeon"}
      </p>
      {p.nowCustomer && (
        <div class="flash info now-customer">
          This number wrote before it was a customer's: it is now the number of{" "}
          <a href={`/customers/${p.nowCustomer.id}`}>{p.nowCustomer.name}</a>. Answers here go to {p.nowCustomer.name}{" "}
          as a customer, with their consent and opt-outs ·{" "}
          <a href={`/inbox/customer/${p.nowCustomer.id}`}>their conversation</a>
        </div>
      )}
      <div aria-live="polite" data-sse-connect={withParams(`${href}/events`, { v: p.version })}>
        <Thread items={p.items} timeZone={p.timeZone} href={href} autoRead={true} />
      </div>
      <article id="reply">
        {/* data-disable-on-submit: static/app.js disables Send once pressed (a plain POST, not htmx's). */}
        <form method="post" action={`${href}/reply`} data-disable-on-submit>
          <Csrf token={p.csrf} />
          <input type="hidden" name="answer_token" value={v.answer_token ?? ""} />
          <Upto id={UPTO_IDS.reply} upto={upto} />
          {Object.entries(p.reply.errors)
            .filter(([k]) => !["channels", "subject", "body"].includes(k))
            .map(([k, problem]) => (
              <div class="flash bad" role="alert">
                {k === "_" ? problem : `${k.replaceAll("_", " ")}: ${problem}`}
              </div>
            ))}
          {p.channels.length > 1 ? (
            <fieldset>
              <legend>Answer by</legend>
              {p.channels.map((ch) => (
                <label>
                  <input type="radio" name="channel" value={ch} checked={channel === ch} /> {CHANNEL_LABELS[ch]}
                </label>
              ))}
              <FieldMessages name="channels" errors={p.reply.errors} />
            </fieldset>
          ) : (
            <input type="hidden" name="channel" value={channel} />
          )}
          {p.channels.includes("email") && (
            <label>
              Subject <small class="muted">(e-mail only)</small>
              <input
                name="subject"
                value={v.subject ?? ""}
                maxlength={300}
                aria-invalid={p.reply.errors.subject ? "true" : undefined}
              />
              <FieldMessages name="subject" errors={p.reply.errors} />
            </label>
          )}
          <label>
            Your answer
            <textarea
              name="body"
              rows={4}
              required
              aria-invalid={p.reply.errors.body ? "true" : undefined}
              data-placeholder-target
            >
              {v.body ?? ""}
            </textarea>
            <FieldMessages
              name="body"
              errors={p.reply.errors}
              hint="Placeholders work as in any message ({{customer.first_name}}). It goes out through the outbox with the same rules: consent, opt-outs and the sending window."
            />
          </label>
          <button type="submit">Send</button>
        </form>
      </article>
      <script src={SSE_SCRIPT} defer></script>
    </Page>
  );
}
