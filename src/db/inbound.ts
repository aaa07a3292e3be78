// Replies that come in (SPEC A3, A4): stored once per provider message id, linked to the
// customer, and acted on when they answer an appointment.
import { and, asc, desc, eq, gt, inArray, isNotNull } from "drizzle-orm";
import type { Db, Tx } from "./client.ts";
import {
  type Appointment,
  appointmentChanges,
  appointments,
  customers,
  deliveries,
  inboundMessages,
  jobs,
} from "./schema.ts";
import type { Channel } from "../core/vocabulary.ts";

export type InboundMessage = {
  channel: Channel;
  fromAddress: string;
  toAddress: string | null;
  customerId: number | null;
  body: string;
  providerMessageId: string;
  receivedAt: Date;
};

/** How a reply was handled (confirmed, cancelled, stop, start, help, inbox) and what it was about. */
export type Handled = {
  handledAs: string;
  /** The text Pigeon answers with by itself, kept with the reply so staff see what the customer got. */
  text?: string;
  link?: { customerId?: number | null; appointmentId?: number | null };
};

/**
 * Stores a reply and does what it asks in one transaction: `act` runs inside it (every write
 * on `tx`; it gets the stored reply's id) and returns how the reply was handled, which is noted on the stored row. The row is
 * what makes a provider's retry a duplicate, so it must never be kept without its effect: if
 * anything fails, nothing is stored and the retry does it all again. Null when a reply with this
 * provider id is stored already (a retry of one handled before); `act` does not run then.
 */
export async function handleInbound<T extends Handled>(
  db: Db,
  m: InboundMessage,
  act: (tx: Tx, inboundId: number) => Promise<T>,
): Promise<(T & { id: number }) | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(inboundMessages)
      .values(m)
      .onConflictDoNothing({ target: inboundMessages.providerMessageId })
      .returning({ id: inboundMessages.id });
    if (!row) return null;
    const handled = await act(tx, row.id);
    const link = handled.link ?? {};
    await tx
      .update(inboundMessages)
      .set({
        handledAs: handled.handledAs,
        answer: handled.text ?? null,
        ...(link.customerId !== undefined && { customerId: link.customerId }),
        ...(link.appointmentId !== undefined && { appointmentId: link.appointmentId }),
      })
      .where(eq(inboundMessages.id, row.id));
    return { ...handled, id: row.id };
  });
}

export type UpcomingAppointment = { appointment: Appointment; timeZone: string | null; locale: string | null };

/** An appointment with the time zone to speak of it in (the customer's, else the job's) and the customer's language. */
function appointmentsSpoken(db: Db | Tx) {
  return db
    .select({
      appointment: appointments,
      customerZone: customers.timeZone,
      jobZone: jobs.timeZone,
      locale: customers.locale,
    })
    .from(appointments)
    .innerJoin(customers, eq(customers.id, appointments.customerId))
    .leftJoin(jobs, eq(jobs.id, appointments.jobId));
}

type SpokenRow = Awaited<ReturnType<ReturnType<typeof appointmentsSpoken>["limit"]>>[number];
const spoken = (row: SpokenRow | undefined): UpcomingAppointment | null =>
  row ? { appointment: row.appointment, timeZone: row.customerZone ?? row.jobZone ?? null, locale: row.locale } : null;

/** The earliest appointment of these customers that starts after `now` and has one of `statuses`. */
export async function nextAppointment(
  db: Db | Tx,
  customerIds: number[],
  now: Date,
  statuses: Appointment["status"][],
): Promise<UpcomingAppointment | null> {
  if (!customerIds.length) return null;
  const [row] = await appointmentsSpoken(db)
    .where(
      and(
        inArray(appointments.customerId, customerIds),
        inArray(appointments.status, statuses),
        gt(appointments.startsAt, now),
      ),
    )
    .orderBy(asc(appointments.startsAt), asc(appointments.id))
    .limit(1);
  return spoken(row);
}

/** One appointment, as nextAppointment gives it. */
export async function appointmentSpoken(db: Db | Tx, id: number): Promise<UpcomingAppointment | null> {
  const [row] = await appointmentsSpoken(db).where(eq(appointments.id, id)).limit(1);
  return spoken(row);
}

/**
 * The latest text or call that went to these customers at `phone` since `since`, and the
 * appointment it was about (null when it was about none, e.g. an answer from the inbox): what a
 * reply from that number answers.
 */
export async function lastTextTo(
  db: Db | Tx,
  customerIds: number[],
  phone: string,
  since: Date,
): Promise<{ appointmentId: number | null } | null> {
  // By customer first (deliveries_customer_idx): to_address has no index of its own.
  if (!customerIds.length) return null;
  const [row] = await db
    .select({ appointmentId: deliveries.appointmentId })
    .from(deliveries)
    .where(
      and(
        inArray(deliveries.customerId, customerIds),
        eq(deliveries.toAddress, phone),
        inArray(deliveries.channel, ["sms", "voice"]),
        isNotNull(deliveries.sentAt),
        gt(deliveries.sentAt, since),
      ),
    )
    .orderBy(desc(deliveries.sentAt), desc(deliveries.id))
    .limit(1);
  return row ?? null;
}

/** Whether one of these customers' appointments was cancelled by an SMS reply since `since`. */
export async function cancelledBySmsSince(db: Db | Tx, customerIds: number[], since: Date): Promise<boolean> {
  if (!customerIds.length) return false;
  const [row] = await db
    .select({ id: appointmentChanges.id })
    .from(appointmentChanges)
    .innerJoin(appointments, eq(appointments.id, appointmentChanges.appointmentId))
    .where(
      and(
        inArray(appointments.customerId, customerIds),
        eq(appointmentChanges.source, "sms"),
        eq(appointmentChanges.toStatus, "cancelled"),
        gt(appointmentChanges.createdAt, since),
      ),
    )
    .limit(1);
  return !!row;
}
