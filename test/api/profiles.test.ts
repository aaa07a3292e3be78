// /api/v1/profiles (SPEC I3): profiles with their notifications, created or replaced by external_id.
import { describe, expect, test } from "bun:test";
import { asc, eq } from "drizzle-orm";
import { communicationProfiles, notifications } from "../../src/db/schema.ts";
import { apiRequest, fieldsOf, makeApiApp, rows } from "./support.ts";

const sellingEmail = {
  trigger: "job_selling",
  time_of_day: "immediately",
  audience: "all",
  condition: "with_photos",
  channel: "email",
  subject: "Photos of {{job.name}}",
  body: "Hi {{customer.first_name}}!",
};
const archiveSms = {
  trigger: "job_archiving",
  offset_days: 2,
  time_of_day: "18:00",
  audience: "potential_buyers",
  channel: "sms",
  body: "Last chance: {{customer.gallery_link}}",
};
const reminderCall = {
  trigger: "appointment_reminder",
  offset_hours: 24,
  channel: "voice",
  body: "Hello {{customer.first_name}}, see you {{appointment.time}}.",
};

describe("GET /api/v1/profiles", () => {
  test("lists every profile with its notifications in the I3 shape, built-ins included", async () => {
    const t = await makeApiApp();
    const res = await t.get("/profiles");
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    const standard = res.body.data.find((p: { name: string }) => p.name === "Standard");
    expect(standard).toMatchObject({ external_id: "pigeon:standard", built_in: true, is_default: false });
    expect(standard.notifications).toHaveLength(6);
    const coupon = standard.notifications.find((n: { trigger: string }) => n.trigger === "coupon_deadline");
    expect(coupon).toMatchObject({
      offset_days: 3,
      time_of_day: "09:00",
      audience: "potential_buyers",
      condition: "with_photos",
      channel: "email",
      active: true,
    });
    expect(typeof coupon.id).toBe("number");
    expect(coupon.subject).toContain("{{job.name}}");
    expect(coupon).not.toHaveProperty("offset_hours");
  });

  test("needs an API key", async () => {
    const t = await makeApiApp();
    expect((await apiRequest(t.app, "GET", "/profiles")).status).toBe(401);
  });
});

