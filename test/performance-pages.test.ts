// The numbers staff see (issue 14) on the message, profile and job pages, over real HTTP from a
// real migrated database: deliveries, engagements by people and machines, and orders attributed
// to deliveries seeded straight into the schema. Rates are of delivered, a rate of nothing is
// "–", the open rate is an estimate, machines are left out and said so, names are escaped.
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createCustomer } from "../src/db/customers.ts";
import { communicationProfiles, deliveries, jobs, messages, notifications } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { attributedOrderSeeder, deliveredEmailSeeder, engagementSeeder } from "./support/deliveries.ts";

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
  const d = deliveredEmailSeeder(t.db, { customerId: cu.id, toAddress: "anna@x.test", sentAt: noon });
  const engage = engagementSeeder(t.db, cu.id, at(1));
  const order = attributedOrderSeeder(t.db, job!.id, cu.id, at(5));
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
  expect(row(html, `data-notification="${n1.id}"`)).toContain("3 2 67% 1 33% 1 50% 1 50% 0 0% 1 50% €49.00");
  expect(row(html, `data-notification="${n2.id}"`)).toContain("1 1 100% 0 0% 0 – 1 100% 0 0% 1 100% €15.00");
  // A notification that sent nothing is listed with nothing to divide: "–", not 0 %.
  expect(row(html, `data-notification="${n3.id}"`)).toContain("0 0 – 0 – 0 – 0 – 0 – 0 – €0.00");
  expect(row(html, 'data-total="all"')).toBe(
    "All notifications 4 3 75% 1 25% 1 50% 2 67% 0 0% 2 67% €64.00 · 2 orders",
  );
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
  expect(row(html, `data-notification="${n1.id}"`)).toContain("2 1 50% 1 50% 1 100% 1 100% 0 0% 1 100% €49.00");
  expect(html).not.toContain(`data-notification="${n2.id}"`);
  expect(row(html, 'data-total="all"')).toBe(
    "All notifications 2 1 50% 1 50% 1 100% 1 100% 0 0% 1 100% €49.00 · 1 order",
  );
  expect(squash(card(html, "revenue"))).toBe("Revenue €49.00");

  const second = (await b.get(`/jobs/${job2.id}`)).text;
  // The scanner's click on the selling e-mail is not a person's.
  expect(second).toContain("1 click by link scanners and prefetchers");
  expect(row(second, `data-notification="${n2.id}"`)).toContain("1 1 100% 0 0% 0 – 1 100% 0 0% 1 100% €15.00");

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

// Found by an outside review (issue 14, second round).
const DAY = 24 * HOUR;
const cardText = (html: string, key: string) => squash(card(html, key));

/** A Berlin studio (EUR, English unless told) at `now`, with a job and a customer to seed deliveries for. */
async function studioAt(now: Date, settings: Record<string, unknown> = {}) {
  const t = await makeTestApp({ now });
  const b = await signedInOwner(t);
  await updateSettings(t.db, { timeZone: "Europe/Berlin", currency: "EUR", locale: "en", ...settings }, now);
  const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", consent: {} }, "test", now);
  const [job] = await t.db.insert(jobs).values({ name: "Spring", type: "school", year: 2026 }).returning();
  const d = deliveredEmailSeeder(t.db, { customerId: cu.id, toAddress: "anna@x.test", sentAt: now });
  const engage = engagementSeeder(t.db, cu.id, now);
  const click = (deliveryId: number, when: Date) => engage(deliveryId, "click", "person", when);
  const order = attributedOrderSeeder(t.db, job!.id, cu.id, now);
  const sentMessage = async (name: string, channels: ("email" | "sms")[] = ["email"]) =>
    (await t.db.insert(messages).values({ name, channels, filters: {}, status: "sent" }).returning())[0]!;
  return { t, b, job: job!, d, click, order, sentMessage };
}

