// /api/v1/registrations: a customer registered to a job (SPEC C1). One per job and customer,
// so a second registration of the same pair updates the first. Creating one records
// `customer_registered`; photos becoming available records `photos_available`.
import { Hono } from "hono";
import { z } from "zod";
import { instant, optionalText } from "../../core/validation.ts";
import { getAlbum, getRegistration, getRegistrationByExternalId, getRegistrationOf } from "../../db/api-upserts.ts";
import { upsertRegistration } from "../../db/customers.ts";
import type { Registration } from "../../db/schema.ts";
import type { AppEnv } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { customerFieldsRef, withInlineCustomer } from "./customers.ts";
import { externalIdField, iso } from "./input.ts";
import { albumRef, jobRef, mentions, resolveRefs } from "./refs.ts";
import { type Resource, saveResource, showResource, type Write } from "./upsert.ts";

export function registrationJson(r: Registration) {
  return {
    id: r.id,
    external_id: r.externalId,
    job_id: r.jobId,
    customer_id: r.customerId,
    album_id: r.albumId,
    access_code: r.accessCode,
    registered_at: iso(r.registeredAt),
    photos_available_at: iso(r.photosAvailableAt),
    photos_count: r.photosCount,
  };
}

const registrationInput = z.object({
  ...jobRef,
  ...customerFieldsRef,
  ...albumRef,
  access_code: optionalText(100),
  registered_at: instant.optional(),
  photos_available_at: instant.nullable().optional(),
  photos_count: z
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .optional(),
  external_id: externalIdField,
});

type RegistrationInput = z.infer<typeof registrationInput>;

const invalid = (fields: Record<string, string>) => new ApiError(422, "Some fields are not valid.", fields);

/** Saves a registration; with `photosAvailable` (the event), photos are available from now unless they already were. */
export async function saveRegistration(
  w: Write,
  input: RegistrationInput,
  current: Registration | undefined,
  photosAvailable = false,
) {
  const refs = await withInlineCustomer(w, input);
  const { job, customer, album } = await resolveRefs(w.db, refs, {
    job: "required",
    customer: "required",
    album: "optional",
  });
  if (current && (current.jobId !== job || current.customerId !== customer)) {
    throw invalid({ external_id: "is already used by the registration of another customer or job" });
  }
  if (album !== null && (await getAlbum(w.db, album))?.jobId !== job) {
    throw invalid({ [input.album_id != null ? "album_id" : "album_external_id"]: "is an album of another job" });
  }
  const existing = await getRegistrationOf(w.db, job, customer);
  let photosAvailableAt = input.photos_available_at;
  if (photosAvailable && !photosAvailableAt) photosAvailableAt = existing?.photosAvailableAt ?? w.now;
  const changes = {
    albumId: mentions(input, "album") ? album : undefined,
    accessCode: input.access_code,
    photosAvailableAt,
    photosCount: input.photos_count,
    externalId: input.external_id,
  };
  // upsertRegistration cannot run an update that sets nothing: a bare re-send changes nothing.
  if (existing && Object.values(changes).every((v) => v === undefined)) return { row: existing, created: false };
  const { registration, created } = await upsertRegistration(
    w.db,
    { jobId: job, customerId: customer, registeredAt: input.registered_at, ...changes },
    "api",
    w.now,
  );
  return { row: registration, created };
}

export const registrationResource: Resource<Registration, RegistrationInput> = {
  entity: "registration",
  schema: registrationInput,
  byId: getRegistration,
  byExternalId: getRegistrationByExternalId,
  toJson: registrationJson,
  save: (w, input, current) => saveRegistration(w, input, current),
};

export const registrationRoutes = new Hono<AppEnv>()
  .post("/", (c) => saveResource(c, registrationResource))
  .put("/", (c) => saveResource(c, registrationResource))
  .get("/:id", (c) => showResource(c, registrationResource))
  .put("/:id", (c) => saveResource(c, registrationResource, true));
