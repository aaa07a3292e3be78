// Bad input, generated (issue 10, deliverable 7): fast-check throws wrong types, missing and extra
// fields, huge values and lists, unicode, control characters and NUL, HTML and script payloads
// and impossible dates at every JSON API body, the main staff forms, the CSV import and the
// provider webhooks (signed with the fakes' helpers, so the payload itself is what is tried).
// Properties: never a 5xx; a refusal names the field; a refusal writes nothing; what is stored
// is shown escaped. Runs are bounded and seeded (fast-check prints the seed and the shrunk
// input of a failure); the total number of inputs is printed at the end.
// The known findings these found or hold are in test/bad-input.test.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { count, desc } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import fc from "fast-check";
import Papa from "papaparse";
import { createAppointment, createCustomer, upsertRegistration } from "../src/db/customers.ts";
import type { Db } from "../src/db/client.ts";
import { createAlbum, createJob } from "../src/db/jobs.ts";
import { createProfile } from "../src/db/profiles.ts";
import {
  albums,
  appointments,
  auditLog,
  communicationProfiles,
  customers,
  deliveries,
  events,
  inboundMessages,
  jobs,
  messages,
  notifications,
  orders,
  registrations,
  studioSettings,
  suppressions,
} from "../src/db/schema.ts";
import { type FakeResend, fakeWebhookSecret, startFakeResend } from "./fakes/fake-resend.ts";
import { type FakeTwilio, startFakeTwilio } from "./fakes/fake-twilio.ts";
import { type ApiApp, makeApiApp } from "./api/support.ts";
import { type Browser, makeTestApp, signedInOwner, type TestApp } from "./support/app.ts";
import { postForm } from "./support/forms.ts";

const now = new Date("2026-09-01T10:00:00Z");
const SEED = 20261001;
const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 50);
const settings = (numRuns = RUNS) => ({ seed: SEED, numRuns, endOnFailure: true });

let generated = 0;
afterAll(() => console.log(`bad-input properties: ${generated.toLocaleString("en")} inputs generated`));

// ------------------------------------------------------------------ what is thrown at it

const SCRIPT = '<script>alert("pwn")</script>';
const IMG = "<img src=x onerror=alert(1)>";
const SVG = '"><svg onload=alert(1)>';
const PAYLOADS = [SCRIPT, IMG, SVG];
/** Whether a page shows one of the payloads as markup rather than as text. */
const unescaped = (html: string) => PAYLOADS.some((p) => html.includes(p)) || html.includes("<svg onload");

const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(
    ...PAYLOADS,
    `Anna ${SCRIPT}`,
    "\u0000",
    "a\u0000b",
    "\u001b[31mred",
    "\u007f",
    "\u202eevil",
    "😀👨‍👩‍👧 Zoë Ŧest",
    "line\nbreak\ttab\r\n",
    "{{customer.first_name}}",
    "{{ nope",
    "x".repeat(100_000),
    "2026-02-30T10:00:00Z",
    "2026-09-14T24:00:00Z",
    "2026-02-30",
    "2026-09-14T10:00:00+25:00",
    "1e999",
    "-1",
    "0",
    "NaN",
    "9007199254740993",
    " ",
    "",
    "null",
    "http://[bad",
    "javascript:alert(1)",
    "anna@x.test",
    "+1 555 201 0001",
  ),
);

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -0, 2 ** 53 + 2, -1, 0, true, false, null),
  fc.array(fc.oneof(fc.integer(), nastyString), { maxLength: 5 }),
  fc.constant(Array.from({ length: 5_000 }, (_, i) => i + 1)),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), nastyString), { maxKeys: 3 }),
);

const DROP = Symbol("drop");

/** `base` with one to four fields replaced by bad values or left out, and perhaps fields it does not know. */
function mutated(base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(base);
  return fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.constantFrom(...keys),
          fc.oneof({ weight: 1, arbitrary: fc.constant<typeof DROP>(DROP) }, { weight: 5, arbitrary: nastyValue }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      fc.dictionary(fc.string({ maxLength: 8 }), nastyValue, { maxKeys: 2 }),
    )
    .map(([changes, extra]) => {
      const out: Record<string, unknown> = { ...extra, ...base };
      for (const [k, v] of changes) {
        if (v === DROP) delete out[k];
        else out[k] = v;
      }
      return out;
    });
}

