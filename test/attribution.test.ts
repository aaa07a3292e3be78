// Which message earned an order (issue 14): the customer's last click by a person within the
// window before the order (default 7 days, a setting); scanners earn nothing; a click reported
// after the order was written still counts when it came before it.
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { attributeOrders } from "../src/db/attribution.ts";
import { updateOrder } from "../src/db/api-upserts.ts";
import { createCustomer, createOrder } from "../src/db/customers.ts";
import { engagements, jobs, messages, studioSettings } from "../src/db/schema.ts";
import { makeTestApp } from "./support/app.ts";
import { deliveredEmailSeeder, engagementSeeder } from "./support/deliveries.ts";

const day = 24 * 3600_000;
const t0 = new Date("2026-09-01T12:00:00Z");
const at = (days: number) => new Date(t0.getTime() + days * day);

async function seeded() {
  const t = await makeTestApp({ now: t0 });
  const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", consent: {} }, "test", t0);
  const [job] = await t.db.insert(jobs).values({ name: "Spring school", type: "school", year: 2026 }).returning();
  const delivery = deliveredEmailSeeder(t.db, { customerId: cu.id, toAddress: "anna@x.test", sentAt: t0 });
  const sentMessage = async (name: string) => {
    const [m] = await t.db
      .insert(messages)
      .values({ name, channels: ["email"], filters: {}, status: "sent" })
      .returning();
    return delivery({ messageId: m!.id });
  };
  const engage = engagementSeeder(t.db, cu.id, t0);
  const click = async (deliveryId: number, when: Date, kind: "person" | "scanner" = "person") => {
    await engage(deliveryId, "click", kind, when);
  };
  const order = (when: Date) =>
    createOrder(
      t.db,
      { jobId: job!.id, customerId: cu.id, amountMinor: 2490, currency: "USD", orderedAt: when },
      "api",
      when,
    );
  return { t, cu, sentMessage, click, order };
}

test("an order within the window goes to the last click; outside it, to nothing", async () => {
  const { sentMessage, click, order } = await seeded();
  const spring = await sentMessage("Spring sale");
  const reminder = await sentMessage("Last chance");
  await click(spring, at(1));
  await click(reminder, at(2));
  expect((await order(at(3))).attributedDeliveryId).toBe(reminder);
  expect((await order(at(2 + 7))).attributedDeliveryId).toBe(reminder);
  expect((await order(at(2 + 7.01))).attributedDeliveryId).toBeNull();
});

test("a scanner's click earns nothing; an order before any click is nobody's", async () => {
  const { sentMessage, click, order } = await seeded();
  const spring = await sentMessage("Spring sale");
  expect((await order(at(0.5))).attributedDeliveryId).toBeNull();
  await click(spring, at(1), "scanner");
  expect((await order(at(1.5))).attributedDeliveryId).toBeNull();
});

test("the window is the studio's setting", async () => {
  const { t, sentMessage, click, order } = await seeded();
  await t.db.update(studioSettings).set({ attributionDays: 1 }).where(eq(studioSettings.id, 1));
  const spring = await sentMessage("Spring sale");
  await click(spring, at(1));
  expect((await order(at(1.9))).attributedDeliveryId).toBe(spring);
  expect((await order(at(2.1))).attributedDeliveryId).toBeNull();
});

test("a click reported after the order was written is attributed when it is recorded", async () => {
  const { sentMessage, click, order, cu, t } = await seeded();
  const spring = await sentMessage("Spring sale");
  const o = await order(at(2));
  expect(o.attributedDeliveryId).toBeNull();
  await click(spring, at(1));
  await attributeOrders(t.db, cu.id, at(1));
  const after = await t.db.query.orders.findFirst({ where: (x, { eq }) => eq(x.id, o.id) });
  expect(after?.attributedDeliveryId).toBe(spring);
});

test("a shorter window later does not move an order already attributed when it is written again unchanged", async () => {
  const { t, sentMessage, click, order } = await seeded();
  await t.db.update(studioSettings).set({ attributionDays: 30 }).where(eq(studioSettings.id, 1));
  const spring = await sentMessage("Spring sale");
  await click(spring, at(1));
  const o = await order(at(21));
  expect(o.attributedDeliveryId).toBe(spring);
  await t.db.update(studioSettings).set({ attributionDays: 7 }).where(eq(studioSettings.id, 1));
  const { amountMinor, currency, customerId, jobId, orderedAt } = o;
  const again = await updateOrder(t.db, o.id, { amountMinor, currency, customerId, jobId, orderedAt });
  expect(again.attributedDeliveryId).toBe(spring);
  // A correction of its time is decided afresh, with today's window.
  const moved = await updateOrder(t.db, o.id, { amountMinor, currency, customerId, jobId, orderedAt: at(22) });
  expect(moved.attributedDeliveryId).toBeNull();
});

test("a later click reported late takes the order; an earlier one does not; a click found to be a machine's gives it up", async () => {
  const { t, cu, sentMessage, click, order } = await seeded();
  const spring = await sentMessage("Spring sale");
  const reminder = await sentMessage("Last chance");
  await click(spring, at(2));
  const o = await order(at(3));
  const attributed = async () =>
    (await t.db.query.orders.findFirst({ where: (x, { eq }) => eq(x.id, o.id) }))?.attributedDeliveryId;
  await click(reminder, at(1));
  await attributeOrders(t.db, cu.id, at(1));
  expect(await attributed()).toBe(spring);
  await click(reminder, at(2.5));
  await attributeOrders(t.db, cu.id, at(2.5));
  expect(await attributed()).toBe(reminder);
  await t.db
    .update(engagements)
    .set({ kind: "burst" })
    .where(eq(engagements.occurredAt, at(2.5)));
  await attributeOrders(t.db, cu.id, at(2.5));
  expect(await attributed()).toBe(spring);
});
