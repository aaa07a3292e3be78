// What a customer's confirm, cancel or reschedule link may do to an appointment (SPEC A3, L4).
// Pure: the page and the POST both ask it, so what the page offers is what the button does.
import type { APPOINTMENT_STATUSES } from "./vocabulary.ts";

type Status = (typeof APPOINTMENT_STATUSES)[number];

/** The `do` of an appointment link (`/a/<token>?do=confirm`), as src/dispatch/recipient-values.ts writes it. */
export const APPOINTMENT_ACTIONS = ["confirm", "cancel", "reschedule"] as const;
export type AppointmentAction = (typeof APPOINTMENT_ACTIONS)[number];

/**
 * Each action moves the appointment from one of `from` to `to`. A customer who asked for a new
 * time may still confirm the one booked (changed their mind) or cancel it; a cancelled
 * appointment is only booked again by the studio, which agrees a time.
 */
export const APPOINTMENT_MOVES: Record<AppointmentAction, { from: Status[]; to: Status }> = {
  confirm: { from: ["scheduled", "reschedule_requested"], to: "confirmed" },
  cancel: { from: ["scheduled", "confirmed", "reschedule_requested"], to: "cancelled" },
  reschedule: { from: ["scheduled", "confirmed"], to: "reschedule_requested" },
};

export type AppointmentLinkState =
  /** The button for the action. */
  | { kind: "ask"; action: AppointmentAction }
  /** The appointment is where the action would take it (a second click, a second device). */
  | { kind: "already"; action: AppointmentAction }
  /** It was cancelled, so the action cannot be done here: call the studio. */
  | { kind: "cancelled"; action: AppointmentAction }
  /** It has begun or is over: nothing can be changed from a link. */
  | { kind: "past" }
  /** The link asked for no action Pigeon knows: the actions it can do now. */
  | { kind: "choose"; actions: AppointmentAction[] };

/** What the page shows: a state, or after its button, that the action was done. */
export type AppointmentPageState = AppointmentLinkState | { kind: "done"; action: AppointmentAction };

/** Reads the `do` parameter; anything else than the three actions is null. */
export function appointmentAction(value: string | undefined): AppointmentAction | null {
  return (APPOINTMENT_ACTIONS as readonly string[]).includes(value ?? "") ? (value as AppointmentAction) : null;
}

/** What a link asking for `action` may do to an appointment in `status` starting at `startsAt`, at `now`. */
export function appointmentLinkState(
  action: AppointmentAction | null,
  status: Status,
  startsAt: Date,
  now: Date,
): AppointmentLinkState {
  if (startsAt.getTime() <= now.getTime()) return { kind: "past" };
  if (!action) return { kind: "choose", actions: APPOINTMENT_ACTIONS.filter((a) => canDo(a, status)) };
  if (APPOINTMENT_MOVES[action].to === status) return { kind: "already", action };
  if (canDo(action, status)) return { kind: "ask", action };
  return { kind: "cancelled", action };
}

const canDo = (action: AppointmentAction, status: Status) => APPOINTMENT_MOVES[action].from.includes(status);