/** Form fields: strings only (a browser sends nothing else), sometimes repeated. */
function mutatedForm(base: Record<string, string>): fc.Arbitrary<Record<string, string | string[]>> {
  const keys = Object.keys(base);
  const formValue = fc.oneof(
    { weight: 5, arbitrary: nastyString },
    fc.array(nastyString, { minLength: 2, maxLength: 3 }),
    fc.constant(Array.from({ length: 2_000 }, (_, i) => String(i + 1))),
  );
  return fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.constantFrom(...keys),
          fc.oneof({ weight: 1, arbitrary: fc.constant<typeof DROP>(DROP) }, { weight: 5, arbitrary: formValue }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      fc.dictionary(fc.string({ maxLength: 8 }), nastyString, { maxKeys: 2 }),
    )
    .map(([changes, extra]) => {
      const out: Record<string, string | string[]> = { ...extra, ...base };
      delete out._csrf;
      for (const [k, v] of changes) {
        if (v === DROP) delete out[k];
        else out[k] = v as string | string[];
      }
      return out;
    });
}

// ------------------------------------------------------------------ what is checked

const TABLES: Record<string, SQLiteTable> = {
  jobs,
  albums,
  customers,
  registrations,
  orders,
  appointments,
  messages,
  communicationProfiles,
  notifications,
  deliveries,
  events,
  auditLog,
  suppressions,
  inboundMessages,
};

async function rowCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries(TABLES)) out[name] = (await db.select({ n: count() }).from(table))[0]!.n;
  return out;
}

/** The settings row as stored, to see that a refused settings form changed nothing. */
const settingsRow = async (db: Db) => JSON.stringify(await db.select().from(studioSettings));

async function page(b: Browser, path: string): Promise<string> {
  const res = await b.get(path);
  expect({ path, status: res.status }).toEqual({ path, status: 200 });
  return res.text;
}

/** Pages that show what a stored resource holds: each must answer and show the input as text. */
async function expectShownEscaped(b: Browser, paths: string[]) {
  for (const path of paths) {
    const html = await page(b, path);
    if (unescaped(html))
      throw new Error(
        `${path} shows input unescaped: ${html.slice(Math.max(0, html.search(/<script>alert|<img src=x|<svg onload/) - 200), 400)}`,
      );
  }
}

// ------------------------------------------------------------------ the JSON API

