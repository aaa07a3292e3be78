// When what the reader did and what the provider says meet (issue 14, found by the second
// outside review): "delivered by reader" leaves the burst rule measured from sending and yields
// to the provider's later failure report; the counts never say delivered and failed at once; a
// STOP goes to the last text known to have arrived; scanners have their own cap.
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createCustomer } from "../src/db/customers.ts";
import { recordProviderEvent } from "../src/db/delivery-status.ts";
import { recordClick, recordEngagement, trackedLinkIds } from "../src/db/engagements.ts";
import { performanceOf } from "../src/db/performance.ts";
import { deliveries, engagements, messages } from "../src/db/schema.ts";
import { recordSmsStop } from "../src/db/unsubscribe-events.ts";
import { makeTestApp } from "./support/app.ts";

const NOW = new Date("2026-09-01T10:00:00Z");
const at = (minutes: number, seconds = 0) => new Date(NOW.getTime() + minutes * 60_000 + seconds * 1000);
const BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";

async function oneSent(channel: "email" | "sms", sentAt = NOW) {
  const t = await makeTestApp({ now: NOW });
  const [m] = await t.db
    .insert(messages)
    .values({
      name: "Sale",
      channels: [channel],
      filters: {},
      status: "sent",
      activatedAt: sentAt,
    })
    .returning();
  const c = await createCustomer(
    t.db,
    {
      first_name: "Ann",
      email: "ann@x.test",
      phone: "+15555550100",
      consent: { email: true, sms: true },
    },
    "test",
    NOW,
  );
  const insert = async (key: string, when: Date) =>
    (
      await t.db
        .insert(deliveries)
        .values({
          deliveryKey: key,
          sourceType: "message",
          messageId: m!.id,
          channel,
          customerId: c.id,
          toAddress: channel === "email" ? "ann@x.test" : "+15555550100",
          status: "sent",
          provider: channel === "email" ? "resend" : "twilio",
          providerMessageId: `pm_${key}`,
          dueAt: when,
          sentAt: when,
        })
        .returning()
    )[0]!;
  const d = await insert("k0", sentAt);
  return { t, m: m!, c, d, insert };
}
/** A reader's click a minute after sending, then the provider's report of the delivery at `when`. */
async function clickThenReport(
  t: Awaited<ReturnType<typeof makeTestApp>>,
  deliveryId: number,
  report: { providerEventId: string; status: "undelivered" | "bounced"; error?: string },
  when: Date,
) {
  await recordEngagement(t.db, { deliveryId, type: "click", source: "link", kind: "person", occurredAt: at(1) });
  await recordProviderEvent(t.db, deliveryId, { ...report, type: report.status, detail: {}, occurredAt: when }, when);
}
const statusOf = async (t: Awaited<ReturnType<typeof makeTestApp>>, id: number) =>
  (await t.db.query.deliveries.findFirst({ where: eq(deliveries.id, id) }))?.status;

test("a reader's two taps two days after sending, no delivery report: both counted, not a burst", async () => {
  // No Resend webhook set up (a new studio): the delivery stays "sent". Two days later the reader
  // opens it and follows "Book" then, 8 s later, "Shop" (two tabs). The first click makes the
  // delivery delivered *at the click's time*, so the second is judged 8 s after "arrival".
  const { t, d } = await oneSent("email");
  const ids = await trackedLinkIds(t.db, ["https://shop.example/1", "https://shop.example/2"]);
  const click = (n: number, when: Date) =>
    recordClick(t.db, {
      deliveryId: d.id,
      source: "link",
      linkId: ids.get(`https://shop.example/${n}`)!,
      url: `https://shop.example/${n}`,
      method: "GET",
      userAgent: BROWSER,
      at: when,
    });
  expect(await click(1, at(2 * 24 * 60))).toBe("person");
  const second = await click(2, at(2 * 24 * 60, 8));
  const kinds = (await t.db.select().from(engagements).where(eq(engagements.deliveryId, d.id))).map((e) => e.kind);
  expect({ second, kinds }).toEqual({
    second: "person",
    kinds: ["person", "person"],
  });
});

test("a STOP answering an earlier text does not make the last text, which Twilio then reports undelivered, delivered", async () => {
  // Text A reached Ann on Monday; text B goes out Wednesday to a phone that is off. Ann answers
  // A with STOP an hour later: recordSmsStop picks B (the most recent) and calls it delivered by
  // the reader. Twilio's "undelivered" for B then arrives and is ignored.
  const { t, d: a, insert } = await oneSent("sms", at(-2 * 24 * 60));
  await recordProviderEvent(
    t.db,
    a.id,
    {
      providerEventId: "tw-a",
      type: "delivered",
      status: "delivered",
      detail: {},
      occurredAt: at(-2 * 24 * 60, 5),
    },
    at(-2 * 24 * 60, 5),
  );
  const b = await insert("k1", NOW);
  await recordSmsStop(t.db, "+15555550100", at(60));
  await recordProviderEvent(
    t.db,
    b.id,
    {
      providerEventId: "tw-b",
      type: "undelivered",
      status: "undelivered",
      detail: {},
      occurredAt: at(61),
      error: "30003 Unreachable",
    },
    at(61),
  );
  expect(await statusOf(t, b.id)).toBe("undelivered");
});

