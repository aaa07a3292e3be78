// The inbox (SPEC A4): replies grouped into conversations — one per customer, or per number for a
// sender Pigeon does not know — with unread and archived markers, the thread of one conversation
// (our deliveries and their replies in time order), and the media that came with replies.
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, lte, max, or, type SQL, sql } from "drizzle-orm";
import type { ConversationKey } from "../core/inbox.ts";
import type { Db, Tx } from "./client.ts";
import type { Delivery } from "./outbox.ts";
import { unseenAlertCount, unseenAlerts } from "./appointment-changes.ts";
import { appointments, customers, deliveries, inboundMedia, inboundMessages, messages } from "./schema.ts";

export const INBOX_PAGE_SIZE = 30;
/** How much of a thread one page shows: the latest replies and deliveries of the conversation. */
export const THREAD_LIMIT = 200;

export type InboundRow = typeof inboundMessages.$inferSelect;

/** The reply rows of one conversation. */
export function ofConversation(k: ConversationKey): SQL {
  return "customerId" in k
    ? eq(inboundMessages.customerId, k.customerId)
    : and(isNull(inboundMessages.customerId), eq(inboundMessages.fromAddress, k.from))!;
}

/** Replies staff have to read: handled automatically ones (confirmations, STOP…) never count as unread. */
const unreadSql = sql<number>`coalesce(sum(case when ${inboundMessages.handledAs} = 'inbox' and ${inboundMessages.readAt} is null then 1 else 0 end), 0)`;

export type Conversation = {
  key: ConversationKey;
  customerName: string | null;
  /** For an unknown number's conversation: the customer who has the number now, if any. */
  nowCustomer: { id: number; name: string } | null;
  fromAddress: string;
  lastAt: Date;
  lastBody: string;
  lastHandledAs: string;
  lastMedia: number;
  unread: number;
  replies: number;
};

/**
 * One page of conversations: those with a reply not archived (or, `archived`, with an archived
 * one), conversations with unread replies first, then the newest.
 */
export async function listConversations(
  db: Db,
  opts: { archived?: boolean; page?: number; limit?: number } = {},
): Promise<{ rows: Conversation[]; more: boolean }> {
  const limit = opts.limit ?? INBOX_PAGE_SIZE;
  const page = opts.page ?? 1;
  const unread = unreadSql.as("unread");
  const grouped = await db
    .select({
      customerId: inboundMessages.customerId,
      fromAddress: sql<string>`min(${inboundMessages.fromAddress})`,
      lastId: max(inboundMessages.id),
      replies: sql<number>`count(*)`,
      unread,
    })
    .from(inboundMessages)
    .where(opts.archived ? isNotNull(inboundMessages.archivedAt) : isNull(inboundMessages.archivedAt))
    .groupBy(
      inboundMessages.customerId,
      sql`case when ${inboundMessages.customerId} is null then ${inboundMessages.fromAddress} end`,
    )
    .orderBy(sql`unread > 0 desc`, desc(max(inboundMessages.receivedAt)), desc(max(inboundMessages.id)))
    .limit(limit + 1)
    .offset((page - 1) * limit);
  const rows = grouped.slice(0, limit);
  const lastIds = rows.map((r) => r.lastId!).filter(Boolean);
  const last = lastIds.length
    ? await db
        .select({
          reply: inboundMessages,
          first: customers.firstName,
          lastName: customers.lastName,
          media: sql<number>`(select count(*) from ${inboundMedia} where ${inboundMedia.inboundMessageId} = ${inboundMessages.id})`,
        })
        .from(inboundMessages)
        .leftJoin(customers, eq(customers.id, inboundMessages.customerId))
        .where(inArray(inboundMessages.id, lastIds))
    : [];
  const byId = new Map(last.map((l) => [l.reply.id, l]));
  const strangers = rows.filter((r) => r.customerId === null).map((r) => r.fromAddress);
  const now = new Map<string, { id: number; name: string }>();
  for (const address of strangers) {
    const c = await customerNowAt(db, address);
    if (c) now.set(address, c);
  }
  return {
    more: grouped.length > limit,
    rows: rows.map((r) => {
      const l = byId.get(r.lastId!)!;
      return {
        key: r.customerId !== null ? { customerId: r.customerId } : { from: r.fromAddress },
        customerName: r.customerId !== null ? fullName(l.first, l.lastName) : null,
        nowCustomer: r.customerId === null ? (now.get(r.fromAddress) ?? null) : null,
        fromAddress: l.reply.fromAddress,
        lastAt: l.reply.receivedAt,
        lastBody: l.reply.body,
        lastHandledAs: l.reply.handledAs,
        lastMedia: Number(l.media),
        unread: Number(r.unread),
        replies: Number(r.replies),
      };
    }),
  };
}