describe("the JSON API, every body", () => {
  let t: ApiApp;
  let b: Browser;
  let ids: { job: number; customer: number; album: number; appointment: number };

  beforeAll(async () => {
    t = await makeApiApp({ now });
    const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "api", now, "J1");
    const customer = await createCustomer(
      t.db,
      { first_name: "Anna", email: "anna@x.test", consent: { email: true } },
      "test",
      now,
      "C1",
    );
    const album = await createAlbum(t.db, job.id, "3B", "A1");
    await upsertRegistration(
      t.db,
      { jobId: job.id, customerId: customer.id, albumId: album.id, registeredAt: now },
      "api",
      now,
    );
    const appointment = await createAppointment(
      t.db,
      { customerId: customer.id, startsAt: new Date("2026-09-10T14:00:00Z") },
      "api",
      now,
    );
    ids = { job: job.id, customer: customer.id, album: album.id, appointment: appointment.id };
    b = await signedInOwner(t);
  });

  /** Where a stored resource shows in the staff UI. */
  const shownAt = (path: string, body: { id?: number; job_id?: number; customer_id?: number }): string[] => {
    const id = body.id;
    if (path.startsWith("/jobs")) return [`/jobs/${id}`, "/jobs", `/jobs/${id}/edit`];
    if (path.startsWith("/customers")) return [`/customers/${id}`, "/customers", `/customers/${id}/edit`];
    if (path.startsWith("/messages")) return [`/messages/${id}`, "/messages"];
    if (path.startsWith("/profiles")) return [`/profiles/${id}`, "/profiles"];
    if (path.startsWith("/albums")) return [`/jobs/${body.job_id}`];
    if (path.startsWith("/registrations") || path.startsWith("/orders") || path.startsWith("/appointments"))
      return [`/customers/${body.customer_id}`, "/appointments"];
    if (path.startsWith("/events")) return [`/customers/${ids.customer}`];
    return [];
  };

  const bodies = () => ({
    "POST /jobs": {
      name: "Lincoln",
      type: "school",
      year: 2026,
      status: "planning",
      shoot_date: "2026-09-14",
      gallery_url: "https://shop.example.com/l",
      custom_text: "Smile",
      time_zone: "Europe/Berlin",
      external_id: "shop-1",
    },
    "PUT /jobs/J": { name: "Lincoln", type: "school", archive_date: "2026-12-01" },
    "POST /customers": {
      first_name: "Ben",
      last_name: "Jones",
      email: "ben@x.test",
      phone: "+15552010002",
      locale: "de-AT",
      time_zone: "Europe/Vienna",
      consent: { email: true, sms: false },
      external_id: "c-2",
    },
    "POST /albums": { job_id: ids.job, name: "4A", external_id: "a-2" },
    "POST /registrations": {
      job_external_id: "J1",
      customer_id: ids.customer,
      album_id: ids.album,
      access_code: "AB12",
      registered_at: "2026-09-01T09:00:00Z",
      photos_available_at: null,
      photos_count: 3,
    },
    "POST /orders": {
      job_id: ids.job,
      customer_external_id: "C1",
      amount: "24.90",
      ordered_at: "2026-09-02T10:00:00Z",
      external_id: "o-1",
    },
    "POST /appointments": {
      customer_id: ids.customer,
      job_id: ids.job,
      starts_at: "2026-09-20T09:30:00+02:00",
      duration_minutes: 30,
      location: "Studio A",
      status: "scheduled",
      external_id: "ap-1",
    },
    "POST /events": { type: "photos_available", job_id: ids.job, customer_id: ids.customer, photos_count: 12 },
    "POST /profiles": {
      name: "Autumn",
      description: "School season",
      notifications: [
        { trigger: "photos_available", channel: "email", subject: "Photos", body: "Hi {{customer.first_name}}" },
      ],
    },
    "POST /messages": {
      name: "News",
      channels: ["email"],
      subject: "Hi",
      body: "Hello {{customer.first_name}}",
      filters: { job_ids: [ids.job], audience: "all" },
      send_at: "2026-09-02T10:00:00Z",
      external_id: "m-1",
    },
    "POST /deliveries/release": { ids: [1, 2] },
    "POST /deliveries/cancel": { message_id: 1 },
  });

  const ROUTES = [
    "POST /jobs",
    "PUT /jobs/J",
    "POST /customers",
    "POST /albums",
    "POST /registrations",
    "POST /orders",
    "POST /appointments",
    "POST /events",
    "POST /profiles",
    "POST /messages",
    "POST /deliveries/release",
    "POST /deliveries/cancel",
  ];

  test.each(ROUTES)(
    "%s: never a 5xx; a 4xx names the field and writes nothing; stored input shows escaped",
    async (route) => {
      const base = (bodies() as Record<string, Record<string, unknown>>)[route]!;
      const [method, rawPath] = route.split(" ") as [string, string];
      const path = rawPath.replace("/J", `/${ids.job}`);
      const input = fc.oneof({ weight: 9, arbitrary: mutated(base) }, { weight: 1, arbitrary: nastyValue });
      await fc.assert(
        fc.asyncProperty(input, async (body) => {
          generated++;
          const before = await rowCounts(t.db);
          const res = await t.call(method, path, body);
          expect({ route, status: res.status < 500 }).toEqual({ route, status: true });
          if (res.status >= 400) {
            expect(res.body?.error?.message).toBeString();
            // A 422 names each bad field; a 400 says the body is no JSON object, a 409 what it clashes with.
            if (res.status === 422) expect(Object.keys(res.body.error.fields).length).toBeGreaterThan(0);
            expect(await rowCounts(t.db)).toEqual(before);
          } else if (method !== "GET") {
            await expectShownEscaped(b, shownAt(path, res.body?.customer ?? res.body?.registration ?? res.body));
          }
        }),
        settings(),
      );
    },
  );
});

