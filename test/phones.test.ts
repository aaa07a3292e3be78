// Phone numbers by country (issue 11): national formats read in the customer's or the studio's
// country through the API, the form and CSV import; invalid numbers refused by field; extensions
// kept apart; numbers shown in national format; the number plan as a free line-type hint; and
// `pigeon check-phones` for numbers stored before countries existed.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import { createCustomer } from "../src/db/customers.ts";
import { customers, deliveries, messages, studioSettings } from "../src/db/schema.ts";
import { getSettings, updateSettings } from "../src/db/settings.ts";
import { makeApiApp, fieldsOf, rows } from "./api/support.ts";
import { type Browser, makeTestApp, signedInOwner } from "./support/app.ts";
import { runPigeon, settingsForm } from "./support/forms.ts";
import { noon, sendStudio } from "./support/send-studio.ts";

const NOW = new Date("2026-09-01T10:00:00Z");

async function apiStudioIn(country: string) {
  const t = await makeApiApp({ now: NOW });
  await updateSettings(t.db, { country }, NOW);
  return t;
}

const errorBeside = (html: string, name: string) => html.match(new RegExp(`id="${name}-error">([^<]*)<`))?.[1];

describe("API: national numbers are read in the studio's country", () => {
  const cases: [string, string, string][] = [
    ["US", "(212) 555-0101", "+12125550101"],
    ["CA", "416-555-0123", "+14165550123"],
    ["GB", "07574 001980", "+447574001980"],
    ["DE", "0170 78678194", "+4917078678194"],
    ["FR", "06 12 34 56 78", "+33612345678"],
    ["AU", "(02) 9374 4000", "+61293744000"],
  ];
  for (const [country, typed, e164] of cases) {
    test(`a studio in ${country}: ${typed} is stored as ${e164}`, async () => {
      const t = await apiStudioIn(country);
      const res = await t.post("/customers", { first_name: "Kim", phone: typed });
      expect(res.status).toBe(201);
      expect(res.body.phone).toBe(e164);
    });
  }

  test("the German mobile the old parser turned into an American number reaches +49, not +1", async () => {
    const t = await apiStudioIn("DE");
    const res = await t.post("/customers", { first_name: "Jonas", phone: "0170 78678194" });
    expect(res.body.phone).toBe("+4917078678194");
  });

  test("international forms: +44 (0)20 …, the 00 prefix, and +E.164 are read whatever the studio's country", async () => {
    const t = await apiStudioIn("US");
    for (const [typed, e164] of [
      ["+44 (0)20 7946 0018", "+442079460018"],
      ["0049 170 78678194", "+4917078678194"],
      ["+49 30 901820", "+4930901820"],
    ]) {
      const res = await t.post("/customers", { first_name: typed, phone: typed });
      expect([typed, res.status, res.body.phone]).toEqual([typed, 201, e164]);
    }
  });

  test("invalid numbers are refused with the field named and why; nothing is written", async () => {
    const us = await apiStudioIn("US");
    const refused: [string, string][] = [
      ["+1 555 0100", "is too short for a number starting +1: a digit is missing"],
      [
        "212 055 1234",
        "is not a valid number in the United States: check the digits, or give it with its country code if it is from another country (like +44 20 7946 0018)",
      ],
      ["call me", "must be a phone number, like (212) 555-0123"],
    ];
    for (const [typed, problem] of refused) {
      const res = await us.post("/customers", { first_name: "Kim", phone: typed });
      expect([typed, res.status, fieldsOf(res)]).toEqual([typed, 422, { phone: problem }]);
    }
    const de = await apiStudioIn("DE");
    const random = await de.post("/customers", { first_name: "Kim", phone: "12345" });
    expect(random.status).toBe(422);
    expect(fieldsOf(random).phone).toStartWith("is not a valid number in Germany");
    expect(await rows(us.db, customers)).toBe(0);
    expect(await rows(de.db, customers)).toBe(0);
  });

  test("a bad number is named together with the other bad fields", async () => {
    const t = await apiStudioIn("DE");
    const res = await t.post("/customers", { first_name: "Kim", email: "nope", phone: "12345" });
    expect(Object.keys(fieldsOf(res)).sort()).toEqual(["email", "phone"]);
  });

  test("an extension is kept apart from the number, and stays when other fields change", async () => {
    const t = await apiStudioIn("US");
    const res = await t.post("/customers", {
      external_id: "C-1",
      first_name: "Kim",
      phone: "+1 212 555 0101 ext. 123",
    });
    expect(res.body).toMatchObject({ phone: "+12125550101", phone_extension: "123" });
    const again = await t.post("/customers", { external_id: "C-1", last_name: "Lee" });
    expect(again.body).toMatchObject({ phone: "+12125550101", phone_extension: "123", last_name: "Lee" });
    const semi = await t.post("/customers", { first_name: "Ola", phone: "(212) 555-0199;ext=7" });
    expect(semi.body).toMatchObject({ phone: "+12125550199", phone_extension: "7" });
    const row = await t.db.query.customers.findFirst({ where: eq(customers.id, semi.body.id) });
    expect(row!.phoneExtension).toBe("7");
  });

  test("the customer's country overrides the studio's; a bad country is refused", async () => {
    const t = await apiStudioIn("US");
    const res = await t.post("/customers", { first_name: "Jonas", country: "de", phone: "030 1234567" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ country: "DE", phone: "+49301234567" });
    const bad = await t.post("/customers", { first_name: "Jonas", country: "Germany", phone: "030 1234567" });
    expect(bad.status).toBe(422);
    expect(fieldsOf(bad)).toEqual({ country: "must be a two-letter country code, like US, GB, DE or FR" });
  });
});

