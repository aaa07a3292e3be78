// Attachments and MMS pictures as staff and integrations give them (SPEC T5, I3, U3): the API's
// attachment_ids and media_ids on messages and on profile notifications, the compose form's
// checkboxes and uploads on the spot. Bad input is refused naming the field (and the id, the total
// and the limit), with what was typed kept and nothing written.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { MAX_ATTACHMENT_BYTES } from "../src/core/attachments.ts";
import { setContentFiles } from "../src/db/content-files.ts";
import { deleteNotification, listNotifications } from "../src/db/profiles.ts";
import { storeFile } from "../src/db/files.ts";
import { contentFiles, devOutbox, files, messages } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import type { Db } from "../src/db/client.ts";
import { type Browser, makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText, postForm } from "./support/forms.ts";
import { makeApiApp } from "./api/support.ts";
import { GIF_1X1, PDF_HEAD, PNG_1X1, SVG } from "./support/sample-files.ts";

const now = new Date("2026-09-01T17:00:00Z");

async function sampleFiles(db: Db) {
  const pdf = await storeFile(db, { bytes: PDF_HEAD, originalName: "Prices.pdf", kind: "pdf", userId: null }, now);
  const png = await storeFile(db, { bytes: PNG_1X1, originalName: "Class.png", kind: "png", userId: null }, now);
  const gif = await storeFile(db, { bytes: GIF_1X1, originalName: "Wave.gif", kind: "gif", userId: null }, now);
  return { pdf, png, gif };
}

const EMAIL_AND_SMS = {
  name: "Photos ready",
  channels: ["email", "sms"],
  subject: "Your photos",
  body: "They are ready.",
  sms_body: "They are ready.",
  to_address: undefined,
  filters: {},
};

