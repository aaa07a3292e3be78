// Named queries behind the one-time message pages (SPEC O1–O7): the templates a message may
// start from, names for describing its filters, the appointments it was composed for, and the
// figures its list, progress and report show beyond the totals in src/db/messages.ts.
import { and, count, desc, eq, inArray, min, ne, sql } from "drizzle-orm";
import type { FilterNames, MessageFilters } from "../core/message-filters.ts";
import { checkTemplate } from "../core/placeholders.ts";
import type { Db } from "./client.ts";
import type { Message } from "./messages.ts";
import { inJson } from "./in-json.ts";
import { albums, appointments, customers, deliveries, jobs, templates } from "./schema.ts";

/** A row of the messages list: the message, whom it goes to, how many it reached (none yet while a draft or scheduled), and when. */
export type MessageRow = { message: Message; who: string; recipients: number | null; when: string };

/** Templates usable in a one-time message: those whose placeholders all exist there. */
export async function oneTimeTemplates(db: Db, snippetKeys: string[]) {
  const rows = await db.select().from(templates).orderBy(desc(templates.builtIn), templates.name);
  return rows.filter(
    (t) => checkTemplate(`${t.subject}\n${t.preheader}\n${t.body}`, "one_time_message", snippetKeys).length === 0,
  );
}

/** Job and album names for describeFilters; the ids go in as one JSON value (a message stored before lists were capped may hold 100,000). */
export async function filterNames(db: Db, list: MessageFilters[]): Promise<FilterNames> {
  const jobIds = [...new Set(list.flatMap((f) => f.job_ids ?? []))];
  const albumIds = [...new Set(list.flatMap((f) => f.album_ids ?? []))];
  const [js, as] = await Promise.all([
    jobIds.length ? db.select({ id: jobs.id, name: jobs.name }).from(jobs).where(inJson(jobs.id, jobIds)) : [],
    albumIds.length
      ? db.select({ id: albums.id, name: albums.name }).from(albums).where(inJson(albums.id, albumIds))
      : [],
  ]);
  return {
    jobs: Object.fromEntries(js.map((j) => [j.id, j.name])),
    albums: Object.fromEntries(as.map((a) => [a.id, a.name])),
  };
}

/** Deliveries that will be or were attempted (not skipped), per message. */
export async function recipientsPerMessage(db: Db, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: deliveries.messageId, n: count() })
    .from(deliveries)
    .where(and(inArray(deliveries.messageId, ids), ne(deliveries.status, "skipped")))
    .groupBy(deliveries.messageId);
  return new Map(rows.map((r) => [r.id!, r.n]));
}

/** Chosen appointments with their customer's name and status, earliest first: the compose page labels them. */
export async function chosenAppointments(db: Db, ids: number[]) {
  if (!ids.length) return [];
  return db
    .select({
      id: appointments.id,
      startsAt: appointments.startsAt,
      status: appointments.status,
      first: customers.firstName,
      last: customers.lastName,
    })
    .from(appointments)
    .innerJoin(customers, eq(customers.id, appointments.customerId))
    .where(inJson(appointments.id, ids))
    .orderBy(appointments.startsAt);
}

/** The customers a message to chosen customers goes to, with their names, for the compose form. */
export async function chosenCustomers(db: Db, ids: number[]) {
  if (!ids.length) return [];
  return db
    .select({ id: customers.id, first: customers.firstName, last: customers.lastName })
    .from(customers)
    .where(inJson(customers.id, ids))
    .orderBy(customers.lastName, customers.firstName);
}

/** How fast a message is going out and when its last queued delivery is due. */
export async function sendPace(db: Db, id: number, since: Date) {
  const [row] = await db
    .select({
      first: min(deliveries.sentAt),
      recent: sql<number>`sum(case when ${deliveries.sentAt} >= ${since.getTime()} then 1 else 0 end)`,
      lastDue: sql<number | null>`max(case when ${deliveries.status} = 'queued' then ${deliveries.dueAt} end)`,
    })
    .from(deliveries)
    .where(eq(deliveries.messageId, id));
  return {
    first: row?.first ?? null,
    recent: Number(row?.recent ?? 0),
    lastDue: row?.lastDue ? new Date(Number(row.lastDue)) : null,
  };
}
