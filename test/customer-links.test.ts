// Links customers follow from messages (SPEC L1–L3, L5), end to end: sent through the
// dispatcher, read from what the dev outbox received, followed without any cookies.
import { describe, expect, test } from "bun:test";
import { and, eq, isNull } from "drizzle-orm";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { signLinkToken } from "../src/core/link-tokens.ts";
import { decideRecipients } from "../src/core/recipients.ts";
import { createCustomer, upsertRegistration } from "../src/db/customers.ts";
import { databaseDevOutboxStore } from "../src/db/dev-outbox-store.ts";
import { createJob } from "../src/db/jobs.ts";
import { enqueueDeliveries, loadCandidates } from "../src/db/outbox.ts";
import { appointments, communicationProfiles, deliveries, devOutbox, notifications, suppressions } from "../src/db/schema.ts";
import { linkSigningSecret } from "../src/db/secrets.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { createDevProviders } from "../src/providers/dev-outbox.ts";
import { makeTestApp } from "./support/app.ts";

const now = new Date("2026-09-01T17:00:00Z");

async function setup() {
  const t = await makeTestApp({ now });
  await updateSettings(t.db, { name: "Brightside", timeZone: "America/Chicago" }, now);
  const job = await createJob(t.db, { name: "Lincoln", type: "school", gallery_url: "https://shop.example.com/lincoln" }, {}, "ui", now);
  const anna = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", phone: "+15551230001", consent: { email: true, sms: true } }, "test", now);
  await upsertRegistration(t.db, { jobId: job.id, customerId: anna.id, accessCode: "AB-12" }, "ui", now);
  const dispatcher = createDispatcher(t.deps, createDevProviders(databaseDevOutboxStore(t.db), { clock: t.deps.clock }), { owner: "w" });
  let n = 0;
  const send = async (body: string) => {
    const [d] = decideRecipients(await loadCandidates(t.db, [anna.id]), "email", { requireConsent: true });
    await enqueueDeliveries(t.db, { sourceType: "test", jobId: job.id }, [{ key: deliveryKey({ kind: "test", id: String(++n) }, { customerId: anna.id }, "email"), decision: d!, dueAt: now, subject: "News", body }], now);
    return dispatcher.tick();
  };
  return { t, job, anna, send };
}

/** A request as a mail client or a phone browser makes it: no cookies, no CSRF token. */
const plain = (t: Awaited<ReturnType<typeof setup>>["t"], url: string, init: RequestInit = {}) => t.app.request(url, init);

describe("unsubscribe", () => {
  test("one-click unsubscribe from the List-Unsubscribe header works without cookies and stops every later e-mail", async () => {
    const { t, send } = await setup();
    await send("First news");
    const [mail] = await t.db.select().from(devOutbox);
    const url = mail!.headers!["List-Unsubscribe"]!.slice(1, -1);
    const res = await plain(t, url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("You are unsubscribed");
    const active = await t.db.select().from(suppressions).where(isNull(suppressions.clearedAt));
    expect(active.map((s) => [s.channel, s.address, s.reason])).toEqual([["email", "anna@x.test", "unsubscribed"]]);
    const r = await send("Second news");
    expect(r.sent).toBe(0);
    expect(await t.db.select().from(devOutbox)).toHaveLength(1);
    const [second] = await t.db.select().from(deliveries).where(eq(deliveries.status, "skipped"));
    expect(second!.skipReason).toBe("unsubscribed");
  });

  test("the link in the e-mail opens a page with a button; a repeat unsubscribe is harmless", async () => {
    const { t, send } = await setup();
    await send("[Unsubscribe]({{links.unsubscribe_link}})");
    const [mail] = await t.db.select().from(devOutbox);
    const url = mail!.html!.match(/href="(http:\/\/localhost\/u\/[^"]+)"/)![1]!;
    const page = await plain(t, url);
    const html = await page.text();
    expect(html).toContain("Unsubscribe?");
    expect(html).toContain("anna@x.test");
    expect(html).toContain('<form method="post"');
    await plain(t, url, { method: "POST" });
    expect((await plain(t, url, { method: "POST" })).status).toBe(200);
    expect(await t.db.select().from(suppressions)).toHaveLength(1);
  });

  test("a tampered, foreign or wrong-purpose token gets a plain 4xx page and changes nothing", async () => {
    const { t, anna, send } = await setup();
    await send("x");
    const [mail] = await t.db.select().from(devOutbox);
    const url = mail!.headers!["List-Unsubscribe"]!.slice(1, -1);
    const token = url.split("/u/")[1]!;
    const tampered = `${token.slice(0, 3)}${token[3] === "A" ? "B" : "A"}${token.slice(4)}`;
    const foreign = signLinkToken("another-installation-secret-key-000000", { purpose: "unsubscribe", customerId: anna.id });
    const secret = await linkSigningSecret(t.db, undefined, now);
    const preferencesToken = signLinkToken(secret, { purpose: "preferences", customerId: anna.id });
    for (const bad of [tampered, foreign, preferencesToken, "garbage"]) {
      const res = await plain(t, `/u/${bad}`, { method: "POST" });
      expect([bad, res.status]).toEqual([bad, 400]);
      expect(await res.text()).toContain("This link does not work");
    }
    expect(await t.db.select().from(suppressions)).toHaveLength(0);
  });
});

