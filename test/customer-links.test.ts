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
import {
  appointments,
  communicationProfiles,
  customers,
  deliveries,
  devOutbox,
  notifications,
  suppressions,
} from "../src/db/schema.ts";
import { linkSigningSecret } from "../src/db/secrets.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { createDevProviders } from "../src/providers/dev-outbox.ts";
import { makeTestApp } from "./support/app.ts";

const now = new Date("2026-09-01T17:00:00Z");

async function setup() {
  const t = await makeTestApp({ now });
  await updateSettings(t.db, { name: "Brightside", timeZone: "America/Chicago" }, now);
  const job = await createJob(
    t.db,
    { name: "Lincoln", type: "school", gallery_url: "https://shop.example.com/lincoln" },
    {},
    "ui",
    now,
  );
  const anna = await createCustomer(
    t.db,
    { first_name: "Anna", email: "anna@x.test", phone: "+15551230001", consent: { email: true, sms: true } },
    "test",
    now,
  );
  await upsertRegistration(t.db, { jobId: job.id, customerId: anna.id, accessCode: "AB-12" }, "ui", now);
  const dispatcher = createDispatcher(
    t.deps,
    createDevProviders(databaseDevOutboxStore(t.db), { clock: t.deps.clock }),
    { owner: "w" },
  );
  let n = 0;
  const send = async (body: string) => {
    const [d] = decideRecipients(await loadCandidates(t.db, [anna.id]), "email", { requireConsent: true });
    await enqueueDeliveries(
      t.db,
      { sourceType: "test", jobId: job.id },
      [
        {
          key: deliveryKey({ kind: "test", id: String(++n) }, { customerId: anna.id }, "email"),
          decision: d!,
          dueAt: now,
          subject: "News",
          body,
        },
      ],
      now,
    );
    return dispatcher.tick();
  };
  return { t, job, anna, send };
}

/** A request as a mail client or a phone browser makes it: no cookies, no CSRF token. */
const plain = (t: Awaited<ReturnType<typeof setup>>["t"], url: string, init: RequestInit = {}) =>
  t.app.request(url, init);

describe("unsubscribe", () => {
  test("one-click unsubscribe from the List-Unsubscribe header works without cookies and stops every later e-mail", async () => {
    const { t, send } = await setup();
    await send("First news");
    const [mail] = await t.db.select().from(devOutbox);
    const url = mail!.headers!["List-Unsubscribe"]!.slice(1, -1);
    const res = await plain(t, url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
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
    expect(html).toContain("a•••@x.test");
    expect(html).toContain('<form method="post"');
    await plain(t, url, { method: "POST" });
    expect((await plain(t, url, { method: "POST" })).status).toBe(200);
    expect(await t.db.select().from(suppressions)).toHaveLength(1);
  });

  test("the unsubscribe page masks the address, before and after (the links never expire and get forwarded)", async () => {
    const { t, send } = await setup();
    await send("Offers");
    const [mail] = await t.db.select().from(devOutbox);
    const link = mail!.headers!["List-Unsubscribe"]!.slice(1, -1);
    for (const res of [await plain(t, link), await plain(t, link, { method: "POST" })]) {
      const html = await res.text();
      expect(html).toContain("a•••@x.test");
      expect(html).not.toContain("anna@x.test");
    }
  });

  test("a tampered, foreign or wrong-purpose token gets a plain 4xx page and changes nothing", async () => {
    const { t, anna, send } = await setup();
    await send("x");
    const [mail] = await t.db.select().from(devOutbox);
    const url = mail!.headers!["List-Unsubscribe"]!.slice(1, -1);
    const token = url.split("/u/")[1]!;
    const tampered = `${token.slice(0, 3)}${token[3] === "A" ? "B" : "A"}${token.slice(4)}`;
    const foreign = signLinkToken("another-installation-secret-key-000000", {
      purpose: "unsubscribe",
      customerId: anna.id,
    });
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
    const [n] = await t.db
      .insert(notifications)
      .values({
        profileId: profile!.id,
        trigger: "appointment_reminder",
        offsetHours: 24,
        channel: "email",
        subject: "See you tomorrow",
        body: "Your appointment is {{appointment.date}} at {{appointment.time}}.",
      })
      .returning();
    const [a] = await t.db
      .insert(appointments)
      .values({ customerId: annaId, jobId, startsAt: new Date(now.getTime() + 24 * 3600_000), location: "Studio A" })
      .returning();
    const [d] = decideRecipients(await loadCandidates(t.db, [annaId]), "email", { requireConsent: false });
    const source = { kind: "notification" as const, notificationId: n!.id, jobId, appointmentId: a!.id };
    await enqueueDeliveries(
      t.db,
      { sourceType: "notification", notificationId: n!.id, jobId },
      [{ key: deliveryKey(source, { customerId: annaId }, "email"), decision: d!, dueAt: now, appointmentId: a!.id }],
      now,
    );
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
    expect(asked).toContain("Stop marketing e-mails (news, offers, photo reminders) from Brightside to a•••@x.test.");
    expect(asked).toContain("Automatic reminders and confirmations of appointments you book with us still come.");
    const done = await (await plain(t, link, { method: "POST" })).text();
    expect(done).toContain("a•••@x.test will get no more marketing e-mails");
    const preferences = done.match(/href="(\/p\/[^"]+)"/)![1]!;
    const page = await (await plain(t, preferences)).text();
    expect(page).toContain("Marketing e-mails");
    expect(page).toContain(
      "News, offers and reminders about your photos. Automatic reminders and confirmations of appointments you book with us still come.",
    );
  });
});

