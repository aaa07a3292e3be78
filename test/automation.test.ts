// A school job's life, simulated with a fixed clock (SPEC P4–P6): registrations, the move to
// selling, photos, an order, deadlines — and exactly which customer gets which message, on
// which day and channel. Also a restart in the middle, two schedulers on one database file,
// an outage longer than the grace period, and DST. Then the tick's own guarantees: events are
// read once through a cursor, a bounded number per tick; a firing that throws is recorded and
// retried without stopping the others; what changed after its events were read is re-planned.
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAutomation } from "../src/automation/run.ts";
import { loadConfig } from "../src/config.ts";
import { type Database, migrateDatabase, openDatabase } from "../src/db/client.ts";
import { createCustomer, createOrder, upsertRegistration } from "../src/db/customers.ts";
import { changeJobStatus, createJob, updateJob } from "../src/db/jobs.ts";
import { createNotification, updateNotification } from "../src/db/profiles.ts";
import {
  communicationProfiles,
  customers,
  deliveries,
  events,
  jobs as jobsTable,
  notificationRuns,
  notifications,
  workerState,
} from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDeps, type Deps } from "../src/deps.ts";
import { jsonLogger, silentLogger } from "../src/log.ts";

const TZ = "America/Chicago";
const start = new Date("2026-09-01T05:00:00Z"); // 00:00 in Chicago
const HOUR = 3600_000;
const at = (day: number, hhmm = "12:00") => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return new Date(start.getTime() + day * 24 * HOUR + h * HOUR + m * 60_000);
};

async function studio(url = ":memory:") {
  const db = await openDatabase(url);
  await migrateDatabase(db);
  await updateSettings(db, { name: "Brightside", timeZone: TZ }, start);
  const [profile] = await db.insert(communicationProfiles).values({ name: "School" }).returning();
  const n = (
    trigger: (typeof notifications.$inferInsert)["trigger"],
    channel: "email" | "sms",
    rest: Partial<typeof notifications.$inferInsert> = {},
  ) => ({
    profileId: profile!.id,
    trigger,
    channel,
    subject: "x",
    body: "Hi {{customer.first_name}}",
    ...rest,
  });
  const ns = await db
    .insert(notifications)
    .values([
      n("job_selling", "email"),
      n("photos_available", "sms"),
      n("customer_registered", "email", { audience: "potential_buyers" }),
      n("coupon_deadline", "email", { offsetDays: 3, timeOfDay: "09:00", audience: "potential_buyers" }),
      n("job_archiving", "email", { offsetDays: 7, timeOfDay: "09:00", audience: "potential_buyers" }),
      n("job_archiving", "sms", {
        offsetDays: 2,
        timeOfDay: "18:00",
        audience: "potential_buyers",
        condition: "with_photos",
      }),
      n("order_placed", "email", { audience: "buyers" }),
    ])
    .returning();
  const names = new Map(
    ns.map((x, i) => [
      x.id,
      ["selling", "photos", "welcome", "coupon-3d", "archive-7d", "archive-2d-sms", "thanks"][i]!,
    ]),
  );
  const job = await createJob(
    db,
    {
      name: "Lincoln",
      type: "school",
      shoot_date: "2026-09-10",
      coupon_deadline: "2026-09-30",
      archive_date: "2026-10-30",
      profile_id: profile!.id,
    },
    {},
    "ui",
    start,
  );
  return { db, job, names };
}

function depsFor(db: Database, clock: () => Date): Deps {
  return createDeps({ db, config: loadConfig({}), clock, log: silentLogger });
}

