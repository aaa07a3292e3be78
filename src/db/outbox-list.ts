// Named queries behind the outbox pages (SPEC A4, A5, D1): deliveries newest first a page at a
// time, one delivery with its events and the dev-outbox copy of what was sent.
import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { Delivery } from "./outbox.ts";
import { customers, deliveries, deliveryEvents, devOutbox, files, jobs, messages, notifications } from "./schema.ts";
import type { Channel } from "../core/vocabulary.ts";
import type { OutboxFolder } from "../core/outbox-query.ts";

export const OUTBOX_PAGE_SIZE = 50;

export type DeliveryStatus = Delivery["status"];
export type SourceType = Delivery["sourceType"];

export type OutboxFilter = {
  folder?: OutboxFolder;
  appointmentId?: number;
  status?: DeliveryStatus;
  channel?: Channel;
  source?: SourceType;
  jobId?: number;
  messageId?: number;
  customerId?: number;
  /** Keyset cursor: only deliveries with a smaller id. */
  before?: number;
};

/** A delivery with the names the list shows beside it. */
export type OutboxRow = {
  delivery: Delivery;
  customerName: string | null;
  jobName: string | null;
  messageName: string | null;
  notificationTrigger: string | null;
};

export type DevOutboxRow = typeof devOutbox.$inferSelect;

const rowColumns = {
  delivery: deliveries,
  customerFirst: customers.firstName,
  customerLast: customers.lastName,
  jobName: jobs.name,
  messageName: messages.name,
  notificationTrigger: notifications.trigger,
};

const joined = (db: Db) =>
  db
    .select(rowColumns)
    .from(deliveries)
    .leftJoin(customers, eq(customers.id, deliveries.customerId))
    .leftJoin(jobs, eq(jobs.id, deliveries.jobId))
    .leftJoin(messages, eq(messages.id, deliveries.messageId))
    .leftJoin(notifications, eq(notifications.id, deliveries.notificationId));

type Joined = Awaited<ReturnType<typeof joined>>[number];

function toRow(r: Joined): OutboxRow {
  const name =
    r.delivery.customerId !== null && r.customerFirst !== null
      ? `${r.customerFirst} ${r.customerLast ?? ""}`.trim() || "(no name)"
      : null;
  return {
    delivery: r.delivery,
    customerName: name,
    jobName: r.jobName,
    messageName: r.messageName,
    notificationTrigger: r.notificationTrigger,
  };
}

/**
 * One-time messages of the "other" folder: to a typed-in address, or to one customer named alone
 * (their only filter). Messages are few beside deliveries, so this list is read whole.
 */
const otherMessages = sql`(select m.id from messages m where m.to_address is not null
  or (json_array_length(m.filters, '$.customer_ids') = 1
      and (select count(*) from json_each(m.filters) f where f.value is not null) = 1))`;

/** Which deliveries a folder holds (see OUTBOX_FOLDERS). */
export function folderCondition(folder: OutboxFolder): SQL {
  switch (folder) {
    case "appointments":
      return sql`${deliveries.appointmentId} is not null`;
    case "campaigns":
      return sql`${deliveries.appointmentId} is null and (${deliveries.notificationId} is not null
        or (${deliveries.messageId} is not null and ${deliveries.messageId} not in ${otherMessages}))`;
    case "other":
      return sql`${deliveries.appointmentId} is null and ${deliveries.notificationId} is null
        and (${deliveries.messageId} is null or ${deliveries.messageId} in ${otherMessages})`;
  }
}

/** One page of the outbox, newest first, and the cursor of the next (older) page. */
export async function listOutbox(db: Db, f: OutboxFilter, limit = OUTBOX_PAGE_SIZE) {
  const where: SQL[] = [];
  if (f.folder) where.push(folderCondition(f.folder));
  if (f.appointmentId) where.push(eq(deliveries.appointmentId, f.appointmentId));
  if (f.status) where.push(eq(deliveries.status, f.status));
  if (f.channel) where.push(eq(deliveries.channel, f.channel));
  if (f.source) where.push(eq(deliveries.sourceType, f.source));
  if (f.jobId) where.push(eq(deliveries.jobId, f.jobId));
  if (f.messageId) where.push(eq(deliveries.messageId, f.messageId));
  if (f.customerId) where.push(eq(deliveries.customerId, f.customerId));
  if (f.before) where.push(lt(deliveries.id, f.before));
  const rows = await joined(db)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(deliveries.id))
    .limit(limit + 1);
  return {
    rows: rows.slice(0, limit).map(toRow),
    nextBefore: rows.length > limit ? rows[limit - 1]!.delivery.id : null,
  };
}

