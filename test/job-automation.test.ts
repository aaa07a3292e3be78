// The job page's "Automated notifications" (SPEC P7, P8): what goes when, what went to how
// many, who was skipped and why — and a changed date re-plans what has not gone yet; a firing
// that fails says why, when it is tried again, and when Pigeon gave up.
import { expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { runAutomation } from "../src/automation/run.ts";
import { createCustomer, upsertRegistration } from "../src/db/customers.ts";
import { changeJobStatus, createJob } from "../src/db/jobs.ts";
import { communicationProfiles, jobs, notifications } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";

test("the job page shows each notification's plan, what went, and who was not reached with the reason", async () => {
  const now = new Date("2026-09-10T15:00:00Z");
  const t = await makeTestApp({ now });
  await updateSettings(t.db, { timeZone: "America/Chicago" }, now);
  const [profile] = await t.db.insert(communicationProfiles).values({ name: "School basics" }).returning();
  await t.db.insert(notifications).values([
    { profileId: profile!.id, trigger: "job_selling", channel: "email", subject: "Selling", body: "Hi" },
    {
      profileId: profile!.id,
      trigger: "job_archiving",
      channel: "email",
      offsetDays: 7,
      timeOfDay: "09:00",
      subject: "Soon gone",
      body: "Hi",
    },
    {
      profileId: profile!.id,
      trigger: "coupon_deadline",
      channel: "sms",
      offsetDays: 3,
      timeOfDay: "18:00",
      body: "Hi",
    },
  ]);
  const job = await createJob(
    t.db,
    { name: "Lincoln", type: "school", archive_date: "2026-12-01", profile_id: profile!.id },
    {},
    "ui",
    now,
  );
  const anna = await createCustomer(
    t.db,
    { first_name: "Anna", last_name: "Alder", email: "anna@x.test", consent: { email: true } },
    "test",
    now,
  );
  const ben = await createCustomer(
    t.db,
    { first_name: "Ben", last_name: "Brook", consent: { email: true } },
    "test",
    now,
  );
  for (const c of [anna, ben])
    await upsertRegistration(t.db, { jobId: job.id, customerId: c.id, registeredAt: now }, "ui", now);
  await changeJobStatus(t.db, job.id, "selling", {}, "ui", now);
  await runAutomation(t.deps, now);

  const b = await signedInOwner(t);
  const page = (await b.get(`/jobs/${job.id}`)).text;
  expect(page).toContain("Automated notifications");
  expect(page).toContain("E-mail · Immediately when the job is set to selling · all customers");
  expect(page).toContain("Went Thu 2026-09-10 10:00 CDT");
  expect(page).toContain("1 no address for this channel");
  // The summary line's reasons link to their help too, not only the names under it.
  expect(page).toMatch(
    /1 no address for this channel <a href="\/help\/not-reached#no_address" class="skip-reason-why"/,
  );
  expect(page).toContain("Ben Brook");
  expect(page).toContain('href="/help/not-reached#no_address"');
  expect(page).toContain("E-mail · 7 days before the archive date at 09:00 · all customers");
  expect(page).toContain("Goes Tue 2026-11-24 09:00 CST");
  expect(page).toContain("Not planned: the job has no coupon deadline");

  // P8: a new archive date re-plans the reminder.
  await t.db.update(jobs).set({ archiveDate: "2026-12-20" }).where(eq(jobs.id, job.id));
  expect((await b.get(`/jobs/${job.id}`)).text).toContain("Goes Sun 2026-12-13 09:00 CST");
});

test("a job without a profile says how to get automated notifications", async () => {
  const t = await makeTestApp();
  const job = await createJob(t.db, { name: "Plain", type: "event" }, {}, "ui", t.deps.clock());
  const b = await signedInOwner(t);
  expect((await b.get(`/jobs/${job.id}`)).text).toContain("No communication profile is assigned.");
});

test("a firing that fails is shown on its job's page: the error, the next try, then that Pigeon gave up; the other job's went", async () => {
  const now = new Date("2026-09-10T15:00:00Z");
  const t = await makeTestApp({ now });
  await updateSettings(t.db, { timeZone: "America/Chicago" }, now);
  const [profile] = await t.db.insert(communicationProfiles).values({ name: "School basics" }).returning();
  await t.db.insert(notifications).values({
    profileId: profile!.id,
    trigger: "job_selling",
    channel: "email",
    offsetDays: 1,
    subject: "A day later",
    body: "Hi",
  });
  const good = await createJob(t.db, { name: "Lincoln", type: "school", profile_id: profile!.id }, {}, "ui", now);
  // Legacy data: a zone the input checks refuse today, so only raw SQL can write it.
  const [legacy] = await t.db.all<{
    id: number;
  }>(sql`insert into jobs (name, type, year, status, profile_id, time_zone, created_at, updated_at)
    values ('Legacy', 'school', 2026, 'planning', ${profile!.id}, 'Mars/Olympus_Mons', ${now.getTime()}, ${now.getTime()}) returning id`);
  const anna = await createCustomer(
    t.db,
    { first_name: "Anna", last_name: "Alder", email: "anna@x.test", consent: { email: true } },
    "test",
    now,
  );
  const ben = await createCustomer(
    t.db,
    { first_name: "Ben", last_name: "Brook", email: "ben@x.test", consent: { email: true } },
    "test",
    now,
  );
  const yesterday = new Date(now.getTime() - 86_400_000);
  for (const [c, jobId] of [
    [anna, good.id],
    [ben, legacy!.id],
  ] as const) {
    await upsertRegistration(t.db, { jobId, customerId: c.id, registeredAt: yesterday }, "ui", yesterday);
    await changeJobStatus(t.db, jobId, "selling", {}, "ui", yesterday);
  }
  const first = await runAutomation(t.deps, now);
  expect(first).toMatchObject({ fired: 1, queued: 1, failed: 1 });

  const b = await signedInOwner(t);
  expect((await b.get(`/jobs/${good.id}`)).text).toContain("Went Thu 2026-09-10 10:00 CDT");
  const page = (await b.get(`/jobs/${legacy!.id}`)).text;
  expect(page).toContain("E-mail · 1 day after the job is set to selling · all customers");
  expect(page).toMatch(
    /Not sent yet: the first attempt failed · invalid time zone: Mars\/Olympus_Mons · Pigeon tries again Thu 2026-09-10 10:01 CDT/,
  );

  // Four more failures, a pause before each; then it is given up, and the page says so.
  for (const minutes of [1, 6, 21, 81]) {
    t.setNow(new Date(now.getTime() + minutes * 60_000));
    expect((await runAutomation(t.deps, t.deps.clock())).failed).toBe(1);
  }
  expect((await b.get(`/jobs/${legacy!.id}`)).text).toMatch(
    /Not sent: Pigeon gave up on Thu 2026-09-10 11:21 CDT after 5 failed attempts · invalid time zone: Mars\/Olympus_Mons/,
  );
});
