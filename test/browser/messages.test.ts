// SPEC O1–O7 in a real Chromium: from a job's Communication section, an e-mail to the potential
// buyers of one album — the live count and the names left out, a preview with real data and a
// test to oneself, a schedule, Send with its confirmation, the send watched live, the report.
// The harness runs no scheduler: the test runs the one-time-message step and the dispatcher.
// Screenshots: test-results/screenshots/4x-*.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { runOneTimeMessages } from "../../src/automation/one-time.ts";
import { zonedParts } from "../../src/core/send-window.ts";
import { createUser } from "../../src/db/auth.ts";
import { eq } from "drizzle-orm";
import { createAppointment, createCustomer, createOrder, upsertRegistration } from "../../src/db/customers.ts";
import { databaseDevOutboxStore } from "../../src/db/dev-outbox-store.ts";
import { createAlbum, createJob } from "../../src/db/jobs.ts";
import { customers, devOutbox, suppressions } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { createDispatcher } from "../../src/dispatch/dispatcher.ts";
import { createDevProviders } from "../../src/providers/dev-outbox.ts";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
let jobId = 0;
let albumId = 0;
let ivyId = 0;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };
const ZONE = "America/Chicago";
/** The app's clock runs this far ahead of the real one once "time has passed". */
let offsetMs = 0;

beforeAll(async () => {
  h = await startBrowserHarness();
  h.deps.clock = () => new Date(Date.now() + offsetMs);
  const now = new Date();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  await updateSettings(
    h.db,
    {
      name: "Brightside Photography",
      postalAddress: "412 Orchard Lane, Springfield",
      timeZone: ZONE,
      staggerBatchSize: 1,
      staggerIntervalSeconds: 3,
      emailRatePerSecond: 50,
    },
    now,
  );
  const job = await createJob(
    h.db,
    {
      name: "Hillcrest High – Seniors",
      type: "school",
      year: 2026,
      status: "selling",
      gallery_url: "https://shop.example.com/hillcrest",
    },
    {},
    "ui",
    now,
  );
  jobId = job.id;
  const a12 = await createAlbum(h.db, jobId, "Class 12A");
  const b12 = await createAlbum(h.db, jobId, "Class 12B");
  albumId = a12.id;
  const person = async (first: string, last: string, email: string | null, emailConsent: boolean, album: number) => {
    const c = await createCustomer(
      h.db,
      { first_name: first, last_name: last, email: email ?? undefined, consent: { email: emailConsent } },
      "test",
      now,
    );
    await upsertRegistration(
      h.db,
      {
        jobId,
        customerId: c.id,
        albumId: album,
        accessCode: `HS-${first.toUpperCase()}`,
        registeredAt: new Date(now.getTime() - 86_400_000),
      },
      "ui",
      now,
    );
    return c;
  };
  await person("Anna", "Lee", "anna@families.test", true, a12.id);
  const ben = await person("Ben", "Buyer", "ben@families.test", true, a12.id);
  await person("Cleo", "Park", "cleo@families.test", false, a12.id);
  await person("Dan", "Moss", null, true, a12.id);
  const eve = await person("Eve", "Stone", "eve@families.test", true, a12.id);
  ivyId = (await person("Ivy", "Chen", "ivy@families.test", true, a12.id)).id;
  await person("Gus", "Ortiz", "gus@families.test", true, b12.id);
  await createOrder(h.db, { jobId, customerId: ben.id, amountMinor: 4500, currency: "USD", orderedAt: now }, "ui", now);
  await h.db.insert(suppressions).values({
    channel: "email",
    address: "eve@families.test",
    reason: "unsubscribed",
    source: "link",
    customerId: eve.id,
  });
  await h.logIn(OWNER.email, OWNER.password);
});

afterAll(async () => {
  await h?.stop();
});

