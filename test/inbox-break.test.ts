// Outside review (eyes-break2): problems found in the inbox. Each test states what should hold.
import { afterAll, describe, expect, test } from "bun:test";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { recordAppointmentChange, unseenAlerts } from "../src/db/appointment-changes.ts";
import { threadVersion } from "../src/db/inbox.ts";
import { appointments, customers, deliveries, inboundMessages, messages } from "../src/db/schema.ts";
import { eq } from "drizzle-orm";
import type { SignedRequest } from "./fakes/fake-twilio.ts";
import type { TestApp } from "./support/app.ts";
import { signedInOwner } from "./support/app.ts";
import { createCustomer } from "../src/db/customers.ts";
import { pageText } from "./support/forms.ts";
import { noon, sendStudio } from "./support/send-studio.ts";

const s = sendStudio();
afterAll(() => s.stop());

const STUDIO = "+17770001111";
const INBOUND = "https://pigeon.test/webhooks/twilio/inbound";
const post = (t: TestApp, req: SignedRequest) =>
  t.app.request(req.url, { method: "POST", body: req.body, headers: req.headers });

const answerToken = (html: string) => html.match(/name="answer_token" value="([^"]*)"/)?.[1] ?? "";

async function studio() {
  const st = await s.studio();
  const b = await signedInOwner(st.t);
  return { ...st, b };
}

describe("answering from the inbox", () => {
  test("a double-submitted (or retried) answer goes out once", async () => {
    const { t, b, people, dispatcher } = await studio();
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
    const href = `/inbox/customer/${anna.id}`;
    const page = await b.get(href);
    const form = { channel: "sms", body: "Yes, behind the studio.", answer_token: answerToken(page.text) };
    const [r1, r2] = await Promise.all([b.post(`${href}/reply`, form), b.post(`${href}/reply`, form)]);
    expect([r1.status, r2.status]).toEqual([303, 303]);
    // A retry long after: the same again, and the page says it went once.
    const r3 = await b.post(`${href}/reply`, form);
    expect(r3.location).toBe(`${href}?sent=again`);
    expect(pageText((await b.get(r3.location!)).text)).toContain("already sent");
    expect(await t.db.select().from(messages)).toHaveLength(1);
    await runOneTimeMessages(t.deps, noon);
    const d = dispatcher();
    await d.tick();
    await d.tick();
    const sent = s.twilio.sent.filter((x) => x.to === anna.phone);
    expect(sent.map((x) => x.body)).toHaveLength(1);
  });
});

test("an answer without its one-time token is refused with 400, its text kept, and nothing written", async () => {
  const { t, b, people } = await studio();
  const anna = people[0]!;
  await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
  const href = `/inbox/customer/${anna.id}`;
  await b.get(href);
  for (const answer_token of [undefined, "", "not-a-token", "x".repeat(5000)]) {
    const form: Record<string, string> = { channel: "sms", body: "Yes, behind the studio." };
    if (answer_token !== undefined) form.answer_token = answer_token;
    const res = await b.post(`${href}/reply`, form);
    expect(res.status).toBe(400);
    expect(pageText(res.text)).toContain("one-time token");
    expect(res.text).toContain("Yes, behind the studio.");
    // The page offers a fresh token to send it again.
    expect(answerToken(res.text)).toMatch(/^[0-9a-f-]{36}$/);
  }
  expect(await t.db.select().from(messages)).toHaveLength(0);
});

