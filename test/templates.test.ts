// The template library (issue 12 item 5, T3) over real HTTP on a migrated database: built-in
// and staff templates by channel with a preview, create / edit / duplicate / delete with bad
// input refused and kept, templates offered in the composer, "Save as template" from a message,
// and the designed built-in e-mails rendered with no broken image in every language.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { messageInput } from "../src/core/message-input.ts";
import { checkTemplate } from "../src/core/placeholders.ts";
import { templateContext } from "../src/core/template-input.ts";
import { builtinTemplates } from "../src/db/builtin-profiles.ts";
import { setContentFiles } from "../src/db/content-files.ts";
import { storeFile } from "../src/db/files.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createMessage } from "../src/db/messages.ts";
import { createCustomer, upsertRegistration } from "../src/db/customers.ts";
import { createJob } from "../src/db/jobs.ts";
import { duplicateProfile, listNotifications, templatesFor } from "../src/db/profiles.ts";
import { messages, notifications, snippets, templates } from "../src/db/schema.ts";
import { personalizeEmail, renderEmailVariant } from "../src/email/render.ts";
import { PLACEHOLDERS } from "../src/core/placeholders.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText, postForm } from "./support/forms.ts";
import { PDF_HEAD, PNG_1X1 } from "./support/sample-files.ts";

async function studio() {
  const t = await makeTestApp();
  const b = await signedInOwner(t);
  await b.get("/templates");
  return { t, b };
}

const emailForm = {
  name: "Spring sale",
  channel: "email",
  trigger: "",
  description: "Our spring promotion",
  subject: "Spring sale at {{studio.name}}",
  preheader: "20% off prints until {{job.coupon_deadline}}",
  body: "Hi {{customer.first_name}},\n\nOur spring sale is on: {{customer.gallery_link}}",
};

