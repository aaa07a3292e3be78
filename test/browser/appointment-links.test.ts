// A customer follows the confirm link of a reminder text on a phone (SPEC A3, L4): the text goes
// through the real composer and dispatcher into the dev outbox, the link is read from what was
// "sent", and Chromium at phone width opens it, presses the one button and reads the answer.
// Screenshots: /tmp/pigeon-shots/13-appointment-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { appointmentHistory } from "../../src/db/appointment-changes.ts";
import { createAppointment, createCustomer } from "../../src/db/customers.ts";
import { enqueueDeliveries } from "../../src/db/outbox.ts";
import { appointments, devOutbox } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { type BrowserHarness, PHONE, startBrowserHarness } from "./support.ts";

const SHOTS = "/tmp/pigeon-shots";
let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness();
});

afterAll(async () => {
  await h?.stop();
});

test("the confirm link of a reminder text, on a phone: the page shows the appointment, one press confirms it", async () => {
  const now = new Date();
  await updateSettings(
    h.db,
    {
      name: "Brightside Photography",
      phone: "+1 217 555 0142",
      timeZone: "America/Chicago",
      sendWindowStart: "00:00",
      sendWindowEnd: "24:00",
    },
    now,
  );
  const maya = await createCustomer(
    h.db,
    { first_name: "Maya", phone: "+15552010101", time_zone: "America/Chicago", consent: { sms: true } },
    "test",
    now,
  );
  const startsAt = new Date(now.getTime() + 2 * 86_400_000);
  const a = await createAppointment(
    h.db,
    { customerId: maya.id, startsAt, location: "Studio A, 412 Orchard Lane" },
    "api",
    now,
  );
  await enqueueDeliveries(
    h.db,
    { sourceType: "test" },
    [
      {
        key: deliveryKey({ kind: "test", id: "reminder" }, { customerId: maya.id }, "sms"),
        decision: { customerId: maya.id, channel: "sms", to: maya.phone, skip: null },
        dueAt: now,
        appointmentId: a.id,
        body: "Brightside: see you {{appointment.date}} at {{appointment.time}}. Confirm: {{appointment.confirm_link}}",
      },
    ],
    now,
  );
  await h.deps.dispatcher.tick();
  const [text] = await h.db.select().from(devOutbox).where(eq(devOutbox.toAddress, maya.phone!));
  const link = text!.body.match(/http:\/\/127\.0\.0\.1:\d+\/a\/\S+/)![0];

  const { page } = h;
  await page.setViewportSize(PHONE);
  // A link cut short of its action offers the three, as links to their pages.
  await page.goto(link.slice(0, link.indexOf("?")));
  await page.getByText("What would you like to do?").waitFor();
  for (const name of ["Yes, confirm my appointment", "Cancel my appointment", "Ask for a new time"])
    await expect(page.getByRole("button", { name }).isVisible()).resolves.toBe(true);
  await page.screenshot({ path: `${SHOTS}/13-appointment-choose.png`, fullPage: true });
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Confirm your appointment?" }).isVisible()).resolves.toBe(true);
  await expect(page.getByText("Studio A, 412 Orchard Lane").isVisible()).resolves.toBe(true);
  const button = page.getByRole("button", { name: "Yes, confirm my appointment" });
  // The button fits the phone's width: nothing to scroll sideways for.
  const box = (await button.boundingBox())!;
  expect(box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.screenshot({ path: `${SHOTS}/13-appointment-ask.png`, fullPage: true });
  // Opening the page changed nothing.
  expect((await h.db.select().from(appointments).where(eq(appointments.id, a.id)))[0]!.status).toBe("scheduled");

  await button.click();
  await page.getByRole("heading", { name: "Confirmed" }).waitFor();
  await expect(page.getByText(/Your appointment on .* is confirmed\. Thank you!/).isVisible()).resolves.toBe(true);
  await page.screenshot({ path: `${SHOTS}/13-appointment-confirmed.png`, fullPage: true });
  expect((await h.db.select().from(appointments).where(eq(appointments.id, a.id)))[0]!.status).toBe("confirmed");
  expect((await appointmentHistory(h.db, a.id)).map((c) => [c.toStatus, c.source])).toEqual([["confirmed", "link"]]);

  // The same reminder's cancel link, made by the same composer, reads the new state.
  await page.goto(link.replace("do=confirm", "do=cancel"));
  await page.getByRole("heading", { name: "Cancel your appointment?" }).waitFor();
  await page.screenshot({ path: `${SHOTS}/13-appointment-cancel.png`, fullPage: true });
  await page.getByRole("button", { name: "Cancel my appointment" }).click();
  await page.getByRole("heading", { name: "Cancelled" }).waitFor();
  await expect(page.getByRole("link", { name: "(217) 555-0142" }).getAttribute("href")).resolves.toBe(
    "tel:+12175550142",
  );
  await page.screenshot({ path: `${SHOTS}/13-appointment-cancelled.png`, fullPage: true });
  // A link cut short of its action offers what can still be done: nothing, for a cancelled appointment.
  await page.goto(link.slice(0, link.indexOf("?")));
  await page.getByText("There is nothing to change here.").waitFor();
});