/** `datetime-local` text for `minutesAhead` from now, in the studio's zone. */
function localIn(minutesAhead: number) {
  const p = zonedParts(new Date(Date.now() + minutesAhead * 60_000), ZONE);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

test("an e-mail to one album's potential buyers: count, who is left out, preview, test, schedule, Send, progress, report", async () => {
  const { page } = h;
  await page.goto(`/jobs/${jobId}`);
  await page.locator("#communication").scrollIntoViewIfNeeded();
  expect(await page.locator("#communication").innerText()).toContain("No messages to this job's customers yet.");
  await h.screenshot("40-job-communication");
  await page.getByRole("button", { name: "Send a message to this job's customers" }).click();
  await page.waitForURL((u) => u.pathname === "/messages/new");
  expect(await page.locator(".fixed-job").innerText()).toContain("Hillcrest High – Seniors");

  // 1. The message, with a placeholder from the picker.
  await page.getByLabel("Internal name").fill("12A gallery is online");
  await page.getByLabel("Subject").fill("Your photos of {{album.name}} are online");
  const body = page.locator("#f-body");
  await body.fill("Hi ");
  await page.locator(".placeholder-picker summary").click();
  await page.locator('button[data-placeholder="{{customer.first_name}}"]').click();
  await body.press("End");
  await body.pressSequentially(
    ",\n\nyour access code is **{{customer.access_code}}**. Orders before Friday ship free.",
  );
  expect(await body.inputValue()).toContain("Hi {{customer.first_name}},");
  // Leaving the field counts again (its placeholders decide who has every value), as clicking the next field would.
  await body.blur();

  // 2. Recipients: one album, potential buyers; the count follows.
  await page.locator('select[name="filters.album_ids"]').selectOption(String(albumId));
  await page.locator('select[name="filters.audience"]').selectOption("potential_buyers");
  const count = page.locator("#recipient-count");
  await count.filter({ hasText: "2 will receive it by e-mail" }).waitFor();
  const counted = await count.innerText();
  expect(counted).toContain("Potential buyers of Hillcrest High – Seniors (Class 12A)");
  expect(counted).toContain("5 customers match");
  for (const reason of ["1 no consent for this channel", "1 no address for this channel", "1 unsubscribed"])
    expect(counted).toContain(reason);
  // Who exactly: each group opens onto the names.
  await count.locator("summary", { hasText: "no consent" }).click();
  await page.locator("#excluded-email-no_consent").filter({ hasText: "Cleo Park" }).waitFor();
  await count.locator("summary", { hasText: "unsubscribed" }).click();
  await page.locator("#excluded-email-unsubscribed").filter({ hasText: "Eve Stone" }).waitFor();
  await page.locator(".recipients-grid").scrollIntoViewIfNeeded();
  await h.screenshot("41-compose-recipients");

  // 3. Preview with Ivy's real data, desktop and phone widths; a test to myself.
  await page.locator("#f-preview_customer_id").selectOption(String(ivyId));
  const desktop = page.frameLocator("iframe.email-frame >> nth=0");
  await desktop.locator("body", { hasText: "Hi Ivy," }).waitFor();
  expect(await desktop.locator("body").innerText()).toContain("HS-IVY");
  expect(await page.locator(".preview-subject").innerText()).toBe("Your photos of Class 12A are online");
  expect(await page.frameLocator("iframe.email-frame >> nth=1").locator("body").innerText()).toContain("Hi Ivy,");
  // Choosing whom to preview does not count again, so the opened lists stay open.
  expect(await count.locator("details[open]").count()).toBe(2);
  await page.getByRole("button", { name: `E-mail it to ${OWNER.email}` }).click();
  await page.locator("#test-result").filter({ hasText: "sent to" }).waitFor();
  expect(await page.locator("#test-result").innerText()).toContain(
    `Test e-mail with Ivy Chen's data sent to ${OWNER.email} through the dev outbox.`,
  );
  await page.locator("#message-preview").scrollIntoViewIfNeeded();
  await h.screenshot("42-compose-preview");
  // On a phone the desktop frame gives way to the phone-width one; let it paint before the capture.
  await page.setViewportSize(PHONE);
  await page.locator(".frame.phone").scrollIntoViewIfNeeded();
  await page.frameLocator("iframe.email-frame >> nth=1").locator("body", { hasText: "Hi Ivy," }).waitFor();
  await h.screenshot("42-compose-preview-phone", PHONE);
  await page.setViewportSize(DESKTOP);

  // 4. Schedule ten minutes ahead, then the explicit Send step.
  await page.locator('input[name="send_at_local"]').fill(localIn(10));
  expect(await page.locator('input[name="send_mode"][value="later"]').isChecked()).toBe(true);
  await page.getByRole("button", { name: "Save and review sending…" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+\/send$/.test(u.pathname));
  const question = await page.locator(".question").innerText();
  expect(question).toBe("Send to 2 recipients by e-mail?");
  await h.screenshot("43-confirm");
  await h.screenshot("43-confirm-phone", PHONE);
  const messageId = Number(new URL(page.url()).pathname.split("/")[2]);
  // Nothing has gone out but the test.
  expect((await h.db.select().from(devOutbox)).map((m) => m.toAddress)).toEqual([OWNER.email]);
  const streams: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith(`/messages/${messageId}/events`)) streams.push(r.url());
  });
  await page.getByRole("button", { name: "Schedule it to 2 recipients" }).click();
  await page.waitForURL((u) => u.pathname === `/messages/${messageId}`);
  expect(await page.locator("main").innerText()).toContain("Armed: it goes to 2 recipients by e-mail.");
  expect(await page.locator("#progress").innerText()).toContain("It starts at");
  await h.screenshot("44-armed");

  // 5. Its time comes: the scheduler starts it and the dispatcher sends, one every 3 seconds.
  offsetMs = 11 * 60_000;
  expect((await runOneTimeMessages(h.deps, h.deps.clock())).started).toBe(1);
  const providers = createDevProviders(databaseDevOutboxStore(h.db), { clock: h.deps.clock, lineType: () => "mobile" });
  const dispatcher = createDispatcher(h.deps, providers, { owner: "browser-test" });
  expect((await dispatcher.tick()).sent).toBe(1);
  const progress = page.locator("#progress");
  await progress.filter({ hasText: "1 / 2" }).waitFor();
  expect(await progress.innerText()).toContain("Queued 1");
  // The status and its buttons follow the send, out of band in the same stream.
  await page.locator("#message-actions").filter({ hasText: "Sending" }).waitFor();
  expect(await page.getByRole("button", { name: "Pause" }).isVisible()).toBe(true);
  await h.screenshot("45-sending");
  await Bun.sleep(3_100);
  expect((await dispatcher.tick()).sent).toBe(1);
  await runOneTimeMessages(h.deps, h.deps.clock());
  await progress.filter({ hasText: "All sent." }).waitFor();
  expect(await progress.innerText()).toContain("2 / 2");
  expect(await page.locator("#message-actions").innerText()).toBe("Sent");
  // One stream carried it all, and it closed on "done" instead of reconnecting.
  await Bun.sleep(1_000);
  expect(streams).toHaveLength(1);

  // 6. The report: totals and why not everyone was reached, with names.
  await progress.getByRole("link", { name: "Show the report" }).click();
  await page.locator("#report").waitFor();
  const report = await page.locator("#report").innerText();
  expect(report).toMatch(/Sent, no delivery report\s+2/);
  expect(report).toMatch(/Skipped\s+3/);
  for (const row of [
    /Cleo Park\s+E-mail\s+cleo@families.test\s+No consent for this channel/,
    /Dan Moss\s+E-mail\s+—\s+No address for this channel/,
    /Eve Stone\s+E-mail\s+eve@families.test\s+Unsubscribed/,
  ]) {
    expect(report).toMatch(row);
  }
  await page.locator("#report").scrollIntoViewIfNeeded();
  await h.screenshot("46-report");
  await h.screenshot("46-report-phone", PHONE);
  const csv = await page.request.get(`/messages/${messageId}/report.csv`);
  expect(await csv.text()).toContain("Cleo,Park,email,cleo@families.test,skipped,No consent for this channel");
  const sent = (await h.db.select().from(devOutbox)).filter((m) => m.toAddress !== OWNER.email);
  expect(sent.map((m) => m.subject).sort()).toEqual([
    "Your photos of Class 12A are online",
    "Your photos of Class 12A are online",
  ]);

  // The job page lists it.
  await page.goto(`/jobs/${jobId}`);
  await page.locator("#communication").filter({ hasText: "12A gallery is online" }).waitFor();
  await page.goto("/messages");
  expect(await page.locator("main").innerText()).toContain("Sent");
  await h.screenshot("47-messages");
});

