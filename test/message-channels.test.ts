// A text per channel (issue 12): a one-time message's e-mail (subject, preheader, Markdown body),
// its SMS (its own plain text) and its call (its script) are checked, decided and sent each on
// its own, and "Copy from e-mail" drafts the SMS without JavaScript and without saving.
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { messageInput } from "../src/core/message-input.ts";
import { messageValueProblems, requiredByChannel } from "../src/core/message-values.ts";
import { fieldErrors } from "../src/core/validation.ts";
import { customers, deliveries, messages } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { signedInOwner } from "./support/app.ts";
import { pageText, postForm } from "./support/forms.ts";
import { noon, sendStudio } from "./support/send-studio.ts";

const check = (raw: Record<string, unknown>) => {
  const r = messageInput([], "US").safeParse({ name: "Spring", ...raw });
  return r.success ? {} : fieldErrors(r.error);
};

describe("messageInput: each chosen channel needs its own text", () => {
  test("SMS ticked without an SMS text is refused on sms_body, even with an e-mail body", () => {
    expect(check({ channels: ["email", "sms"], subject: "Hi", body: "Hello **there**" })).toEqual({
      sms_body: "Write the SMS text",
    });
    expect(check({ channels: ["sms"], body: "only the e-mail's text" }).sms_body).toBe("Write the SMS text");
  });

  test("the e-mail needs its subject and body; the SMS's text does not stand in for the body", () => {
    expect(check({ channels: ["email"], sms_body: "Hi" })).toEqual({
      subject: "An e-mail needs a subject",
      body: "Write the e-mail",
    });
  });

  test("a call needs its script or a recording: the e-mail body is no longer read out", () => {
    expect(check({ channels: ["voice"], body: "Hello" }).voice_script).toBe(
      "Write what the call says, or upload a recording",
    );
    expect(check({ channels: ["voice"], voice_audio_id: 3 })).toEqual({});
    expect(check({ channels: ["voice"], voice_script: "Hello" })).toEqual({});
  });

  // The opt-out line every one-time SMS gets (" Reply STOP to opt out.", 23) is part of what Twilio counts.
  test("an SMS over Twilio's 1,600 characters, opt-out line included, is refused on sms_body", () => {
    expect(check({ channels: ["sms"], sms_body: "a".repeat(1_578) }).sms_body).toBe(
      "An SMS can hold at most 1,600 characters (Twilio's limit); with the opt-out line Pigeon adds, this text has 1,601 characters",
    );
    expect(check({ channels: ["sms"], sms_body: "a".repeat(1_577) })).toEqual({});
    // A text that says STOP itself gets no line added: 1,600 fit.
    expect(check({ channels: ["sms"], sms_body: `${"a".repeat(1_595)} STOP` })).toEqual({});
  });

  test("placeholders are checked in every text field, the SMS's and the preheader's too", () => {
    const errors = check({
      channels: ["email", "sms"],
      subject: "Hi",
      preheader: "For {{customer.frist_name}}",
      body: "Hello",
      sms_body: "Hi {{customer.first_nam}}",
    });
    expect(errors.sms_body).toContain("Unknown placeholder {{customer.first_nam}}");
    expect(errors.preheader).toContain("Unknown placeholder {{customer.frist_name}}");
  });

  test("a preheader is one line of at most 150 characters", () => {
    const base = { channels: ["email"], subject: "Hi", body: "Hello" };
    expect(check({ ...base, preheader: "Line one\nline two" }).preheader).toBe("must be one line");
    expect(check({ ...base, preheader: "p".repeat(151) }).preheader).toBe(
      "must be at most 150 characters (inboxes show about 100); this one has 151",
    );
    expect(check({ ...base, preheader: "Your photos are in, with 20% off until Friday" })).toEqual({});
  });
});