describe("the customer form", () => {
  async function formStudio(country: string) {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t); // set up in UTC: read in the US until the country is set
    await updateSettings(t.db, { country }, NOW);
    await b.get("/customers/new");
    return { t, b };
  }

  test("a German studio: a national number is stored as +49 and shown in national format on the list and the page", async () => {
    const { t, b } = await formStudio("DE");
    const res = await b.post("/customers", { first_name: "Jonas", phone: "0170 78678194" });
    expect(res.status).toBe(303);
    const row = (await t.db.query.customers.findFirst())!;
    expect(row.phone).toBe("+4917078678194");
    expect((await b.get(res.location!)).text).toContain("0170 78678194");
    expect((await b.get("/customers")).text).toContain("0170 78678194");
  });

  test("a number from another country shows in international format; an extension shows after it, and the edit form reads back the same", async () => {
    const { t, b } = await formStudio("DE");
    const res = await b.post("/customers", { first_name: "Amy", country: "GB", phone: "020 7946 0018 x 12" });
    expect(res.status).toBe(303);
    const row = (await t.db.query.customers.findFirst())!;
    expect([row.phone, row.phoneExtension, row.country]).toEqual(["+442079460018", "12", "GB"]);
    expect((await b.get(res.location!)).text).toContain("+44 20 7946 0018 ext. 12");
    const edit = await b.get(`/customers/${row.id}/edit`);
    const shown = edit.text.match(/name="phone" value="([^"]*)"/)?.[1] ?? "";
    expect(shown).toBe("+44 20 7946 0018 ext. 12");
    const saved = await b.post(`/customers/${row.id}`, { first_name: "Amy", country: "GB", phone: shown });
    expect(saved.status).toBe(303);
    expect(await t.db.query.customers.findFirst()).toMatchObject({ phone: "+442079460018", phoneExtension: "12" });
  });

  test("an invalid number is refused beside the field, with what was typed kept", async () => {
    const { t, b } = await formStudio("FR");
    const res = await b.post("/customers", { first_name: "Léa", phone: "06 12 34" });
    expect(res.status).toBe(422);
    expect(errorBeside(res.text, "phone")).toStartWith("is too short for a number in France");
    expect(res.text).toContain('value="06 12 34"');
    expect(await rows(t.db, customers)).toBe(0);
  });
});

describe("CSV import", () => {
  async function importStudio(country: string) {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t);
    await updateSettings(t.db, { country }, NOW);
    await b.get("/customers/import");
    return { t, b };
  }

  async function upload(b: Browser, csv: string) {
    const form = new FormData();
    form.set("_csrf", b.csrf);
    form.set("file", new File([csv], "kunden.csv", { type: "text/csv" }));
    const res = await b.request("/customers/import/preview", {
      method: "POST",
      body: form,
      headers: { Origin: "http://localhost" },
    });
    return res.text();
  }

  test("national numbers are read in the studio's country, a country column overrides it, a bad number is reported on its row", async () => {
    const { b } = await importStudio("AU");
    const csv = "first_name,phone,country\nMia,0412 345 678,\nTom,07574 001980,gb\nZoe,0412 345,\nMax,030 1234567,XX\n";
    const html = await upload(b, csv);
    expect(html).toContain("2 rows are ready to import");
    expect(html).toContain('<td class="hide-sm">0412 345 678</td>');
    expect(html).toContain('<td class="hide-sm">+44 7574 001980</td>');
    expect(html).toMatch(
      /Row 4<\/td><td class="problems">phone: is not a valid number in Australia[^<]*\(“0412 345”\)/,
    );
    expect(html).toContain(
      'Row 5</td><td class="problems">country: must be a two-letter country code, like US, GB, DE or FR (“XX”)',
    );
  });

  test("imported rows are stored in E.164 with the customer's country and extension", async () => {
    const { t, b } = await importStudio("CA");
    const html = await upload(b, "first_name,phone,country\nAva,(613) 555-0100 ext. 4,\nLuc,01 42 68 53 00,FR\n");
    const csv = html.match(/<textarea name="csv"[^>]*>([\s\S]*?)<\/textarea>/)![1]!.replace(/^\n/, "");
    const form = new FormData();
    for (const [k, v] of Object.entries({ _csrf: b.csrf, csv, file_name: "kunden.csv", lawful: "on" })) form.set(k, v);
    const res = await b.request("/customers/import", {
      method: "POST",
      body: form,
      headers: { Origin: "http://localhost" },
    });
    expect(await res.text()).toContain("2 imported");
    const stored = await t.db.select().from(customers);
    expect(stored.map((c) => [c.firstName, c.phone, c.phoneExtension, c.country])).toEqual([
      ["Ava", "+16135550100", "4", null],
      ["Luc", "+33142685300", null, "FR"],
    ]);
  });
});

