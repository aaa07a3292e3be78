// Quiet hours by country: the Settings page explains the sending-hours rules of the studio's
// country beside the sending window, warns when the window is wider than they recommend, and a
// new studio starts with a window within them.
import { describe, expect, test } from "bun:test";
import { studioSettings } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { makeTestApp, OWNER, signedInOwner } from "./support/app.ts";

/** The text of the page's quiet-hours note, tags dropped and entities decoded. */
const note = (html: string) =>
  (html.match(/<div id="quiet-hours"[^>]*>([\s\S]*?)<\/div>/)?.[1] ?? "")
    .replace(/<[^>]+>/g, "")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

/**
 * A signed-in owner of a studio in `timeZone` with the window given, whose country is not set
 * (as a studio from before countries were kept): the country is read from the zone.
 */
async function studioIn(timeZone: string, window: { start: string; end: string }, extra: { country?: string } = {}) {
  const t = await makeTestApp();
  const b = await signedInOwner(t);
  await updateSettings(
    t.db,
    { timeZone, country: "", sendWindowStart: window.start, sendWindowEnd: window.end, ...extra },
    new Date(),
  );
  return { t, b, page: (await b.get("/settings")).text };
}

describe("the Settings page explains the sending hours of the studio's country", () => {
  test("a studio in Berlin: no statutory hours, consent under UWG, and no warning for 09:00–21:00", async () => {
    const { page } = await studioIn("Europe/Berlin", { start: "09:00", end: "21:00" });
    const text = note(page);
    expect(text).toContain("Sending hours: Germany (guidance, not legal advice)");
    expect(text).toContain("No hours are set in law for messages about orders and appointments");
    expect(text).toContain("UWG §7");
    expect(text).not.toContain("is wider than");
  });

  test("a studio in Paris: the décret's hours for marketing calls, and a warning that 09:00–21:00 is wider than 10:00–20:00", async () => {
    const { page } = await studioIn("Europe/Paris", { start: "09:00", end: "21:00" });
    const text = note(page);
    expect(text).toContain("Sending hours: France");
    expect(text).toContain("weekdays 10:00–13:00 and 14:00–20:00");
    expect(text).toContain("décret n° 2022-1313");
    expect(text).toContain(
      "The sending window 09:00–21:00 is wider than the recommended 10:00–20:00 (France): it opens 1 hour earlier and closes 1 hour later.",
    );
  });

  test("a studio in Chicago: TCPA 8:00–21:00, stricter states, and a warning naming the extra hour", async () => {
    const { page } = await studioIn("America/Chicago", { start: "09:00", end: "21:00" });
    const text = note(page);
    expect(text).toContain("Sending hours: United States");
    expect(text).toContain(
      "Federal rules (TCPA) allow telemarketing calls and texts only between 8:00 and 21:00 in the recipient's local time",
    );
    expect(text).toContain("Florida, Oklahoma and Maryland allow 8:00–20:00");
    expect(text).toContain("Check your state's rules");
    expect(text).toContain(
      "The sending window 09:00–21:00 is wider than the recommended 08:00–20:00 (United States): it closes 1 hour later.",
    );
  });

  test("the warning goes once the owner saves a window within the recommendation, and comes back with a wider one", async () => {
    const { b, page } = await studioIn("America/Chicago", { start: "09:00", end: "21:00" });
    const form = Object.fromEntries(
      [...page.matchAll(/<input[^>]* name="([a-z_]+)"[^>]* value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    const save = async (start: string, end: string) => {
      const res = await b.post("/settings", {
        ...form,
        name: "Sunny Side Photo",
        brand_color: "#2f6fdf",
        send_window_start: start,
        send_window_end: end,
        default_profile_id: "",
      });
      expect(res.status).toBe(303);
      return note((await b.get("/settings")).text);
    };
    expect(await save("09:00", "20:00")).not.toContain("is wider than");
    expect(await save("07:30", "20:00")).toContain(
      "The sending window 07:30–20:00 is wider than the recommended 08:00–20:00 (United States): it opens 30 minutes earlier.",
    );
  });

  test("the studio's own country wins over its time zone's", async () => {
    const { page } = await studioIn("UTC", { start: "09:00", end: "21:00" }, { country: "AU" });
    const text = note(page);
    expect(text).toContain("Sending hours: Australia");
    expect(text).toContain(
      "weekdays 9:00–20:00 and Saturdays 9:00–17:00, never on Sundays or national public holidays",
    );
    expect(text).toContain("it closes 4 hours later");
  });

  test("a studio in a country Pigeon has no notes on is told so, with no warning", async () => {
    const { page } = await studioIn("Asia/Tokyo", { start: "06:00", end: "24:00" });
    const text = note(page);
    expect(text).toContain(
      "Pigeon has no notes on Japan's rules: check the local rules for marketing calls and messages.",
    );
    expect(text).not.toContain("is wider than");
  });
});

describe("a new studio's sending window", () => {
  const setUpIn = async (timeZone: string) => {
    const t = await makeTestApp();
    await updateSettings(t.db, { timeZone }, new Date());
    const b = t.browser();
    await b.get("/setup");
    expect((await b.post("/setup", OWNER)).status).toBe(303);
    const [row] = await t.db.select().from(studioSettings);
    return `${row!.sendWindowStart}–${row!.sendWindowEnd}`;
  };

  test("starts within its country's rules: 09:00–20:00 in Chicago, 10:00–20:00 in Paris, 09:00–21:00 in Berlin; a zone with no country is read as the US, as its phone numbers are", async () => {
    expect(await setUpIn("America/Chicago")).toBe("09:00–20:00");
    expect(await setUpIn("Europe/Paris")).toBe("10:00–20:00");
    expect(await setUpIn("Europe/Berlin")).toBe("09:00–21:00");
    expect(await setUpIn("UTC")).toBe("09:00–20:00");
  });
});
