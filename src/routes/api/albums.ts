// /api/v1/albums: the groups or classes inside a job (SPEC J2), upserted by external_id or,
// without one, by their name within the job.
import { Hono } from "hono";
import { z } from "zod";
import { requiredText } from "../../core/validation.ts";
import { getAlbum, getAlbumByExternalId, updateAlbum } from "../../db/api-upserts.ts";
import { createAlbum, findAlbumByName } from "../../db/jobs.ts";
import type { Album } from "../../db/schema.ts";
import type { AppEnv } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { externalIdField, iso } from "./input.ts";
import { jobRef, resolveRefs } from "./refs.ts";
import { type Resource, saveResource, showResource } from "./upsert.ts";

export function albumJson(album: Album) {
  return {
    id: album.id,
    external_id: album.externalId,
    job_id: album.jobId,
    name: album.name,
    created_at: iso(album.createdAt),
  };
}

const albumInput = z.object({ ...jobRef, name: requiredText(120, "Name"), external_id: externalIdField });

const nameTaken = () =>
  new ApiError(422, "Some fields are not valid.", { name: "another album of this job has this name" });

export const albumResource: Resource<Album, z.infer<typeof albumInput>> = {
  entity: "album",
  schema: albumInput,
  byId: getAlbum,
  byExternalId: getAlbumByExternalId,
  toJson: albumJson,
  async save({ db }, input, current) {
    const { job } = await resolveRefs(db, input, { job: "required" });
    const sameName = await findAlbumByName(db, job, input.name);
    const externalId = input.external_id ?? current?.externalId ?? null;
    if (current) {
      if (sameName && sameName.id !== current.id) throw nameTaken();
      return { row: await updateAlbum(db, current.id, { jobId: job, name: input.name, externalId }), created: false };
    }
    if (!sameName) return { row: await createAlbum(db, job, input.name, externalId), created: true };
    // The album exists under this name: adopt it, unless the integration already knows it by another id.
    if (sameName.externalId && externalId && sameName.externalId !== externalId) throw nameTaken();
    return {
      row: await updateAlbum(db, sameName.id, {
        jobId: job,
        name: input.name,
        externalId: externalId ?? sameName.externalId,
      }),
      created: false,
    };
  },
};

export const albumRoutes = new Hono<AppEnv>()
  .post("/", (c) => saveResource(c, albumResource))
  .put("/", (c) => saveResource(c, albumResource))
  .get("/:id", (c) => showResource(c, albumResource))
  .put("/:id", (c) => saveResource(c, albumResource, true));
