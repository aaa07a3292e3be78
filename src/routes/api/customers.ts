// /api/v1/customers: upsert by external_id with per-channel consent recorded as given by
// the API (SPEC C, I3). Registrations, orders and bookings may send their customer inline.
import { Hono } from "hono";
import { z } from "zod";
import { studioCountry } from "../../core/country.ts";
import { customerFields } from "../../core/customers.ts";
import { getSettings } from "../../db/settings.ts";
import { setCustomerExternalId } from "../../db/api-upserts.ts";
import { createCustomer, getCustomer, getCustomerByExternalId, updateCustomer } from "../../db/customers.ts";
import type { Customer } from "../../db/schema.ts";
import type { AppEnv } from "../../http/env.ts";
import { type Body, externalIdField, iso } from "./input.ts";
import { customerRef, mentions } from "./refs.ts";
import { type Resource, saveResource, showResource, upsert, type Write } from "./upsert.ts";

const CONSENT_SOURCE = "api";

export function customerJson(customer: Customer) {
  return {
    id: customer.id,
    external_id: customer.externalId,
    first_name: customer.firstName,
    last_name: customer.lastName,
    email: customer.email,
    phone: customer.phone,
    phone_extension: customer.phoneExtension,
    country: customer.country,
    locale: customer.locale,
    time_zone: customer.timeZone,
    consent: { email: customer.consentEmail, sms: customer.consentSms, voice: customer.consentVoice },
    created_at: iso(customer.createdAt),
    updated_at: iso(customer.updatedAt),
  };
}

/** A customer with the API's own id; national numbers are read in the customer's country, else the studio's. */
const customerInput = (country: string) => z.object({ external_id: externalIdField }).and(customerFields(country));

export const customerResource: Resource<Customer, z.output<ReturnType<typeof customerInput>>> = {
  entity: "customer",
  schema: async ({ db }) => customerInput(studioCountry(await getSettings(db))),
  byId: getCustomer,
  byExternalId: getCustomerByExternalId,
  toJson: customerJson,
  under(customer, body) {
    const stored = customerJson(customer);
    // An extension belongs to its number: a new number sent without one has none (a mobile kept
    // showing "ext. 12" after an office number was replaced). The stored number sent back keeps it.
    const same = typeof body.phone === "string" && body.phone.replace(/[^\d+]/g, "") === customer.phone;
    return "phone" in body && !("phone_extension" in body) && !same ? { ...stored, phone_extension: null } : stored;
  },
  async save({ db, now }, input, current) {
    if (!current)
      return { row: await createCustomer(db, input, CONSENT_SOURCE, now, input.external_id), created: true };
    if (input.external_id && input.external_id !== current.externalId)
      await setCustomerExternalId(db, current.id, input.external_id);
    return { row: await updateCustomer(db, current, input, CONSENT_SOURCE, now), created: false };
  },
};

/** The reference fields of the customer a registration, order or booking is for. */
export const customerFieldsRef = {
  ...customerRef,
  customer: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
};

/**
 * The input with a customer sent whole as `customer: {…}` upserted (by its own external_id)
 * in the caller's transaction and named by `customer_id`, so references resolve in one go.
 */
export async function withInlineCustomer<
  T extends { customer_id?: number | null; customer_external_id?: string; customer?: Body },
>(w: Write, input: T): Promise<T> {
  if (!input.customer || mentions(input, "customer")) return input;
  const { row } = await upsert(w, customerResource, input.customer, undefined, "customer.");
  return { ...input, customer_id: row.id };
}

export const customerRoutes = new Hono<AppEnv>()
  .post("/", (c) => saveResource(c, customerResource))
  .put("/", (c) => saveResource(c, customerResource))
  .get("/:id", (c) => showResource(c, customerResource))
  .put("/:id", (c) => saveResource(c, customerResource, true));