describe("message values per channel field", () => {
  const text = {
    channels: ["email", "sms", "voice"],
    subject: "Hi {{customer.first_name}}",
    preheader: "{{job.coupon_deadline}}",
    body: "Your code {{customer.access_code}}",
    smsBody: "Photos: {{customer.gallery_link}}",
    voiceScript: "Call {{studio.phone}}",
  };

  test("the keys a channel cannot do without come from that channel's own fields", () => {
    expect(requiredByChannel(text)).toEqual({
      email: ["customer.first_name", "job.coupon_deadline", "customer.access_code"],
      sms: ["customer.gallery_link"],
      voice: ["studio.phone"],
    });
  });

  test("a value empty for everyone is named beside the field that uses it", () => {
    const problems = messageValueProblems(
      { ...text, channels: ["sms", "voice"], filters: {}, toAddress: null },
      { shared: {}, job: null },
    );
    expect(Object.keys(problems).sort()).toEqual(["sms_body", "voice_script"]);
  });
});

const studio = sendStudio();
afterAll(() => studio.stop());

const form = (over: Record<string, string | string[]> = {}) => ({
  name: "Picture day",
  mode: "filters",
  channels: ["email", "sms"],
  subject: "Picture day, {{customer.first_name}}",
  preheader: "Bring a comb",
  body: "# Picture day\n\nHi {{customer.first_name}}, it is **Friday**. See [the gallery](https://shop.example/g).",
  sms_body: "Hi {{customer.first_name}}, picture day is Friday: https://shop.example/g",
  "filters.audience": "all",
  "filters.condition": "any",
  send_mode: "now",
  ...over,
});

