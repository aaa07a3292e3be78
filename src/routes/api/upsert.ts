// The one write path every API resource shares (SPEC I3): find the row by path id or by
// `external_id`, lay the body over it, validate, save, audit — in one transaction, so a
// repeated or racing POST updates the same row instead of adding a second one.
import type { z } from "zod";
import { writeAtomically, uniqueViolation } from "../../db/api-upserts.ts";
import { type Actor, audit } from "../../db/audit.ts";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { type Body, externalIdOnly, jsonBody, overlay, parse, pathId } from "./input.ts";

/** Everything a write needs: the transaction, the request's clock reading, and who is writing. */
export type Write = { db: Db; now: Date; actor: Actor };

export type Resource<Row extends { id: number }, Input> = {
  /** The audit log's entity type and the noun in messages. */
  entity: string;
  /** The body's rules; a function when they depend on stored settings (a customer's phone on the studio's country). */
  schema: z.ZodType<Input> | ((w: Write) => Promise<z.ZodType<Input>>);
  byId(db: Db, id: number): Promise<Row | undefined>;
  byExternalId(db: Db, externalId: string): Promise<Row | undefined>;
  toJson(row: Row): Body;
  /** What an update lays `body` over, when that is not simply toJson(row). */
  under?(row: Row, body: Body): Body;
  /** Creates the row, or updates `current` (or a row it finds by a natural key). */
  save(w: Write, input: Input, current: Row | undefined): Promise<{ row: Row; created: boolean }>;
};

/**
 * The stored resource as an update starts from. A row made without an external_id answers
 * `"external_id": null`, which the body's rules refuse ("must be text": an id cannot be
 * cleared): laid under the body it would refuse every later update that does not name one.
 */
function storedFields(stored: Body): Body {
  if (stored.external_id !== null) return stored;
  const { external_id: _, ...rest } = stored;
  return rest;
}

/** Creates or updates one resource from `body`, inside the caller's transaction. */
export async function upsert<Row extends { id: number }, Input>(
  w: Write,
  r: Resource<Row, Input>,
  body: Body,
  id?: number,
  prefix = "",
) {
  // A bad external_id finds nothing here and is reported with the other fields below.
  const external_id = externalIdOnly.safeParse(body).data?.external_id;
  const current =
    id !== undefined ? await r.byId(w.db, id) : external_id ? await r.byExternalId(w.db, external_id) : undefined;
  if (id !== undefined && !current) throw new ApiError(404, `There is no ${r.entity} with this id.`);
  const schema = typeof r.schema === "function" ? await r.schema(w) : r.schema;
  const input = parse(
    schema,
    current ? overlay(storedFields(r.under?.(current, body) ?? r.toJson(current)), body) : body,
    prefix,
  );
  const saved = await r.save(w, input, current);
  await audit(w.db, w.actor, saved.created ? "created" : "updated", r.entity, saved.row.id);
  return saved;
}

/** Runs a write for this request all or nothing; a unique clash that survives the retries is a 409. */
export async function writeForRequest<T>(c: Ctx, entity: string, write: (w: Write) => Promise<T>): Promise<T> {
  const { db, clock } = c.get("deps");
  try {
    return await writeAtomically(db, (tx) => write({ db: tx, now: clock(), actor: { apiKeyId: c.get("apiKeyId") } }));
  } catch (err) {
    const columns = uniqueViolation(err);
    if (!columns) throw err;
    const field = columns.includes("external_id") ? "external_id" : (columns.at(-1) ?? "_");
    throw new ApiError(409, `This conflicts with another ${entity}.`, {
      [field]: `is already used by another ${entity}`,
    });
  }
}

/** The POST/PUT handler: 201 with the new resource, or 200 with the updated one. */
export async function saveResource<Row extends { id: number }, Input>(
  c: Ctx,
  r: Resource<Row, Input>,
  byPathId = false,
) {
  const id = byPathId ? pathId(c, r.entity) : undefined;
  const body = await jsonBody(c);
  const { row, created } = await writeForRequest(c, r.entity, (w) => upsert(w, r, body, id));
  return c.json(r.toJson(row), created ? 201 : 200);
}

/** The GET-by-id handler. */
export async function showResource<Row extends { id: number }, Input>(c: Ctx, r: Resource<Row, Input>) {
  const row = await r.byId(c.get("deps").db, pathId(c, r.entity));
  if (!row) throw new ApiError(404, `There is no ${r.entity} with this id.`);
  return c.json(r.toJson(row));
}
