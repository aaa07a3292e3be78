// Settings → Studio → Tracking (issue 14): link tracking, the open pixel and the attribution
// window are saved from the settings form, refused with a reason beside the field, and audited.
import { describe, expect, test } from "bun:test";
import { auditLog, customers, deliveries, messages, studioSettings } from "../src/db/schema.ts";
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
    // Off: what happens to links already sent and to Resend's own click reports, said plainly.
    expect(text).toContain("clicks on links already sent still forward but are not counted, so they earn no orders");
    expect(text).toContain("Resend's own click reports still count, if click tracking is on in Resend");
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

  test("while link tracking is off, a message's Performance says its clicks are not counted (eyes walk)", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const now = t.deps.clock();
    const [m] = await t.db
      .insert(messages)
      .values({ name: "Sale", channels: ["email"], filters: {}, status: "sent", activatedAt: now })
      .returning();
    const [c] = await t.db.insert(customers).values({ firstName: "Ann", lastName: "B", email: "a@x.test" }).returning();
    await t.db.insert(deliveries).values({
      deliveryKey: "k-off",
      sourceType: "message",
      messageId: m!.id,
      channel: "email",
      customerId: c!.id,
      toAddress: "a@x.test",
      status: "delivered",
      dueAt: now,
      sentAt: now,
    });
    const note = "Link tracking is off (Settings → Studio → Tracking): clicks are not counted";
    const performance = async () => {
      const text = pageText((await b.get(`/messages/${m!.id}`)).text);
      return text.slice(text.indexOf("Performance"), text.indexOf("Report")).replace(/\( /g, "(").replace(/ \)/g, ")");
    };
    expect(await performance()).not.toContain("Link tracking is off");
    await b.post("/settings", tracking({ attribution_days: "7" }));
    expect((await t.db.select().from(studioSettings))[0]!.trackLinks).toBe(false);
    expect(await performance()).toContain(note);
    expect((await b.get(`/messages/${m!.id}`)).text).toContain('href="/settings#tracking"');
  });
});
