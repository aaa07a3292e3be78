// The numbers staff see (issue 14) on the message, profile and job pages, over real HTTP from a
// real migrated database: deliveries, engagements by people and machines, and orders attributed
// to deliveries seeded straight into the schema. Rates are of delivered, a rate of nothing is
// "–", the open rate is an estimate, machines are left out and said so, names are escaped.
import { expect, test } from "bun:test";
import { createCustomer } from "../src/db/customers.ts";
import {
  communicationProfiles,
  deliveries,
  engagements,
  jobs,
  messages,
  notifications,
  orders,
} from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";

const noon = new Date("2026-09-01T10:00:00Z"); // 12:00 in Berlin
const HOUR = 3_600_000;
const at = (h: number) => new Date(noon.getTime() + h * HOUR);
const HOSTILE = `<script>alert("x")</script> Summer's "sale"`;

async function studio() {
  const t = await makeTestApp({ now: at(30) });
  const b = await signedInOwner(t);
  await updateSettings(t.db, { timeZone: "Europe/Berlin", currency: "EUR", locale: "en" }, noon);
  const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", consent: {} }, "test", noon);
  const [job] = await t.db.insert(jobs).values({ name: "Spring school", type: "school", year: 2026 }).returning();
  let k = 0;
  const d = async (v: Partial<typeof deliveries.$inferInsert>) =>
    (
      await t.db
        .insert(deliveries)
        .values({
          deliveryKey: `k${++k}`,
          sourceType: "message",
          channel: "email",
          customerId: cu.id,
          toAddress: "anna@x.test",
          status: "delivered",
          sentAt: noon,
          dueAt: noon,
          ...v,
        })
        .returning()
    )[0]!.id;
  const engage = (
    deliveryId: number,
    type: "open" | "click",
    kind: (typeof engagements.$inferInsert)["kind"],
    when = at(1),
  ) => t.db.insert(engagements).values({ deliveryId, customerId: cu.id, type, source: "link", kind, occurredAt: when });
  const order = (amountMinor: number, currency: string, attributedDeliveryId: number, when = at(5)) =>
    t.db
      .insert(orders)
      .values({ jobId: job!.id, customerId: cu.id, amountMinor, currency, orderedAt: when, attributedDeliveryId });
  return { t, b, cu, job: job!, d, engage, order };
}

const card = (html: string, key: string) =>
  html.match(new RegExp(`<article data-perf="${key}">([\\s\\S]*?)</article>`))?.[1]?.replace(/<[^>]+>/g, " ") ?? "";
const squash = (s: string) => s.replace(/\s+/g, " ").trim();