describe("one message by e-mail and SMS, through the compose form and the real providers", () => {
  test("the SMS goes out as its own plain text, the e-mail as its Markdown rendered", async () => {
    const { t, people, dispatcher } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const anna = people[0]!;
    const saved = await postForm(b, "/messages", form({ "filters.customer_ids": String(anna.id), intent: "save" }));
    expect(saved.status).toBe(303);
    const [m] = await t.db.select().from(messages);
    expect([m!.smsBody, m!.preheader]).toEqual([form().sms_body, "Bring a comb"]);
    // The review counts the SMS's segments on its own text, with the opt-out line it gets (73 + 23).
    const review = pageText((await b.get(`/messages/${m!.id}/send`)).text);
    expect(review).toContain("SMS 1 segment each (96 characters, GSM-7) as written, with the opt-out line");
    expect((await postForm(b, `/messages/${m!.id}/send`, {})).status).toBe(303);
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();

    const sms = studio.twilio.sent.filter((s) => s.to === anna.phone);
    // Its link goes out tracked (issue 14: test/tracking.test.ts), the rest as written.
    expect(sms).toHaveLength(1);
    expect(sms[0]!.body).toMatch(
      /^Hi Anna, picture day is Friday: https:\/\/pigeon\.test\/t\/[\w-]+\.[\w-]+ Reply STOP to opt out\.$/,
    );
    const mail = studio.resend.sent.filter((e) => e.to.includes(anna.email));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe("Picture day, Anna");
    expect(mail[0]!.html).toContain("<strong>Friday</strong>");
    expect(mail[0]!.html).toMatch(/href="https:\/\/pigeon\.test\/t\/[\w-]+\.[\w-]+"/);
    expect(mail[0]!.html).not.toContain("**Friday**");
    const sent = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
    expect(sent.map((d) => [d.channel, d.status]).sort()).toEqual([
      ["email", "sent"],
      ["sms", "sent"],
    ]);
  });

  test("a value only the e-mail uses, missing for a customer, skips their e-mail but not their SMS", async () => {
    const { t, people, dispatcher } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const anna = people[0]!; // no last name
    const saved = await postForm(
      b,
      "/messages",
      form({
        body: "Dear {{customer.last_name}} family, picture day is **Friday**.",
        "filters.customer_ids": String(anna.id),
        intent: "save",
      }),
    );
    expect(saved.status).toBe(303);
    const [m] = await t.db.select().from(messages);
    await b.get(`/messages/${m!.id}/send`);
    expect((await postForm(b, `/messages/${m!.id}/send`, {})).status).toBe(303);
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();
    const rows = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
    expect(rows.map((d) => [d.channel, d.status, d.skipReason]).sort()).toEqual([
      ["email", "skipped", "missing:customer.last_name"],
      ["sms", "sent", null],
    ]);
    expect(studio.twilio.sent.filter((x) => x.to === anna.phone)).toHaveLength(1);
  });

  test("SMS ticked without its text: refused beside the field, what was typed kept, nothing saved", async () => {
    const { t } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const res = await postForm(b, "/messages", form({ sms_body: "", intent: "save" }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="sms_body-error"');
    expect(pageText(res.text)).toContain("Write the SMS text");
    expect(res.text).toContain("Picture day, {{customer.first_name}}");
    expect(await t.db.select().from(messages)).toHaveLength(0);
  });

  test("Copy from e-mail, without JavaScript: the form again with the SMS drafted, nothing saved", async () => {
    const { t } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const res = await postForm(b, "/messages/form", form({ sms_body: "old text", action: "copy_sms" }));
    expect(res.status).toBe(200);
    expect(res.text).toContain("<!DOCTYPE html>");
    const draft = res.text.match(/<textarea id="f-sms_body"[^>]*>([\s\S]*?)<\/textarea>/)?.[1];
    expect(draft).toBe(
      "Picture day\n\nHi {{customer.first_name}}, it is Friday. See the gallery: https://shop.example/g.",
    );
    // What was typed elsewhere stays as typed.
    expect(res.text).toContain('value="Bring a comb"');
    expect(res.text).toContain("it is **Friday**");
    expect(await t.db.select().from(messages)).toHaveLength(0);
  });

  test("a test SMS to oneself sends the SMS's own text, and asks for it when it is empty", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const anna = people[0]!;
    const fields = form({
      "filters.customer_ids": String(anna.id),
      test_channel: "sms",
      test_phone: "+1 212 555 0199",
    });
    const partial = { "HX-Request": "true", "HX-Request-Type": "partial" };
    const empty = await postForm(b, "/messages/test", { ...fields, sms_body: "" }, partial);
    expect(empty.status).toBe(422);
    expect(pageText(empty.text)).toContain("The test was not sent: SMS text: Write the SMS text.");
    const sent = await postForm(b, "/messages/test", fields, partial);
    expect(pageText(sent.text)).toContain("Test SMS with Anna's data sent to +12125550199 through Twilio.");
    expect(studio.twilio.sent.filter((x) => x.to === "+12125550199").map((x) => x.body)).toEqual([
      "[Test] Hi Anna, picture day is Friday: https://shop.example/g Reply STOP to opt out.",
    ]);
  });

  test("the preview shows the e-mail with its preheader and the SMS text, each for the recipient shown", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const anna = people[0]!;
    const res = await postForm(b, "/messages/preview", form({ "filters.customer_ids": String(anna.id) }), {
      "HX-Request": "true",
    });
    expect(res.status).toBe(200);
    const shown = pageText(res.text);
    expect(shown).toContain("Preview line Bring a comb");
    expect(shown).toContain("Hi Anna, picture day is Friday: https://shop.example/g Reply STOP to opt out.");
    expect(shown).toMatch(/\d+ characters · GSM-7 · 1 segment/);
    // The counter under the SMS text follows, out of band.
    expect(res.text).toContain('id="sms_body-count" aria-live="polite" hx-swap-oob="true"');
  });
});

