// The bad input an outside probe found (issue 10, known findings): each answered with a clear 4xx
// naming the field, nothing half-written, never a 500 — and data stored before these checks still
// renders. The generated counterpart is test/bad-input.property.test.ts.
import { describe, expect, test } from "bun:test";
import { createAppointment, createCustomer, upsertRegistration } from "../src/db/customers.ts";
import { createAlbum, createJob } from "../src/db/jobs.ts";
import { messages } from "../src/db/schema.ts";
import { signedInOwner } from "./support/app.ts";
import { fieldsOf, makeApiApp, rows } from "./api/support.ts";

const now = new Date("2026-09-01T10:00:00Z");

describe("huge id lists", () => {
  const many = Array.from({ length: 100_000 }, (_, i) => i + 1);

  test("a message with 100,000 job ids is refused with a 422 naming filters.job_ids", async () => {
    const t = await makeApiApp({ now });
    const res = await t.post("/messages", { name: "Flood", channels: ["email"], subject: "Hi", body: "Hello", filters: { job_ids: many } });
    expect(res.status).toBe(422);
    expect(fieldsOf(res)["filters.job_ids"]).toContain("at most 1,000");
    expect(await rows(t.db, messages)).toBe(0);
  });

  test("a message stored before the cap with 100,000 ids in every list still shows its pages", async () => {
    const t = await makeApiApp({ now });
    // One customer every list names, so the message has a recipient and its Send page a count.
    const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "api", now);
    const album = await createAlbum(t.db, job.id, "3B");
    const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", consent: { email: true } }, "test", now);
    await upsertRegistration(t.db, { jobId: job.id, customerId: cu.id, albumId: album.id, registeredAt: now }, "api", now);
    await createAppointment(t.db, { customerId: cu.id, startsAt: new Date("2026-09-10T14:00:00Z") }, "api", now);
    // Past SQLite's 32,766 placeholders in every list; 100,000 job ids as the probe stored them.
    const some = many.slice(0, 40_000);
    const filters = { job_ids: many, album_ids: some, appointment_ids: some, customer_ids: some };
    const [m] = await t.db
      .insert(messages)
      .values({ name: "Legacy flood", channels: ["email"], subject: "Hi", body: "Hello", filters, status: "draft", createdAt: now, updatedAt: now })
      .returning();
    const b = await signedInOwner(t);
    for (const path of ["/messages", `/messages/${m!.id}`, `/messages/${m!.id}/edit`, `/messages/${m!.id}/send`]) {
      const page = await b.get(path);
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
    }
    expect((await b.get(`/messages/${m!.id}/send`)).text).toContain("Send to 1 appointment by e-mail?");
    expect((await t.get(`/messages/${m!.id}`)).status).toBe(200);
  });
});
