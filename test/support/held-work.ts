// Work held for review after an outage, for the tests of releasing and cancelling it (staff pages
// and API): a studio whose dispatcher was down from 10:00 to 13:00, so three "photos online"
// notification e-mails and two e-mails of a one-time message, due at 10:05, wait for review.
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { decideRecipients } from "../../src/core/recipients.ts";
import { createCustomer, upsertRegistration } from "../../src/db/customers.ts";
import { createJob } from "../../src/db/jobs.ts";
import { enqueueDeliveries, loadCandidates } from "../../src/db/outbox.ts";
import { deliveries, messages } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import type { TestApp } from "./app.ts";

export const ten = new Date("2026-09-01T10:00:00Z");
export const one = new Date("2026-09-01T13:00:00Z");
const NOTIFICATION = 1; // the built-in "photos online" e-mail

/** Holds the work on `t` (made at `ten`); returns the job, the message and the held deliveries by source. */
export async function holdAfterOutage(t: Pick<TestApp, "db" | "deps" | "setNow">) {
  await updateSettings(
    t.db,
    { postalAddress: "412 Orchard Lane", staggerBatchSize: 2, staggerIntervalSeconds: 60 },
    ten,
  );
  const job = await createJob(
    t.db,
    { name: "Lincoln Elementary", type: "school", gallery_url: "https://shop.example.com/lincoln" },
    {},
    "api",
    ten,
  );
  const people = [];
  for (const [first, email] of [
    ["Anna", "anna@x.test"],
    ["Ben", "ben@x.test"],
    ["Cleo", "cleo@x.test"],
  ] as const) {
    const c = await createCustomer(t.db, { first_name: first, email, consent: { email: true } }, "test", ten);
    // Registered, so the notification's personal gallery link has a value for them.
    await upsertRegistration(t.db, { jobId: job.id, customerId: c.id }, "api", ten);
    people.push(c);
  }
  const [message] = await t.db
    .insert(messages)
    .values({
      name: "Retake day",
      channels: ["email"],
      subject: "Retake day",
      body: "Hi {{customer.first_name}}, retakes are on Friday.",
      filters: {},
      status: "sending",
    })
    .returning();
  await t.deps.dispatcher.tick(); // the dispatcher's last sign of life: 10:00
  const due = new Date("2026-09-01T10:05:00Z");
  const decisions = decideRecipients(
    await loadCandidates(
      t.db,
      people.map((p) => p.id),
    ),
    "email",
    { requireConsent: true },
  );
  const source = { kind: "notification" as const, notificationId: NOTIFICATION, jobId: job.id };
  await enqueueDeliveries(
    t.db,
    { sourceType: "notification", notificationId: NOTIFICATION, jobId: job.id },
    decisions.map((d) => ({
      key: deliveryKey(source, { customerId: d.customerId }, "email"),
      decision: d,
      dueAt: due,
    })),
    ten,
  );
  await enqueueDeliveries(
    t.db,
    { sourceType: "message", messageId: message!.id },
    decisions.slice(0, 2).map((d) => ({
      key: deliveryKey({ kind: "message", messageId: message!.id }, { customerId: d.customerId }, "email"),
      decision: d,
      dueAt: due,
    })),
    ten,
  );
  t.setNow(one);
  await t.deps.dispatcher.tick();
  const all = await t.db.select().from(deliveries).orderBy(deliveries.id);
  return {
    job,
    message: message!,
    notified: all.filter((d) => d.sourceType === "notification"),
    messaged: all.filter((d) => d.sourceType === "message"),
  };
}