/** The latest deliveries to one customer: the "why didn't she get it" list (SPEC A5). */
export async function customerDeliveries(db: Db, customerId: number, limit = 50): Promise<OutboxRow[]> {
  return (await listOutbox(db, { customerId }, limit)).rows;
}

/** A delivery with its names, its events in order, and the dev outbox's copy when it went there. */
export async function getDeliveryDetail(db: Db, id: number) {
  const [row] = await joined(db).where(eq(deliveries.id, id)).limit(1);
  if (!row) return null;
  const d = row.delivery;
  const [events, devCopy] = await Promise.all([
    db
      .select()
      .from(deliveryEvents)
      .where(eq(deliveryEvents.deliveryId, id))
      .orderBy(deliveryEvents.occurredAt, deliveryEvents.id),
    d.provider === "dev" && d.providerMessageId
      ? db.select().from(devOutbox).where(eq(devOutbox.id, d.providerMessageId)).limit(1)
      : [],
  ]);
  return { ...toRow(row), events, devCopy: devCopy[0] ?? null };
}

export type DeliveryDetail = NonNullable<Awaited<ReturnType<typeof getDeliveryDetail>>>;

/** A dev outbox page position: its entries share timestamps, so the id breaks ties. */
export type DevCursor = { at: number; id: string };

export function parseDevCursor(raw: string | undefined): DevCursor | undefined {
  const m = raw?.match(/^(\d{1,15})_([\w-]{1,100})$/);
  return m ? { at: Number(m[1]), id: m[2]! } : undefined;
}

export const devCursor = (e: DevOutboxRow) => `${e.createdAt.getTime()}_${e.id}`;

/**
 * Dev outbox entries with their delivery and, for a call, how it speaks (SPEC A2): its script, its
 * message's voice and language, or the recording it plays (`audioStoredName` null once deleted).
 */
const devRows = (db: Db) =>
  db
    .select({
      entry: devOutbox,
      deliveryId: deliveries.id,
      script: deliveries.body,
      call: {
        voiceName: messages.voiceName,
        voiceLanguage: messages.voiceLanguage,
        audioName: messages.voiceAudioName,
        audioStoredName: files.storedName,
      },
    })
    .from(devOutbox)
    .leftJoin(deliveries, and(eq(deliveries.provider, "dev"), eq(deliveries.providerMessageId, devOutbox.id)))
    .leftJoin(messages, and(eq(messages.id, deliveries.messageId), eq(deliveries.channel, "voice")))
    .leftJoin(files, eq(files.id, messages.voiceFileId));

/** Everything the dev outbox "delivered", newest first, with the delivery each one belongs to. */
export async function listDevOutbox(db: Db, f: { channel?: Channel; before?: DevCursor }, limit = OUTBOX_PAGE_SIZE) {
  const where: SQL[] = [];
  if (f.channel) where.push(eq(devOutbox.channel, f.channel));
  if (f.before) {
    const at = new Date(f.before.at);
    where.push(or(lt(devOutbox.createdAt, at), and(eq(devOutbox.createdAt, at), lt(devOutbox.id, f.before.id)))!);
  }
  const rows = await devRows(db)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(devOutbox.createdAt), desc(devOutbox.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { rows: page, nextBefore: rows.length > limit ? devCursor(page[page.length - 1]!.entry) : null };
}

/** One dev outbox entry and the delivery it belongs to, if any. */
export async function getDevOutboxEntry(db: Db, id: string) {
  const [row] = await devRows(db).where(eq(devOutbox.id, id)).limit(1);
  return row ?? null;
}

/** The delivery a test send just created, found by its key. */
export async function deliveryIdByKey(db: Db, key: string): Promise<number | null> {
  const [row] = await db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.deliveryKey, key)).limit(1);
  return row?.id ?? null;
}