const fullName = (first: string | null, last: string | null) =>
  first === null ? null : `${first} ${last ?? ""}`.trim() || "(no name)";

/** Replies staff have not read yet (inbox ones, not archived): the count in the navigation. */
export async function unreadCount(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(inboundMessages)
    .where(
      and(eq(inboundMessages.handledAs, "inbox"), isNull(inboundMessages.readAt), isNull(inboundMessages.archivedAt)),
    );
  return Number(row?.n ?? 0);
}

/** Something that changes whenever a reply arrives, is read or archived: what the live list watches. */
export async function inboxVersion(db: Db): Promise<string> {
  const [row] = await db
    .select({
      last: max(inboundMessages.id),
      read: sql<number>`count(${inboundMessages.readAt})`,
      archived: sql<number>`count(${inboundMessages.archivedAt})`,
    })
    .from(inboundMessages);
  return `${row?.last ?? 0}:${row?.read ?? 0}:${row?.archived ?? 0}`;
}

/** When a delivery happened as a history tells it: sent, else settled (skipped, failed), else written. */
export function deliveryTime(d: Delivery): Date {
  if (d.sentAt) return d.sentAt;
  return ["skipped", "failed", "bounced", "undelivered"].includes(d.status) ? d.updatedAt : d.createdAt;
}

export type MediaInfo = { id: number; contentType: string; sizeBytes: number; error: string | null };

export type ThreadItem =
  | { kind: "reply"; at: Date; reply: InboundRow; media: MediaInfo[] }
  | { kind: "delivery"; at: Date; delivery: Delivery; text: string | null };

/** Who the conversation is with: the customer's name and addresses, or only the number. */
export async function conversationWho(db: Db, k: ConversationKey) {
  if ("customerId" in k) {
    const [c] = await db.select().from(customers).where(eq(customers.id, k.customerId));
    return c
      ? { name: fullName(c.firstName, c.lastName)!, phone: c.phone, email: c.email, customer: c, nowCustomer: null }
      : null;
  }
  return { name: null, phone: k.from, email: null, customer: null, nowCustomer: await customerNowAt(db, k.from) };
}

/**
 * Our deliveries of one conversation: to the customer; for an unknown number the messages typed
 * to it, and those to a customer who has the number now (answers go to them: see customerNowAt).
 */
function ourDeliveries(db: Db, k: ConversationKey): SQL {
  return "customerId" in k
    ? eq(deliveries.customerId, k.customerId)
    : or(
        and(
          isNull(deliveries.customerId),
          inArray(
            deliveries.messageId,
            db.select({ id: messages.id }).from(messages).where(eq(messages.toAddress, k.from)),
          ),
        ),
        inArray(
          deliveries.customerId,
          db
            .select({ id: customers.id })
            .from(customers)
            .where(or(eq(customers.phone, k.from), eq(customers.email, k.from))),
        ),
      )!;
}

/**
 * The customer who has this address now (the lowest id if several), or null: a number that wrote
 * to us before it became a customer's is answered as that customer, with their consent and opt-outs.
 */
export async function customerNowAt(db: Db | Tx, address: string): Promise<{ id: number; name: string } | null> {
  const [c] = await db
    .select({ id: customers.id, first: customers.firstName, last: customers.lastName })
    .from(customers)
    .where(or(eq(customers.phone, address), eq(customers.email, address)))
    .orderBy(asc(customers.id))
    .limit(1);
  return c ? { id: c.id, name: fullName(c.first, c.last)! } : null;
}

/**
 * The thread of one conversation, oldest first: their replies (with their media) and our
 * deliveries to them — to the customer, or for an unknown number the messages typed to it.
 */