test("a message's page shows its performance: counts, rates of delivered, the estimate, machines apart, revenue", async () => {
  const { t, b, d, engage, order } = await studio();
  const [m] = await t.db
    .insert(messages)
    .values({ name: HOSTILE, channels: ["email"], filters: {}, status: "sent" })
    .returning();
  const mid = { messageId: m!.id };
  const a = await d(mid);
  const a2 = await d({ ...mid, sentAt: at(2) });
  await d({ ...mid, status: "bounced" });
  const sms = await d({ ...mid, channel: "sms", toAddress: "+15555550100" });
  await engage(a, "open", "person");
  await engage(a2, "open", "privacy_proxy");
  await engage(a, "click", "person", at(3));
  await engage(a2, "click", "scanner");
  await engage(sms, "click", "person", at(20));
  await order(2490, "EUR", a);
  await order(1000, "USD", sms, at(26));

  const page = await b.get(`/messages/${m!.id}`);
  expect(page.status).toBe(200);
  const html = page.text;
  expect(html).toContain("<h2>Performance</h2>");
  expect(squash(card(html, "sent"))).toBe("Sent 4");
  expect(squash(card(html, "delivered"))).toBe("Delivered 3 75% of sent");
  expect(squash(card(html, "bounced"))).toBe("Bounced 1 25% of sent");
  // One of two delivered e-mails opened by a person; the privacy proxy's open is left out.
  expect(squash(card(html, "opened"))).toBe("Opened (estimate) 1 50% of delivered e-mails");
  expect(squash(card(html, "clicked"))).toBe("Clicked 2 67% of delivered");
  expect(squash(card(html, "ordered"))).toBe("Bought 2 67% of delivered · 2 orders");
  expect(squash(card(html, "revenue"))).toBe("Revenue €24.90");
  expect(html).toContain("Apple Mail loads pictures by itself");
  expect(html).toContain("1 open by mail privacy proxies and image prefetchers and 1 click by link scanners");
  expect(html).toContain("1 order was in another currency than EUR");
  // The report no longer counts opens its own way: one open count on the page.
  expect(html).not.toContain('data-total="opened"');
  expect(html).not.toContain('data-total="clicked"');

  // The chart: an SVG naming itself, the hostile name escaped, and its numbers in a table.
  const svg = html.match(/<svg viewBox[^>]*role="img"[\s\S]*?<\/svg>\s*<\/figure>/)?.[0] ?? "";
  expect(svg).toContain('<title id="message-chart-title">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  expect(svg).toContain("<desc");
  expect(html).not.toContain('<script>alert("x")</script>');
  expect((svg.match(/<polyline /g) ?? []).length).toBe(3);
  expect(html).toContain("Time (CEST), one bar per hour");
  const table = html.match(/<details class="chart-data">[\s\S]*?<\/details>/)?.[0] ?? "";
  // Sent at 12:00 and 14:00 Berlin, opened at 13:00, clicked at 15:00 and 08:00 the next day;
  // ordered at 17:00, and in dollars at 14:00 the next day.
  const rows = squash(table.replace(/<[^>]+>/g, " "));
  expect(rows).toContain("2026-09-01 12:00 CEST 3 0 0 0 – 2026-09-01 13:00 CEST 3 1 0 0 –");
  expect(rows).toContain("2026-09-01 14:00 CEST 4 1 0 0 – 2026-09-01 15:00 CEST 4 1 1 0 –");
  expect(rows).toContain("2026-09-01 17:00 CEST 4 1 1 1 €24.90");
  expect(rows).toContain("2026-09-02 08:00 CEST 4 1 2 0 –");
  expect(rows).toContain("2026-09-02 14:00 CEST 4 1 2 1 in another currency");
});

test("nothing delivered: rates of delivered are “–”, not 0 %; nothing sent: no Performance section", async () => {
  const { t, b, d } = await studio();
  const [m] = await t.db
    .insert(messages)
    .values({ name: "Bounced all", channels: ["email"], filters: {}, status: "sent" })
    .returning();
  await d({ messageId: m!.id, status: "bounced" });
  await d({ messageId: m!.id, status: "bounced" });
  const html = (await b.get(`/messages/${m!.id}`)).text;
  expect(squash(card(html, "delivered"))).toBe("Delivered 0 0% of sent");
  expect(squash(card(html, "opened"))).toBe("Opened (estimate) 0 – of delivered e-mails");
  expect(squash(card(html, "clicked"))).toBe("Clicked 0 – of delivered");
  expect(squash(card(html, "ordered"))).toBe("Bought 0 – of delivered · 0 orders");

  const [draft] = await t.db
    .insert(messages)
    .values({ name: "Draft", channels: ["email"], filters: {}, status: "draft" })
    .returning();
  const empty = (await b.get(`/messages/${draft!.id}`)).text;
  expect(empty).not.toContain("<h2>Performance</h2>");
  expect(empty).not.toContain("<svg viewBox");
});

async function notificationStudio() {
  const s = await studio();
  const [profile] = await s.t.db.insert(communicationProfiles).values({ name: "School" }).returning();
  const [n1, n2, n3] = await s.t.db
    .insert(notifications)
    .values([
      { profileId: profile!.id, trigger: "job_selling", channel: "email", subject: HOSTILE, body: "Hi", position: 0 },
      { profileId: profile!.id, trigger: "photos_available", channel: "sms", subject: "", body: "Hi", position: 1 },
      {
        profileId: profile!.id,
        trigger: "job_archiving",
        channel: "email",
        subject: "Last call",
        body: "Hi",
        position: 2,
      },
    ])
    .returning();
  const [job2] = await s.t.db.insert(jobs).values({ name: "Kindergarten", type: "school", year: 2026 }).returning();
  const nd = (notificationId: number, jobId: number, v: Partial<typeof deliveries.$inferInsert> = {}) =>
    s.d({ sourceType: "notification", notificationId, jobId, ...v });
  // The selling e-mail: two on the first job (one opened, clicked and bought from), one on the second.
  const x = await nd(n1!.id, s.job.id);
  await nd(n1!.id, s.job.id, { status: "bounced" });
  const y = await nd(n1!.id, job2!.id);
  await s.engage(x, "open", "person");
  await s.engage(x, "click", "person");
  await s.engage(y, "click", "scanner");
  await s.order(4900, "EUR", x);
  // The SMS: one on the second job, clicked, one order.
  const z = await nd(n2!.id, job2!.id, { channel: "sms", toAddress: "+15555550100" });
  await s.engage(z, "click", "person");
  await s.order(1500, "EUR", z);
  return { ...s, profile: profile!, n1: n1!, n2: n2!, n3: n3!, job2: job2! };
}

const row = (html: string, attr: string) =>
  squash(
    (html.match(new RegExp(`<tr ${attr}>([\\s\\S]*?)</tr>`))?.[1] ?? "")
      .replace(/<[^>]+>/g, " ")
      .replace(/&[^;]+;/g, "·"),
  );

test("a profile's page shows each notification's numbers across all jobs and which earns what", async () => {
  const { b, profile, n1, n2, n3 } = await notificationStudio();
  const html = (await b.get(`/profiles/${profile.id}`)).text;
  expect(html).toContain("<h2>Performance</h2>");
  // sent, delivered (rate of sent), opened (of delivered e-mails), clicked, ordered (of delivered), revenue.
  expect(row(html, `data-notification="${n1.id}"`)).toContain("3 2 67% 1 50% 1 50% 1 50% €49.00");
  expect(row(html, `data-notification="${n2.id}"`)).toContain("1 1 100% 0 – 1 100% 1 100% €15.00");
  // A notification that sent nothing is listed with nothing to divide: "–", not 0 %.
  expect(row(html, `data-notification="${n3.id}"`)).toContain("0 0 – 0 – 0 – 0 – €0.00");
  expect(row(html, 'data-total="all"')).toBe("All notifications 4 3 75% 1 50% 2 67% 2 67% €64.00 · 2 orders");
  const svg = html.match(/<figure class="chart bar-chart">[\s\S]*?<\/figure>/)?.[0] ?? "";
  expect(svg).toContain("Which notification earns what");
  expect(svg).toContain("€49.00");
  expect(svg).toContain("&lt;script&gt;");
  expect(html).not.toContain('<script>alert("x")</script>');
});

test("a job's page shows its notifications' numbers there and the job's total; an empty job says what to expect", async () => {
  const { t, b, job, job2, n1, n2 } = await notificationStudio();
  const html = (await b.get(`/jobs/${job.id}`)).text;
  expect(html).toContain("<h2>Performance</h2>");
  expect(row(html, `data-notification="${n1.id}"`)).toContain("2 1 50% 1 100% 1 100% 1 100% €49.00");
  expect(html).not.toContain(`data-notification="${n2.id}"`);
  expect(row(html, 'data-total="all"')).toBe("All notifications 2 1 50% 1 100% 1 100% 1 100% €49.00 · 1 order");
  expect(squash(card(html, "revenue"))).toBe("Revenue €49.00");

  const second = (await b.get(`/jobs/${job2.id}`)).text;
  // The scanner's click on the selling e-mail is not a person's.
  expect(second).toContain("1 click by link scanners and prefetchers");
  expect(row(second, `data-notification="${n2.id}"`)).toContain("1 1 100% 0 – 1 100% 1 100% €15.00");

  const [empty] = await t.db.insert(jobs).values({ name: "Empty", type: "school", year: 2026 }).returning();
  const emptyPage = (await b.get(`/jobs/${empty!.id}`)).text;
  expect(emptyPage).toContain("No notification has gone out for this job yet.");
  expect(emptyPage).not.toContain("perf-table");
});

test("while a message goes out, each live update carries its performance section to replace the page's", async () => {
  const { t, b, d, engage } = await studio();
  const [m] = await t.db
    .insert(messages)
    .values({ name: "Going out", channels: ["email"], filters: {}, status: "sending" })
    .returning();
  const a = await d({ messageId: m!.id });
  await d({ messageId: m!.id, status: "queued", sentAt: null });
  await engage(a, "open", "person");
  const page = (await b.get(`/messages/${m!.id}`)).text;
  expect(page).toContain('<section id="performance" class="performance">');
  const events = await b.request(`/messages/${m!.id}/events`);
  const reader = events.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  expect(first).toContain('<section id="performance" class="performance" hx-swap-oob="true">');
  expect(squash(card(first, "opened"))).toBe("Opened (estimate) 1 100% of delivered e-mails");
  expect(squash(card(first, "sent"))).toBe("Sent 1");
});
