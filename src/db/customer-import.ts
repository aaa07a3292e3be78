// Named queries behind the CSV import (SPEC I2): matching rows to existing customers, and
// the all-or-nothing import, written a few hundred rows to a transaction.
import { and, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { consentChanges } from "../core/customers.ts";
import { countryName } from "../core/country.ts";
import { formatPhone, parsePhone } from "../core/phone.ts";
import { type BadRow, clip, type GoodRow } from "../core/csv-import.ts";
import type { Db, Tx } from "./client.ts";
import { DB_NOW } from "./db-clock.ts";
import { studioLocale } from "./customers.ts";
import { noteFixedLines } from "./line-hints.ts";
import {
  albums,
  type Customer,
  customers,
  deliveries,
  events,
  importRuns,
  importUndo,
  registrations,
} from "./schema.ts";

type DbOrTx = Db | Tx;

/** Rows per multi-row INSERT: ~18 columns each stays far below SQLite's variable limit. */
const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------- matching

export type PlannedRow = GoodRow & { existing: Customer | null };

const sameFirstName = (a: string, b: string | undefined) => !a || !b || a.toLowerCase() === b.toLowerCase();

/** Among customers sharing an address, the one this row means, if that is unambiguous. */
function pickOne(candidates: Customer[], row: GoodRow): Customer | null {
  // A different first name at the same address is a family member, not the same person.
  const plausible = candidates.filter(
    (c) => sameFirstName(c.firstName, row.customer.first_name) && (!row.externalId || !c.externalId),
  );
  if (candidates.length === 1) return plausible[0] ?? null;
  const named = plausible.filter(
    (c) =>
      c.lastName.toLowerCase() === (row.customer.last_name ?? "").toLowerCase() &&
      c.firstName.toLowerCase() === (row.customer.first_name ?? "").toLowerCase(),
  );
  return named.length === 1 ? named[0]! : null;
}

async function lookup(
  db: DbOrTx,
  column: typeof customers.externalId | typeof customers.email | typeof customers.phone,
  keys: string[],
) {
  const found = new Map<string, Customer[]>();
  for (const part of chunks([...new Set(keys)])) {
    // The driver is synchronous: without a pause, 50,000 rows' lookups hold the event loop for seconds.
    await Bun.sleep(0);
    for (const c of await db.select().from(customers).where(inArray(column, part))) {
      const key = (column === customers.externalId ? c.externalId : column === customers.email ? c.email : c.phone)!;
      found.set(key, [...(found.get(key) ?? []), c]);
    }
  }
  return found;
}

/**
 * A row without a country updating `existing`, whose country is known: its number read in that
 * country, as the API and the form read it (a Dutch customer's 06 12340073 is not German), or why
 * it is not a number there.
 */
function readInCustomersCountry(row: GoodRow, existing: Customer): PlannedRow | BadRow {
  if (!row.phoneTyped || !existing.country) return { ...row, existing };
  const p = parsePhone(row.phoneTyped, existing.country);
  if (!p.ok) return { line: row.line, problems: [`phone: ${p.problem} (“${clip(row.phoneTyped)}”)`], raw: row.raw };
  return {
    ...row,
    customer: { ...row.customer, phone: p.e164, phone_extension: p.extension ?? row.customer.phone_extension },
    existing,
  };
}

/**
 * For rows with a number typed nationally and nothing else to find them by: the customers with a
 * country of their own whose stored number those digits are when read in that country.
 */
async function readingsAbroad(db: DbOrTx, rows: GoodRow[]): Promise<Map<GoodRow, Customer[]>> {
  const out = new Map<GoodRow, Customer[]>();
  const open = rows.filter((r) => r.phoneTyped && !r.externalId && !r.customer.email);
  if (!open.length) return out;
  const countries = (
    await db.selectDistinct({ country: customers.country }).from(customers).where(isNotNull(customers.country))
  ).map((r) => r.country!);
  const readings = new Map<GoodRow, { country: string; e164: string }[]>();
  for (const [i, row] of open.entries()) {
    // Reading a number costs some microseconds: let other requests in between thousands of them.
    if (i % 1000 === 999) await Bun.sleep(0);
    const found = countries.flatMap((country) => {
      const p = parsePhone(row.phoneTyped!, country);
      return p.ok && p.e164 !== row.customer.phone ? [{ country, e164: p.e164 }] : [];
    });
    if (found.length) readings.set(row, found);
  }
  const byPhone = await lookup(
    db,
    customers.phone,
    [...readings.values()].flat().map((r) => r.e164),
  );
  for (const [row, found] of readings) {
    // Only a customer whose own country reads the digits that way: the row does mean that number there.
    const hits = found.flatMap(({ country, e164 }) => (byPhone.get(e164) ?? []).filter((c) => c.country === country));
    if (hits.length) out.set(row, hits);
  }
  return out;
}

/**
 * Decides for every row whether it updates an existing customer or creates one: by
 * external_id first, then by e-mail when exactly one customer has it (else by phone for rows
 * without e-mail). Two rows landing on the same customer: the later one is reported. A row
 * without a country that updates a customer with one has its number read in theirs (not for a
 * row found by its number: that number is the customer's as stored).
 */
export async function planImport(db: DbOrTx, rows: GoodRow[]): Promise<{ rows: PlannedRow[]; conflicts: BadRow[] }> {
  const byExternal = await lookup(
    db,
    customers.externalId,
    rows.flatMap((r) => (r.externalId ? [r.externalId] : [])),
  );
  const byEmail = await lookup(
    db,
    customers.email,
    rows.flatMap((r) => (r.customer.email ? [r.customer.email] : [])),
  );
  const byPhone = await lookup(
    db,
    customers.phone,
    rows.flatMap((r) => (!r.customer.email && r.customer.phone ? [r.customer.phone] : [])),
  );
  const abroad = await readingsAbroad(db, rows);
  const claimed = new Map<number, number>();
  const planned: PlannedRow[] = [];
  const conflicts: BadRow[] = [];
  for (const row of rows) {
    const c = row.customer;
    const found =
      (row.externalId ? byExternal.get(row.externalId)?.[0] : undefined) ??
      (c.email ? pickOne(byEmail.get(c.email) ?? [], row) : null);
    let existing = found ?? (!c.email && c.phone ? pickOne(byPhone.get(c.phone) ?? [], row) : null);
    // Found by no number read in the studio's country: the same digits may be a customer's
    // number in their own country (an Austrian 0664 …), and then the row means them, not a
    // stranger's German number; someone else at that number is reported, not guessed.
    const elsewhere = !existing && !row.externalId && !c.email ? abroad.get(row) : undefined;
    if (elsewhere?.length) {
      existing = pickOne(elsewhere, row);
      if (!existing) {
        const other = elsewhere[0]!;
        conflicts.push({
          line: row.line,
          problems: [
            `phone: ${clip(row.phoneTyped ?? "")} is ${`${other.firstName} ${other.lastName}`.trim()}'s number in ${countryName(other.country!)} (${formatPhone(other.phone, "")}): add a country column or an e-mail to say whose it is`,
          ],
          raw: row.raw,
        });
        continue;
      }
    }
    if (existing) {
      const earlier = claimed.get(existing.id);
      if (earlier !== undefined) {
        conflicts.push({
          line: row.line,
          problems: [`matches the same existing customer (#${existing.id}) as row ${earlier}`],
          raw: row.raw,
        });
        continue;
      }
      claimed.set(existing.id, row.line);
    }
    const read = found || elsewhere?.length ? readInCustomersCountry(row, existing!) : { ...row, existing };
    if ("existing" in read) planned.push(read);
    else conflicts.push(read);
  }
  return { rows: planned, conflicts };
}

// ---------------------------------------------------------------- import

export type ImportOptions = { jobId: number | null; consentSource: string; now: Date };
export type ImportResult = {
  created: number;
  updated: number;
  unchanged: number;
  registered: number;
  albumsCreated: number;
  conflicts: BadRow[];
};

const NO_CONSENT = { email: false, sms: false, voice: false };

function newCustomerValues(row: GoodRow, opts: ImportOptions, studioLocale: string) {
  const c = row.customer;
  const consent = consentChanges(NO_CONSENT, c.consent, `import: ${row.consentSource ?? opts.consentSource}`, opts.now);
  return {
    externalId: row.externalId,
    firstName: c.first_name ?? "",
    lastName: c.last_name ?? "",
    email: c.email ?? null,
    phone: c.phone ?? null,
    phoneExtension: c.phone_extension ?? null,
    country: c.country ?? null,
    locale: c.locale ?? studioLocale,
    timeZone: c.time_zone ?? null,
    consentEmail: false,
    consentEmailSource: null,
    consentEmailAt: null,
    consentSms: false,
    consentSmsSource: null,
    consentSmsAt: null,
    consentVoice: false,
    consentVoiceSource: null,
    consentVoiceAt: null,
    ...consent,
    createdAt: opts.now,
    updatedAt: opts.now,
  };
}

/** Only what the row says and differs: a blank cell keeps what the customer already has. */
function changedColumns(current: Customer, row: GoodRow, opts: ImportOptions) {
  const c = row.customer;
  const wanted: Partial<Customer> = {
    ...(c.first_name !== undefined && { firstName: c.first_name }),
    ...(c.last_name !== undefined && { lastName: c.last_name }),
    ...(c.email != null && { email: c.email }),
    ...(c.phone != null && { phone: c.phone, phoneExtension: c.phone_extension ?? null }),
    ...(c.country != null && { country: c.country }),
    ...(c.locale !== undefined && { locale: c.locale }),
    ...(c.time_zone != null && { timeZone: c.time_zone }),
    ...(row.externalId && !current.externalId && { externalId: row.externalId }),
  };
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) if (current[key as keyof Customer] !== value) changes[key] = value;
  const consent = consentChanges(
    { email: current.consentEmail, sms: current.consentSms, voice: current.consentVoice },
    c.consent,
    `import: ${row.consentSource ?? opts.consentSource}`,
    opts.now,
  );
  return { ...changes, ...consent };
}

