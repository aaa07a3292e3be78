// /api/v1/deliveries (SPEC I3, D6): who got what, for integrations; and the way out for held
// deliveries — release (send from now) or cancel (never send), one by id or several selected by
// ids, message, or notification and job. Only held deliveries change; the answer says what did.
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { idRef } from "../../core/validation.ts";
import {
  apiKeyName,
  cancelHeld,
  deliveryStatuses,
  type HeldSelection,
  missingReferences,
  releaseHeld,
} from "../../db/held-deliveries.ts";
import type { Delivery } from "../../db/outbox.ts";
import { deliveries } from "../../db/schema.ts";
import { DELIVERY_STATUSES } from "../../core/vocabulary.ts";
import { getSettings } from "../../db/settings.ts";
import type { AppEnv, Ctx } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { iso, jsonBody, parse, pathId } from "./input.ts";

const deliveryQuery = z.object({
  customer_id: z.coerce.number({ error: "must be an id" }).int().positive("must be an id").optional(),
  message_id: z.coerce.number({ error: "must be an id" }).int().positive("must be an id").optional(),
  status: z.enum(DELIVERY_STATUSES, { error: `must be one of ${DELIVERY_STATUSES.join(", ")}` }).optional(),
  before: z.coerce.number({ error: "must be an id" }).int().positive().optional(),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int()
    .min(1, "must be 1 to 500")
    .max(500, "must be 1 to 500")
    .default(100),
});

const MAX_IDS = 1000;
const SELECTORS = ["ids", "message_id", "notification_id"] as const;

/** Which held deliveries a bulk action is about: exactly one of ids, message_id, notification_id (with job_id). */
const bulkSelection = z
  .object({
    ids: z
      .array(idRef, { error: "must be a list of delivery ids" })
      .min(1, "must name at least one delivery")
      .max(MAX_IDS, `must name at most ${MAX_IDS} deliveries`)
      .optional(),
    message_id: idRef.optional(),
    notification_id: idRef.optional(),
    job_id: idRef.nullable().optional(),
  })
  .superRefine((b, ctx) => {
    const given = SELECTORS.filter((k) => b[k] !== undefined);
    if (!given.length)
      ctx.addIssue({
        code: "custom",
        path: ["ids"],
        message: "is required: select held deliveries by ids, message_id, or notification_id with job_id",
      });
    for (const k of given.slice(1))
      ctx.addIssue({ code: "custom", path: [k], message: `cannot be combined with ${given[0]}: give one selection` });
    if (b.notification_id !== undefined && b.job_id === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["job_id"],
        message: "is required with notification_id (null for deliveries without a job)",
      });
    if (b.job_id !== undefined && b.notification_id === undefined)
      ctx.addIssue({ code: "custom", path: ["job_id"], message: "selects only together with notification_id" });
  });

function deliveryJson(d: Delivery) {
  return {
    id: d.id,
    message_id: d.messageId,
    notification_id: d.notificationId,
    job_id: d.jobId,
    customer_id: d.customerId,
    appointment_id: d.appointmentId,
    channel: d.channel,
    to: d.toAddress,
    status: d.status,
    skip_reason: d.skipReason,
    waiting_reason: d.waitingReason,
    error: d.lastError,
    provider: d.provider,
    provider_message_id: d.providerMessageId,
    due_at: d.status === "queued" || d.status === "held" ? iso(d.dueAt) : null,
    created_at: iso(d.createdAt),
    sent_at: d.sentAt ? iso(d.sentAt) : null,
  };
}

async function actor(c: Ctx) {
  const apiKeyId = c.get("apiKeyId")!;
  return { apiKeyId, name: await apiKeyName(c.get("deps").db, apiKeyId) };
}

async function act(c: Ctx, action: "release" | "cancel", sel: HeldSelection) {
  const { db, clock } = c.get("deps");
  if (action === "cancel") return cancelHeld(db, sel, await actor(c), clock());
  const s = await getSettings(db);
  return releaseHeld(db, sel, await actor(c), clock(), {
    batchSize: s.staggerBatchSize,
    intervalSeconds: s.staggerIntervalSeconds,
  });
}

const past = { release: "released", cancel: "cancelled" } as const;

/** One delivery: 404 when there is none, 409 when it is not held (it is left as it is). */
async function actOnOne(c: Ctx, action: "release" | "cancel") {
  const { db } = c.get("deps");
  const deliveryId = pathId(c, "delivery");
  const before = (await deliveryStatuses(db, [deliveryId])).get(deliveryId);
  if (!before) throw new ApiError(404, "There is no delivery with this id.");
  const done = await act(c, action, { ids: [deliveryId] });
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
  if (!done.length)
    throw new ApiError(
      409,
      `This delivery is ${row!.status}, not held, so it was not ${past[action]}. Nothing was changed.`,
    );
  return c.json({ data: deliveryJson(row!) });
}

/** Several held deliveries: 422 for a bad or dangling selection, 409 when none of them is held. */
async function actOnMany(c: Ctx, action: "release" | "cancel") {
  const { db } = c.get("deps");
  const b = parse(bulkSelection, await jsonBody(c));
  const sel: HeldSelection = b.ids
    ? { ids: [...new Set(b.ids)] }
    : b.message_id !== undefined
      ? { messageId: b.message_id }
      : { notificationId: b.notification_id!, jobId: b.job_id ?? null };
  const missing = await missingReferences(db, sel);
  const problems: Record<string, string> = {};
  for (const id of missing.ids) problems[`ids.${b.ids!.indexOf(id)}`] = "no delivery with this id";
  if (missing.message) problems.message_id = "no message with this id";
  if (missing.notification) problems.notification_id = "no notification with this id";
  if (missing.job) problems.job_id = "no job with this id";
  if (Object.keys(problems).length) throw new ApiError(422, "Some fields are not valid.", problems);

  const done = await act(c, action, sel);
  const changed = new Set(done);
  const now = sel.ids ? await deliveryStatuses(db, sel.ids) : new Map();
  const notHeld = (sel.ids ?? []).filter((id) => !changed.has(id)).map((id) => ({ id, status: now.get(id)! }));
  if (!done.length) {
    const fields = Object.fromEntries(notHeld.map((n) => [`ids.${b.ids!.indexOf(n.id)}`, `is ${n.status}, not held`]));
    throw new ApiError(409, `No held deliveries match, so none was ${past[action]}. Nothing was changed.`, fields);
  }
  return c.json({ [past[action]]: done.length, ids: done, not_held: notHeld });
}

export const deliveryApiRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const q = parse(deliveryQuery, c.req.query());
    const where: SQL[] = [];
    if (q.customer_id) where.push(eq(deliveries.customerId, q.customer_id));
    if (q.message_id) where.push(eq(deliveries.messageId, q.message_id));
    if (q.status) where.push(eq(deliveries.status, q.status));
    if (q.before) where.push(lt(deliveries.id, q.before));
    const rows = await c
      .get("deps")
      .db.select()
      .from(deliveries)
      .where(and(...where))
      .orderBy(desc(deliveries.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    return c.json({ data: page.map(deliveryJson), next_before: rows.length > q.limit ? page.at(-1)!.id : null });
  })
  .post("/release", (c) => actOnMany(c, "release"))
  .post("/cancel", (c) => actOnMany(c, "cancel"))
  .post("/:id/release", (c) => actOnOne(c, "release"))
  .post("/:id/cancel", (c) => actOnOne(c, "cancel"));