// ------------------------------------------------------------------ the staff forms

describe("the staff forms", () => {
  let t: TestApp;
  let b: Browser;
  let ids: { job: number; customer: number; profile: number };

  beforeAll(async () => {
    t = await makeTestApp({ now });
    const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "ui", now);
    const customer = await createCustomer(
      t.db,
      { first_name: "Anna", email: "anna@x.test", consent: { email: true } },
      "test",
      now,
    );
    await upsertRegistration(t.db, { jobId: job.id, customerId: customer.id, registeredAt: now }, "ui", now);
    const profile = await createProfile(t.db, { name: "Our own" }, now);
    ids = { job: job.id, customer: customer.id, profile: profile.id };
    b = await signedInOwner(t);
    await b.get("/");
  });

  const forms = () => ({
    "/messages": {
      base: {
        mode: "filters",
        name: "Reminder",
        channels: "email",
        subject: "Hi {{customer.first_name}}",
        body: "Hello",
        "filters.job_ids": String(ids.job),
        "filters.audience": "all",
        "filters.condition": "any",
        send_mode: "later",
        send_at_local: "2026-09-14T09:30",
        intent: "save",
        job_id: "",
        preview_customer_id: "",
      },
      shown: (location: string) => [location.split("?")[0]!, "/messages"],
    },
    "/jobs": {
      base: {
        name: "Lincoln",
        type: "school",
        year: "2026",
        status: "planning",
        shoot_date: "2026-09-14",
        archive_date: "2026-12-01",
        gallery_url: "https://shop.example.com/l",
        custom_text: "Smile",
        time_zone: "Europe/Berlin",
        profile_id: "",
      },
      shown: (location: string) => [location, "/jobs"],
    },
    "/customers": {
      base: {
        first_name: "Ben",
        last_name: "Jones",
        email: "ben@x.test",
        phone: "+15552010002",
        locale: "en",
        time_zone: "",
        consent_email: "on",
        consent_source: "form",
      },
      shown: (location: string) => [location.split("?")[0]!, "/customers"],
    },
    "/settings": {
      base: {
        name: "Sunny Side",
        postal_address: "1 Main St",
        phone: "+15550100000",
        website: "https://sunny.example",
        brand_color: "#2f6fdf",
        sender_name: "Sunny",
        sender_email: "hi@sunny.example",
        reply_to: "",
        sms_from: "",
        time_zone: "America/Chicago",
        send_window_start: "08:00",
        send_window_end: "21:00",
        stagger_batch_size: "100",
        stagger_interval_seconds: "60",
        overdue_hold_minutes: "60",
        late_grace_hours: "24",
        sms_help_reply: "Call us",
        public_url: "",
        default_profile_id: "",
      },
      shown: () => ["/settings", "/"],
    },
    "/profiles/P/notifications": {
      base: {
        trigger: "photos_available",
        channel: "email",
        offset_days: "0",
        offset_hours: "0",
        time_of_day: "immediately",
        audience: "all",
        condition: "any",
        subject: "Photos",
        body: "Hi {{customer.first_name}}",
        active: "on",
      },
      shown: () => ["/profiles/P"],
    },
  });

  test.each(["/messages", "/jobs", "/customers", "/settings", "/profiles/P/notifications"])(
    "POST %s: never a 5xx; a refusal is shown beside a field and writes nothing; what is saved shows escaped",
    async (route) => {
      const form = (forms() as Record<string, { base: Record<string, string>; shown: (location: string) => string[] }>)[
        route
      ]!;
      const path = route.replace("/P", `/${ids.profile}`);
      await fc.assert(
        fc.asyncProperty(mutatedForm(form.base), async (fields) => {
          generated++;
          const before = await rowCounts(t.db);
          const stored = await settingsRow(t.db);
          const res = await postForm(b, path, fields);
          expect({ route, status: res.status < 500 }).toEqual({ route, status: true });
          if (res.status >= 400) {
            expect({ route, status: res.status }).toEqual({ route, status: 422 });
            expect(res.text).toMatch(/class="error"|class="flash bad"/);
            expect(unescaped(res.text)).toBe(false);
            expect(await rowCounts(t.db)).toEqual(before);
            expect(await settingsRow(t.db)).toBe(stored);
          } else {
            expect(unescaped(res.text)).toBe(false);
            const shown = form
              .shown(res.location ?? "")
              .map((p) => p.replace("/P", `/${ids.profile}`))
              .filter(Boolean);
            await expectShownEscaped(b, shown);
          }
        }),
        settings(),
      );
    },
  );
});