/** What an import wrote so far, so that a failure can take it back (see importCustomers). */
type Undo = {
  createdCustomers: number[];
  /** Existing customers' columns as they were before the import changed them. */
  changedCustomers: { id: number; before: Record<string, unknown> }[];
  createdAlbums: number[];
  createdRegistrations: number[];
  changedRegistrations: { id: number; before: { albumId: number | null; accessCode: string } }[];
};

const emptyUndo = (): Undo => ({
  createdCustomers: [],
  changedCustomers: [],
  createdAlbums: [],
  createdRegistrations: [],
  changedRegistrations: [],
});

/** Albums named in the file, found case-insensitively or created, as name → id. */
async function ensureAlbums(tx: Tx, jobId: number, names: string[], undo: Undo) {
  const ids = new Map<string, number>();
  for (const a of await tx.select().from(albums).where(eq(albums.jobId, jobId))) ids.set(a.name.toLowerCase(), a.id);
  const missing = [...new Map(names.map((n) => [n.toLowerCase(), n])).entries()].filter(([key]) => !ids.has(key));
  for (const part of chunks(missing)) {
    const made = await tx
      .insert(albums)
      .values(part.map(([, name]) => ({ jobId, name })))
      .returning({ id: albums.id, name: albums.name });
    for (const a of made) ids.set(a.name.toLowerCase(), a.id);
    undo.createdAlbums.push(...made.map((a) => a.id));
  }
  return { ids, created: missing.length };
}

