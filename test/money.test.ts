// Money outside the US (issue 11): an order is kept in minor units of its own currency, and every
// page and message writes it the way the reader's language does.
import { afterAll, describe, expect, test } from "bun:test";
import { desc, eq } from "drizzle-orm";
import { runAutomation } from "../src/automation/run.ts";
import { smsInfo } from "../src/core/sms-text.ts";
import { createApiKey } from "../src/db/auth.ts";
import { communicationProfiles, customers, notifications, orders } from "../src/db/schema.ts";
import { getSettings, updateSettings } from "../src/db/settings.ts";
import { apiRequest, fieldsOf, makeApiApp, rows } from "./api/support.ts";
import { signedInOwner } from "./support/app.ts";
import { settingsForm } from "./support/forms.ts";
import { noon, sendStudio } from "./support/send-studio.ts";

// Intl puts a no-break space between a number and its currency sign; a reader sees a space.
const seen = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

async function shop(currency: string, locale = "en") {
  const t = await makeApiApp();
  // First-run setup sets the studio's currency and language (from its country): the owner's choice comes after.
  const b = await signedInOwner(t);
  await updateSettings(t.db, { currency, locale }, new Date());
  const job = (await t.post("/jobs", { external_id: "JOB-1", name: "Eichendorff-Grundschule" })).body;
  const customer = (await t.post("/customers", { external_id: "CUS-1", first_name: "Lena" })).body;
  return { t, b, job, customer, refs: { job_id: job.id, customer_id: customer.id } };
}

describe("orders in the studio's currency", () => {
  test("a German-speaking euro studio's order of 24.9 is kept as 2490 cents of EUR and shown as 24,90 €", async () => {
    const { t, b, refs, customer } = await shop("EUR", "de");
    const res = await t.post("/orders", { ...refs, amount: "24.9" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: 24.9, amount_minor: 2490, currency: "EUR" });
    expect(res.body).not.toHaveProperty("amount_cents");
    const [row] = await t.db.select().from(orders);
    expect(row).toMatchObject({ amountMinor: 2490, currency: "EUR" });

    const page = await b.get(`/customers/${customer.id}`);
    expect(seen(page.text)).toContain(">24,90 €<");
    // Staff adding an order by hand are told which currency they type in.
    expect(page.text).toContain("Amount (EUR)");
  });

  test("an order names its own currency; yen have no decimals and an unknown code is refused by name", async () => {
    const { t, refs } = await shop("EUR");
    const yen = await t.post("/orders", { ...refs, amount: 2490, currency: "JPY" });
    expect(yen.body).toMatchObject({ amount: 2490, amount_minor: 2490, currency: "JPY" });
    expect(fieldsOf(await t.post("/orders", { ...refs, amount: "24.90", currency: "JPY" }))).toEqual({
      amount: "must be a whole number of JPY",
    });
    expect(fieldsOf(await t.post("/orders", { ...refs, amount: "24.999" }))).toEqual({
      amount: "must have at most 2 decimal places for EUR",
    });
    const bad = await t.post("/orders", { ...refs, amount: "24.90", currency: "EURO" });
    expect(bad.status).toBe(422);
    expect(Object.keys(fieldsOf(bad))).toEqual(["currency"]);
    expect(fieldsOf(await t.post("/orders", { ...refs, amount: "24.90", currency: "XYZ" }))).toEqual({
      currency: "must be a currency code like EUR or USD (ISO 4217)",
    });
    // Codes Intl knows that no studio sells in: test, no-currency, metals, fund units, and withdrawn ones.
    for (const currency of [
      "XXX",
      "XTS",
      "XAU",
      "XAG",
      "XPD",
      "XPT",
      "XDR",
      "XBA",
      "XBD",
      "XSU",
      "XUA",
      "DEM",
      "HRK",
      "FRF",
      "VEF",
      "CLF",
      "usn",
    ]) {
      expect(fieldsOf(await t.post("/orders", { ...refs, amount: "24", currency }))).toEqual({
        currency: "must be a currency code like EUR or USD (ISO 4217)",
      });
    }
    // A three-decimal currency keeps its thousandths.
    expect((await t.post("/orders", { ...refs, amount: "1.234", currency: "BHD" })).body).toMatchObject({
      amount: 1.234,
      amount_minor: 1234,
      currency: "BHD",
    });
    // The CFA francs, the CFP franc and the East Caribbean dollar start with X but are money.
    for (const currency of ["XAF", "XOF", "XPF", "XCD"])
      expect((await t.post("/orders", { ...refs, amount: "25", currency })).body).toMatchObject({ currency });
    expect(await rows(t.db, orders)).toBe(6);
    // Correcting an order keeps the currency it was placed in, whatever the studio sells in now.
    await t.post("/orders", { ...refs, external_id: "ORD-9", amount: "24.90" });
    await updateSettings(t.db, { currency: "USD" }, new Date());
    expect((await t.post("/orders", { external_id: "ORD-9", amount: "30" })).body).toMatchObject({
      amount_minor: 3000,
      currency: "EUR",
    });
  });

  test("the staff form takes the studio's currency, and refuses decimals it does not have", async () => {
    const { t, b, refs, customer } = await shop("JPY", "ja");
    await b.get(`/customers/${customer.id}`);
    const cents = await b.post(`/customers/${customer.id}/orders`, {
      order_job_id: String(refs.job_id),
      amount: "24.90",
      order_date: "2026-09-03",
    });
    expect(cents.status).toBe(422);
    expect(cents.text).toContain('id="amount-error">must be a whole number of JPY<');
    expect(cents.text).toContain('value="24.90"');
    expect(await rows(t.db, orders)).toBe(0);
    expect(
      (
        await b.post(`/customers/${customer.id}/orders`, {
          order_job_id: String(refs.job_id),
          amount: "2490",
          order_date: "2026-09-03",
        })
      ).status,
    ).toBe(303);
    const [row] = await t.db.select().from(orders);
    expect(row).toMatchObject({ amountMinor: 2490, currency: "JPY" });
    expect((await b.get(`/customers/${customer.id}`)).text).toMatch(/>[￥¥]2,490</);
  });
});