describe("marketing and service e-mail (defect 13)", () => {
  /** An appointment reminder for Anna, queued as the automation queues it. */
  async function reminder(t: Awaited<ReturnType<typeof setup>>["t"], jobId: number, annaId: number) {
    const [profile] = await t.db.insert(communicationProfiles).values({ name: "Appointments" }).returning();
    const [n] = await t.db.insert(notifications).values({ profileId: profile!.id, trigger: "appointment_reminder", offsetHours: 24, channel: "email", subject: "See you tomorrow", body: "Your appointment is {{appointment.date}} at {{appointment.time}}." }).returning();
    const [a] = await t.db.insert(appointments).values({ customerId: annaId, jobId, startsAt: new Date(now.getTime() + 24 * 3600_000), location: "Studio A" }).returning();
    const [d] = decideRecipients(await loadCandidates(t.db, [annaId]), "email", { requireConsent: false });
    const source = { kind: "notification" as const, notificationId: n!.id, jobId, appointmentId: a!.id };
    await enqueueDeliveries(t.db, { sourceType: "notification", notificationId: n!.id, jobId }, [{ key: deliveryKey(source, { customerId: annaId }, "email"), decision: d!, dueAt: now, appointmentId: a!.id }], now);
  }

  test("an appointment reminder carries no one-click unsubscribe, and a marketing unsubscribe does not stop it", async () => {
    const { t, job, anna, send } = await setup();
    await send("Autumn offers");
    const [offer] = await t.db.select().from(devOutbox);
    const oneClick = offer!.headers!["List-Unsubscribe"]!.slice(1, -1);
    expect((await plain(t, oneClick, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    // Anna opted out of marketing: the next offer is skipped, her appointment reminder still goes.
    await send("Winter offers");
    const [winter] = await t.db.select().from(deliveries).where(eq(deliveries.status, "skipped"));
    expect([winter!.body, winter!.skipReason]).toEqual(["Winter offers", "unsubscribed"]);
    await reminder(t, job.id, anna.id);
    expect((await t.deps.dispatcher.tick()).sent).toBe(1);
    const mails = await t.db.select().from(devOutbox).orderBy(devOutbox.createdAt);
    const sent = mails.find((m) => m.subject === "See you tomorrow")!;
    expect(sent.body).toContain("Your appointment is Wednesday, September 2 at 12:00 PM.");
    expect(sent.headers!["List-Unsubscribe"]).toBeUndefined();
    expect(sent.headers!["List-Unsubscribe-Post"]).toBeUndefined();
    expect(sent.html).toContain("E-mail preferences");
    expect(sent.html).not.toContain(">Unsubscribe<");
  });

  test("the unsubscribe and preferences pages say that appointment e-mails still come", async () => {
    const { t, send } = await setup();
    await send("Offers");
    const [mail] = await t.db.select().from(devOutbox);
    const link = mail!.headers!["List-Unsubscribe"]!.slice(1, -1);
    const asked = await (await plain(t, link)).text();
    expect(asked).toContain("Stop marketing e-mails (news, offers, photo reminders) from Brightside to anna@x.test.");
    expect(asked).toContain("Automatic reminders and confirmations of appointments you book with us still come.");
    const done = await (await plain(t, link, { method: "POST" })).text();
    expect(done).toContain("anna@x.test will get no more marketing e-mails");
    const preferences = done.match(/href="(\/p\/[^"]+)"/)![1]!;
    const page = await (await plain(t, preferences)).text();
    expect(page).toContain("Marketing e-mails");
    expect(page).toContain("News, offers and reminders about your photos. Automatic reminders and confirmations of appointments you book with us still come.");
  });
});

describe("preferences", () => {
  test("a customer turns SMS off and e-mail back on; both take effect and keep their history", async () => {
    const { t, anna } = await setup();
    const secret = await linkSigningSecret(t.db, undefined, now);
    await t.db.insert(suppressions).values({ channel: "email", address: "anna@x.test", reason: "unsubscribed", source: "link" });
    const url = `/p/${signLinkToken(secret, { purpose: "preferences", customerId: anna.id })}`;
    const page = await (await plain(t, url)).text();
    expect(page).toContain('name="sms" checked=""');
    expect(page).not.toContain('name="email" checked=""');
    const res = await plain(t, url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "email=on" });
    expect(await res.text()).toContain("Saved. Thank you!");
    const rows = await t.db.select().from(suppressions).orderBy(suppressions.id);
    expect(rows.map((s) => [s.channel, s.reason, s.clearedAt ? "cleared" : "active", s.clearedSource])).toEqual([
      ["email", "unsubscribed", "cleared", "preferences page"],
      ["sms", "unsubscribed", "active", null],
    ]);
  });
});

describe("gallery and view in browser", () => {
  test("the gallery link redirects to the job's gallery with the access code", async () => {
    const { t, send } = await setup();
    await send("[Your photos]({{customer.gallery_link}})");
    const [mail] = await t.db.select().from(devOutbox);
    const url = mail!.html!.match(/href="(http:\/\/localhost\/g\/[^"]+)"/)![1]!;
    const res = await plain(t, url);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("https://shop.example.com/lincoln?code=AB-12");
  });

  test("view in browser shows the e-mail as it was sent to this customer", async () => {
    const { t, send } = await setup();
    await send("Hello {{customer.first_name}}, see you soon.");
    const [mail] = await t.db.select().from(devOutbox);
    const url = mail!.html!.match(/href="(http:\/\/localhost\/v\/[^"]+)"/)![1]!;
    const res = await plain(t, url);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(await res.text()).toContain("Hello Anna, see you soon.");
    const [d] = await t.db.select().from(deliveries).where(and(eq(deliveries.status, "sent")));
    expect(d).toBeDefined();
  });
});