/** The send plan as "day HH:MM name → customer channel", in the studio's zone. */
async function plan(db: Database, names: Map<number, string>) {
  const rows = await db
    .select({ d: deliveries, c: customers })
    .from(deliveries)
    .innerJoin(customers, eq(customers.id, deliveries.customerId))
    .orderBy(deliveries.createdAt, deliveries.id);
  return rows.map(({ d, c }) => {
    const local = new Intl.DateTimeFormat("en-CA", {
      timeZone: TZ,
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(d.createdAt);
    return `${local} ${names.get(d.notificationId!)} → ${c.firstName} ${d.channel}${d.skipReason ? ` (skipped: ${d.skipReason})` : ""}`;
  });
}
import { and, eq, sql } from "drizzle-orm";

type Step = [Date, (db: Database, ctx: { job: { id: number }; people: Record<string, number> }) => Promise<unknown>];

async function live(
  db: Database,
  job: { id: number },
  steps: Step[],
  endDay: number,
  opts: { stepMs?: number; restartAt?: number; down?: [number, number] } = {},
) {
  const people: Record<string, number> = {};
  let now = start;
  let deps = depsFor(db, () => now);
  const stepMs = opts.stepMs ?? HOUR / 2;
  let i = 0;
  for (let t = start.getTime(); t <= start.getTime() + endDay * 24 * HOUR; t += stepMs) {
    now = new Date(t);
    while (i < steps.length && steps[i]![0].getTime() <= t) await steps[i++]![1](db, { job, people });
    if (opts.restartAt && t === start.getTime() + opts.restartAt * 24 * HOUR) deps = depsFor(db, () => now); // a new process: nothing kept in memory
    if (opts.down && t >= at(opts.down[0], "00:00").getTime() && t < at(opts.down[1], "00:00").getTime()) continue;
    await runAutomation(deps, now);
  }
  return people;
}

const register =
  (name: string, photos = false) =>
  async (db: Database, ctx: { job: { id: number }; people: Record<string, number> }) => {
    const c = await createCustomer(
      db,
      {
        first_name: name,
        email: `${name.toLowerCase()}@x.test`,
        phone: `+1777555${String(Object.keys(ctx.people).length).padStart(4, "0")}`,
        consent: { email: true, sms: true },
      },
      "test",
      new Date(),
    );
    ctx.people[name] = c.id;
    void photos;
  };

describe("a school job's 60 days", () => {
  test(
    "sends exactly the expected plan; late registrants get only what is ahead; re-set status sends nothing twice",
    { timeout: 300_000 },
    async () => {
      const { db, job, names } = await studio();
      const nowOf = (d: Date) => d;
      const steps: Step[] = [
        [
          at(1, "10:00"),
          async (d, ctx) => {
            await register("Anna")(d, ctx);
            await upsertRegistration(
              d,
              { jobId: ctx.job.id, customerId: ctx.people.Anna!, registeredAt: at(1, "10:00") },
              "ui",
              at(1, "10:00"),
            );
          },
        ],
        [
          at(5, "16:00"),
          async (d, ctx) => {
            await register("Ben")(d, ctx);
            await upsertRegistration(
              d,
              { jobId: ctx.job.id, customerId: ctx.people.Ben!, registeredAt: at(5, "16:00") },
              "ui",
              at(5, "16:00"),
            );
          },
        ],
        [at(10, "08:30"), (d, ctx) => changeJobStatus(d, ctx.job.id, "selling", {}, "ui", nowOf(at(10, "08:30")))],
        [
          at(12, "14:00"),
          (d, ctx) =>
            upsertRegistration(
              d,
              { jobId: ctx.job.id, customerId: ctx.people.Anna!, photosAvailableAt: at(12, "14:00"), photosCount: 12 },
              "api",
              at(12, "14:00"),
            ),
        ],
        [
          at(15, "11:00"),
          async (d, ctx) => {
            await register("Cleo")(d, ctx);
            await upsertRegistration(
              d,
              { jobId: ctx.job.id, customerId: ctx.people.Cleo!, registeredAt: at(15, "11:00") },
              "ui",
              at(15, "11:00"),
            );
          },
        ],
        [
          at(20, "19:00"),
          (d, ctx) =>
            createOrder(
              d,
              {
                jobId: ctx.job.id,
                customerId: ctx.people.Ben!,
                amountMinor: 4990,
                currency: "USD",
                orderedAt: at(20, "19:00"),
              },
              "api",
              at(20, "19:00"),
            ),
        ],
        [at(22, "09:00"), (d, ctx) => changeJobStatus(d, ctx.job.id, "planning", {}, "ui", at(22, "09:00"))],
        [at(22, "10:00"), (d, ctx) => changeJobStatus(d, ctx.job.id, "selling", {}, "ui", at(22, "10:00"))],
      ];
      await live(db, job, steps, 60, { restartAt: 40 });
      expect(await plan(db, names)).toEqual([
        "09-02, 10:00 welcome → Anna email",
        "09-06, 16:00 welcome → Ben email",
        "09-11, 08:30 selling → Anna email",
        "09-11, 08:30 selling → Ben email",
        "09-13, 14:00 photos → Anna sms",
        "09-16, 11:00 welcome → Cleo email",
        "09-21, 19:00 thanks → Ben email",
        "09-27, 09:00 coupon-3d → Anna email",
        "09-27, 09:00 coupon-3d → Cleo email",
        "10-23, 09:00 archive-7d → Anna email",
        "10-23, 09:00 archive-7d → Cleo email",
        "10-28, 18:00 archive-2d-sms → Anna sms",
      ]);
    },
  );

  test(
    "an outage longer than the grace period skips the missed moment visibly and catches up within it",
    { timeout: 300_000 },
    async () => {
      const { db, job, names } = await studio();
      const steps: Step[] = [
        [
          at(1, "10:00"),
          async (d, ctx) => {
            await register("Anna")(d, ctx);
            await upsertRegistration(
              d,
              { jobId: ctx.job.id, customerId: ctx.people.Anna!, registeredAt: at(1, "10:00") },
              "ui",
              at(1, "10:00"),
            );
          },
        ],
      ];
      // Down from 09-25 00:00 to 09-28 00:00: the coupon reminder (09-27 09:00) is missed by < 24 h and
      // caught up; down 10-21 to 10-25: the 7-day archive reminder (10-23 09:00) is missed by > 24 h.
      await live(db, job, steps, 30, { down: [24, 27] });
      await live(db, job, [], 0);
      const runs = await db.select().from(notificationRuns);
      const coupon = runs.find((r) => names.get(r.notificationId) === "coupon-3d")!;
      expect(coupon.status).toBe("sent");
      expect(await plan(db, names)).toContain("09-28, 00:00 coupon-3d → Anna email");
    },
  );
});

describe("exactly once across processes", () => {
  test("two schedulers on one database file fire each moment once", { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pigeon-two-"));
    const url = `file:${join(dir, "p.db")}`;
    const { db, job, names } = await studio(url);
    const other = await openDatabase(url);
    let now = start;
    const a = depsFor(db, () => now);
    const b = depsFor(other, () => now);
    const anna = await createCustomer(
      db,
      { first_name: "Anna", email: "anna@x.test", consent: { email: true } },
      "test",
      start,
    );
    const ben = await createCustomer(
      db,
      { first_name: "Ben", email: "ben@x.test", consent: { email: true } },
      "test",
      start,
    );
    for (const c of [anna, ben])
      await upsertRegistration(db, { jobId: job.id, customerId: c.id, registeredAt: start }, "ui", start);
    await changeJobStatus(db, job.id, "selling", {}, "ui", at(0, "09:00"));
    for (let t = at(0, "09:00").getTime(); t < at(30, "00:00").getTime(); t += 6 * HOUR) {
      now = new Date(t);
      await Promise.all([runAutomation(a, now), runAutomation(b, now)]);
    }
    const p = await plan(db, names);
    expect(p.filter((x) => x.includes("selling"))).toHaveLength(2);
    expect(p.filter((x) => x.includes("coupon-3d"))).toHaveLength(2);
    expect(new Set(p).size).toBe(p.length);
  });
});

describe("time zones", () => {
  test("09:00 is 09:00 in the job's zone after a DST change", { timeout: 300_000 }, async () => {
    const { db, job, names } = await studio();
    // Archive date 2026-11-06: 7 days before = 10-30 (CDT, UTC-5); coupon 2026-11-04 → 11-01 is the fall-back day (CST, UTC-6).
    const { jobs } = await import("../src/db/schema.ts");
    await db.update(jobs).set({ archiveDate: "2026-11-06", couponDeadline: "2026-11-04" }).where(eq(jobs.id, job.id));
    const anna = await createCustomer(
      db,
      { first_name: "Anna", email: "anna@x.test", consent: { email: true } },
      "test",
      start,
    );
    await upsertRegistration(db, { jobId: job.id, customerId: anna.id, registeredAt: start }, "ui", start);
    let now = new Date("2026-10-29T00:00:00Z");
    const deps = depsFor(db, () => now);
    for (let t = now.getTime(); t < new Date("2026-11-03T00:00:00Z").getTime(); t += HOUR / 4) {
      now = new Date(t);
      await runAutomation(deps, now);
    }
    const rows = await db.select().from(deliveries).orderBy(deliveries.id);
    expect(rows.map((r) => [names.get(r.notificationId!), r.createdAt.toISOString()])).toEqual([
      ["archive-7d", "2026-10-30T14:00:00.000Z"],
      ["coupon-3d", "2026-11-01T15:00:00.000Z"],
    ]);
  });
});

const idNamed = (names: Map<number, string>, name: string) => [...names].find(([, v]) => v === name)![0];

describe("a firing that throws", () => {
  test(
    "does not stop the others in its tick; it is logged with its ids, retried, then given up, and nothing goes twice",
    { timeout: 300_000 },
    async () => {
      const { db, job, names } = await studio();
      const lines: string[] = [];
      let now = at(26, "10:00"); // the 3-day coupon reminder (09-30) was due an hour ago, 09-27 09:00
      const deps = createDeps({
        db,
        config: loadConfig({}),
        clock: () => now,
        log: jsonLogger("debug", (l) => lines.push(l)),
      });
      // A job from before the input checks refused unknown zones: only raw SQL can still write it.
      const [legacy] = await db.all<{
        id: number;
      }>(sql`insert into jobs (name, type, year, status, coupon_deadline, profile_id, time_zone, created_at, updated_at)
      values ('Legacy', 'school', 2026, 'selling', '2026-09-30', ${job.profileId}, 'Mars/Olympus_Mons', ${start.getTime()}, ${start.getTime()}) returning id`);
      for (const [name, jobId] of [
        ["Anna", job.id],
        ["Ben", legacy!.id],
      ] as const) {
        const c = await createCustomer(
          db,
          { first_name: name, email: `${name.toLowerCase()}@x.test`, consent: { email: true } },
          "test",
          start,
        );
        await upsertRegistration(db, { jobId, customerId: c.id, registeredAt: start }, "ui", start);
      }
      const coupon = idNamed(names, "coupon-3d");

      const first = await runAutomation(deps, now);
      expect(first.failed).toBe(1);
      expect(await plan(db, names)).toEqual(["09-27, 10:00 coupon-3d → Anna email"]);
      const [failing] = await db.select().from(notificationRuns).where(eq(notificationRuns.jobId, legacy!.id));
      expect(failing).toMatchObject({
        notificationId: coupon,
        status: "planned",
        attempts: 1,
        lastError: expect.stringContaining("Mars/Olympus_Mons"),
      });
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "automation firing failed");
      expect(logged).toMatchObject({
        level: "error",
        notification: coupon,
        job: legacy!.id,
        attempt: 1,
        error: expect.stringContaining("Mars/Olympus_Mons"),
      });

      // Tried again after a pause, each tick on its own, until it gives up; Anna's stays single.
      for (let t = now.getTime() + 60_000; t <= at(26, "13:00").getTime(); t += 60_000) {
        now = new Date(t);
        await runAutomation(deps, now);
      }
      const [given] = await db.select().from(notificationRuns).where(eq(notificationRuns.jobId, legacy!.id));
      expect(given).toMatchObject({
        status: "failed",
        attempts: 5,
        lastError: expect.stringContaining("Mars/Olympus_Mons"),
      });
      expect(lines.filter((l) => l.includes("automation firing failed"))).toHaveLength(5);
      expect(await plan(db, names)).toEqual(["09-27, 10:00 coupon-3d → Anna email"]);
    },
  );
});

describe("events are read through a cursor", () => {
  test(
    "a tick reads at most 1,000 new events and plans them; later ticks read only what came after",
    { timeout: 300_000 },
    async () => {
      const db = await openDatabase(":memory:");
      await migrateDatabase(db);
      await updateSettings(db, { timeZone: TZ }, start);
      const [profile] = await db.insert(communicationProfiles).values({ name: "Slow" }).returning();
      const [n] = await db
        .insert(notifications)
        .values({
          profileId: profile!.id,
          trigger: "photos_available",
          channel: "email",
          offsetDays: 7,
          timeOfDay: "09:00",
          subject: "s",
          body: "b",
          createdAt: start,
          updatedAt: start,
        })
        .returning();
      const job = await createJob(db, { name: "Big", type: "school", profile_id: profile!.id }, {}, "ui", start);
      await db.run(
        sql`insert into customers (first_name, email, consent_email, created_at, updated_at) select 'C' || value, 'c' || value || '@x.test', 1, ${start.getTime()}, ${start.getTime()} from generate_series(1, 2500)`,
      );
      await db.run(
        sql`insert into events (type, job_id, customer_id, source, occurred_at, created_at) select 'photos_available', ${job.id}, value, 'api', ${start.getTime()}, ${start.getTime()} from generate_series(1, 2500)`,
      );
      const [{ lo, hi }] = (await db.all<{ lo: number; hi: number }>(
        sql`select min(id) lo, max(id) hi from events where type = 'photos_available'`,
      )) as [{ lo: number; hi: number }];
      let now = new Date(start.getTime() + HOUR);
      const deps = depsFor(db, () => now);
      const cursor = async () =>
        (
          await db
            .select()
            .from(workerState)
            .where(and(eq(workerState.name, "automation"), eq(workerState.key, "event_cursor")))
        )[0];
      const planned = async () =>
        (
          await db.all<{ n: number; top: number }>(
            sql`select count(*) n, max(event_id) top from notification_runs where status = 'planned'`,
          )
        )[0]!;

      const marks: [string | undefined, number, number][] = [];
      for (let i = 0; i < 4; i++) {
        await runAutomation(deps, now);
        const p = await planned();
        marks.push([(await cursor())?.value, p.n, p.top]);
        now = new Date(now.getTime() + 2000);
      }
      expect(marks).toEqual([
        [String(lo + 999), 1000, lo + 999],
        [String(lo + 1999), 2000, lo + 1999],
        [String(hi), 2500, hi],
        [String(hi), 2500, hi],
      ]);
      // Nothing new: the cursor is not even written again.
      const idle = await cursor();
      await runAutomation(deps, new Date(now.getTime() + 2000));
      expect((await cursor())!.updatedAt).toEqual(idle!.updatedAt);

      // Events behind the cursor are not read again: their plans, once gone, stay gone; a new event is planned.
      await db.delete(notificationRuns);
      await db
        .insert(events)
        .values({ type: "photos_available", jobId: job.id, customerId: 1, source: "api", occurredAt: now });
      await runAutomation(deps, new Date(now.getTime() + 4000));
      const rows = await db.select().from(notificationRuns);
      expect(rows.map((r) => [r.notificationId, r.customerId, r.status, r.eventId])).toEqual([
        [n!.id, 1, "planned", hi + 1],
      ]);
    },
  );
});

describe("changes after the events were read (P8)", () => {
  test(
    "a notification added to the profile later still fires for events within the window, not for older ones",
    { timeout: 300_000 },
    async () => {
      const { db, job, names } = await studio();
      const anna = await createCustomer(
        db,
        { first_name: "Anna", email: "anna@x.test", consent: { email: true } },
        "test",
        start,
      );
      const ben = await createCustomer(
        db,
        { first_name: "Ben", email: "ben@x.test", consent: { email: true } },
        "test",
        start,
      );
      await upsertRegistration(
        db,
        { jobId: job.id, customerId: ben.id, registeredAt: at(0, "09:00"), photosAvailableAt: at(0, "09:00") },
        "api",
        at(0, "09:00"),
      );
      await upsertRegistration(
        db,
        { jobId: job.id, customerId: anna.id, registeredAt: at(1, "20:00"), photosAvailableAt: at(1, "20:00") },
        "api",
        at(1, "20:00"),
      );
      let now = at(1, "20:00");
      const deps = depsFor(db, () => now);
      for (; now < at(2, "10:00"); now = new Date(now.getTime() + HOUR)) await runAutomation(deps, now);
      const [profileId] = [job.profileId!];
      const added = await createNotification(
        db,
        profileId,
        {
          trigger: "photos_available",
          offsetDays: 0,
          offsetHours: 0,
          timeOfDay: "immediately",
          audience: "all",
          condition: "any",
          channel: "email",
          subject: "Your photos",
          body: "b",
          active: true,
        },
        now,
      );
      names.set(added.id, "photos-email");
      await runAutomation(deps, now);
      // Anna's photos came 14 h ago (within the 24 h grace): she gets it now. Ben's came 49 h ago.
      expect((await plan(db, names)).filter((x) => x.includes("photos-email"))).toEqual([
        "09-03, 10:00 photos-email → Anna email",
      ]);
    },
  );

  test("a job moved to the profile later fires for its events within the window", { timeout: 300_000 }, async () => {
    const { db, job, names } = await studio();
    const other = await createJob(db, { name: "Moved", type: "school", profile_id: null }, {}, "ui", start);
    const anna = await createCustomer(
      db,
      { first_name: "Anna", email: "anna@x.test", phone: "+17775550131", consent: { email: true, sms: true } },
      "test",
      start,
    );
    await upsertRegistration(
      db,
      { jobId: other.id, customerId: anna.id, registeredAt: at(1, "08:00"), photosAvailableAt: at(1, "08:00") },
      "api",
      at(1, "08:00"),
    );
    let now = at(1, "08:00");
    const deps = depsFor(db, () => now);
    for (; now < at(1, "12:00"); now = new Date(now.getTime() + HOUR)) await runAutomation(deps, now);
    expect(await plan(db, names)).toEqual([]);
    await updateJob(db, other, { name: "Moved", type: "school", profile_id: job.profileId! }, {}, "ui", now);
    await runAutomation(deps, now);
    expect((await plan(db, names)).sort()).toEqual([
      "09-02, 12:00 photos → Anna sms",
      "09-02, 12:00 welcome → Anna email",
    ]);
  });

  test(
    "an edited timing moves a planned firing: earlier fires earlier, and a job that leaves the profile is skipped with the reason",
    { timeout: 300_000 },
    async () => {
      const { db, job, names } = await studio();
      const [p] = [job.profileId!];
      const later = await createNotification(
        db,
        p,
        {
          trigger: "photos_available",
          offsetDays: 3,
          offsetHours: 0,
          timeOfDay: "09:00",
          audience: "all",
          condition: "any",
          channel: "email",
          subject: "s",
          body: "b",
          active: true,
        },
        start,
      );
      names.set(later.id, "photos-3d");
      const anna = await createCustomer(
        db,
        { first_name: "Anna", email: "anna@x.test", consent: { email: true } },
        "test",
        start,
      );
      await upsertRegistration(
        db,
        { jobId: job.id, customerId: anna.id, registeredAt: at(1, "08:00"), photosAvailableAt: at(1, "08:00") },
        "api",
        at(1, "08:00"),
      );
      let now = at(1, "08:00");
      const deps = depsFor(db, () => now);
      await runAutomation(deps, now);
      const { offsetDays: _, ...rest } = later;
      await updateNotification(db, p, later.id, { ...rest, offsetDays: 1 }, at(1, "09:00"));
      for (now = at(1, "09:00"); now <= at(5, "00:00"); now = new Date(now.getTime() + HOUR / 2))
        await runAutomation(deps, now);
      expect((await plan(db, names)).filter((x) => x.includes("photos-3d"))).toEqual([
        "09-03, 09:00 photos-3d → Anna email",
      ]);

      // Ben's firing is planned, then his job leaves the profile before the moment.
      const ben = await createCustomer(
        db,
        { first_name: "Ben", email: "ben@x.test", consent: { email: true } },
        "test",
        now,
      );
      await upsertRegistration(
        db,
        { jobId: job.id, customerId: ben.id, registeredAt: now, photosAvailableAt: now },
        "api",
        now,
      );
      await runAutomation(deps, now);
      const current = (await db.query.jobs.findFirst({ where: eq(jobsTable.id, job.id) }))!;
      await updateJob(db, current, { name: current.name, type: current.type, profile_id: null }, {}, "ui", now);
      for (const end = new Date(now.getTime() + 2 * 24 * HOUR); now <= end; now = new Date(now.getTime() + HOUR))
        await runAutomation(deps, now);
      const [benRun] = await db
        .select()
        .from(notificationRuns)
        .where(and(eq(notificationRuns.notificationId, later.id), eq(notificationRuns.customerId, ben.id)));
      expect(benRun).toMatchObject({ status: "skipped", reason: "the job no longer uses this notification's profile" });
      expect((await plan(db, names)).filter((x) => x.includes("photos-3d → Ben"))).toEqual([]);
    },
  );
});

describe("exactly once, tick after tick", () => {
  test(
    "two runAutomation calls at once on one database, then repeated ticks, fire each firing once",
    { timeout: 300_000 },
    async () => {
      const { db, job, names } = await studio();
      let now = at(1, "10:00");
      const deps = depsFor(db, () => now);
      const people: number[] = [];
      for (let i = 0; i < 30; i++) {
        const c = await createCustomer(
          db,
          {
            first_name: `P${i}`,
            email: `p${i}@x.test`,
            phone: `+1777556${String(i).padStart(4, "0")}`,
            consent: { email: true, sms: true },
          },
          "test",
          now,
        );
        await upsertRegistration(
          db,
          { jobId: job.id, customerId: c.id, registeredAt: now, photosAvailableAt: now },
          "api",
          now,
        );
        people.push(c.id);
      }
      await changeJobStatus(db, job.id, "selling", {}, "ui", now);
      await Promise.all([runAutomation(deps, now), runAutomation(deps, now)]);
      for (let i = 0; i < 20; i++) {
        now = new Date(now.getTime() + 2000);
        await Promise.all([runAutomation(deps, now), runAutomation(deps, now)]);
      }
      const p = await plan(db, names);
      expect(p.filter((x) => x.includes("welcome"))).toHaveLength(30);
      expect(p.filter((x) => x.includes("photos"))).toHaveLength(30);
      expect(p.filter((x) => x.includes("selling"))).toHaveLength(30);
      expect(new Set(p).size).toBe(p.length);
      const runs = await db.select().from(notificationRuns);
      expect(runs.filter((r) => r.status === "sent")).toHaveLength(61); // 30 welcome + 30 photos + 1 selling
      expect(runs.filter((r) => r.status !== "sent")).toEqual([]);
    },
  );
});
