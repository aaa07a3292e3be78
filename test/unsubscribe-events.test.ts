// Which message made a customer unsubscribe (issue 14): the one-click unsubscribe (and the page's
// button, the same POST) records an `unsubscribed` event on the delivery its link names, once, and
// only on that customer's own delivery; an SMS STOP counts for the last text of a message or
// notification to that number this week. performanceOf counts them.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { signLinkToken } from "../src/core/link-tokens.ts";
import { createCustomer } from "../src/db/customers.ts";
import { performanceOf } from "../src/db/performance.ts";
import { deliveryEvents, messages, suppressions } from "../src/db/schema.ts";
import { linkSigningSecret } from "../src/db/secrets.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { deliverySeeder } from "./support/deliveries.ts";
import { keptText } from "./support/replies.ts";

const NOW = new Date("2026-09-01T15:00:00Z");
const DAY = 86_400_000;
const PHONE = "+12175550123";

async function studio() {
  const t = await makeTestApp({ now: NOW });
  const person = (first: string, email: string) =>
    createCustomer(t.db, { first_name: first, email, phone: PHONE, consent: { email: true, sms: true } }, "test", NOW);
  const anna = await person("Anna", "anna@x.test");
  const ben = await person("Ben", "ben@x.test");
  const [m] = await t.db
    .insert(messages)
    .values({ name: "Autumn sale", channels: ["email", "sms"], filters: {}, status: "sent" })
    .returning();
  const delivery = deliverySeeder(t.db, {
    sourceType: "message",
    messageId: m!.id,
    channel: "email",
    customerId: anna.id,
    toAddress: "anna@x.test",
    status: "delivered",
    sentAt: NOW,
    dueAt: NOW,
  });
  const secret = await linkSigningSecret(t.db, undefined, NOW);
  const unsubscribe = (customerId: number, deliveryId: number) =>
    t.app.request(`/u/${signLinkToken(secret, { purpose: "unsubscribe", customerId, subjectId: deliveryId })}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
  const events = () => t.db.select().from(deliveryEvents).where(eq(deliveryEvents.type, "unsubscribed"));
  return { t, anna, ben, m: m!, delivery, unsubscribe, events };
}

describe("unsubscribed events", () => {
  test("a one-click unsubscribe counts once for the message whose link it was", async () => {
    const { t, anna, m, delivery, unsubscribe, events } = await studio();
    const d = await delivery({});
    await delivery({ customerId: null, toAddress: "someone@x.test" });
    expect((await unsubscribe(anna.id, d)).status).toBe(200);
    expect((await unsubscribe(anna.id, d)).status).toBe(200);
    expect((await events()).map((e) => [e.deliveryId, e.occurredAt.getTime()])).toEqual([[d, NOW.getTime()]]);
    const p = await performanceOf(t.db, { messageId: m.id }, "USD");
    expect([p.delivered, p.unsubscribed]).toEqual([2, 1]);
  });

  test("a token naming another customer's delivery unsubscribes its own customer but counts for no message", async () => {
    const { t, anna, ben, delivery, unsubscribe, events } = await studio();
    const bens = await delivery({ customerId: ben.id, toAddress: "ben@x.test" });
    expect((await unsubscribe(anna.id, bens)).status).toBe(200);
    expect((await t.db.select().from(suppressions)).map((s) => s.address)).toEqual(["anna@x.test"]);
    expect(await events()).toEqual([]);
  });

  test("a customer already unsubscribed who clicks an older message's link adds nothing to it", async () => {
    const { anna, delivery, unsubscribe, events } = await studio();
    const first = await delivery({});
    const second = await delivery({});
    await unsubscribe(anna.id, second);
    await unsubscribe(anna.id, first);
    expect((await events()).map((e) => e.deliveryId)).toEqual([second]);
  });

  test("STOP counts for the last text of a message to that number this week, not a test's nor an older one's", async () => {
    const { t, m, delivery, events } = await studio();
    const b = await signedInOwner(t);
    const sms = { channel: "sms" as const, toAddress: PHONE, status: "sent" as const };
    await delivery({ ...sms, sentAt: new Date(NOW.getTime() - 3 * DAY) });
    const latest = await delivery({ ...sms, sentAt: new Date(NOW.getTime() - 2 * DAY) });
    await delivery({ ...sms, sourceType: "test", messageId: null, sentAt: new Date(NOW.getTime() - DAY) });
    await keptText(t.db, { id: "dev_1", to: PHONE, from: "+12175550100", body: "Autumn sale!", at: NOW });
    await b.post("/outbox/dev/dev_1/reply", { body: "STOP" });
    expect((await events()).map((e) => e.deliveryId)).toEqual([latest]);
    expect((await performanceOf(t.db, { messageId: m.id }, "USD")).unsubscribed).toBe(1);
    // A second STOP (the number is opted out already) adds nothing.
    await b.post("/outbox/dev/dev_1/reply", { body: "STOP" });
    expect(await events()).toHaveLength(1);
  });

  test("a STOP eight days after the last text counts for no message", async () => {
    const { t, delivery, events } = await studio();
    const b = await signedInOwner(t);
    await delivery({ channel: "sms", toAddress: PHONE, status: "sent", sentAt: new Date(NOW.getTime() - 8 * DAY) });
    await keptText(t.db, { id: "dev_1", to: PHONE, from: "+12175550100", body: "Hello", at: NOW });
    await b.post("/outbox/dev/dev_1/reply", { body: "STOP" });
    expect((await t.db.select().from(suppressions)).map((s) => [s.channel, s.reason])).toEqual([
      ["sms", "stop_keyword"],
    ]);
    expect(await events()).toEqual([]);
  });
});
