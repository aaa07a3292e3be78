// What a page says after a status change by hand (SPEC A1), read from the URL it was redirected
// to (post/redirect/get: a reload never posts the change again): "Ann Lee's appointment on … is
// marked confirmed.", or that the change was refused because someone changed it meanwhile.
import { staffTime } from "../core/date-format.ts";
import { APPOINTMENT_STATUS_LABELS } from "../core/labels.ts";
import { APPOINTMENT_STATUSES } from "../core/vocabulary.ts";
import { getAppointmentRow } from "../db/appointments.ts";
import type { Db } from "../db/client.ts";

export type Notice = { kind: "ok" | "bad"; text: string } | null;

/** The query parameters a notice travels in; the pages drop them from the links they draw. */
export const NOTICE_PARAMS = ["done", "appointment", "refused"] as const;

/** `?done=confirmed&appointment=5` after a change, `?refused=5` after one lost to a race. */
export function noticeQuery(outcome: { done: string } | { refused: true }, id: number): Record<string, string> {
  return "done" in outcome ? { done: outcome.done, appointment: String(id) } : { refused: String(id) };
}

const idOf = (v: string | undefined) => (v && /^[1-9]\d{0,15}$/.test(v) ? Number(v) : null);

/** The notice for a page's query, in the studio's zone; null when there is none (or it names nothing). */
export async function readNotice(db: Db, q: (k: string) => string | undefined, timeZone: string): Promise<Notice> {
  const done = q("done");
  const status = APPOINTMENT_STATUSES.find((s) => s === done);
  const refusedId = idOf(q("refused"));
  const id = refusedId ?? idOf(q("appointment"));
  const row = id ? await getAppointmentRow(db, id) : undefined;
  const whose = row
    ? `${`${row.customer.firstName} ${row.customer.lastName}`.trim() || `Customer #${row.customer.id}`}'s appointment on ${staffTime(row.appointment.startsAt, timeZone, { weekday: true })}`
    : null;
  if (refusedId && row)
    return {
      kind: "bad",
      text: `Not changed: someone changed ${whose} meanwhile — it is ${APPOINTMENT_STATUS_LABELS[row.appointment.status].toLowerCase()} now. Check its history, then choose again.`,
    };
  if (!status) return null;
  const label = APPOINTMENT_STATUS_LABELS[status].toLowerCase();
  return { kind: "ok", text: whose ? `${whose} is marked ${label}.` : `Marked ${label}.` };
}
