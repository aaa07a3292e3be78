// Outside-eyes walk of issue 14: a paused send on the dashboard's "Today" in a real Chromium.
// Seen in the walk: "Big send · paused" with its <progress> squeezed to 0 px wide at 1280 px (the
// "· paused" label takes the bar's grid column) and "256 of 256 done" on a line of its own.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createUser } from "../../src/db/auth.ts";
import { customers, deliveries, messages } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { type BrowserHarness, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };

beforeAll(async () => {
  h = await startBrowserHarness();
  const now = new Date();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  await updateSettings(h.db, { name: "Brightside", timeZone: "Europe/Berlin", currency: "EUR" }, now);
  const [m] = await h.db
    .insert(messages)
    .values({ name: "Big send", channels: ["email"], filters: {}, status: "paused", activatedAt: now })
    .returning();
  const people = await h.db
    .insert(customers)
    .values([1, 2, 3, 4].map((i) => ({ firstName: `P${i}`, lastName: "X", email: `p${i}@x.test` })))
    .returning();
  let k = 0;
  for (const [i, status] of (["sent", "sent", "queued", "queued"] as const).entries())
    await h.db.insert(deliveries).values({
      deliveryKey: `big${++k}`,
      sourceType: "message",
      messageId: m!.id,
      channel: "email",
      customerId: people[i]!.id,
      status,
      dueAt: now,
      sentAt: status === "sent" ? now : null,
    });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

test("a paused send's progress bar is visible beside its name", async () => {
  await h.logIn(OWNER.email, OWNER.password);
  const bar = h.page.locator('section[aria-label="Sending now"] progress');
  await bar.waitFor({ state: "attached" });
  const box = await bar.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(40);
});