test("Twilio's 'failed'/'undelivered' after a counted click on an SMS: the counts never say delivered and failed at once", async () => {
  const { t, m, d } = await oneSent("sms");
  await clickThenReport(t, d.id, { providerEventId: "tw-1", status: "undelivered", error: "30005" }, at(2));
  // Either the report wins (undelivered, not counted delivered) or the click wins; the status and
  // the numbers must agree.
  const status = await statusOf(t, d.id);
  const p = await performanceOf(t.db, { messageId: m.id }, "USD");
  expect({ status, delivered: p.delivered }).toEqual({
    status: "undelivered",
    delivered: 0,
  });
});

test("a bounce after a click wins in the status and in the numbers: not delivered and bounced at once", async () => {
  const { t, m, d } = await oneSent("email");
  await clickThenReport(t, d.id, { providerEventId: "svix-b", status: "bounced" }, at(5));
  expect(await statusOf(t, d.id)).toBe("bounced");
  const p = await performanceOf(t.db, { messageId: m.id }, "USD");
  expect({ sent: p.sent, delivered: p.delivered, bounced: p.bounced }).toEqual({
    sent: 1,
    delivered: 0,
    bounced: 1,
  });
});

test("STOP replies landing on texts Twilio reported undelivered: the unsubscribe rate of delivered stays at most 100 %", async () => {
  // Ann, Bob and Cy got a text on Monday (another message); today's text reached Ann only, Twilio
  // reported Bob's and Cy's undelivered (phones off). Bob and Cy answer Monday's text with STOP:
  // recordSmsStop charges today's undelivered texts with the unsubscribes.
  const t = await makeTestApp({ now: NOW });
  const mk = async (name: string, when: Date) =>
    (
      await t.db
        .insert(messages)
        .values({
          name,
          channels: ["sms"],
          filters: {},
          status: "sent",
          activatedAt: when,
        })
        .returning()
    )[0]!;
  const monday = await mk("Monday", at(-2 * 24 * 60));
  const today = await mk("Today", NOW);
  const people = ["Ann", "Bob", "Cy"];
  const todays: number[] = [];
  for (const [i, name] of people.entries()) {
    const phone = `+1555555020${i}`;
    const c = await createCustomer(t.db, { first_name: name, phone, consent: { sms: true } }, "test", NOW);
    for (const [m, when, status] of [
      [monday, at(-2 * 24 * 60), "delivered"],
      [today, NOW, i === 0 ? "delivered" : "undelivered"],
    ] as const) {
      const [d] = await t.db
        .insert(deliveries)
        .values({
          deliveryKey: `${name}-${m.id}`,
          sourceType: "message",
          messageId: m.id,
          channel: "sms",
          customerId: c.id,
          toAddress: phone,
          status,
          provider: "twilio",
          providerMessageId: `SM${name}${m.id}`,
          dueAt: when,
          sentAt: when,
        })
        .returning();
      if (m === today) todays.push(d!.id);
    }
    if (i > 0) await recordSmsStop(t.db, phone, at(30));
  }
  const p = await performanceOf(t.db, { messageId: today.id }, "USD");
  const { performanceRates } = await import("../src/core/performance.ts");
  const r = performanceRates(p);
  expect({ delivered: p.delivered, unsubscribed: p.unsubscribed }).toEqual({
    delivered: 1,
    unsubscribed: 0,
  });
  expect(r.unsubscribed ?? 0).toBeLessThanOrEqual(1);
});

test("a gateway scanning a 25-link newsletter (HEAD and GET) does not use up the reader's 50 engagements", async () => {
  const { t, c, d } = await oneSent("email");
  const urls = Array.from({ length: 25 }, (_, i) => `https://shop.example/item/${i}`);
  const ids = await trackedLinkIds(t.db, urls);
  for (const u of urls)
    for (const method of ["HEAD", "GET"])
      await recordClick(t.db, {
        deliveryId: d.id,
        source: "link",
        linkId: ids.get(u)!,
        url: u,
        method,
        userAgent: "Mozilla/5.0 (compatible; Barracuda Sentinel)",
        at: at(0, 3),
      });
  // The next day Ann follows one link, and buys.
  const kind = await recordClick(t.db, {
    deliveryId: d.id,
    source: "link",
    linkId: ids.get(urls[3]!)!,
    url: urls[3]!,
    method: "GET",
    userAgent: BROWSER,
    at: at(24 * 60),
  });
  expect(kind).toBe("person");
  const people = (await t.db.select().from(engagements).where(eq(engagements.deliveryId, d.id))).filter(
    (e) => e.kind === "person",
  );
  expect(people).toHaveLength(1);
  expect(c.id).toBeGreaterThan(0);
});
