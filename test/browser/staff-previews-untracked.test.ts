// Staff looking at a delivery never count as the customer opening it (issue 14): the outbox
// preview is composed untracked, and the dev outbox copy is shown without its open pixel.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createUser } from "../../src/db/auth.ts";
import { ensureBuiltinProfiles } from "../../src/db/builtin-profiles.ts";
import { performanceOf } from "../../src/db/performance.ts";
import { customers, deliveries, engagements, messages, trackedLinks } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { type BrowserHarness, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };

beforeAll(async () => {
  h = await startBrowserHarness();
  await ensureBuiltinProfiles(h.db, new Date());
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  // The studio turned the open picture on (schema default is off; README: "if you turn it on").
  await updateSettings(h.db, { name: "Brightside", trackOpens: true } as never, new Date());
}, 60_000);
afterAll(() => h.stop());

test("opening a queued delivery's page (its preview) records no open for the customer", async () => {
  const [anna] = await h.db
    .insert(customers)
    .values({ firstName: "Anna", lastName: "Berg", email: "anna@x.test" })
    .returning();
  const [m] = await h.db
    .insert(messages)
    .values({
      name: "Sale",
      channels: ["email"],
      subject: "Sale",
      body: "Shop at https://shop.example/x",
      filters: {},
      status: "sending",
    })
    .returning();
  const [d] = await h.db
    .insert(deliveries)
    .values({
      deliveryKey: "eyes1",
      sourceType: "message",
      messageId: m!.id,
      channel: "email",
      customerId: anna!.id,
      toAddress: "anna@x.test",
      status: "queued",
      dueAt: new Date(Date.now() + 86_400_000),
    })
    .returning();
  // A staff member's ordinary desktop Chrome (the harness's headless agent would read as a scanner).
  const ctx = await h.browser.newContext({
    baseURL: h.baseUrl,
    userAgent:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  });
  const page = await ctx.newPage();
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((u) => u.pathname === "/");
  await page.goto(`/outbox/${d!.id}`);
  await page.waitForLoadState("networkidle");
  const rows = await h.db.select().from(engagements);
  // got: [["open", "pixel", "scanner", "Mozilla/5.0 (X11; Li…HeadlessChrome"]]: the sandboxed preview frame loads
  // Anna's real pixel. Headless Chromium's agent reads as a scanner here (the frame ignores the
  // override); a staff member's ordinary Chrome or Safari is a "person": then the look counts as
  // Anna's open and makes a delivery that was never sent count as delivered and opened.
  expect(rows.map((e) => [e.type, e.source, e.kind, e.userAgent?.slice(0, 20)])).toEqual([]);
  // Composed untracked: a look stores no tracked link either.
  expect(await h.db.select().from(trackedLinks)).toEqual([]);
  const perf = await performanceOf(h.db, { messageId: m!.id }, "USD");
  expect([perf.delivered, perf.opened]).toEqual([0, 0]);
  const html = await page.locator("iframe").first().getAttribute("srcdoc");
  expect(html).not.toContain("/o/"); // the preview carries the customer's real open pixel
}, 60_000);
