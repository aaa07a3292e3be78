// Communication profiles as staff use them (SPEC P1–P4, T1, T3): the built-ins, the list and its
// actions, the notification editor's rules and its live preview on real data.
import { describe, expect, test } from "bun:test";
import { asc, eq } from "drizzle-orm";
import { parseNotification, parseNotificationForm } from "../src/core/notification-input.ts";
import { checkTemplate, contextForTrigger, fillTemplate, noEscape } from "../src/core/placeholders.ts";
import { smsInfo, withOptOutHint } from "../src/core/sms-text.ts";
import { TRIGGER_INFO } from "../src/core/triggers.ts";
import { BUILTIN_PROFILES, BUILTIN_TEMPLATES, ensureBuiltinProfiles } from "../src/db/builtin-profiles.ts";
import { createJob } from "../src/db/jobs.ts";
import {
  communicationProfiles,
  customers,
  jobs,
  notifications,
  registrations,
  studioSettings,
  templates,
} from "../src/db/schema.ts";
import { TRIGGERS } from "../src/core/vocabulary.ts";
import { type Browser, makeTestApp, signedInOwner, type TestApp } from "./support/app.ts";

const profileByName = async (t: TestApp, name: string) =>
  (await t.db.select().from(communicationProfiles).where(eq(communicationProfiles.name, name)))[0]!;
const notificationsOf = (t: TestApp, profileId: number) =>
  t.db.select().from(notifications).where(eq(notifications.profileId, profileId)).orderBy(asc(notifications.position));

/** A valid "7 days before the archive date" e-mail as the editor form sends it. */
const archiveForm = {
  trigger: "job_archiving",
  offset: "7",
  time_mode: "morning",
  audience: "potential_buyers",
  condition: "with_photos",
  channel: "email",
  subject: "Last week for {{job.name}}",
  body: 'Hi {{customer.first_name | "there"}}, the gallery closes on {{job.archive_date}}.',
  active: "on",
};

async function ownProfile(t: TestApp, b: Browser, name = "Seniors") {
  await b.get("/profiles");
  const res = await b.post("/profiles", { name });
  expect(res.status).toBe(303);
  return profileByName(t, name);
}

/** A job using `profileId` with one registered customer whose photos are online. */
async function jobWithCustomer(t: TestApp, profileId: number | null, firstName = "Maya") {
  const job = await createJob(
    t.db,
    {
      name: "Lincoln Elementary Fall 2026",
      type: "school",
      archive_date: "2026-12-31",
      shoot_date: "2026-09-14",
      gallery_url: "https://shop.example.com/lincoln",
      profile_id: profileId,
    },
    {},
    "ui",
    new Date("2026-09-01T10:00:00Z"),
  );
  const [customer] = await t.db
    .insert(customers)
    .values({ firstName, lastName: "Okafor", email: `${firstName.toLowerCase()}@example.com`, phone: "+15552010001" })
    .returning();
  await t.db.insert(registrations).values({
    jobId: job.id,
    customerId: customer!.id,
    accessCode: "ZX81-QL42",
    registeredAt: new Date("2026-09-02T10:00:00Z"),
    photosAvailableAt: new Date("2026-09-03T10:00:00Z"),
    photosCount: 14,
  });
  return { job, customer: customer! };
}