describe("archive and read act on what staff saw", () => {
  test("a reply that arrives after the conversation was shown is not archived (and marked read) by its Archive button", async () => {
    const { t, b, people } = await studio();
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
    const href = `/inbox/customer/${anna.id}`;
    const shown = await b.get(href);
    expect(pageText(shown.text)).toContain("Is parking free?");
    // While the page is open, she writes again; staff never saw this one.
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Also, can I bring my dog?" }));
    const upto = shown.text.match(/name="upto" value="(\d+)"/)![1]!;
    expect((await b.post(`${href}/archive`, { upto })).status).toBe(303);
    const rows = await t.db.select().from(inboundMessages).orderBy(inboundMessages.id);
    const unseen = rows.find((r) => r.body === "Also, can I bring my dog?")!;
    // Expected: the unseen reply stays in the inbox, unread (or Archive is refused/asks again).
    expect({ archived: unseen.archivedAt !== null, read: unseen.readAt !== null }).toEqual({
      archived: false,
      read: false,
    });
    // Mark read and the thread's own read trigger act up to what was shown too.
    expect((await b.post(`${href}/read`, { upto })).status).toBe(303);
    const after = await t.db.select().from(inboundMessages).where(eq(inboundMessages.id, unseen.id));
    expect(after[0]!.readAt).toBeNull();
  });

  test("Archive and Mark read without the shown reply id are refused with 400, changing nothing", async () => {
    const { t, b, people } = await studio();
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
    const href = `/inbox/customer/${anna.id}`;
    await b.get(href);
    for (const action of ["archive", "read"])
      for (const upto of [undefined, "", "-1", "abc", "1".repeat(30)]) {
        const res = await b.post(`${href}/${action}`, upto === undefined ? {} : { upto });
        expect(res.status).toBe(400);
        expect(pageText(res.text)).toContain("which replies the page showed");
      }
    const [row] = await t.db.select().from(inboundMessages);
    expect({ read: row!.readAt, archived: row!.archivedAt }).toEqual({ read: null, archived: null });
  });
});

