/** @jsxImportSource hono/jsx */
// Who a one-time message will reach (SPEC O3): the live count on the compose page, per channel
// with each group left out by reason, and the names behind a group, a page at a time, as the
// fragment a count's details load and as a page of their own without JavaScript.
import { CHANNEL_IN_SENTENCE, CHANNEL_LABELS, skipReasonInSentence, skipReasonLabel } from "../src/core/labels.ts";
import type { Channel } from "../src/core/vocabulary.ts";
import type { CountData } from "../src/core/message-pages.ts";
import { Page, PageHead } from "./layout.tsx";
import { missingKey } from "../src/core/recipients.ts";
import { nf, plural } from "./messages.tsx";
import type { Common } from "./layout.tsx";
import { SkipReason, SkipReasonWhy } from "./skip-reason.tsx";

export type ExcludedQuery = {
  filtersJson: string;
  channel: string;
  reason: string;
  required?: string;
  jobId?: number | null;
};

const excludedUrl = (q: ExcludedQuery, offset = 0) =>
  `/messages/excluded?${new URLSearchParams({
    filters: q.filtersJson,
    channel: q.channel,
    reason: q.reason,
    ...(q.required ? { required: q.required } : {}),
    ...(q.jobId ? { job_id: String(q.jobId) } : {}),
    ...(offset ? { offset: String(offset) } : {}),
  })}`;

/** "3 appointments of 2 customers", or "5 customers". */
export const countWords = (n: number, customers: number | undefined) =>
  customers === undefined ? plural(n, "customer") : `${plural(n, "appointment")} of ${plural(customers, "customer")}`;

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
              {count.matched !== undefined && (
                <span class="muted"> · {countWords(count.matched, count.customers)} match</span>
              )}
            </p>
          )}
          {count.channels.length === 0 && <p class="muted">Choose a channel to see who will receive it.</p>}
          {count.channels.map((ch) => (
            <div class="channel-count" data-channel={ch.channel}>
              <p class="will-receive">
                <strong>{nf(ch.willReceive)}</strong> will receive it {CHANNEL_IN_SENTENCE[ch.channel]}
                {ch.customers !== undefined && <span class="muted"> (one message per appointment)</span>}
              </p>
              {ch.unchecked ? (
                <p class="muted unchecked">
                  {nf(ch.unchecked)} of these numbers {ch.unchecked === 1 ? "has" : "have"} not been checked yet: Pigeon
                  checks each before sending, and a landline gets the call instead of the SMS.
                </p>
              ) : null}
              {ch.calledInstead ? (
                <p class="called-instead">
                  <strong>{nf(ch.calledInstead)}</strong> cannot take SMS and will be called instead
                </p>
              ) : null}
              {ch.ifSmsCannot ? (
                <p class="if-sms-cannot">
                  <strong>{nf(ch.ifSmsCannot)}</strong> more will be called if their number turns out not to take SMS
                </p>
              ) : null}
              {ch.excluded.length > 0 && (
                <ul class="excluded">
                  {ch.excluded.map((x) => {
                    // A reason may hold a placeholder name (missing:customer.first_name): not every character may stand in an id.
                    const listId = `excluded-${ch.channel}-${x.reason.replace(/[^A-Za-z0-9_-]/g, "-")}`;
                    const url = excludedUrl({
                      filtersJson: count.filtersJson,
                      channel: ch.channel,
                      reason: x.reason,
                      required: count.required?.[ch.channel]?.join(","),
                      jobId: count.jobId,
                    });
                    // They get the SMS: not a loss, and not a list of its own.
                    if (x.reason === "sms_sent_instead") {
                      return (
                        <li class="muted">
                          <span class="n">{nf(x.n)}</span> <SkipReason reason={x.reason} inSentence />
                        </li>
                      );
                    }
                    return (
                      <li>
                        <details hx-get={url} hx-trigger="toggle once" hx-target={`#${listId}`} hx-swap="innerHTML">
                          <summary>
                            <span class="n">{nf(x.n)}</span> {skipReasonInSentence(x.reason)}
                            {missingKey(x.reason) !== null && (
                              <small class="muted">
                                {" "}
                                {missingKey(x.reason)!.startsWith("snippet.")
                                  ? // A fallback would not help: saving refuses an unknown snippet.
                                    `· there is no snippet “${missingKey(x.reason)!.slice("snippet.".length)}”: add it under Settings → Snippets, or fix the name`
                                  : `· a fallback, like {{${missingKey(x.reason)} | "…"}}, would include them`}
                              </small>
                            )}{" "}
                            <SkipReasonWhy reason={x.reason} />
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

/** A customer left out; for a message to appointments, with the appointment (its start, in words). */
export type ExcludedName = {
  id: number;
  firstName: string;
  lastName: string;
  address: string | null;
  appointment?: string;
};

/** One page of names behind an excluded count, with a "more" item that loads the next page. */
export function ExcludedNames(p: ExcludedQuery & { names: ExcludedName[]; more: boolean; offset: number }) {
  const next = excludedUrl(p, p.offset + p.names.length);
  return (
    <>
      {p.names.map((n) => (
        <li>
          <a href={`/customers/${n.id}`}>{`${n.firstName} ${n.lastName}`.trim() || `Customer #${n.id}`}</a>
          {n.appointment && <small> · appointment {n.appointment}</small>}
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

export function ExcludedPage(p: Common & ExcludedQuery & { names: ExcludedName[]; more: boolean; offset: number }) {
  return (
    <Page title="Not receiving" user={p.user} csrf={p.csrf} section="messages">
      <p>
        <a href="/messages">← Messages</a>
      </p>
      <PageHead title={`${skipReasonLabel(p.reason)} (${CHANNEL_LABELS[p.channel as Channel] ?? p.channel})`} />
      <ul class="names">
        <ExcludedNames {...p} />
      </ul>
    </Page>
  );
}
