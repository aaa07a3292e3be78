/** @jsxImportSource hono/jsx */
// One message's page (SPEC O5–O7): what it is, the buttons for what can be done now, the live
// progress while it goes out, and the report. The progress numbers and, out of band, the
// actions are the fragments each SSE update replaces.
import { MessageFiles, type MessageFilesProps } from "./message-files.tsx";
import { CHANNEL_LABELS } from "../src/core/labels.ts";
import type { Message } from "../src/db/messages.ts";
import type { Channel } from "../src/core/vocabulary.ts";
import { type Progress, REPORT_COLUMNS, type ReportData } from "../src/core/message-pages.ts";
import type { Flash } from "../src/core/form-state.ts";
import { STATIC_VERSION } from "../src/static-assets.ts";
import { ConfirmedPost, Csrf } from "./form.tsx";
import { Page, PageHead } from "./layout.tsx";
import { SaveAsTemplateButton } from "./save-as-template.tsx";
import { channelList, MessageStatusBadge, nf } from "./messages.tsx";
import type { Common } from "./layout.tsx";
import { SkipReason } from "./skip-reason.tsx";
import { MessagePerformance } from "./performance-section.tsx";

type MessagePerformanceProps = Parameters<typeof MessagePerformance>[0];

const SSE_SCRIPT = `/static/hx-sse.min.js?v=${STATIC_VERSION}`;

/** The numbers inside the live block; each SSE message replaces them. */
export function ProgressBody({ progress: pr, messageId }: { progress: Progress; messageId: number }) {
  const done = pr.sent + pr.failed;
  return (
    <>
      {pr.status === "scheduled" && pr.total === 0 ? (
        <p class="progress-line">
          <strong>Armed{pr.armedFor ? ":" : "."}</strong> {pr.armedFor ? `${pr.armedFor} ` : ""}
          {pr.startsAt ? `It starts ${pr.startsAt}.` : "It starts within seconds."}
        </p>
      ) : (
        <>
          <progress value={String(done)} max={String(Math.max(pr.total, 1))}></progress>
          <p class="progress-line">
            <strong class="sent-of">
              {nf(pr.sent)} / {nf(pr.total)}
            </strong>{" "}
            sent
            {pr.ratePerMinute !== null && <> · {nf(Math.round(pr.ratePerMinute))} per minute</>}
            {pr.status === "paused" ? <> · paused</> : pr.eta && <> · {pr.eta}</>}
          </p>
          <ul class="progress-counts">
            <li>
              <span class="k">Queued</span> <strong>{nf(pr.queued)}</strong>
            </li>
            {pr.waiting > 0 && (
              <li>
                <span class="k">Calls waiting on their SMS</span> <strong>{nf(pr.waiting)}</strong>
              </li>
            )}
            {pr.held > 0 &&
              (pr.status === "paused" ? (
                <li>
                  <span class="k">Held (paused)</span> <strong>{nf(pr.held)}</strong>
                </li>
              ) : (
                // Held for review (after an outage, or an outcome unknown too long): staff decide.
                <li>
                  <span class="k">Held for review</span> <strong>{nf(pr.held)}</strong>{" "}
                  <a href={`/outbox?status=held&message=${messageId}`}>release or cancel them</a>
                </li>
              ))}
            <li>
              <span class="k">Failed</span> <strong>{nf(pr.failed)}</strong>
            </li>
            <li>
              <span class="k">Skipped</span> <strong>{nf(pr.skipped)}</strong>
            </li>
            {(pr.callsNotNeeded ?? 0) > 0 && (
              <li>
                <span class="k">Calls not needed (SMS sent)</span> <strong>{nf(pr.callsNotNeeded!)}</strong>
              </li>
            )}
            {(pr.smsCalledInstead ?? 0) > 0 && (
              <li>
                <span class="k">SMS not possible (called instead)</span> <strong>{nf(pr.smsCalledInstead!)}</strong>
              </li>
            )}
          </ul>
        </>
      )}
      {pr.finished && (
        <p class="finished">
          {pr.status === "cancelled" ? "Cancelled." : "All sent."}{" "}
          <a href={`/messages/${messageId}`}>Show the report</a>
        </p>
      )}
    </>
  );
}

/** The live progress block: numbers now, updates over SSE while the message is not finished. */
export function ProgressBlock({ progress, messageId }: { progress: Progress; messageId: number }) {
  const live = !progress.finished;
  return (
    <section class="progress-block" aria-label="Progress">
      <h2>Progress</h2>
      <div
        id="progress"
        aria-live="polite"
        data-sse-connect={live ? `/messages/${messageId}/events` : undefined}
        hx-sse:close={live ? "done" : undefined}
      >
        <ProgressBody progress={progress} messageId={messageId} />
      </div>
      {live && (
        <p class="muted">
          <small>Updates live; without JavaScript, reload the page for the latest numbers.</small>
        </p>
      )}
    </section>
  );
}

