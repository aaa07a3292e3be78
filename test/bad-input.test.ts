// The bad input an outside probe found (issue 10, known findings): each answered with a clear 4xx
// naming the field, nothing half-written, never a 500 — and data stored before these checks still
// renders. The generated counterpart is test/bad-input.property.test.ts.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { signLinkToken } from "../src/core/link-tokens.ts";
import { createAppointment, createCustomer, upsertRegistration } from "../src/db/customers.ts";
import { createAlbum, createJob } from "../src/db/jobs.ts";
import { albums, appointments, customers, events, jobs, messages, registrations } from "../src/db/schema.ts";
import { linkSigningSecret } from "../src/db/secrets.ts";
import { type Browser, signedInOwner } from "./support/app.ts";
import { fieldsOf, makeApiApp, rows } from "./api/support.ts";
import { postForm } from "./support/forms.ts";

const now = new Date("2026-09-01T10:00:00Z");

describe("huge id lists", () => {
  const many = Array.from({ length: 100_000 }, (_, i) => i + 1);

  test("a message with 100,000 job ids is refused with a 422 naming filters.job_ids", async () => {
    const t = await makeApiApp({ now });
    const res = await t.post("/messages", {
      name: "Flood",
      channels: ["email"],
      subject: "Hi",
      body: "Hello",
      filters: { job_ids: many },
    });
    expect(res.status).toBe(422);
    expect(fieldsOf(res)["filters.job_ids"]).toContain("at most 1,000");
    expect(await rows(t.db, messages)).toBe(0);
  });

  test("a message stored before the cap with 100,000 ids in every list still shows its pages", async () => {
    const t = await makeApiApp({ now });
    // One customer every list names, so the message has a recipient and its Send page a count.
    const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "api", now);
    const album = await createAlbum(t.db, job.id, "3B");
    const cu = await createCustomer(
      t.db,
      { first_name: "Anna", email: "anna@x.test", consent: { email: true } },
      "test",
      now,
    );
    await upsertRegistration(
      t.db,
      { jobId: job.id, customerId: cu.id, albumId: album.id, registeredAt: now },
      "api",
      now,
    );
    await createAppointment(t.db, { customerId: cu.id, startsAt: new Date("2026-09-10T14:00:00Z") }, "api", now);
    // Past SQLite's 32,766 placeholders in every list; 100,000 job ids as the probe stored them.
    const some = many.slice(0, 40_000);
    const filters = { job_ids: many, album_ids: some, appointment_ids: some, customer_ids: some };
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Legacy flood",
        channels: ["email"],
        subject: "Hi",
        body: "Hello",
        filters,
        status: "draft",
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const b = await signedInOwner(t);
    for (const path of ["/messages", `/messages/${m!.id}`, `/messages/${m!.id}/edit`, `/messages/${m!.id}/send`]) {
      const page = await b.get(path);
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
    }
    expect((await b.get(`/messages/${m!.id}/send`)).text).toContain("Send to 1 appointment by e-mail?");
    expect((await t.get(`/messages/${m!.id}`)).status).toBe(200);
  });
});