describe("POST /api/v1/profiles", () => {
  test("creates a profile with its notifications and answers it with its id", async () => {
    const t = await makeApiApp();
    const res = await t.post("/profiles", {
      name: "School (shop)",
      external_id: "shop-7",
      is_default: true,
      notifications: [sellingEmail, archiveSms, reminderCall],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "School (shop)", external_id: "shop-7", built_in: false, is_default: true });
    expect(typeof res.body.id).toBe("number");
    expect(res.body.notifications.map((n: { trigger: string; channel: string }) => [n.trigger, n.channel])).toEqual([
      ["job_selling", "email"],
      ["job_archiving", "sms"],
      ["appointment_reminder", "voice"],
    ]);
    expect(res.body.notifications[2]).toMatchObject({
      offset_days: 0,
      offset_hours: 24,
      time_of_day: "immediately",
      audience: "all",
      subject: "",
    });
    expect(res.body.notifications[1]).toMatchObject({ offset_days: 2, condition: "any", active: true });
    expect((await t.db.query.studioSettings.findFirst())!.defaultProfileId).toBe(res.body.id);
    const shown = await t.get(`/profiles/${res.body.id}`);
    expect(shown.body).toEqual(res.body);
  });

  test("the same external_id replaces the notifications; unchanged ones keep their ids", async () => {
    const t = await makeApiApp();
    const first = await t.post("/profiles", {
      name: "School (shop)",
      external_id: "shop-7",
      notifications: [sellingEmail, archiveSms],
    });
    const [sellingId, archiveId] = first.body.notifications.map((n: { id: number }) => n.id);
    t.setNow(new Date("2026-09-02T10:00:00Z"));
    const again = await t.post("/profiles", {
      name: "School (shop, v2)",
      external_id: "shop-7",
      notifications: [{ ...sellingEmail, subject: "New subject for {{job.name}}" }, reminderCall],
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.name).toBe("School (shop, v2)");
    expect(again.body.notifications).toHaveLength(2);
    expect(again.body.notifications[0]).toMatchObject({ id: sellingId, subject: "New subject for {{job.name}}" });
    expect(again.body.notifications[1].id).not.toBe(archiveId);
    expect(await t.db.select().from(notifications).where(eq(notifications.id, archiveId))).toHaveLength(0);
    const [kept] = await t.db.select().from(notifications).where(eq(notifications.id, sellingId));
    expect(kept!.updatedAt.toISOString()).toBe("2026-09-02T10:00:00.000Z");
    expect(await rows(t.db, communicationProfiles)).toBe(3);

    // Sent once more unchanged: nothing is rewritten.
    t.setNow(new Date("2026-09-03T10:00:00Z"));
    const same = await t.post("/profiles", { external_id: "shop-7", notifications: again.body.notifications });
    expect(same.body.notifications.map((n: { id: number }) => n.id)).toEqual(
      again.body.notifications.map((n: { id: number }) => n.id),
    );
    const after = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.profileId, first.body.id))
      .orderBy(asc(notifications.position));
    expect(after.map((n) => n.updatedAt.toISOString())).toEqual([
      "2026-09-02T10:00:00.000Z",
      "2026-09-02T10:00:00.000Z",
    ]);
    expect(same.body.name).toBe("School (shop, v2)");
  });

  test("PUT /profiles/:id replaces by our id; leaving notifications out keeps them", async () => {
    const t = await makeApiApp();
    const created = await t.post("/profiles", { name: "Sports", notifications: [sellingEmail] });
    const res = await t.put(`/profiles/${created.body.id}`, { name: "Sports 2026", description: "Leagues" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Sports 2026", description: "Leagues" });
    expect(res.body.notifications).toHaveLength(1);
    expect((await t.put("/profiles/999", { name: "x" })).status).toBe(404);
  });

  test("bad notifications are answered with field paths and the reason; nothing is written", async () => {
    const t = await makeApiApp();
    const res = await t.post("/profiles", {
      name: "Broken",
      notifications: [
        { ...sellingEmail, body: "Hi {{customer.frist_name}}" },
        { ...sellingEmail, subject: "" },
        { ...sellingEmail, trigger: "customer_registered", audience: "buyers" },
        { ...archiveSms, channel: "voice", time_of_day: "9am" },
        "nope",
      ],
    });
    expect(res.status).toBe(422);
    const fields = fieldsOf(res);
    expect(fields["notifications.0.body"]).toBe(
      "Unknown placeholder {{customer.frist_name}} at line 1, column 4 — did you mean {{customer.first_name}}?",
    );
    expect(fields["notifications.1.subject"]).toBe("An e-mail needs a subject");
    expect(fields["notifications.2.audience"]).toContain('potential buyers ("potential_buyers")');
    expect(fields["notifications.2.audience"]).toContain("has not ordered yet");
    expect(fields["notifications.3.channel"]).toContain("only for appointment triggers");
    expect(fields["notifications.3.time_of_day"]).toContain("09:00");
    expect(fields["notifications.4"]).toBe("must be an object");
    expect(await rows(t.db, communicationProfiles)).toBe(2);
  });

  test("the profile itself is checked too", async () => {
    const t = await makeApiApp();
    const noName = await t.post("/profiles", { notifications: [] });
    expect(noName.status).toBe(422);
    expect(fieldsOf(noName)).toEqual({ name: "is required" });
    const notList = await t.post("/profiles", { name: "X", notifications: { trigger: "job_selling" } });
    expect(fieldsOf(notList)).toEqual({ notifications: "must be a list of notifications" });
    const clash = await t.post("/profiles", { name: "standard" });
    expect(clash.status).toBe(409);
    expect(fieldsOf(clash).name).toContain("already used by another profile");
    expect(await rows(t.db, communicationProfiles)).toBe(2);
  });

  test("built-in profiles cannot be changed through the API", async () => {
    const t = await makeApiApp();
    const [standard] = await t.db
      .select()
      .from(communicationProfiles)
      .where(eq(communicationProfiles.name, "Standard"));
    const before = await t.db.select().from(notifications).where(eq(notifications.profileId, standard!.id));
    const byExternal = await t.post("/profiles", {
      name: "Standard",
      external_id: "pigeon:standard",
      notifications: [sellingEmail],
    });
    expect(byExternal.status).toBe(409);
    expect(byExternal.body.error.message).toContain("built-in profile");
    const byId = await t.put(`/profiles/${standard!.id}`, { name: "Mine" });
    expect(byId.status).toBe(409);
    expect(await t.db.select().from(notifications).where(eq(notifications.profileId, standard!.id))).toEqual(before);
    expect(
      (await t.db.query.communicationProfiles.findFirst({ where: eq(communicationProfiles.id, standard!.id) }))!.name,
    ).toBe("Standard");
    expect((await t.db.query.studioSettings.findFirst())?.defaultProfileId ?? null).toBeNull();
  });
});