describe("alerts for customers' cancellations", () => {
  test("after a busy day (more than 50 unseen), the newest cancellation is still shown, or staff are told there are more", async () => {
    const { t, b, people } = await studio();
    const cancel = async (customerId: number, at: Date) => {
      const [a] = await t.db
        .insert(appointments)
        .values({ customerId, startsAt: new Date(noon.getTime() + 86_400_000), status: "cancelled" })
        .returning();
      await recordAppointmentChange(
        t.db,
        { appointmentId: a!.id, fromStatus: "scheduled", toStatus: "cancelled" },
        at,
        {
          source: "sms",
        },
      );
    };
    // 55 cancellations by Anna over the morning, then one by Ben just now.
    for (let i = 0; i < 55; i++) await cancel(people[0]!.id, new Date(noon.getTime() - (60 - i) * 60_000));
    await cancel(people[1]!.id, noon);
    for (const path of ["/inbox", "/"]) {
      const text = pageText((await b.get(path)).text);
      expect(text).toContain("Anna");
      // Ben's cancellation is the newest and unseen: it must not be hidden behind older ones.
      expect(text.includes("Ben") || /more|\b56\b/.test(text), `${path} hides Ben's cancellation`).toBe(true);
      expect(text).toContain("and 6 more (56 unseen in all)");
    }
    // "All shown seen" marks exactly the 50 shown (the newest), never the 6 hidden ones.
    const page = await b.get("/inbox");
    const form = page.text.match(/<form[^>]*alerts\/seen[^>]*>(?:(?!<\/form>).)*All 50 shown seen/s)![0];
    const ids = [...form.matchAll(/name="id" value="(\d+)"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(50);
    const body = new URLSearchParams(ids.map((id) => ["id", id]));
    body.set("back", "/inbox");
    body.set("_csrf", b.csrf);
    const res = await b.request("/inbox/alerts/seen", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
    });
    expect(res.status).toBe(303);
    const left = await unseenAlerts(t.db);
    expect(left).toHaveLength(6);
    expect(Math.max(...left.map((a) => a.id))).toBeLessThan(Math.min(...ids.map(Number)));
  });
});

describe("placeholders in an answer to one known customer", () => {
  test("an answer whose one recipient has no value for a placeholder is refused at once, not accepted and then skipped", async () => {
    const { t, b, people, dispatcher } = await studio();
    const anna = people[0]!;
    await t.db.update(customers).set({ lastName: "" }).where(eq(customers.id, anna.id));
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
    const href = `/inbox/customer/${anna.id}`;
    await b.get(href);
    const res = await b.post(`${href}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "sms",
      body: "Yes, Ms {{customer.last_name}}.",
    });
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();
    const rows = await t.db.select().from(deliveries);
    // What happens: 303 "Your answer is in the outbox: it goes out within seconds", then the
    // delivery is skipped as missing:customer.last_name and nothing reaches her.
    expect({ status: res.status, skipped: rows.map((d) => d.skipReason) }).toEqual({ status: 422, skipped: [] });
    expect(pageText(res.text)).toContain("{{customer.last_name}} has no value for Anna");
    expect(res.text).toContain("Yes, Ms {{customer.last_name}}.");
    expect(await t.db.select().from(messages)).toHaveLength(0);
    // With a fallback it goes.
    const ok = await b.post(`${href}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "sms",
      body: 'Yes, Ms {{customer.last_name | "Anna"}}.',
    });
    expect(ok.status).toBe(303);
  });

  test("an appointment placeholder in an answer is refused with advice that fits an answer", async () => {
    const { t, b, people } = await studio();
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "When is it?" }));
    const href = `/inbox/customer/${anna.id}`;
    await b.get(href);
    const res = await b.post(`${href}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "sms",
      body: "It is on {{appointment.date}}.",
    });
    expect(res.status).toBe(422);
    const text = pageText(res.text);
    expect(text).toContain("an answer is not about one appointment. Write the date and time out");
    expect(text).not.toContain("under Recipients");
    expect(res.text).toContain("It is on {{appointment.date}}.");
    expect(await t.db.select().from(messages)).toHaveLength(0);
  });
});

describe("live thread of an unknown number", () => {
  test("the open conversation with an unknown number sees our answer move on (its version changes)", async () => {
    const { t, b, dispatcher } = await studio();
    const stranger = "+12175550123";
    await post(t, s.twilio.inboundSms(INBOUND, { from: stranger, to: STUDIO, body: "Do you do pets?" }));
    const href = `/inbox/from/${encodeURIComponent(stranger)}`;
    expect(
      (await b.post(`${href}/reply`, { answer_token: crypto.randomUUID(), channel: "sms", body: "We do!" })).status,
    ).toBe(303);
    await runOneTimeMessages(t.deps, noon);
    const before = await threadVersion(t.db, { from: stranger });
    await dispatcher().tick();
    const [d] = await t.db.select().from(deliveries);
    expect(d!.status).toBe("sent");
    // A customer's thread changes version when a delivery moves; this one never does, so a
    // second tab (or the SSE of this one) never shows the answer or its status.
    expect(await threadVersion(t.db, { from: stranger })).not.toBe(before);
  });
});

describe("an unknown number that became a customer", () => {
  test("answering the number's old conversation honours the customer's consent (and the inbox no longer calls it unknown)", async () => {
    const { t, b, dispatcher } = await studio();
    const stranger = "+12175550177";
    await post(t, s.twilio.inboundSms(INBOUND, { from: stranger, to: STUDIO, body: "Do you do pets?" }));
    // Staff add the sender as a customer, who has not agreed to texts.
    await createCustomer(t.db, { first_name: "Zed", phone: stranger, consent: { sms: false } }, "test", noon);
    const list = pageText((await b.get("/inbox")).text);
    const res = await b.post(`/inbox/from/${encodeURIComponent(stranger)}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "sms",
      body: "We do!",
    });
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();
    // What happens: 303, and "We do! Reply STOP to opt out." reaches Zed without SMS consent,
    // because the answer goes to a typed-in address; the inbox still says "unknown number".
    expect({
      status: res.status,
      sent: s.twilio.sent.filter((x) => x.to === stranger).length,
      unknown: list.includes("unknown number"),
    }).toEqual({ status: 303, sent: 0, unknown: false });
    expect(list).toContain("now Zed's number");
    // The answer went to Zed as a customer, and was skipped for the missing consent.
    const [d] = await t.db.select().from(deliveries);
    expect(d).toMatchObject({ status: "skipped", customerId: expect.any(Number) });
    const conv = pageText((await b.get(`/inbox/from/${encodeURIComponent(stranger)}`)).text);
    expect(conv).toContain("it is now the number of Zed");
    expect(conv).not.toContain("not a customer in Pigeon");
    // The number's thread shows the answer (and why it did not go).
    expect(conv).toContain("We do!");
  });
});