describe("preferences", () => {
  const form = { "Content-Type": "application/x-www-form-urlencoded" };
  async function preferencesUrl(
    t: Awaited<ReturnType<typeof setup>>["t"],
    customerId: number,
    expiresAt: Date | undefined = new Date(now.getTime() + 60 * 24 * 3600_000),
  ) {
    const secret = await linkSigningSecret(t.db, undefined, now);
    return `/p/${signLinkToken(secret, { purpose: "preferences", customerId, expiresAt })}`;
  }

  test("a customer turns SMS off and e-mail back on; both take effect and keep their history", async () => {
    const { t, anna } = await setup();
    await t.db
      .insert(suppressions)
      .values({ channel: "email", address: "anna@x.test", reason: "unsubscribed", source: "link" });
    const url = await preferencesUrl(t, anna.id);
    const page = await (await plain(t, url)).text();
    expect(page).toContain('name="sms" checked=""');
    expect(page).not.toContain('name="email" checked=""');
    const res = await plain(t, url, { method: "POST", headers: form, body: "email=on" });
    expect(await res.text()).toContain("Saved. Thank you!");
    const rows = await t.db.select().from(suppressions).orderBy(suppressions.id);
    expect(rows.map((s) => [s.channel, s.reason, s.clearedAt ? "cleared" : "active", s.clearedSource])).toEqual([
      ["email", "unsubscribed", "cleared", "preferences page"],
      ["sms", "unsubscribed", "active", null],
    ]);
  });

  test("the page shows the e-mail and phone masked", async () => {
    const { t, anna } = await setup();
    const page = await (await plain(t, await preferencesUrl(t, anna.id))).text();
    expect(page).toContain("a•••@x.test");
    expect(page).toContain("•••• 0001");
    expect(page).not.toContain("anna@x.test");
    expect(page).not.toContain("5551230001");
  });

  test("links from e-mails expire after 60 days, and one made before links expired is refused, with how to get a new one", async () => {
    const { t, anna, send } = await setup();
    await send("[Preferences]({{links.preferences_link}})");
    const [mail] = await t.db.select().from(devOutbox);
    const url = mail!.html!.match(/href="(http:\/\/localhost\/p\/[^"]+)"/)![1]!;
    expect((await plain(t, url)).status).toBe(200);
    t.setNow(new Date(now.getTime() + 61 * 24 * 3600_000));
    for (const link of [url, await preferencesUrl(t, anna.id, undefined)]) {
      const res = await plain(t, link, { method: "POST", headers: form, body: "sms=on&voice=on" });
      expect(res.status).toBe(410);
      const html = await res.text();
      expect(html).toContain("This link has expired. Links to your preferences work for 60 days.");
      expect(html).toContain("use the preferences or unsubscribe link in our latest message");
    }
    const [after] = await t.db.query.customers.findMany();
    expect([after!.consentVoice, after!.consentSms]).toEqual([false, true]);
    // The unsubscribe link of the same e-mail still works (it never expires) and offers a fresh one.
    const unsubscribe = mail!.headers!["List-Unsubscribe"]!.slice(1, -1);
    const done = await (await plain(t, unsubscribe, { method: "POST" })).text();
    const fresh = done.match(/href="(\/p\/[^"]+)"/)![1]!;
    expect((await plain(t, fresh)).status).toBe(200);
  });

  test("turning calls on from the page changes nothing until the phone confirms through the link texted to it", async () => {
    const { t, anna } = await setup();
    const url = await preferencesUrl(t, anna.id);
    const res = await plain(t, url, { method: "POST", headers: form, body: "email=on&sms=on&voice=on" });
    const html = await res.text();
    expect(html).toContain("We sent a text to •••• 0001. Calls start once you confirm with the link in it.");
    let [row] = await t.db.query.customers.findMany();
    expect(row!.consentVoice).toBe(false);
    // The text went to Anna's phone, with a link of its own.
    const texts = await t.db.select().from(devOutbox).where(eq(devOutbox.channel, "sms"));
    expect(texts).toHaveLength(1);
    expect(texts[0]!.toAddress).toBe("+15551230001");
    const confirm = texts[0]!.body.match(/http:\/\/localhost(\/c\/\S+)/)![1]!;
    // Posting the preferences again within minutes texts no second time.
    await plain(t, url, { method: "POST", headers: form, body: "email=on&sms=on&voice=on" });
    expect(await t.db.select().from(devOutbox).where(eq(devOutbox.channel, "sms"))).toHaveLength(1);
    // Opening the link (a link preview does this) asks; only the button turns calls on.
    const ask = await (await plain(t, confirm)).text();
    expect(ask).toContain("Turn on calls?");
    [row] = await t.db.query.customers.findMany();
    expect(row!.consentVoice).toBe(false);
    const done = await (await plain(t, confirm, { method: "POST" })).text();
    expect(done).toContain("Brightside may now send you calls at •••• 0001.");
    [row] = await t.db.query.customers.findMany();
    expect([row!.consentVoice, row!.consentVoiceSource]).toEqual([true, "customer: confirmed by text"]);
  });

  test("asking for texts, then calls, then both within ten minutes sends one confirmation text, and the page says one was sent", async () => {
    const { t, anna } = await setup();
    await t.db.update(customers).set({ consentSms: false });
    const url = await preferencesUrl(t, anna.id);
    const first = await (await plain(t, url, { method: "POST", headers: form, body: "email=on&sms=on" })).text();
    expect(first).toContain("We sent a text to •••• 0001. Texts start once you confirm with the link in it.");
    t.setNow(new Date(now.getTime() + 4 * 60_000));
    for (const body of ["email=on&voice=on", "email=on&sms=on&voice=on"]) {
      const html = await (await plain(t, url, { method: "POST", headers: form, body })).text();
      expect(html).toContain(
        "We sent a text to •••• 0001 a few minutes ago; confirm with the link in it, or try again in a few minutes.",
      );
    }
    expect(await t.db.select().from(devOutbox).where(eq(devOutbox.channel, "sms"))).toHaveLength(1);
    expect(await t.db.select().from(deliveries).where(eq(deliveries.channel, "sms"))).toHaveLength(1);
    // Ten minutes after the first, a new one may go.
    t.setNow(new Date(now.getTime() + 10 * 60_000));
    const later = await (
      await plain(t, url, { method: "POST", headers: form, body: "email=on&sms=on&voice=on" })
    ).text();
    expect(later).toContain("We sent a text to •••• 0001. Texts and calls start once you confirm with the link in it.");
    expect(await t.db.select().from(devOutbox).where(eq(devOutbox.channel, "sms"))).toHaveLength(2);
  });

  test("an old confirmation link cannot turn texts back on after the customer turned them off", async () => {
    const { t, anna } = await setup();
    await t.db.update(customers).set({ consentSms: false });
    const url = await preferencesUrl(t, anna.id);
    await plain(t, url, { method: "POST", headers: form, body: "email=on&sms=on" });
    const [text] = await t.db.select().from(devOutbox).where(eq(devOutbox.channel, "sms"));
    const confirm = text!.body.match(/http:\/\/localhost(\/c\/\S+)/)![1]!;
    expect((await plain(t, confirm, { method: "POST" })).status).toBe(200);
    let [row] = await t.db.query.customers.findMany();
    expect(row!.consentSms).toBe(true);
    // An hour later she turns texts off; a day later the old link (still within its 2 days) is posted again.
    t.setNow(new Date(now.getTime() + 3600_000));
    await plain(t, url, { method: "POST", headers: form, body: "email=on" });
    t.setNow(new Date(now.getTime() + 24 * 3600_000));
    for (const res of [await plain(t, confirm), await plain(t, confirm, { method: "POST" })]) {
      expect(res.status).toBe(410);
      expect(await res.text()).toContain(
        "You turned texts off after this link was sent; ask for a new one from your preferences page.",
      );
    }
    const active = await t.db.select().from(suppressions).where(isNull(suppressions.clearedAt));
    expect(active.map((s) => [s.channel, s.reason])).toEqual([["sms", "unsubscribed"]]);
    [row] = await t.db.query.customers.findMany();
    expect(row!.consentSms).toBe(true);
    const page = await (await plain(t, url)).text();
    expect(page).not.toContain('name="sms" checked=""');
  });

  test("a confirmation link stops working when the number changes", async () => {
    const { t, anna } = await setup();
    await plain(t, await preferencesUrl(t, anna.id), {
      method: "POST",
      headers: form,
      body: "email=on&sms=on&voice=on",
    });
    const [text] = await t.db.select().from(devOutbox).where(eq(devOutbox.channel, "sms"));
    const confirm = text!.body.match(/http:\/\/localhost(\/c\/\S+)/)![1]!;
    await t.db.update(customers).set({ phone: "+15559990000" });
    const res = await plain(t, confirm, { method: "POST" });
    expect(res.status).toBe(410);
    const [row] = await t.db.query.customers.findMany();
    expect(row!.consentVoice).toBe(false);
  });

  test("bounce and complaint suppressions are never cleared from the page; the customer is told why", async () => {
    const { t, anna } = await setup();
    await t.db.insert(suppressions).values([
      { channel: "email", address: "anna@x.test", reason: "bounced", source: "resend" },
      { channel: "sms", address: "+15551230001", reason: "stop_keyword", source: "twilio" },
    ]);
    const url = await preferencesUrl(t, anna.id);
    const page = await (await plain(t, url)).text();
    expect(page).toContain("our e-mails to this address bounced");
    expect(page).toContain("you texted STOP");
    await plain(t, url, { method: "POST", headers: form, body: "email=on&sms=on&voice=on" });
    const rows = await t.db.select().from(suppressions).orderBy(suppressions.id);
    expect(rows.map((s) => [s.reason, s.clearedAt])).toEqual([
      ["bounced", null],
      ["stop_keyword", null],
    ]);
    await t.db.update(suppressions).set({ reason: "complained" }).where(eq(suppressions.reason, "bounced"));
    await plain(t, url, { method: "POST", headers: form, body: "email=on" });
    expect((await t.db.select().from(suppressions)).every((s) => s.clearedAt === null)).toBe(true);
    expect(await t.db.select().from(devOutbox).where(eq(devOutbox.channel, "sms"))).toHaveLength(0);
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
    const [d] = await t.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.status, "sent")));
    expect(d).toBeDefined();
  });
});
