import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createAppointment, createCustomer } from "../src/db/customers.ts";
import { albums, auditLog, customers, events, orders, registrations } from "../src/db/schema.ts";
import { type Browser, makeTestApp, signedInOwner, type TestApp } from "./support/app.ts";

const NOW = new Date("2026-09-01T10:00:00Z");

async function setup() {
  const t = await makeTestApp({ now: NOW });
  const b = await signedInOwner(t);
  return { t, b };
}

async function newJob(b: Browser, name: string) {
  await b.get("/jobs/new");
  const res = await b.post("/jobs", { name, type: "school", year: "2026", status: "selling" });
  expect(res.status).toBe(303);
  return Number(res.location!.split("/").pop());
}

async function newCustomer(
  t: TestApp,
  fields: { first_name?: string; last_name?: string; email?: string; phone?: string },
) {
  return createCustomer(t.db, fields, "test", NOW);
}

/** The text of the <small class="error"> right after a field, as the user sees it beside the field. */
const errorBeside = (html: string, name: string) => html.match(new RegExp(`id="${name}-error">([^<]*)<`))?.[1];

describe("customer list", () => {
  test("an empty list says what to do next", async () => {
    const { b } = await setup();
    const page = await b.get("/customers");
    expect(page.status).toBe(200);
    expect(page.text).toContain("No customers yet");
    expect(page.text).toContain('href="/customers/new"');
    expect(page.text).toContain('href="/customers/import"');
    expect(page.text).toContain("Load demo data");
  });

  test("lists customers newest first with consent badges, and searches by name and e-mail prefix", async () => {
    const { t, b } = await setup();
    await newCustomer(t, { first_name: "Anna", last_name: "Smithson", email: "anna@example.com" });
    await newCustomer(t, {
      first_name: "Bob",
      last_name: "Jones",
      email: "bobby.j@school.test",
      phone: "+12125550123",
    });
    await createCustomer(
      t.db,
      { first_name: "Cara", last_name: "Smith", consent: { sms: true } },
      "staff: phone call",
      NOW,
    );

    const all = await b.get("/customers");
    expect(all.text).toContain("3 customers");
    const order = ["Cara Smith", "Bob Jones", "Anna Smithson"].map((n) => all.text.indexOf(n));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(all.text).toContain("(212) 555-0123"); // national format: the studio is in the US
    expect(all.text).toContain("SMS ✓");
    expect(all.text).toContain("Import CSV");

    const smi = await b.get("/customers?q=smi");
    expect(smi.text).toContain("Anna Smithson");
    expect(smi.text).toContain("Cara Smith");
    expect(smi.text).not.toContain("Bob Jones");
    expect(smi.text).toContain('value="smi"');

    const byEmail = await b.get("/customers?q=bobby.j");
    expect(byEmail.text).toContain("Bob Jones");
    expect(byEmail.text).not.toContain("Anna Smithson");

    const none = await b.get("/customers?q=zzz");
    expect(none.text).toContain("No customers match “zzz”");
  });

  test("the live search answers htmx with the results fragment only, and the page carries the htmx search", async () => {
    const { t, b } = await setup();
    await newCustomer(t, { first_name: "Anna", last_name: "Smithson" });
    const page = await b.get("/customers");
    expect(page.text).toContain('hx-trigger="input changed delay:300ms, search"');
    expect(page.text).toContain('hx-push-url="true"');
    const fragment = await b.get("/customers?q=ann", { "HX-Request": "true", "HX-Request-Type": "partial" });
    expect(fragment.text.startsWith('<div id="customers-results">')).toBe(true);
    expect(fragment.text).not.toContain("<html");
    expect(fragment.text).toContain("Anna Smithson");
    // A history restore (Back button) gets the whole page.
    const restore = await b.get("/customers?q=ann", {
      "HX-Request": "true",
      "HX-Request-Type": "full",
      "HX-History-Restore-Request": "true",
    });
    expect(restore.text).toContain("<html");
  });

  test("pages by keyset with Older →, keeping the search", async () => {
    const { t, b } = await setup();
    for (let i = 1; i <= 60; i++)
      await newCustomer(t, { first_name: `Kid${String(i).padStart(2, "0")}`, last_name: "Miller" });
    const first = await b.get("/customers?q=miller");
    expect(first.text).toContain("Kid60 Miller");
    expect(first.text).not.toContain("Kid10 Miller");
    const older = first.text
      .match(/href="(\/customers\?q=miller&amp;before=\d+)"[^>]*rel="next"/)?.[1]
      ?.replace(/&amp;/g, "&");
    expect(older).toBeDefined();
    const second = await b.get(older!);
    expect(second.text).toContain("Kid10 Miller");
    expect(second.text).toContain("Kid01 Miller");
    expect(second.text).not.toContain("Kid60 Miller");
    expect(second.text).toContain('aria-disabled="true" rel="next"');
  });
});

