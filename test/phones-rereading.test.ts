// Numbers that must not change when they are read again (issue 11, second round): a typed
// one-time number read when the message is saved, not when it starts; edit forms that show
// numbers in international format so a changed country cannot re-read them; CSV updates read in
// the matched customer's country; national numbers without their trunk prefix refused; an
// extension that belongs to its number; `pigeon check-phones` advice that cannot make a wrong number.
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import { createCustomer } from "../src/db/customers.ts";
import { customers, deliveries, messages } from "../src/db/schema.ts";
import { getSettings, updateSettings } from "../src/db/settings.ts";
import { fieldsOf, makeApiApp } from "./api/support.ts";
import { type Browser, makeTestApp, signedInOwner } from "./support/app.ts";
import { runPigeon, settingsForm } from "./support/forms.ts";

const NOW = new Date("2026-09-01T10:00:00Z");

const valueOf = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];

async function apiStudioIn(country: string) {
  const t = await makeApiApp({ now: NOW });
  await updateSettings(t.db, { country }, NOW);
  return t;
}

async function formStudio(country: string) {
  const t = await makeTestApp({ now: NOW });
  const b = await signedInOwner(t);
  await updateSettings(t.db, { country }, NOW);
  return { t, b };
}

describe("a one-time message's typed number is read when it is saved", () => {
  test("API: saved in a Spanish studio, started after the studio moved to France, it still goes to the Spanish number", async () => {
    const t = await apiStudioIn("ES");
    const created = await t.post("/messages", {
      name: "Hola",
      channels: ["sms"],
      sms_body: "Hola",
      to_address: "612 34 15 13",
    });
    expect(created.status).toBe(201);
    expect(created.body.to_address).toBe("+34612341513");
    const mail = await t.post("/messages", {
      name: "Mail",
      channels: ["email"],
      subject: "Hi",
      body: "Hi",
      to_address: "Ana@Example.com",
    });
    expect(mail.body.to_address).toBe("Ana@Example.com");
    await updateSettings(t.db, { country: "FR" }, NOW);
    expect((await t.post(`/messages/${created.body.id}/send`, {})).status).toBe(200);
    await runOneTimeMessages(t.deps, NOW);
    const sent = await t.db.select().from(deliveries).where(eq(deliveries.messageId, created.body.id));
    expect(sent.map((d) => d.toAddress)).toEqual(["+34612341513"]);
  });

  test("compose form: the number is stored in E.164 and the edit form shows it in international form", async () => {
    const { t, b } = await formStudio("ES");
    await b.get("/messages/new?mode=address");
    const res = await b.post("/messages", {
      mode: "address",
      name: "Hola",
      channels: "sms",
      body: "Hola",
      sms_body: "Hola",
      to_address: "612 34 15 13",
      send_mode: "now",
      intent: "save",
    });
    expect(res.status).toBe(303);
    const [m] = await t.db.select().from(messages);
    expect(m!.toAddress).toBe("+34612341513");
    const edit = await b.get(`/messages/${m!.id}/edit`);
    expect(valueOf(edit.text, "to_address")).toBe("+34 612 34 15 13");
  });
});

