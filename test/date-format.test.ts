// One clock for staff, each customer's own for customers (issue 11): a studio in Berlin reads
// every time on its pages in Berlin time with the zone named, never UTC, and the hour a
// fall-back night shows twice reads two ways; a German customer's texts carry German dates in
// their own zone; the report's CSV carries offsets.
import { describe, expect, test } from "bun:test";
import Papa from "papaparse";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { createAppointment, createCustomer } from "../src/db/customers.ts";
import { databaseDevOutboxStore } from "../src/db/dev-outbox-store.ts";
import { createJob } from "../src/db/jobs.ts";
import { devOutbox } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { createDevProviders } from "../src/providers/dev-outbox.ts";
import { type Browser, makeTestApp, signedInOwner, type TestApp } from "./support/app.ts";
import { pageText as text, postForm } from "./support/forms.ts";

const noon = new Date("2026-09-01T10:00:00Z"); // 12:00 CEST in Berlin

/** A studio in Berlin with a job, and a German customer with e-mail and SMS consent. */
async function berlinStudio(now = noon) {
  const t = await makeTestApp({ now });
  const b = await signedInOwner(t);
  await updateSettings(
    t.db,
    { name: "Sonnenschein Foto", postalAddress: "Hauptstr. 1, Berlin", timeZone: "Europe/Berlin", locale: "de" },
    now,
  );
  const job = await createJob(
    t.db,
    { name: "Grundschule Mitte", type: "school", year: 2026, status: "selling", shoot_date: "2026-09-14" },
    {},
    "ui",
    now,
  );
  const greta = await createCustomer(
    t.db,
    {
      first_name: "Greta",
      last_name: "Gruber",
      email: "greta@x.test",
      phone: "+4917078678194",
      locale: "de",
      consent: { email: true, sms: true },
    },
    "test",
    now,
  );
  const dispatcher = createDispatcher(
    t.deps,
    createDevProviders(databaseDevOutboxStore(t.db), { clock: t.deps.clock, lineType: () => "mobile" }),
    { owner: "test", random: () => 0.5 },
  );
  return { t, b, job, greta, dispatcher };
}

/** Sends one SMS message to these appointments now and returns the texts as the dev outbox got them. */
async function sendToAppointments(
  w: { t: TestApp; b: Browser; dispatcher: ReturnType<typeof createDispatcher> },
  ids: number[],
  body: string,
) {
  const chosen = ids.map(String);
  await w.b.get(`/messages/new?appointment_ids=${chosen.join(",")}`);
  const saved = await postForm(w.b, "/messages", {
    mode: "filters",
    name: "Reminder",
    channels: "sms",
    body,
    sms_body: body,
    "filters.appointment_ids": chosen,
    "filters.audience": "all",
    "filters.condition": "any",
    send_mode: "now",
    intent: "send",
  });
  expect(saved.status).toBe(303);
  const id = Number(saved.location!.match(/\/messages\/(\d+)/)![1]);
  expect((await w.b.post(`/messages/${id}/send`, {})).status).toBe(303);
  await runOneTimeMessages(w.t.deps, w.t.deps.clock());
  await w.dispatcher.tick();
  return { id, texts: (await w.t.db.select().from(devOutbox)).map((m) => [m.toAddress, m.body]).sort() };
}