describe("create and edit", () => {
  test("bad input is answered beside the fields with 422, keeps what was typed and writes nothing", async () => {
    const { t, b } = await setup();
    await b.get("/customers/new");
    const res = await b.post("/customers", {
      first_name: "Anna <b>",
      last_name: "Smith",
      email: "anna-at-example",
      phone: "call me",
      locale: "English",
      time_zone: "Mars/Olympus",
      consent_email: "on",
      consent_source: "",
    });
    expect(res.status).toBe(422);
    expect(errorBeside(res.text, "email")).toContain("must be an e-mail address");
    expect(errorBeside(res.text, "phone")).toContain("must be a phone number");
    expect(errorBeside(res.text, "locale")).toContain("must be a language code");
    expect(errorBeside(res.text, "time_zone")).toContain("IANA time zone");
    expect(errorBeside(res.text, "consent_source")).toContain("Consent source is required");
    expect(res.text).toContain('value="Anna &lt;b&gt;"');
    expect(res.text).toContain('value="anna-at-example"');
    expect(res.text).toContain('value="call me"');
    expect(res.text).toContain('value="Mars/Olympus"');
    expect(res.text).toMatch(/name="consent_email" checked/);
    expect(await t.db.select().from(customers)).toHaveLength(0);
  });

  test("a locale or time zone the runtime cannot use is refused beside its field; good ones are stored in canonical form", async () => {
    const { t, b } = await setup();
    await b.get("/customers/new");
    const res = await b.post("/customers", {
      first_name: "Anna",
      email: "anna@example.com",
      locale: "en-abc",
      time_zone: "Nowhere/Special",
    });
    expect(res.status).toBe(422);
    expect(errorBeside(res.text, "locale")).toBe("must be a language code like en or de-AT");
    expect(errorBeside(res.text, "time_zone")).toBe("must be an IANA time zone such as Europe/Berlin");
    expect(res.text).toContain('value="en-abc"');
    expect(res.text).toContain('value="Nowhere/Special"');
    const klingon = await b.post("/customers", { first_name: "Anna", email: "anna@example.com", locale: "tlh" });
    expect(klingon.status).toBe(422);
    expect(errorBeside(klingon.text, "locale")).toBe("is not a language Pigeon can write dates in (like de, fr-CA)");
    expect(klingon.text).toContain('value="tlh"');
    expect(await t.db.select().from(customers)).toHaveLength(0);

    expect(
      (
        await b.post("/customers", {
          first_name: "Anna",
          email: "anna@example.com",
          locale: "de-at",
          time_zone: " europe/vienna ",
        })
      ).status,
    ).toBe(303);
    const [row] = await t.db.select().from(customers);
    expect([row!.locale, row!.timeZone]).toEqual(["de-AT", "Europe/Vienna"]);
    await b.get(`/customers/${row!.id}/edit`);
    const edit = await b.post(`/customers/${row!.id}`, {
      first_name: "Anna",
      email: "anna@example.com",
      locale: "en-abc",
      time_zone: "Europe/Vienna",
    });
    expect(edit.status).toBe(422);
    expect(errorBeside(edit.text, "locale")).toBe("must be a language code like en or de-AT");
    expect((await t.db.select().from(customers))[0]!.locale).toBe("de-AT");
  });

  test("a customer needs a name, an e-mail or a phone", async () => {
    const { t, b } = await setup();
    await b.get("/customers/new");
    const res = await b.post("/customers", { first_name: "", last_name: "", email: "", phone: "", locale: "en" });
    expect(res.status).toBe(422);
    expect(errorBeside(res.text, "first_name")).toContain("give at least a name, an e-mail address or a phone number");
    expect(await t.db.select().from(customers)).toHaveLength(0);
  });

  test("ticking consent without saying where it came from is refused", async () => {
    const { t, b } = await setup();
    await b.get("/customers/new");
    const res = await b.post("/customers", { first_name: "Anna", consent_sms: "on", consent_source: "  " });
    expect(res.status).toBe(422);
    expect(errorBeside(res.text, "consent_source")).toContain("signed form at picture day");
    expect(await t.db.select().from(customers)).toHaveLength(0);
  });

  test("create stores consent with its source and time; edit records only what changed", async () => {
    const { t, b } = await setup();
    await b.get("/customers/new");
    const res = await b.post("/customers", {
      first_name: "Anna",
      last_name: "Smith",
      email: "Anna@Example.com",
      phone: "(212) 555-0142",
      locale: "en",
      time_zone: "America/New_York",
      consent_email: "on",
      consent_source: "signed form at picture day",
    });
    expect(res.status).toBe(303);
    const [row] = await t.db.select().from(customers);
    expect(row).toMatchObject({
      firstName: "Anna",
      email: "anna@example.com",
      phone: "+12125550142",
      timeZone: "America/New_York",
    });
    expect(row!.consentEmail).toBe(true);
    expect(row!.consentEmailSource).toBe("staff: signed form at picture day");
    expect(row!.consentEmailAt).toEqual(NOW);
    expect(row!.consentSms).toBe(false);
    expect(row!.consentSmsSource).toBeNull();
    expect(res.location).toBe(`/customers/${row!.id}?saved=1`);

    const page = await b.get(res.location!);
    expect(page.text).toContain("Saved.");
    expect(page.text).toContain("staff: signed form at picture day");
    expect(page.text).toContain("2026-09-01 10:00 UTC");
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.entityType, "customer"));
    expect(entry).toMatchObject({ action: "created", entityId: row!.id });

    // Edit a day later: tick SMS with a new source, keep e-mail consent as it was.
    const later = new Date("2026-09-02T08:30:00Z");
    t.setNow(later);
    const edit = await b.get(`/customers/${row!.id}/edit`);
    expect(edit.text).toContain('value="Anna"');
    expect(edit.text).toMatch(/name="consent_email" checked/);
    const saved = await b.post(`/customers/${row!.id}`, {
      first_name: "Anna",
      last_name: "Smith-Jones",
      email: "anna@example.com",
      phone: "+12125550142",
      locale: "en",
      time_zone: "America/New_York",
      consent_email: "on",
      consent_sms: "on",
      consent_source: "text message reply",
    });
    expect(saved.status).toBe(303);
    const [after] = await t.db.select().from(customers);
    expect(after!.lastName).toBe("Smith-Jones");
    expect(after!.consentEmailSource).toBe("staff: signed form at picture day");
    expect(after!.consentEmailAt).toEqual(NOW);
    expect(after!.consentSms).toBe(true);
    expect(after!.consentSmsSource).toBe("staff: text message reply");
    expect(after!.consentSmsAt).toEqual(later);

    // Unticking withdraws consent, with who and when; no source needed for that.
    const withdrawn = await b.post(`/customers/${row!.id}`, {
      first_name: "Anna",
      last_name: "Smith-Jones",
      email: "anna@example.com",
      consent_sms: "on",
    });
    expect(withdrawn.status).toBe(303);
    const [final] = await t.db.select().from(customers);
    expect(final!.consentEmail).toBe(false);
    expect(final!.consentEmailSource).toBe("withdrawn: staff: changed by Olivia Owner");
    expect(final!.consentSmsSource).toBe("staff: text message reply");
  });

  test("bad input on edit keeps what was typed and changes nothing", async () => {
    const { t, b } = await setup();
    const cu = await newCustomer(t, { first_name: "Anna", email: "anna@example.com" });
    await b.get(`/customers/${cu.id}/edit`);
    const res = await b.post(`/customers/${cu.id}`, { first_name: "Annabelle", email: "nope" });
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="Annabelle"');
    expect(errorBeside(res.text, "email")).toContain("must be an e-mail address");
    const [row] = await t.db.select().from(customers);
    expect(row!.firstName).toBe("Anna");
  });

  test("a second customer with the same e-mail is saved, with a notice naming the first", async () => {
    const { t, b } = await setup();
    const first = await newCustomer(t, { first_name: "Anna", last_name: "Smith", email: "family@example.com" });
    const check = await b.get("/customers/email-check?email=Family@example.com");
    expect(check.text).toContain("already used by");
    expect(check.text).toContain(`/customers/${first.id}`);
    const res = await b.post("/customers", { first_name: "Ben", last_name: "Smith", email: "family@example.com" });
    expect(res.status).toBe(303);
    const page = await b.get(res.location!);
    expect(page.text).toContain("Another customer has the same e-mail address");
    expect(page.text).toContain("Anna Smith");
    expect(await t.db.select().from(customers)).toHaveLength(2);
  });

  test("an unknown customer is a 404 page", async () => {
    const { b } = await setup();
    const res = await b.get("/customers/999");
    expect(res.status).toBe(404);
    expect(res.text).toContain("There is no such customer");
  });
});

