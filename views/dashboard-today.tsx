/** @jsxImportSource hono/jsx */
// The dashboard's "Today" card (issue 14): what goes out today and tomorrow, sends in progress,
// what needs attention, and what messages earned this week. Each line links to where it is
// handled. The body is also what the live update (GET /today/events) sends.
import { staffClock, staffDay } from "../src/core/date-format.ts";
import { formatMoney } from "../src/core/money.ts";
import { formatRate, ordersPhrase, performanceRates } from "../src/core/performance.ts";
import { channelCount, notificationName, type OutgoingLine, progressOf, TODAY_SHOWN } from "../src/core/today.ts";
import type { RecentSend, ScheduledLine, TodayCounts, TodayData } from "../src/db/today.ts";
import { STATIC_VERSION } from "../src/static-assets.ts";

const n = (x: number) => x.toLocaleString("en");
const plural = (x: number, one: string, many: string) => `${n(x)} ${x === 1 ? one : many}`;
const notificationHref = (profileId: number, notificationId: number) =>
  `/profiles/${profileId}#notification-${notificationId}`;

function Outgoing({ lines, scheduled, tz }: { lines: OutgoingLine[]; scheduled: ScheduledLine[]; tz: string }) {
  if (!lines.length && !scheduled.length) return null;
  // A busy day on many jobs lists its first lines; the outbox lists them all.
  const more = lines.length - TODAY_SHOWN;
  return (
    <ul class="today-list">
      {lines.slice(0, TODAY_SHOWN).map((l) => (
        <li>
          <a href={notificationHref(l.profileId, l.notificationId)}>{l.name}</a>
          {l.jobId !== null && (
            <>
              {" · "}
              <a href={`/jobs/${l.jobId}`}>{l.jobName}</a>
            </>
          )}
          {" · "}
          {l.byChannel.map((c, i) => (
            <>
              {i > 0 && ", "}
              <a href={`/outbox?status=queued&channel=${c.channel}${l.jobId !== null ? `&job=${l.jobId}` : ""}`}>
                {channelCount(c.channel, c.n)}
              </a>
            </>
          ))}
          {l.plannedFirings > 0 && (
            <span class="muted">
              {l.byChannel.length ? ", and " : ""}
              {plural(l.plannedFirings, "planned firing", "planned firings")} (recipients chosen when it fires)
            </span>
          )}{" "}
          at {staffClock(l.at, tz)}
        </li>
      ))}
      {more > 0 && (
        <li>
          and {plural(more, "more notification", "more notifications")} on other jobs:{" "}
          <a href="/outbox?status=queued">see the outbox</a>
        </li>
      )}
      {scheduled.map((m) => (
        <li>
          <a href={`/messages/${m.id}`}>{m.name}</a> · one-time message to {m.goesTo}{" "}
          {m.sendAt ? `at ${staffClock(m.sendAt, tz)}` : "now"}
        </li>
      ))}
    </ul>
  );
}

