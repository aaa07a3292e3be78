// The dashboard's "Today" in a real Chromium (issue 14): the owner has the dashboard open while a
// message goes out and a reply arrives; the card's progress bar and the inbox line follow without
// a reload (SSE). Screenshots: /tmp/pigeon-today-{desktop,phone}.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { todaySpans } from "../../src/core/today.ts";
import { createUser } from "../../src/db/auth.ts";
import { ensureBuiltinProfiles } from "../../src/db/builtin-profiles.ts";
import {
  communicationProfiles,
  customers,
  deliveries,
  inboundMessages,
  jobs,
  messages,
  notifications,
  orders,
} from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };
let sendingId = 0;

beforeAll(async () => {
  h = await startBrowserHarness();
  const now = new Date();
  await ensureBuiltinProfiles(h.db, now);
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  await updateSettings(
    h.db,
    { name: "Brightside Photography", timeZone: "Europe/Berlin", currency: "EUR", locale: "de" },
    now,
  );
  // The real clock runs this harness: the seeded day is placed within today's and tomorrow's spans.
  const spans = todaySpans(now, "Europe/Berlin");
  const lateToday = new Date(spans.today.to.getTime() - 60_000);
  const tomorrowMorning = new Date(spans.tomorrow.from.getTime() + 9 * 3_600_000);
  const [profile] = await h.db.select().from(communicationProfiles).limit(1);
  const [job] = await h.db.insert(jobs).values({ name: "Spring school", type: "school", year: 2026 }).returning();
  const [selling] = await h.db
    .insert(notifications)
    .values({ profileId: profile!.id, trigger: "job_selling", channel: "email", subject: "Selling reminder" })
    .returning();
  const [anna] = await h.db
    .insert(customers)
    .values({ firstName: "Anna", lastName: "Berg", email: "anna@x.test" })
    .returning();
  let k = 0;
  const d = (v: Partial<typeof deliveries.$inferInsert> & { dueAt: Date }) => ({
    deliveryKey: `b${++k}`,
    sourceType: "notification" as const,
    channel: "email" as const,
    customerId: anna!.id,
    ...v,
  });
  const rows = [];
  for (let i = 0; i < 42; i++) rows.push(d({ notificationId: selling!.id, jobId: job!.id, dueAt: lateToday }));
  for (let i = 0; i < 12; i++)
    rows.push(d({ notificationId: selling!.id, jobId: job!.id, channel: "sms", dueAt: tomorrowMorning }));
  const [sending] = await h.db
    .insert(messages)
    .values({ name: "Retake day", channels: ["email"], filters: {}, status: "sending", sendAt: now })
    .returning();
  sendingId = sending!.id;
  for (let i = 0; i < 10; i++)
    rows.push(
      d({
        sourceType: "message",
        messageId: sending!.id,
        status: i < 4 ? "delivered" : "queued",
        dueAt: now,
        sentAt: i < 4 ? now : null,
      }),
    );
  // Paused: one with work left (two of four sent), one whose every delivery is done.
  const [big, done] = await h.db
    .insert(messages)
    .values([
      { name: "Big send", channels: ["email"], filters: {}, status: "paused" as const, activatedAt: now },
      { name: "Finished pause", channels: ["email"], filters: {}, status: "paused" as const, activatedAt: now },
    ])
    .returning();
  for (const [i, status] of (["sent", "sent", "queued", "queued"] as const).entries())
    rows.push(d({ sourceType: "message", messageId: big!.id, status, dueAt: now, sentAt: i < 2 ? now : null }));
  rows.push(d({ sourceType: "message", messageId: done!.id, status: "sent", dueAt: now, sentAt: now }));
  rows.push(
    d({
      notificationId: selling!.id,
      jobId: job!.id,
      status: "failed",
      lastError: "The mailbox does not exist",
      dueAt: now,
      updatedAt: now,
    }),
  );
  const inserted = await h.db.insert(deliveries).values(rows).returning();
  const delivered = inserted.find((r) => r.messageId === sending!.id && r.status === "delivered")!;
  await h.db.insert(orders).values({
    jobId: job!.id,
    customerId: anna!.id,
    amountMinor: 4990,
    currency: "EUR",
    orderedAt: now,
    attributedDeliveryId: delivered.id,
  });
  await h.logIn(OWNER.email, OWNER.password);
});

afterAll(async () => {
  await h?.stop();
});

test("the Today card shows the day, and follows a send and a reply without a reload", async () => {
  const page = h.page;
  await page.goto("/");
  const card = page.locator("article.today");
  await expect(card.getByText("as soon as the job is set to selling").first().isVisible()).resolves.toBe(true);
  expect(await card.textContent()).toContain("42 e-mails");
  expect(await card.textContent()).toContain("4 of 10 done");
  expect(await card.textContent()).toContain("49,90");
  await page.screenshot({ path: "/tmp/pigeon-today-desktop.png", fullPage: true });

  // The send progresses, and a reply arrives: the card follows while open.
  await h.db
    .update(deliveries)
    .set({ status: "sent", sentAt: new Date() })
    .where(and(eq(deliveries.messageId, sendingId), eq(deliveries.status, "queued")));
  await page.locator("#today").getByText("10 of 10 done").waitFor();
  await h.db
    .insert(inboundMessages)
    .values({ channel: "sms", fromAddress: "+4915100000000", body: "Thanks!", receivedAt: new Date() });
  await page.locator("#today").getByText("1 unread reply").waitFor();
  expect(await page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(1);

  await page.setViewportSize(PHONE);
  await page.screenshot({ path: "/tmp/pigeon-today-phone.png", fullPage: true });
  // Nothing overflows the phone's width but the table, which scrolls in its own box.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.setViewportSize(DESKTOP);
});

// Seen in the outside eyes' walk: "Big send · paused" squeezed its bar to 0 px at 1280 px (the
// label took the bar's grid column), and a paused message with nothing left stayed under "Sending now".
test("a paused send with work left shows its bar beside its name at desktop and phone width; a finished one is not listed; revenue stays in view", async () => {
  const page = h.page;
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await page.goto("/");
    await page.screenshot({ path: `/tmp/pigeon-today-paused-${size.width}.png`, fullPage: true });
    const sending = page.locator('section[aria-label="Sending now"]');
    const big = sending.locator("li", { hasText: "Big send" });
    expect(await big.textContent()).toContain("paused");
    expect(await big.textContent()).toContain("2 of 4 done");
    const box = await big.locator("progress").boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(40);
    expect(await sending.textContent()).not.toContain("Finished pause");
    // The week's revenue stays in view without scrolling the table, on a phone too.
    const revenue = await page.locator("table.today-recent th", { hasText: "Revenue" }).boundingBox();
    const scroller = await page.locator("article.today .overflow-auto").boundingBox();
    expect((revenue?.x ?? 0) + (revenue?.width ?? 0)).toBeLessThanOrEqual(
      (scroller?.x ?? 0) + (scroller?.width ?? 0) + 0.5,
    );
  }
  await page.setViewportSize(DESKTOP);
});
