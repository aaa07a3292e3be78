// Loads, for a batch of deliveries, the rows their placeholders draw from — a handful of
// IN-queries per batch instead of a handful per recipient.
import { and, desc, inArray } from "drizzle-orm";
import type { RecipientRows } from "../dispatch/recipient-values.ts";
import type { Db } from "./client.ts";
import type { Delivery } from "./outbox.ts";
import { albums, appointments, customers, jobs, orders, registrations, snippets } from "./schema.ts";

const ids = (xs: (number | null)[]) => [...new Set(xs.filter((x): x is number => x !== null))];

export async function loadRecipientRows(db: Db, batch: Delivery[]): Promise<Map<number, RecipientRows>> {
  const customerIds = ids(batch.map((d) => d.customerId));
  const jobIds = ids(batch.map((d) => d.jobId));
  const appointmentIds = ids(batch.map((d) => d.appointmentId));
  const [cs, js, regs, ords, apps] = await Promise.all([
    customerIds.length ? db.select().from(customers).where(inArray(customers.id, customerIds)) : [],
    jobIds.length ? db.select().from(jobs).where(inArray(jobs.id, jobIds)) : [],
    customerIds.length && jobIds.length
      ? db.select().from(registrations).where(and(inArray(registrations.customerId, customerIds), inArray(registrations.jobId, jobIds)))
      : [],
    customerIds.length && jobIds.length
      ? db.select().from(orders).where(and(inArray(orders.customerId, customerIds), inArray(orders.jobId, jobIds))).orderBy(desc(orders.orderedAt))
      : [],
    appointmentIds.length ? db.select().from(appointments).where(inArray(appointments.id, appointmentIds)) : [],
  ]);
  const albumIds = ids(regs.map((r) => r.albumId));
  const als = albumIds.length ? await db.select().from(albums).where(inArray(albums.id, albumIds)) : [];
  const out = new Map<number, RecipientRows>();
  for (const d of batch) {
    const registration = regs.find((r) => r.customerId === d.customerId && r.jobId === d.jobId) ?? null;
    out.set(d.id, {
      deliveryId: d.id,
      customer: cs.find((c) => c.id === d.customerId) ?? null,
      job: js.find((j) => j.id === d.jobId) ?? null,
      registration,
      album: als.find((a) => a.id === registration?.albumId) ?? null,
      order: ords.find((o) => o.customerId === d.customerId && o.jobId === d.jobId) ?? null,
      appointment: apps.find((a) => a.id === d.appointmentId) ?? null,
    });
  }
  return out;
}

/** The studio's snippets as key → text, for `{{snippet.key}}`. */
export async function loadSnippets(db: Db): Promise<Record<string, string>> {
  const rows = await db.select().from(snippets);
  return Object.fromEntries(rows.map((s) => [s.key, s.body]));
}