describe("edit forms show stored numbers in international format, so a new country cannot re-read them", () => {
  test("customer: changing only the country from the studio's (DE) to AT keeps the German mobile", async () => {
    const { t, b } = await formStudio("DE");
    const cu = await createCustomer(t.db, { first_name: "Jonas", phone: "+491701234567" }, "test", NOW);
    const edit = await b.get(`/customers/${cu.id}/edit`);
    const shown = valueOf(edit.text, "phone");
    expect(shown).toBe("+49 170 1234567");
    const saved = await b.post(`/customers/${cu.id}`, { first_name: "Jonas", country: "AT", phone: shown! });
    expect(saved.status).toBe(303);
    expect(await t.db.query.customers.findFirst({ where: eq(customers.id, cu.id) })).toMatchObject({
      country: "AT",
      phone: "+491701234567",
    });
    // The page that only shows it still writes it as the studio's country does.
    expect((await b.get(`/customers/${cu.id}`)).text).toContain("<dd>0170 1234567</dd>");
  });

  test("settings: changing the studio's country from DE to NL keeps the studio's Berlin number", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t);
    await updateSettings(t.db, { country: "DE", timeZone: "Europe/Berlin", phone: "+49301234567" }, NOW);
    const page = await b.get("/settings");
    expect(valueOf(page.text, "phone")).toBe("+49 30 1234567");
    const form = settingsForm({
      time_zone: "Europe/Amsterdam",
      country: "NL",
      locale: "en",
      phone: valueOf(page.text, "phone")!,
    });
    const res = await b.post("/settings", form);
    expect(res.status).toBe(303);
    expect(await getSettings(t.db)).toMatchObject({ country: "NL", phone: "+49301234567" });
  });
});