describe("built-in profiles and templates", () => {
  test("Standard and Intensive are seeded read-only with 5–7 notifications, and seeding again changes nothing", async () => {
    const t = await makeTestApp();
    const profiles = await t.db.select().from(communicationProfiles).orderBy(asc(communicationProfiles.id));
    expect(profiles.map((p) => [p.name, p.builtIn])).toEqual([
      ["Standard", true],
      ["Intensive", true],
    ]);
    for (const p of profiles) {
      const ns = await notificationsOf(t, p.id);
      expect(ns.length).toBeGreaterThanOrEqual(5);
      expect(ns.length).toBeLessThanOrEqual(7);
    }
    const intensive = await notificationsOf(t, profiles[1]!.id);
    expect(intensive.some((n) => n.channel === "sms")).toBe(true);

    const before = JSON.stringify([
      await t.db.select().from(communicationProfiles),
      await t.db.select().from(notifications),
      await t.db.select().from(templates),
    ]);
    await ensureBuiltinProfiles(t.db, new Date("2027-01-01T00:00:00Z"));
    const after = JSON.stringify([
      await t.db.select().from(communicationProfiles),
      await t.db.select().from(notifications),
      await t.db.select().from(templates),
    ]);
    expect(after).toBe(before);
  });

  test("a built-in text edited in the database is put back, keeping the notification's id", async () => {
    const t = await makeTestApp();
    const standard = await profileByName(t, "Standard");
    const [first] = await notificationsOf(t, standard.id);
    await t.db.update(notifications).set({ body: "tampered" }).where(eq(notifications.id, first!.id));
    await ensureBuiltinProfiles(t.db, new Date("2027-01-01T00:00:00Z"));
    const [restored] = await notificationsOf(t, standard.id);
    expect(restored!.id).toBe(first!.id);
    expect(restored!.body).toBe(first!.body);
  });

  test("there is a template for every trigger and every channel it allows", async () => {
    const t = await makeTestApp();
    const rows = await t.db.select().from(templates).where(eq(templates.builtIn, true));
    for (const trigger of TRIGGERS) {
      for (const channel of TRIGGER_INFO[trigger].channels) {
        expect(rows.some((r) => r.trigger === trigger && r.channel === channel)).toBe(true);
      }
    }
  });

  test("every built-in text passes the placeholder check and the notification rules", () => {
    for (const tpl of BUILTIN_TEMPLATES) {
      // A designed e-mail without a trigger is for one-time messages.
      const context = tpl.trigger ? contextForTrigger(tpl.trigger) : "one_time_message";
      expect({
        name: tpl.name,
        errors: [
          ...checkTemplate(tpl.subject, context, []),
          ...checkTemplate(tpl.preheader, context, []),
          ...checkTemplate(tpl.body, context, []),
        ],
      }).toEqual({ name: tpl.name, errors: [] });
      if (tpl.channel === "email") expect(tpl.subject.trim()).not.toBe("");
    }
    for (const p of BUILTIN_PROFILES) {
      for (const n of p.notifications) {
        const parsed = parseNotification(
          {
            trigger: n.trigger,
            offset_days: n.offsetDays,
            offset_hours: n.offsetHours,
            time_of_day: n.timeOfDay,
            audience: n.audience,
            condition: n.condition,
            channel: n.channel,
            subject: n.subject,
            body: n.body,
            active: n.active,
          },
          [],
        );
        expect({ profile: p.name, trigger: n.trigger, parsed: parsed.ok }).toEqual({
          profile: p.name,
          trigger: n.trigger,
          parsed: true,
        });
      }
    }
  });

  test("built-in SMS texts are GSM-7 and fit one segment for a typical job, opt-out hint included", () => {
    const values = {
      "studio.name": "Sunny Side Photo",
      "job.name": "Lincoln Elementary Fall 2026",
      "customer.first_name": "Anna",
      "customer.access_code": "AB12-CD34",
      "customer.gallery_link": "https://photos.example.com/g/ZzoxOjU.abcdefghijklmnopqrstuv",
      "job.shoot_date": "Monday, September 14, 2026",
      "order.amount": "$124.90",
      "appointment.date": "Tuesday, October 6",
      "appointment.time": "2:30 PM",
    };
    for (const tpl of BUILTIN_TEMPLATES.filter((x) => x.channel === "sms")) {
      const text = withOptOutHint(fillTemplate(tpl.body, values, noEscape), {
        required: !tpl.trigger?.startsWith("appointment_"),
      });
      const info = smsInfo(text);
      expect({ name: tpl.name, encoding: info.encoding, segments: info.segments, nonGsm: info.nonGsm }).toEqual({
        name: tpl.name,
        encoding: "GSM-7",
        segments: 1,
        nonGsm: [],
      });
    }
  });
});

