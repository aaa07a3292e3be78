// The messaging engine's pages in a real Chromium: Settings → Messaging with a test send,
// the outbox and a delivery as it was sent, and the customer's unsubscribe and preferences
// pages on a phone. Screenshots: test-results/screenshots/2x-*.png.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { createUser } from "../../src/db/auth.ts";
import { createCustomer } from "../../src/db/customers.ts";
import { databaseDevOutboxStore } from "../../src/db/dev-outbox-store.ts";
import { enqueueDeliveries } from "../../src/db/outbox.ts";
import { devOutbox, suppressions } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { createDispatcher } from "../../src/dispatch/dispatcher.ts";
import { createDevProviders } from "../../src/providers/dev-outbox.ts";
import { type BrowserHarness, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };

beforeAll(async () => {
  h = await startBrowserHarness();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  await updateSettings(
    h.db,
    {
      name: "Brightside Photography",
      postalAddress: "412 Orchard Lane, Springfield",
      sendWindowStart: "00:00",
      sendWindowEnd: "24:00",
    },
    new Date(),
  );
  await h.logIn(OWNER.email, OWNER.password);
});

afterAll(async () => {
  await h?.stop();
});

describe("messaging pages in Chromium", () => {
  test("Settings → Messaging shows the dev outbox and sends a test e-mail that the outbox shows as sent", async () => {
    const { page } = h;
    await page.goto("/settings/messaging");
    expect(await page.locator("main").innerText()).toContain("Dev outbox");
    await h.screenshot("20-settings-messaging");
    await page.getByLabel("E-mail address").fill("not-an-address");
    await page.getByRole("button", { name: "Send a test e-mail" }).click();
    await page.waitForLoadState();
    expect(await page.locator("#email_to-error").innerText()).toContain("must be an e-mail address");
    expect(await page.getByLabel("E-mail address").inputValue()).toBe("not-an-address");
    await page.getByLabel("E-mail address").fill("me@brightside.test");
    await page.getByRole("button", { name: "Send a test e-mail" }).click();
    await page.waitForURL((u) => /^\/outbox\/\d+$/.test(u.pathname));
    const detail = await page.locator("main").innerText();
    expect(detail).toContain("me@brightside.test");
    expect(detail.toLowerCase()).toContain("sent");
    const frame = page.frameLocator("iframe").first();
    expect(await frame.locator("body").innerText()).toContain("412 Orchard Lane");
    await h.screenshot("21-outbox-delivery");
  });

  test("a customer's unsubscribe link works on a phone without JavaScript, and the outbox lists the send", async () => {
    const { page, db, deps } = h;
    const now = new Date();
    const anna = await createCustomer(
      db,
      { first_name: "Anna", email: "anna@families.test", phone: "+17775550101", consent: { email: true, sms: true } },
      "test",
      now,
    );
    await enqueueDeliveries(
      db,
      { sourceType: "test" },
      [
        {
          key: deliveryKey({ kind: "test", id: "browser" }, { customerId: anna.id }, "email"),
          decision: { customerId: anna.id, channel: "email", to: anna.email, skip: null },
          dueAt: now,
          subject: "Your photos, {{customer.first_name}}",
          body: "Hi {{customer.first_name}}, your photos are ready.",
        },
      ],
      now,
    );
    await createDispatcher(deps, createDevProviders(databaseDevOutboxStore(db)), { owner: "browser" }).tick();

    await page.goto("/outbox");
    expect(await page.locator("main").innerText()).toContain("anna@families.test");
    await h.screenshot("22-outbox");

    const [mail] = await db.select().from(devOutbox).where(eq(devOutbox.toAddress, "anna@families.test"));
    const unsubscribe = mail!.headers!["List-Unsubscribe"]!.slice(1, -1);
    const phone = await h.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const p = await phone.newPage();
    await p.goto(unsubscribe);
    expect(await p.getByRole("heading", { level: 1 }).innerText()).toBe("Unsubscribe?");
    await p.screenshot({ path: "test-results/screenshots/23-unsubscribe-phone.png", fullPage: true });
    await p.getByRole("button", { name: "Unsubscribe" }).click();
    await p.waitForLoadState();
    expect(await p.getByRole("heading", { level: 1 }).innerText()).toBe("You are unsubscribed");
    await p.getByRole("link", { name: "Change your preferences" }).click();
    await p.waitForLoadState();
    expect(await p.getByRole("heading", { level: 1 }).innerText()).toBe("How may we contact you?");
    await p.screenshot({ path: "test-results/screenshots/24-preferences-phone.png", fullPage: true });
    await phone.close();
    const active = await db.select().from(suppressions);
    expect(active.map((s) => [s.channel, s.address, s.reason])).toEqual([
      ["email", "anna@families.test", "unsubscribed"],
    ]);
  });
});