describe("the Templates page", () => {
  test("lists built-in templates by channel with their trigger and description, linked from Profiles and Messages", async () => {
    const { b } = await studio();
    const page = await b.get("/templates");
    expect(page.status).toBe(200);
    const text = pageText(page.text);
    for (const h of ["E-mail", "SMS", "Call"]) expect(page.text).toContain(`<h2>${h}</h2>`);
    expect(text).toContain("Photos online (e-mail)");
    expect(text).toContain("For “Job set to selling”");
    expect(text).toContain("Announcement with a hero image");
    expect(text).toContain("Sale with a coupon");
    expect(text).toContain("Write the code in the job's Custom text");
    expect(text).toContain("None of your own yet");
    for (const from of ["/profiles", "/messages"]) expect((await b.get(from)).text).toContain('href="/templates"');
  });

  test("a built-in template's page is read-only, with a preview in the studio's layout (desktop and phone)", async () => {
    const { t, b } = await studio();
    const [sale] = await t.db.select().from(templates).where(eq(templates.name, "Sale with a coupon"));
    const page = await b.get(`/templates/${sale!.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('name="body"');
    expect(pageText(page.text)).toContain("A built-in template is read-only.");
    expect(page.text).toContain('title="E-mail preview, desktop width"');
    expect(page.text).toContain('title="E-mail preview, phone width"');
    expect(page.text).toContain("Your coupon code: Pick-up is at the school office."); // sample custom text
    // A built-in template cannot be changed or deleted.
    expect((await postForm(b, `/templates/${sale!.id}`, emailForm)).status).toBe(403);
    expect((await postForm(b, `/templates/${sale!.id}/delete`, {})).status).toBe(403);
    expect((await t.db.select().from(templates).where(eq(templates.id, sale!.id)))[0]!.name).toBe("Sale with a coupon");
  });

  test("an SMS template previews as text with its counter", async () => {
    const { t, b } = await studio();
    const [sms] = await t.db.select().from(templates).where(eq(templates.channel, "sms")).limit(1);
    const page = await b.get(`/templates/${sms!.id}`);
    expect(page.text).toContain('class="sms-bubble"');
    expect(pageText(page.text)).toMatch(/\d+ characters · GSM-7 · 1 segment/);
  });

  test("the preview can show a real customer's data", async () => {
    const { t, b } = await studio();
    const { loadDemoData } = await import("../src/db/demo.ts");
    await loadDemoData(t.db, new Date("2026-09-01T10:00:00Z"));
    const [sale] = await t.db.select().from(templates).where(eq(templates.name, "Reminder"));
    const first = await b.get(`/templates/${sale!.id}`);
    expect(first.text).toMatch(/<option value="0" selected="">Sample values<\/option>/);
    const option = first.text.match(/<option value="([1-9]\d*)"[^>]*>([^<·]+)/);
    expect(option).not.toBeNull();
    const page = await b.get(`/templates/${sale!.id}?preview_customer_id=${option![1]}`);
    expect(pageText(page.text)).toContain(`Shown with ${option![2]!.trim()}'s real data`);
  });
});

describe("staff templates: create, edit, duplicate, delete", () => {
  test("create an e-mail template, see it with (yours) in the composer, and use it: subject, preview line and body", async () => {
    const { t, b } = await studio();
    const res = await postForm(b, "/templates", emailForm);
    expect(res.status).toBe(303);
    const [row] = await t.db.select().from(templates).where(eq(templates.name, "Spring sale"));
    expect(row).toMatchObject({ builtIn: false, channel: "email", trigger: null, preheader: emailForm.preheader });
    const page = await b.get(res.location!);
    expect(pageText(page.text)).toContain("Template saved.");
    expect(page.text).toContain('name="body"');
    const list = pageText((await b.get("/templates")).text);
    expect(list).toContain("Spring sale Yours");

    const compose = await b.get("/messages/new");
    expect(compose.text).toMatch(new RegExp(`<option value="${row!.id}"[^>]*>Spring sale \\(yours\\)</option>`));
    const used = await postForm(b, "/messages/form", {
      name: "Sale",
      channels: "email",
      template_id: String(row!.id),
      use_template: "1",
    });
    expect(used.status).toBe(200);
    expect(used.text).toContain('value="Spring sale at {{studio.name}}"');
    expect(used.text).toContain("Our spring sale is on: {{customer.gallery_link}}</textarea>");
  });

  test("bad input is refused naming the problem, keeping what was typed, writing nothing", async () => {
    const { t, b } = await studio();
    const before = (await t.db.select().from(templates)).length;
    const cases: [Record<string, string>, string][] = [
      [{ name: "" }, "A name is required"],
      [{ subject: "" }, "An e-mail needs a subject"],
      [
        { body: "Hi {{customer.frist_name}}" },
        "Unknown placeholder {{customer.frist_name}} at line 1, column 4 — did you mean {{customer.first_name}}?",
      ],
      [{ body: "Hi {{snippet.opening_hours}}" }, "Unknown snippet {{snippet.opening_hours}}"],
      [{ body: "Hi {{customer.first_name" }, "Unclosed {{"],
      [{ trigger: "appointment_reminder" }, "{{job.coupon_deadline}} is not available in appointment notifications"],
      [{ channel: "sms", body: "x".repeat(1601) }, "An SMS can hold at most 1,600 characters; this one has 1,601"],
      [{ channel: "voice", trigger: "job_selling" }, "“Job set to selling” cannot be sent by Voice call"],
      [{ channel: "fax" }, "Choose E-mail, SMS or Call"],
      [{ body: "   " }, "Write the message"],
    ];
    for (const [change, problem] of cases) {
      const form = { ...emailForm, ...change };
      const res = await postForm(b, "/templates", form);
      expect({ change, status: res.status }).toEqual({ change, status: 422 });
      expect(pageText(res.text)).toContain(problem);
      if (form.channel === "email") expect(res.text).toContain(`value="${form.name}"`);
    }
    expect((await t.db.select().from(templates)).length).toBe(before);
    // With the snippet added, the same text is fine.
    await postForm(b, "/settings/snippets", { key: "opening_hours", title: "Hours", body: "Mon-Fri 9-5" });
    expect((await postForm(b, "/templates", { ...emailForm, body: "Hi {{snippet.opening_hours}}" })).status).toBe(303);
    expect(await t.db.select().from(snippets)).toHaveLength(1);
  });

  test("edit keeps the typed text on a refusal, saves a good one; Preview saves nothing", async () => {
    const { t, b } = await studio();
    const res = await postForm(b, "/templates", emailForm);
    const id = Number(res.location!.match(/\/templates\/(\d+)/)![1]);
    const bad = await postForm(b, `/templates/${id}`, { ...emailForm, subject: "", body: "Changed body" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("Changed body</textarea>");
    const preview = await postForm(b, `/templates/${id}`, {
      ...emailForm,
      body: "Previewed **only**",
      intent: "preview",
    });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain("Previewed &lt;strong&gt;only&lt;/strong&gt;"); // in the preview frame's srcdoc
    expect((await t.db.select().from(templates).where(eq(templates.id, id)))[0]!.body).toBe(emailForm.body);
    const ok = await postForm(b, `/templates/${id}`, {
      ...emailForm,
      name: "Spring sale 2",
      channel: "sms",
      body: "Sale! {{customer.gallery_link}}",
    });
    expect(ok.status).toBe(303);
    expect((await t.db.select().from(templates).where(eq(templates.id, id)))[0]).toMatchObject({
      name: "Spring sale 2",
      channel: "sms",
      subject: "",
      preheader: "",
      body: "Sale! {{customer.gallery_link}}",
    });
  });

  test("duplicate a built-in template into an editable copy, then delete the copy", async () => {
    const { t, b } = await studio();
    const [sale] = await t.db.select().from(templates).where(eq(templates.name, "Sale with a coupon"));
    const dup = await postForm(b, `/templates/${sale!.id}/duplicate`, {});
    expect(dup.status).toBe(303);
    const again = await postForm(b, `/templates/${sale!.id}/duplicate`, {});
    const copies = await t.db.select().from(templates).where(eq(templates.builtIn, false));
    expect(copies.map((c) => c.name).sort()).toEqual(["Sale with a coupon (copy)", "Sale with a coupon (copy) (2)"]);
    expect(copies[0]).toMatchObject({ subject: sale!.subject, body: sale!.body, preheader: sale!.preheader });
    const page = await b.get(dup.location!);
    expect(pageText(page.text)).toContain("This is your copy: change it and save.");
    const del = await postForm(b, `${again.location!.split("?")[0]}/delete`, {});
    expect(del.status).toBe(303);
    expect(await t.db.select().from(templates).where(eq(templates.builtIn, false))).toHaveLength(1);
    expect((await b.get("/templates/999999")).status).toBe(404);
  });
});

describe("the e-mail template editor, as the composer (eyes walk)", () => {
  for (const path of ["/templates", "/templates/new?channel=email"]) {
    test(`${path} marks Templates, not Profiles, as the current page`, async () => {
      const { b } = await studio();
      const page = await b.get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain('href="/templates" aria-current="page"');
      expect(page.text).not.toContain('href="/profiles" aria-current="page"');
    });
  }

  test("the buttons name channels as the built-in names do: New e-mail template, like “Reminder (e-mail)”", async () => {
    const { b } = await studio();
    const page = pageText((await b.get("/templates")).text);
    expect(page).toContain("New e-mail template");
    expect(page).not.toContain("New E-mail template");
    expect(page).toContain("Appointment booked (e-mail)");
  });

  test("the e-mail template editor has the Image button beside its message; SMS has none", async () => {
    const { b } = await studio();
    expect((await b.get("/templates/new?channel=email")).text).toContain('data-image-picker="f-body"');
    expect((await b.get("/templates/new?channel=sms")).text).not.toContain("data-image-picker");
  });

  test("a template's images are checked as a message's: alt text, and /media images that are not stored", async () => {
    const { t, b } = await studio();
    const png = await storeFile(
      t.db,
      { bytes: PNG_1X1, originalName: "Hero.png", kind: "png", userId: null },
      new Date(),
    );
    const noAlt = await postForm(b, "/templates", {
      ...emailForm,
      body: `![](http://localhost/media/${png.storedName})`,
    });
    expect(noAlt.status).toBe(422);
    expect(pageText(noAlt.text)).toContain(`The image ${png.storedName} has no alt text`);
    const gone = await postForm(b, "/templates", {
      ...emailForm,
      body: "![Our studio](http://localhost/media/abcdefghijklmnopqrstuv.png)",
    });
    expect(gone.status).toBe(422);
    expect(pageText(gone.text)).toContain("/media/abcdefghijklmnopqrstuv.png is not in the file manager");
    expect(gone.text).toContain("![Our studio](http://localhost/media/abcdefghijklmnopqrstuv.png)</textarea>");
    expect(await t.db.select().from(templates).where(eq(templates.builtIn, false))).toHaveLength(0);
    const good = await postForm(b, "/templates", {
      ...emailForm,
      body: `![Our studio](http://localhost/media/${png.storedName})`,
    });
    expect(good.status).toBe(303);
    // The hero announcement duplicated and saved as it is keeps its picture slot: a template may.
    const [hero] = await t.db.select().from(templates).where(eq(templates.name, "Announcement with a hero image"));
    const dup = await postForm(b, `/templates/${hero!.id}/duplicate`, {});
    const copyUrl = dup.location!.split("?")[0]!;
    const saved = await postForm(b, copyUrl, {
      name: "Hero copy",
      channel: "email",
      trigger: "",
      description: "",
      subject: hero!.subject,
      preheader: hero!.preheader,
      body: hero!.body,
    });
    expect(saved.status).toBe(303);
  });
});

describe("a template is refused where a message would be (eyes2 review)", () => {
  const sms = { name: "Long", channel: "sms", trigger: "", description: "" };

  test("an SMS template that only fits without the opt-out line is refused; an appointment's gets none, so it fits", async () => {
    const { t, b } = await studio();
    // 1,590 + " Reply STOP to opt out." > 1,600: a one-time message with it is refused.
    const long = await postForm(b, "/templates", { ...sms, body: "a".repeat(1_590) });
    expect(long.status).toBe(422);
    expect(pageText(long.text)).toContain("with the opt-out line Pigeon adds");
    expect(long.text).toContain(`${"a".repeat(1_590)}</textarea>`);
    expect(await t.db.select().from(templates).where(eq(templates.builtIn, false))).toHaveLength(0);
    const reminder = await postForm(b, "/templates", {
      ...sms,
      trigger: "appointment_reminder",
      body: "a".repeat(1_590),
    });
    expect(reminder.status).toBe(303);
  });

  test("a German studio's SMS template counts the German opt-out line", async () => {
    const { t, b } = await studio();
    await updateSettings(t.db, { locale: "de" }, new Date());
    // "Antworten Sie STOP zum Abmelden." is 32 characters: 1,570 fits with the English line only.
    const res = await postForm(b, "/templates", { ...sms, body: "a".repeat(1_570) });
    expect(res.status).toBe(422);
  });

  test("a template with a control character is refused, as every other text is", async () => {
    const { t, b } = await studio();
    const res = await postForm(b, "/templates", { ...emailForm, body: "Hello\u0001there" });
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain("must not contain control characters");
    expect(await t.db.select().from(templates).where(eq(templates.builtIn, false))).toHaveLength(0);
  });

  test("a template's CRLF line breaks are stored as LF", async () => {
    const { t, b } = await studio();
    const res = await postForm(b, "/templates", { ...sms, body: "Hello\r\nthere\r\n" });
    expect(res.status).toBe(303);
    const [saved] = await t.db.select().from(templates).where(eq(templates.name, "Long"));
    expect(saved!.body).toBe("Hello\nthere");
  });
});

describe("save as template from a message", () => {
  test("an e-mail + SMS message becomes an e-mail and an SMS template named after it (made unique), shown where they went", async () => {
    const { t, b } = await studio();
    const now = new Date("2026-09-01T10:00:00Z");
    const input = messageInput([], "US").parse({
      name: "Fall sale",
      channels: ["email", "sms"],
      subject: "Fall sale at {{studio.name}}",
      body: "Hi {{customer.first_name}}, **20% off** this week.",
      // A message with SMS needs its own SMS text (issue 12, item 1).
      sms_body: "Fall sale: 20% off this week {{customer.gallery_link}}",
      filters: {},
    });
    const m = await createMessage(t.db, input, null, now);
    await t.db
      .update(messages)
      .set({
        status: "scheduled",
        preheader: "20% off this week",
        smsBody: "Fall sale: 20% off this week {{customer.gallery_link}}",
      })
      .where(eq(messages.id, m.id));
    const page = await b.get(`/messages/${m.id}`);
    expect(page.text).toContain(`action="/messages/${m.id}/save-as-template"`);
    const res = await postForm(b, `/messages/${m.id}/save-as-template`, {});
    expect(res.status).toBe(303);
    const made = await t.db.select().from(templates).where(eq(templates.builtIn, false));
    expect(made.map((x) => [x.name, x.channel])).toEqual([
      ["Fall sale", "email"],
      ["Fall sale", "sms"],
    ]);
    expect(made[0]).toMatchObject({
      subject: "Fall sale at {{studio.name}}",
      preheader: "20% off this week",
      trigger: null,
    });
    expect(made[1]!.body).toBe("Fall sale: 20% off this week {{customer.gallery_link}}");
    const shown = pageText((await b.get(res.location!)).text);
    expect(shown).toContain("“Fall sale” is saved as 2 templates: Fall sale (E-mail), Fall sale (SMS)");
    // Again: the names stay unique in each channel.
    await postForm(b, `/messages/${m.id}/save-as-template`, {});
    const names = (await t.db.select().from(templates).where(eq(templates.builtIn, false))).map((x) => x.name);
    expect(names.filter((n) => n === "Fall sale (2)")).toHaveLength(2);
    expect(shown).not.toContain("not copied");
    expect((await postForm(b, "/messages/999999/save-as-template", {})).status).toBe(404);
    // A message with files: the notice says they stayed behind.
    const pdf = await storeFile(
      t.db,
      { bytes: PDF_HEAD, originalName: "Prices.pdf", kind: "pdf", userId: null },
      new Date(),
    );
    await setContentFiles(t.db, { messageId: m.id }, "attachment", [pdf.id]);
    const withFiles = await postForm(b, `/messages/${m.id}/save-as-template`, {});
    expect(pageText((await b.get(withFiles.location!)).text)).toContain(
      "The message's attachments and MMS pictures were not copied",
    );
    // A draft's page (the composer) has the button too.
    await t.db.update(messages).set({ status: "draft" }).where(eq(messages.id, m.id));
    expect((await b.get(`/messages/${m.id}`)).text).toContain(`action="/messages/${m.id}/save-as-template"`);
  });
});

describe("the designed built-in e-mails", () => {
  const sample = Object.fromEntries(PLACEHOLDERS.map((p) => [p.key, p.example]));
  for (const lang of ["en", "de", "fr", "es"] as const) {
    test(`${lang}: every built-in template's placeholders exist in its trigger's context; e-mails render with no broken image`, async () => {
      for (const tpl of builtinTemplates(lang)) {
        const context = templateContext(tpl.trigger);
        const errors = [tpl.subject, tpl.preheader, tpl.body].flatMap((x) => checkTemplate(x, context, []));
        expect({ name: tpl.name, errors }).toEqual({ name: tpl.name, errors: [] });
        if (tpl.channel !== "email") continue;
        const variant = await renderEmailVariant({
          subject: tpl.subject,
          body: tpl.body,
          preheader: tpl.preheader,
          format: "markdown",
          studio: { name: "Bright Side", postalAddress: "1 Main St" },
        });
        const { html } = personalizeEmail(variant, sample);
        // No image at all without a logo: the slot is a grey box, never an <img> with no picture.
        expect({ name: tpl.name, img: /<img\b/.test(html) }).toEqual({ name: tpl.name, img: false });
        expect(html).not.toContain("#image-slot");
      }
      const designed = builtinTemplates(lang).filter((x) => x.trigger === null);
      expect(designed).toHaveLength(3);
      for (const d of designed) expect(d.description.length).toBeGreaterThan(40);
      const announcement = designed.find((x) => x.text === "announcementEmail")!;
      const { html } = personalizeEmail(
        await renderEmailVariant({
          subject: announcement.subject,
          body: announcement.body,
          format: "markdown",
          studio: { name: "B", postalAddress: "" },
        }),
        sample,
      );
      expect(html).toMatch(/<p style="background-color:#e5e7eb[^"]*">\s*<br \/>\[ [^\]]+ \]<br \/><br \/><\/p>/);
    });
  }

  test("a message or notification whose e-mail still holds the picture slot is refused at save, naming it", async () => {
    const { t, b } = await studio();
    const [ann] = await t.db.select().from(templates).where(eq(templates.name, "Announcement with a hero image"));
    const res = await postForm(b, "/messages", {
      mode: "address",
      name: "News",
      channels: "email",
      subject: ann!.subject,
      body: ann!.body,
      to_address: "anna@example.com",
      send_mode: "now",
      intent: "save",
    });
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain(
      "The e-mail still holds the picture slot “Replace with your picture: press Image”: put your picture there with Image, or delete that line",
    );
    expect(await t.db.select().from(messages)).toHaveLength(0);
    // With a real picture in its place it saves.
    const withPicture = ann!.body.replace(
      /!\[[^\]]*\]\(#image-slot\)/,
      "![Our studio](https://brightside.example/studio.jpg)",
    );
    const ok = await postForm(b, "/messages", {
      mode: "address",
      name: "News",
      channels: "email",
      subject: ann!.subject,
      body: withPicture,
      to_address: "anna@example.com",
      send_mode: "now",
      intent: "save",
    });
    expect(ok.status).toBe(303);

    const now = new Date("2026-09-01T10:00:00Z");
    const [builtin] = await t.db.select().from(notifications).limit(1);
    const profile = (await duplicateProfile(t.db, builtin!.profileId, now))!;
    const [n] = await listNotifications(t.db, profile.id);
    const page = await b.get(`/profiles/${profile.id}/notifications/${n!.id}/edit`);
    const fields: Record<string, string> = {};
    for (const m of page.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = m[2]!;
    for (const m of page.text.matchAll(/<select[^>]*name="([^"]+)"[\s\S]*?<option value="([^"]*)" selected/g))
      fields[m[1]!] ??= m[2]!;
    const refused = await postForm(b, `/profiles/${profile.id}/notifications/${n!.id}`, {
      ...fields,
      body: `![Replace with your picture: press Image](#image-slot)\n\n${n!.body}`,
    });
    expect(refused.status).toBe(422);
    expect(pageText(refused.text)).toContain("still holds the picture slot");
  });
});

describe("templates offered in the editors", () => {
  test("a notification editor offers a general template only where its placeholders exist", async () => {
    const { t } = await studio();
    const names = async (trigger: Parameters<typeof templatesFor>[1]) =>
      (await templatesFor(t.db, trigger, "email")).map((x) => x.name);
    expect(await names("coupon_deadline")).toContain("Sale with a coupon");
    expect(await names("appointment_reminder")).not.toContain("Sale with a coupon");
    expect(await names("appointment_reminder")).toContain("Appointment reminder (e-mail)");
  });

  test("the job's custom text fills {{job.custom_text}} in the composer's preview for that job", async () => {
    const { t, b } = await studio();
    const job = await createJob(
      t.db,
      { name: "Lincoln Elementary", type: "school", custom_text: "Code SPRING20 at checkout", profile_id: null },
      {},
      "ui",
      new Date(),
    );
    const anna = await createCustomer(
      t.db,
      { first_name: "Anna", email: "anna@families.test", consent: { email: true } },
      "test",
      new Date(),
    );
    await upsertRegistration(t.db, { jobId: job.id, customerId: anna.id, accessCode: "A1" }, "ui", new Date());
    await b.get(`/messages/new?job_id=${job.id}`);
    const res = await postForm(b, "/messages/form", {
      mode: "filters",
      job_id: String(job.id),
      name: "Sale",
      channels: "email",
      subject: "Sale",
      body: "Your coupon code: **{{job.custom_text}}**",
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain("Your coupon code: &lt;strong&gt;Code SPRING20 at checkout&lt;/strong&gt;");
  });
});
