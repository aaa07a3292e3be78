// Named queries for customers and the records hanging off them: registrations, orders,
// appointments. Creating a registration, an order or a booking, or making photos available,
// appends the domain event the automation reads (SPEC P4), in the same transaction.
import { and, desc, eq, lt, ne, or, sql } from "drizzle-orm";
import { consentChanges, type CustomerFields } from "../core/customers.ts";
import type { Db, Tx } from "./client.ts";
import { attributeOrder } from "./attribution.ts";
import { noteFixedLines } from "./line-hints.ts";
import {
  albums,
  type Appointment,
  appointments,
  type Customer,
  customers,
  events,
  jobs,
  orders,
  registrations,
  studioSettings,
  suppressions,
} from "./schema.ts";

export type Source = "ui" | "api" | "import" | "demo" | "cli";
type DbOrTx = Db | Tx;

export const CUSTOMERS_PAGE_SIZE = 50;

/** Turns free text into an FTS5 prefix query: every word must match the start of a token. */
export function ftsQuery(q: string): string | null {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `"${w}"*`).join(" ") : null;
}

/**
 * One page of customers, newest first, by keyset (`before` = the last id of the previous
 * page) so page 1,000 costs what page 1 costs with a million rows.
 */
export async function listCustomers(db: Db, opts: { q?: string; before?: number; limit?: number }) {
  const limit = opts.limit ?? CUSTOMERS_PAGE_SIZE;
  const match = opts.q ? ftsQuery(opts.q) : null;
  // A search takes its page from the index itself, newest first: FTS5 walks the matches by rowid
  // and stops at the page's end, where `id in (every match)` built the whole set first (a word in
  // 1 of 10 of a million customers: ~5 ms for the first page, ~35 ms for a later one; now ~1 ms).
  const page = opts.before ? sql` and rowid < ${opts.before}` : sql``;
  const conditions = [
    opts.before ? lt(customers.id, opts.before) : undefined,
    match
      ? sql`${customers.id} in (select rowid from customers_fts where customers_fts match ${match}${page} order by rowid desc limit ${limit + 1})`
      : undefined,
  ].filter(Boolean);
  const rows = await db
    .select()
    .from(customers)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(customers.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1]!.id : null };
}

export async function getCustomer(db: DbOrTx, id: number) {
  return db.query.customers.findFirst({ where: eq(customers.id, id) });
}

export async function getCustomerByExternalId(db: DbOrTx, externalId: string) {
  return db.query.customers.findFirst({ where: eq(customers.externalId, externalId) });
}

/** The studio's language for customers, for new customers given none. */
export async function studioLocale(db: DbOrTx): Promise<string> {
  const [row] = await db.select({ locale: studioSettings.locale }).from(studioSettings).where(eq(studioSettings.id, 1));
  return row?.locale || "en";
}

function customerColumns(f: CustomerFields) {
  return {
    firstName: f.first_name ?? "",
    lastName: f.last_name ?? "",
    email: f.email ?? null,
    phone: f.phone ?? null,
    phoneExtension: f.phone_extension ?? null,
    country: f.country ?? null,
    ...(f.locale !== undefined && { locale: f.locale }),
    timeZone: f.time_zone ?? null,
  };
}

