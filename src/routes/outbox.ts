// Staff pages for the outbox (SPEC A4, D1, D7): every delivery with live filters, one delivery
// with its timeline and the message as sent, and the dev outbox.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { DeliveryPage, DevOutboxEntryPage, DevOutboxPage, OutboxPage, OutboxResults, type OutboxQuery } from "../../views/outbox.tsx";
import { getCustomer } from "../db/customers.ts";
import { jobChoices } from "../db/jobs.ts";
import { getDeliveryDetail, getDevOutboxEntry, listDevOutbox, listOutbox, parseDevCursor } from "../db/outbox-list.ts";
import { CHANNELS, type Channel, DELIVERY_STATUSES } from "../db/schema.ts";
import { renderDeliveryEmail } from "../dispatch/compose.ts";
import { type AppEnv, isPartial } from "../http/env.ts";

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const optionalId = id.optional().catch(undefined);

const listQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional().catch(undefined),
  channel: z.enum(CHANNELS).optional().catch(undefined),
  source: z.enum(["notification", "message", "test"]).optional().catch(undefined),
  job: optionalId,
  message: optionalId,
  customer: optionalId,
  before: optionalId,
});

export const outboxRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.get("deps");
    const q = listQuery.parse(c.req.query());
    const { rows, nextBefore } = await listOutbox(db, { status: q.status, channel: q.channel, source: q.source, jobId: q.job, messageId: q.message, customerId: q.customer, before: q.before });
    const query: OutboxQuery = q;
    if (isPartial(c)) return c.html(OutboxResults({ rows, nextBefore, query }));
    const [jobs, customer] = await Promise.all([jobChoices(db, [q.job]), q.customer ? getCustomer(db, q.customer) : undefined]);
    const customerName = customer ? `${customer.firstName} ${customer.lastName}`.trim() : null;
    return c.html(OutboxPage({ user: c.get("user")!, csrf: c.get("csrfToken"), rows, nextBefore, query, jobs, customerName }));
  })
  .get("/dev", async (c) => {
    const { db, providers } = c.get("deps");
    const channel = z.enum(CHANNELS).optional().catch(undefined).parse(c.req.query("channel") || undefined);
    const before = parseDevCursor(c.req.query("before"));
    const { rows, nextBefore } = await listDevOutbox(db, { channel, before });
    const devChannels = CHANNELS.filter((ch) => providers[ch].name === "dev") as Channel[];
    return c.html(DevOutboxPage({ user: c.get("user")!, csrf: c.get("csrfToken"), rows, nextBefore, channel, before: c.req.query("before"), devChannels }));
  })
  .get("/dev/:entryId", async (c) => {
    const entryId = c.req.param("entryId");
    const row = /^[\w-]{1,100}$/.test(entryId) ? await getDevOutboxEntry(c.get("deps").db, entryId) : null;
    if (!row) throw new HTTPException(404, { message: "The dev outbox has no such message." });
    return c.html(DevOutboxEntryPage({ user: c.get("user")!, csrf: c.get("csrfToken"), ...row }));
  })
  .get("/:id", async (c) => {
    const deps = c.get("deps");
    const deliveryId = id.safeParse(c.req.param("id"));
    const detail = deliveryId.success ? await getDeliveryDetail(deps.db, deliveryId.data) : null;
    if (!detail) throw new HTTPException(404, { message: "There is no such delivery." });
    const d = detail.delivery;
    // With a real provider (or before sending) the dev outbox has no copy: compose it again to show it.
    let preview: { subject: string; html: string; text: string } | null = null;
    if (!detail.devCopy && d.channel === "email" && d.status !== "skipped") {
      try {
        preview = await renderDeliveryEmail(deps, d);
      } catch (err) {
        deps.log("warn", "could not compose a delivery preview", { delivery: d.id, error: String(err) });
      }
    }
    return c.html(DeliveryPage({ user: c.get("user")!, csrf: c.get("csrfToken"), detail, preview }));
  });