describe("POST /api/v1/messages", () => {
  test("attachment_ids and media_ids are saved with the message and read back in order", async () => {
    const t = await makeApiApp({ now });
    const f = await sampleFiles(t.db);
    const res = await t.post("/messages", {
      ...EMAIL_AND_SMS,
      attachment_ids: [f.pdf.id, f.png.id],
      media_ids: [f.gif.id, f.png.id],
    });
    expect(res.status).toBe(201);
    expect(res.body.attachment_ids).toEqual([f.pdf.id, f.png.id]);
    expect(res.body.media_ids).toEqual([f.gif.id, f.png.id]);
    const again = await t.get(`/messages/${res.body.id}`);
    expect(again.body.attachment_ids).toEqual([f.pdf.id, f.png.id]);
    expect(again.body.media_ids).toEqual([f.gif.id, f.png.id]);
  });

  test("an update by external_id keeps the files unless it names them", async () => {
    const t = await makeApiApp({ now });
    const f = await sampleFiles(t.db);
    await t.post("/messages", { ...EMAIL_AND_SMS, external_id: "m1", attachment_ids: [f.pdf.id] });
    const kept = await t.post("/messages", { external_id: "m1", body: "Changed." });
    expect(kept.body.attachment_ids).toEqual([f.pdf.id]);
    const cleared = await t.post("/messages", { external_id: "m1", attachment_ids: [] });
    expect(cleared.body.attachment_ids).toEqual([]);
  });

  test("bad input is refused naming the field, and nothing is written", async () => {
    const t = await makeApiApp({ now });
    const f = await sampleFiles(t.db);
    const smsOnly = { ...EMAIL_AND_SMS, channels: ["sms"] };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...smsOnly, attachment_ids: [f.pdf.id] }, "attachment_ids", /only an e-mail carries attachments/],
      [{ ...EMAIL_AND_SMS, channels: ["email"], media_ids: [f.png.id] }, "media_ids", /only an SMS carries/],
      [{ ...EMAIL_AND_SMS, media_ids: [f.pdf.id] }, "media_ids", /Prices\.pdf .* is application\/pdf: an MMS/],
      [{ ...EMAIL_AND_SMS, attachment_ids: [f.pdf.id, 999_999] }, "attachment_ids", /no uploaded file with id 999999/],
      [{ ...EMAIL_AND_SMS, attachment_ids: "pdf" }, "attachment_ids.0", /file ids/],
      // An object is not a list: refused naming the field itself, not its "first id".
      [{ ...EMAIL_AND_SMS, attachment_ids: { "0": f.pdf.id } }, "attachment_ids", /must be a list of file ids/],
    ];
    for (const [body, field, message] of cases) {
      const res = await t.post("/messages", body);
      expect(res.status).toBe(422);
      expect(JSON.stringify(res.body.error.fields)).toMatch(`"${field}"`);
      expect(res.body.error.fields[field]).toMatch(message);
    }
    expect(await t.db.select().from(messages)).toEqual([]);
    expect(await t.db.select().from(contentFiles)).toEqual([]);
  });

  test("the same file named many times is one file: duplicates go before the 50-file count", async () => {
    const t = await makeApiApp({ now });
    const f = await sampleFiles(t.db);
    const res = await t.post("/messages", { ...EMAIL_AND_SMS, attachment_ids: Array(60).fill(f.pdf.id) });
    expect(res.status).toBe(201);
    expect((await t.db.select().from(contentFiles)).map((r) => r.fileId)).toEqual([f.pdf.id]);
    const many = await t.post("/messages", {
      ...EMAIL_AND_SMS,
      name: "Many",
      attachment_ids: Array.from({ length: 51 }, (_, i) => i + 1),
    });
    expect(many.status).toBe(422);
    expect(many.body.error.fields.attachment_ids).toMatch(/at most 50 files/);
  });

  test("attachments over the total are refused saying the total and the limit", async () => {
    const t = await makeApiApp({ now });
    // Three files whose sizes on record add up past the limit (the bytes themselves are small).
    const big = [];
    for (let i = 0; i < 3; i++) {
      const f = await storeFile(
        t.db,
        { bytes: PDF_HEAD, originalName: `Big ${i}.pdf`, kind: "pdf", userId: null },
        now,
      );
      await t.db
        .update(files)
        .set({ sizeBytes: Math.ceil(MAX_ATTACHMENT_BYTES / 3) + 1 })
        .where(eq(files.id, f.id));
      big.push(f.id);
    }
    const res = await t.post("/messages", { ...EMAIL_AND_SMS, attachment_ids: big });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain("the attachments add up to 28 MB; an e-mail takes at most 28 MB");
  });

  test("more than ten MMS pictures are refused", async () => {
    const t = await makeApiApp({ now });
    const ids = [];
    for (let i = 0; i < 11; i++)
      ids.push(
        (await storeFile(t.db, { bytes: PNG_1X1, originalName: `p${i}.png`, kind: "png", userId: null }, now)).id,
      );
    const res = await t.post("/messages", { ...EMAIL_AND_SMS, media_ids: ids });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain("11 pictures chosen; an MMS carries at most 10");
  });
});

describe("profile notifications in the API", () => {
  const profile = (n: Record<string, unknown>[]) => ({ name: "With files", notifications: n });
  const emailNote = {
    trigger: "photos_available",
    channel: "email",
    offset_days: 0,
    subject: "Your gallery",
    body: "It is online.",
  };
  const smsNote = { ...emailNote, channel: "sms", subject: undefined };

  test("an e-mail notification takes attachment_ids, an SMS one media_ids; read back; gone with the notification", async () => {
    const t = await makeApiApp({ now });
    const f = await sampleFiles(t.db);
    const res = await t.post(
      "/profiles",
      profile([
        { ...emailNote, attachment_ids: [f.pdf.id] },
        { ...smsNote, media_ids: [f.png.id] },
      ]),
    );
    expect(res.status).toBe(201);
    expect(res.body.notifications.map((n: { attachment_ids: number[] }) => n.attachment_ids)).toEqual([[f.pdf.id], []]);
    expect(res.body.notifications.map((n: { media_ids: number[] }) => n.media_ids)).toEqual([[], [f.png.id]]);
    const listed = await t.get("/profiles");
    const mine = listed.body.data.find((p: { id: number }) => p.id === res.body.id);
    expect(mine.notifications[0].attachment_ids).toEqual([f.pdf.id]);

    // Deleting a notification leaves no attachment row behind (content_files cascades).
    const [first] = await listNotifications(t.db, res.body.id);
    await deleteNotification(t.db, res.body.id, first!.id, now);
    const left = await t.db.select().from(contentFiles);
    expect(left.map((r) => r.fileId)).toEqual([f.png.id]);
  });

  test("the wrong list for the channel, a PDF as MMS, or an unknown id is refused by its path", async () => {
    const t = await makeApiApp({ now });
    const f = await sampleFiles(t.db);
    const res = await t.post(
      "/profiles",
      profile([
        { ...smsNote, attachment_ids: [f.pdf.id] },
        { ...smsNote, offset_days: 1, media_ids: [f.pdf.id] },
        { ...emailNote, attachment_ids: [424_242] },
      ]),
    );
    expect(res.status).toBe(422);
    const fields = JSON.stringify(res.body);
    expect(fields).toContain('"notifications.0.attachment_ids":"only an e-mail carries attachments');
    expect(fields).toContain("notifications.1.media_ids");
    expect(fields).toContain("an MMS carries JPEG, PNG or GIF pictures only");
    expect(fields).toContain('"notifications.2.attachment_ids":"there is no uploaded file with id 424242');
    expect(await t.db.select().from(contentFiles)).toEqual([]);
  });
});

