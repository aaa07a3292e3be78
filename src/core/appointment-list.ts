// The Appointments list's filters and the words for an appointment's messages (SPEC A1): read
// from the URL by the route, drawn by the view, turned into instants by the query. Pure.
import { z } from "zod";
import type { FieldErrors } from "./validation.ts";
import { startOfZonedDay, utcMs } from "./send-window.ts";
import { APPOINTMENT_STATUSES, type DELIVERY_STATUSES } from "./vocabulary.ts";

export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** What the list is filtered by: days in the studio's zone (inclusive), statuses, one job, a name. */
export type AppointmentFilter = {
  from?: string;
  to?: string;
  statuses?: AppointmentStatus[];
  jobId?: number;
  q?: string;
};

/** The filters as typed (to show them again) and, when every one is valid, as read. */
export type AppointmentListQuery = {
  typed: { from: string; to: string; statuses: string[]; job: string; q: string };
  filter: AppointmentFilter;
  page: number;
  errors: FieldErrors;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const realDay = (v: string) => {
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
};

const dayProblem = (v: string): string | null =>
  !DAY.test(v) ? "must be a date like 2026-09-14" : !realDay(v) ? "is not a real calendar date" : null;

const strings = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => x.split(",")).map((x) => x.trim());

/**
 * Reads the list's query: `from`, `to` (YYYY-MM-DD), `status` (repeated), `job` (an id), `q`,
 * `page`. A bad value is an error beside its field, kept as typed; `filter` holds only good ones.
 */
export function readAppointmentQuery(q: Record<string, string | string[] | undefined>): AppointmentListQuery {
  const one = (k: string) => {
    const v = q[k];
    return (Array.isArray(v) ? (v.at(-1) ?? "") : (v ?? "")).trim();
  };
  const typed = {
    from: one("from").slice(0, 40),
    to: one("to").slice(0, 40),
    statuses: strings(q.status).filter(Boolean).slice(0, 10),
    job: one("job").slice(0, 40),
    q: one("q").slice(0, 100),
  };
  const errors: FieldErrors = {};
  const filter: AppointmentFilter = {};
  for (const k of ["from", "to"] as const) {
    if (!typed[k]) continue;
    const problem = dayProblem(typed[k]);
    if (problem) errors[k] = problem;
    else filter[k] = typed[k];
  }
  if (filter.from && filter.to && filter.to < filter.from) {
    errors.to = "must not be before the first day";
    delete filter.to;
  }
  const bad = typed.statuses.filter((s) => !(APPOINTMENT_STATUSES as readonly string[]).includes(s));
  if (bad.length) errors.status = `must be one of ${APPOINTMENT_STATUSES.join(", ")}`;
  else if (typed.statuses.length) filter.statuses = [...new Set(typed.statuses)] as AppointmentStatus[];
  if (typed.job) {
    const id = /^[1-9]\d{0,15}$/.test(typed.job) ? Number(typed.job) : NaN;
    if (!Number.isSafeInteger(id)) errors.job = "must be a job from the list";
    else filter.jobId = id;
  }
  if (typed.q) filter.q = typed.q;
  const page = z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .catch(1)
    .parse(one("page") || 1);
  return { typed, filter, page, errors };
}

/** The first instant of `day` (YYYY-MM-DD) in `timeZone`, `addDays` later: where a day range starts and ends. */
export function dayStartMs(day: string, timeZone: string, addDays = 0): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const next = new Date(utcMs(y, m, d + addDays));
  return startOfZonedDay(
    { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() },
    timeZone,
  ).getTime();
}

/**
 * How an appointment's deliveries are counted in its Messages column. Scheduled: not gone yet
 * (queued, waiting on its SMS, held, in flight). Sent: handed to the provider and not reported
 * lost. Not sent: skipped, failed, bounced or undelivered — every one has its reason in the
 * outbox. "Not sent" counts recipients of a message, not deliveries: one whose SMS went and whose
 * call was skipped (or the reverse, or any channel of it reached them) is not "not sent".
 */
export const MESSAGE_GROUPS = {
  scheduled: ["queued", "waiting", "held", "sending"],
  sent: ["sent", "delivered"],
  not_sent: ["skipped", "failed", "bounced", "undelivered"],
} as const satisfies Record<string, readonly DeliveryStatus[]>;

/** The skip reason that does not count as "not sent": the SMS reached the customer instead of the call. */
export const REACHED_ANOTHER_WAY = "sms_sent_instead";

export type MessageCounts = { scheduled: number; sent: number; not_sent: number; replied: number };
export const NO_MESSAGES: MessageCounts = { scheduled: 0, sent: 0, not_sent: 0, replied: 0 };
