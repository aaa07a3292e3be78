// /api/v1/orders: a customer's order in a job makes them a buyer there (SPEC C2). A new order
// records `order_placed`; sending it again by external_id corrects it without a second event.
import { Hono } from "hono";
import { z } from "zod";
import { instant } from "../../core/validation.ts";
import { getOrder, getOrderByExternalId, updateOrder } from "../../db/api-upserts.ts";
import { createOrder } from "../../db/customers.ts";
import type { Order } from "../../db/schema.ts";
import type { AppEnv } from "../../http/env.ts";
import { customerFieldsRef, withInlineCustomer } from "./customers.ts";
import { externalIdField, iso } from "./input.ts";
import { jobRef, resolveRefs } from "./refs.ts";
import { type Resource, saveResource, showResource, type Write } from "./upsert.ts";

export function orderJson(order: Order) {
  return {
    id: order.id,
    external_id: order.externalId,
    job_id: order.jobId,
    customer_id: order.customerId,
    amount: order.amountMinor / 100,
    amount_cents: order.amountMinor,
    ordered_at: iso(order.orderedAt),
    created_at: iso(order.createdAt),
  };
}

/** A decimal amount (24.90, or "24.90") in cents, without going through binary fractions. */
const amount = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : v),
  z
    .string({ error: "must be an amount like 24.90" })
    .regex(/^\d{1,9}(\.\d{1,2})?$/, "must be an amount like 24.90")
    .transform((v) => {
      const [whole, fraction = ""] = v.split(".");
      return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
    }),
);

const orderInput = z.object({ ...jobRef, ...customerFieldsRef, amount, ordered_at: instant.optional(), external_id: externalIdField });

type OrderInput = z.infer<typeof orderInput>;

export async function saveOrder(w: Write, input: OrderInput, current: Order | undefined) {
  const { job, customer } = await resolveRefs(w.db, await withInlineCustomer(w, input), { job: "required", customer: "required" });
  const values = {
    jobId: job,
    customerId: customer,
    amountMinor: input.amount,
    orderedAt: input.ordered_at ?? w.now,
    externalId: input.external_id ?? current?.externalId,
  };
  if (current) return { row: await updateOrder(w.db, current.id, values), created: false };
  return { row: await createOrder(w.db, values, "api", w.now), created: true };
}

export const orderResource: Resource<Order, OrderInput> = {
  entity: "order",
  schema: orderInput,
  byId: getOrder,
  byExternalId: getOrderByExternalId,
  toJson: orderJson,
  save: saveOrder,
};

export const orderRoutes = new Hono<AppEnv>()
  .post("/", (c) => saveResource(c, orderResource))
  .put("/", (c) => saveResource(c, orderResource))
  .get("/:id", (c) => showResource(c, orderResource))
  .put("/:id", (c) => saveResource(c, orderResource, true));