// ---------------------------------------------------------------- the compose form

const FORM = {
  name: "Photos ready",
  mode: "address",
  to_address: "ann@x.test",
  subject: "Your photos",
  body: "They are ready.",
  sms_body: "They are ready.",
  send_mode: "now",
  intent: "save",
};

async function formSetup() {
  const t = await makeTestApp({ now });
  const b = await signedInOwner(t);
  await b.get("/messages/new?mode=address");
  return { t, b };
}

/** The compose form as a browser posts it with a file chosen in one of the upload fields. */
async function postWithUpload(
  b: Browser,
  path: string,
  fields: Record<string, string | string[]>,
  upload: { field: string; bytes: Uint8Array; name: string; type: string },
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
  form.append("_csrf", b.csrf);
  form.append(upload.field, new File([Buffer.from(upload.bytes)], upload.name, { type: upload.type }));
  const res = await b.request(path, { method: "POST", body: form, headers: { Origin: "http://localhost" } });
  return { status: res.status, text: await res.text(), location: res.headers.get("Location") };
}

describe("the compose form's attachments", () => {
  test("files chosen by checkbox are saved with the draft and shown ticked when it is opened again", async () => {
    const { t, b } = await formSetup();
    const f = await sampleFiles(t.db);
    const page = await b.get("/messages/new?mode=address");
    expect(pageText(page.text)).toContain("Prices.pdf");
    expect(pageText(page.text)).toContain("at most 28 MB together");
    expect(pageText(page.text)).toContain("Pictures reach US and Canadian numbers only");
    const saved = await postForm(b, "/messages", { ...FORM, channels: "email", attachment_ids: [String(f.pdf.id)] });
    expect(saved.status).toBe(303);
    const [m] = await t.db.select().from(messages);
    const rows = await t.db.select().from(contentFiles).where(eq(contentFiles.messageId, m!.id));
    expect(rows.map((r) => [r.fileId, r.role])).toEqual([[f.pdf.id, "attachment"]]);
    const again = await b.get(`/messages/${m!.id}`);
    expect(again.text).toContain(`name="attachment_ids" value="${f.pdf.id}" checked=""`);
  });

  test("a PDF uploaded on the spot is stored, ticked, and kept while another field is put right", async () => {
    const { t, b } = await formSetup();
    const res = await postWithUpload(
      b,
      "/messages",
      { ...FORM, channels: "email", subject: "" },
      { field: "attachment_upload", bytes: PDF_HEAD, name: "Order form.pdf", type: "application/pdf" },
    );
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain("An e-mail needs a subject");
    const [f] = await t.db.select().from(files);
    expect(f!.originalName).toBe("Order form.pdf");
    expect(res.text).toContain(`name="attachment_ids" value="${f!.id}" checked=""`);
    expect(await t.db.select().from(messages)).toEqual([]);
  });

  test("bad input is answered beside its section, what was typed kept, nothing saved", async () => {
    const { t, b } = await formSetup();
    const f = await sampleFiles(t.db);
    const noEmail = await postForm(b, "/messages", {
      ...FORM,
      to_address: "+1 312 555 0123",
      channels: "sms",
      attachment_ids: [String(f.pdf.id)],
    });
    expect(noEmail.status).toBe(422);
    expect(pageText(noEmail.text)).toContain("only an e-mail carries attachments: add the e-mail channel");
    expect(noEmail.text).toContain("They are ready.");

    const pdfAsMms = await postForm(b, "/messages", {
      ...FORM,
      to_address: "+1 312 555 0123",
      channels: "sms",
      media_ids: [String(f.pdf.id)],
    });
    expect(pdfAsMms.status).toBe(422);
    expect(pageText(pdfAsMms.text)).toContain("an MMS carries JPEG, PNG or GIF pictures only");

    const unknown = await postForm(b, "/messages", { ...FORM, channels: "email", attachment_ids: ["777777"] });
    expect(unknown.status).toBe(422);
    expect(pageText(unknown.text)).toContain("there is no uploaded file with id 777777");

    const svg = await postWithUpload(
      b,
      "/messages",
      { ...FORM, channels: "sms", to_address: "+1 312 555 0123" },
      { field: "media_upload", bytes: SVG, name: "logo.svg", type: "image/svg+xml" },
    );
    expect(svg.status).toBe(422);
    expect(pageText(svg.text)).toContain("logo.svg holds a web page or SVG");
    expect(pageText(svg.text)).toContain("Nothing was saved.");

    expect(await t.db.select().from(messages)).toEqual([]);
    expect(await t.db.select().from(contentFiles)).toEqual([]);
    // The three sample files only: the SVG was never stored.
    expect(await t.db.select({ id: files.id }).from(files)).toHaveLength(3);
  });

  test("the Attachments hint gives each kind's own limit: PDFs 10 MB, images 5 MB, as uploads enforce (FILE_KINDS)", async () => {
    const t = await makeTestApp({ now });
    const b = await signedInOwner(t);
    const page = pageText((await b.get("/messages/new?mode=address")).text);
    expect(page).toContain("PDFs (each at most 10 MB) and images (each at most 5 MB)");
  });

  test("Send a test to yourself carries the attachment ticked, as the real send does; a file gone since is refused", async () => {
    // Eyes walk (issue 12): the test e-mail went without the attachments every customer's copy had.
    // A test delivery has no message row, so it carries the ticked ids itself (deliveries.test_files).
    const t = await makeTestApp({ now });
    const b = await signedInOwner(t);
    await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, now);
    const { pdf } = await sampleFiles(t.db);
    await b.get("/messages/new?mode=address");
    const form = {
      name: "Prices",
      mode: "address",
      to_address: "ann@x.test",
      channels: "email",
      subject: "Our prices",
      body: "The price list is attached.",
      attachment_ids: String(pdf.id),
      test_channel: "email",
    };
    const tested = await postForm(b, "/messages/test", form);
    expect(tested.status).toBe(200);
    expect(pageText(tested.text)).toContain("Test e-mail sent to owner@sunny.test through the dev outbox.");
    expect(pageText(tested.text)).not.toContain("without its attachments");
    const [sent] = await t.db.select().from(devOutbox);
    expect(sent!.files?.attachments?.map((a) => a.filename)).toEqual([pdf.originalName]);

    const stale = await postForm(b, "/messages/test", { ...form, attachment_ids: "777777" });
    expect(pageText(stale.text)).toContain("File 777777 no longer exists");
    expect(await t.db.select().from(devOutbox)).toHaveLength(1);
  });

  test("a ticked file older than the 200 newest the list shows stays listed and ticked", async () => {
    const { t, b } = await formSetup();
    const old = await storeFile(t.db, { bytes: PDF_HEAD, originalName: "Old.pdf", kind: "pdf", userId: null }, now);
    for (let i = 0; i < 200; i++)
      await storeFile(t.db, { bytes: PNG_1X1, originalName: `n${i}.png`, kind: "png", userId: null }, now);
    const res = await postForm(b, "/messages", {
      ...FORM,
      channels: "email",
      subject: "",
      attachment_ids: [String(old.id)],
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain(`name="attachment_ids" value="${old.id}" checked=""`);
  });

  test("an edit replaces the files in the same save", async () => {
    const { t, b } = await formSetup();
    const f = await sampleFiles(t.db);
    await postForm(b, "/messages", { ...FORM, channels: "email", attachment_ids: [String(f.pdf.id)] });
    const [m] = await t.db.select().from(messages);
    await setContentFiles(t.db, { messageId: m!.id }, "attachment", [f.pdf.id]);
    await b.get(`/messages/${m!.id}/edit`);
    const edited = await postForm(b, `/messages/${m!.id}`, {
      ...FORM,
      message_id: String(m!.id),
      channels: "email",
      attachment_ids: [String(f.png.id), String(f.gif.id)],
    });
    expect(edited.status).toBe(303);
    const rows = await t.db.select().from(contentFiles).where(eq(contentFiles.messageId, m!.id));
    expect(rows.sort((a, z) => a.position - z.position).map((r) => r.fileId)).toEqual([f.png.id, f.gif.id]);
  });
});

describe("the notification editor's files", () => {
  const emailNotification = {
    trigger: "job_archiving",
    offset: "7",
    time_mode: "morning",
    audience: "potential_buyers",
    condition: "with_photos",
    channel: "email",
    subject: "Last week for {{job.name}}",
    body: "The gallery closes soon.",
    active: "on",
  };

  async function editorSetup() {
    const t = await makeTestApp({ now });
    const b = await signedInOwner(t);
    const f = await sampleFiles(t.db);
    await b.get("/profiles");
    await b.post("/profiles", { name: "With files" });
    const [p] = await t.db.query.communicationProfiles.findMany({
      where: (x, { eq: is }) => is(x.name, "With files"),
    });
    await b.get(`/profiles/${p!.id}/notifications/new`);
    return { t, b, f, profileId: p!.id };
  }

  test("an e-mail notification's attachment is saved with it and ticked when it is edited again", async () => {
    const { t, b, f, profileId } = await editorSetup();
    const page = await b.get(`/profiles/${profileId}/notifications/new`);
    expect(pageText(page.text)).toContain("Attachments");
    expect(pageText(page.text)).not.toContain("Pictures (MMS)");
    const saved = await postForm(b, `/profiles/${profileId}/notifications`, {
      ...emailNotification,
      attachment_ids: [String(f.pdf.id)],
    });
    expect(saved.status).toBe(303);
    const [n] = await listNotifications(t.db, profileId);
    const rows = await t.db.select().from(contentFiles).where(eq(contentFiles.notificationId, n!.id));
    expect(rows.map((r) => [r.fileId, r.role])).toEqual([[f.pdf.id, "attachment"]]);
    const edit = await b.get(`/profiles/${profileId}/notifications/${n!.id}/edit`);
    expect(edit.text).toContain(`name="attachment_ids" value="${f.pdf.id}" checked=""`);
  });

  test("a PDF as an SMS picture, or attachments on an SMS, are refused beside the section, ticks kept", async () => {
    const { t, b, f, profileId } = await editorSetup();
    const sms = { ...emailNotification, channel: "sms", subject: "" };
    const pdfPicture = await postForm(b, `/profiles/${profileId}/notifications`, {
      ...sms,
      media_ids: [String(f.pdf.id)],
    });
    expect(pdfPicture.status).toBe(422);
    expect(pageText(pdfPicture.text)).toContain("an MMS carries JPEG, PNG or GIF pictures only");
    const attachments = await postForm(b, `/profiles/${profileId}/notifications`, {
      ...sms,
      attachment_ids: [String(f.pdf.id)],
    });
    expect(attachments.status).toBe(422);
    expect(pageText(attachments.text)).toContain("only an e-mail carries attachments");
    // The section with the stray tick stays shown, ticked, so it can be put right.
    expect(attachments.text).toContain(`name="attachment_ids" value="${f.pdf.id}" checked=""`);
    expect(await listNotifications(t.db, profileId)).toEqual([]);
    expect(await t.db.select().from(contentFiles)).toEqual([]);
  });
});