// ------------------------------------------------------------------ the CSV import

describe("the CSV import", () => {
  test("any file: never a 5xx; a refused file writes nothing; imported rows show escaped", async () => {
    const t = await makeTestApp({ now });
    const job = await createJob(t.db, { name: "Lincoln", type: "school" }, {}, "ui", now);
    const b = await signedInOwner(t);
    await b.get("/customers/import");
    const COLUMNS = [
      "external_id",
      "first_name",
      "last_name",
      "email",
      "phone",
      "album",
      "access_code",
      "locale",
      "time_zone",
      "consent_email",
      "consent_sms",
      "consent_source",
    ];
    const good = {
      external_id: "",
      first_name: "Anna",
      last_name: "Lee",
      email: "anna@x.test",
      phone: "+15552010001",
      album: "3B",
      access_code: "AB12",
      locale: "en",
      time_zone: "",
      consent_email: "yes",
      consent_sms: "no",
      consent_source: "form",
    };
    const row = mutatedForm(good).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v])),
    );
    const file = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.array(row, { minLength: 1, maxLength: 6 }).map((rows) =>
          Papa.unparse(rows, {
            columns: [...COLUMNS, ...new Set(rows.flatMap((r) => Object.keys(r)))].filter(
              (c, i, a) => a.indexOf(c) === i,
            ),
          }),
        ),
      },
      { weight: 1, arbitrary: nastyString },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'first_name,email\n"unclosed,a@x.test\n',
          "first_name\n" + "x\n".repeat(3),
          "\uFEFFfirst_name;email\nAnna;anna@x.test\n",
          "email\n" + "a@x.test,".repeat(500),
        ),
      },
    );
    await fc.assert(
      fc.asyncProperty(file, fc.constantFrom("", String(job.id), "1e999", "-1", "abc"), async (csv, jobId) => {
        generated++;
        const before = await rowCounts(t.db);
        const fields = { csv, file_name: "x.csv", job_id: jobId, consent_source: "form", lawful: "on" };
        const preview = await postForm(b, "/customers/import/preview", fields);
        expect(preview.status === 200 || preview.status === 422).toBe(true);
        expect(unescaped(preview.text)).toBe(false);
        const res = await postForm(b, "/customers/import", fields);
        expect(res.status === 200 || res.status === 422).toBe(true);
        expect(unescaped(res.text)).toBe(false);
        if (res.status === 422) expect(await rowCounts(t.db)).toEqual(before);
        else await expectShownEscaped(b, ["/customers", `/jobs/${job.id}`]);
      }),
      settings(),
    );
  });
});

// ------------------------------------------------------------------ the webhooks