/** Registers one chunk of imported customers to the job, noting in `undo` what it changed. */
async function registerChunk(
  tx: Tx,
  jobId: number,
  rows: { customerId: number; row: GoodRow }[],
  now: Date,
  undo: Undo,
) {
  const { ids: albumIds, created: albumsCreated } = await ensureAlbums(
    tx,
    jobId,
    rows.flatMap(({ row }) => (row.album ? [row.album] : [])),
    undo,
  );
  const existing = new Map<number, typeof registrations.$inferSelect>();
  for (const part of chunks(rows.map((r) => r.customerId))) {
    for (const r of await tx
      .select()
      .from(registrations)
      .where(and(eq(registrations.jobId, jobId), inArray(registrations.customerId, part))))
      existing.set(r.customerId, r);
  }
  const fresh: (typeof registrations.$inferInsert)[] = [];
  for (const { customerId, row } of rows) {
    const albumId = row.album ? albumIds.get(row.album.toLowerCase())! : undefined;
    const current = existing.get(customerId);
    if (!current) {
      fresh.push({
        jobId,
        customerId,
        albumId: albumId ?? null,
        accessCode: row.accessCode ?? "",
        registeredAt: now,
        photosAvailableAt: null,
        photosCount: 0,
        externalId: null,
      });
      continue;
    }
    const set = {
      ...(albumId !== undefined && albumId !== current.albumId && { albumId }),
      ...(row.accessCode && row.accessCode !== current.accessCode && { accessCode: row.accessCode }),
    };
    if (Object.keys(set).length) {
      await tx.update(registrations).set(set).where(eq(registrations.id, current.id));
      undo.changedRegistrations.push({
        id: current.id,
        before: { albumId: current.albumId, accessCode: current.accessCode },
      });
    }
  }
  const registered: number[] = [];
  for (const part of chunks(fresh)) {
    const made = await tx
      .insert(registrations)
      .values(part)
      .returning({ id: registrations.id, customerId: registrations.customerId });
    undo.createdRegistrations.push(...made.map((r) => r.id));
    registered.push(...made.map((r) => r.customerId));
  }
  return { registered, albumsCreated };
}