describe("notification rules", () => {
  const ok = { trigger: "job_selling", channel: "email", subject: "Online", body: "Hi {{customer.first_name}}" };

  test("an audience the trigger does not allow is refused with the allowed ones and the reason", () => {
    const res = parseNotification({ ...ok, trigger: "customer_registered", audience: "buyers" }, []);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors.audience).toContain("potential buyers");
    expect(res.errors.audience).toContain("has not ordered yet");
    const order = parseNotification({ ...ok, trigger: "order_placed", audience: "all" }, []);
    expect(!order.ok && order.errors.audience).toContain("Only the customer who ordered");
  });

  test("without an audience the trigger's own is taken", () => {
    const res = parseNotification({ ...ok, trigger: "customer_registered" }, []);
    expect(res.ok && res.value.audience).toBe("potential_buyers");
  });

  test("voice is only for appointment triggers; e-mail needs a subject; the body is required", () => {
    const voice = parseNotification({ ...ok, channel: "voice" }, []);
    expect(!voice.ok && voice.errors.channel).toContain("only for appointment triggers");
    expect(
      parseNotification({ ...ok, trigger: "appointment_reminder", channel: "voice", offset_hours: 24 }, []).ok,
    ).toBe(true);
    const noSubject = parseNotification({ ...ok, subject: "  " }, []);
    expect(!noSubject.ok && noSubject.errors.subject).toBe("An e-mail needs a subject");
    const noBody = parseNotification({ ...ok, channel: "sms", body: "" }, []);
    expect(!noBody.ok && noBody.errors.body).toBe("The message is required");
  });

  test("unknown placeholders are named, with the likely intended one, in subject and body", () => {
    const res = parseNotification(
      { ...ok, subject: "Hi {{customer.frist_name}}", body: "Code {{customer.acces_code}}" },
      [],
    );
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors.subject).toBe(
      "Unknown placeholder {{customer.frist_name}} at line 1, column 4 — did you mean {{customer.first_name}}?",
    );
    expect(res.errors.body).toContain("{{customer.acces_code}}");
    const wrongContext = parseNotification({ ...ok, body: "{{order.amount}}" }, []);
    expect(!wrongContext.ok && wrongContext.errors.body).toContain("not available in job notifications");
    expect(parseNotification({ ...ok, body: "{{snippet.shipping}}" }, ["shipping"]).ok).toBe(true);
  });

  test("offsets count one way per trigger, in days or (appointments) hours, within bounds", () => {
    expect(!parseNotification({ ...ok, offset_days: -2 }, []).ok).toBe(true);
    expect(!parseNotification({ ...ok, offset_days: 400 }, []).ok).toBe(true);
    expect(!parseNotification({ ...ok, offset_hours: 5 }, []).ok).toBe(true);
    expect(parseNotification({ ...ok, trigger: "picture_day", offset_days: -3, time_of_day: "18:00" }, []).ok).toBe(
      true,
    );
    expect(!parseNotification({ ...ok, trigger: "appointment_reminder", offset_hours: 800 }, []).ok).toBe(true);
    const dateAtOnce = parseNotification({ ...ok, trigger: "job_archiving", offset_days: 7 }, []);
    expect(!dateAtOnce.ok && dateAtOnce.errors.time_of_day).toContain("09:00");
    const bad = parseNotification({ ...ok, time_of_day: "9am", offset_days: "x" }, []);
    expect(!bad.ok && Object.keys(bad.errors).sort()).toEqual(["offset_days", "time_of_day"]);
  });

  test("the form's offset, unit, direction and time choice become the API's fields", () => {
    const res = parseNotificationForm(
      {
        trigger: "picture_day",
        offset: "2",
        offset_direction: "before",
        time_mode: "exact",
        time_exact: "07:30",
        audience: "all",
        condition: "any",
        channel: "sms",
        body: "Smile!",
        active: "on",
      },
      [],
    );
    expect(res.ok && { days: res.value.offsetDays, time: res.value.timeOfDay, subject: res.value.subject }).toEqual({
      days: -2,
      time: "07:30",
      subject: "",
    });
    const hours = parseNotificationForm(
      {
        trigger: "appointment_reminder",
        offset: "24",
        offset_unit: "hours",
        time_mode: "immediately",
        channel: "sms",
        body: "See you",
        audience: "all",
      },
      [],
    );
    expect(hours.ok && { h: hours.value.offsetHours, d: hours.value.offsetDays, active: hours.value.active }).toEqual({
      h: 24,
      d: 0,
      active: false,
    });
    const blankTime = parseNotificationForm({ ...archiveForm, time_mode: "exact", time_exact: "" }, []);
    expect(!blankTime.ok && blankTime.errors.time_exact).toBe("must be a time like 09:00");
  });
});