/** A new customer; one given no language gets the studio's (the language of its pages and built-in texts). */
export async function createCustomer(
  db: DbOrTx,
  f: CustomerFields,
  consentSource: string,
  now: Date,
  externalId?: string | null,
): Promise<Customer> {
  const locale = f.locale ?? (await studioLocale(db));
  const [row] = await db
    .insert(customers)
    .values({
      ...customerColumns(f),
      locale,
      ...consentChanges(null, f.consent, consentSource, now),
      externalId: externalId ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await noteFixedLines(db, [row!.phone], now);
  return row!;
}

export async function updateCustomer(
  db: DbOrTx,
  current: Customer,
  f: CustomerFields,
  consentSource: string,
  now: Date,
): Promise<Customer> {
  const consent = consentChanges(
    { email: current.consentEmail, sms: current.consentSms, voice: current.consentVoice },
    f.consent,
    consentSource,
    now,
  );
  const [row] = await db
    .update(customers)
    .set({ ...customerColumns(f), ...consent, updatedAt: now })
    .where(eq(customers.id, current.id))
    .returning();
  await noteFixedLines(db, [row!.phone], now);
  return row!;
}

export type RegistrationInput = {
  jobId: number;
  customerId: number;
  albumId?: number | null;
  accessCode?: string;
  registeredAt?: Date;
  photosAvailableAt?: Date | null;
  photosCount?: number;
  externalId?: string | null;
};

/**
 * Registers a customer to a job, or updates the registration. A new registration records
 * `customer_registered`; photos becoming available for the first time records `photos_available`.
 */
export async function upsertRegistration(db: DbOrTx, input: RegistrationInput, source: Source, now: Date) {
  const existing = await db.query.registrations.findFirst({
    where: and(eq(registrations.jobId, input.jobId), eq(registrations.customerId, input.customerId)),
  });
  const values = {
    ...(input.albumId !== undefined && { albumId: input.albumId }),
    ...(input.accessCode !== undefined && { accessCode: input.accessCode }),
    ...(input.photosAvailableAt !== undefined && { photosAvailableAt: input.photosAvailableAt }),
    ...(input.photosCount !== undefined && { photosCount: input.photosCount }),
    ...(input.externalId && { externalId: input.externalId }),
  };
  let row;
  if (existing) {
    row = Object.keys(values).length
      ? (await db.update(registrations).set(values).where(eq(registrations.id, existing.id)).returning())[0]
      : existing;
  } else {
    [row] = await db
      .insert(registrations)
      .values({ jobId: input.jobId, customerId: input.customerId, registeredAt: input.registeredAt ?? now, ...values })
      .returning();
    await db.insert(events).values({
      type: "customer_registered",
      jobId: input.jobId,
      customerId: input.customerId,
      source,
      occurredAt: input.registeredAt ?? now,
    });
  }
  if (row!.photosAvailableAt && !existing?.photosAvailableAt) {
    await db.insert(events).values({
      type: "photos_available",
      jobId: input.jobId,
      customerId: input.customerId,
      source,
      occurredAt: row!.photosAvailableAt,
    });
  }
  return { registration: row!, created: !existing };
}

/** `amountMinor` counts minor units of `currency` (ISO 4217): cents of EUR, whole JPY. */
export type OrderInput = {
  jobId: number;
  customerId: number;
  amountMinor: number;
  currency: string;
  orderedAt: Date;
  externalId?: string | null;
};

/** Records an order (the customer becomes a buyer in that job) and its `order_placed` event. */
export async function createOrder(db: DbOrTx, input: OrderInput, source: Source, now: Date) {
  const [order] = await db
    .insert(orders)
    .values({ ...input, externalId: input.externalId ?? null, createdAt: now })
    .returning();
  await db.insert(events).values({
    type: "order_placed",
    jobId: input.jobId,
    customerId: input.customerId,
    orderId: order!.id,
    source,
    occurredAt: input.orderedAt,
  });
  await attributeOrder(db, order!.id);
  return (await db.query.orders.findFirst({ where: eq(orders.id, order!.id) }))!;
}

export type AppointmentInput = {
  customerId: number;
  jobId?: number | null;
  startsAt: Date;
  durationMinutes?: number;
  location?: string;
  status?: Appointment["status"];
  externalId?: string | null;
};

/** Books an appointment and records `appointment_booked`. */
export async function createAppointment(db: DbOrTx, input: AppointmentInput, source: Source, now: Date) {
  const [row] = await db
    .insert(appointments)
    .values({ ...input, externalId: input.externalId ?? null, createdAt: now, updatedAt: now })
    .returning();
  await db.insert(events).values({
    type: "appointment_booked",
    jobId: input.jobId ?? null,
    customerId: input.customerId,
    appointmentId: row!.id,
    source,
    occurredAt: now,
  });
  return row!;
}

/** A customer's registrations with job and album names, for the customer page. */
export async function customerRegistrations(db: Db, customerId: number) {
  return db
    .select({ registration: registrations, job: jobs, album: albums })
    .from(registrations)
    .innerJoin(jobs, eq(jobs.id, registrations.jobId))
    .leftJoin(albums, eq(albums.id, registrations.albumId))
    .where(eq(registrations.customerId, customerId))
    .orderBy(desc(registrations.registeredAt));
}

export async function customerOrders(db: Db, customerId: number) {
  return db
    .select({ order: orders, job: jobs })
    .from(orders)
    .innerJoin(jobs, eq(jobs.id, orders.jobId))
    .where(eq(orders.customerId, customerId))
    .orderBy(desc(orders.orderedAt));
}

export async function customerAppointments(db: Db, customerId: number) {
  return db
    .select()
    .from(appointments)
    .where(eq(appointments.customerId, customerId))
    .orderBy(desc(appointments.startsAt));
}

/** Other customers with this e-mail address, for the "already used by" notice. */
export async function customersWithEmail(db: Db, email: string, exceptId?: number) {
  return db
    .select({ id: customers.id, firstName: customers.firstName, lastName: customers.lastName })
    .from(customers)
    .where(and(eq(customers.email, email.trim().toLowerCase()), exceptId ? ne(customers.id, exceptId) : undefined))
    .limit(5);
}

/** Suppressions of this customer's addresses, active and cleared (SPEC C3). */
export async function customerSuppressions(db: Db, c: Customer) {
  const byAddress = [
    c.email ? and(eq(suppressions.channel, "email"), eq(suppressions.address, c.email)) : undefined,
    c.phone ? eq(suppressions.address, c.phone) : undefined,
  ];
  return db
    .select()
    .from(suppressions)
    .where(or(eq(suppressions.customerId, c.id), ...byAddress))
    .orderBy(desc(suppressions.id))
    .limit(20);
}

/**
 * How many customers match, counting no further than `cap`: an exact total over a million
 * rows costs more than the page itself, and "10,000+" says enough.
 */
export async function countCustomersUpTo(db: Db, match: string | null, cap: number): Promise<number> {
  const inner = match
    ? sql`select 1 from customers_fts where customers_fts match ${match} limit ${cap}`
    : sql`select 1 from ${customers} limit ${cap}`;
  const rows = await db.all<{ n: number }>(sql`select count(*) as n from (${inner})`);
  return Number(rows[0]?.n ?? 0);
}

/** The locale of the customer a delivery or reply belongs to, if any. */
export async function customerLocale(db: Db | Tx, customerId: number | null | undefined): Promise<string | null> {
  if (!customerId) return null;
  const [row] = await db.select({ locale: customers.locale }).from(customers).where(eq(customers.id, customerId));
  return row?.locale ?? null;
}