/** The `customer_registered` events of the newly registered customers (SPEC P4), in one transaction. */
async function recordRegistrations(tx: Tx, jobId: number, customerIds: number[], now: Date) {
  for (const part of chunks(customerIds)) {
    await tx.insert(events).values(
      part.map((customerId) => ({
        type: "customer_registered" as const,
        jobId,
        customerId,
        appointmentId: null,
        orderId: null,
        fromStatus: null,
        toStatus: null,
        source: "import" as const,
        actorUserId: null,
        occurredAt: now,
        createdAt: now,
      })),
    );
  }
}

/**
 * An Undo as stored in import_undo: JSON, with the dates among the replaced values kept as
 * {"$ms": n} so they come back as dates (JSON would turn them into strings the columns refuse).
 */
function encodeUndo(undo: Undo): string {
  const dates = (before: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v instanceof Date ? { $ms: v.getTime() } : v]));
  return JSON.stringify({
    ...undo,
    changedCustomers: undo.changedCustomers.map((c) => ({ id: c.id, before: dates(c.before) })),
  });
}

function decodeUndo(text: string): Undo {
  const undo = JSON.parse(text) as Undo;
  const dates = (before: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(before).map(([k, v]) => [
        k,
        v && typeof v === "object" && "$ms" in v ? new Date((v as { $ms: number }).$ms) : v,
      ]),
    );
  return { ...undo, changedCustomers: undo.changedCustomers.map((c) => ({ id: c.id, before: dates(c.before) })) };
}

/**
 * An import whose process has written nothing for this long is taken to be dead: its
 * transactions beat every few hundred rows, well under a second each even on a loaded machine.
 */
const IMPORT_STALE_MS = 30_000;

/**
 * Takes back every import a dead process left unfinished (its heartbeat silent for `staleMs`):
 * what its committed transactions wrote, from their records. `pigeon serve` calls it at start and
 * every scheduler tick calls it (a worker too), so a crash is undone even before the web process
 * is back, and a second process starting never cuts off an import that is still running.
 */