describe("the provider webhooks, signed", () => {
  const BASE = "https://pigeon.test";
  let resend: FakeResend;
  let twilio: FakeTwilio;
  let t: TestApp;
  const secret = fakeWebhookSecret();

  beforeAll(async () => {
    resend = startFakeResend();
    twilio = startFakeTwilio();
    t = await makeTestApp({
      now,
      env: {
        PUBLIC_URL: BASE,
        RESEND_API_KEY: resend.apiKey,
        RESEND_BASE_URL: resend.url,
        EMAIL_FROM: "Studio <hello@studio.test>",
        RESEND_WEBHOOK_SECRET: secret,
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM: "+15550009999",
        TWILIO_BASE_URL: twilio.url,
      },
    });
    const cu = await createCustomer(
      t.db,
      { first_name: "Anna", email: "anna@x.test", phone: "+15552010001", consent: { email: true, sms: true } },
      "test",
      now,
    );
    await createAppointment(t.db, { customerId: cu.id, startsAt: new Date("2026-09-10T14:00:00Z") }, "api", now);
  });
  afterAll(() => {
    resend.stop();
    twilio.stop();
  });

  const post = (url: string, req: { body: string; headers: Record<string, string> }) =>
    t.app.request(url, { method: "POST", body: req.body, headers: req.headers });

  test("Resend: any signed payload is answered without a 5xx", async () => {
    const types = fc.constantFrom(
      "email.sent",
      "email.delivered",
      "email.bounced",
      "email.complained",
      "email.opened",
      "email.clicked",
      "email.delivery_delayed",
      "contact.created",
    );
    const event = fc.oneof(
      {
        weight: 4,
        arbitrary: mutated({
          type: "email.delivered",
          created_at: "2026-09-01T10:00:00Z",
          data: { email_id: "re_1", to: ["anna@x.test"], tags: { pigeon: "1" } },
        }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          type: fc.oneof(types, nastyValue),
          created_at: nastyValue,
          data: fc.record(
            { email_id: nastyValue, to: nastyValue, tags: nastyValue, bounce: nastyValue },
            { requiredKeys: [] },
          ),
        }),
      },
      { weight: 1, arbitrary: nastyValue },
    );
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        generated++;
        const res = await post(`${BASE}/webhooks/resend`, resend.signWebhook(secret, e));
        expect(res.status).toBeLessThan(500);
      }),
      settings(RUNS * 2),
    );
  });

  test("Twilio: any signed status, reply or call step is answered without a 5xx; a reply keeps its text", async () => {
    const params = (base: Record<string, string>) =>
      mutatedForm(base).map((p) =>
        Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v])),
      );
    const calls = fc.oneof(
      params({
        MessageSid: "SM1",
        MessageStatus: "delivered",
        ErrorCode: "",
        To: "+15552010001",
        From: "+15550009999",
      }).map((p) => ({ path: "/webhooks/twilio/status?d=1", p })),
      params({ From: "+15552010001", To: "+15550009999", Body: "C", MessageSid: "SM2" }).map((p) => ({
        path: "/webhooks/twilio/inbound",
        p,
      })),
      fc
        .tuple(nastyString, params({ CallSid: "CA1", Digits: "9", To: "+15552010001" }))
        .map(([d, p]) => ({ path: `/webhooks/twilio/voice?d=${encodeURIComponent(d)}&step=gather`, p })),
    );
    await fc.assert(
      fc.asyncProperty(calls, async ({ path, p }) => {
        generated++;
        // A repeated MessageSid is a retry and handled once: each reply gets its own unless the input changed it.
        if (p.MessageSid === "SM2") p.MessageSid = `SM2-${generated}`;
        const before = await rowCounts(t.db);
        const signed = twilio.signCallback(twilio.authToken, `${BASE}${path}`, p);
        const res = await post(signed.url, signed);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(await rowCounts(t.db)).toEqual(before);
        if (path.endsWith("inbound") && res.status === 200 && typeof p.Body === "string") {
          const sid = p.MessageSid ?? p.SmsSid;
          const [stored] = await t.db.select().from(inboundMessages).orderBy(desc(inboundMessages.id)).limit(1);
          // Nothing cut short at a NUL: what the database cannot keep is dropped, the rest kept.
          if (stored && stored.providerMessageId === sid)
            expect(stored.body).toBe(p.Body.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, ""));
        }
      }),
      settings(RUNS * 2),
    );
  });
});