describe("profiles pages", () => {
  test("the list shows each profile with its notification and job counts, badges and the nav entry", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const standard = await profileByName(t, "Standard");
    await jobWithCustomer(t, standard.id);
    await t.db.update(studioSettings).set({ defaultProfileId: standard.id });
    const page = await b.get("/profiles");
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/profiles" aria-current="page"');
    const row = page.text.slice(page.text.indexOf(`id="profile-${standard.id}"`));
    expect(row).toMatch(
      /Standard<\/a><span class="name-badges"><span class="badge default">Default for new jobs<\/span><span class="badge builtin">Built-in<\/span>/,
    );
    expect(row).toMatch(/<td class="num">6<\/td><td class="num">1<\/td>/);
  });

  test("a profile is created, renamed, and a name must be given and unique; typed text is kept", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b, "Seniors 2026");
    const page = await b.get(`/profiles/${profile.id}?done=created`);
    expect(page.text).toContain("Profile created.");
    expect(page.text).toContain("No notifications yet.");

    const clash = await b.post("/profiles", { name: "standard" });
    expect(clash.status).toBe(422);
    expect(clash.text).toContain("There is already a profile called “Standard”");
    expect(clash.text).toContain('value="standard"');
    expect(await t.db.select().from(communicationProfiles)).toHaveLength(3);
    expect((await b.post("/profiles", { name: "  " })).text).toContain("Name is required");

    const renamed = await b.post(`/profiles/${profile.id}/rename`, { name: "Seniors 2027" });
    expect(renamed.status).toBe(303);
    expect(
      (await t.db.query.communicationProfiles.findFirst({ where: eq(communicationProfiles.id, profile.id) }))!.name,
    ).toBe("Seniors 2027");
  });

  test("duplicating copies every notification into an editable “Copy of …”", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const standard = await profileByName(t, "Standard");
    await b.get(`/profiles/${standard.id}`);
    const res = await b.post(`/profiles/${standard.id}/duplicate`, {});
    expect(res.status).toBe(303);
    const copy = await profileByName(t, "Copy of Standard");
    expect(copy.builtIn).toBe(false);
    const [original, copied] = [await notificationsOf(t, standard.id), await notificationsOf(t, copy.id)];
    const content = (ns: typeof original) =>
      ns.map(({ trigger, channel, offsetDays, timeOfDay, audience, condition, subject, body, active }) => ({
        trigger,
        channel,
        offsetDays,
        timeOfDay,
        audience,
        condition,
        subject,
        body,
        active,
      }));
    expect(content(copied)).toEqual(content(original));
    await b.post(`/profiles/${standard.id}/duplicate`, {});
    expect((await profileByName(t, "Copy of Standard (2)")).id).toBeGreaterThan(copy.id);
    const page = await b.get(res.location!);
    expect(page.text).toContain("Add notification");
    expect(page.text).toContain("This copy is yours to change.");
  });

  test("built-in profiles cannot be renamed, deleted or have notifications changed; they offer Duplicate", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const standard = await profileByName(t, "Standard");
    const page = await b.get(`/profiles/${standard.id}`);
    expect(page.text).toContain("read-only");
    expect(page.text).toContain(`action="/profiles/${standard.id}/duplicate"`);
    expect(page.text).not.toContain(`/profiles/${standard.id}/notifications/new`);
    expect(page.text).not.toContain(`action="/profiles/${standard.id}/delete"`);
    const [n] = await notificationsOf(t, standard.id);
    for (const [path, fields] of [
      [`/profiles/${standard.id}/rename`, { name: "Mine" }],
      [`/profiles/${standard.id}/delete`, { confirm: "yes" }],
      [`/profiles/${standard.id}/notifications`, archiveForm],
      [`/profiles/${standard.id}/notifications/${n!.id}`, archiveForm],
      [`/profiles/${standard.id}/notifications/${n!.id}/active`, { active: "off" }],
      [`/profiles/${standard.id}/notifications/${n!.id}/delete`, {}],
    ] as const) {
      const res = await b.post(path, fields);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect((await b.get(`/profiles/${standard.id}/notifications/new`)).status).toBe(403);
    expect(await profileByName(t, "Standard")).toEqual(standard);
    expect(await notificationsOf(t, standard.id)).toHaveLength(6);
  });

  test("deleting a profile that jobs use asks first, saying how many jobs lose it", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    const { job } = await jobWithCustomer(t, profile.id);
    await jobWithCustomer(t, profile.id, "Lena");
    await t.db.update(studioSettings).set({ defaultProfileId: profile.id });

    const ask = await b.post(`/profiles/${profile.id}/delete`, {});
    expect(ask.status).toBe(200);
    expect(ask.text).toContain("2 jobs use this profile.");
    expect(ask.text).toContain("Delete and unassign 2 jobs");
    expect(
      await t.db.select().from(communicationProfiles).where(eq(communicationProfiles.id, profile.id)),
    ).toHaveLength(1);

    const done = await b.post(`/profiles/${profile.id}/delete`, { confirm: "yes" });
    expect(done.status).toBe(303);
    expect(
      await t.db.select().from(communicationProfiles).where(eq(communicationProfiles.id, profile.id)),
    ).toHaveLength(0);
    expect((await t.db.query.jobs.findFirst({ where: eq(jobs.id, job.id) }))!.profileId).toBeNull();
    expect((await t.db.query.studioSettings.findFirst())!.defaultProfileId).toBeNull();
  });

  test("a profile no job uses is deleted at once, with its notifications", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    await b.post(`/profiles/${profile.id}/notifications`, archiveForm);
    const res = await b.post(`/profiles/${profile.id}/delete`, {});
    expect(res.status).toBe(303);
    expect(res.location).toBe("/profiles?done=deleted");
    expect(await notificationsOf(t, profile.id)).toHaveLength(0);
  });

  test("one profile is the default for new jobs, and can stop being it", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const intensive = await profileByName(t, "Intensive");
    await b.get("/profiles");
    expect((await b.post(`/profiles/${intensive.id}/default`, { default: "on" })).status).toBe(303);
    expect((await t.db.query.studioSettings.findFirst())!.defaultProfileId).toBe(intensive.id);
    const page = await b.get(`/profiles/${intensive.id}`);
    expect(page.text).toContain("Default for new jobs");
    expect(page.text).toContain("Stop using as default");
    await b.post(`/profiles/${intensive.id}/default`, { default: "off" });
    expect((await t.db.query.studioSettings.findFirst())!.defaultProfileId).toBeNull();
  });
});