export async function takeBackUnfinishedImports(db: Db, staleMs = IMPORT_STALE_MS): Promise<number> {
  let taken = 0;
  for (const run of await db.select({ id: importRuns.id }).from(importRuns)) {
    const done = await db.transaction(async (tx) => {
      // Claimed by a write first, so the staleness check and the undo are one transaction that
      // holds the write lock: an import that beats in between is not taken, and one taken finds
      // its run gone at its next write and stops.
      const [stale] = await tx
        .update(importRuns)
        .set({ heartbeatAt: importRuns.heartbeatAt })
        .where(and(eq(importRuns.id, run.id), lt(importRuns.heartbeatAt, sql`${DB_NOW} - ${staleMs}`)))
        .returning({ id: importRuns.id });
      if (!stale) return false;
      const undo = emptyUndo();
      for (const row of await tx
        .select()
        .from(importUndo)
        .where(eq(importUndo.importId, run.id))
        .orderBy(importUndo.id)) {
        const part = decodeUndo(row.undo);
        for (const key of Object.keys(undo) as (keyof Undo)[]) (undo[key] as unknown[]).push(...part[key]);
      }
      await applyUndo(tx, undo);
      await tx.delete(importUndo).where(eq(importUndo.importId, run.id));
      await tx.delete(importRuns).where(eq(importRuns.id, run.id));
      return true;
    });
    if (done) taken++;
  }
  return taken;
}

/** Takes back what a failed import wrote, newest first, in one transaction; its journal goes with it. */
async function undoImport(db: Db, undo: Undo, runId: number | null) {
  await db.transaction(async (tx) => {
    if (runId !== null) {
      await tx.delete(importUndo).where(eq(importUndo.importId, runId));
      await tx.delete(importRuns).where(eq(importRuns.id, runId));
    }
    await applyUndo(tx, undo);
  });
}

/** Deletes what an import created and puts back the values it replaced. */
async function applyUndo(tx: Tx, undo: Undo) {
  for (const part of chunks(undo.createdRegistrations))
    await tx.delete(registrations).where(inArray(registrations.id, part));
  for (const r of undo.changedRegistrations)
    await tx.update(registrations).set(r.before).where(eq(registrations.id, r.id));
  for (const part of chunks(undo.createdCustomers)) {
    // Work queued for them meanwhile (a message started while the file went in) must not reach
    // people Pigeon no longer has: deleting them would leave it addressed, with no customer.
    // What may already have gone is left to be settled with the provider, as a cancel does.
    await tx
      .update(deliveries)
      .set({ status: "skipped", skipReason: "customer_removed", waitingReason: null, updatedAt: new Date() })
      .where(
        and(
          inArray(deliveries.customerId, part),
          inArray(deliveries.status, ["queued", "held", "waiting"]),
          isNull(deliveries.attemptStartedAt),
        ),
      );
    await tx.delete(customers).where(inArray(customers.id, part));
  }
  for (const c of undo.changedCustomers) await tx.update(customers).set(c.before).where(eq(customers.id, c.id));
  for (const part of chunks(undo.createdAlbums)) await tx.delete(albums).where(inArray(albums.id, part));
}

/** Rows written per transaction; between two, the import lets other requests have the database. */
const ROWS_PER_TRANSACTION = 500;

/**
 * Imports the good rows: all of it or, if anything fails, none of it (SPEC I2 "nothing
 * half-written"; the page says "nothing was imported"). One transaction for 50,000 rows held the
 * database (and with the synchronous driver the whole process) for many seconds, so every other
 * request waited or timed out. Rows are written 500 to a transaction instead, with a pause for the
 * event loop between, and a failure takes back what the earlier ones wrote (their ids and the
 * values they replaced are kept as it goes). The `customer_registered` events, which automation
 * reacts to, are written last, in one transaction, so no notification fires for an import that
 * then fails. Staff may see the customers appear while it runs. Each transaction also records
 * what it wrote in import_undo, so when the process dies mid-import (a kill, a power cut) the next
 * `pigeon serve` takes it back (takeBackUnfinishedImports) instead of keeping half a file.
 */
