// /api/v1/orders: a customer's order in a job makes them a buyer there (SPEC C2). A new order
// records `order_placed`; sending it again by external_id corrects it without a second event.
// Amounts are decimals of the order's currency (the studio's unless it names one), kept in minor units.
import { Hono } from "hono";
import { z } from "zod";
import { AMOUNT_PROBLEM, currencyCode, fromMinor, isDecimal, toMinor } from "../../core/money.ts";
import { instant } from "../../core/validation.ts";
import { getOrder, getOrderByExternalId, updateOrder } from "../../db/api-upserts.ts";
import { createOrder } from "../../db/customers.ts";
import type { Db } from "../../db/client.ts";
import { type OrderWithSource, withSource } from "../../db/order-sources.ts";
import type { Order } from "../../db/schema.ts";
import { getSettings } from "../../db/settings.ts";
import type { AppEnv } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { customerFieldsRef, withInlineCustomer } from "./customers.ts";
import { externalIdField, iso } from "./input.ts";
import { jobRef, resolveRefs } from "./refs.ts";
import { type Resource, saveResource, showResource, type Write } from "./upsert.ts";

export function orderJson(order: OrderWithSource) {
  return {
    id: order.id,
    external_id: order.externalId,
    job_id: order.jobId,
    customer_id: order.customerId,
    amount: fromMinor(order.amountMinor, order.currency),
    amount_minor: order.amountMinor,
    currency: order.currency,
    ordered_at: iso(order.orderedAt),
    created_at: iso(order.createdAt),
    // The message or notification whose click earned the order (last click within the window), or null.
    attributed_to: order.attributedTo && {
      delivery_id: order.attributedTo.deliveryId,
      message_id: order.attributedTo.messageId,
      notification_id: order.attributedTo.notificationId,
    },
  };
}

// Its decimals are checked against the currency in saveOrder, once the currency is known.
const amount = z.union([z.string(), z.number()], { error: AMOUNT_PROBLEM }).refine(isDecimal, AMOUNT_PROBLEM);

const orderInput = z.object({
  ...jobRef,
  ...customerFieldsRef,
  amount,
  currency: currencyCode.optional(),
  ordered_at: instant.optional(),
  external_id: externalIdField,
});

type OrderInput = z.infer<typeof orderInput>;

export async function saveOrder(w: Write, input: OrderInput, current: Order | undefined) {
  const { row, created } = await writeOrder(w, input, current);
  return { row: await withSource(w.db, row), created };
}

/** How far ahead an order's time may be: a shop's clock a little fast, or a zone mistaken, not a typo's year. */
const ORDERED_AT_LEEWAY_MS = 24 * 3_600_000;

async function writeOrder(w: Write, input: OrderInput, current: Order | undefined) {
  // Checked before the refs, which may create an inline customer the refusal would leave half-made.
  // An order from the future would sit in "this week" and win attributions of clicks yet to come.
  if (input.ordered_at && input.ordered_at.getTime() > w.now.getTime() + ORDERED_AT_LEEWAY_MS)
    throw new ApiError(422, "Some fields are not valid.", {
      ordered_at: "must not be in the future (more than a day ahead of now)",
    });
  const currency = input.currency ?? (await getSettings(w.db)).currency;
  const minor = toMinor(input.amount, currency);
  if (!minor.ok) throw new ApiError(422, "Some fields are not valid.", { amount: minor.problem });
  const { job, customer } = await resolveRefs(w.db, await withInlineCustomer(w, input), {
    job: "required",
    customer: "required",
  });
  const values = {
    jobId: job,
    customerId: customer,
    amountMinor: minor.minor,
    currency,
    orderedAt: input.ordered_at ?? w.now,
    externalId: input.external_id ?? current?.externalId,
  };
  if (current) return { row: await updateOrder(w.db, current.id, values), created: false };
  return { row: await createOrder(w.db, values, "api", w.now), created: true };
}

const sourced = (db: Db, o: Order | undefined) => (o ? withSource(db, o) : undefined);

export const orderResource: Resource<OrderWithSource, OrderInput> = {
  entity: "order",
  schema: orderInput,
  byId: async (db, id) => sourced(db, await getOrder(db, id)),
  byExternalId: async (db, externalId) => sourced(db, await getOrderByExternalId(db, externalId)),
  toJson: orderJson,
  save: saveOrder,
};

export const orderRoutes = new Hono<AppEnv>()
  .post("/", (c) => saveResource(c, orderResource))
  .put("/", (c) => saveResource(c, orderResource))
  .get("/:id", (c) => showResource(c, orderResource))
  .put("/:id", (c) => saveResource(c, orderResource, true));
