/** @jsxImportSource hono/jsx */
// One delivery (SPEC A4, D7): its fields, the way out of a hold, its timeline, and the message
// as sent (the dev outbox's copy) or as Pigeon would compose it now.
import type { FC } from "hono/jsx";
import { REPLAY_WINDOW_MS } from "../src/core/retry-policy.ts";
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import type { Delivery } from "../src/db/outbox.ts";
import type { DeliveryDetail } from "../src/db/outbox-list.ts";
import {
  DeliveryStatusBadge,
  deliveryReason,
  type Flash,
  PAUSED_WHY,
  Recipient,
  second,
  Source,
  type Zoned,
} from "./delivery-parts.tsx";
import { SentMessage } from "./dev-outbox-message.tsx";
import { ConfirmedPost, Csrf } from "./form.tsx";
import { type Common, Page, PageHead } from "./layout.tsx";
import { SkipReason } from "./skip-reason.tsx";

const eventLabel = (type: string) => type.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

function eventDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return "";
  if (typeof detail !== "object") return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}

function NotSent({ d, tz }: { d: Delivery; tz: string }) {
  const r = deliveryReason(d, tz);
  if (d.status === "skipped") return <p>Nothing was sent: {r?.text}.</p>;
  if (d.status === "failed")
    return <p>Nothing was delivered. The provider said: {(d.lastError ?? "no reason given").replace(/\.$/, "")}.</p>;
  if (d.status === "queued" || d.status === "held") return <p>Not sent yet{r ? `: ${r.text}` : "."}</p>;
  if (d.status === "sending") return <p>Being sent right now.</p>;
  return null;
}

/** A held delivery's way out: release or cancel, with what each means for this one. */
const HeldActions: FC<{ d: Delivery; csrf: string; messagePaused: boolean; now: Date; tz: string }> = ({
  d,
  csrf,
  messagePaused,
  now,
  tz,
}) => (
  <section id="held-actions">
    <h2>Held</h2>
    <p>
      Pigeon will not send this on its own{d.waitingReason ? ` (${d.waitingReason})` : ""}. Release it to send it now,
      or cancel it.
    </p>
    {messagePaused && d.messageId && (
      <p>
        Its message is paused: <a href={`/messages/${d.messageId}`}>resuming the message</a> {PAUSED_WHY}. Releasing
        here sends just this one.
      </p>
    )}
    {d.attemptStartedAt &&
      (d.channel === "email" && now.getTime() - d.attemptStartedAt.getTime() > REPLAY_WINDOW_MS ? (
        <p>
          An earlier attempt (started {second(d.attemptStartedAt, tz)}) may have reached the recipient, and Resend no
          longer remembers it: a release sends it afresh, so it may arrive twice. Check Resend's log for this address
          first.
        </p>
      ) : (
        <p>
          An earlier attempt (started {second(d.attemptStartedAt, tz)}) may have reached the recipient: on release
          Pigeon settles that with {d.channel === "email" ? "Resend" : "Twilio"} first, so it does not arrive twice.
        </p>
      ))}
    <form method="post" action={`/outbox/${d.id}/release`} class="inline-form">
      <Csrf token={csrf} />
      <button type="submit">Release: send it now</button>
    </form>{" "}
    <ConfirmedPost
      action={`/outbox/${d.id}/cancel`}
      csrf={csrf}
      confirm="Cancel this delivery? It will not be sent; it is recorded as skipped, cancelled by staff."
      label="Cancel: do not send"
      button="secondary"
    />
  </section>
);

export function DeliveryPage(
  p: Common &
    Zoned & {
      detail: DeliveryDetail;
      preview: { subject: string; html: string; text: string } | null;
      messagePaused?: boolean;
      flash?: Flash;
      now: Date;
      /** The studio's country: its numbers read in national format. */
      country?: string;
    },
) {
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
              <Recipient row={row} country={p.country} />
            </dd>
            <dt class="muted">Channel</dt>
            <dd>{CHANNEL_LABELS[d.channel]}</dd>
            <dt class="muted">Source</dt>
            <dd>
              <Source row={row} />
            </dd>
            {field("Appointment", d.appointmentId ? `#${d.appointmentId}` : null)}
            {field("Subject", d.subject)}
            {field("Skip reason", d.skipReason ? <SkipReason reason={d.skipReason} /> : null)}
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
            {field(
              "Claimed by",
              d.leaseOwner && d.leaseExpiresAt ? `${d.leaseOwner} until ${second(d.leaseExpiresAt, tz)}` : null,
            )}
            {field("Attempt started", d.attemptStartedAt ? second(d.attemptStartedAt, tz) : null)}
            <dt class="muted">Delivery key</dt>
            <dd>
              <code class="break-all">{d.deliveryKey}</code>
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
            {d.status === "skipped" && d.attempts === 0 && d.skipReason && (
              <span>
                {" "}
                · skipped: <SkipReason reason={d.skipReason} />
              </span>
            )}
          </li>
          {row.events.map((e) => (
            <li>
              <strong>{eventLabel(e.type)}</strong> <span class="muted">{second(e.occurredAt, tz)}</span>
              {eventDetail(e.detail) && <span> · {eventDetail(e.detail)}</span>}
            </li>
          ))}
        </ol>
        {row.events.length === 0 && (
          <p class="muted">No events yet: sending, delivery reports, opens and clicks appear here as they happen.</p>
        )}
      </section>

      <section id="message">
        <h2>Message</h2>
        {row.devCopy ? (
          <>
            <p class="muted">Delivered into the dev outbox: this is exactly what the recipient would have received.</p>
            <SentMessage
              entry={row.devCopy}
              script={row.delivery.channel === "voice" ? row.delivery.body : null}
              tz={tz}
            />
          </>
        ) : (
          <>
            {sentOut && d.provider === "dev" && <p>The dev outbox no longer has a copy of this message.</p>}
            {sentOut && d.provider !== "dev" && (
              <p>
                Sent through <strong>{d.provider}</strong>, which keeps the message itself (id{" "}
                <code>{d.providerMessageId}</code>).
              </p>
            )}
            {!sentOut && <NotSent d={d} tz={tz} />}
            {d.channel !== "email" && d.body && (
              <>
                <h3>{d.channel === "sms" ? "Text" : "Script"}</h3>
                <pre class="message-text">{d.body}</pre>
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
                  class="sent-frame"
                ></iframe>
              </>
            )}
          </>
        )}
      </section>
    </Page>
  );
}
