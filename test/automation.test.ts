// A school job's life, simulated with a fixed clock (SPEC P4–P6): registrations, the move to
// selling, photos, an order, deadlines — and exactly which customer gets which message, on
// which day and channel. Also a restart in the middle, two schedulers on one database file,
// an outage longer than the grace period, and DST.
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAutomation } from "../src/automation/run.ts";
import { loadConfig } from "../src/config.ts";
import { migrateDatabase, openDatabase, type Db } from "../src/db/client.ts";
import { createCustomer, createOrder, upsertRegistration } from "../src/db/customers.ts";
import { changeJobStatus, createJob } from "../src/db/jobs.ts";
import { communicationProfiles, customers, deliveries, notificationRuns, notifications } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDeps, type Deps } from "../src/deps.ts";
import { silentLogger } from "../src/log.ts";

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
  const n = (trigger: (typeof notifications.$inferInsert)["trigger"], channel: "email" | "sms", rest: Partial<typeof notifications.$inferInsert> = {}) => ({
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
      n("job_archiving", "sms", { offsetDays: 2, timeOfDay: "18:00", audience: "potential_buyers", condition: "with_photos" }),
      n("order_placed", "email", { audience: "buyers" }),
    ])
    .returning();
  const names = new Map(ns.map((x, i) => [x.id, ["selling", "photos", "welcome", "coupon-3d", "archive-7d", "archive-2d-sms", "thanks"][i]!]));
  const job = await createJob(db, { name: "Lincoln", type: "school", shoot_date: "2026-09-10", coupon_deadline: "2026-09-30", archive_date: "2026-10-30", profile_id: profile!.id }, {}, "ui", start);
  return { db, job, names };
}

function depsFor(db: Db, clock: () => Date): Deps {
  return createDeps({ db, config: loadConfig({}), clock, log: silentLogger });
}

/** The send plan as "day HH:MM name → customer channel", in the studio's zone. */
async function plan(db: Db, names: Map<number, string>) {
  const rows = await db.select({ d: deliveries, c: customers }).from(deliveries).innerJoin(customers, eq(customers.id, deliveries.customerId)).orderBy(deliveries.createdAt, deliveries.id);
  return rows.map(({ d, c }) => {
    const local = new Intl.DateTimeFormat("en-CA", { timeZone: TZ, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d.createdAt);
    return `${local} ${names.get(d.notificationId!)} → ${c.firstName} ${d.channel}${d.skipReason ? ` (skipped: ${d.skipReason})` : ""}`;
  });
}
import { eq } from "drizzle-orm";

type Step = [Date, (db: Db, ctx: { job: { id: number }; people: Record<string, number> }) => Promise<unknown>];

async function live(db: Db, job: { id: number }, steps: Step[], endDay: number, opts: { stepMs?: number; restartAt?: number; down?: [number, number] } = {}) {
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

const register = (name: string, photos = false) => async (db: Db, ctx: { job: { id: number }; people: Record<string, number> }) => {
  const c = await createCustomer(db, { first_name: name, email: `${name.toLowerCase()}@x.test`, phone: `+1777555${String(Object.keys(ctx.people).length).padStart(4, "0")}`, consent: { email: true, sms: true } }, "test", new Date());
  ctx.people[name] = c.id;
  void photos;
};

describe("a school job's 60 days", () => {
  test("sends exactly the expected plan; late registrants get only what is ahead; re-set status sends nothing twice", { timeout: 60_000 }, async () => {
    const { db, job, names } = await studio();
    const nowOf = (d: Date) => d;
    const steps: Step[] = [
      [at(1, "10:00"), async (d, ctx) => { await register("Anna")(d, ctx); await upsertRegistration(d, { jobId: ctx.job.id, customerId: ctx.people.Anna!, registeredAt: at(1, "10:00") }, "ui", at(1, "10:00")); }],
      [at(5, "16:00"), async (d, ctx) => { await register("Ben")(d, ctx); await upsertRegistration(d, { jobId: ctx.job.id, customerId: ctx.people.Ben!, registeredAt: at(5, "16:00") }, "ui", at(5, "16:00")); }],
      [at(10, "08:30"), (d, ctx) => changeJobStatus(d, ctx.job.id, "selling", {}, "ui", nowOf(at(10, "08:30")))],
      [at(12, "14:00"), (d, ctx) => upsertRegistration(d, { jobId: ctx.job.id, customerId: ctx.people.Anna!, photosAvailableAt: at(12, "14:00"), photosCount: 12 }, "api", at(12, "14:00"))],
      [at(15, "11:00"), async (d, ctx) => { await register("Cleo")(d, ctx); await upsertRegistration(d, { jobId: ctx.job.id, customerId: ctx.people.Cleo!, registeredAt: at(15, "11:00") }, "ui", at(15, "11:00")); }],
      [at(20, "19:00"), (d, ctx) => createOrder(d, { jobId: ctx.job.id, customerId: ctx.people.Ben!, amountCents: 4990, orderedAt: at(20, "19:00") }, "api", at(20, "19:00"))],
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
  });

  test("an outage longer than the grace period skips the missed moment visibly and catches up within it", { timeout: 60_000 }, async () => {
    const { db, job, names } = await studio();
    const steps: Step[] = [
      [at(1, "10:00"), async (d, ctx) => { await register("Anna")(d, ctx); await upsertRegistration(d, { jobId: ctx.job.id, customerId: ctx.people.Anna!, registeredAt: at(1, "10:00") }, "ui", at(1, "10:00")); }],
    ];
    // Down from 09-25 00:00 to 09-28 00:00: the coupon reminder (09-27 09:00) is missed by < 24 h and
    // caught up; down 10-21 to 10-25: the 7-day archive reminder (10-23 09:00) is missed by > 24 h.
    await live(db, job, steps, 30, { down: [24, 27] });
    await live(db, job, [], 0);
    const runs = await db.select().from(notificationRuns);
    const coupon = runs.find((r) => names.get(r.notificationId) === "coupon-3d")!;
    expect(coupon.status).toBe("sent");
    expect(await plan(db, names)).toContain("09-28, 00:00 coupon-3d → Anna email");
  });
});

describe("exactly once across processes", () => {
  test("two schedulers on one database file fire each moment once", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pigeon-two-"));
    const url = `file:${join(dir, "p.db")}`;
    const { db, job, names } = await studio(url);
    const other = await openDatabase(url);
    let now = start;
    const a = depsFor(db, () => now);
    const b = depsFor(other, () => now);
    const anna = await createCustomer(db, { first_name: "Anna", email: "anna@x.test", consent: { email: true } }, "test", start);
    const ben = await createCustomer(db, { first_name: "Ben", email: "ben@x.test", consent: { email: true } }, "test", start);
    for (const c of [anna, ben]) await upsertRegistration(db, { jobId: job.id, customerId: c.id, registeredAt: start }, "ui", start);
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
  test("09:00 is 09:00 in the job's zone after a DST change", async () => {
    const { db, job, names } = await studio();
    // Archive date 2026-11-06: 7 days before = 10-30 (CDT, UTC-5); coupon 2026-11-04 → 11-01 is the fall-back day (CST, UTC-6).
    const { jobs } = await import("../src/db/schema.ts");
    await db.update(jobs).set({ archiveDate: "2026-11-06", couponDeadline: "2026-11-04" }).where(eq(jobs.id, job.id));
    const anna = await createCustomer(db, { first_name: "Anna", email: "anna@x.test", consent: { email: true } }, "test", start);
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