async function postMultipart(
  b: Browser,
  path: string,
  fields: Record<string, string>,
  file?: { name: string; content: string },
) {
  const form = new FormData();
  form.set("_csrf", b.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set("file", new File([file.content], file.name, { type: "text/csv" }));
  const res = await b.request(path, { method: "POST", body: form, headers: { Origin: "http://localhost" } });
  return { status: res.status, text: await res.text() };
}

const errorBeside = (html: string, name: string) => html.match(new RegExp(`id="${name}-error">([^<]*)<`))?.[1];

const compose = {
  mode: "filters",
  name: "Reminder",
  channels: "email",
  subject: "Hi",
  body: "Hello there",
  send_mode: "now",
  intent: "save",
};

describe("references that name nothing", () => {
  test("a message about a job that does not exist is a 422 naming job_id, from the API and the form", async () => {
    const t = await makeApiApp({ now });
    const res = await t.post("/messages", {
      name: "Ghost",
      channels: ["email"],
      subject: "Hi",
      body: "Hello",
      job_id: 999,
    });
    expect(res.status).toBe(422);
    expect(fieldsOf(res).job_id).toBe("no job with this id");
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const form = await postForm(b, "/messages", { ...compose, job_id: "999" });
    expect(form.status).toBe(422);
    expect(form.text).toContain("no job with this id");
    expect(form.text).toContain('value="Reminder"');
    expect(await rows(t.db, messages)).toBe(0);
  });

  test("1e999 as an id in the compose, count, preview and import forms is a clear 4xx, never a 500", async () => {
    const t = await makeApiApp({ now });
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const saved = await postForm(b, "/messages", { ...compose, job_id: "1e999" });
    expect(saved.status).toBe(422);
    expect(errorBeside(saved.text, "job_id")).toBe("must be an id (a whole number)");
    // The live count and preview are fragments of the page: they say what is wrong and go on.
    const count = await postForm(b, "/messages/count", { ...compose, job_id: "1e999" }, { "HX-Request": "true" });
    expect(count.status).toBe(200);
    expect(count.text).toContain("Check the recipient filters: must be an id (a whole number).");
    for (const fields of [{ job_id: "1e999" }, { preview_customer_id: "1e999" }] as Record<string, string>[]) {
      const preview = await postForm(b, "/messages/preview", { ...compose, ...fields }, { "HX-Request": "true" });
      expect({ fields, status: preview.status }).toEqual({ fields, status: 200 });
    }
    const imported = await postMultipart(
      b,
      "/customers/import/preview",
      { job_id: "1e999" },
      { name: "x.csv", content: "first_name,email\nAnna,anna@x.test\n" },
    );
    expect(imported.status).toBe(422);
    expect(errorBeside(imported.text, "job_id")).toBe("must be an id (a whole number)");
    expect(await rows(t.db, messages)).toBe(0);
  });
});

describe("external_id on messages", () => {
  test("a repeated external_id updates the draft instead of failing (the README's promise)", async () => {
    const t = await makeApiApp({ now });
    const first = await t.post("/messages", {
      external_id: "shop-1",
      name: "First",
      channels: ["email"],
      subject: "Hi",
      body: "Hello",
    });
    expect(first.status).toBe(201);
    const again = await t.post("/messages", {
      external_id: "shop-1",
      name: "Second",
      channels: ["email"],
      subject: "Hi",
      body: "Hello again",
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, external_id: "shop-1", name: "Second", body: "Hello again" });
    expect(await rows(t.db, messages)).toBe(1);
  });

  test("once armed, a repeat with its external_id is a 409 that changes nothing", async () => {
    const t = await makeApiApp({ now });
    await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", consent: { email: true } }, "test", now);
    const first = await t.post("/messages", {
      external_id: "shop-2",
      name: "First",
      channels: ["email"],
      subject: "Hi",
      body: "Hello",
    });
    expect((await t.post(`/messages/${first.body.id}/send`, {})).status).toBe(200);
    const again = await t.post("/messages", {
      external_id: "shop-2",
      name: "Second",
      channels: ["email"],
      subject: "Hi",
      body: "Hello again",
    });
    expect(again.status).toBe(409);
    expect(fieldsOf(again).external_id).toContain("scheduled");
    expect((await t.get(`/messages/${first.body.id}`)).body.name).toBe("First");
  });
});

describe("gallery URLs", () => {
  test("a gallery_url that is no URL is refused by the API and the job form", async () => {
    const t = await makeApiApp({ now });
    for (const url of ["http://[bad", "https://", "http:///path", "javascript:alert(1)"]) {
      const res = await t.post("/jobs", { name: "Lincoln", type: "school", gallery_url: url });
      expect({ url, status: res.status, field: fieldsOf(res)?.gallery_url }).toEqual({
        url,
        status: 422,
        field: "must be a web address like https://shop.example.com/lincoln",
      });
    }
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    const form = await b.post("/jobs", { name: "Lincoln", type: "school", year: "2026", gallery_url: "http://[bad" });
    expect(form.status).toBe(422);
    expect(errorBeside(form.text, "gallery_url")).toBe("must be a web address like https://shop.example.com/lincoln");
    expect(form.text).toContain('value="http://[bad"');
  });

  test("a bad gallery URL stored before the check answers the customer's gallery link with a page, not a 500", async () => {
    const t = await makeApiApp({ now });
    const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "api", now);
    await t.db.update(jobs).set({ galleryUrl: "http://[bad" }).where(eq(jobs.id, job.id));
    const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test" }, "test", now);
    await upsertRegistration(t.db, { jobId: job.id, customerId: cu.id, accessCode: "AB-12" }, "api", now);
    const token = signLinkToken(await linkSigningSecret(t.db, undefined, now), {
      purpose: "gallery",
      customerId: cu.id,
      subjectId: job.id,
    });
    const res = await t.app.request(`http://localhost/g/${token}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("This gallery is not online");
  });
});

describe("impossible dates and times", () => {
  const impossible = [
    "2026-02-30T10:00:00Z",
    "2026-09-14T24:00:00Z",
    "2026-09-14T10:60:00Z",
    "2026-09-14T10:00:61Z",
    "2026-13-01T10:00:00Z",
    "2026-09-14T10:00:00+25:00",
    "2026-02-29T10:00:00Z",
  ];

  test("are refused naming the field wherever the API takes a date-time, and nothing is stored", async () => {
    const t = await makeApiApp({ now });
    const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test" }, "test", now);
    const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "api", now);
    for (const at of impossible) {
      const posts = [
        ["/appointments", { customer_id: cu.id, starts_at: at }, "starts_at"],
        ["/messages", { name: "Later", channels: ["email"], subject: "Hi", body: "Hello", send_at: at }, "send_at"],
        ["/registrations", { job_id: job.id, customer_id: cu.id, photos_available_at: at }, "photos_available_at"],
        ["/orders", { job_id: job.id, customer_id: cu.id, amount: 10, ordered_at: at }, "ordered_at"],
      ] as const;
      for (const [path, body, field] of posts) {
        const res = await t.post(path, body);
        expect({ at, path, status: res.status, problem: fieldsOf(res)?.[field] }).toEqual({
          at,
          path,
          status: 422,
          problem: "is not a real date and time",
        });
      }
    }
    expect(await rows(t.db, messages)).toBe(0);
    expect(await rows(t.db, appointments)).toBe(0);
  });

  test("real ones still pass, in every accepted shape", async () => {
    const t = await makeApiApp({ now });
    const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test" }, "test", now);
    const shapes = {
      "2026-09-14T09:30:00Z": "2026-09-14T09:30:00.000Z",
      "2026-09-14T09:30:00.250+02:00": "2026-09-14T07:30:00.250Z",
      "2026-09-14 09:30Z": "2026-09-14T09:30:00.000Z",
      "2026-09-14T23:59:59-0530": "2026-09-15T05:29:59.000Z",
      "2028-02-29T00:00+00:00": "2028-02-29T00:00:00.000Z",
    };
    for (const [at, stored] of Object.entries(shapes)) {
      const res = await t.post("/appointments", { customer_id: cu.id, starts_at: at });
      expect({ at, status: res.status, stored: res.body.starts_at }).toEqual({ at, status: 201, stored });
    }
  });
});

describe("control characters", () => {
  const CONTROL = "must not contain control characters (such as NUL); line breaks and tabs are fine";

  test("NUL and other control characters in text are refused by the API, forms and the CSV import; nothing is cut short", async () => {
    const t = await makeApiApp({ now });
    const customer = await t.post("/customers", { first_name: "An\u0000na", email: "anna@x.test" });
    expect(customer.status).toBe(422);
    expect(fieldsOf(customer).first_name).toBe(CONTROL);
    const message = await t.post("/messages", {
      name: "News",
      channels: ["email"],
      subject: "Hi",
      body: "Hello\u0000 and the rest",
    });
    expect(fieldsOf(message).body).toBe(CONTROL);
    const job = await t.post("/jobs", { name: "Lincoln\u001b[31m", type: "school", external_id: "a\u0000b" });
    expect(fieldsOf(job)).toMatchObject({ name: CONTROL, external_id: CONTROL });
    // Line breaks and tabs are text.
    const fine = await t.post("/jobs", { name: "Lincoln", type: "school", custom_text: "Line one\r\nLine\ttwo" });
    expect(fine.status).toBe(201);
    expect(fine.body.custom_text).toBe("Line one\r\nLine\ttwo");

    const b = await signedInOwner(t);
    await b.get("/customers/new");
    const form = await b.post("/customers", {
      first_name: "Ben\u0000jamin",
      last_name: "Jones",
      email: "ben@x.test",
      locale: "en",
    });
    expect(form.status).toBe(422);
    expect(errorBeside(form.text, "first_name")).toBe(CONTROL);
    expect(await rows(t.db, customers)).toBe(0);

    await b.get("/customers/import");
    // A NUL makes the file binary, which the import refused already; other control characters are the row's problem.
    const binary = await postMultipart(
      b,
      "/customers/import/preview",
      {},
      { name: "x.csv", content: "first_name,last_name,email\nCara\u0000,Lee,cara@x.test\n" },
    );
    expect(binary.status).toBe(422);
    expect(errorBeside(binary.text, "file")).toContain("it contains binary data");
    const csv = await postMultipart(
      b,
      "/customers/import/preview",
      {},
      { name: "x.csv", content: "first_name,last_name,email\nCara\u001b,Lee,cara@x.test\nDan,Ok,dan@x.test\n" },
    );
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(`first_name: ${CONTROL}`);
    expect(csv.text).toContain("1 row is ready to import");
  });
});

describe("a large CSV import", () => {
  const csvOf = (n: number, from = 0) => {
    const lines = ["external_id,first_name,last_name,email,phone,album,access_code,consent_email"];
    for (let i = from; i < from + n; i++)
      lines.push(`K${i},Kid${i},Family${i % 70},p${i}@ex.test,+1212${String(2_000_000 + i)},Class ${i % 3},C${i},yes`);
    return `${lines.join("\n")}\n`;
  };

  test("lets /healthz answer while it runs, and imports every row", async () => {
    const t = await makeApiApp({ now });
    const b = await signedInOwner(t);
    const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "ui", now);
    await b.get("/customers/import");
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: t.app.fetch });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const form = new URLSearchParams({
        _csrf: b.csrf,
        csv: csvOf(3_000),
        file_name: "big.csv",
        job_id: String(job.id),
        consent_source: "form",
        lawful: "on",
      });
      let importDone = false;
      const importing = fetch(`${base}/customers/import`, {
        method: "POST",
        body: form,
        headers: { Cookie: cookie, Origin: "http://localhost", "Content-Type": "application/x-www-form-urlencoded" },
      }).then(async (res) => {
        const text = await res.text();
        importDone = true;
        return { status: res.status, text };
      });
      // The condition: a /healthz answered while the import had not. Before the import was split
      // into transactions with pauses, none could: the import held the event loop to the end.
      let answeredDuring = 0;
      let slowest = 0;
      while (!importDone) {
        const t0 = performance.now();
        const health = await fetch(`${base}/healthz`);
        expect(health.status).toBe(200);
        await health.arrayBuffer();
        slowest = Math.max(slowest, performance.now() - t0);
        if (!importDone) answeredDuring++;
        await Bun.sleep(5);
      }
      const res = await importing;
      expect(res.status).toBe(200);
      expect(res.text).toContain("3,000 imported (3,000 new, 0 updated), 0 rows reported");
      expect(answeredDuring).toBeGreaterThan(0);
      // Only a hang fails this: on a busy 2-core machine a pause can be long, a stall is the whole import.
      expect(slowest).toBeLessThan(30_000);
      expect(await rows(t.db, customers)).toBe(3_000);
      expect(await rows(t.db, registrations)).toBe(3_000);
      expect(await t.db.$count(events, eq(events.type, "customer_registered"))).toBe(3_000);
      expect(await rows(t.db, albums)).toBe(3);
    } finally {
      await server.stop(true);
    }
  });

  test("a failure in a later transaction takes back what the earlier ones wrote, updates included", async () => {
    const t = await makeApiApp({ now });
    const b = await signedInOwner(t);
    const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "ui", now);
    // Two customers the file updates (rows 1 and 2 of the first transaction), and one registered with an album.
    await createCustomer(t.db, { first_name: "Kid0", last_name: "Before", email: "p0@ex.test" }, "test", now, "K0");
    const kid1 = await createCustomer(
      t.db,
      { first_name: "Kid1", last_name: "Before", email: "p1@ex.test" },
      "test",
      now,
      "K1",
    );
    const oldAlbum = await createAlbum(t.db, job.id, "Old");
    await upsertRegistration(
      t.db,
      { jobId: job.id, customerId: kid1.id, albumId: oldAlbum.id, accessCode: "OLD" },
      "ui",
      now,
    );
    const before = await t.db.select().from(customers).orderBy(customers.id);
    const regsBefore = await t.db.select().from(registrations);
    const eventsBefore = await rows(t.db, events);
    await t.db.$client.execute(
      "CREATE TRIGGER refuse_late BEFORE INSERT ON registrations WHEN new.access_code = 'C1100' BEGIN SELECT RAISE(ABORT, 'boom'); END",
    );
    await b.get("/customers/import");
    const res = await postForm(b, "/customers/import", {
      csv: csvOf(1_200),
      file_name: "big.csv",
      job_id: String(job.id),
      consent_source: "form",
      lawful: "on",
    });
    expect(res.status).toBe(500);
    expect(res.text).toContain("The import failed and nothing was imported");
    expect(await t.db.select().from(customers).orderBy(customers.id)).toEqual(before);
    expect(await t.db.select().from(registrations)).toEqual(regsBefore);
    expect(await rows(t.db, albums)).toBe(1);
    expect(await rows(t.db, events)).toBe(eventsBefore);
  });
});

describe("inherited names as filter keys", () => {
  test("__proto__, constructor and toString in filters are a 422 naming the key, not a message to everyone", async () => {
    const t = await makeApiApp({ now });
    for (const key of ["__proto__", "constructor", "toString"]) {
      // Sent as raw JSON text: JSON.parse makes "__proto__" an own key, as it would from any client.
      const res = await t.post(
        "/messages",
        `{"name":"Wide","channels":["email"],"subject":"Hi","body":"Hello","filters":{"${key}":{"job_ids":[1]}}}`,
      );
      expect({ key, status: res.status, problem: fieldsOf(res)?.[`filters.${key}`] }).toEqual({
        key,
        status: 422,
        problem: "is not a recipient filter",
      });
    }
    expect(await rows(t.db, messages)).toBe(0);
  });
});

describe("date-times without a time or zone, and ids in other spellings", () => {
  test("a send_at or starts_at without a time or a zone is refused with the date-time message", async () => {
    const t = await makeApiApp({ now });
    const cu = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test" }, "test", now);
    const want = "must be a date and time like 2026-09-14T09:30:00Z";
    for (const at of ["2027-01-01", "2027-01-01T09:30", "2027-01-01 09:30:00"]) {
      const msg = await t.post("/messages", {
        name: "Later",
        channels: ["email"],
        subject: "Hi",
        body: "Hello",
        send_at: at,
      });
      expect({ at, status: msg.status, problem: fieldsOf(msg)?.send_at }).toEqual({ at, status: 422, problem: want });
      const appt = await t.post("/appointments", { customer_id: cu.id, starts_at: at });
      expect({ at, status: appt.status, problem: fieldsOf(appt)?.starts_at }).toEqual({
        at,
        status: 422,
        problem: want,
      });
    }
    expect(await rows(t.db, messages)).toBe(0);
    expect(await rows(t.db, appointments)).toBe(0);
  });

  test("an id in the path is only its plain decimal: 0x1, 1e0, 01 and 1.0 name no job (404), from the API and the pages", async () => {
    const t = await makeApiApp({ now });
    const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "api", now);
    expect(job.id).toBe(1);
    expect((await t.get("/jobs/1")).status).toBe(200);
    const b = await signedInOwner(t);
    expect((await b.get("/jobs/1")).status).toBe(200);
    for (const id of ["0x1", "1e0", "01", "1.0", "+1", "0b1"]) {
      const api = await t.get(`/jobs/${id}`);
      expect({ id, status: api.status, message: api.body?.error?.message }).toEqual({
        id,
        status: 404,
        message: "There is no job with this id.",
      });
      expect({ id, page: (await b.get(`/jobs/${id}`)).status }).toEqual({ id, page: 404 });
    }
  });
});

describe("oversized staff forms", () => {
  test("a form over 1 MB answers 413 with a page in the app's layout that says the limit and how to get back", async () => {
    const t = await makeApiApp({ now });
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const res = await postForm(b, "/messages", { ...compose, body: "x".repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    const text = res.text.replaceAll("&#39;", "'");
    expect(text).toContain("<h1>Too large</h1>");
    expect(text).toContain("larger than 1 MB");
    expect(text).toContain("at most 50,000 characters");
    expect(text).toContain("Use your browser's Back button: what you typed is still in the form.");
    expect(text).toContain("pico.min.css");
    expect(text).not.toContain("<script>");
    expect(await rows(t.db, messages)).toBe(0);
    // htmx asks for a fragment: the short text alone.
    const fragment = await postForm(
      b,
      "/messages/count",
      { ...compose, body: "x".repeat(2 * 1024 * 1024) },
      { "HX-Request": "true" },
    );
    expect(fragment.status).toBe(413);
    expect(fragment.text).toStartWith("That form is larger than 1 MB");
    expect(fragment.text).not.toContain("<html");
  });

  test("an upload over 12 MB answers 413 with the styled page", async () => {
    const t = await makeApiApp({ now });
    const b = await signedInOwner(t);
    await b.get("/customers/import");
    const res = await postMultipart(
      b,
      "/customers/import/preview",
      {},
      { name: "big.csv", content: "x".repeat(13 * 1024 * 1024) },
    );
    expect(res.status).toBe(413);
    expect(res.text).toContain("<h1>Too large</h1>");
    expect(res.text).toContain("larger than 12 MB");
    expect(res.text.replaceAll("&#39;", "'")).toContain("Use your browser's Back button");
  });

  test("the compose page's text fields carry the server's limits as maxlength", async () => {
    const t = await makeApiApp({ now });
    const b = await signedInOwner(t);
    const page = (await b.get("/messages/new")).text;
    expect(page).toMatch(/<textarea id="f-body" name="body"[^>]*maxlength="50000"/);
    expect(page).toMatch(/name="subject"[^>]*maxlength="300"/);
    expect(page).toMatch(/name="name"[^>]*maxlength="200"/);
    expect(page).toMatch(/name="voice_script"[^>]*maxlength="5000"/);
  });
});
