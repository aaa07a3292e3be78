import { describe, expect, test } from "bun:test";
import { pageText } from "./support/forms.ts";
import { eq } from "drizzle-orm";
import { createJob } from "../src/db/jobs.ts";
import { events, jobs, studioSettings } from "../src/db/schema.ts";
import { getSettings, updateSettings } from "../src/db/settings.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";

const validJob = {
  name: "Lincoln Elementary – Fall Portraits",
  type: "school",
  year: "2026",
  status: "planning",
  shoot_date: "2026-09-14",
  archive_date: "2026-12-14",
  coupon_deadline: "2026-10-01",
  gallery_url: "https://shop.example.com/lincoln",
};

describe("jobs", () => {
  test("a job is created from the form and shown on its page", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    const res = await b.post("/jobs", validJob);
    expect(res.status).toBe(303);
    const page = await b.get(res.location!);
    expect(page.text).toContain("Lincoln Elementary – Fall Portraits");
    expect(page.text).toContain("2026-09-14");
    expect(page.text).toContain("Set to selling");
  });

  test("bad input is answered beside each field, what was typed is kept and nothing is written", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    const res = await b.post("/jobs", {
      name: "  ",
      type: "wedding",
      year: "20x6",
      shoot_date: "2026-02-30",
      archive_date: "2026-01-01",
      gallery_url: "javascript:alert(1)",
      time_zone: "Mars/Olympus",
      custom_text: "Keep <this> text",
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain("Name is required");
    expect(res.text).toContain("must be one of school, kindergarten");
    expect(res.text).toContain("must be a year like 2026");
    expect(res.text).toContain("is not a real calendar date");
    expect(res.text).toContain("must be a web address like https://shop.example.com/lincoln");
    expect(res.text).toContain("must be an IANA time zone");
    expect(res.text).toContain("Keep &lt;this&gt; text");
    expect(res.text).toContain('value="20x6"');
    expect(await t.db.select().from(jobs)).toHaveLength(0);
  });

  test("a form body over 1 MB is refused before it is read, and nothing is written", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    const res = await b.post("/jobs", { ...validJob, custom_text: "x".repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.text).toContain("larger than 1 MB");
    expect(await t.db.select().from(jobs)).toHaveLength(0);
  });

  test("a new job gets the studio's default profile unless someone chose otherwise", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const standard = (await t.db.query.communicationProfiles.findMany()).find((p) => p.name === "Standard")!;
    await t.db.update(studioSettings).set({ defaultProfileId: standard.id });
    const form = await b.get("/jobs/new");
    expect(form.text).toContain(`<option value="${standard.id}" selected="">Standard</option>`);
    await b.post("/jobs", { ...validJob, name: "Chose none", profile_id: "" });
    const viaApi = await createJob(t.db, { name: "From the shop", type: "school" }, {}, "api", t.deps.clock());
    const rows = await t.db.select().from(jobs).orderBy(jobs.id);
    expect(rows.map((j) => [j.name, j.profileId])).toEqual([
      ["Chose none", null],
      ["From the shop", standard.id],
    ]);
    expect(viaApi.profileId).toBe(standard.id);
    // Giving the first job a profile later: its page says the plan follows within seconds (it is
    // made by the next scheduler tick, so "Not planned" may show until then).
    const chose = rows[0]!;
    const saved = await b.post(`/jobs/${chose.id}`, {
      ...validJob,
      name: "Chose none",
      profile_id: String(standard.id),
    });
    expect(pageText((await b.get(saved.location!)).text)).toContain(
      "Saved. The profile's notifications are planned within a few seconds: reload this page to see when each goes.",
    );
  });

  test("a profile that does not exist is named beside its field", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    const res = await b.post("/jobs", { ...validJob, profile_id: "77" });
    expect(res.status).toBe(422);
    expect(res.text).toContain("That profile no longer exists.");
    expect(await t.db.select().from(jobs)).toHaveLength(0);
  });

  test("the archive date may not be before the picture day", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    const res = await b.post("/jobs", { ...validJob, archive_date: "2026-09-01" });
    expect(res.status).toBe(422);
    expect(res.text).toContain("must be on or after the picture day");
  });

  test("status changes record one event per real transition, none for a repeat", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    const created = await b.post("/jobs", validJob);
    const id = Number(created.location!.split("/").pop());
    await b.get(`/jobs/${id}`);
    expect((await b.post(`/jobs/${id}/status`, { status: "selling" })).status).toBe(303);
    expect((await b.post(`/jobs/${id}/status`, { status: "selling" })).status).toBe(303);
    await b.post(`/jobs/${id}/status`, { status: "archived" });
    await b.post(`/jobs/${id}/status`, { status: "planning" });
    const rows = await t.db.select().from(events).where(eq(events.jobId, id)).orderBy(events.id);
    expect(rows.map((r) => `${r.fromStatus}→${r.toStatus}`)).toEqual([
      "planning→selling",
      "selling→archived",
      "archived→planning",
    ]);
    const page = await b.get(`/jobs/${id}`);
    expect(page.text).toContain("Set to selling");
    const bad = await b.post(`/jobs/${id}/status`, { status: "sold-out" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("must be one of planning, selling, archived");
  });

  test("a job created straight into selling records that transition", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    await b.post("/jobs", { ...validJob, status: "selling" });
    const rows = await t.db.select().from(events);
    expect(rows.map((r) => `${r.type}:${r.fromStatus}→${r.toStatus}`)).toEqual(["job_status_changed:planning→selling"]);
  });

  test("editing keeps the status and shows errors with input kept", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    const created = await b.post("/jobs", { ...validJob, status: "selling" });
    const id = Number(created.location!.split("/").pop());
    const form = await b.get(`/jobs/${id}/edit`);
    expect(form.text).toContain('value="Lincoln Elementary – Fall Portraits"');
    const bad = await b.post(`/jobs/${id}`, { ...validJob, name: "Renamed", year: "1800" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('value="Renamed"');
    const ok = await b.post(`/jobs/${id}`, { ...validJob, name: "Renamed", status: "archived" });
    expect(ok.status).toBe(303);
    // The page it lands on says the save happened.
    expect(pageText((await b.get(ok.location!)).text)).toContain("Saved.");
    const [row] = await t.db.select().from(jobs).where(eq(jobs.id, id));
    expect(row!.name).toBe("Renamed");
    expect(row!.status).toBe("selling");
  });

  test("an unknown job is a 404 page", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const res = await b.get("/jobs/999");
    expect(res.status).toBe(404);
    expect(res.text).toContain("There is no such job");
    expect((await b.get("/jobs/abc")).status).toBe(404);
  });

  test("albums are added, refused when duplicate or empty, and deleted", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    const created = await b.post("/jobs", validJob);
    const id = Number(created.location!.split("/").pop());
    await b.get(`/jobs/${id}`);
    expect((await b.post(`/jobs/${id}/albums`, { album_name: "Class 3B" })).status).toBe(303);
    const dup = await b.post(`/jobs/${id}/albums`, { album_name: "Class 3B" });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain("already has an album called “Class 3B”");
    const empty = await b.post(`/jobs/${id}/albums`, { album_name: "" });
    expect(empty.text).toContain("Album name is required");
    const page = await b.get(`/jobs/${id}`);
    expect(page.text).toContain("Class 3B");
    const album = await t.db.query.albums.findFirst();
    await b.post(`/jobs/${id}/albums/${album!.id}/delete`, {});
    expect(await t.db.query.albums.findMany()).toHaveLength(0);
  });

  test("the list filters by status, year, type and search, paginates, and answers htmx with the table only", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/jobs/new");
    for (let i = 0; i < 30; i++) {
      await b.post("/jobs", {
        name: `School ${i}`,
        type: i % 2 ? "sports" : "school",
        year: i < 10 ? "2025" : "2026",
        status: i % 3 === 0 ? "selling" : "planning",
      });
    }
    await b.post("/jobs", { name: "100% Fun Day", type: "event", year: "2026" });
    const all = await b.get("/jobs");
    expect(all.text).toContain("Page 1 of 2");
    expect(all.text).toContain("31 in all");
    const selling = await b.get("/jobs?status=selling&year=2025");
    expect(selling.text).toContain("4 in all");
    const sports = await b.get("/jobs?type=sports&q=School%201");
    expect(sports.text).toContain("School 19");
    expect(sports.text).not.toContain("School 18<");
    const pct = await b.get("/jobs?q=100%25");
    expect(pct.text).toContain("100% Fun Day");
    expect(pct.text).toContain("1 in all");
    const partial = await b.get("/jobs?status=selling", { "HX-Request": "true", "HX-Request-Type": "partial" });
    expect(partial.text.startsWith('<div id="jobs-results">')).toBe(true);
    // The Back button's history restore asks for the whole page.
    const restore = await b.get("/jobs?status=selling", { "HX-Request": "true", "HX-Request-Type": "full" });
    expect(restore.text).toContain("<!DOCTYPE html>");
    const none = await b.get("/jobs?q=nothing-matches");
    expect(none.text).toContain("No jobs match these filters");
  });
});