export async function conversationThread(db: Db, k: ConversationKey, limit = THREAD_LIMIT): Promise<ThreadItem[]> {
  const replies = await db
    .select()
    .from(inboundMessages)
    .where(ofConversation(k))
    .orderBy(desc(inboundMessages.receivedAt), desc(inboundMessages.id))
    .limit(limit);
  const sent = await db
    .select({
      delivery: deliveries,
      // The message's text on the delivery's own channel (issue 12: each channel has its own).
      messageBody: sql<
        string | null
      >`case ${deliveries.channel} when 'sms' then ${messages.smsBody} when 'voice' then ${messages.voiceScript} else ${messages.body} end`,
    })
    .from(deliveries)
    .leftJoin(messages, eq(messages.id, deliveries.messageId))
    .where(ourDeliveries(db, k))
    .orderBy(desc(deliveries.id))
    .limit(limit);
  const media = await mediaOf(
    db,
    replies.map((r) => r.id),
  );
  // Ours before theirs at the same instant (a reply answers something); the sort keeps that order.
  const items: ThreadItem[] = [
    ...sent.reverse().map(({ delivery: d, messageBody }) => ({
      kind: "delivery" as const,
      at: deliveryTime(d),
      delivery: d,
      // A delivery keeps the text it was sent with. One never sent has none: what it would have said
      // is its message's text (an answer typed in the inbox), unless that holds placeholders
      // ({{appointment.date}}), which would read as if sent like that; its reason says what happened.
      text: d.body ?? (messageBody && !messageBody.includes("{{") ? messageBody : null),
    })),
    ...replies
      .reverse()
      .map((r) => ({ kind: "reply" as const, at: r.receivedAt, reply: r, media: media.get(r.id) ?? [] })),
  ];
  return items.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The media of these replies (without their bytes), by reply. */
export async function mediaOf(db: Db, replyIds: number[]): Promise<Map<number, MediaInfo[]>> {
  const out = new Map<number, MediaInfo[]>();
  if (!replyIds.length) return out;
  const rows = await db
    .select({
      id: inboundMedia.id,
      replyId: inboundMedia.inboundMessageId,
      contentType: inboundMedia.contentType,
      sizeBytes: inboundMedia.sizeBytes,
      error: inboundMedia.error,
    })
    .from(inboundMedia)
    .where(inArray(inboundMedia.inboundMessageId, replyIds))
    .orderBy(asc(inboundMedia.id));
  for (const r of rows) out.set(r.replyId, [...(out.get(r.replyId) ?? []), r]);
  return out;
}

/** A conversation's version for its live view: a new reply, a read or a delivery moving on changes it. */
export async function threadVersion(db: Db, k: ConversationKey): Promise<string> {
  const [r] = await db
    .select({ last: max(inboundMessages.id), read: sql<number>`count(${inboundMessages.readAt})` })
    .from(inboundMessages)
    .where(ofConversation(k));
  // Our answers too (for an unknown number, those typed to it), so a live thread shows their status.
  const [d] = await db
    .select({
      last: max(deliveries.id),
      moved: max(deliveries.updatedAt),
      // A fingerprint of the statuses: a delivery moving on within the same millisecond as it was
      // written (or under a stopped clock) changes no time, but changes this.
      statuses: sql<number>`total(${deliveries.id} * (unicode(${deliveries.status}) + 31 * length(${deliveries.status})))`,
    })
    .from(deliveries)
    .where(ourDeliveries(db, k));
  return `${r?.last ?? 0}:${r?.read ?? 0}:${d?.last ?? 0}:${d?.moved?.getTime() ?? 0}:${d?.statuses ?? 0}`;
}

/**
 * Marks a conversation's unread replies read, up to the newest one staff were shown (`upto`, a
 * reply id): one that came after stays unread. Returns how many were unread.
 */
export async function markConversationRead(db: Db, k: ConversationKey, now: Date, upto: number): Promise<number> {
  const rows = await db
    .update(inboundMessages)
    .set({ readAt: now })
    .where(and(ofConversation(k), isNull(inboundMessages.readAt), lte(inboundMessages.id, upto)))
    .returning({ id: inboundMessages.id });
  return rows.length;
}

/**
 * Archives a conversation: its replies leave the inbox (read, as staff dealt with them) and stay
 * in the customer's history. Only those up to the newest staff were shown (`upto`): one that came
 * after stays in the inbox, unread. A later reply opens it again. Returns how many replies it moved.
 */
export async function archiveConversation(db: Db, k: ConversationKey, now: Date, upto: number): Promise<number> {
  const rows = await db
    .update(inboundMessages)
    .set({ archivedAt: now, readAt: sql`coalesce(${inboundMessages.readAt}, ${now.getTime()})` })
    .where(and(ofConversation(k), isNull(inboundMessages.archivedAt), lte(inboundMessages.id, upto)))
    .returning({ id: inboundMessages.id });
  return rows.length;
}

/** Puts an archived conversation back into the inbox. */
export async function unarchiveConversation(db: Db, k: ConversationKey): Promise<number> {
  const rows = await db
    .update(inboundMessages)
    .set({ archivedAt: null })
    .where(and(ofConversation(k), isNotNull(inboundMessages.archivedAt)))
    .returning({ id: inboundMessages.id });
  return rows.length;
}

/** One media item with its bytes, for the staff-only media route. */
export async function getMedia(db: Db, id: number) {
  const [row] = await db.select().from(inboundMedia).where(eq(inboundMedia.id, id));
  return row ?? null;
}

/** What a fetch of a reply's media gave: its bytes, or why there are none. */
export type FetchedMedia = {
  contentType: string;
  sourceUrl: string;
  content: Uint8Array | null;
  error: string | null;
};

/** Stores a reply's media on the transaction that stores the reply. */
export async function storeMedia(tx: Tx, inboundId: number, items: FetchedMedia[], now: Date): Promise<void> {
  if (!items.length) return;
  await tx.insert(inboundMedia).values(
    items.map((m) => ({
      inboundMessageId: inboundId,
      contentType: m.contentType,
      sizeBytes: m.content?.byteLength ?? 0,
      content: m.content ? Buffer.from(m.content) : null,
      sourceUrl: m.sourceUrl,
      error: m.error,
      createdAt: now,
    })),
  );
}

/** Whether a reply with this provider id is stored already (a provider's retry). */
export async function inboundStored(db: Db, providerMessageId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(eq(inboundMessages.providerMessageId, providerMessageId))
    .limit(1);
  return !!row;
}

export type ApiReply = InboundRow & { media: MediaInfo[] };

/** Replies for the API, newest first, a page at a time by id (`before`). */
export async function listReplies(
  db: Db,
  f: { unread?: boolean; customerId?: number; before?: number; limit: number },
): Promise<{ rows: ApiReply[]; nextBefore: number | null }> {
  const where: SQL[] = [];
  // Unread: waiting for staff. A reply Pigeon handled itself (a confirmation, STOP) never is.
  const unread = and(isNull(inboundMessages.readAt), eq(inboundMessages.handledAs, "inbox"))!;
  if (f.unread === true) where.push(unread);
  if (f.unread === false) where.push(sql`not (${unread})`);
  if (f.customerId) where.push(eq(inboundMessages.customerId, f.customerId));
  if (f.before) where.push(lt(inboundMessages.id, f.before));
  const rows = await db
    .select()
    .from(inboundMessages)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(inboundMessages.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const media = await mediaOf(
    db,
    page.map((r) => r.id),
  );
  return {
    rows: page.map((r) => ({ ...r, media: media.get(r.id) ?? [] })),
    nextBefore: rows.length > f.limit ? page[page.length - 1]!.id : null,
  };
}

/** A customer's replies, newest first, for their history. */
export async function customerReplies(db: Db, customerId: number, limit = 200) {
  const replies = await db
    .select()
    .from(inboundMessages)
    .where(eq(inboundMessages.customerId, customerId))
    .orderBy(desc(inboundMessages.receivedAt), desc(inboundMessages.id))
    .limit(limit);
  const media = await mediaOf(
    db,
    replies.map((r) => r.id),
  );
  return replies.map((r) => ({ reply: r, media: media.get(r.id) ?? [] }));
}

export type AlertRow = {
  id: number;
  toStatus: string;
  source: string;
  at: Date;
  appointmentId: number;
  startsAt: Date;
  customerId: number;
  customerName: string;
};

/** The alerts a page shows (the newest) and how many are unseen in all. */
export type AlertList = { rows: AlertRow[]; total: number };

/** Customers' cancellations and reschedule requests nobody has seen, newest first, with whom and when. */
export async function alertRows(db: Db, limit = 50): Promise<AlertList> {
  const [changes, total] = await Promise.all([unseenAlerts(db, limit), unseenAlertCount(db)]);
  if (!changes.length) return { rows: [], total };
  const rows = await db
    .select({
      id: appointments.id,
      startsAt: appointments.startsAt,
      customerId: customers.id,
      first: customers.firstName,
      last: customers.lastName,
    })
    .from(appointments)
    .innerJoin(customers, eq(customers.id, appointments.customerId))
    .where(inArray(appointments.id, [...new Set(changes.map((ch) => ch.appointmentId))]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    total,
    rows: changes.flatMap((ch) => {
      const a = byId.get(ch.appointmentId);
      return a
        ? [
            {
              id: ch.id,
              toStatus: ch.toStatus,
              source: ch.source,
              at: ch.createdAt,
              appointmentId: a.id,
              startsAt: a.startsAt,
              customerId: a.customerId,
              customerName: fullName(a.first, a.last)!,
            },
          ]
        : [];
    }),
  };
}
