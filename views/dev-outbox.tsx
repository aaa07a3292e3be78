/** @jsxImportSource hono/jsx */
// The dev outbox (SPEC D1): every message the dev providers kept, exactly as it would have been
// sent; one of them in full is in dev-outbox-message.tsx.
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import type { DevOutboxRow } from "../src/db/outbox-list.ts";
import { CHANNELS, type Channel } from "../src/core/vocabulary.ts";
import { rowLink, second, type Zoned } from "./delivery-parts.tsx";
import type { Common } from "./layout.tsx";
import { Page, PageHead } from "./layout.tsx";
import { withParams } from "./pager.tsx";
import type { DevRow } from "./dev-outbox-message.tsx";
import { devFilesNote } from "./dev-outbox-files.tsx";

/** A line of what was sent: the subject, the text, or what a call says (not the URL it is read from). */
const preview = (e: DevOutboxRow, script: string | null) => {
  const text = (e.subject ?? (e.channel === "voice" && script ? script : e.body)).replace(/\s+/g, " ").trim();
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
};

export function DevOutboxPage(
  p: Common &
    Zoned & { rows: DevRow[]; nextBefore: string | null; channel?: Channel; before?: string; devChannels: Channel[] },
) {
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
              <p>
                The dev outbox is empty. With no Resend or Twilio keys configured, every message Pigeon sends lands
                here, so you can read it before going live.
              </p>
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
                {p.rows.map(({ entry: e, deliveryId, script, call }) => (
                  <tr {...rowLink(`/outbox/dev/${e.id}`)}>
                    <td class="nowrap">
                      <a href={`/outbox/dev/${e.id}`}>{second(e.createdAt, p.timeZone)}</a>
                    </td>
                    <td>{CHANNEL_LABELS[e.channel]}</td>
                    <td>{e.toAddress}</td>
                    <td>
                      {preview(e, script)}
                      {devFilesNote(e.files)}
                      {call?.audioStoredName && (
                        <audio controls preload="none" src={`/media/${call.audioStoredName}`} class="row-audio"></audio>
                      )}
                    </td>
                    <td>
                      {deliveryId ? <a href={`/outbox/${deliveryId}`}>#{deliveryId}</a> : <span class="muted">—</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Pages">
            <a
              href={withParams("/outbox/dev", { channel: p.channel })}
              aria-disabled={p.before ? undefined : "true"}
              rel="first"
            >
              ← Newest
            </a>
            <a
              href={withParams("/outbox/dev", { channel: p.channel, before: p.nextBefore })}
              aria-disabled={p.nextBefore ? undefined : "true"}
              rel="next"
            >
              Older →
            </a>
          </nav>
        </>
      )}
    </Page>
  );
}