describe("studio settings and first-run setup", () => {
  test("country, currency and language for customers are saved; the studio's numbers are read in that country", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t);
    await b.get("/settings");
    const res = await b.post("/settings", settingsForm({ phone: "01 42 68 53 00" }));
    expect(res.status).toBe(303);
    expect(await getSettings(t.db)).toMatchObject({
      country: "FR",
      currency: "EUR",
      locale: "fr",
      phone: "+33142685300",
    });
    const page = await b.get("/settings");
    expect(page.text).toContain('value="+33 1 42 68 53 00"');
    expect(page.text).toMatch(/<option value="FR" selected="">France<\/option>/);
  });

  test("bad codes and numbers are refused by field, keeping what was typed", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t);
    await b.get("/settings");
    const res = await b.post(
      "/settings",
      settingsForm({ country: "ZZ", currency: "EURO", locale: "it", sms_from: "12" }),
    );
    expect(res.status).toBe(422);
    expect(errorBeside(res.text, "country")).toBe("must be a two-letter country code, like US, GB, DE or FR");
    expect(errorBeside(res.text, "currency")).toBe(
      "must be a three-letter ISO 4217 currency code, like USD, EUR or GBP",
    );
    expect(errorBeside(res.text, "locale")).toBe("must be one of en, de, fr, es");
    const fr = await b.post("/settings", settingsForm({ sms_from: "12" }));
    expect(errorBeside(fr.text, "sms_from")).toStartWith("is too short for a number in France");
    expect(fr.text).toContain('name="sms_from" value="12"');
    expect((await getSettings(t.db)).country).toBe("US"); // as setup left it
  });

  test("a studio not set up yet reads numbers in its time zone's country", async () => {
    const t = await makeApiApp({ now: NOW });
    await updateSettings(t.db, { timeZone: "Europe/London" }, NOW);
    const res = await t.post("/customers", { first_name: "Ed", phone: "07574 001980" });
    expect(res.body.phone).toBe("+447574001980");
  });

  test("setup: the country comes from the time zone, and the currency and language from the country", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = t.browser();
    const page = await b.get("/setup");
    expect(page.text).toContain('name="country"');
    const res = await b.post("/setup", {
      studio_name: "Foto Krause",
      name: "Jana",
      email: "jana@krause.test",
      password: "a long password",
      time_zone: "Europe/Berlin",
      country: "",
      currency: "",
      locale: "",
    });
    expect(res.status).toBe(303);
    expect(await getSettings(t.db)).toMatchObject({
      timeZone: "Europe/Berlin",
      country: "DE",
      currency: "EUR",
      locale: "de",
    });
  });

  test("setup: chosen values win, and a bad one is refused beside its field", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = t.browser();
    await b.get("/setup");
    const bad = await b.post("/setup", {
      studio_name: "Foto",
      name: "Jana",
      email: "jana@krause.test",
      password: "a long password",
      time_zone: "Europe/Berlin",
      country: "QQ",
      currency: "",
      locale: "",
    });
    expect(bad.status).toBe(422);
    expect(errorBeside(bad.text, "country")).toBe("must be a two-letter country code, like US, GB, DE or FR");
    expect(bad.text).toContain('value="Europe/Berlin"');
    const ok = await b.post("/setup", {
      studio_name: "Foto",
      name: "Jana",
      email: "jana@krause.test",
      password: "a long password",
      time_zone: "Europe/Berlin",
      country: "CH",
      currency: "CHF",
      locale: "fr",
    });
    expect(ok.status).toBe(303);
    expect(await getSettings(t.db)).toMatchObject({ country: "CH", currency: "CHF", locale: "fr" });
  });
});