describe("the studio's currency in the settings", () => {
  test("a metal, fund, test or withdrawn code is refused beside the field, keeping what was typed; a real X-currency is kept", async () => {
    const t = await makeApiApp();
    const b = await signedInOwner(t);
    const form = (currency: string) => settingsForm({ time_zone: "Africa/Dakar", country: "SN", currency });
    await b.get("/settings");
    for (const code of ["XAU", "XXX", "DEM"]) {
      const res = await b.post("/settings", form(code));
      expect(res.status).toBe(422);
      expect(res.text).toContain(
        'id="currency-error">must be a three-letter ISO 4217 currency code, like USD, EUR or GBP<',
      );
      expect(res.text).toContain(`value="${code}"`);
    }
    expect((await b.post("/settings", form("XOF"))).status).toBe(303);
    expect((await getSettings(t.db)).currency).toBe("XOF");
  });
});

describe("the staff order form reads an amount the way the studio's language writes it", () => {
  /** Posts the add-order form with `amount` typed; the stored minor units, or the error beside the field. */
  async function typed(s: Awaited<ReturnType<typeof shop>>, amount: string) {
    const res = await s.b.post(`/customers/${s.customer.id}/orders`, {
      order_job_id: String(s.refs.job_id),
      amount,
      order_date: "2026-09-03",
    });
    if (res.status === 303) {
      const [row] = await s.t.db.select().from(orders).orderBy(desc(orders.id)).limit(1);
      return row!.amountMinor;
    }
    expect(res.status).toBe(422);
    // What the user typed stays in the field.
    expect(res.text).toContain(`value="${amount}"`);
    return res.text.match(/id="amount-error">([^<]*)</)?.[1];
  }

  test("a US studio: a comma groups thousands, a point is the decimal; anything else is refused with the form to use", async () => {
    const s = await shop("USD", "en");
    await s.b.get(`/customers/${s.customer.id}`);
    expect(await typed(s, "1,000")).toBe(100_000);
    expect(await typed(s, "2,500")).toBe(250_000);
    expect(await typed(s, "1,000.50")).toBe(100_050);
    expect(await typed(s, "12,000,000")).toBe(1_200_000_000);
    expect(await typed(s, "24.9")).toBe(2490);
    const written = "must be an amount written like 1,000.50 or 24.90";
    expect(await typed(s, "24,90")).toBe(written);
    expect(await typed(s, "1,00")).toBe(written);
    expect(await typed(s, "1,0000")).toBe(written);
    expect(await typed(s, "1.000,50")).toBe(written);
    expect(await typed(s, "24.900")).toBe("must have at most 2 decimal places for USD");
    expect(await rows(s.t.db, orders)).toBe(5);
  });

  test("a yen studio writing English: 12,000 is twelve thousand yen, and 1.000 is refused as one yen with decimals", async () => {
    const s = await shop("JPY", "en");
    await s.b.get(`/customers/${s.customer.id}`);
    expect(await typed(s, "12,000")).toBe(12_000);
    expect(await typed(s, "2,490")).toBe(2490);
    expect(await typed(s, "1.000")).toBe("must be a whole number of JPY");
    expect(await typed(s, "2,49")).toBe("must be an amount written like 1,000 or 2,490");
    expect(await rows(s.t.db, orders)).toBe(2);
  });

  test("a German euro studio: a point groups thousands, a comma is the decimal", async () => {
    const s = await shop("EUR", "de");
    expect((await s.b.get(`/customers/${s.customer.id}`)).text).toContain('placeholder="24,90"');
    expect(await typed(s, "1.234,56")).toBe(123_456);
    expect(await typed(s, "1.000")).toBe(100_000);
    expect(await typed(s, "24,90")).toBe(2490);
    expect(await typed(s, "24.90")).toBe("must be an amount written like 1.000,50 or 24,90");
    expect(await typed(s, "1.000,505")).toBe("must have at most 2 decimal places for EUR");
    // No thousands group starts with a zero: "0.500" meant 50 cents, not 500 euros.
    expect(await typed(s, "0.500")).toBe("must be an amount written like 1.000,50 or 24,90");
    expect(await typed(s, "0.001")).toBe("must be an amount written like 1.000,50 or 24,90");
    expect(await rows(s.t.db, orders)).toBe(3);
  });
});