describe("demo data", () => {
  test("loads a studio with jobs in every status, and only into an empty install", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const res = await b.post("/demo", {});
    expect(res.status).toBe(303);
    // Where it lands says what was loaded.
    expect(pageText((await b.get(res.location!)).text)).toContain("The demo studio is loaded: 7 jobs, 300 customers,");
    const list = await b.get("/jobs");
    expect(list.text).toContain("Lincoln Elementary");
    // Registered and order counts per job row: Lincoln has 90 registrations in the demo.
    const lincolnRow = list.text.match(/Lincoln Elementary[^]*?<\/tr>/)![0];
    const counts = [...lincolnRow.matchAll(/<td class="num[^"]*">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(counts[1]).toBe(90);
    expect(counts[2]).toBeGreaterThan(10);
    const lincoln = (await t.db.select().from(jobs)).find((j) => j.name.startsWith("Lincoln"))!;
    const jobPage = await b.get(`/jobs/${lincoln.id}`);
    expect(jobPage.text).toContain("Registered customers (90)");
    expect(jobPage.text).toMatch(/Class 1A <span class="muted">\((\d+) registered\)/);
    expect(Number(jobPage.text.match(/Class 1A <span class="muted">\((\d+) registered\)/)![1])).toBeGreaterThan(5);
    expect(jobPage.text).toContain(">Buyer<");
    expect(jobPage.text).toContain(">Potential<");
    const statuses = new Set((await t.db.select().from(jobs)).map((j) => j.status));
    expect([...statuses].sort()).toEqual(["archived", "planning", "selling"]);
    const dash = await b.get("/");
    expect(dash.text).toContain("300");
    expect(dash.text).not.toContain("Load demo data");
    const again = await b.post("/demo", {});
    expect(again.status).toBe(409);
    expect(again.text).toContain("only be loaded into an empty studio");
  });
});

// The new-owner walk: set up as "Sunny Lens Studio", load the demo, and the studio was renamed
// "Brightside Photography" everywhere, its sender too, without a word.
test("demo data keeps the studio's own name and details; it fills only what is unset", async () => {
  const t = await makeTestApp();
  const b = await signedInOwner(t);
  await updateSettings(
    t.db,
    { name: "Sunny Lens Studio", timeZone: "Europe/Berlin", replyTo: "desk@sunny.test" },
    t.deps.clock(),
  );
  const before = await getSettings(t.db);
  expect((await b.post("/demo", {})).status).toBe(303);
  const s = await getSettings(t.db);
  expect([s.name, s.senderName, s.timeZone, s.replyTo]).toEqual([
    "Sunny Lens Studio",
    before.senderName,
    "Europe/Berlin",
    "desk@sunny.test",
  ]);
  // What the studio had not set comes from the demo, so its messages have an address and a sender.
  expect([s.postalAddress, s.senderEmail]).toEqual([
    "412 Orchard Lane, Springfield, IL 62704, USA",
    "hello@brightside-photo.example",
  ]);
  expect(s.smsHelpReply).toStartWith("Sunny Lens Studio: questions?");
  expect((await b.get("/")).text).toContain("Sunny Lens Studio");
});
