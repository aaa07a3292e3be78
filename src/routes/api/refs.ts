// References between resources: `job_id` (ours) or `job_external_id` (the integration's),
// SPEC I3. A reference to a row that does not exist is a 422 naming the field that was sent.
import { optionalIdRef } from "../../core/validation.ts";
import { getAlbum, getAlbumByExternalId } from "../../db/api-upserts.ts";
import { getProfile, getProfileByExternalId } from "../../db/profiles.ts";
import type { Db } from "../../db/client.ts";
import { getCustomer, getCustomerByExternalId } from "../../db/customers.ts";
import { getJob, getJobByExternalId } from "../../db/jobs.ts";
import { ApiError } from "../../http/errors.ts";
import { externalIdField } from "./input.ts";

type Found = { id: number } | undefined;
type Finder = {
  byId: (db: Db, id: number) => Promise<Found>;
  byExternalId: (db: Db, externalId: string) => Promise<Found>;
};

const finders = {
  job: { byId: getJob, byExternalId: getJobByExternalId },
  customer: { byId: getCustomer, byExternalId: getCustomerByExternalId },
  album: { byId: getAlbum, byExternalId: getAlbumByExternalId },
  profile: { byId: getProfile, byExternalId: getProfileByExternalId },
} satisfies Record<string, Finder>;

export type RefKind = keyof typeof finders;

/** The zod fields of one reference, to spread into a resource's schema. */
export const jobRef = { job_id: optionalIdRef, job_external_id: externalIdField };
export const customerRef = { customer_id: optionalIdRef, customer_external_id: externalIdField };
export const albumRef = { album_id: optionalIdRef, album_external_id: externalIdField };
export const profileRef = { profile_id: optionalIdRef, profile_external_id: externalIdField };

type Wanted = Partial<Record<RefKind, "required" | "optional">>;
type Resolved<W extends Wanted> = { [K in keyof W]: W[K] extends "required" ? number : number | null };

/** Whether the input names a reference of this kind at all (an explicit null counts: it clears). */
export function mentions(input: Record<string, unknown>, kind: RefKind): boolean {
  return input[`${kind}_id`] !== undefined || input[`${kind}_external_id`] !== undefined;
}

/** The row ids the input refers to; one 422 listing every missing or dangling reference. */
export async function resolveRefs<W extends Wanted>(
  db: Db,
  input: Record<string, unknown>,
  wanted: W,
): Promise<Resolved<W>> {
  const out: Record<string, number | null> = {};
  const problems: Record<string, string> = {};
  for (const [kind, need] of Object.entries(wanted) as [RefKind, "required" | "optional"][]) {
    const id = input[`${kind}_id`];
    const externalId = input[`${kind}_external_id`];
    const byId = typeof id === "number" ? await finders[kind].byId(db, id) : undefined;
    const byExternal = typeof externalId === "string" ? await finders[kind].byExternalId(db, externalId) : undefined;
    if (typeof id === "number" && !byId) problems[`${kind}_id`] = `no ${kind} with this id`;
    else if (typeof externalId === "string" && !byExternal)
      problems[`${kind}_external_id`] = `no ${kind} with this external_id`;
    else if (byId && byExternal && byId.id !== byExternal.id)
      problems[`${kind}_external_id`] = `names another ${kind} than ${kind}_id`;
    else if (!byId && !byExternal && need === "required")
      problems[`${kind}_id`] = `is required (or give ${kind}_external_id)`;
    out[kind] = byId?.id ?? byExternal?.id ?? null;
  }
  if (Object.keys(problems).length) throw new ApiError(422, "Some fields are not valid.", problems);
  return out as Resolved<W>;
}
