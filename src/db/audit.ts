import type { Db } from "./client.ts";
import { auditLog } from "./schema.ts";

export type Actor = { userId?: number | null; apiKeyId?: number | null };

/** Records who did what (SPEC §3 audit log). */
export async function audit(
  db: Db,
  actor: Actor,
  action: string,
  entityType: string,
  entityId: number | null,
  detail?: unknown,
) {
  await db.insert(auditLog).values({
    actorUserId: actor.userId ?? null,
    actorApiKeyId: actor.apiKeyId ?? null,
    action,
    entityType,
    entityId,
    detail: detail ?? null,
  });
}
