// A customer's history (SPEC A5): every message sent or skipped with its reason, every reply, and
// every appointment change with who made it — a cancellation by SMS reply, a staff member's mark —
// in one list, newest first.
import { afterAll, expect, test } from "bun:test";
import { setAppointmentStatus } from "../src/db/appointment-changes.ts";
import { eq } from "drizzle-orm";
import { appointments, deliveries, users } from "../src/db/schema.ts";
import { suppress } from "../src/db/suppressions.ts";
import { signedInOwner } from "./support/app.ts";
import { pageText } from "./support/forms.ts";
import { later, noon, sendStudio } from "./support/send-studio.ts";

const s = sendStudio();
afterAll(() => s.stop());

test("sent, skipped with the reason, the reply that cancelled, and a staff member's mark, newest first", async () => {
  const { t, people, dispatcher } = await s.studio();
  const b = await signedInOwner(t);
  const [owner] = await t.db.select().from(users);
  const anna = people[0]!;
  // 1. She has an appointment tomorrow, and its reminder goes out.
  const [a] = await t.db
    .insert(appointments)
    .values({ customerId: anna.id, startsAt: later(86_400_000), status: "scheduled" })
    .returning();
  await s.message(t, [anna], "sms", "See you Friday");
  await dispatcher().tick();
  // The reminder is about that appointment (as an appointment trigger's would be).
  await t.db.update(deliveries).set({ appointmentId: a!.id }).where(eq(deliveries.customerId, anna.id));
  // 2. She answers X a minute later, which cancels it.
  t.setNow(later(60_000));
  const x = s.twilio.inboundSms("https://pigeon.test/webhooks/twilio/inbound", {
    from: anna.phone,
    to: "+1",
    body: "X",
  });
  expect((await t.app.request(x.url, { method: "POST", body: x.body, headers: x.headers })).status).toBe(200);
  // 3. Staff set it back to scheduled two minutes later.
  expect(
    await setAppointmentStatus(t.db, a!.id, ["cancelled"], "scheduled", later(120_000), {
      source: "staff",
      userId: owner!.id,
    }),
  ).toBe(true);
  // 4. A text three minutes later is skipped: she opted out.
  t.setNow(later(180_000));
  await suppress(
    t.db,
    { channel: "sms", address: anna.phone, reason: "stop_keyword", source: "test", customerId: anna.id },
    later(180_000),
  );
  await s.message(t, [anna], "sms", "Last call", later(180_000));
  await dispatcher().tick();

  const page = pageText((await b.get(`/customers/${anna.id}`)).text);
  const history = page.slice(page.indexOf("History"));
  const order = [
    "Replied STOP", // the skipped text, newest
    "Marked scheduled by Olivia Owner",
    "Cancelled by the customer by SMS",
    "“X”",
    "Sent", // the first reminder, oldest
  ].map((needle) => history.indexOf(needle));
  expect(
    order.every((i) => i >= 0),
    history,
  ).toBe(true);
  expect(
    [...order].sort((p, q) => p - q),
    history,
  ).toEqual(order);
  expect(history).toContain("Cancelled the appointment automatically");
  expect(noon).toBeInstanceOf(Date);
});
