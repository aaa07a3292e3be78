// The outbox's folders and filters (SPEC A4): Appointments (about an appointment), Campaigns
// (notifications and one-time messages to a filtered audience), Other (a typed-in address, one
// customer alone, test sends), each delivery in exactly one; and the filters by appointment,
// job, channel and status, against deliveries seeded in the real schema.
import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createCustomer } from "../src/db/customers.ts";
import { appointments, deliveries, jobs, messages, notifications } from "../src/db/schema.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";

const noon = new Date("2026-09-01T17:00:00Z");

async function seeded() {
  const t = await makeTestApp({ now: noon });
  const b = await signedInOwner(t);
  const cu = await createCustomer(
    t.db,
    { first_name: "Anna", email: "anna@x.test", phone: "+17775550101", consent: {} },
    "test",
    noon,
  );
  const [job] = await t.db.insert(jobs).values({ name: "Spring school", type: "school", year: 2026 }).returning();
  const [a1] = await t.db.insert(appointments).values({ customerId: cu.id, startsAt: noon }).returning();
  const [a2] = await t.db.insert(appointments).values({ customerId: cu.id, startsAt: noon }).returning();
  const [n] = await t.db.select().from(notifications).limit(1);
  const msg = async (filters: Record<string, unknown>, toAddress: string | null = null) =>
    (
      await t.db
        .insert(messages)
        .values({ name: "m", channels: ["sms"], filters, toAddress, status: "sent" })
        .returning()
    )[0]!;
  const audience = await msg({ job_ids: [job!.id] });
  const typed = await msg({}, "+17775550199");
  const one = await msg({ customer_ids: [cu.id] });
  const toAppointments = await msg({ appointment_ids: [a1!.id] });
  let k = 0;
  const d = async (v: Partial<typeof deliveries.$inferInsert>) =>
    (
      await t.db
        .insert(deliveries)
        .values({
          deliveryKey: `k${++k}`,
          sourceType: "message",
          channel: "sms",
          customerId: cu.id,
          toAddress: "+17775550101",
          status: "sent",
          dueAt: noon,
          ...v,
        })
        .returning()
    )[0]!.id;
  const ids = {
    reminder: await d({ sourceType: "notification", notificationId: n!.id, appointmentId: a1!.id, jobId: job!.id }),
    ticked: await d({
      messageId: toAppointments.id,
      appointmentId: a2!.id,
      status: "skipped",
      skipReason: "no_consent",
    }),
    notification: await d({ sourceType: "notification", notificationId: n!.id, jobId: job!.id, channel: "email" }),
    audience: await d({ messageId: audience.id, jobId: job!.id }),
    typed: await d({ messageId: typed.id, customerId: null, toAddress: "+17775550199" }),
    one: await d({ messageId: one.id, status: "failed" }),
    test: await d({ sourceType: "test" }),
  };
  const listed = async (query: string) => {
    const page = await b.get(`/outbox${query}`);
    expect(page.status).toBe(200);
    return Object.entries(ids)
      .filter(([, id]) => page.text.includes(`id="delivery-${id}"`))
      .map(([name]) => name)
      .sort();
  };
  return { t, b, ids, listed, a1: a1!, job: job! };
}

test("each delivery is in exactly one folder, and the page says what a folder holds", async () => {
  const { b, listed } = await seeded();
  expect(await listed("?folder=appointments")).toEqual(["reminder", "ticked"]);
  expect(await listed("?folder=campaigns")).toEqual(["audience", "notification"]);
  expect(await listed("?folder=other")).toEqual(["one", "test", "typed"]);
  expect((await listed("")).length).toBe(7);
  const other = await b.get("/outbox?folder=other");
  expect(other.text).toContain("one-time messages to a typed-in address or written to one customer");
  expect(other.text).toContain('aria-current="page"');
});

test("filters by appointment, job, channel and status, alone and with a folder; a nonsense folder shows all", async () => {
  const { listed, a1, job } = await seeded();
  expect(await listed(`?appointment=${a1.id}`)).toEqual(["reminder"]);
  expect(await listed(`?folder=campaigns&job=${job.id}&channel=email`)).toEqual(["notification"]);
  expect(await listed("?folder=appointments&status=skipped")).toEqual(["ticked"]);
  expect(await listed("?status=failed")).toEqual(["one"]);
  expect((await listed("?folder=nonsense")).length).toBe(7);
});

test("the folder queries walk an index, not the whole table", async () => {
  const { t, a1 } = await seeded();
  const plan = async (where: string) =>
    (
      await t.db.all<{ detail: string }>(
        sql.raw(`explain query plan select id from deliveries where ${where} order by id desc limit 51`),
      )
    )
      .map((r) => r.detail)
      .join(" | ");
  expect(await plan(`appointment_id = ${a1.id}`)).toContain("deliveries_appointment_idx");
  expect(await plan(`appointment_id = ${a1.id}`)).not.toContain("TEMP B-TREE");
});