describe("notification editor", () => {
  test("a notification is added and read back as a sentence; editing it moves updatedAt", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    const form = await b.get(`/profiles/${profile.id}/notifications/new`);
    expect(form.status).toBe(200);
    expect(form.text).toContain("Job set to selling");
    const res = await b.post(`/profiles/${profile.id}/notifications`, archiveForm);
    expect(res.status).toBe(303);
    const [n] = await notificationsOf(t, profile.id);
    expect(n).toMatchObject({
      trigger: "job_archiving",
      offsetDays: 7,
      timeOfDay: "09:00",
      audience: "potential_buyers",
      condition: "with_photos",
      channel: "email",
      active: true,
    });
    const page = await b.get(`/profiles/${profile.id}`);
    expect(page.text).toContain(
      "E-mail · 7 days before the archive date at 09:00 · potential buyers · only with photos available",
    );

    const edit = await b.get(`/profiles/${profile.id}/notifications/${n!.id}/edit`);
    expect(edit.text).toContain('value="7"');
    expect(edit.text).toContain("Last week for {{job.name}}");
    t.setNow(new Date("2026-09-05T08:00:00Z"));
    const saved = await b.post(`/profiles/${profile.id}/notifications/${n!.id}`, {
      ...archiveForm,
      offset: "2",
      time_mode: "evening",
    });
    expect(saved.status).toBe(303);
    const [after] = await notificationsOf(t, profile.id);
    expect(after!.id).toBe(n!.id);
    expect(after).toMatchObject({ offsetDays: 2, timeOfDay: "18:00" });
    expect(after!.updatedAt.getTime()).toBe(new Date("2026-09-05T08:00:00Z").getTime());
    expect(after!.updatedAt.getTime()).toBeGreaterThan(n!.updatedAt.getTime());
  });

  test("an audience the trigger does not allow is refused beside the field with the reason; typed values stay and nothing is written", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    const res = await b.post(`/profiles/${profile.id}/notifications`, {
      ...archiveForm,
      trigger: "customer_registered",
      offset: "0",
      time_mode: "immediately",
      audience: "buyers",
      subject: "Welcome <to> {{job.name}}",
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="audience-error"');
    expect(res.text).toContain("goes only to potential buyers");
    expect(res.text).toContain("Someone who has just registered has not ordered yet");
    expect(res.text).toContain("Buyers (not possible here)");
    expect(res.text).toContain('value="Welcome &lt;to&gt; {{job.name}}"');
    expect(res.text).toContain("the gallery closes on {{job.archive_date}}");
    expect(await notificationsOf(t, profile.id)).toHaveLength(0);
  });

  test("an unknown placeholder is named beside the field, with a suggestion, and nothing is saved", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    const res = await b.post(`/profiles/${profile.id}/notifications`, {
      ...archiveForm,
      body: "Hello {{customer.frist_name}}!",
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="body-error"');
    expect(res.text).toContain(
      "Unknown placeholder {{customer.frist_name}} at line 1, column 7 — did you mean {{customer.first_name}}?",
    );
    expect(res.text).toContain("Hello {{customer.frist_name}}!");
    expect(await notificationsOf(t, profile.id)).toHaveLength(0);
  });

  test("changing the trigger re-renders the dependent fields: audiences, units, channels and the template text", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    const start = await b.get(`/profiles/${profile.id}/notifications/new`);
    const selling = BUILTIN_TEMPLATES.find((x) => x.trigger === "job_selling" && x.channel === "email")!;
    expect(start.text).toContain(Bun.escapeHTML(selling.subject));

    const partial = { "HX-Request-Type": "partial" };
    const registered = await b.request(`/profiles/${profile.id}/notifications/form`, {
      method: "POST",
      headers: {
        ...partial,
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "http://localhost",
        "X-CSRF-Token": b.csrf,
      },
      body: new URLSearchParams({
        trigger: "customer_registered",
        shown_trigger: "job_selling",
        shown_channel: "email",
        channel: "email",
        audience: "all",
        subject: selling.subject,
        body: selling.body,
        time_mode: "immediately",
        offset: "0",
      }),
    });
    const html = await registered.text();
    expect(registered.status).toBe(200);
    expect(html.startsWith('<form id="notification-form"')).toBe(true);
    expect(html).not.toContain("<html");
    expect(html).toContain('<option value="potential_buyers" selected="">Potential buyers (no order yet)</option>');
    expect(html).not.toContain('<option value="buyers"');
    expect(html).toContain("has not ordered yet");
    const welcome = BUILTIN_TEMPLATES.find((x) => x.trigger === "customer_registered" && x.channel === "email")!;
    expect(welcome.subject).toContain("registered for {{job.name}}");
    expect(html).toContain("registered for {{job.name}}");

    // Without JavaScript the same endpoint answers a plain form post with the whole page.
    const reminder = await b.post(`/profiles/${profile.id}/notifications/form`, {
      trigger: "appointment_reminder",
      channel: "email",
      offset: "24",
      subject: "Mine",
      body: "My own text",
    });
    expect(reminder.text).toContain("<!DOCTYPE html>");
    expect(reminder.text).toContain('<option value="voice">Voice call</option>');
    expect(reminder.text).toContain('<option value="hours" selected="">hours</option>');
    expect(reminder.text).toContain("before the appointment");
    expect(reminder.text).toContain("My own text");
  });

  test("“Use template” fills the subject and body from the chosen template", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    await b.get(`/profiles/${profile.id}/notifications/new`);
    const [tpl] = await t.db.select().from(templates).where(eq(templates.name, "Coupon ends soon (SMS)"));
    const res = await b.post(`/profiles/${profile.id}/notifications/form`, {
      trigger: "coupon_deadline",
      channel: "sms",
      body: "old",
      template_id: String(tpl!.id),
      use_template: "1",
    });
    expect(res.text).toContain(Bun.escapeHTML(tpl!.body));
    expect(res.text).not.toContain(">old</textarea>");
  });

  test("the on/off switch answers htmx with the row and a plain post with a redirect", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    await b.post(`/profiles/${profile.id}/notifications`, archiveForm);
    const [n] = await notificationsOf(t, profile.id);
    const res = await b.request(`/profiles/${profile.id}/notifications/${n!.id}/active`, {
      method: "POST",
      headers: {
        "HX-Request-Type": "partial",
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "http://localhost",
        "X-CSRF-Token": b.csrf,
      },
      body: new URLSearchParams({ active: "off" }),
    });
    const html = await res.text();
    expect(html.startsWith(`<tr id="notification-${n!.id}" class="inactive">`)).toBe(true);
    expect(html).toContain("Turn on");
    expect((await notificationsOf(t, profile.id))[0]!.active).toBe(false);
    const plain = await b.post(`/profiles/${profile.id}/notifications/${n!.id}/active`, { active: "on" });
    expect(plain.status).toBe(303);
    expect((await notificationsOf(t, profile.id))[0]!.active).toBe(true);
    await b.post(`/profiles/${profile.id}/notifications/${n!.id}/delete`, {});
    expect(await notificationsOf(t, profile.id)).toHaveLength(0);
  });
});

