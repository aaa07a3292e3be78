// The database behind the dev outbox provider: what would have been sent, kept to be read.
import { and, desc, eq, gte, type SQL } from "drizzle-orm";
import type { DevOutboxEntry, DevOutboxQuery, DevOutboxStore } from "../providers/dev-outbox.ts";
import type { Db } from "./client.ts";
import { devOutbox } from "./schema.ts";

export function databaseDevOutboxStore(db: Db): DevOutboxStore {
  return {
    async record(e: DevOutboxEntry) {
      await db.insert(devOutbox).values({
        id: e.id,
        channel: e.channel,
        toAddress: e.to,
        fromAddress: e.from,
        subject: e.subject ?? null,
        body: e.body,
        html: e.html ?? null,
        headers: e.headers ?? null,
        files:
          e.attachments?.length || e.mediaUrls?.length
            ? {
                ...(e.attachments?.length && {
                  attachments: e.attachments.map((a) => ({
                    filename: a.filename,
                    size: a.content.length,
                    contentType: a.contentType,
                    ...(a.link && { link: a.link }),
                  })),
                }),
                ...(e.mediaUrls?.length && { mediaUrls: e.mediaUrls }),
              }
            : null,
        ref: e.ref,
        status: e.status,
        createdAt: e.createdAt,
      });
    },
    async findLatest(q: DevOutboxQuery) {
      const where: SQL[] = [eq(devOutbox.channel, q.channel)];
      if (q.ref !== undefined) where.push(eq(devOutbox.ref, q.ref));
      if (q.to !== undefined) where.push(eq(devOutbox.toAddress, q.to));
      if (q.body !== undefined) where.push(eq(devOutbox.body, q.body));
      if (q.since !== undefined) where.push(gte(devOutbox.createdAt, q.since));
      const [row] = await db
        .select()
        .from(devOutbox)
        .where(and(...where))
        .orderBy(desc(devOutbox.createdAt))
        .limit(1);
      if (!row) return null;
      return {
        id: row.id,
        channel: row.channel,
        to: row.toAddress,
        from: row.fromAddress,
        subject: row.subject ?? undefined,
        body: row.body,
        html: row.html ?? undefined,
        headers: row.headers ?? undefined,
        ref: row.ref,
        status: "delivered",
        createdAt: row.createdAt,
      };
    },
  };
}