describe("{{order.amount}} and {{order.date}} in a message", () => {
  const { twilio, studio, stop } = sendStudio();
  afterAll(stop);

  test("an SMS thanking a German-speaking customer for a euro order reaches Twilio with 24,90 €", async () => {
    const { t, people, dispatcher } = await studio();
    await updateSettings(t.db, { currency: "EUR" }, noon);
    const anna = people[0]!;
    await t.db.update(customers).set({ locale: "de" }).where(eq(customers.id, anna.id));
    const [profile] = await t.db.insert(communicationProfiles).values({ name: "Shop" }).returning();
    await t.db.insert(notifications).values({
      profileId: profile!.id,
      trigger: "order_placed",
      channel: "sms",
      audience: "buyers",
      subject: "",
      body: "Danke für {{order.amount}}!",
    });
    const { key } = await createApiKey(t.db, "shop", null);
    const api = (path: string, body: unknown) => apiRequest(t.app, "POST", path, { key, body });
    const job = (await api("/jobs", { name: "Sommerfest", profile_id: profile!.id })).body;
    expect((await api("/orders", { job_id: job.id, customer_id: anna.id, amount: "24.90" })).status).toBe(201);

    const before = twilio.sent.length;
    await runAutomation(t.deps, noon);
    expect((await dispatcher().tick()).sent).toBe(1);
    const sms = twilio.sent.slice(before);
    expect(sms.map((m) => m.to)).toEqual([anna.phone]);
    // A plain space, not Intl's no-break one: that is outside GSM-7 and would make the SMS UCS-2.
    expect(sms[0]!.body).toStartWith("Danke für 24,90 €!");
    expect(smsInfo(sms[0]!.body).encoding).toBe("GSM-7");
  });

  // A day typed on a staff form is a day in the studio's zone: west of UTC its UTC midnight is
  // the evening before, and east of it a late-evening customer-date could slip a day too.
  for (const [zone, now, shown] of [
    ["America/Sao_Paulo", new Date("2026-10-25T16:00:00Z"), "13:00"],
    ["Pacific/Auckland", new Date("2026-10-25T00:00:00Z"), "13:00"],
  ] as const) {
    test(`an order typed for 25 October in a studio in ${zone} (at ${shown} there) is the 25th on its page and in {{order.date}}`, async () => {
      const { t, people, dispatcher } = await studio();
      t.setNow(now);
      const b = await signedInOwner(t);
      await updateSettings(
        t.db,
        { timeZone: zone, locale: "en", currency: "USD", sendWindowStart: "00:00", sendWindowEnd: "24:00" },
        now,
      );
      const anna = people[0]!;
      const [profile] = await t.db.insert(communicationProfiles).values({ name: "Shop" }).returning();
      await t.db.insert(notifications).values({
        profileId: profile!.id,
        trigger: "order_placed",
        channel: "sms",
        audience: "buyers",
        subject: "",
        body: "Thanks for your order of {{order.date}}",
      });
      const { key } = await createApiKey(t.db, "shop", null);
      const job = (
        await apiRequest(t.app, "POST", "/jobs", { key, body: { name: "Summer fair", profile_id: profile!.id } })
      ).body;

      await b.get(`/customers/${anna.id}`);
      const res = await b.post(`/customers/${anna.id}/orders`, {
        order_job_id: String(job.id),
        amount: "24.90",
        order_date: "2026-10-25",
      });
      expect(res.status).toBe(303);
      const page = (await b.get(`/customers/${anna.id}`)).text;
      expect(page).toContain("<td>2026-10-25</td>");
      expect(page).not.toContain("<td>2026-10-24</td>");

      // A customer far from the studio reads the same day: the order's day is a calendar day.
      await t.db
        .update(customers)
        .set({ timeZone: zone === "Pacific/Auckland" ? "America/Los_Angeles" : "Pacific/Kiritimati" })
        .where(eq(customers.id, anna.id));
      const before = twilio.sent.length;
      await runAutomation(t.deps, now);
      expect((await dispatcher().tick()).sent).toBe(1);
      expect(twilio.sent.slice(before)[0]!.body).toStartWith("Thanks for your order of October 25, 2026");
      // Years before 1900 are refused: JavaScript would read 0001 as 1901.
      const old = await b.post(`/customers/${anna.id}/orders`, {
        order_job_id: String(job.id),
        amount: "24.90",
        order_date: "0001-06-15",
      });
      expect([old.status, old.text.match(/id="order_date-error">([^<]*)</)?.[1]]).toEqual([
        422,
        "must be a date from 1900 on",
      ]);
    });
  }

  test("a notification's preview without a real order shows a sample amount in the studio's currency and language", async () => {
    const t = await makeApiApp();
    const b = await signedInOwner(t);
    await updateSettings(t.db, { currency: "EUR", locale: "de" }, new Date());
    await b.get("/profiles");
    await b.post("/profiles", { name: "Shop" });
    const [profile] = await t.db.select().from(communicationProfiles).where(eq(communicationProfiles.name, "Shop"));
    const res = await b.request(`/profiles/${profile!.id}/notifications/preview`, {
      method: "POST",
      headers: {
        "HX-Request-Type": "partial",
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "http://localhost",
        "X-CSRF-Token": b.csrf,
      },
      body: new URLSearchParams({
        trigger: "order_placed",
        time_mode: "immediately",
        audience: "buyers",
        channel: "sms",
        body: "Danke für {{order.amount}}!",
      }),
    });
    const text = await res.text();
    expect(text).toContain("sample values");
    expect(text).toContain("Danke für 24,90 €!");
  });
});
