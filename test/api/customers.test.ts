import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { customers } from "../../src/db/schema.ts";
import { fieldsOf, makeApiApp, rows } from "./support.ts";

const ann = {
  external_id: "CUS-1",
  first_name: "Ann",
  last_name: "Lee",
  email: "Ann.Lee@Example.com",
  phone: "(217) 555-0101",
  locale: "en",
  time_zone: "America/Chicago",
};

describe("POST /api/v1/customers", () => {
  test("creates a customer with consent recorded as given through the API", async () => {
    const t = await makeApiApp({ now: new Date("2026-09-01T10:00:00Z") });
    const res = await t.post("/customers", { ...ann, consent: { email: true, sms: true, voice: false } });
    expect(res.status).toBe(201);
    const id = res.body.id;
    expect(res.body).toMatchObject({
      external_id: "CUS-1",
      first_name: "Ann",
      last_name: "Lee",
      email: "ann.lee@example.com",
      phone: "+12175550101",
      time_zone: "America/Chicago",
      consent: { email: true, sms: true, voice: false },
    });
    const row = await t.db.query.customers.findFirst({ where: eq(customers.id, id) });
    expect(row).toMatchObject({
      consentEmail: true,
      consentEmailSource: "api",
      consentSms: true,
      consentSmsSource: "api",
      consentVoice: false,
    });
    expect(row!.consentEmailAt?.toISOString()).toBe("2026-09-01T10:00:00.000Z");
  });

  test("the same external_id updates the customer; consent keeps its record unless it changes", async () => {
    const t = await makeApiApp({ now: new Date("2026-09-01T10:00:00Z") });
    const created = await t.post("/customers", { ...ann, consent: { email: true, sms: true } });
    t.setNow(new Date("2026-09-05T08:00:00Z"));
    const res = await t.post("/customers", {
      external_id: "CUS-1",
      last_name: "Lee-Park",
      consent: { email: true, sms: false },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: created.body.id,
      first_name: "Ann",
      last_name: "Lee-Park",
      email: "ann.lee@example.com",
      consent: { email: true, sms: false, voice: false },
    });
    expect(await rows(t.db, customers)).toBe(1);
    const row = (await t.db.query.customers.findFirst())!;
    expect(row.consentEmailAt?.toISOString()).toBe("2026-09-01T10:00:00.000Z");
    expect(row.consentSmsSource).toBe("withdrawn: api");
    expect(row.consentSmsAt?.toISOString()).toBe("2026-09-05T08:00:00.000Z");
  });

  test("PUT /customers/{id} updates by our id; GET answers it", async () => {
    const t = await makeApiApp();
    const created = (await t.post("/customers", { first_name: "Bo" })).body;
    const res = await t.put(`/customers/${created.id}`, { email: "bo@example.com", external_id: "CUS-2" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, first_name: "Bo", email: "bo@example.com", external_id: "CUS-2" });
    expect((await t.get(`/customers/${created.id}`)).body).toEqual(res.body);
    expect((await t.get("/customers/999")).status).toBe(404);
  });

  test("PUT /customers/{id} updates a customer created without an external_id, which it still has not", async () => {
    const t = await makeApiApp();
    const created = (await t.post("/customers", { first_name: "Bo" })).body;
    expect(created.external_id).toBeNull();
    const res = await t.put(`/customers/${created.id}`, { email: "bo@example.com" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, first_name: "Bo", email: "bo@example.com", external_id: null });
    // The same for the other resources, which share the write path: a job made without one.
    const job = (await t.post("/jobs", { name: "Spring" })).body;
    expect((await t.put(`/jobs/${job.id}`, { name: "Spring fair" })).body).toMatchObject({
      id: job.id,
      name: "Spring fair",
      external_id: null,
    });
  });

  test("bad fields are a 422 with their paths, consent channels included", async () => {
    const t = await makeApiApp();
    const res = await t.post("/customers", {
      first_name: "Ann",
      email: "ann@",
      phone: "call me",
      locale: "English",
      consent: { email: "maybe", sms: true },
    });
    expect(res.status).toBe(422);
    expect(fieldsOf(res)).toEqual({
      email: "must be an e-mail address like name@example.com",
      phone: "must be a phone number, like (212) 555-0123",
      locale: "must be a language code like en or de-AT",
      "consent.email": "must be yes or no (ja/nein, oui/non, sí/no)",
    });
    expect(fieldsOf(await t.post("/customers", { consent: "yes" }))).toEqual({
      consent: 'must be an object like {"email": true}',
    });
    expect(fieldsOf(await t.post("/customers", { external_id: "CUS-9" }))).toEqual({
      first_name: "give at least a name, an e-mail address or a phone number",
    });
    expect(await rows(t.db, customers)).toBe(0);
  });

  test("a locale or time zone the runtime cannot use is a 422 naming the field, inline customers too; good ones are stored canonical", async () => {
    const t = await makeApiApp();
    const bad = await t.post("/customers", { first_name: "Ann", locale: "en-abc", time_zone: "Nowhere/Special" });
    expect(bad.status).toBe(422);
    expect(fieldsOf(bad)).toEqual({
      locale: "must be a language code like en or de-AT",
      time_zone: "must be an IANA time zone such as Europe/Berlin",
    });
    expect(fieldsOf(await t.post("/customers", { first_name: "Ann", locale: 7, time_zone: ["UTC"] }))).toEqual({
      locale: "must be a language code like en or de-AT",
      time_zone: "must be an IANA time zone such as Europe/Berlin",
    });
    const inline = await t.post("/appointments", {
      customer: { external_id: "CUS-7", first_name: "Ann", locale: "en-abc", time_zone: "Mars/Olympus" },
      starts_at: "2026-09-14T09:30:00Z",
    });
    expect(fieldsOf(inline)).toEqual({
      "customer.locale": "must be a language code like en or de-AT",
      "customer.time_zone": "must be an IANA time zone such as Europe/Berlin",
    });
    expect(await rows(t.db, customers)).toBe(0);
    // Well-formed tags the runtime has no data for would write its dates in English, inside a German text.
    for (const locale of ["zz", "tlh", "qaa", "und", "zz-DE"]) {
      expect(fieldsOf(await t.post("/customers", { first_name: "Ann", locale }))).toEqual({
        locale: "is not a language Pigeon can write dates in (like de, fr-CA)",
      });
    }
    expect(await rows(t.db, customers)).toBe(0);

    const good = await t.post("/customers", { first_name: "Ann", locale: "de-at", time_zone: "europe/vienna" });
    expect(good.status).toBe(201);
    expect([good.body.locale, good.body.time_zone]).toEqual(["de-AT", "Europe/Vienna"]);
    const [row] = await t.db.select().from(customers);
    expect([row!.locale, row!.timeZone]).toEqual(["de-AT", "Europe/Vienna"]);
  });
});
