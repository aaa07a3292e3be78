// What the reader did proves a message arrived (issue 14): an open or click by a person, an
// unsubscribe through its link, a STOP reply move a delivery still "sent" (its provider report
// lost, late or never set up) to delivered, so the outbox, the report and the rates agree; a
// machine's open proves nothing; a later bounce still wins. Sent deliveries with no word yet
// are said next to the rates, which leave them out.
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { performanceOf } from "../src/db/performance.ts";
import { createCustomer } from "../src/db/customers.ts";
import { recordEngagement } from "../src/db/engagements.ts";
import { recordProviderEvent } from "../src/db/delivery-status.ts";
import { deliveries, deliveryEvents, messages } from "../src/db/schema.ts";
import { recordSmsStop, recordUnsubscribed } from "../src/db/unsubscribe-events.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { deliverySeeder } from "./support/deliveries.ts";
import { pageText } from "./support/forms.ts";

const NOW = new Date("2026-09-01T10:00:00Z");
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

async function sentMessage(channel: "email" | "sms", count: number) {
  const t = await makeTestApp({ now: NOW });
  const [m] = await t.db
    .insert(messages)
    .values({ name: "Sale", channels: [channel], filters: {}, status: "sent", activatedAt: NOW })
    .returning();
  const delivery = deliverySeeder(t.db, {
    sourceType: "message",
    messageId: m!.id,
    channel,
    status: "sent",
    provider: "resend",
    dueAt: NOW,
    sentAt: NOW,
  });
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const c = await createCustomer(
      t.db,
      { first_name: `C${i}`, email: `c${i}@x.test`, phone: `+1555555010${i}`, consent: { email: true, sms: true } },
      "test",
      NOW,
    );
    const toAddress = channel === "email" ? `c${i}@x.test` : `+1555555010${i}`;
    ids.push(await delivery({ customerId: c.id, toAddress, providerMessageId: `re_${i}` }));
  }
  return { t, m: m!, ids };
}
const statusOf = async (t: Awaited<ReturnType<typeof makeTestApp>>, id: number) =>
  (await t.db.query.deliveries.findFirst({ where: eq(deliveries.id, id) }))?.status;

test("an open by a person proves arrival; the page's Performance and Report agree; a machine's open proves nothing", async () => {
  const { t, m, ids } = await sentMessage("email", 3);
  const open = (deliveryId: number, kind: "person" | "privacy_proxy") =>
    recordEngagement(t.db, { deliveryId, type: "open", source: "pixel", kind, occurredAt: later(1) });
  await open(ids[0]!, "person");
  await open(ids[1]!, "privacy_proxy");
  expect(await statusOf(t, ids[0]!)).toBe("delivered");
  expect(await statusOf(t, ids[1]!)).toBe("sent");
  const events = await t.db.select().from(deliveryEvents).where(eq(deliveryEvents.deliveryId, ids[0]!));
  expect(events.map((e) => [e.type, (e.detail as { why?: string })?.why])).toContainEqual([
    "delivered",
    "the reader opened it",
  ]);

  const b = await signedInOwner(t);
  const text = pageText((await b.get(`/messages/${m.id}`)).text);
  const perf = text.slice(text.indexOf("Performance"), text.indexOf("Report"));
  expect(perf).toMatch(/Delivered 1\b/);
  expect(perf).toContain("2 of 3 sent have no delivery report yet");
  expect(text.slice(text.indexOf("Report"))).toMatch(/Sent, no delivery report 2\b/);
  expect(await performanceOf(t.db, { messageId: m.id }, "USD")).toMatchObject({ delivered: 1, awaitingReport: 2 });
});

test("a bounce reported after an open still wins", async () => {
  const { t, ids } = await sentMessage("email", 1);
  await recordEngagement(t.db, {
    deliveryId: ids[0]!,
    type: "click",
    source: "link",
    kind: "person",
    occurredAt: later(1),
  });
  await recordProviderEvent(
    t.db,
    ids[0]!,
    { providerEventId: "svix-1", type: "bounced", status: "bounced", detail: {}, occurredAt: later(5) },
    later(5),
  );
  expect(await statusOf(t, ids[0]!)).toBe("bounced");
});

test("an unsubscribe through the message's link and a STOP reply prove arrival", async () => {
  const mail = await sentMessage("email", 1);
  const [d] = await mail.t.db.select().from(deliveries);
  await recordUnsubscribed(mail.t.db, d!.id, d!.customerId!, later(2));
  expect(await statusOf(mail.t, d!.id)).toBe("delivered");

  const text = await sentMessage("sms", 1);
  const [s] = await text.t.db.select().from(deliveries);
  await recordSmsStop(text.t.db, s!.toAddress!, later(2));
  expect(await statusOf(text.t, s!.id)).toBe("delivered");
  expect(await performanceOf(text.t.db, { messageId: text.m.id }, "USD")).toMatchObject({
    delivered: 1,
    unsubscribed: 1,
    awaitingReport: 0,
  });
});
