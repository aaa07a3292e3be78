// What an integration sends, checked once for every resource: a JSON object of at most
// 1 MB, validated by zod into 422s that name each bad field (SPEC I3).
import { bodyLimit } from "hono/body-limit";
import { pathIdNumber } from "../../http/path-id.ts";
import { z } from "zod";
import { CONTROL_PROBLEM, fieldErrors, noControl } from "../../core/validation.ts";
import type { Ctx } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";

export type Body = Record<string, unknown>;

export const MAX_BODY_BYTES = 1024 * 1024;

export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, "Body must be at most 1 MB.");
  },
});

/** The request's JSON object: 415 for another content type, 400 for anything but a JSON object. */
export async function jsonBody(c: Ctx): Promise<Body> {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new ApiError(415, "Send the body as JSON with `Content-Type: application/json`.");
  }
  let value: unknown;
  try {
    value = JSON.parse(await c.req.text());
  } catch {
    throw new ApiError(400, "Body must be JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new ApiError(400, "Body must be a JSON object");
  return value as Body;
}

/** Validates `value` or answers 422 with every bad field; `prefix` names where a nested object sits. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, prefix = ""): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = Object.fromEntries(
    Object.entries(fieldErrors(result.error)).map(([path, problem]) => [`${prefix}${path}`, problem]),
  );
  throw new ApiError(422, "Some fields are not valid.", fields);
}

/** The numeric id in the path: plain decimal digits only (`0x1`, `1e0`, ` 1` name no row). */
export function pathId(c: Ctx, what: string): number {
  const id = pathIdNumber(c.req.param("id"));
  if (id === null) throw new ApiError(404, `There is no ${what} with this id.`);
  return id;
}

/** The integration's own id for a row; numbers are taken as their text. */
export const externalIdField = z.preprocess(
  // null: none. An update lays the body over the stored row, whose external_id may be null.
  (v) => (typeof v === "number" ? String(v) : v === null ? undefined : v),
  z
    .string({ error: "must be text" })
    .trim()
    .min(1, "must not be empty")
    .max(200, "must be at most 200 characters")
    .refine(noControl, CONTROL_PROBLEM)
    .optional(),
);

/** `page` and `per_page` of a list answer: pages from 1, 1 to 100 rows a page, 25 unless asked. */
export const paging = {
  page: z.coerce.number({ error: "must be a page number" }).int().min(1, "must be 1 or more").default(1),
  per_page: z.coerce
    .number({ error: "must be a number" })
    .int()
    .min(1, "must be 1 to 100")
    .max(100, "must be 1 to 100")
    .default(25),
};

export const externalIdOnly = z.object({ external_id: externalIdField });

/**
 * An update lays the body over the stored resource, so fields left out keep their values
 * and `null` clears one. A reference sent another way (`job_external_id`, or a whole
 * `customer: {…}`) replaces the stored `job_id` / `customer_id`.
 */
export function overlay(stored: Body, body: Body): Body {
  const out = { ...stored, ...body };
  for (const [key, value] of Object.entries(body)) {
    const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
    const idKey = key.endsWith("_external_id") ? key.replace(/_external_id$/, "_id") : isObject ? `${key}_id` : null;
    if (idKey && !(idKey in body)) delete out[idKey];
  }
  return out;
}

/** Instants go out as ISO 8601 in UTC. */
export function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}