test("a notification deleted after sending still counts on its job: a row 'Deleted notifications' keeps the rows adding up to the total", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { t, b, d, order, click, job } = await studioAt(new Date(sent.getTime() + DAY));
  const [profile] = await t.db.insert(communicationProfiles).values({ name: "School" }).returning();
  const [n1, n2] = await t.db
    .insert(notifications)
    .values([
      { profileId: profile!.id, trigger: "job_selling", channel: "email", subject: "Sell", body: "Hi", position: 0 },
      { profileId: profile!.id, trigger: "job_archiving", channel: "email", subject: "Last", body: "Hi", position: 1 },
    ])
    .returning();
  const x = await d({ sourceType: "notification", notificationId: n1!.id, jobId: job.id });
  const y = await d({ sourceType: "notification", notificationId: n2!.id, jobId: job.id });
  await click(x, new Date(sent.getTime() + HOUR));
  await order(5000, "EUR", x, new Date(sent.getTime() + 2 * HOUR));
  await order(7000, "EUR", y, new Date(sent.getTime() + 2 * HOUR));
  await t.db.delete(notifications).where(eq(notifications.id, n1!.id));
  // Before: the job listed only "Last … €70.00" under a total of "2 … €120.00", nothing for the other €50.
  const jobHtml = (await b.get(`/jobs/${job.id}`)).text;
  const rowRevenue = [...jobHtml.matchAll(/<tr data-notification="[^"]*">([\s\S]*?)<\/tr>/g)]
    .map((r) => Number(r[1]!.match(/€([\d.,]+)/)?.[1]?.replace(/,/g, "") ?? 0))
    .reduce((a, v) => a + v, 0);
  expect(rowRevenue).toBe(120);
  expect(jobHtml).toContain('data-notification="deleted"');
  expect(jobHtml).toContain("Deleted notifications");
});

test("a German studio's counts use the German grouping like its rates and money do (1.234, not 1,234)", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { b, d, sentMessage } = await studioAt(new Date(sent.getTime() + DAY), { locale: "de" });
  const m = await sentMessage("M");
  for (let i = 0; i < 1234; i++) await d({ messageId: m.id });
  const html = (await b.get(`/messages/${m.id}`)).text;
  // Today: "Sent 1,234" beside "Revenue 0,00 €" and "0,1 %": 1,234 reads as one point two in German.
  expect(cardText(html, "sent")).toBe("Sent 1.234");
}, 60_000);

test("the profile page shows each notification's bounced and unsubscribed, not only sent…revenue", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { t, b, d, job } = await studioAt(new Date(sent.getTime() + DAY));
  const [profile] = await t.db.insert(communicationProfiles).values({ name: "School" }).returning();
  const [n1] = await t.db
    .insert(notifications)
    .values([
      { profileId: profile!.id, trigger: "job_selling", channel: "email", subject: "Sell", body: "Hi", position: 0 },
    ])
    .returning();
  const x = await d({ sourceType: "notification", notificationId: n1!.id, jobId: job.id, sentAt: sent });
  await d({ sourceType: "notification", notificationId: n1!.id, jobId: job.id, sentAt: sent, status: "bounced" });
  const { recordUnsubscribed } = await import("../src/db/unsubscribe-events.ts");
  const [row] = await t.db.select().from(deliveries).where(eq(deliveries.id, x));
  await recordUnsubscribed(t.db, x, row!.customerId!, new Date(sent.getTime() + HOUR));
  const html = (await b.get(`/profiles/${profile!.id}`)).text;
  const perf = html.match(/<section id="performance"[\s\S]*?<\/section>/)?.[0] ?? "";
  // Today the table's columns are Sent, Delivered, Opened, Clicked, Ordered, Revenue: neither number is anywhere on the page.
  expect(perf).toContain("Unsubscribed");
  expect(perf).toContain("Bounced");
});

