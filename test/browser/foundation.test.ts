// The foundation flows in a real Chromium: first-run setup, demo data, jobs, customers and
// the CSV import. One install for the whole file; each step starts from a URL, so a step
// that fails does not hide the ones after it. Screenshots: test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

const OWNER = {
  studio: "Sunny Side Photo",
  name: "Olivia Owner",
  email: "owner@sunny.test",
  password: "correct horse battery",
};
const JOB = {
  name: "Brookfield Middle – Spring portraits",
  year: "2027",
  shootDate: "2027-04-14",
  customText: "Bring your best smile!",
};
const CUSTOMER = { first: "Maren", last: "Lindqvist", email: "maren.lindqvist@example.com", phone: "+1 212 555 0133" };

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** The visible text of the page's main area. */
const mainText = () => h.page.locator("main").innerText();

/**
 * A form field by the start of its label: a field's hint or error sits inside its <label>,
 * so it is part of the accessible name ("Year Defaults to the picture day's year.").
 */
const field = (label: string) =>
  h.page.getByLabel(new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`)).first();

/** A link by its text, whether styled as a link or as a button (`<a role="button">`). */
const action = (name: string) =>
  h.page.locator("main").getByRole("link", { name }).or(h.page.locator("main").getByRole("button", { name })).first();

describe("foundation flows in Chromium", () => {
  test("a fresh install opens the setup page, which creates the owner and signs in", async () => {
    const { page } = h;
    await page.goto("/login");
    expect(new URL(page.url()).pathname).toBe("/setup");
    expect(await page.getByRole("heading", { name: "Welcome to Pigeon" }).isVisible()).toBe(true);
    await h.screenshot("01-setup");
    await h.screenshot("01-setup-phone", PHONE);

    await field("Studio name").fill(OWNER.studio);
    await field("Your name").fill(OWNER.name);
    await field("E-mail").fill(OWNER.email);
    await field("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Create owner account" }).click();
    await page.waitForURL((u) => u.pathname === "/");

    expect(await mainText()).toContain("Your owner account is ready");
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(OWNER.studio);
    await h.screenshot("02-dashboard-fresh");
    await h.screenshot("02-dashboard-fresh-phone", PHONE);
  });

  test("the dashboard loads the demo studio and the jobs list shows its jobs", async () => {
    const { page } = h;
    await page.goto("/");
    await page.getByRole("button", { name: "Load demo data" }).click();
    await page.waitForLoadState();
    await h.screenshot("03-after-demo");
    expect(new URL(page.url()).pathname).toBe("/jobs");
    const rows = page.locator("#jobs-results tbody tr");
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    // The demo covers every status.
    const text = await mainText();
    for (const status of ["Planning", "Selling", "Archived"]) expect(text).toContain(status);
    await h.screenshot("03-jobs-demo-phone", PHONE);
  });

  test("the job form answers an empty name beside the field, keeps the rest, then creates the job", async () => {
    const { page } = h;
    await page.goto("/jobs");
    await action("New job").click();
    await page.waitForURL((u) => u.pathname === "/jobs/new");

    await field("Type").selectOption("sports");
    await field("Year").fill(JOB.year);
    await field("Picture day").fill(JOB.shootDate);
    await field("Custom text").fill(JOB.customText);
    await page.getByRole("button", { name: "Create job" }).click();
    await page.waitForLoadState();

    // Still the form, with the problem beside the Name field…
    const name = page.locator('input[name="name"]');
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    expect(await name.getAttribute("aria-describedby")).toContain("name-error");
    expect(await page.locator("#name-error").innerText()).toBe("Name is required");
    expect(await page.getByRole("alert").innerText()).toContain("Please correct");
    // …and everything else as typed.
    expect(await field("Type").inputValue()).toBe("sports");
    expect(await field("Year").inputValue()).toBe(JOB.year);
    expect(await field("Picture day").inputValue()).toBe(JOB.shootDate);
    expect(await field("Custom text").inputValue()).toBe(JOB.customText);
    await h.screenshot("04-job-form-error");
    await h.screenshot("04-job-form-error-phone", PHONE);

    await name.fill(JOB.name);
    await page.getByRole("button", { name: "Create job" }).click();
    await page.waitForURL((u) => /^\/jobs\/\d+$/.test(u.pathname));
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(JOB.name);
    expect(await mainText()).toContain(JOB.shootDate);
    await h.screenshot("05-job-created");
  });

  test("the jobs list narrows as one types in the search box (htmx)", async () => {
    const { page } = h;
    await page.goto("/jobs");
    await page.getByRole("searchbox", { name: "Search jobs" }).fill("Brookfield");
    // The swap pushes the filtered URL (no page load); then only matching jobs are listed.
    await page.waitForURL((u) => u.searchParams.get("q") === "Brookfield", { timeout: 5000, waitUntil: "commit" });
    const rows = page.locator("#jobs-results tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.innerText()).toContain(JOB.name);
    await h.screenshot("06-jobs-search");
  });

  test("the job opens from the list and is set to selling", async () => {
    const { page } = h;
    // The plain filtered URL, so this step does not depend on the live search above.
    await page.goto("/jobs?q=Brookfield");
    await page.locator("#jobs-results").getByRole("link", { name: JOB.name }).click();
    await page.waitForURL((u) => /^\/jobs\/\d+$/.test(u.pathname));

    const status = page.locator("article .badge").first();
    expect(await status.innerText()).toBe("Planning");
    await page.getByRole("button", { name: "Set to selling" }).click();
    await page.waitForLoadState();
    expect(await status.innerText()).toBe("Selling");
    expect(await page.locator("section", { hasText: "Status history" }).innerText()).toMatch(/planning → selling/);
    expect(await page.getByRole("button", { name: "Set to selling" }).count()).toBe(0);
    await h.screenshot("07-job-selling");
    await h.screenshot("07-job-selling-phone", PHONE);
  });

  test("on a phone every navigation item and Log out are on screen", async () => {
    const { page } = h;
    await page.setViewportSize(PHONE);
    try {
      await page.goto("/jobs");
      const header = page.locator("header.app");
      const items = [...(await header.getByRole("link").all()), ...(await header.getByRole("button").all())];
      const offscreen: string[] = [];
      for (const item of items) {
        const box = await item.boundingBox();
        if (!box || box.x < 0 || box.x + box.width > PHONE.width + 1) offscreen.push((await item.innerText()).trim());
      }
      expect(offscreen).toEqual([]);
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  test("a new customer is created from the customers list", async () => {
    const { page } = h;
    await page.goto("/");
    await page.getByRole("navigation").getByRole("link", { name: "Customers" }).click();
    await page.waitForURL((u) => u.pathname === "/customers");
    await h.screenshot("08-customers");
    await action("New customer").click();
    await page.waitForLoadState();

    await field("First name").fill(CUSTOMER.first);
    await field("Last name").fill(CUSTOMER.last);
    await field("E-mail").fill(CUSTOMER.email);
    await field("Phone").fill(CUSTOMER.phone);
    await h.screenshot("09-customer-form");
    await page
      .getByRole("button", { name: /save|create|add/i })
      .first()
      .click();
    await page.waitForURL((u) => /^\/customers\/\d+$/.test(u.pathname));

    expect(await page.getByRole("heading", { level: 1 }).innerText()).toContain(`${CUSTOMER.first} ${CUSTOMER.last}`);
    expect(await mainText()).toContain(CUSTOMER.email);
    await h.screenshot("10-customer-page");
    await h.screenshot("10-customer-page-phone", PHONE);
  });

  test("a CSV import previews good rows and row errors, then imports the good ones", async () => {
    const { page } = h;
    // Row 3 of the file (the second customer) has a broken e-mail address.
    const csv = h.tempFile(
      "customers.csv",
      [
        "first_name,last_name,email,phone",
        "Ada,Brightwater,ada.brightwater@example.com,+12125550145",
        "Bruno,Castellano,bruno-at-example.com,+12125550146",
        "Chiara,Delacroix,chiara.delacroix@example.com,",
      ].join("\n") + "\n",
    );
    await page.goto("/customers");
    await action("Import CSV").click();
    await page.waitForLoadState();
    await h.screenshot("11-import-form");

    await page.locator('input[type="file"][name="file"]').setInputFiles(csv);
    await page.getByRole("button", { name: "Preview import" }).click();
    await page.waitForLoadState();
    const preview = await mainText();
    await h.screenshot("12-import-preview");
    await h.screenshot("12-import-preview-phone", PHONE);
    // Two rows ready, one row error that says which row and what is wrong with it.
    expect(preview).toMatch(/\b2 rows?\b[^\n]*ready/i);
    expect(preview).toContain("Ada");
    expect(preview).toContain("Chiara");
    // Rows are numbered by their line in the file, the header being row 1.
    expect(preview).toMatch(/row 3\b[^\n]*e-?mail/i);
    expect(preview).toContain("bruno-at-example.com");

    await page.getByLabel(/lawful/i).check();
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.waitForLoadState();
    const result = await mainText();
    await h.screenshot("13-import-result");
    expect(result).toMatch(/\b2\b[^\n]*imported/i);
    expect(result).toMatch(/\b1 rows?\b[^\n]*reported/i);
  });
});