function Sending({ rows }: { rows: TodayCounts["sending"] }) {
  if (!rows.length) return null;
  return (
    <section aria-label="Sending now">
      <h3>Sending now</h3>
      <ul class="today-list today-progress">
        {rows.map((m) => {
          const p = progressOf(m.byStatus);
          return (
            <li>
              {/* One grid cell with the name, so "paused" never takes the bar's column. */}
              <span>
                <a href={`/messages/${m.id}`}>{m.name}</a>
                {m.status === "paused" && <strong class="today-paused"> · paused: resume it on its page</strong>}
              </span>
              <progress value={String(p.done)} max={String(Math.max(p.total, 1))}></progress>
              <span class="today-numbers">
                {n(p.done)} of {n(p.total)} done
                {p.failed > 0 && <> · {n(p.failed)} failed</>}
                {p.held > 0 && <> · {n(p.held)} held</>}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Attention({ c }: { c: TodayCounts }) {
  const failedTotal = c.failed.reduce((a, f) => a + f.n, 0);
  const items = failedTotal + c.heldForReview + c.unread + c.cancellations;
  return (
    <section aria-label="Needs attention">
      <h3>Needs attention</h3>
      {items === 0 ? (
        <p class="muted">Nothing failed in the last 24 hours, nothing is held, and every reply has been read.</p>
      ) : (
        <ul class="today-list">
          {failedTotal > 0 && (
            <li class="today-failed">
              <a href="/outbox?status=failed">{plural(failedTotal, "delivery", "deliveries")} failed</a> in the last 24
              hours (<a href="/help/not-reached">why a message does not reach someone</a>):
              <ul>
                {c.failed.map((f) => (
                  <li>
                    <a href={`/outbox?status=failed&channel=${f.channel}`}>{channelCount(f.channel, f.n)}</a>:{" "}
                    {f.reason}
                  </li>
                ))}
              </ul>
            </li>
          )}
          {c.heldForReview > 0 && (
            <li>
              <a href="/outbox?status=held">
                {plural(c.heldForReview, "delivery is", "deliveries are")} held for review
              </a>
              : release or cancel them.
            </li>
          )}
          {c.unread > 0 && (
            <li>
              <a href="/inbox">{plural(c.unread, "unread reply", "unread replies")}</a> in the inbox.
            </li>
          )}
          {c.cancellations > 0 && (
            <li>
              <a href="/appointments">
                {plural(c.cancellations, "appointment cancelled", "appointments cancelled")} today
              </a>
              .
            </li>
          )}
        </ul>
      )}
    </section>
  );
}

function recentName(r: RecentSend, names: Map<number, string>) {
  if (r.kind === "message") return <a href={`/messages/${r.id}`}>{r.name}</a>;
  return (
    <>
      <a href={notificationHref(r.profileId, r.id)}>{names.get(r.id) ?? notificationName(r)}</a>
      {r.jobId !== null && (
        <>
          {" · "}
          <a href={`/jobs/${r.jobId}`}>{r.jobName}</a>
        </>
      )}
    </>
  );
}

function Week({ d }: { d: TodayData }) {
  const r = d.counts.revenue;
  const money = (minor: number) => formatMoney(minor, d.currency, d.locale);
  return (
    <section aria-label="This week">
      <h3>This week</h3>
      <p class="today-revenue">
        <strong>{money(r.revenueMinor)}</strong> from {plural(r.orders, "order", "orders")} that followed a message
        since Monday {staffDay(d.spans.week.from, d.timeZone)}
        {r.otherCurrencyOrders > 0 && (
          <> ({plural(r.otherCurrencyOrders, "order", "orders")} in other currencies not added)</>
        )}
        .
      </p>
      {d.counts.recent.length === 0 ? (
        <p class="muted">Nothing has been sent this week yet: its rates appear here once something goes out.</p>
      ) : (
        <div class="overflow-auto">
          <table class="today-recent">
            <thead>
              <tr>
                <th scope="col">Sent this week</th>
                <th scope="col">Sent</th>
                {/* On a phone the rates of delivered, opened and clicked give way, so revenue stays in view. */}
                <th scope="col" class="hide-sm">
                  Delivered
                </th>
                <th scope="col" class="hide-sm" title="An estimate: privacy proxies and blocked images hide some opens">
                  Opened (est.)
                </th>
                <th scope="col" class="hide-sm">
                  Clicked
                </th>
                <th scope="col">Bought</th>
                <th scope="col">Revenue</th>
              </tr>
            </thead>
            <tbody>
              {d.counts.recent.map((s) => {
                const rate = performanceRates(s.counts);
                return (
                  <tr>
                    <td>{recentName(s, d.notificationNames)}</td>
                    <td>{s.counts.sent.toLocaleString(d.locale)}</td>
                    <td class="hide-sm">{formatRate(rate.delivered, d.locale)}</td>
                    <td class="hide-sm">{formatRate(rate.opened, d.locale)}</td>
                    <td class="hide-sm">{formatRate(rate.clicked, d.locale)}</td>
                    {/* Buyers of delivered (never above 100 %), then how many orders they placed. */}
                    <td data-bought>
                      {formatRate(rate.ordered, d.locale)}
                      {s.counts.ordered > 0 && (
                        <small class="muted">
                          {" "}
                          ({n(s.counts.ordered)}) · {ordersPhrase(s.counts.orders, d.locale)}
                        </small>
                      )}
                    </td>
                    <td>{money(s.counts.revenueMinor)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The card's contents: what the live update replaces. */
export function TodayBody({ d }: { d: TodayData }) {
  const tz = d.timeZone;
  return (
    <>
      <section aria-label="Goes out today">
        <h3>Goes out today · {staffDay(d.spans.today.from, tz)}</h3>
        {d.today.length || d.scheduled.some((m) => !m.sendAt || m.sendAt < d.spans.tomorrow.from) ? (
          <Outgoing
            lines={d.today}
            scheduled={d.scheduled.filter((m) => !m.sendAt || m.sendAt < d.spans.tomorrow.from)}
            tz={tz}
          />
        ) : (
          <p class="muted">
            Nothing goes out today. Automated notifications run from your <a href="/profiles">profiles</a>; schedule a
            message from <a href="/messages">Messages</a>.
          </p>
        )}
      </section>
      <section aria-label="Goes out tomorrow">
        <h3>Tomorrow · {staffDay(d.spans.tomorrow.from, tz)}</h3>
        {d.tomorrow.length || d.scheduled.some((m) => m.sendAt && m.sendAt >= d.spans.tomorrow.from) ? (
          <Outgoing
            lines={d.tomorrow}
            scheduled={d.scheduled.filter((m) => m.sendAt && m.sendAt >= d.spans.tomorrow.from)}
            tz={tz}
          />
        ) : (
          <p class="muted">Nothing is planned for tomorrow yet.</p>
        )}
      </section>
      <Sending rows={d.counts.sending} />
      <Attention c={d.counts} />
      <Week d={d} />
    </>
  );
}

/** The card, live over SSE with JavaScript; complete without it. */
export function TodayCard({ d, version }: { d: TodayData; version: string }) {
  return (
    <article class="today" aria-label="Today">
      <h2>Today</h2>
      <div id="today" aria-live="polite" data-sse-connect={`/today/events?v=${version}`}>
        <TodayBody d={d} />
      </div>
      <script src={`/static/hx-sse.min.js?v=${STATIC_VERSION}`} defer></script>
      <p class="muted">
        <small>
          Times in {d.timeZone}. Updates live; without JavaScript, reload for the latest. Notifications whose moment
          comes from an event (a registration, an order) are planned only when it happens.
        </small>
      </p>
    </article>
  );
}
