// SPEC P1–P4, P7 in a real Chromium: a new user builds a profile with an e-mail and an SMS on one
// trigger, assigns it to a job and reads the job's plan with the right dates.
// Screenshots: test-results/screenshots/3x-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createUser } from "../../src/db/auth.ts";
import { createCustomer, upsertRegistration } from "../../src/db/customers.ts";
import { createJob } from "../../src/db/jobs.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { ensureBuiltinProfiles } from "../../src/db/builtin-profiles.ts";
import { type BrowserHarness, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
let jobId = 0;

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
    { name: "Hillcrest High – Seniors", type: "school", archive_date: "2027-06-30", profile_id: null },
    {},
    "ui",
    now,
  );
  jobId = job.id;
  const anna = await createCustomer(
    h.db,
    { first_name: "Anna", email: "anna@families.test", phone: "+17775550101", consent: { email: true, sms: true } },
    "test",
    now,
  );
  await upsertRegistration(h.db, { jobId, customerId: anna.id, accessCode: "HS-1" }, "ui", now);
  await h.logIn("owner@brightside.test", "correct horse battery");
});

afterAll(async () => {
  await h?.stop();
});

async function addNotification(channel: string) {
  const { page } = h;
  await page.locator("main a", { hasText: "Add notification" }).first().click();
  await page.waitForURL((u) => u.pathname.endsWith("/notifications/new"));
  await page.locator("#f-trigger").selectOption("job_archiving");
  await page.waitForFunction(() => (document.querySelector("#f-offset") as HTMLInputElement | null) !== null);
  await page.locator("#f-channel").selectOption(channel);
  await page.waitForTimeout(300);
  await page.locator("#f-offset").fill("7");
  await page.locator("input[name=time_mode][value=morning]").check();
  const body = page.locator("textarea[name=body]");
  if ((await body.inputValue()).trim() === "")
    await body.fill("Hi {{customer.first_name}}, your photos of {{job.name}} expire on {{job.archive_date}}.");
  if (channel === "email") {
    const subject = page.locator("input[name=subject]");
    if ((await subject.inputValue()).trim() === "") await subject.fill("Your photos expire soon");
  }
  await page.waitForTimeout(600); // the live preview
  await h.screenshot(`31-editor-${channel}`);
  await page.getByRole("button", { name: "Add notification" }).click();
  await page.waitForURL((u) => /^\/profiles\/\d+$/.test(u.pathname));
}

test("a new user builds a profile with an e-mail and an SMS on one trigger, assigns it, and sees the plan", async () => {
  const { page } = h;
  await page.goto("/profiles");
  expect(await page.locator("main").innerText()).toContain("Standard");
  await h.screenshot("30-profiles");
  await page.getByLabel("Name").fill("Seniors 2027");
  await page.getByRole("button", { name: "Create profile" }).click();
  await page.waitForURL((u) => /^\/profiles\/\d+$/.test(u.pathname));

  await addNotification("email");
  await addNotification("sms");
  const profilePage = await page.locator("main").innerText();
  expect(profilePage).toContain("7 days before the archive date at 09:00");
  await h.screenshot("32-profile");
  await h.screenshot("32-profile-phone", PHONE);

  await page.goto(`/jobs/${jobId}/edit`);
  await page.getByLabel("Communication profile").selectOption({ label: "Seniors 2027" });
  await page.getByRole("button", { name: "Save job" }).click();
  await page.waitForURL((u) => u.pathname === `/jobs/${jobId}`);
  const plan = await page.locator("#automation").innerText();
  expect(plan).toContain("E-mail · 7 days before the archive date at 09:00");
  expect(plan).toContain("SMS · 7 days before the archive date at 09:00");
  // 2027-06-30 minus 7 days = Wednesday 2027-06-23, 09:00 in Chicago.
  expect(plan.match(/Goes Wed 2027-06-23 09:00 CDT/g)).toHaveLength(2);
  await page.locator("#automation").scrollIntoViewIfNeeded();
  await h.screenshot("33-job-plan");
});

test("the editor's placeholder picker inserts at the cursor, and typing an exact time picks it", async () => {
  const { page } = h;
  await page.goto("/profiles");
  await page.locator("main a", { hasText: "Seniors 2027" }).first().click();
  await page.locator("main a", { hasText: "Add notification" }).first().click();
  await page.waitForURL((u) => u.pathname.endsWith("/notifications/new"));
  const subject = page.locator("input[name=subject]");
  await subject.fill("Photos of ");
  await subject.focus();
  await page.locator("details", { hasText: "Placeholders" }).locator("summary").first().click();
  await page.locator("button[data-placeholder='{{job.name}}']").first().click();
  expect(await subject.inputValue()).toBe("Photos of {{job.name}}");
  await page.locator("input[name=time_exact]").first().fill("10:30");
  expect(await page.locator("input[name=time_mode][value=exact]").isChecked()).toBe(true);
});
