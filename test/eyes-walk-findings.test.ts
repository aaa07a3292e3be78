// Outside-eyes walk of issue 14 (i14-eyes-walk): problems a new studio owner met, each as a test
// that fails until it is fixed.
import { describe, expect, test } from "bun:test";
import { communicationProfiles, customers, deliveries, jobs, notifications } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { pageText } from "./support/forms.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";

describe("eyes walk: the dashboard names a notification the way its profile page does", () => {
  test("this week's e-mail and SMS of one trigger are named alike, without raw {{placeholders}}", async () => {
    const now = new Date("2026-10-21T10:00:00Z");
    const t = await makeTestApp({ now });
    const b = await signedInOwner(t);
    await updateSettings(t.db, { timeZone: "Europe/Berlin", currency: "EUR" }, now);
    const [profile] = await t.db.select().from(communicationProfiles).limit(1);
    const [job] = await t.db.insert(jobs).values({ name: "Hillcrest High", type: "school", year: 2026 }).returning();
    const [mail, sms] = await t.db
      .insert(notifications)
      .values([
        {
          profileId: profile!.id,
          trigger: "job_selling",
          channel: "email",
          subject: "Ihre Fotos von {{job.name}} sind online",
        },
        { profileId: profile!.id, trigger: "job_selling", channel: "sms", subject: "" },
      ])
      .returning();
    const [c] = await t.db
      .insert(customers)
      .values({ firstName: "Emma", lastName: "H", email: "e@x.test", phone: "+491701234567" })
      .returning();
    let k = 0;
    for (const [n, channel] of [
      [mail!, "email"],
      [sms!, "sms"],
    ] as const)
      await t.db.insert(deliveries).values({
        deliveryKey: `w${++k}`,
        sourceType: "notification",
        notificationId: n.id,
        jobId: job!.id,
        customerId: c!.id,
        channel,
        status: "delivered",
        dueAt: now,
        sentAt: now,
        deliveredAt: now,
      });
    const week = pageText((await b.get("/")).text);
    const table = week.slice(week.indexOf("Sent this week"));
    // Seen in the walk: "Job set to selling · Hillcrest High" (the SMS) beside
    // "Ihre Fotos von {{job.name}} sind online · Hillcrest High" (the e-mail): one named by its
    // trigger, the other by its raw subject, so the owner cannot tell they are the same notification
    // pair, and reads {{job.name}} where the profile page says "E-mail · as soon as the job is set to selling".
    expect(table).not.toContain("{{");
  });
});