export async function importCustomers(
  db: Db,
  rows: GoodRow[],
  opts: ImportOptions,
  pause: () => Promise<unknown> = () => Bun.sleep(0),
): Promise<ImportResult> {
  const undo = emptyUndo();
  let runId: number | null = null;
  try {
    const plan = await planImport(db, rows);
    const [run] = await db
      .insert(importRuns)
      .values({ startedAt: opts.now, heartbeatAt: sql`${DB_NOW}` })
      .returning({ id: importRuns.id });
    runId = run!.id;
    const journal = runId;
    // A row without a language column gets the studio's, as a customer added by hand does.
    const locale = await studioLocale(db);
    const totals = { created: 0, updated: 0, unchanged: 0, albumsCreated: 0 };
    const registered: number[] = [];
    for (const part of chunks(plan.rows, ROWS_PER_TRANSACTION)) {
      await pause();
      // What this transaction wrote joins `undo` only once it committed (a retried attempt starts afresh).
      const done = await db.transaction(async (tx) => {
        // The heartbeat first: it also finds out whether another process took this import back
        // as dead (a long freeze); then it stops, and what it wrote before is undone here too.
        const [alive] = await tx
          .update(importRuns)
          .set({ heartbeatAt: sql`${DB_NOW}` })
          .where(eq(importRuns.id, journal))
          .returning({ id: importRuns.id });
        if (!alive) throw new Error("this import was taken back by another process");
        const mine = emptyUndo();
        const resolved: { customerId: number; row: GoodRow }[] = [];
        const toCreate = part.filter((r) => !r.existing);
        if (toCreate.length) {
          const made = await tx
            .insert(customers)
            .values(toCreate.map((r) => newCustomerValues(r, opts, locale)))
            .returning({ id: customers.id });
          // Rowids of one INSERT ascend in VALUES order; RETURNING's own order is not promised.
          const ids = made.map((m) => m.id).sort((a, b) => a - b);
          toCreate.forEach((row, i) => resolved.push({ customerId: ids[i]!, row }));
          mine.createdCustomers.push(...ids);
        }
        let updated = 0;
        for (const row of part) {
          if (!row.existing) continue;
          const set = { ...changedColumns(row.existing, row, opts) };
          if (Object.keys(set).length) {
            await tx
              .update(customers)
              .set({ ...set, updatedAt: opts.now })
              .where(eq(customers.id, row.existing.id));
            const before = Object.fromEntries(
              [...Object.keys(set), "updatedAt"].map((k) => [k, row.existing![k as keyof Customer]]),
            );
            mine.changedCustomers.push({ id: row.existing.id, before });
            updated++;
          }
          resolved.push({ customerId: row.existing.id, row });
        }
        await noteFixedLines(
          tx,
          part.map((r) => r.customer.phone),
          opts.now,
        );
        const reg = opts.jobId
          ? await registerChunk(tx, opts.jobId, resolved, opts.now, mine)
          : { registered: [], albumsCreated: 0 };
        // What this transaction wrote is on record as soon as it is: a crash after it can be taken back.
        await tx.insert(importUndo).values({ importId: journal, undo: encodeUndo(mine) });
        return { mine, created: toCreate.length, updated, unchanged: part.length - toCreate.length - updated, ...reg };
      });
      for (const key of Object.keys(undo) as (keyof Undo)[]) (undo[key] as unknown[]).push(...done.mine[key]);
      totals.created += done.created;
      totals.updated += done.updated;
      totals.unchanged += done.unchanged;
      totals.albumsCreated += done.albumsCreated;
      registered.push(...done.registered);
    }
    await pause();
    // The events automation reacts to, and the end of the journal: together, or neither.
    await db.transaction(async (tx) => {
      if (opts.jobId && registered.length) await recordRegistrations(tx, opts.jobId, registered, opts.now);
      await tx.delete(importUndo).where(eq(importUndo.importId, journal));
      await tx.delete(importRuns).where(eq(importRuns.id, journal));
    });
    return { ...totals, registered: registered.length, conflicts: plan.conflicts };
  } catch (err) {
    await undoImport(db, undo, runId);
    throw err;
  }
}