// Outside review of issue 12 item 1: each test below failed before its fix.
describe("the SMS text's limit counts what Twilio gets", () => {
  test("1,600 characters are refused at save: the opt-out line Pigeon adds is counted", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const saved = await postForm(
      b,
      "/messages",
      form({
        channels: ["sms"],
        sms_body: "a".repeat(1_600),
        "filters.customer_ids": String(people[0]!.id),
        intent: "save",
      }),
    );
    expect(saved.status).toBe(422);
    expect(pageText(saved.text)).toContain("with the opt-out line Pigeon adds, this text has 1,623 characters");
    expect(await t.db.select().from(messages)).toHaveLength(0);
  });

  test("a text that fits but grows past 1,600 once filled in fails that delivery, naming the limit", async () => {
    const { t, people, dispatcher } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    // 1,570 + the opt-out line fits; the studio's name filled in takes it past 1,600.
    const sms_body = `${"a".repeat(1_570)} {{studio.name}}`;
    const saved = await postForm(
      b,
      "/messages",
      form({ channels: ["sms"], sms_body, "filters.customer_ids": String(people[0]!.id), intent: "save" }),
    );
    expect(saved.status).toBe(303);
    const [m] = await t.db.select().from(messages);
    await b.get(`/messages/${m!.id}/send`);
    expect((await postForm(b, `/messages/${m!.id}/send`, {})).status).toBe(303);
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();
    const [d] = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
    expect(d!.status).toBe("failed");
    expect(d!.lastError).toMatch(
      /^its text is too long once filled in for this recipient\. An SMS can hold at most 1,600 characters \(Twilio's limit\); with the opt-out line Pigeon adds, this text has 1,6\d\d characters$/,
    );
    expect(studio.twilio.sent.filter((x) => x.to === people[0]!.phone)).toHaveLength(0);
  });

  test("801 emoji: the refusal counts characters as the counter does, and names what Twilio counts", () => {
    // 801 emoji + the opt-out line: 824 characters on the counter, 1,625 UTF-16 units at Twilio.
    expect(check({ channels: ["sms"], sms_body: "😀".repeat(801) }).sms_body).toContain(
      "this text has 824 characters, which Twilio counts as 1,625",
    );
  });
});

