// Replies that come in (SPEC A3, A4): stored once per provider message id, linked to the
// customer, and acted on when they answer an appointment.
import { and, asc, desc, eq, gt, inArray, isNotNull } from "drizzle-orm";
import type { Db, Tx } from "./client.ts";
import { type Appointment, appointments, customers, deliveries, inboundMessages, jobs } from "./schema.ts";
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

/**
 * The earliest appointment of these customers that starts after `now` and has one of
 * `statuses`, with the time zone to speak of it in (the customer's, else the job's) and the
 * customer's language.
 */
export async function nextAppointment(
  db: Db | Tx,
  customerIds: number[],
  now: Date,
  statuses: Appointment["status"][],
): Promise<UpcomingAppointment | null> {
  if (!customerIds.length) return null;
  const [row] = await db
    .select({
      appointment: appointments,
      customerZone: customers.timeZone,
      jobZone: jobs.timeZone,
      locale: customers.locale,
    })
    .from(appointments)
    .innerJoin(customers, eq(customers.id, appointments.customerId))
    .leftJoin(jobs, eq(jobs.id, appointments.jobId))
    .where(
      and(
        inArray(appointments.customerId, customerIds),
        inArray(appointments.status, statuses),
        gt(appointments.startsAt, now),
      ),
    )
    .orderBy(asc(appointments.startsAt), asc(appointments.id))
    .limit(1);
  return row
    ? { appointment: row.appointment, timeZone: row.customerZone ?? row.jobZone ?? null, locale: row.locale }
    : null;
}

/**
 * The appointment the latest text or call to these customers since `since` was about, if any: what
 * a free-text reply most likely answers ("Can I bring our dog?" to a reminder).
 */
export async function lastAppointmentTexted(db: Db | Tx, customerIds: number[], since: Date): Promise<number | null> {
  if (!customerIds.length) return null;
  const [row] = await db
    .select({ appointmentId: deliveries.appointmentId })
    .from(deliveries)
    .where(
      and(
        inArray(deliveries.customerId, customerIds),
        inArray(deliveries.channel, ["sms", "voice"]),
        isNotNull(deliveries.appointmentId),
        gt(deliveries.sentAt, since),
      ),
    )
    .orderBy(desc(deliveries.sentAt))
    .limit(1);
  return row?.appointmentId ?? null;
}
