// Settings → Studio → Tracking (issue 14): link tracking, the open pixel and the attribution
// window are saved from the settings form, refused with a reason beside the field, and audited.
import { describe, expect, test } from "bun:test";
import { auditLog, studioSettings } from "../src/db/schema.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText, settingsForm } from "./support/forms.ts";

const tracking = (f: Record<string, string>) => settingsForm({ tracking_shown: "1", ...f });

describe("tracking settings", () => {
  test("the page explains each setting; saving turns link tracking off, the pixel on and sets the window, audited", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const page = await b.get("/settings");
    const text = pageText(page.text);
    expect(text).toContain("Tracking");
    expect(text).toContain("links go straight to their address");
    expect(text).toContain("Links already sent keep working");
    expect(text).toContain("Opens are an estimate: Apple Mail loads every picture");
    expect(text).toContain("the last click wins");
    // The defaults: links tracked, no pixel, 7 days.
    expect(page.text).toMatch(/name="track_links"[^>]*checked/);
    expect(page.text).not.toMatch(/name="track_opens"[^>]*checked/);
    expect(page.text).toContain('name="attribution_days"');

    // Link tracking unticked (a checkbox sends nothing), the pixel ticked, 30 days.
    const res = await b.post("/settings", tracking({ track_opens: "on", attribution_days: "30" }));
    expect(res.status).toBe(303);
    const [row] = await t.db.select().from(studioSettings);
    expect([row!.trackLinks, row!.trackOpens, row!.attributionDays]).toEqual([false, true, 30]);
    const entries = await t.db.select().from(auditLog);
    const saved = entries.filter((a) => a.entityType === "studio_settings").at(-1)!;
    expect(saved.detail).toEqual({
      tracking: { trackLinks: [true, false], trackOpens: [false, true], attributionDays: [7, 30] },
    });
    const again = await b.get("/settings");
    expect(again.text).not.toMatch(/name="track_links"[^>]*checked/);
    expect(again.text).toMatch(/name="track_opens"[^>]*checked/);
    expect(again.text).toContain('value="30"');
  });

  test('an attribution window typed with spaces around it (" 14 ") is read as 14', async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/settings");
    expect((await b.post("/settings", tracking({ attribution_days: " 14 " }))).status).toBe(303);
    const [row] = await t.db.select().from(studioSettings);
    expect(row!.attributionDays).toBe(14);
  });

  test("a post without the Tracking fieldset (an older form, a script) keeps the tracking settings", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/settings");
    expect((await b.post("/settings", settingsForm())).status).toBe(303);
    const [row] = await t.db.select().from(studioSettings);
    expect([row!.trackLinks, row!.trackOpens, row!.attributionDays]).toEqual([true, false, 7]);
  });

  for (const [typed, problem] of [
    ["0", "must be between 1 and 90 days"],
    ["91", "must be between 1 and 90 days"],
    ["abc", "must be a number of days"],
    ["7.5", "must be a whole number of days"],
    ["", "must be a number of days"],
    // Found by an outside review: Number() read these as 10, 30 and 7 and saved them.
    ["1e1", "must be a number of days"],
    ["0x1e", "must be a number of days"],
    ["+7", "must be a number of days"],
  ] as const) {
    test(`an attribution window of "${typed}" is refused beside the field, what was typed kept, nothing saved`, async () => {
      const t = await makeTestApp();
      const b = await signedInOwner(t);
      await b.get("/settings");
      const res = await b.post("/settings", tracking({ name: "Renamed", attribution_days: typed, track_opens: "on" }));
      expect(res.status).toBe(422);
      expect(res.text).toMatch(new RegExp(`id="attribution_days-error"[^>]*>[^<]*${problem.replace(/ /g, " ")}`));
      expect(res.text).toContain(`value="${typed}"`);
      // The ticked box stays ticked, the unticked one unticked.
      expect(res.text).toMatch(/name="track_opens"[^>]*checked/);
      expect(res.text).not.toMatch(/name="track_links"[^>]*checked/);
      const [row] = await t.db.select().from(studioSettings);
      expect(row!.name).not.toBe("Renamed");
      expect([row!.trackLinks, row!.trackOpens, row!.attributionDays]).toEqual([true, false, 7]);
    });
  }
});
