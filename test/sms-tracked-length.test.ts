// An SMS's links are sent as tracked links (`<base>/t/<token>`) when the studio tracks links
// (issue 14): the save-time length check counts each trackable address as the longest tracked
// link it can become, so a text the check accepts is never failed at sending for everyone.
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { notificationSchema } from "../src/core/notification-input.ts";
import { LONGEST_TRACK_TOKEN, OPT_OUT_HINT, SMS_MAX, smsTemplateLengthProblem } from "../src/core/sms-text.ts";
import { templateInput } from "../src/core/template-input.ts";
import { fieldErrors } from "../src/core/validation.ts";
import { deliveries, messages } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { signedInOwner } from "./support/app.ts";
import { pageText, postForm } from "./support/forms.ts";
import { noon, sendStudio } from "./support/send-studio.ts";

const studio = sendStudio();
afterAll(studio.stop);

const BASE = "https://pigeon.test"; // send-studio's PUBLIC_URL
const LINK = "https://x.co/a";
/** The tracked link at its longest, as the check counts it. */
const TRACKED = `${BASE}/t/`.length + LONGEST_TRACK_TOKEN;
/** Filler, then the link: as long as fits with the opt-out line once the link is tracked. */
const fitting = (extra = 0) => {
  const room = SMS_MAX - ` ${OPT_OUT_HINT}`.length - TRACKED - 1;
  return `${"a".repeat(room + extra)} ${LINK}`;
};

const form = (over: Record<string, string | string[]>) => ({
  name: "Spring sale",
  mode: "filters",
  "filters.audience": "all",
  "filters.condition": "any",
  send_mode: "now",
  ...over,
});

describe("the save check counts a tracked link's length", () => {
  test("the longest token is computed from the real signing, ids at their largest", () => {
    // "t:" + 3 ids of 11 base36 digits + separators, base64url, "." and 22 signature characters.
    expect(LONGEST_TRACK_TOKEN).toBe(75);
  });

  test("a text that fits only with its short address is refused, saying links are counted as tracked", () => {
    const body = fitting(1);
    const untracked = smsTemplateLengthProblem(body, { required: true, hint: OPT_OUT_HINT });
    expect(untracked).toBeNull();
    expect(smsTemplateLengthProblem(body, { required: true, hint: OPT_OUT_HINT, trackedBase: BASE })).toBe(
      "An SMS can hold at most 1,600 characters (Twilio's limit); with the opt-out line Pigeon adds and links counted as the short tracked links they become, this text has 1,601 characters",
    );
    expect(smsTemplateLengthProblem(fitting(), { required: true, hint: OPT_OUT_HINT, trackedBase: BASE })).toBeNull();
  });

  test("Pigeon's own links are not tracked, so they count as they are", () => {
    const own = `${"a".repeat(1_500)} ${BASE}/u/abc.def`;
    expect(smsTemplateLengthProblem(own, { required: true, trackedBase: BASE })).toBeNull();
  });

  test("a long address counts as the shorter tracked link it becomes", () => {
    const long = `https://shop.example/${"p".repeat(200)}`;
    const body = `${"a".repeat(1_400)} ${long}`;
    expect(smsTemplateLengthProblem(body, { required: true, hint: OPT_OUT_HINT })).not.toBeNull();
    expect(smsTemplateLengthProblem(body, { required: true, hint: OPT_OUT_HINT, trackedBase: BASE })).toBeNull();
  });

  test("templates and notifications count the same way", () => {
    const sms = { hint: OPT_OUT_HINT, trackedBase: BASE };
    const tpl = templateInput([], sms).safeParse({ name: "T", channel: "sms", body: fitting(1), subject: "" });
    expect(tpl.success ? {} : fieldErrors(tpl.error)).toMatchObject({
      body: expect.stringContaining("links counted as the short tracked links they become"),
    });
    const n = notificationSchema([], sms).safeParse({
      trigger: "job_selling",
      channel: "sms",
      body: fitting(1),
      active: true,
    });
    expect(n.success ? {} : fieldErrors(n.error)).toMatchObject({
      body: expect.stringContaining("links counted as the short tracked links they become"),
    });
  });
});

describe("the message form", () => {
  test("refuses a text whose tracked link takes it past the limit, and keeps what was typed", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const sms_body = fitting(1);
    const saved = await postForm(
      b,
      "/messages",
      form({ channels: ["sms"], sms_body, "filters.customer_ids": String(people[0]!.id), intent: "save" }),
    );
    expect(saved.status).toBe(422);
    expect(pageText(saved.text)).toContain("links counted as the short tracked links they become, this text has 1,601");
    expect(saved.text).toContain(LINK);
    expect(await t.db.select().from(messages)).toHaveLength(0);
  });

  test("with link tracking off, the same text is saved: its address is sent as it is", async () => {
    const { t, people } = await studio.studio();
    await updateSettings(t.db, { trackLinks: false }, noon);
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const saved = await postForm(
      b,
      "/messages",
      form({ channels: ["sms"], sms_body: fitting(1), "filters.customer_ids": String(people[0]!.id), intent: "save" }),
    );
    expect(saved.status).toBe(303);
  });

  test("the longest text it accepts is sent, its link tracked, not failed for being too long", async () => {
    const { t, people, dispatcher } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const saved = await postForm(
      b,
      "/messages",
      form({ channels: ["sms"], sms_body: fitting(), "filters.customer_ids": String(people[0]!.id), intent: "save" }),
    );
    expect(saved.status).toBe(303);
    const [m] = await t.db.select().from(messages);
    await b.get(`/messages/${m!.id}/send`);
    expect((await postForm(b, `/messages/${m!.id}/send`, {})).status).toBe(303);
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();
    const [d] = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
    expect([d!.status, d!.lastError]).toEqual(["sent", null]);
    const sent = studio.twilio.sent.find((x) => x.to === people[0]!.phone)!;
    expect(sent.body).toContain(`${BASE}/t/`);
    expect(sent.body.length).toBeLessThanOrEqual(SMS_MAX);
  });
});

describe("the composer's counter", () => {
  const previewOf = async (trackLinks: boolean) => {
    const { t, people } = await studio.studio();
    if (!trackLinks) await updateSettings(t.db, { trackLinks: false }, noon);
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const res = await postForm(
      b,
      "/messages/preview",
      form({ channels: ["sms"], sms_body: `Hi ${LINK}`, "filters.customer_ids": String(people[0]!.id) }),
      { "HX-Request": "true" },
    );
    expect(res.status).toBe(200);
    return res.text;
  };

  test("counts a link as the tracked link it becomes, and says so", async () => {
    const html = await previewOf(true);
    const counted = "Hi ".length + TRACKED + ` ${OPT_OUT_HINT}`.length;
    expect(html).toContain(`<strong>${counted}</strong> characters`);
    expect(pageText(html)).toContain("Links counted as the short tracked links they become");
  });

  test("with link tracking off, counts the address as typed", async () => {
    const html = await previewOf(false);
    expect(html).toContain(`<strong>${`Hi ${LINK} ${OPT_OUT_HINT}`.length}</strong> characters`);
    expect(html).not.toContain("Links counted as the short tracked links");
  });
});
