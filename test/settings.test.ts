import { describe, expect, test } from "bun:test";
import { apiKeys, studioSettings, users } from "../src/db/schema.ts";
import { sha256Hex } from "../src/core/crypto.ts";
import { updateSettings } from "../src/db/settings.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";

const good = {
  name: "Brightside Photography",
  postal_address: "412 Orchard Lane, Springfield",
  phone: "+1 217 555 0142",
  website: "https://brightside.example",
  brand_color: "#aa3366",
  sender_name: "Brightside",
  sender_email: "Hello@Brightside.example",
  reply_to: "",
  sms_from: "",
  time_zone: "America/Chicago",
  send_window_start: "09:00",
  send_window_end: "21:00",
  stagger_batch_size: "500",
  stagger_interval_seconds: "60",
  overdue_hold_minutes: "120",
  late_grace_hours: "24",
  sms_help_reply: "",
  public_url: "",
  default_profile_id: "",
};

describe("studio settings", () => {
  test("saved values are normalised and shown again", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/settings");
    const res = await b.post("/settings", good);
    expect(res.status).toBe(303);
    const page = await b.get("/settings?saved=1");
    expect(page.text).toContain("Settings saved.");
    const [row] = await t.db.select().from(studioSettings);
    expect(row!.phone).toBe("+12175550142");
    expect(row!.senderEmail).toBe("hello@brightside.example");
    expect(row!.timeZone).toBe("America/Chicago");
  });

  test("bad values are named beside their fields and nothing is saved", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/settings");
    const res = await b.post("/settings", {
      ...good,
      name: "",
      brand_color: "blue",
      time_zone: "Nowhere/Special",
      send_window_start: "22:00",
      send_window_end: "08:00",
      stagger_batch_size: "0",
      sender_email: "nope",
      default_profile_id: "42",
    });
    expect(res.status).toBe(422);
    for (const msg of ["Studio name is required", "must be a colour like #2f6fdf", "must be an IANA time zone", "must be later than the start of the window", "must be between 1 and 100000 messages", "must be an e-mail address"]) {
      expect(res.text).toContain(msg);
    }
    expect(res.text).toContain('value="Nowhere/Special"');
    const [row] = await t.db.select().from(studioSettings);
    expect(row!.name).toBe("Sunny Side Photo");
  });

  test("with Resend on, the public base URL for links must be https, and a stored http one is pointed out", async () => {
    const resend = { PUBLIC_URL: "https://pigeon.test", RESEND_API_KEY: "re_123", EMAIL_FROM: "Studio <hi@studio.test>" };
    const t = await makeTestApp({ env: resend });
    const b = await signedInOwner(t);
    await b.get("/settings");
    const refused = await b.post("/settings", { ...good, public_url: "http://photos.brightside.example" });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain("must start with https:// while e-mail goes through Resend");
    expect(refused.text).toContain("RFC 8058 requires https");
    expect(refused.text).toContain('value="http://photos.brightside.example"');
    let [row] = await t.db.select().from(studioSettings);
    expect([row!.name, row!.publicUrl]).toEqual(["Sunny Side Photo", ""]);

    expect((await b.post("/settings", { ...good, public_url: "https://photos.brightside.example/" })).status).toBe(303);
    [row] = await t.db.select().from(studioSettings);
    expect(row!.publicUrl).toBe("https://photos.brightside.example");

    // A base saved before Resend was turned on is pointed out where it is set.
    await updateSettings(t.db, { publicUrl: "http://old.brightside.example" }, new Date());
    expect((await b.get("/settings")).text).toContain("must start with https:// while e-mail goes through Resend");
  });

  for (const [when, env] of [
    ["with ALLOW_HTTP_PUBLIC_URL=true", { PUBLIC_URL: "http://localhost:3000", RESEND_API_KEY: "re_123", EMAIL_FROM: "Studio <hi@studio.test>", ALLOW_HTTP_PUBLIC_URL: "true" }],
    ["without Resend", {}],
  ] as const) {
    test(`${when}, an http base URL for links is accepted`, async () => {
      const t = await makeTestApp({ env });
      const b = await signedInOwner(t);
      await b.get("/settings");
      expect((await b.post("/settings", { ...good, public_url: "http://photos.brightside.example" })).status).toBe(303);
      expect((await t.db.select().from(studioSettings))[0]!.publicUrl).toBe("http://photos.brightside.example");
    });
  }

  test("the time zone is stored by its canonical name", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/settings");
    expect((await b.post("/settings", { ...good, time_zone: "america/chicago" })).status).toBe(303);
    expect((await t.db.select().from(studioSettings))[0]!.timeZone).toBe("America/Chicago");
  });

  test("staff members cannot open settings", async () => {
    const t = await makeTestApp();
    const owner = await signedInOwner(t);
    await owner.get("/settings/staff");
    const added = await owner.post("/settings/staff", { name: "Sam Staff", email: "sam@sunny.test", password: "staff password 1" });
    expect(added.status).toBe(303);
    expect((await owner.get(added.location!)).text).toContain("Sam Staff can now log in with sam@sunny.test");
    const sam = t.browser();
    await sam.get("/login");
    expect((await sam.post("/login", { email: "sam@sunny.test", password: "staff password 1" })).status).toBe(303);
    expect((await sam.get("/jobs")).status).toBe(200);
    const denied = await sam.get("/settings");
    expect(denied.status).toBe(403);
    expect(denied.text).toContain("Only the studio owner");
  });
});