describe("staff read every time in the studio's zone, named", () => {
  test("a Berlin studio's outbox, delivery timeline, customer history and job status history say 12:00 CEST, never UTC", async () => {
    const w = await berlinStudio();
    const a = await createAppointment(
      w.t.db,
      { customerId: w.greta.id, jobId: w.job.id, startsAt: new Date("2026-09-14T13:30:00Z") },
      "api",
      noon,
    );
    await sendToAppointments(w, [a.id], "Bis bald!");
    expect((await w.b.post(`/jobs/${w.job.id}/status`, { status: "archived" })).status).toBe(303);

    const outbox = text((await w.b.get("/outbox")).text);
    expect(outbox).toContain("2026-09-01 12:00 CEST");
    const deliveryId = Number((await w.b.get("/outbox")).text.match(/href="\/outbox\/(\d+)"/)![1]);
    const delivery = text((await w.b.get(`/outbox/${deliveryId}`)).text);
    expect(delivery).toContain("Created 2026-09-01 12:00:00 CEST");
    const customer = text((await w.b.get(`/customers/${w.greta.id}`)).text);
    expect(customer).toContain("2026-09-01 12:00 CEST"); // added, and the message history
    expect(customer).toContain("2026-09-14 15:30 CEST · 30 min"); // the appointment
    const job = text((await w.b.get(`/jobs/${w.job.id}`)).text);
    expect(job).toMatch(/selling → archived 2026-09-01 12:00 CEST via/);
    const appointments = text((await w.b.get("/appointments")).text);
    expect(appointments).toContain("Mon 2026-09-14 15:30 CEST");

    for (const [name, page] of Object.entries({ outbox, delivery, customer, job, appointments })) {
      expect({ name, utc: page.includes("UTC"), tenOClock: page.includes("10:00") }).toEqual({
        name,
        utc: false,
        tenOClock: false,
      });
    }
  });

  test("the hour a fall-back night shows twice reads two ways: 02:30 CEST, then 02:30 CET", async () => {
    const first = new Date("2026-10-25T00:30:00Z"); // 02:30 CEST
    const w = await berlinStudio(first);
    await w.b.post(`/jobs/${w.job.id}/status`, { status: "archived" });
    w.t.setNow(new Date("2026-10-25T01:30:00Z")); // 02:30 again, now CET
    await w.b.post(`/jobs/${w.job.id}/status`, { status: "selling" });
    const job = text((await w.b.get(`/jobs/${w.job.id}`)).text);
    expect(job).toContain("selling → archived 2026-10-25 02:30 CEST");
    expect(job).toContain("archived → selling 2026-10-25 02:30 CET");
  });

  test("API keys' created and last used times are in the studio's zone", async () => {
    const w = await berlinStudio(new Date("2026-10-24T10:00:00Z"));
    await w.b.get("/settings/api-keys");
    const created = await w.b.post("/settings/api-keys", { name: "Shop" });
    const key = created.text.match(/id="new-api-key">([^<]+)</)?.[1];
    expect(key).toBeTruthy();
    w.t.setNow(new Date("2026-10-26T09:15:00Z")); // 10:15 CET
    expect(
      (await w.t.app.request("http://localhost/api/v1/jobs", { headers: { Authorization: `Bearer ${key}` } })).status,
    ).toBe(200);
    const page = text((await w.b.get("/settings/api-keys")).text);
    // Created by the database's own clock, last used by the app's: both in Berlin time.
    expect(page).toMatch(/Shop pgn_\S+ \d{4}-\d\d-\d\d \d\d:\d\d CES?T 2026-10-26 10:15 CET Revoke/);
    expect(page).not.toContain("UTC");
  });
});

describe("customers read dates in their own language and zone", () => {
  test("a German customer's SMS says Montag, 14. September and 15:30; a customer in Chicago gets 8:30 AM", async () => {
    // 17:00 in Berlin, 10:00 in Chicago: inside both sending windows.
    const w = await berlinStudio(new Date("2026-09-01T15:00:00Z"));
    const sam = await createCustomer(
      w.t.db,
      {
        first_name: "Sam",
        last_name: "Stone",
        phone: "+13125550100",
        locale: "en",
        time_zone: "America/Chicago",
        consent: { sms: true },
      },
      "test",
      noon,
    );
    const at = new Date("2026-09-14T13:30:00Z");
    const a1 = await createAppointment(w.t.db, { customerId: w.greta.id, jobId: w.job.id, startsAt: at }, "api", noon);
    const a2 = await createAppointment(w.t.db, { customerId: sam.id, jobId: w.job.id, startsAt: at }, "api", noon);
    const { texts } = await sendToAppointments(
      w,
      [a1.id, a2.id],
      "{{appointment.date}}, {{appointment.time}}; Fototag {{job.shoot_date}}",
    );
    expect(texts.map(([to, body]) => [to, body!.split(/\n| Reply| Antworte/)[0]])).toEqual([
      ["+13125550100", "Monday, September 14, 8:30 AM; Fototag Monday, September 14, 2026"],
      ["+4917078678194", "Montag, 14. September, 15:30; Fototag Montag, 14. September 2026"],
    ]);
  });

  test("the report's CSV gives appointment times as ISO 8601 with the studio zone's offset", async () => {
    const w = await berlinStudio();
    const nobody = await createCustomer(
      w.t.db,
      { first_name: "Nora", last_name: "Nophone", locale: "de", consent: {} },
      "test",
      noon,
    );
    const a = await createAppointment(
      w.t.db,
      { customerId: nobody.id, jobId: w.job.id, startsAt: new Date("2026-09-14T13:30:00Z") },
      "api",
      noon,
    );
    const b = await createAppointment(
      w.t.db,
      { customerId: w.greta.id, jobId: w.job.id, startsAt: new Date("2026-09-14T14:30:00Z") },
      "api",
      noon,
    );
    const { id } = await sendToAppointments(w, [a.id, b.id], "Bis bald!");
    const csv = (await w.b.get(`/messages/${id}/report.csv`)).text.replace(/^\ufeff/, "");
    const rows = Papa.parse<Record<string, string>>(csv.trim(), { header: true }).data;
    expect(rows.map((r) => [r.first_name, r.appointment])).toEqual([["Nora", "2026-09-14T15:30:00+02:00"]]);
  });
});
