// Outside review (issue 14, eyes-break2): the message page's live updates replace the whole
// Performance section every 1.5 s while a message goes out — a <details> staff opened closes.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createUser } from "../../src/db/auth.ts";
import { createCustomer } from "../../src/db/customers.ts";
import { deliveries, messages } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { type BrowserHarness, DESKTOP, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
let liveId = 0;

beforeAll(async () => {
  h = await startBrowserHarness();
  const now = new Date();
  await createUser(h.db, {
    email: "owner@brightside.test",
    password: "correct horse battery",
    name: "O",
    role: "owner",
  });
  await updateSettings(h.db, { name: "Brightside", timeZone: "Europe/Berlin", currency: "EUR" }, now);
  const cu = await createCustomer(h.db, { first_name: "Anna", email: "anna@x.test", consent: {} }, "test", now);
  const [live] = await h.db
    .insert(messages)
    .values({ name: "Going out", channels: ["email"], filters: {}, status: "sending" })
    .returning();
  liveId = live!.id;
  const base = {
    sourceType: "message" as const,
    channel: "email" as const,
    customerId: cu.id,
    toAddress: "anna@x.test",
    messageId: liveId,
  };
  await h.db.insert(deliveries).values({ ...base, deliveryKey: "a", status: "delivered", sentAt: now, dueAt: now });
  await h.db
    .insert(deliveries)
    .values({ ...base, deliveryKey: "b", status: "queued", dueAt: new Date(now.getTime() + 86_400_000) });
  await h.logIn("owner@brightside.test", "correct horse battery");
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

test("F9: 'The chart's numbers', opened during a send, stays open through the live updates", async () => {
  const { page } = h;
  await page.setViewportSize(DESKTOP);
  await page.goto(`/messages/${liveId}`);
  await page.locator("details.chart-data summary").click();
  expect(await page.locator("details.chart-data").getAttribute("open")).not.toBeNull();
  await page.waitForTimeout(4000);
  // Today each SSE update swaps the section out of band and the table snaps shut.
  expect(await page.locator("details.chart-data").getAttribute("open")).not.toBeNull();
}, 60_000);