describe("staff accounts", () => {
  test("bad and duplicate staff input is refused with the reason", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/settings/staff");
    const bad = await b.post("/settings/staff", { name: "", email: "x", password: "123" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("Name is required");
    expect(bad.text).toContain("must be at least 10 characters");
    const dup = await b.post("/settings/staff", { name: "Owner Again", email: "OWNER@sunny.test", password: "long enough password" });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain("exists already");
    expect(dup.text).toContain('value="Owner Again"');
    expect(await t.db.select().from(users)).toHaveLength(1);
  });

  test("removing a staff member signs them out at once; the owner cannot be removed", async () => {
    const t = await makeTestApp();
    const owner = await signedInOwner(t);
    await owner.get("/settings/staff");
    await owner.post("/settings/staff", { name: "Sam Staff", email: "sam@sunny.test", password: "staff password 1" });
    const sam = t.browser();
    await sam.get("/login");
    await sam.post("/login", { email: "sam@sunny.test", password: "staff password 1" });
    const samRow = (await t.db.select().from(users)).find((u) => u.role === "staff")!;
    const ownerRow = (await t.db.select().from(users)).find((u) => u.role === "owner")!;
    const removed = await owner.post(`/settings/staff/${samRow.id}/delete`, {});
    expect(removed.text).toContain("Staff account removed");
    expect((await sam.request("/jobs")).status).toBe(303);
    const refused = await owner.post(`/settings/staff/${ownerRow.id}/delete`, {});
    expect(refused.text).toContain("the owner cannot be removed");
  });
});

describe("API keys", () => {
  test("a new key is shown once and stored only as a hash; revoking works", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/settings/api-keys");
    const res = await b.post("/settings/api-keys", { name: "Photo shop" });
    expect(res.status).toBe(201);
    const key = res.text.match(/id="new-api-key">([^<]+)</)![1]!;
    expect(key).toMatch(/^pgn_/);
    const [row] = await t.db.select().from(apiKeys);
    expect(row!.keyHash).toBe(sha256Hex(key));
    expect(JSON.stringify(row)).not.toContain(key);
    const list = await b.get("/settings/api-keys");
    expect(list.text).not.toContain(key);
    expect(list.text).toContain(key.slice(0, 10));
    await b.post(`/settings/api-keys/${row!.id}/revoke`, {});
    expect((await b.get("/settings/api-keys")).text).toContain("Revoked");
  });

  test("a key without a name is refused", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/settings/api-keys");
    const res = await b.post("/settings/api-keys", { name: " " });
    expect(res.status).toBe(422);
    expect(res.text).toContain("A name for the key is required");
    expect(await t.db.select().from(apiKeys)).toHaveLength(0);
  });
});
