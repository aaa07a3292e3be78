// Issues 9 and 13's acceptance walk in a real Chromium: a new studio owner ticks three
// appointments (two mobiles, one landline), sends an SMS that calls only where the SMS cannot go,
// and sees the mobiles texted, the landline called, the appointment dates filled in, and a report
// that tells the same story the review promised. The dev outbox's lookup calls North American
// numbers ending 555-0000 to 555-0099 landlines. Then the customers answer: Maya's "C", posted to
// the webhook signed as Twilio signs it, confirms her appointment; Noah's question, simulated in the dev outbox as a studio without a
// Twilio account would, arrives live in the open Inbox; the owner answers it, and the answer goes
// out through the outbox. Texts still go to the dev outbox: only the webhook's Twilio token is set.
// Screenshots: test-results/screenshots/9x-*.png, 13w-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { runOneTimeMessages } from "../../src/automation/one-time.ts";
import { createUser } from "../../src/db/auth.ts";
import { createAppointment, createCustomer } from "../../src/db/customers.ts";
import { and, eq } from "drizzle-orm";
import { appointments, devOutbox } from "../../src/db/schema.ts";
import twilio from "twilio";
import { until } from "../support/until.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { type BrowserHarness, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };
const ZONE = "America/Chicago";
const TWILIO = { accountSid: `AC${"1".repeat(32)}`, authToken: "a".repeat(32), from: "+12175550100" };
const people: { first: string; phone: string; appointment: number; startsAt: Date }[] = [];

beforeAll(async () => {
  h = await startBrowserHarness();
  // Sends go to the dev outbox (no provider keys were given); the webhook checks signatures with this token.
  h.deps.config = { ...h.deps.config, twilio: { ...TWILIO, baseUrl: "http://127.0.0.1:9" } };
  const now = new Date();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  // The window round the clock: the walk must not depend on the hour the suite runs at.
  await updateSettings(
    h.db,
    {
      name: "Brightside Photography",
      postalAddress: "412 Orchard Lane",
      phone: "+1 217 555 0142",
      timeZone: ZONE,
      sendWindowStart: "00:00",
      sendWindowEnd: "24:00",
      smsRatePerSecond: 50,
    },
    now,
  );
  const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  for (const [first, phone, hour] of [
    ["Maya", "+15552010101", 15],
    ["Noah", "+15552010102", 16],
    ["Lena", "+12175550012", 17],
  ] as const) {
    const c = await createCustomer(
      h.db,
      { first_name: first, last_name: "Rivera", phone, consent: { sms: true, voice: true } },
      "test",
      now,
    );
    const startsAt = new Date(`${tomorrow}T${hour}:00:00Z`);
    const a = await createAppointment(h.db, { customerId: c.id, startsAt, location: "Studio A" }, "api", now);
    people.push({ first, phone, appointment: a.id, startsAt });
  }
  await h.logIn(OWNER.email, OWNER.password);
});

afterAll(async () => {
  await h?.stop();
});

