/** @jsxImportSource hono/jsx */
// Who a one-time message will reach (SPEC O3): the live count on the compose page, per channel
// with each group left out by reason, and the names behind a group, a page at a time, as the
// fragment a count's details load and as a page of their own without JavaScript.
import { CHANNEL_LABELS } from "../src/core/notification-input.ts";
import type { Channel } from "../src/db/schema.ts";
import { Page, PageHead } from "./layout.tsx";
import { byChannel, type Common, nf, plural, reasonLabel } from "./messages.tsx";

export type ChannelCount = { channel: Channel; matched: number; willReceive: number; excluded: { reason: string; n: number }[] };

export type CountData = {
  /** The filters in one sentence. */
  who: string;
  channels: ChannelCount[];
  /** Customers the filters match, shown even before a channel is chosen. */
  matched?: number;
  /** The filters as JSON, for the excluded-names links. */
  filtersJson: string;
  /** Why no count could be made (a filter is invalid). */
  problem?: string;
  /** A message to one typed address. */
  single?: boolean;
};

const excludedUrl = (filtersJson: string, channel: string, reason: string, offset = 0) =>
  `/messages/excluded?${new URLSearchParams({ filters: filtersJson, channel, reason, ...(offset ? { offset: String(offset) } : {}) })}`;

/** The live count: per channel who will receive it, and each group that will not, by reason. */
export function RecipientCount({ count, oob }: { count: CountData; oob?: boolean }) {
  return (
    <div id="recipient-count" aria-live="polite" hx-swap-oob={oob ? "true" : undefined}>
      {count.problem ? (
        <p class="warn">{count.problem}</p>
      ) : (
        <>
          {!count.single && (
            <p class="who">
              <strong>{count.who}</strong>
              {count.matched !== undefined && <span class="muted"> · {plural(count.matched, "customer")} match</span>}
            </p>
          )}
          {count.channels.length === 0 && <p class="muted">Choose a channel to see who will receive it.</p>}
          {count.channels.map((ch) => (
            <div class="channel-count" data-channel={ch.channel}>
              <p class="will-receive">
                <strong>{nf(ch.willReceive)}</strong> will receive it {byChannel(ch.channel)}
              </p>
              {ch.excluded.length > 0 && (
                <ul class="excluded">
                  {ch.excluded.map((x) => {
                    const listId = `excluded-${ch.channel}-${x.reason}`;
                    const url = excludedUrl(count.filtersJson, ch.channel, x.reason);
                    // They get the SMS: not a loss, and not a list of its own.
                    if (x.reason === "sms_sent_instead") {
                      return (
                        <li class="muted">
                          <span class="n">{nf(x.n)}</span> {reasonLabel(x.reason).toLowerCase()}
                        </li>
                      );
                    }
                    return (
                      <li>
                        <details hx-get={url} hx-trigger="toggle once" hx-target={`#${listId}`} hx-swap="innerHTML">
                          <summary>
                            <span class="n">{nf(x.n)}</span> {reasonLabel(x.reason).toLowerCase()}
                          </summary>
                          <ul id={listId} class="names">
                            <li>
                              <a href={url}>Show who</a>
                            </li>
                          </ul>
                        </details>
                      </li>
                    );
                  })}
                </ul>
              )}
            </div>
          ))}
        </>
      )}
    </div>
  );
}

export type ExcludedName = { id: number; firstName: string; lastName: string; address: string | null };

/** One page of names behind an excluded count, with a "more" item that loads the next page. */
export function ExcludedNames(p: { names: ExcludedName[]; more: boolean; filtersJson: string; channel: string; reason: string; offset: number }) {
  const next = excludedUrl(p.filtersJson, p.channel, p.reason, p.offset + p.names.length);
  return (
    <>
      {p.names.map((n) => (
        <li>
          <a href={`/customers/${n.id}`}>{`${n.firstName} ${n.lastName}`.trim() || `Customer #${n.id}`}</a>
          {n.address && <small class="muted"> · {n.address}</small>}
        </li>
      ))}
      {p.names.length === 0 && p.offset === 0 && <li class="muted">Nobody any more.</li>}
      {p.more && (
        <li class="more">
          <a href={next} hx-get={next} hx-target="closest li" hx-swap="outerHTML">
            Show more
          </a>
        </li>
      )}
    </>
  );
}

export function ExcludedPage(p: Common & { reason: string; channel: string; names: ExcludedName[]; more: boolean; filtersJson: string; offset: number }) {
  return (
    <Page title="Not receiving" user={p.user} csrf={p.csrf} section="messages">
      <p>
        <a href="/messages">← Messages</a>
      </p>
      <PageHead title={`${reasonLabel(p.reason)} (${CHANNEL_LABELS[p.channel as Channel] ?? p.channel})`} />
      <ul class="names">
        <ExcludedNames {...p} />
      </ul>
    </Page>
  );
}