describe("a test e-mail and a test SMS are the real ones", () => {
  const partial = { "HX-Request": "true", "HX-Request-Type": "partial" };

  test("a test e-mail carries the preheader staff typed, as the real send does", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const sent = await postForm(
      b,
      "/messages/test",
      form({
        "filters.customer_ids": String(people[0]!.id),
        test_channel: "email",
        preheader: "Bring a comb, {{customer.first_name}}",
      }),
      partial,
    );
    expect(pageText(sent.text)).toContain("Test e-mail");
    const mail = studio.resend.sent.at(-1)!;
    expect(mail.subject).toBe(`[Test] Picture day, ${people[0]!.firstName}`);
    expect(mail.html).toContain(`Bring a comb, ${people[0]!.firstName}`);
  });

  test("a test SMS carries the same line breaks as the real one (a browser's CRLF sent as LF)", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    await postForm(
      b,
      "/messages/test",
      form({
        "filters.customer_ids": String(people[0]!.id),
        sms_body: "Line one\r\nLine two",
        test_channel: "sms",
        test_phone: "+1 212 555 0142",
      }),
      partial,
    );
    const sent = studio.twilio.sent.filter((x) => x.to === "+12125550142").map((x) => x.body);
    expect(sent).toEqual(["[Test] Line one\nLine two\nReply STOP to opt out."]);
  });

  // The line is in the language of the recipient the preview shows (theirs, else the studio's),
  // as the preview beside the button and the real send (compose.ts) choose it.
  test("a German studio's test SMS ends with the German opt-out line its German customer gets (eyes2 review)", async () => {
    const { t, people } = await studio.studio();
    await updateSettings(t.db, { locale: "de" }, noon);
    await t.db.update(customers).set({ locale: "de" }).where(eq(customers.id, people[0]!.id));
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    await postForm(
      b,
      "/messages/test",
      form({
        sms_body: "Hallo, Fototag ist Freitag",
        "filters.customer_ids": String(people[0]!.id),
        test_channel: "sms",
        test_phone: "+1 212 555 0177",
      }),
      partial,
    );
    const sent = studio.twilio.sent.filter((x) => x.to === "+12125550177").map((x) => x.body);
    // Real sends (compose.ts) and the preview add "Antworten Sie STOP zum Abmelden."
    expect(sent).toEqual(["[Test] Hallo, Fototag ist Freitag Antworten Sie STOP zum Abmelden."]);
  });

  test("an SMS the save accepts at exactly the limit can be test-sent: the [Test] mark is left off (eyes2 review)", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const fits = "a".repeat(1_577); // + " Reply STOP to opt out." = 1,600: saved fine
    const over = { sms_body: fits, "filters.customer_ids": String(people[0]!.id) };
    const saved = await postForm(b, "/messages", form({ ...over, intent: "save" }));
    expect(saved.status).toBe(303);
    await postForm(b, "/messages/test", form({ ...over, test_channel: "sms", test_phone: "+1 212 555 0178" }), partial);
    // With the mark it would be 1,607 and fail as too long: sent as the customers get it instead.
    const sent = studio.twilio.sent.filter((x) => x.to === "+12125550178").map((x) => x.body);
    expect(sent).toEqual([`${fits} Reply STOP to opt out.`]);
  });

  // A test e-mail's preview line has its own column (deliveries.test_preheader), not a mark
  // packed into the body: a U+FDD0 typed in either stays where it was typed (eyes2 review).
  test("a preheader or body holding U+FDD0 stays in its own field of a test e-mail", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const customer = { "filters.customer_ids": String(people[0]!.id), test_channel: "email" };
    const first = await postForm(
      b,
      "/messages/test",
      form({ ...customer, preheader: "Bring\uFDD0SECRET a comb", body: "Body text" }),
      partial,
    );
    expect(first.status).toBe(200);
    const second = await postForm(
      b,
      "/messages/test",
      form({ ...customer, preheader: "", body: "\uFDD0preheader\uFDD0INJECTED\uFDD0Body text" }),
      partial,
    );
    expect(second.status).toBe(200);
    const tests = await t.db.select().from(deliveries).where(eq(deliveries.sourceType, "test"));
    expect(tests.map((d) => [d.testPreheader, d.body])).toEqual([
      ["Bring\uFDD0SECRET a comb", "Body text"],
      [null, "\uFDD0preheader\uFDD0INJECTED\uFDD0Body text"],
    ]);
    const [one, two] = studio.resend.sent.slice(-2);
    expect(one!.text).not.toMatch(/SECRET a comb.{0,5}Body/s);
    expect(two!.text).toContain("INJECTED");
  });

  test("the preview counts a CRLF text as it will be sent: one segment, not two", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    // 137 characters once LF: 160 with "\nReply STOP to opt out.", one segment.
    const twoLines = `${"a".repeat(68)}\r\n${"a".repeat(68)}`;
    const res = await postForm(
      b,
      "/messages/preview",
      form({ "filters.customer_ids": String(people[0]!.id), sms_body: twoLines }),
      { "HX-Request": "true" },
    );
    expect(res.status).toBe(200);
    expect(pageText(res.text)).toMatch(/GSM-7 · 1 segment\b/);
  });
});

describe("a text of a channel not chosen", () => {
  test("an SMS-only message is saved though the hidden e-mail body has a bad placeholder (kept, not sent)", async () => {
    const { t } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const res = await postForm(
      b,
      "/messages",
      form({ channels: ["sms"], body: "Dear {{customer.frist_name}}", intent: "save" }),
    );
    expect(res.status).toBe(303);
    const [m] = await t.db.select().from(messages);
    expect([m!.channels, m!.body]).toEqual([["sms"], "Dear {{customer.frist_name}}"]);
  });
});