describe("live preview", () => {
  async function preview(b: Browser, profileId: number, fields: Record<string, string>) {
    const res = await b.request(`/profiles/${profileId}/notifications/preview`, {
      method: "POST",
      headers: {
        "HX-Request-Type": "partial",
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "http://localhost",
        "X-CSRF-Token": b.csrf,
      },
      body: new URLSearchParams(fields),
    });
    return { status: res.status, text: await res.text() };
  }

  test("an SMS shows its characters, encoding and segments, and warns past 150 characters", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    await b.get("/profiles");
    const short = await preview(b, profile.id, {
      trigger: "appointment_reminder",
      offset: "24",
      time_mode: "immediately",
      channel: "sms",
      body: "See you tomorrow!",
    });
    expect(short.status).toBe(200);
    expect(short.text).toContain("<strong>17</strong> characters · GSM-7 · 1 segment");
    expect(short.text).not.toContain("Long messages cost more");

    const long = await preview(b, profile.id, {
      trigger: "appointment_reminder",
      offset: "24",
      time_mode: "immediately",
      channel: "sms",
      body: "x".repeat(170),
    });
    expect(long.text).toContain("<strong>170</strong> characters · GSM-7 · 2 segments");
    expect(long.text).toContain("Long messages cost more: this one is 2 segments");

    const curly = await preview(b, profile.id, {
      trigger: "appointment_reminder",
      offset: "24",
      time_mode: "immediately",
      channel: "sms",
      body: "It’s tomorrow",
    });
    expect(curly.text).toContain("UCS-2");
    expect(curly.text).toContain("<code>’</code> switches the text to UCS-2");
  });

  test("the preview uses a real customer of a job using the profile, says so, and shows placeholder errors beside the fields", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    const other = await jobWithCustomer(t, null, "Lena");
    const sample = await preview(b, profile.id, { ...archiveForm, channel: "sms", body: "Hi {{customer.first_name}}" });
    expect(sample.text).toContain("real data of another job: Lena Okafor");
    expect(sample.text).toContain("Hi Lena");
    expect(other.customer.firstName).toBe("Lena");

    await jobWithCustomer(t, profile.id, "Maya");
    const sms = await preview(b, profile.id, {
      ...archiveForm,
      channel: "sms",
      body: "Hi {{customer.first_name}}, code {{customer.access_code}}",
    });
    expect(sms.text).toContain(
      "Shown with real data: Maya Okafor, registered to “Lincoln Elementary Fall 2026”, a job using this profile.",
    );
    expect(sms.text).toContain("Hi Maya, code ZX81-QL42 Reply STOP to opt out.");
    expect(sms.text).toContain("+15552010001");

    const email = await preview(b, profile.id, {
      ...archiveForm,
      body: "Dear {{customer.first_name}}, [gallery]({{customer.gallery_link}}) {{customer.frist_name}}",
    });
    expect(email.text).toContain("maya@example.com");
    expect(email.text).toContain('sandbox=""');
    expect(email.text).toContain("Dear Maya");
    expect(email.text).toContain("http://localhost/g/");
    expect(email.text).toContain("Last week for Lincoln Elementary Fall 2026");
    expect(email.text).toContain(
      "E-mail · 7 days before the archive date at 09:00 · potential buyers · only with photos available",
    );
    expect(email.text).toContain(
      '<div id="body-live" aria-live="polite" hx-swap-oob="true"><small class="error" id="body-error">Unknown placeholder {{customer.frist_name}}',
    );
    expect(email.text).toContain('<div id="subject-live" aria-live="polite" hx-swap-oob="true"></div>');
  });

  test("with no customers at all the preview says it shows sample values", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const profile = await ownProfile(t, b);
    const res = await preview(b, profile.id, { ...archiveForm, channel: "sms", body: "Hi {{customer.first_name}}" });
    expect(res.text).toContain("No registered customers yet, so this shows sample values.");
    expect(res.text).toContain("Hi Anna");
    // The editor page carries the preview already, before any typing.
    const page = await b.get(`/profiles/${profile.id}/notifications/new`);
    expect(page.text).toContain('id="notification-preview"');
    expect(page.text).toContain(
      'hx-trigger="input delay:400ms from:&#39;closest form&#39;, change from:&#39;closest form&#39;"',
    );
    expect(page.text).toContain("shows sample values");
  });
});