describe("CSV import: a row updating a customer reads its number in that customer's country", () => {
  async function upload(b: Browser, csv: string) {
    const form = new FormData();
    form.set("_csrf", b.csrf);
    form.set("file", new File([csv], "klanten.csv", { type: "text/csv" }));
    const res = await b.request("/customers/import/preview", {
      method: "POST",
      body: form,
      headers: { Origin: "http://localhost" },
    });
    return res.text();
  }

  async function importCsv(b: Browser, html: string) {
    const csv = html
      .match(/<textarea name="csv"[^>]*>([\s\S]*?)<\/textarea>/)![1]!
      .replace(/^\n/, "")
      .replaceAll("&quot;", '"')
      .replaceAll("&amp;", "&");
    const form = new FormData();
    for (const [k, v] of Object.entries({ _csrf: b.csrf, csv, file_name: "klanten.csv", lawful: "on" })) form.set(k, v);
    const res = await b.request("/customers/import", {
      method: "POST",
      body: form,
      headers: { Origin: "http://localhost" },
    });
    return res.text();
  }

  test("a Dutch customer's 06 number without a country column is Dutch in a German studio; one not valid there is reported", async () => {
    const { t, b } = await formStudio("DE");
    const sanne = await createCustomer(
      t.db,
      { first_name: "Sanne", email: "sanne@x.test", country: "NL" },
      "test",
      NOW,
    );
    const pim = await createCustomer(t.db, { first_name: "Pim", country: "NL" }, "test", NOW);
    await t.db.update(customers).set({ externalId: "K-2" }).where(eq(customers.id, pim.id));
    await b.get("/customers/import");
    const html = await upload(
      b,
      "external_id,first_name,email,phone\n,Sanne,sanne@x.test,06 12340073\nK-2,Pim,,0170 1234567\n,Lukas,lukas@x.test,0170 1234567\n",
    );
    expect(html).toContain("2 rows are ready to import");
    expect(html).toContain("+31 6 12340073");
    expect(html).toMatch(/Row 3<\/td><td class="problems">phone: [^<]*the Netherlands[^<]*\(“0170 1234567”\)/);
    expect(await importCsv(b, html)).toContain("2 imported (1 new, 1 updated), 1 row reported");
    expect((await t.db.query.customers.findFirst({ where: eq(customers.id, sanne.id) }))!.phone).toBe("+31612340073");
    expect((await t.db.query.customers.findFirst({ where: eq(customers.email, "lukas@x.test") }))!.phone).toBe(
      "+491701234567",
    );
  });

  test("a row with only a name and 0664 1234567 in a German studio is the Austrian customer who has that number, not a new German one; a different first name is reported", async () => {
    const { t, b } = await formStudio("DE");
    await createCustomer(
      t.db,
      { first_name: "Max", last_name: "Huber", phone: "+436641234567", country: "AT" },
      "test",
      NOW,
    );
    await b.get("/customers/import");
    const html = await upload(
      b,
      "first_name,last_name,phone,consent_voice,consent_source\nMax,Huber,0664 1234567,ja,form\nAnna,Huber,0664 1234567,ja,form\n",
    );
    const seen = html
      .replace(/<[^>]+>/g, " ")
      .replace(/&#39;/g, "'")
      .replace(/\s+/g, " ");
    expect(seen).toContain("1 row is ready to import (0 new, 1 update of existing customers)");
    expect(seen).toContain(
      "Row 3 phone: 0664 1234567 is Max Huber's number in Austria (+43 664 1234567): add a country column or an e-mail to say whose it is",
    );
    expect(await importCsv(b, html)).toContain("1 imported (0 new, 1 updated), 1 row reported");
    const all = await t.db.select().from(customers);
    expect(all.map((c) => [c.firstName, c.phone, c.consentVoice])).toEqual([["Max", "+436641234567", true]]);
  });
});

describe("national numbers without their trunk prefix are refused", () => {
  test("a German studio refuses (212) 555-0123 naming the rule, and takes +1 212 555 0123", async () => {
    const t = await apiStudioIn("DE");
    for (const typed of ["(212) 555-0123", "2125550123"]) {
      const res = await t.post("/customers", { first_name: "Ann", phone: typed });
      expect([typed, res.status, fieldsOf(res)]).toEqual([
        typed,
        422,
        {
          phone:
            "is not a number in Germany: numbers there start with 0 (like 030 1234567); a number from another country needs its country code, like +1 212 555 0123",
        },
      ]);
    }
    const ok = await t.post("/customers", { first_name: "Ann", phone: "+1 212 555 0123" });
    expect([ok.status, ok.body.phone]).toEqual([201, "+12125550123"]);
    const withPrefix = await t.post("/customers", { first_name: "Jonas", phone: "0049 30 1234567" });
    expect(withPrefix.body.phone).toBe("+49301234567");
  });

  test("a Belgian studio refuses (324) 218-1793 instead of taking 32 as Belgium's country code", async () => {
    const t = await apiStudioIn("BE");
    const res = await t.post("/customers", { first_name: "Ann", phone: "(324) 218-1793" });
    expect(res.status).toBe(422);
    expect(fieldsOf(res).phone).toStartWith("is not a number in Belgium: numbers there start with 0 (like ");
    const ok = await t.post("/customers", { first_name: "Lotte", phone: "0470 12 34 56" });
    expect(ok.body.phone).toBe("+32470123456");
  });

  test("the US takes numbers with and without the leading 1; Italy keeps its leading 0 and needs no prefix", async () => {
    const us = await apiStudioIn("US");
    for (const typed of ["(212) 555-0123", "1 212 555 0123", "011 49 30 1234567"]) {
      const res = await us.post("/customers", { first_name: typed, phone: typed });
      expect([typed, res.status]).toEqual([typed, 201]);
    }
    const it = await apiStudioIn("IT");
    const fixed = await it.post("/customers", { first_name: "Gia", phone: "06 1234 5678" });
    const mobile = await it.post("/customers", { first_name: "Leo", phone: "312 345 6789" });
    expect([fixed.body.phone, mobile.body.phone]).toEqual(["+390612345678", "+393123456789"]);
  });
});

describe("an extension belongs to its number", () => {
  test("API: a new phone without an extension clears the old one; one given with it is kept", async () => {
    const t = await apiStudioIn("US");
    const created = await t.post("/customers", { first_name: "Kim", phone: "+1 212 555 0101 ext. 12" });
    expect(created.body.phone_extension).toBe("12");
    const moved = await t.put(`/customers/${created.body.id}`, { phone: "+49 170 1234567" });
    expect(moved.body).toMatchObject({ phone: "+491701234567", phone_extension: null });
    const office = await t.put(`/customers/${created.body.id}`, { phone: "+1 212 555 0101", phone_extension: "7" });
    expect(office.body).toMatchObject({ phone: "+12125550101", phone_extension: "7" });
    const renamed = await t.put(`/customers/${created.body.id}`, { last_name: "Lee" });
    expect(renamed.body).toMatchObject({ phone: "+12125550101", phone_extension: "7" });
    const resent = await t.put(`/customers/${created.body.id}`, { phone: "+12125550101" });
    expect(resent.body).toMatchObject({ phone: "+12125550101", phone_extension: "7" });
  });

  test("form: typing a new number without the extension clears it", async () => {
    const { t, b } = await formStudio("US");
    const cu = await createCustomer(
      t.db,
      { first_name: "Kim", phone: "+12125550101", phone_extension: "12" },
      "test",
      NOW,
    );
    const edit = await b.get(`/customers/${cu.id}/edit`);
    expect(valueOf(edit.text, "phone")).toBe("+1 212 555 0101 ext. 12");
    await b.post(`/customers/${cu.id}`, { first_name: "Kim", phone: "+1 212 555 0199" });
    expect(await t.db.query.customers.findFirst({ where: eq(customers.id, cu.id) })).toMatchObject({
      phone: "+12125550199",
      phoneExtension: null,
    });
  });
});

test("country UK is refused with the hint that it is written GB", async () => {
  const t = await apiStudioIn("US");
  const res = await t.post("/customers", { first_name: "Ed", country: "uk", phone: "07574 001980" });
  expect(res.status).toBe(422);
  expect(fieldsOf(res)).toEqual({ country: "must be a two-letter country code: UK is written GB (ISO 3166)" });
  const other = await t.post("/customers", { first_name: "Ed", country: "EN" });
  expect(fieldsOf(other)).toEqual({ country: "must be a two-letter country code, like US, GB, DE or FR" });
});

describe("pigeon check-phones", () => {
  const dir = mkdtempSync(join(tmpdir(), "pigeon-phones-"));
  const file = join(dir, "pigeon.db");
  const env = { ...process.env, DATABASE_URL: `file:${file}` };
  const run = (...args: string[]) => runPigeon(env, ...args);

  test("a +1 number of a customer in Germany is named as possibly misread, with both readings and how to confirm it; never as a number to retype", async () => {
    const db = await openDatabase(`file:${file}`);
    await migrateDatabase(db);
    await updateSettings(db, { country: "DE" }, NOW);
    const ann = await createCustomer(db, { first_name: "Ann", phone: "+17078678194" }, "test", NOW);
    await createCustomer(db, { first_name: "Bob", country: "CA", phone: "+14165550123" }, "test", NOW);
    const lower = await createCustomer(db, { first_name: "Eva", phone: "+17078678195" }, "test", NOW);
    await db.update(customers).set({ country: "de" }).where(eq(customers.id, lower.id));
    const odd = await createCustomer(db, { first_name: "Mal\u001b[2J\u001b[31mory", phone: "+4930" }, "test", NOW);
    await db.update(customers).set({ phone: "call\u001b[31m me" }).where(eq(customers.id, odd.id));
    db.$client.close();

    const found = run("check-phones");
    expect(found.code).toBe(1);
    const lines = found.out.trim().split("\n");
    expect(lines).toContain(
      `Customer ${ann.id} Ann: +17078678194 is a North American number (+1 707 867 8194), but the customer is in Germany. It may have been typed without its country code before Pigeon knew countries: then it is 0170 78678194 (+49 170 78678194). To fix: ask the customer which is theirs. If it is the North American one, set the customer's country to the United States or Canada (/customers/${ann.id}/edit) and it is no longer listed; if it is the one in Germany, type 0170 78678194 as their phone there.`,
    );
    expect(lines.some((l) => l.startsWith(`Customer ${lower.id} Eva:`))).toBe(true);
    expect(lines.some((l) => l.includes("Bob"))).toBe(false);
    expect(found.out).not.toContain("\u001b");
    expect(lines.find((l) => l.startsWith(`Customer ${odd.id} `))).toContain(
      "must be a phone number, like 030 1234567",
    );
  }, 120_000);
});
