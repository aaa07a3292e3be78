// Templates (issue 12 item 5) in a real Chromium: a new user creates an e-mail template on the
// Templates page, sees its preview, starts a message from it in the composer and sees that
// message's preview at desktop and phone width. Screenshots: /tmp/pigeon-templates-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createUser } from "../../src/db/auth.ts";
import { createCustomer, upsertRegistration } from "../../src/db/customers.ts";
import { createJob } from "../../src/db/jobs.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { ensureBuiltinProfiles } from "../../src/db/builtin-profiles.ts";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
let jobId = 0;

const shot = async (name: string, viewport = DESKTOP) => {
  const { page } = h;
  await page.setViewportSize(viewport);
  // A preview frame repaints after the resize: wait until its body is there again.
  const frame = page.frameLocator('iframe[title="E-mail preview, phone width"]').locator(".pigeon-body");
  if (await page.locator('iframe[title="E-mail preview, phone width"]').count()) await frame.waitFor();
  await page.screenshot({ path: `/tmp/pigeon-templates-${name}.png`, fullPage: true });
  await page.setViewportSize(DESKTOP);
};

beforeAll(async () => {
  h = await startBrowserHarness();
  const now = new Date();
  await ensureBuiltinProfiles(h.db, now);
  await createUser(h.db, {
    email: "owner@brightside.test",
    password: "correct horse battery",
    name: "Olivia",
    role: "owner",
  });
  await updateSettings(h.db, { name: "Brightside Photography", timeZone: "America/Chicago" }, now);
  const job = await createJob(
    h.db,
    {
      name: "Hillcrest High – Seniors",
      type: "school",
      coupon_deadline: "2027-03-31",
      gallery_url: "https://shop.brightside.test/hillcrest",
      profile_id: null,
    },
    {},
    "ui",
    now,
  );
  jobId = job.id;
  const anna = await createCustomer(
    h.db,
    { first_name: "Anna", last_name: "Lee", email: "anna@families.test", consent: { email: true } },
    "test",
    now,
  );
  await upsertRegistration(h.db, { jobId, customerId: anna.id, accessCode: "HS-ANNA" }, "ui", now);
  await h.logIn("owner@brightside.test", "correct horse battery");
});

afterAll(async () => {
  await h?.stop();
});

test("create a staff template, preview it, start a message from it and preview that at desktop and phone width", async () => {
  const { page } = h;
  await page.goto("/profiles");
  await page.locator("main a", { hasText: "Templates" }).first().click();
  await page.waitForURL((u) => u.pathname === "/templates");
  expect(await page.locator("#group-email").innerText()).toContain("Announcement with a hero image");
  await shot("list");
  await shot("list-phone", PHONE);

  await page.locator("main a", { hasText: "New e-mail template" }).click();
  await page.waitForURL((u) => u.pathname === "/templates/new");
  await page.getByLabel("Name").fill("Spring mini sessions");
  await page.getByLabel("Subject").fill("Spring mini sessions at {{studio.name}}");
  // Refused first: no body. What was typed stays.
  await page.getByRole("button", { name: "Create template" }).click();
  expect(await page.locator("#body-error").innerText()).toContain("Write the message");
  expect(await page.getByLabel("Name").inputValue()).toBe("Spring mini sessions");
  await page
    .locator("#f-body")
    .fill("Hi {{customer.first_name}},\n\nBook a spring mini session for **{{job.name}}**:\n{{customer.gallery_link}}");
  await page.getByLabel("Preview line").fill("Twenty minutes, ten photos, one happy family");
  await page.getByRole("button", { name: "Create template" }).click();
  await page.waitForURL((u) => /^\/templates\/\d+$/.test(u.pathname));
  expect(await page.locator(".flash").innerText()).toContain("Template saved.");
  const frame = page.frameLocator('iframe[title="E-mail preview, desktop width"]');
  expect(await frame.locator(".pigeon-body").innerText()).toContain("Book a spring mini session for");
  // Shown as a real customer: their name in the e-mail.
  await page.locator("#f-preview_customer_id").selectOption({ label: "Anna Lee · anna@families.test" });
  await page.getByRole("button", { name: "Show" }).click();
  await page.waitForURL((u) => u.searchParams.has("preview_customer_id"));
  expect(await page.locator(".preview-note").innerText()).toContain("Shown with Anna Lee's real data");
  expect(await frame.locator(".pigeon-body").innerText()).toContain("Hillcrest High – Seniors");
  await shot("staff-template");
  await shot("staff-template-phone", PHONE);
  // The preview alone at phone width, scrolled to, so its frame is painted.
  await page.setViewportSize(PHONE);
  await page.locator(".email-preview").scrollIntoViewIfNeeded();
  await page.locator(".email-preview").screenshot({ path: "/tmp/pigeon-templates-preview-phone.png" });
  await page.setViewportSize(DESKTOP);

  // The composer offers it as "(yours)" and fills subject and body from it.
  await page.goto(`/messages/new?job_id=${jobId}`);
  const option = page.locator("#f-template_id option", { hasText: "Spring mini sessions (yours)" });
  expect(await option.count()).toBe(1);
  await page.locator("#f-template_id").selectOption({ label: "Spring mini sessions (yours)" });
  await page.getByRole("button", { name: "Use template" }).click();
  await page.waitForFunction(() =>
    (document.querySelector("#f-subject") as HTMLInputElement | null)?.value.startsWith("Spring mini sessions"),
  );
  expect(await page.locator("#f-body").inputValue()).toContain("Book a spring mini session for **{{job.name}}**");
  await page.getByLabel("Internal name").fill("Spring minis");
  await page.locator("#f-body").blur();
  const desktop = page.frameLocator('iframe[title="E-mail preview, desktop width"]');
  await desktop.locator(".pigeon-body").waitFor();
  expect(await desktop.locator(".pigeon-body").innerText()).toContain("Hillcrest High – Seniors");
  // The gallery link alone on its line is a link in the e-mail, its text the URL.
  const link = desktop.locator(".pigeon-body a");
  expect(await link.count()).toBe(1);
  expect(await link.innerText()).toStartWith("http");
  expect(await link.getAttribute("href")).toBe(await link.innerText());
  const phone = page.frameLocator('iframe[title="E-mail preview, phone width"]');
  expect(await phone.locator(".pigeon-body").innerText()).toContain("Book a spring mini session");
  await page.locator(".email-preview").scrollIntoViewIfNeeded();
  await shot("composer");
  await shot("composer-phone", PHONE);
});
