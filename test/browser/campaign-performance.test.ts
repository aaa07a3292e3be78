// Issue 14's acceptance walk in a real Chromium, sending through the real Resend SDK to the local
// fake: a new owner loads the demo studio, sends the built-in "Photos online" (selling) reminder to
// a selling job's customers by e-mail, and after signed Resend `delivered`/`opened` webhooks, a
// link scanner's click (not counted), one customer following the tracked gallery link in a browser
// and one order for that customer through the API (with a key made in Settings), sees on the
// message page and on the dashboard the delivery, open, click and buy rates and the revenue, with
// a chart; GET /api/v1/messages/{id} gives the same numbers.
// Screenshots: /tmp/pigeon-campaign-{message,dashboard}-1280.png (look at them).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { runOneTimeMessages } from "../../src/automation/one-time.ts";
import { ensureBuiltinProfiles } from "../../src/db/builtin-profiles.ts";
import { customers, deliveries, engagements, registrations, studioSettings } from "../../src/db/schema.ts";
import { fakeWebhookSecret, type SentEmail, startFakeResend } from "../fakes/fake-resend.ts";
import { until } from "../support/until.ts";
import { type BrowserHarness, DESKTOP, startBrowserHarness } from "./support.ts";

const resend = startFakeResend();
/** The studio's photo shop, on this machine: it says where the reader landed and keeps the visits. */
const shop = (() => {
  const visits: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const u = new URL(req.url);
      visits.push(u.pathname + u.search);
      return new Response("<!doctype html><title>Shop</title><h1>Your gallery</h1>", {
        headers: { "Content-Type": "text/html" },
      });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, visits, stop: () => server.stop(true) };
})();
const webhookSecret = fakeWebhookSecret();
let h: BrowserHarness;

const OWNER = { studio: "Brightside Photography", name: "Olivia Owner", email: "owner@brightside.test" };
const PASSWORD = "correct horse battery";
// A customer's phone browser: not the headless agent Chromium sends, which is a machine's.
const PHONE_BROWSER =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const SCANNER = "Microsoft Office Protection SafeLinks";
const JOB = "Family Portrait Days";
const OPENERS = 5;
const ORDER_AMOUNT = "49.90";

beforeAll(async () => {
  h = await startBrowserHarness({
    env: {
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      RESEND_WEBHOOK_SECRET: webhookSecret,
      EMAIL_FROM: "Brightside Photography <hello@brightside.test>",
      // The harness's address is http on loopback: links are made with it for this walk only.
      ALLOW_HTTP_PUBLIC_URL: "true",
    },
  });
  // `pigeon serve` writes the built-in profiles and templates at start (src/cli.ts); the harness only migrates.
  await ensureBuiltinProfiles(h.db, new Date());
});

afterAll(async () => {
  await h?.stop();
  resend.stop();
  await shop.stop();
});

/** "31%", "6.3%": one decimal below 10 %, none above, as staff read a rate. */
const pct = (n: number, of: number) => {
  const r = n / of;
  return new Intl.NumberFormat("en", {
    style: "percent",
    maximumFractionDigits: r > 0 && r < 0.1 ? 1 : 0,
  }).format(r);
};

/** Posts a Resend event about an e-mail the fake sent, signed as Resend (Svix) signs it. */
async function resendEvent(type: string, mail: SentEmail, data: Record<string, unknown> = {}) {
  const signed = resend.signWebhook(webhookSecret, resend.emailEvent(type, mail.id, data));
  const res = await fetch(`${h.baseUrl}/webhooks/resend`, {
    method: "POST",
    body: signed.body,
    headers: signed.headers,
  });
  expect(res.status).toBe(200);
}