describe("customer page: registrations, orders, appointments", () => {
  test("registering to a job with album, access code and photos, then adding an order makes a buyer", async () => {
    const { t, b } = await setup();
    const jobId = await newJob(b, "Lincoln Elementary");
    await b.post(`/jobs/${jobId}/albums`, { album_name: "Class 3B" });
    const [album] = await t.db.select().from(albums);
    const cu = await newCustomer(t, { first_name: "Anna", last_name: "Smith" });

    const page = await b.get(`/customers/${cu.id}`);
    expect(page.text).toContain("Not registered to any job yet");
    expect(page.text).toContain("Lincoln Elementary (2026)");
    expect(page.text).toContain("Class 3B");

    const reg = await b.post(`/customers/${cu.id}/registrations`, {
      job_id: String(jobId),
      job_ref: "",
      album_id: String(album!.id),
      access_code: "AB12CD",
      photos_available: "on",
      photos_count: "12",
    });
    expect(reg.status).toBe(303);
    const [r] = await t.db.select().from(registrations);
    expect(r).toMatchObject({ jobId, customerId: cu.id, albumId: album!.id, accessCode: "AB12CD", photosCount: 12 });
    expect(r!.photosAvailableAt).toEqual(NOW);
    const evs = await t.db.select().from(events).where(eq(events.customerId, cu.id));
    expect(evs.map((e) => [e.type, e.source])).toEqual([
      ["customer_registered", "ui"],
      ["photos_available", "ui"],
    ]);

    const after = await b.get(`/customers/${cu.id}`);
    expect(after.text).toContain("AB12CD");
    expect(after.text).toContain("12 available since 2026-09-01");
    expect(after.text).toContain("Potential buyer");

    // Registering again only to change the photo count keeps album, code and the photos time.
    t.setNow(new Date("2026-09-02T10:00:00Z"));
    await b.post(`/customers/${cu.id}/registrations`, {
      job_id: String(jobId),
      job_ref: "",
      album_id: "",
      access_code: "",
      photos_available: "on",
      photos_count: "15",
    });
    const [again] = await t.db.select().from(registrations);
    expect(again).toMatchObject({ id: r!.id, albumId: album!.id, accessCode: "AB12CD", photosCount: 15 });
    expect(again!.photosAvailableAt).toEqual(NOW);
    expect(await t.db.$count(events, eq(events.customerId, cu.id))).toBe(2);

    const order = await b.post(`/customers/${cu.id}/orders`, {
      order_job_id: String(jobId),
      amount: "24.90",
      order_date: "2026-09-03",
    });
    expect(order.status).toBe(303);
    const [o] = await t.db.select().from(orders);
    expect(o).toMatchObject({ jobId, customerId: cu.id, amountMinor: 2490 });
    // The day typed is a day in the studio's zone (UTC here): its noon there.
    expect(o!.orderedAt).toEqual(new Date("2026-09-03T12:00:00Z"));
    const buyer = await b.get(`/customers/${cu.id}`);
    expect(buyer.text).toContain(">Buyer<");
    expect(buyer.text).toContain(">$24.90<");
    expect(buyer.text).toContain("2026-09-03");
    expect((await t.db.select().from(events).where(eq(events.type, "order_placed"))).length).toBe(1);
  });

  test("bad registration input is shown beside the fields with 422 and writes nothing", async () => {
    const { t, b } = await setup();
    const jobA = await newJob(b, "Job A");
    const jobB = await newJob(b, "Job B");
    await b.post(`/jobs/${jobB}/albums`, { album_name: "B-team" });
    const [albumOfB] = await t.db.select().from(albums);
    const cu = await newCustomer(t, { first_name: "Anna" });
    await b.get(`/customers/${cu.id}`);

    const noJob = await b.post(`/customers/${cu.id}/registrations`, {
      job_id: "",
      job_ref: "",
      access_code: "KEEP-ME",
    });
    expect(noJob.status).toBe(422);
    expect(errorBeside(noJob.text, "job_id")).toBe("Choose a job, or type its id");
    expect(noJob.text).toContain('value="KEEP-ME"');

    const unknown = await b.post(`/customers/${cu.id}/registrations`, { job_id: "", job_ref: "999" });
    expect(errorBeside(unknown.text, "job_ref")).toBe("There is no job with id 999");
    expect(unknown.text).toContain('value="999"');

    const wrongAlbum = await b.post(`/customers/${cu.id}/registrations`, {
      job_id: String(jobA),
      album_id: String(albumOfB!.id),
    });
    expect(wrongAlbum.status).toBe(422);
    expect(errorBeside(wrongAlbum.text, "album_id")).toContain("does not belong to “Job A”");

    const negative = await b.post(`/customers/${cu.id}/registrations`, { job_id: String(jobA), photos_count: "-3" });
    expect(errorBeside(negative.text, "photos_count")).toBe("cannot be negative");
    expect(negative.text).toContain('value="-3"');
    expect(await t.db.select().from(registrations)).toHaveLength(0);
  });

  test("the album select follows the chosen job", async () => {
    const { t, b } = await setup();
    const jobA = await newJob(b, "Job A");
    await b.post(`/jobs/${jobA}/albums`, { album_name: "Owls" });
    const jobB = await newJob(b, "Job B");
    await b.post(`/jobs/${jobB}/albums`, { album_name: "Foxes" });
    const cu = await newCustomer(t, { first_name: "Anna" });
    const fragment = await b.get(`/customers/${cu.id}/album-field?job_id=${jobB}`);
    expect(fragment.text).toContain("Foxes");
    expect(fragment.text).not.toContain("Owls");
    expect(fragment.text).toContain('id="album-field"');
  });

  test("bad order input is shown beside the fields with 422 and writes nothing", async () => {
    const { t, b } = await setup();
    const jobId = await newJob(b, "Job A");
    const cu = await newCustomer(t, { first_name: "Anna" });
    await b.get(`/customers/${cu.id}`);
    const res = await b.post(`/customers/${cu.id}/orders`, { order_job_id: "", amount: "24,9x", order_date: "" });
    expect(res.status).toBe(422);
    expect(errorBeside(res.text, "order_job_id")).toBe("Choose the job the order belongs to");
    expect(errorBeside(res.text, "amount")).toBe("must be an amount written like 1,000.50 or 24.90");
    expect(errorBeside(res.text, "order_date")).toBe("Date is required");
    expect(res.text).toContain('value="24,9x"');
    const zero = await b.post(`/customers/${cu.id}/orders`, {
      order_job_id: String(jobId),
      amount: "0",
      order_date: "2026-02-30",
    });
    expect(errorBeside(zero.text, "amount")).toBe("must be more than 0");
    expect(errorBeside(zero.text, "order_date")).toBe("is not a real calendar date");
    // A post without the fields at all (an old page, a script) is answered like blank ones.
    const noJobField = await b.post(`/customers/${cu.id}/orders`, { amount: "24.90", order_date: "2026-09-03" });
    expect(noJobField.status).toBe(422);
    expect(errorBeside(noJobField.text, "order_job_id")).toBe("Choose the job the order belongs to");
    const missing = await b.post(`/customers/${cu.id}/orders`, { amount: "24.90" });
    expect(missing.status).toBe(422);
    expect(errorBeside(missing.text, "order_job_id")).toBe("Choose the job the order belongs to");
    expect(errorBeside(missing.text, "order_date")).toBe("Date is required");
    expect(missing.text).toContain('value="24.90"');
    expect(await t.db.select().from(orders)).toHaveLength(0);
  });

  test("a registration post without its job fields is answered like a blank one", async () => {
    const { t, b } = await setup();
    const cu = await newCustomer(t, { first_name: "Anna" });
    await b.get(`/customers/${cu.id}`);
    const missing = await b.post(`/customers/${cu.id}/registrations`, { access_code: "KEEP-ME" });
    expect(missing.status).toBe(422);
    expect(errorBeside(missing.text, "job_id")).toBe("Choose a job, or type its id");
    expect(missing.text).toContain('value="KEEP-ME"');
    const nothing = await b.post(`/customers/${cu.id}/registrations`, {});
    expect(nothing.status).toBe(422);
    expect(await t.db.select().from(registrations)).toHaveLength(0);
  });

  test("appointments are listed read-only", async () => {
    const { t, b } = await setup();
    const cu = await newCustomer(t, { first_name: "Anna" });
    await createAppointment(
      t.db,
      { customerId: cu.id, startsAt: new Date("2026-09-10T14:00:00Z"), durationMinutes: 45, location: "Studio A" },
      "ui",
      NOW,
    );
    const page = await b.get(`/customers/${cu.id}`);
    expect(page.text).toContain("2026-09-10 14:00 UTC · 45 min · Studio A");
    expect(page.text).toContain("scheduled");
  });
});
