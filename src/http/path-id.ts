// Ids in URLs. Number() and z.coerce read "0x1", "1e0", " 1" and "1.0" as 1, so one row would
// answer to many spellings; only the plain decimal form names it.
import { z } from "zod";

const PLAIN_ID = /^[1-9][0-9]{0,15}$/;

/** The row id `text` spells, or null unless it is a plain positive decimal within 2^53. */
export function pathIdNumber(text: string | undefined): number | null {
  if (text === undefined || !PLAIN_ID.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** The same rule as a zod schema, for routes that `safeParse` their ids. */
export const idParam = z
  .string()
  .transform((v, ctx) => pathIdNumber(v) ?? (ctx.addIssue({ code: "custom", message: "is not an id" }), z.NEVER));