/** The tracked links (`/t/…`) in an e-mail's HTML, each once, in order. */
const trackedLinks = (mail: SentEmail) => [
  ...new Set([...(mail.html ?? "").matchAll(/href="(http:\/\/127\.0\.0\.1:\d+\/t\/[^"]+)"/g)].map((m) => m[1]!)),
];

test("the demo studio's selling reminder sent; opens, a scanner, a real click and one order: rates, revenue and chart on the message page, the dashboard and the API", async () => {
  const { page } = h;

  // 1. A new owner: first-run setup, then the demo studio from the dashboard's button.
  await page.goto("/setup");
  await page.getByLabel("Studio name").fill(OWNER.studio);
  await page.getByLabel("Your name").fill(OWNER.name);
  await page.getByLabel("E-mail").fill(OWNER.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await page.waitForURL((u) => u.pathname === "/");
  // The demo studio is a few hundred customers: on a busy machine that takes more than a step's 10 s.
  await page.getByRole("button", { name: "Load demo data" }).click({ timeout: 90_000 });
  await page.waitForURL((u) => u.pathname === "/jobs", { timeout: 90_000 });
  // Whatever the hour the suite runs at, the studio may send now.
  await h.db.update(studioSettings).set({ sendWindowStart: "00:00", sendWindowEnd: "24:00", emailRatePerSecond: 50 });
  const [studio] = await h.db.select().from(studioSettings);
  expect(studio!.currency).toBe("USD");

  // 2. An API key for the photo shop, made in Settings → API keys.
  await page.goto("/settings/api-keys");
  await page.getByLabel("New key for").fill("Photo shop");
  await page.getByRole("button", { name: "Create API key" }).click();
  const apiKey = (await page.locator("#new-api-key").innerText()).trim();
  expect(apiKey.length).toBeGreaterThan(20);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${h.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json", ...init.headers },
    });

  // 3. The selling job's customers, from its page: a one-time e-mail from the built-in template.
  await page.goto("/jobs");
  await page
    .getByRole("link", { name: new RegExp(JOB) })
    .first()
    .click();
  await page.waitForURL((u) => /^\/jobs\/\d+$/.test(u.pathname));
  const jobId = Number(new URL(page.url()).pathname.split("/")[2]);
  // The demo's shop address is made up: the owner points the job at the shop this test runs.
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await page.getByLabel("Gallery URL").fill(`${shop.url}/family-portrait-days`);
  await page.getByRole("button", { name: "Save job" }).click();
  await page.waitForURL((u) => u.pathname === `/jobs/${jobId}`);
  await page.getByRole("button", { name: "Send a message to this job's customers" }).click();
  await page.waitForURL((u) => u.pathname === "/messages/new");
  await page.getByLabel("Internal name").fill("Photos online reminder");
  await page.locator("#f-template_id").selectOption({ label: "Photos online (e-mail)" });
  await page.getByRole("button", { name: "Use template" }).click();
  await page.waitForFunction(() =>
    (document.querySelector("#f-subject") as HTMLInputElement | null)?.value.includes("are online"),
  );
  expect(await page.locator("#f-subject").inputValue()).toBe("Your photos from {{job.name}} are online");
  expect(await page.locator("#f-body").inputValue()).toContain("[See your photos]({{customer.gallery_link}})");
  await page.getByRole("button", { name: "Save and review sending…" }).click();
  await page.waitForURL((u) => /^\/messages\/\d+\/send$/.test(u.pathname));
  const question = await page.locator(".question").innerText();
  const recipients = Number(/^Send to (\d+) recipients? by e-mail\?$/.exec(question)?.[1]);
  expect(recipients).toBeGreaterThan(OPENERS + 2);
  await page.getByRole("button", { name: new RegExp(`^Send to ${recipients} `) }).click();
  await page.waitForURL((u) => /^\/messages\/\d+$/.test(u.pathname));
  const messageId = Number(new URL(page.url()).pathname.split("/")[2]);

  // The harness runs no scheduler: start the message and let the app's own dispatcher send.
  expect((await runOneTimeMessages(h.deps, h.deps.clock())).started).toBe(1);
  await until(`the fake Resend to have ${recipients} e-mails`, async () => {
    if (resend.sent.length < recipients) await h.deps.dispatcher.tick();
    return resend.sent.length >= recipients;
  });
  expect(resend.sent).toHaveLength(recipients);
  // The scheduler's next step finds nothing left open: the message is sent.
  await runOneTimeMessages(h.deps, h.deps.clock());
  const mails = [...resend.sent].sort((a, b) => a.to[0]!.localeCompare(b.to[0]!));
  for (const mail of mails) {
    expect(mail.subject).toMatch(/^Your photos from Family Portrait Days \d{4} are online$/);
    expect(trackedLinks(mail).length).toBeGreaterThan(0);
  }

  // 4. Resend reports every e-mail delivered and five of them opened.
  for (const mail of mails) await resendEvent("email.delivered", mail);
  const [buyerMail, scannedMail] = [mails[0]!, mails[1]!];
  for (const mail of mails.slice(0, OPENERS)) await resendEvent("email.opened", mail);

  // A mail gateway's link scanner follows a link of another e-mail: kept, not counted.
  const scanned = await fetch(trackedLinks(scannedMail)[0]!, {
    redirect: "manual",
    headers: { "User-Agent": SCANNER },
  });
  expect(scanned.status).toBe(302);

  // 5. The buyer follows "See your photos" in their own browser: the tracked link, then the gallery.
  const [buyer] = await h.db.select().from(customers).where(eq(customers.email, buyerMail.to[0]!));
  const [registration] = await h.db
    .select()
    .from(registrations)
    .where(and(eq(registrations.customerId, buyer!.id), eq(registrations.jobId, jobId)));
  const buyerCode = registration!.accessCode!;
  const shopper = await h.browser.newContext({ userAgent: PHONE_BROWSER, viewport: { width: 390, height: 844 } });
  const reader = await shopper.newPage();
  const link = /<a [^>]*href="(http:\/\/127\.0\.0\.1:\d+\/t\/[^"]+)"[^>]*>See your photos/.exec(buyerMail.html!)?.[1];
  expect(link).toBeDefined();
  await reader.goto(link!);
  // Through the tracked link and the gallery redirect to the shop, with the buyer's access code.
  const landed = new URL(reader.url());
  expect(`${landed.origin}${landed.pathname}`).toBe(`${shop.url}/family-portrait-days`);
  expect(landed.searchParams.get("code")).toBe(buyerCode);
  expect(await reader.locator("h1").innerText()).toBe("Your gallery");
  expect(shop.visits.filter((v) => v !== "/favicon.ico")).toEqual([
    `/family-portrait-days?code=${encodeURIComponent(buyerCode)}`,
  ]);
  await shopper.close();
  const clicks = await h.db.select().from(engagements).where(eq(engagements.type, "click"));
  expect(clicks.map((c) => [c.customerId === buyer!.id, c.kind]).sort()).toEqual([
    [false, "scanner"],
    [true, "person"],
  ]);

  // 6. The shop reports the buyer's order through the API.
  const posted = await api("/orders", {
    method: "POST",
    body: JSON.stringify({ job_id: jobId, customer_id: buyer!.id, amount: ORDER_AMOUNT }),
  });
  expect(posted.status).toBe(201);
  const order = (await posted.json()) as { attributed_to: { message_id: number } | null; currency: string };
  expect(order.currency).toBe("USD");
  expect(order.attributed_to?.message_id).toBe(messageId);

  // The numbers made above, as staff should read them.
  const want = {
    sent: recipients,
    delivered: recipients,
    opened: OPENERS,
    clicked: 1,
    ordered: 1,
    revenue: "$49.90",
    deliveredRate: pct(recipients, recipients),
    openedRate: pct(OPENERS, recipients),
    clickedRate: pct(1, recipients),
    orderedRate: pct(1, recipients),
  };

  // 7. The message page: the cards, the chart and its numbers.
  await page.setViewportSize(DESKTOP);
  await page.goto(`/messages/${messageId}`);
  const perf = page.locator("#performance");
  await perf.getByRole("heading", { name: "Performance" }).waitFor();
  expect(await page.locator(".badge.message-sent").innerText()).toBe("Sent");
  const card = (key: string) => ({
    count: () => perf.locator(`[data-perf="${key}"] strong`).innerText(),
    rate: () => perf.locator(`[data-perf="${key}"] .rate-value`).innerText(),
    label: () => perf.locator(`[data-perf="${key}"] > span.muted`).innerText(),
  });
  expect(await card("sent").count()).toBe(String(want.sent));
  expect(await card("delivered").count()).toBe(String(want.delivered));
  expect(await card("delivered").rate()).toBe(want.deliveredRate);
  expect(await card("opened").label()).toBe("Opened (estimate)");
  expect(await card("opened").count()).toBe(String(want.opened));
  expect(await card("opened").rate()).toBe(want.openedRate);
  expect(await card("clicked").count()).toBe("1");
  expect(await card("clicked").rate()).toBe(want.clickedRate);
  expect(await card("ordered").count()).toBe("1");
  expect(await card("ordered").rate()).toBe(want.orderedRate);
  expect(await card("revenue").count()).toBe(want.revenue);
  expect(await perf.locator(".machines-left-out").innerText()).toBe(
    "1 click by link scanners and prefetchers not counted: machines, not people.",
  );
  const chart = perf.getByRole("img", { name: /sent, opened and clicked over time, and orders after it/ });
  expect(await chart.count()).toBe(1);
  expect(await chart.evaluate((el) => el.tagName.toLowerCase())).toBe("svg");
  expect(await chart.isVisible()).toBe(true);
  const box = await chart.boundingBox();
  expect(box!.width).toBeGreaterThan(300);
  // The chart's numbers: running totals end at what the cards say; the orders add up to one.
  await perf.getByText("The chart's numbers").click();
  const rows = await perf
    .locator(".chart-data tbody tr")
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "")));
  expect(rows.length).toBeGreaterThan(0);
  const last = rows[rows.length - 1]!;
  expect(last.slice(1, 4)).toEqual([String(want.sent), String(want.opened), "1"]);
  expect(rows.reduce((sum, r) => sum + Number(r[4]), 0)).toBe(1);
  expect(rows.filter((r) => r[5] !== "–").map((r) => r[5])).toEqual([want.revenue]);
  await page.screenshot({ path: "/tmp/pigeon-campaign-message-1280.png", fullPage: true });

  // 8. The dashboard's Today card: the week's revenue from messages, and this message's rates.
  await page.goto("/");
  const week = page.getByRole("region", { name: "This week" });
  expect(await week.locator(".today-revenue").innerText()).toMatch(
    /^\$49\.90 from 1 order that followed a message since Monday \d{4}-\d{2}-\d{2}\.$/,
  );
  const row = week.locator("table.today-recent tbody tr", {
    has: page.getByRole("link", { name: "Photos online reminder" }),
  });
  expect(await row.count()).toBe(1);
  expect(await row.getByRole("link", { name: "Photos online reminder" }).getAttribute("href")).toBe(
    `/messages/${messageId}`,
  );
  expect((await week.locator("table.today-recent thead th").allInnerTexts()).map((t) => t.trim())).toEqual([
    "Sent this week",
    "Sent",
    "Delivered",
    "Opened (est.)",
    "Clicked",
    "Bought",
    "Revenue",
  ]);
  // Nothing is still going out.
  expect(await page.getByRole("region", { name: "Sending now" }).count()).toBe(0);
  const cells = await row.locator("td").allInnerTexts();
  expect(cells.map((c) => c.trim())).toEqual([
    "Photos online reminder",
    String(want.sent),
    want.deliveredRate,
    want.openedRate,
    want.clickedRate,
    // Buyers of delivered, then how many orders they placed (one buyer may order more than once).
    `${want.orderedRate} (1) · 1 order`,
    want.revenue,
  ]);
  await page.screenshot({ path: "/tmp/pigeon-campaign-dashboard-1280.png", fullPage: true });

  // 9. The API: the same counts and revenue.
  const res = await api(`/messages/${messageId}`);
  expect(res.status).toBe(200);
  const { performance: p } = (await res.json()) as {
    performance: Record<string, unknown> & { rates: Record<string, number | null> };
  };
  expect(p).toMatchObject({
    sent: want.sent,
    delivered: want.delivered,
    bounced: 0,
    opened: want.opened,
    clicked: 1,
    unsubscribed: 0,
    ordered: 1,
    orders: 1,
    revenue: 49.9,
    revenue_minor: 4990,
    currency: "USD",
    opened_is_estimate: true,
    machine_clicks: 1,
  });
  expect(p.rates.delivered).toBe(1);
  expect(p.rates.opened).toBeCloseTo(OPENERS / recipients, 10);
  expect(p.rates.clicked).toBeCloseTo(1 / recipients, 10);
  expect(p.rates.ordered).toBeCloseTo(1 / recipients, 10);

  // Every delivery of the message is delivered: none skipped, none still queued.
  const rowsOf = await h.db.select().from(deliveries).where(eq(deliveries.messageId, messageId));
  expect(rowsOf.filter((d) => d.status === "delivered")).toHaveLength(recipients);
});
