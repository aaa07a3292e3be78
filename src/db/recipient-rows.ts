// Loads, for a batch of deliveries, the rows their placeholders draw from — a handful of
// IN-queries per batch instead of a handful per recipient.
import { desc } from "drizzle-orm";
import type { Db } from "./client.ts";
import { inJson } from "./in-json.ts";
import type { Delivery } from "./outbox.ts";
import {
  type Album,
  type Appointment,
  type Customer,
  type Job,
  type Order,
  type Registration,
  albums,
  appointments,
  customers,
  jobs,
  orders,
  registrations,
  snippets,
} from "./schema.ts";

/** The rows one delivery's placeholders draw from; any may be missing. */
export type RecipientRows = {
  deliveryId: number;
  customer: Customer | null;
  job: Job | null;
  registration: Registration | null;
  album: Album | null;
  order: Order | null;
  appointment: Appointment | null;
};

const ids = (xs: (number | null | undefined)[]) => [...new Set(xs.filter((x): x is number => typeof x === "number"))];

/** What a delivery's rows are looked up by; a message start passes the same for recipients not yet written. */
export type RowsKey = Pick<Delivery, "id" | "customerId" | "jobId" | "appointmentId">;

/**
 * The rows behind each delivery's placeholders, by delivery id. Lists go in as one JSON
 * parameter and rows are matched through maps, so a page of thousands costs the same per row
 * as a batch of ten. `orders: false` leaves out orders (one-time messages have no order.*).
 */
export async function loadRecipientRows(
  db: Db,
  batch: RowsKey[],
  opts: { orders?: boolean } = {},
): Promise<Map<number, RecipientRows>> {
  const customerIds = ids(batch.map((d) => d.customerId));
  const jobIds = ids(batch.map((d) => d.jobId));
  const appointmentIds = ids(batch.map((d) => d.appointmentId));
  const both = customerIds.length > 0 && jobIds.length > 0;
  // Registrations and orders are looked up by customer alone (each has a few) and matched to the
  // job below: with many jobs the (job, customer) index would try every pair of the two lists.
  const [cs, js, regs, ords, apps] = await Promise.all([
    customerIds.length ? db.select().from(customers).where(inJson(customers.id, customerIds)) : [],
    jobIds.length ? db.select().from(jobs).where(inJson(jobs.id, jobIds)) : [],
    both ? db.select().from(registrations).where(inJson(registrations.customerId, customerIds)) : [],
    both && opts.orders !== false
      ? db.select().from(orders).where(inJson(orders.customerId, customerIds)).orderBy(desc(orders.orderedAt))
      : [],
    appointmentIds.length ? db.select().from(appointments).where(inJson(appointments.id, appointmentIds)) : [],
  ]);
  const jobById = new Map(js.map((j) => [j.id, j]));
  const albumIds = ids(regs.filter((r) => jobById.has(r.jobId)).map((r) => r.albumId));
  const als = albumIds.length ? await db.select().from(albums).where(inJson(albums.id, albumIds)) : [];
  const pair = (customerId: number | null, jobId: number | null) => `${customerId}:${jobId}`;
  const customerById = new Map(cs.map((c) => [c.id, c]));
  const registrationOf = new Map(regs.map((r) => [pair(r.customerId, r.jobId), r]));
  const albumById = new Map(als.map((a) => [a.id, a]));
  const appointmentById = new Map(apps.map((a) => [a.id, a]));
  // Newest first: the first order seen for a pair is the one its placeholders show.
  const orderOf = new Map<string, (typeof ords)[number]>();
  for (const o of ords) if (!orderOf.has(pair(o.customerId, o.jobId))) orderOf.set(pair(o.customerId, o.jobId), o);
  const out = new Map<number, RecipientRows>();
  for (const d of batch) {
    const registration = registrationOf.get(pair(d.customerId, d.jobId)) ?? null;
    out.set(d.id, {
      deliveryId: d.id,
      customer: (d.customerId !== null && customerById.get(d.customerId)) || null,
      job: (d.jobId !== null && jobById.get(d.jobId)) || null,
      registration,
      album: (registration?.albumId != null && albumById.get(registration.albumId)) || null,
      order: orderOf.get(pair(d.customerId, d.jobId)) ?? null,
      appointment: (d.appointmentId !== null && appointmentById.get(d.appointmentId)) || null,
    });
  }
  return out;
}

/** The studio's snippets as key → text, for `{{snippet.key}}`. */
export async function loadSnippets(db: Db): Promise<Record<string, string>> {
  const rows = await db.select().from(snippets);
  return Object.fromEntries(rows.map((s) => [s.key, s.body]));
}