describe("line types from the number plan", () => {
  const s = sendStudio();
  afterAll(() => s.stop());

  test("a German landline is called without a paid lookup; a German mobile is texted without one; a US number is still looked up", async () => {
    const { t, dispatcher } = await s.studio();
    await updateSettings(t.db, { country: "DE" }, noon);
    const consent = { sms: true, voice: true };
    const landline = await createCustomer(t.db, { first_name: "Praxis", phone: "+49301234567", consent }, "test", noon);
    const mobile = await createCustomer(t.db, { first_name: "Jonas", phone: "+4917078678194", consent }, "test", noon);
    const american = await createCustomer(t.db, { first_name: "Ann", phone: "+12125550101", consent }, "test", noon);
    const ids = [landline.id, mobile.id, american.id];
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Closed",
        channels: ["sms", "voice"],
        body: "Closed today",
        smsBody: "Closed today",
        voiceScript: "We are closed today",
        callOnlyIfNoSms: true,
        filters: { customer_ids: ids },
        status: "scheduled",
        updatedAt: noon,
      })
      .returning();
    const before = s.twilio.lookups.length;
    await runOneTimeMessages(t.deps, noon);
    for (let i = 0; i < 3; i++) await dispatcher().tick();
    const texted = s.twilio.sent.map((x) => x.to);
    const called = s.twilio.calls.map((x) => x.to);
    expect(texted).toContain("+4917078678194");
    expect(texted).not.toContain("+49301234567");
    expect(called).toContain("+49301234567");
    expect(called).not.toContain("+4917078678194");
    expect(s.twilio.lookups.slice(before)).toEqual(["+12125550101"]);
    const sms = (await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id))).find(
      (d) => d.channel === "sms" && d.customerId === landline.id,
    );
    expect([sms!.status, sms!.skipReason]).toEqual(["skipped", "landline"]);
  });
});

describe("pigeon check-phones", () => {
  const dir = mkdtempSync(join(tmpdir(), "pigeon-phones-"));
  const file = join(dir, "pigeon.db");
  const env = { ...process.env, DATABASE_URL: `file:${file}` };
  const run = (...args: string[]) => runPigeon(env, ...args);

  test("lists numbers stored before countries that no longer validate or were read as American, then says all are valid once fixed", async () => {
    const db = await openDatabase(`file:${file}`);
    await migrateDatabase(db);
    await updateSettings(db, { country: "DE", smsFrom: "+15550000000" }, NOW);
    // As the old parser stored them: German 0170 78678194 as +1 707…, a made-up +1 555 number.
    const misread = await createCustomer(
      db,
      { first_name: "Jonas", last_name: "Krause", phone: "+17078678194" },
      "test",
      NOW,
    );
    const invalid = await createCustomer(db, { first_name: "Ann", phone: "+15551230001" }, "test", NOW);
    await createCustomer(db, { first_name: "Mia", phone: "+4917012345678" }, "test", NOW);
    await createCustomer(db, { first_name: "Sue", country: "US", phone: "+12125550101" }, "test", NOW);
    db.$client.close();

    const found = run("check-phones");
    expect(found.code).toBe(1);
    const lines = found.out.trim().split("\n");
    expect(lines).toContain(
      `Customer ${misread.id} Jonas Krause: +17078678194 is a North American number (+1 707 867 8194), but the customer is in Germany. It may have been typed without its country code before Pigeon knew countries: then it is 0170 78678194 (+49 170 78678194). To fix: ask the customer which is theirs. If it is the North American one, set the customer's country to the United States or Canada (/customers/${misread.id}/edit) and it is no longer listed; if it is the one in Germany, type 0170 78678194 as their phone there.`,
    );
    expect(lines.find((l) => l.startsWith(`Customer ${invalid.id} Ann:`))).toContain(
      "+15551230001 is not a valid number starting +1: check the digits",
    );
    expect(lines.find((l) => l.startsWith("Studio settings, SMS sender number:"))).toContain(
      "correct it in Settings → Studio",
    );
    expect(lines.at(-1)).toBe(
      "3 of 5 numbers need a look. Messages still go to them as stored: fix them before the next send.",
    );

    const again = await openDatabase(`file:${file}`);
    await again.update(customers).set({ phone: "+4917078678194" }).where(eq(customers.id, misread.id));
    await again.update(customers).set({ phone: null }).where(eq(customers.id, invalid.id));
    await again.update(studioSettings).set({ smsFrom: "+4915112345678" });
    again.$client.close();
    const clean = run("check-phones");
    expect([clean.code, clean.out.trim()]).toEqual([0, "All 4 numbers are valid."]);
  }, 120_000);
});
