// /api/v1/inbox (SPEC A4, I3): the replies customers sent, newest first, with the appointment they
// answered, their media (ids and types; the bytes are on the staff-only /inbox/media/<id>), and
// whether staff have read them. `unread=true` lists only those waiting for staff, `unread=false` the rest.
import { Hono } from "hono";
import { z } from "zod";
import { fieldErrors } from "../../core/validation.ts";
import { type ApiReply, listReplies } from "../../db/inbox.ts";
import type { AppEnv } from "../../http/env.ts";
import { ApiError } from "../../http/errors.ts";
import { iso } from "./input.ts";

const id = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, "must be an id")
  .transform(Number);

// Strict: a misspelt filter (unraed=true) would otherwise list everything as if it were unread.
const inboxQuery = z.strictObject(
  {
    unread: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
    customer_id: id.optional(),
    before: id.optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, "must be 1 to 500")
      .transform(Number)
      .refine((n) => n >= 1 && n <= 500, "must be 1 to 500")
      .optional(),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? "is not a filter of the inbox" : undefined) },
);

function replyJson(r: ApiReply) {
  return {
    id: r.id,
    customer_id: r.customerId,
    appointment_id: r.appointmentId,
    channel: r.channel,
    from: r.fromAddress,
    body: r.body,
    media: r.media.map((m) => ({
      id: m.id,
      content_type: m.contentType,
      size: m.sizeBytes,
      url: m.error ? null : `/inbox/media/${m.id}`,
      error: m.error,
    })),
    received_at: iso(r.receivedAt),
    // Read by staff, or handled by Pigeon itself (nothing for staff to read).
    read: r.readAt !== null || r.handledAs !== "inbox",
    read_at: r.readAt ? iso(r.readAt) : null,
    archived: r.archivedAt !== null,
    handled_as: r.handledAs,
    // What Pigeon texted back by itself (a confirmation, the help text), or null.
    answer: r.answer,
  };
}

export const inboxApiRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const parsed = inboxQuery.safeParse(c.req.query());
  if (!parsed.success) {
    const issues = parsed.error.issues;
    // An unknown key is named under its own name; fieldErrors would name it again under "_" (no path).
    const fields: Record<string, string> = fieldErrors(
      new z.ZodError(issues.filter((issue) => issue.code !== "unrecognized_keys")),
    );
    for (const issue of issues)
      if (issue.code === "unrecognized_keys") for (const k of issue.keys) fields[k] = "is not a filter of the inbox";
    throw new ApiError(400, "The query is not valid.", fields);
  }
  const q = parsed.data;
  const limit = q.limit ?? 100;
  const { rows, nextBefore } = await listReplies(c.get("deps").db, {
    unread: q.unread === undefined ? undefined : q.unread === "true",
    customerId: q.customer_id,
    before: q.before,
    limit,
  });
  return c.json({ data: rows.map(replyJson), next_before: nextBefore });
});