test("a snow-day e-mail to chosen appointments: one per appointment, each with its own date; an empty studio value refused beside the field", async () => {
  const { page } = h;
  const now = h.deps.clock();
  await updateSettings(h.db, { staggerBatchSize: 100 }, now);
  const [anna] = await h.db.select().from(customers).where(eq(customers.firstName, "Anna"));
  const at = (days: number, hour: number) =>
    new Date(
      Date.parse(
        `${new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10)}T${String(hour).padStart(2, "0")}:00:00Z`,
      ),
    );
  const mine = [
    await createAppointment(h.db, { customerId: anna!.id, startsAt: at(2, 15), location: "Studio A" }, "api", now),
    await createAppointment(h.db, { customerId: anna!.id, startsAt: at(3, 19), location: "Studio B" }, "api", now),
    await createAppointment(h.db, { customerId: ivyId, startsAt: at(2, 16), location: "Studio A" }, "api", now),
  ];
  const day = (d: Date) =>
    new Intl.DateTimeFormat("en", { timeZone: ZONE, weekday: "long", month: "long", day: "numeric" }).format(d);

  await page.goto("/appointments");
  for (const a of mine) await page.locator(`input[name="appointment_ids"][value="${a.id}"]`).check();
  await page.getByRole("button", { name: "Compose" }).click();
  await page.waitForURL((u) => u.pathname === "/messages/new");
  await page.getByLabel("Internal name").fill("Snow day");
  await page.getByLabel("Subject").fill("Snow day: closed on {{appointment.date}}");
  await page
    .locator("#f-body")
    .fill(
      "Your {{appointment.time}} session at {{appointment.location}} will be moved. Questions? Call {{studio.phone}}.",
    );
  const count = page.locator("#recipient-count");
  await count.filter({ hasText: "3 appointments of 2 customers match" }).waitFor();
  expect(await count.innerText()).toContain("3 will receive it by e-mail (one message per appointment)");

  // The studio has no phone: saving is refused beside the message, naming the placeholder.
  await page.getByRole("button", { name: "Save and review sending…" }).click();
  await page.locator("#body-error").waitFor();
  expect(await page.locator("#body-error").innerText()).toContain(
    "{{studio.phone}} is empty: set the studio's phone in Settings",
  );
  expect(await page.locator("#f-body").inputValue()).toContain("Call {{studio.phone}}.");
  // The count said so too; with a fallback everyone has every value again (counted once the field is left).
  expect(await count.innerText()).toContain("3 no value for {{studio.phone}}");
  await page
    .locator("#f-body")
    .fill(
      'Your {{appointment.time}} session at {{appointment.location}} will be moved. Questions? Call {{studio.phone | "the studio"}}.',
    );
  await page.locator("#f-body").blur();
  await count.filter({ hasText: "3 will receive it by e-mail" }).waitFor();

  // The preview shows the appointment chosen: Anna's second.
  // Each choice waits for its own preview, so no answer to an earlier one can reset a later choice.
  await page.locator("#f-preview_customer_id").selectOption(String(ivyId));
  await page.locator(".preview-note", { hasText: "Shown with Ivy Chen's real data and the appointment" }).waitFor();
  await page.locator("#f-preview_customer_id").selectOption(String(anna!.id));
  await page.locator(".preview-note", { hasText: "Shown with Anna Lee's real data and the appointment" }).waitFor();
  await page.locator("#f-preview_appointment_id").selectOption(String(mine[1]!.id));
  await page.locator(".preview-subject", { hasText: day(mine[1]!.startsAt) }).waitFor();
  await page.locator("#message-preview").scrollIntoViewIfNeeded();
  await h.screenshot("48-appointments-preview");

  await page.getByRole("button", { name: "Save and review sending…" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+\/send$/.test(u.pathname));
  expect(await page.locator(".question").innerText()).toBe("Send to 3 appointments by e-mail?");
  await page.getByRole("button", { name: "Send to 3 appointments" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+$/.test(u.pathname));
  expect((await runOneTimeMessages(h.deps, h.deps.clock())).started).toBe(1);
  const providers = createDevProviders(databaseDevOutboxStore(h.db), { clock: h.deps.clock, lineType: () => "mobile" });
  expect((await createDispatcher(h.deps, providers, { owner: "browser-test-2" }).tick()).sent).toBe(3);
  const sent = (await h.db.select().from(devOutbox)).filter((m) => m.subject?.startsWith("Snow day"));
  expect(sent.map((m) => [m.toAddress, m.subject]).sort()).toEqual(
    [
      ["anna@families.test", `Snow day: closed on ${day(mine[0]!.startsAt)}`],
      ["anna@families.test", `Snow day: closed on ${day(mine[1]!.startsAt)}`],
      ["ivy@families.test", `Snow day: closed on ${day(mine[2]!.startsAt)}`],
    ].sort(),
  );
});
