/** @jsxImportSource hono/jsx */
// The job page's "Automated notifications" section (SPEC P7): for each notification of the
// assigned profile, when it goes or went, to how many, who was skipped and why, and which
// firings failed: whether Pigeon tries again or has given up.
import { skipReasonLabel } from "../src/core/labels.ts";
import { staffTime } from "../src/core/date-format.ts";
import { describeNotification, TRIGGER_INFO } from "../src/core/triggers.ts";
import type { PlannedNotification } from "../src/db/job-automation.ts";
import { SkipReason, SkipReasonWhy } from "./skip-reason.tsx";

type Run = PlannedNotification["runs"][number];

const when = (d: Date, tz: string) => staffTime(d, tz, { weekday: true });

const JOB_DATE_WORDS = {
  archiveDate: "archive date",
  shootDate: "picture day",
  couponDeadline: "coupon deadline",
  shippingDeadline: "shipping deadline",
} as const;

/** A failed firing in words: what went wrong, and whether Pigeon tries again or has given up. */
function Failure({ run, tz }: { run: Run; tz: string }) {
  if (run.status === "failed") {
    return (
      <span class="badge no">
        Not sent: Pigeon gave up{run.firedAt ? ` on ${when(run.firedAt, tz)}` : ""} after {run.attempts} failed attempt
        {run.attempts === 1 ? "" : "s"} · {run.lastError ?? run.reason}
      </span>
    );
  }
  return (
    <span class="badge no">
      Not sent yet: {run.attempts === 1 ? "the first attempt" : `${run.attempts} attempts`} failed · {run.lastError}
      {run.nextTryAt ? ` · Pigeon tries again ${when(run.nextTryAt, tz)}` : ""}
    </span>
  );
}

function Status({ p, now, tz }: { p: PlannedNotification; now: Date; tz: string }) {
  const info = TRIGGER_INFO[p.n.trigger];
  if (!p.n.active) return <span class="badge">Switched off</span>;
  if (info.perCustomer) {
    const of = (status: Run["status"], retrying?: boolean) =>
      p.runCounts
        .filter((r) => r.status === status && (retrying === undefined || r.retrying === retrying))
        .reduce((a, r) => a + r.n, 0);
    const sent = of("sent");
    const planned = of("planned", false);
    const failing = of("planned", true) + of("failed");
    return (
      <div>
        <span>
          Per customer, when it happens · fired {sent} time{sent === 1 ? "" : "s"} so far
          {planned ? ` · ${planned} planned` : ""}
        </span>
        {failing > 0 && (
          <ul>
            {p.problems.slice(0, 20).map((x) => (
              <li>
                {x.firstName !== null ? `${x.firstName} ${x.lastName}`.trim() : "Appointment"}:{" "}
                <Failure run={x.run} tz={tz} />
              </li>
            ))}
            {failing > 20 && <li class="muted">and {failing - 20} more</li>}
          </ul>
        )}
      </div>
    );
  }
  const run = p.runs[0];
  if (run && (run.status === "failed" || (run.status === "planned" && run.attempts > 0)))
    return <Failure run={run} tz={tz} />;
  if (run?.status === "planned") return <span>Goes {when(run.dueAt, tz)}</span>;
  if (run?.status === "missed") return <span class="badge no">Missed · {run.reason}</span>;
  if (run)
    return (
      <span>
        Went {when(run.firedAt ?? run.createdAt, tz)}
        {run.status === "skipped" ? ` · ${run.reason}` : ""}
      </span>
    );
  if (!p.moment)
    return (
      <span class="muted">
        Not planned: the job has no {info.jobDate ? JOB_DATE_WORDS[info.jobDate] : "event for it yet"}
      </span>
    );
  return p.moment > now ? (
    <span>Goes {when(p.moment, tz)}</span>
  ) : (
    <span class="muted">Its moment ({when(p.moment, tz)}) passed before it was planned</span>
  );
}

export function AutomatedNotifications(p: {
  jobId: number;
  profileName: string | null;
  items: PlannedNotification[];
  now: Date;
  timeZone: string;
}) {
  return (
    <section id="automation">
      <h2>Automated notifications</h2>
      {!p.profileName ? (
        <p class="muted">
          No communication profile is assigned. <a href={`/jobs/${p.jobId}/edit`}>Choose one</a> to send automated
          notifications for this job.
        </p>
      ) : p.items.length === 0 ? (
        <p class="muted">The profile “{p.profileName}” has no notifications yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th>Notification</th>
                <th>When</th>
                <th class="num">Sent or queued</th>
                <th>Not reached</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((item) => {
                const sent = item.counts.filter((c) => c.status !== "skipped").reduce((a, c) => a + c.n, 0);
                const skipped = item.counts.filter((c) => c.status === "skipped");
                return (
                  <tr>
                    <td>{describeNotification(item.n)}</td>
                    <td>
                      <Status p={item} now={p.now} tz={p.timeZone} />
                    </td>
                    <td class="num">{sent}</td>
                    <td>
                      {skipped.length === 0 ? (
                        "—"
                      ) : (
                        <details>
                          <summary>
                            {skipped.map((c, i) => (
                              <>
                                {i > 0 && ", "}
                                {`${c.n} ${skipReasonLabel(c.skipReason ?? "").toLowerCase()}`}{" "}
                                <SkipReasonWhy reason={c.skipReason ?? ""} />
                              </>
                            ))}
                          </summary>
                          <ul>
                            {item.skipped.map((s) => (
                              <li>
                                <a href={`/customers/${s.customerId}`}>
                                  {s.firstName} {s.lastName}
                                </a>{" "}
                                <span class="muted">
                                  — <SkipReason reason={s.reason ?? ""} />
                                </span>
                              </li>
                            ))}
                          </ul>
                        </details>
                      )}
                    </td>
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
