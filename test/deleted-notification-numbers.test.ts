// A notification deleted after it sold (issue 14, found by the second outside review): its
// deliveries lose their notification but its profile still counts what it sent and earned, in
// a "Deleted notifications" row, as the job's page does; the rows add up to the total.
import { expect, test } from "bun:test";
import { createCustomer } from "../src/db/customers.ts";
import { performanceOf } from "../src/db/performance.ts";
import { deleteNotification } from "../src/db/profiles.ts";
import { communicationProfiles, deliveries, jobs, notifications, orders } from "../src/db/schema.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText } from "./support/forms.ts";

const NOW = new Date("2026-09-01T10:00:00Z");
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

test("deleting a notification after it sold: the profile keeps what it earned, in a row of its own", async () => {
  const t = await makeTestApp({ now: NOW });
  const b = await signedInOwner(t);
  const c = await createCustomer(t.db, { first_name: "Ann", email: "ann@x.test", consent: {} }, "test", NOW);
  const [job] = await t.db.insert(jobs).values({ name: "School", type: "school", year: 2026 }).returning();
  const [profile] = await t.db.insert(communicationProfiles).values({ name: "School" }).returning();
  const note = (position: number, subject: string) =>
    t.db
      .insert(notifications)
      .values({ profileId: profile!.id, trigger: "job_selling", channel: "email", subject, body: "Hi", position })
      .returning();
  const [sold] = await note(0, "Sell");
  const [kept] = await note(1, "Remind");
  const sent = async (n: number) =>
    (
      await t.db
        .insert(deliveries)
        .values({
          deliveryKey: `n${n}:j${job!.id}:c${c.id}:email`,
          sourceType: "notification",
          notificationId: n,
          jobId: job!.id,
          channel: "email",
          customerId: c.id,
          toAddress: "ann@x.test",
          status: "delivered",
          sentAt: NOW,
          dueAt: NOW,
        })
        .returning()
    )[0]!.id;
  const d = await sent(sold!.id);
  await sent(kept!.id);
  await t.db.insert(orders).values({
    jobId: job!.id,
    customerId: c.id,
    amountMinor: 5000,
    currency: "USD",
    orderedAt: later(60),
    attributedDeliveryId: d,
  });
  const before = await performanceOf(t.db, { profileId: profile!.id }, "USD");
  await deleteNotification(t.db, profile!.id, sold!.id, later(120));
  const after = await performanceOf(t.db, { profileId: profile!.id }, "USD");
  expect(after).toMatchObject({ sent: 2, revenueMinor: 5000 });
  expect(after).toEqual(before);

  const page = pageText((await b.get(`/profiles/${profile!.id}`)).text);
  expect(page).toMatch(/Deleted notifications 1 1 100%[^]*\$50\.00/);
});
