// The Content-Security-Policy against the real pages in Chromium (issue 10): the staff pages
// with their htmx swaps, the outbox's clickable rows and e-mail preview, and a customer's
// preferences page. Any violation Chromium reports, or any script error, fails the test.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { linkExpiresAt, signLinkToken } from "../../src/core/link-tokens.ts";
import { createUser } from "../../src/db/auth.ts";
import { createCustomer } from "../../src/db/customers.ts";
import { databaseDevOutboxStore } from "../../src/db/dev-outbox-store.ts";
import { enqueueDeliveries } from "../../src/db/outbox.ts";
import { deliveries } from "../../src/db/schema.ts";
import { linkSigningSecret } from "../../src/db/secrets.ts";
import { createDispatcher } from "../../src/dispatch/dispatcher.ts";
import { createDevProviders } from "../../src/providers/dev-outbox.ts";
import { type BrowserHarness, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
const OWNER = { email: "owner@csp.test", password: "correct horse battery" };
const problems: string[] = [];

beforeAll(async () => {
  h = await startBrowserHarness();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  h.page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`${h.page.url()}: ${m.text()}`);
  });
  h.page.on("pageerror", (e) => problems.push(`${h.page.url()}: ${e.message}`));
  await h.logIn(OWNER.email, OWNER.password);
});

afterAll(async () => {
  await h?.stop();
});

test("the dashboard, customer search, message compose, outbox and preferences pages work under the policy with no violation", async () => {
  const { page, db, deps } = h;
  const now = new Date();
  const anna = await createCustomer(
    db,
    {
      first_name: "Anna",
      last_name: "Ames",
      email: "anna@families.test",
      phone: "+17775550101",
      consent: { email: true, sms: true },
    },
    "test",
    now,
  );
  await enqueueDeliveries(
    db,
    { sourceType: "test" },
    [
      {
        key: deliveryKey({ kind: "test", id: "csp" }, { customerId: anna.id }, "email"),
        decision: { customerId: anna.id, channel: "email", to: anna.email, skip: null },
        dueAt: now,
        subject: "Your photos",
        body: "Hi **{{customer.first_name}}**, your photos are ready.",
      },
    ],
    now,
  );
  await createDispatcher(deps, createDevProviders(databaseDevOutboxStore(db)), { owner: "csp" }).tick();

  await page.goto("/");
  expect(await page.locator("h1").first().innerText()).toBeTruthy();

  // htmx search swaps the results in place.
  await page.goto("/customers");
  const search = page.waitForResponse(
    (r) => r.url().includes("/customers?") && r.request().headers()["hx-request"] === "true",
  );
  await page.getByLabel("Search customers").fill("Ames");
  await search;
  await page.locator("#customers-results").filter({ hasText: "Anna" }).waitFor();

  // Compose: typing re-renders the live preview through htmx.
  await page.goto("/messages/new");
  const preview = page.waitForResponse((r) => r.url().endsWith("/messages/preview"));
  await page.getByLabel("Subject").fill("Hello {{customer.first_name}}");
  await preview;

  // The outbox: a click anywhere on a row opens its delivery (app.js, no hx-on); the e-mail
  // preview is a sandboxed iframe whose inline styles the policy allows.
  await page.goto("/outbox");
  await page.locator("tr[data-row-href]").first().locator("td").nth(1).click();
  await page.waitForURL((u) => /^\/outbox\/\d+$/.test(u.pathname));
  expect(await page.frameLocator("iframe").first().locator("body").innerText()).toContain("your photos are ready");
  await h.screenshot("60-outbox-delivery-under-csp");

  // A customer's preferences page, with JavaScript on.
  const secret = await linkSigningSecret(db, undefined, now);
  await page.goto(
    `/p/${signLinkToken(secret, { purpose: "preferences", customerId: anna.id, expiresAt: linkExpiresAt("preferences", now) })}`,
  );
  expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("How may we contact you?");
  expect(await page.locator("main").innerText()).toContain("a•••@families.test");
  await h.screenshot("61-preferences-masked");

  expect(problems).toEqual([]);
  const [d] = await db.select().from(deliveries).where(eq(deliveries.customerId, anna.id));
  expect(d?.status).toBe("sent");
});
