// Outside review, round 2 of issue 13: round 1 fixed the Appointments page's date filter for
// years 0000–0099 (JavaScript reads them as 1900–1999); the API's date-times still say such a
// date "is not a real date and time" (GET /api/v1/appointments?from=0050-01-01T00:00:00Z → 422).
import { expect, test } from "bun:test";
import { instant } from "../src/core/validation.ts";

test("a date-time in the years 0000–0099 is a real date: accepted, or refused for what it is", () => {
  for (const v of ["0050-01-01T00:00:00Z", "0000-02-29T12:00:00Z"]) {
    const r = instant.safeParse(v);
    const message = r.success ? null : r.error.issues[0]!.message;
    expect({ v, message }).not.toEqual({ v, message: "is not a real date and time" });
  }
});