const REPORT_LABELS: Record<string, string> = {
  queued: "Queued",
  // Where each delivery stands now, worded apart from Performance's "Sent" and "Delivered" (which
  // count every send, and a delivery a person's open or click proves), so no two numbers share a name.
  sent: "Sent, no delivery report",
  delivered: "Delivery reported",
  failed: "Failed",
  bounced: "Bounced",
  skipped: "Skipped",
};

/** The report's totals: by status, and by channel when there are several (opens and clicks: Performance). */
function ReportTotals({ report: r }: { report: ReportData }) {
  return (
    <>
      <div class="stats report-totals">
        {REPORT_COLUMNS.map((k) => (
          <article data-total={k}>
            <span class="muted">{REPORT_LABELS[k]}</span>
            <strong>{nf(r.totals[k] ?? 0)}</strong>
            {k === "skipped" && (r.skippedReached ?? 0) > 0 && (
              // An SMS-or-call half not sent because the other half reached them is no failure.
              <small class="muted skipped-reached">
                {(r.skippedReached ?? 0) === (r.totals.skipped ?? 0) ? "all" : nf(r.skippedReached!)} reached another
                way
              </small>
            )}
          </article>
        ))}
      </div>
      {r.byChannel.length > 1 && (
        <div class="table-wrap">
          <table class="report-channels">
            <thead>
              <tr>
                <th>Channel</th>
                {REPORT_COLUMNS.map((k) => (
                  <th class="num">{REPORT_LABELS[k]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {r.byChannel.map((row) => (
                <tr>
                  <td>{CHANNEL_LABELS[row.channel as Channel] ?? row.channel}</td>
                  {REPORT_COLUMNS.map((k) => (
                    <td class="num">{nf(row.counts[k] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/**
 * The report. While the message still goes out (`live`) its totals would only be a snapshot beside
 * the live progress, and disagree with it a moment later: they wait until it has finished.
 */
export function ReportBlock({ report: r, messageId, live }: { report: ReportData; messageId: number; live: boolean }) {
  return (
    <section class="report" id="report">
      <h2>Report</h2>
      {r.perAppointment && (
        <p class="muted per-appointment">One message per appointment: the numbers count appointments, not customers.</p>
      )}
      {live ? (
        <p class="muted report-pending">
          The totals by status and channel appear here once it has finished; until then the progress above has the live
          numbers.
        </p>
      ) : (
        <ReportTotals report={r} />
      )}
      <p class="muted">
        <small>
          <a href={`/outbox?message=${messageId}`}>Every delivery in the outbox</a>
        </small>
      </p>

      {r.smsOrCall.smsInstead + r.smsOrCall.calledInstead > 0 && (
        <p class="sms-or-call">
          SMS or call:{" "}
          {[
            r.smsOrCall.smsInstead && `${nf(r.smsOrCall.smsInstead)} got the SMS, so their call was not needed`,
            r.smsOrCall.calledInstead &&
              `${nf(r.smsOrCall.calledInstead)} could not take the SMS and ${r.smsOrCall.calledInstead === 1 ? "was" : "were"} called instead`,
          ]
            .filter(Boolean)
            .join("; ")}
          .
        </p>
      )}
      <h3>Why not everyone was reached</h3>
      {r.notReachedTotal === 0 ? (
        <p class="muted">{(r.totals.queued ?? 0) > 0 ? "Nobody so far." : "Everyone was reached."}</p>
      ) : (
        <>
          <ul class="reason-summary">
            {Object.entries(r.bySkipReason).map(([reason, n]) => (
              <li>
                <SkipReason reason={reason}>
                  : <strong>{nf(n)}</strong>
                </SkipReason>
              </li>
            ))}
          </ul>
          <div class="table-wrap">
            <table class="striped not-reached">
              <thead>
                <tr>
                  <th>Customer</th>
                  {r.perAppointment && <th>Appointment</th>}
                  <th>Channel</th>
                  <th class="hide-sm">Address</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {r.notReached.map((n) => (
                  <tr>
                    <td>{n.customerId ? <a href={`/customers/${n.customerId}`}>{n.name}</a> : n.name}</td>
                    {r.perAppointment && <td>{n.appointment ?? "—"}</td>}
                    <td>{CHANNEL_LABELS[n.channel as Channel] ?? n.channel}</td>
                    <td class="hide-sm">{n.address ?? "—"}</td>
                    <td>
                      <SkipReason reason={n.reason} />
                      {n.detail && <span class="muted"> ({n.detail})</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {r.notReachedTotal > r.notReached.length && (
            <p class="muted">And {nf(r.notReachedTotal - r.notReached.length)} more in the CSV.</p>
          )}
        </>
      )}
      <p>
        <a role="button" class="secondary outline" href={`/messages/${messageId}/report.csv`} download>
          Download as CSV
        </a>
      </p>
    </section>
  );
}

/** The status and what can be done now; the live stream replaces it as the status moves on. */
export function MessageActions({ message: m, csrf, oob }: { message: Message; csrf: string; oob?: boolean }) {
  const base = `/messages/${m.id}`;
  return (
    <div id="message-actions" class="message-actions" hx-swap-oob={oob ? "true" : undefined}>
      <MessageStatusBadge status={m.status} />
      {(m.status === "draft" || m.status === "scheduled") && (
        <a role="button" class="secondary" href={`${base}/edit`}>
          Edit
        </a>
      )}
      {m.status === "sending" && (
        <form method="post" action={`${base}/pause`} class="inline-form">
          <Csrf token={csrf} />
          <button type="submit" class="secondary">
            Pause
          </button>
        </form>
      )}
      {m.status === "paused" && (
        <form method="post" action={`${base}/resume`} class="inline-form">
          <Csrf token={csrf} />
          <button type="submit">Resume</button>
        </form>
      )}
      {["draft", "scheduled", "sending", "paused"].includes(m.status) && (
        <ConfirmedPost
          action={`${base}/cancel`}
          csrf={csrf}
          confirm="Cancel this message? Nothing more of it goes out, and it cannot be restarted."
          label="Cancel message"
        />
      )}
    </div>
  );
}

export type MessagePageProps = Common & {
  message: Message;
  /** Its attachments and MMS pictures (SPEC T5). */
  files?: MessageFilesProps;
  who: string;
  when: string;
  progress: Progress | null;
  report: ReportData | null;
  /** Its performance section (issue 14); replaced with each live update. */
  performance?: MessagePerformanceProps;
  flash?: Flash;
};

export function MessagePage(p: MessagePageProps) {
  const m = p.message;
  return (
    <Page title={m.name} user={p.user} csrf={p.csrf} section="messages" flash={p.flash}>
      <p>
        <a href={m.jobId ? `/messages?job_id=${m.jobId}` : "/messages"}>← Messages</a>
      </p>
      <PageHead title={m.name}>
        <MessageActions message={m} csrf={p.csrf} />
        <SaveAsTemplateButton messageId={m.id} csrf={p.csrf} />
      </PageHead>
      <article class="message-summary">
        <dl class="grid-2">
          <div>
            <dt class="muted">Channels</dt>
            <dd>
              {channelList(m.channels)}
              {m.callOnlyIfNoSms ? " (calls only where SMS cannot go)" : ""}
            </dd>
            <dt class="muted">Who</dt>
            <dd>{m.toAddress ?? p.who}</dd>
          </div>
          <div>
            <dt class="muted">When</dt>
            <dd>{p.when}</dd>
            {m.subject && (
              <>
                <dt class="muted">Subject</dt>
                <dd>{m.subject}</dd>
              </>
            )}
          </div>
          {p.files && (p.files.attachments.length > 0 || p.files.pictures.length > 0) && (
            <div>
              <MessageFiles {...p.files} />
            </div>
          )}
        </dl>
        <details>
          <summary>The text</summary>
          {/* Each channel's own text, named when there are several. */}
          {m.channels.includes("email") && (
            <>
              {m.channels.length > 1 && <h3 class="text-of">E-mail</h3>}
              {m.preheader && (
                <p>
                  <span class="muted">Preview line:</span> {m.preheader}
                </p>
              )}
              <pre class="message-text">{m.body}</pre>
            </>
          )}
          {m.channels.includes("sms") && (
            <>
              {m.channels.length > 1 && <h3 class="text-of">SMS</h3>}
              <pre class="message-text">{m.smsBody}</pre>
            </>
          )}
          {m.channels.includes("voice") && m.voiceScript && (
            <>
              {m.channels.length > 1 && <h3 class="text-of">Call</h3>}
              <pre class="message-text">{m.voiceScript}</pre>
            </>
          )}
          {m.voiceAudioName && (
            <p>
              The call plays the recording <strong>{m.voiceAudioName}</strong>
              {m.voiceFileId ? "" : " (deleted since: its calls fail rather than call in silence)"}.
            </p>
          )}
        </details>
      </article>
      {/* Once finished, the report below says it all. */}
      {p.progress && !p.progress.finished && <ProgressBlock progress={p.progress} messageId={m.id} />}
      {p.performance && <MessagePerformance {...p.performance} />}
      {p.report && <ReportBlock report={p.report} messageId={m.id} live={!!p.progress && !p.progress.finished} />}
      {p.progress && !p.progress.finished && (
        <>
          {/* static/app.js connects #progress once this extension has loaded. */}
          <script src={SSE_SCRIPT} defer></script>
        </>
      )}
    </Page>
  );
}