test("the README's map names the performance and attribution modules", async () => {
  const readme = await Bun.file(`${import.meta.dir}/../README.md`).text();
  // Today core/performance.ts (the rates), db/performance.ts (the counts) and db/attribution.ts (last click wins) are missing.
  for (const file of ["performance.ts", "attribution.ts"])
    expect(readme).toMatch(new RegExp(`(^|[\\s,(])${file.replace(".", "\\.")}`, "m"));
});
test("a day-bucket chart across the end of summer time labels each day once, with its own date", async () => {
  const start = new Date("2026-10-20T10:00:00Z"); // 12:00 CEST; summer time ends 2026-10-25
  const { b, d, sentMessage } = await studioAt(new Date("2026-12-01T10:00:00Z"));
  const m = await sentMessage("Long");
  for (let i = 0; i < 40; i++)
    await d({
      messageId: m.id,
      sentAt: new Date(start.getTime() + i * DAY),
      dueAt: new Date(start.getTime() + i * DAY),
    });
  const html = (await b.get(`/messages/${m.id}`)).text;
  const table = html.match(/<details class="chart-data">[\s\S]*?<\/details>/)?.[0] ?? "";
  const days = [...table.matchAll(/<tr>\s*<t[dh][^>]*>([^<]*)</g)]
    .map((r) => r[1]!.trim())
    .filter((s) => /^\d{4}-/.test(s));
  // Today: "2026-10-25" twice, and every later row a day early (the send of 11-28 under "2026-11-27").
  expect(new Set(days).size).toBe(days.length);
  expect(days[days.length - 1]).toBe("2026-11-28");
});

test("a free order (0.00 in the studio's currency) is not listed as 'in another currency' in the chart's table", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { b, d, order, sentMessage } = await studioAt(new Date(sent.getTime() + DAY));
  const m = await sentMessage("M");
  const a = await d({ messageId: m.id, sentAt: sent, dueAt: sent });
  await order(0, "EUR", a, new Date(sent.getTime() + HOUR));
  const html = (await b.get(`/messages/${m.id}`)).text;
  const table = html.match(/<details class="chart-data">[\s\S]*?<\/details>/)?.[0] ?? "";
  expect(html).not.toContain("in another currency than EUR");
  // Today the row reads "… 1 in another currency".
  expect(table).not.toContain("in another currency");
});

test("a message sent by SMS alone shows no opens: no Opened card, column or chart line, no Apple Mail note", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { b, d, sentMessage } = await studioAt(new Date(sent.getTime() + DAY));
  const m = await sentMessage("Texts", ["sms"]);
  await d({ messageId: m.id, channel: "sms", toAddress: "+15555550100", sentAt: sent, dueAt: sent });
  const html = (await b.get(`/messages/${m.id}`)).text;
  expect(cardText(html, "sent")).toBe("Sent 1");
  // Before: "Opened (estimate) 0 0% of delivered e-mails" and the Apple Mail note, for texts.
  expect(html).not.toContain('data-perf="opened"');
  expect(html).not.toContain("Apple Mail");
  const section = html.match(/<section id="performance"[\s\S]*?<\/section>/)?.[0] ?? "";
  expect(section).not.toContain("Opened");
  expect(section).toContain("sent and clicked over time");
});

test("a chart bucket with orders in two currencies shows its revenue and says how many were in another currency", async () => {
  const sent = new Date("2026-09-01T10:00:00Z");
  const { b, d, order, sentMessage } = await studioAt(new Date(sent.getTime() + DAY));
  const m = await sentMessage("M");
  const a = await d({ messageId: m.id, sentAt: sent, dueAt: sent });
  await order(2500, "EUR", a, new Date(sent.getTime() + HOUR));
  await order(900, "USD", a, new Date(sent.getTime() + HOUR));
  const table =
    (await b.get(`/messages/${m.id}`)).text.match(/<details class="chart-data">[\s\S]*?<\/details>/)?.[0] ?? "";
  expect(squash(table.replace(/<[^>]+>/g, " "))).toContain("2 €25.00 (+1 in another currency)");
});