test("SMS with a call where SMS cannot go, to three appointments: mobiles texted, the landline called, dates filled in, the report as promised", async () => {
  const { page } = h;
  const day = (d: Date) =>
    new Intl.DateTimeFormat("en", { timeZone: ZONE, weekday: "long", month: "long", day: "numeric" }).format(d);

  await page.goto("/appointments");
  for (const p of people) await page.locator(`input[name="appointment_ids"][value="${p.appointment}"]`).check();
  await page.getByRole("button", { name: "Compose" }).click();
  await page.waitForURL((u) => u.pathname === "/messages/new");
  await page.getByLabel("Internal name").fill("Snow day");
  const channel = (ch: string) => page.locator(`input[name="channels"][value="${ch}"]`);
  await channel("email").uncheck();
  await channel("sms").check();
  await channel("voice").check();
  await page.getByLabel("Call only if the number cannot receive SMS").check();
  await page
    .locator("#f-sms_body")
    .fill(
      "Snow day: Brightside is closed on {{appointment.date}}. We will call to move your {{appointment.time}} session.",
    );
  await page
    .locator("#f-voice_script")
    .fill(
      "Hello {{customer.first_name}}. Brightside Photography is closed on {{appointment.date}} because of snow. We will call you to move your session.",
    );
  await page.locator("#f-voice_script").blur();

  // Before any number is checked, the count says what that means instead of promising the SMS.
  const count = page.locator("#recipient-count");
  await count.filter({ hasText: "not been checked yet" }).waitFor();
  expect(await count.innerText()).toContain("3 more will be called if their number turns out not to take SMS");
  await h.screenshot("91-sms-or-call-compose");

  // The review checks the three numbers first, so it can say exactly who gets what.
  await page.getByRole("button", { name: "Save and review sending…" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+\/send$/.test(u.pathname));
  expect(await page.locator(".question").innerText()).toBe("Send to 2 appointments by SMS and 1 by voice call?");
  const review = await page.locator("article.confirm").innerText();
  expect(review).toContain(
    "SMS or call: 2 get the SMS, so their call is not needed; 1 cannot take SMS and is called instead.",
  );
  expect(review).not.toContain("not been checked yet");
  expect(review).not.toContain("Who will not get it");
  await h.screenshot("92-sms-or-call-review");
  await page.getByRole("button", { name: "Send 3 messages" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+$/.test(u.pathname));

  // The harness runs no scheduler: start the message and let the app's own dispatcher send.
  expect((await runOneTimeMessages(h.deps, h.deps.clock())).started).toBe(1);
  let sent = 0;
  for (let i = 0; i < 5 && sent < 3; i++) sent += (await h.deps.dispatcher.tick()).sent;
  expect(sent).toBe(3);
  const out = (await h.db.select().from(devOutbox)).map((m) => [m.channel, m.toAddress]).sort();
  expect(out).toEqual([
    ["sms", "+15552010101"],
    ["sms", "+15552010102"],
    ["voice", "+12175550012"],
  ]);
  const texts = (await h.db.select().from(devOutbox)).filter((m) => m.channel === "sms");
  for (const t of texts) {
    const p = people.find((x) => x.phone === t.toAddress)!;
    expect(t.body).toContain(`closed on ${day(p.startsAt)}.`);
  }

  // The scheduler's next pass finds nothing left open and marks the message sent.
  await runOneTimeMessages(h.deps, h.deps.clock());

  // The report: what happened is what the review said would.
  await page.reload();
  const report = page.locator("#report");
  await report.waitFor();
  const words = await report.innerText();
  expect(words).toContain(
    "SMS or call: 2 got the SMS, so their call was not needed; 1 could not take the SMS and was called instead.",
  );
  expect(words).toContain("Everyone was reached.");
  // "Sending…", said when Send was pressed, is not said again of a message that has finished.
  expect(await page.locator("body").innerText()).not.toContain("it starts within seconds");
  expect(await page.locator("table.not-reached").count()).toBe(0);
  await h.screenshot("93-sms-or-call-report");

  // Lena's call said her appointment's date.
  await page.goto("/outbox?channel=voice");
  await page.locator("main").filter({ hasText: "Lena Rivera" }).waitFor();
  await h.screenshot("94-sms-or-call-outbox");
});

test("the customers answer: C confirms an appointment, a question arrives live in the inbox and is answered", async () => {
  const { page, context } = h;
  const [maya, noah] = people;
  const textTo = async (phone: string) => {
    const [entry] = await h.db
      .select()
      .from(devOutbox)
      .where(and(eq(devOutbox.channel, "sms"), eq(devOutbox.toAddress, phone)));
    return entry!.id;
  };

  // Maya answers the snow-day text with "C" from her phone: Twilio posts it, signed.
  const sid = `SM${crypto.randomUUID().replaceAll("-", "")}`;
  const url = `${h.baseUrl}/webhooks/twilio/inbound`;
  const params = {
    AccountSid: TWILIO.accountSid,
    From: maya!.phone,
    To: TWILIO.from,
    Body: "C",
    MessageSid: sid,
    SmsSid: sid,
  };
  const res = await fetch(url, {
    method: "POST",
    body: new URLSearchParams(params),
    headers: { "X-Twilio-Signature": twilio.getExpectedTwilioSignature(TWILIO.authToken, url, params) },
  });
  expect(await res.text()).toContain("is confirmed");
  await page.goto("/appointments");
  const mayaRow = page.locator("tr").filter({ has: page.locator(`input[value="${maya!.appointment}"]`) });
  expect(await mayaRow.innerText()).toContain("Confirmed");
  await h.screenshot("13w-2-appointments-confirmed");

  // The inbox is open in another tab when Noah's question comes in.
  const inbox = await context.newPage();
  await inbox.goto("/inbox");
  await until("the live inbox to connect", () =>
    inbox.locator("#inbox-list").evaluate((el) => !!el.parentElement?.hasAttribute("hx-sse:connect")),
  );
  await page.goto(`/outbox/dev/${await textTo(noah!.phone)}`);
  await page.getByLabel("The customer's reply").fill("Can we come on Friday instead?");
  await h.screenshot("13w-1-simulate-reply");
  await page.getByRole("button", { name: "Receive this reply" }).click();
  await page.getByText("Reply received. It is in the Inbox.").waitFor();
  await inbox.getByText("Can we come on Friday instead?").waitFor();
  expect(await inbox.locator("#inbox-list .unread-count").textContent()).toBe("1 new");

  await inbox.getByRole("link", { name: /Noah Rivera/ }).click();
  await inbox.getByLabel("Your answer").fill("Friday at 10 works, {{customer.first_name}}. See you then!");
  await inbox.getByRole("button", { name: "Send" }).click();
  await inbox.getByText("Your answer is in the outbox").waitFor();
  await inbox.screenshot({ path: "test-results/screenshots/13w-3-inbox-answered.png", fullPage: true });
  await inbox.close();

  expect((await runOneTimeMessages(h.deps, h.deps.clock())).started).toBe(1);
  let sent = 0;
  for (let i = 0; i < 5 && sent < 1; i++) sent += (await h.deps.dispatcher.tick()).sent;
  expect(sent).toBe(1);
  await page.goto("/outbox/dev?channel=sms");
  await page.getByText("Friday at 10 works, Noah. See you then!").first().waitFor();
  const confirmed = await h.db.select().from(appointments).where(eq(appointments.id, maya!.appointment));
  expect(confirmed[0]!.status).toBe("confirmed");
  await h.screenshot("13w-4-dev-outbox-answer");
});
