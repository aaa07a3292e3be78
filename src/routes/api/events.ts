// /api/v1/events: an integration reports what happened in its shop, and the automation
// hears the same domain event a resource write records (SPEC I1). Each type takes the
// fields of its resource; the answer is `{ type, <resource>: {…} }`.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv, Ctx } from "../../http/env.ts";
import { appointmentResource } from "./appointments.ts";
import { type Body, jsonBody, parse } from "./input.ts";
import { orderResource } from "./orders.ts";
import { registrationResource, saveRegistration } from "./registrations.ts";
import { type Resource, upsert, writeForRequest } from "./upsert.ts";

const EVENT_TYPES = ["photos_available", "order_placed", "customer_registered", "appointment_booked"] as const;
const eventType = z.object({ type: z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(", ")}` }) });

/** A registration whose photos are available, from now unless `photos_available_at` says otherwise. */
const photosAvailable: typeof registrationResource = {
  ...registrationResource,
  save: (w, input, current) => saveRegistration(w, input, current, true),
};

async function record<Row extends { id: number }, Input>(c: Ctx, type: string, r: Resource<Row, Input>, body: Body) {
  const { row, created } = await writeForRequest(c, r.entity, (w) => upsert(w, r, body));
  return c.json({ type, [r.entity]: r.toJson(row) }, created ? 201 : 200);
}

export const eventRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const body = await jsonBody(c);
  const { type } = parse(eventType, body);
  switch (type) {
    case "photos_available":
      return record(c, type, photosAvailable, body);
    case "customer_registered":
      return record(c, type, registrationResource, body);
    case "order_placed":
      return record(c, type, orderResource, body);
    case "appointment_booked":
      return record(c, type, appointmentResource, body);
  }
});
