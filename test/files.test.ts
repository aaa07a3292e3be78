// The file manager's pages (issue 12, SPEC T4): kinds and limits shown before upload; uploads
// checked by their bytes, each refusal saying why with nothing stored; the list with thumbnails,
// sizes and where each file is used; delete refused while in use and allowed after; the image
// picker's page without JavaScript shows each image's Markdown line.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { communicationProfiles, files, messages, notifications, templates } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { type Browser, makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText, postForm } from "./support/forms.ts";
import { rows } from "./api/support.ts";
import { ELF, GIF_HTML_POLYGLOT, HTML_PAGE, PDF_HEAD, pngOf, SVG, tinyWav } from "./support/sample-files.ts";

async function uploadPage(b: Browser, path: string, file: { bytes: Uint8Array; name: string; type?: string } | null) {
  const form = new FormData();
  form.append("_csrf", b.csrf);
  form.append(
    "file",
    file ? new File([Buffer.from(file.bytes)], file.name, { type: file.type ?? "image/png" }) : new File([], ""),
  );
  const res = await b.request(path, { method: "POST", body: form, headers: { Origin: "http://localhost" } });
  return { status: res.status, text: await res.text(), location: res.headers.get("Location") };
}

async function setup() {
  const t = await makeTestApp();
  const b = await signedInOwner(t);
  const page = await b.get("/files");
  return { t, b, page };
}

describe("/files", () => {
  test("empty: says what to do, with each kind's limit shown before any upload", async () => {
    const { page } = await setup();
    expect(page.status).toBe(200);
    const text = pageText(page.text);
    expect(text).toContain("No files yet.");
    expect(text).toContain("Upload a picture above to show it in an e-mail");
    expect(text).toContain(
      "Pigeon takes MP3 or WAV audio: up to 10 MB; PNG, JPEG, GIF or WebP image: up to 5 MB; PDF document: up to 10 MB.",
    );
    expect(page.text).toContain('enctype="multipart/form-data"');
    // The Communication pages share their sub-navigation.
    expect(page.text).toMatch(/<nav class="communication-nav"[^>]*>.*href="\/files" aria-current="page"/s);
  });

  test.each([
    ["a GIF that is also a page (polyglot)", GIF_HTML_POLYGLOT, "cat.gif", "cat.gif holds a web page or SVG"],
    [
      "an executable renamed .png",
      ELF,
      "photo.png",
      "photo.png is not a file type Pigeon knows, whatever its name says",
    ],
    ["an SVG", SVG, "logo.svg", "logo.svg holds a web page or SVG (HTML markup), which Pigeon never serves"],
    ["an HTML page", HTML_PAGE, "index.html", "index.html holds a web page or SVG"],
    [
      "an image over 5 MB",
      (() => {
        const big = new Uint8Array(5 * 1024 * 1024 + 1);
        big.set(pngOf(2, 2));
        return big;
      })(),
      "huge.png",
      "huge.png is a PNG image larger than 5 MB, the limit for images (it has 5,242,881 bytes).",
    ],
    ["an empty file", new Uint8Array(0), "empty.png", "empty.png is empty: choose the file again."],
  ])("%s is refused beside the field with its reason; nothing is stored", async (_, bytes, name, problem) => {
    const { t, b } = await setup();
    const res = await uploadPage(b, "/files", { bytes, name });
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain(problem);
    expect(res.text).toContain('id="file-error"');
    expect(await rows(t.db, files)).toBe(0);
  });

  test("no file chosen, and a body over 10 MB, are answered plainly", async () => {
    const { t, b } = await setup();
    const none = await uploadPage(b, "/files", null);
    expect(none.status).toBe(422);
    expect(pageText(none.text)).toContain("Choose a file to upload.");
    const huge = await uploadPage(b, "/files", { bytes: new Uint8Array(11 * 1024 * 1024), name: "x.pdf" });
    expect(huge.status).toBe(413);
    expect(pageText(huge.text)).toContain("That file is larger than 10 MB, the most Pigeon takes");
    expect(await rows(t.db, files)).toBe(0);
  });

  test("uploads are listed newest first with thumbnail, size, dimensions, who and where used", async () => {
    const { t, b } = await setup();
    const pdf = await uploadPage(b, "/files", { bytes: PDF_HEAD, name: "price list.pdf", type: "application/pdf" });
    expect(pdf.status).toBe(303);
    t.setNow(new Date("2026-09-01T11:00:00Z"));
    const png = await uploadPage(b, "/files", { bytes: pngOf(1200, 800), name: "class photo.png" });
    expect(png.status).toBe(303);
    const [image] = await t.db.select().from(files).where(eq(files.mimeType, "image/png"));
    expect([image!.width, image!.height]).toEqual([1200, 800]);
    expect(png.location).toBe(`/files?uploaded=${image!.id}`);

    // Used: in a draft's body, by the studio logo, in a template.
    await t.db.insert(messages).values({
      name: "Open day",
      channels: ["email"],
      subject: "Open day",
      body: `![The studio](/media/${image!.storedName})`,
      filters: {},
    });
    await updateSettings(t.db, { logoFileId: image!.id }, new Date());
    await t.db.insert(templates).values({ name: "Hero", channel: "email", body: `![x](/media/${image!.storedName})` });

    const page = await b.get(png.location!);
    const text = pageText(page.text);
    expect(text).toContain("class photo.png uploaded.");
    expect(text.indexOf("class photo.png")).toBeLessThan(text.indexOf("price list.pdf"));
    expect(page.text).toContain(
      `<img class="thumb" src="/media/${image!.storedName}" loading="lazy" alt="" width="64" height="43"/>`,
    );
    expect(text).toContain("PNG image · 14 KB · 1200 × 800 px");
    expect(text).toContain("Uploaded 2026-09-01 11:00 UTC by Olivia Owner");
    expect(text).toContain("PDF document · 1 KB");
    expect(page.text).toContain(`readonly="" value="http://localhost/media/${image!.storedName}"`);
    expect(text).toContain("Message “Open day” (Draft): in its text");
    expect(text).toContain("Template “Hero”: in its text");
    expect(text).toContain("Studio logo (Settings → Studio)");
    expect(text).toContain("Not used");
    expect((await b.get("/files?kind=pdf")).text).not.toContain("class photo.png");
  });

  test("delete: refused while in use (409 naming the uses), a warning for sent messages, then deleted", async () => {
    const { t, b } = await setup();
    await uploadPage(b, "/files", { bytes: pngOf(10, 10), name: "hero.png" });
    const [image] = await t.db.select().from(files);
    const [msg] = await t.db
      .insert(messages)
      .values({
        name: "Spring sale",
        channels: ["email"],
        subject: "Sale",
        body: `![Sale](/media/${image!.storedName})`,
        filters: {},
      })
      .returning();

    const ask = await b.get(`/files/${image!.id}/delete`);
    expect(pageText(ask.text)).toContain("This file is in use, so it cannot be deleted. Remove it from this first:");
    expect(ask.text).toContain(`href="/messages/${msg!.id}"`);
    expect(ask.text).not.toContain(`action="/files/${image!.id}/delete"`);
    const refused = await postForm(b, `/files/${image!.id}/delete`, {});
    expect(refused.status).toBe(409);
    expect(pageText(refused.text)).toContain("Message “Spring sale” (Draft): in its text");
    expect(await rows(t.db, files)).toBe(1);

    // Eyes walk (issue 12): a message that is sending cannot be edited, so "remove it" is no way:
    // the page says the file can go once the message has finished sending.
    await t.db.update(messages).set({ status: "sending" }).where(eq(messages.id, msg!.id));
    const sending = pageText((await b.get(`/files/${image!.id}/delete`)).text);
    expect(sending).toContain("This file is in use, so it cannot be deleted.");
    expect(sending).toContain(
      "This message is sending with it: it can be deleted once the message has finished sending.",
    );
    expect(sending).not.toContain("Remove it from");
    expect((await postForm(b, `/files/${image!.id}/delete`, {})).status).toBe(409);

    await t.db.update(messages).set({ status: "sent" }).where(eq(messages.id, msg!.id));
    const warn = await b.get(`/files/${image!.id}/delete`);
    expect(pageText(warn.text)).toContain(
      "Messages already sent show this file. The picture will be missing from those e-mails when opened later:",
    );
    const done = await postForm(b, `/files/${image!.id}/delete`, {});
    expect([done.status, done.location]).toEqual([303, "/files?deleted=1"]);
    expect(await rows(t.db, files)).toBe(0);
    expect(pageText((await b.get("/files?deleted=1")).text)).toContain("The file was deleted.");
    expect((await postForm(b, `/files/${image!.id}/delete`, {})).status).toBe(404);
    expect((await b.get(`/files/${image!.id}/delete`)).status).toBe(404);
  });

  test("without the session's token an upload or delete is refused", async () => {
    const { t, b } = await setup();
    const form = new FormData();
    form.append("file", new File([Buffer.from(pngOf(2, 2))], "a.png"));
    const res = await b.request("/files", { method: "POST", body: form, headers: { Origin: "http://localhost" } });
    expect(res.status).toBe(403);
    expect(await rows(t.db, files)).toBe(0);
  });
});

describe("/files/pick, the image picker", () => {
  test("without JavaScript: each image's Markdown line to copy; images only; an upload on the spot", async () => {
    const { t, b } = await setup();
    await uploadPage(b, "/files", { bytes: tinyWav(), name: "hello.wav", type: "audio/wav" });
    const empty = await b.get("/files/pick");
    expect(pageText(empty.text)).toContain("No images yet: upload one below.");
    const pdf = await uploadPage(b, "/files/pick", { bytes: PDF_HEAD, name: "prices.pdf" });
    expect(pdf.status).toBe(422);
    expect(pageText(pdf.text)).toContain(
      "prices.pdf is a PDF document, whatever its name says; upload PNG, JPEG, GIF or WebP only.",
    );
    const up = await uploadPage(b, "/files/pick", { bytes: pngOf(30, 20), name: "team.png" });
    expect(up.status).toBe(200);
    const [image] = await t.db.select().from(files).where(eq(files.mimeType, "image/png"));
    expect(up.text).toContain(`value="![Describe the picture](/media/${image!.storedName})"`);
    expect(up.text).not.toContain("hello.wav");
    // The dialog's fragment: the new image chosen, Insert off until alt text is typed.
    const fragment = await uploadPage(b, "/files/pick?fragment=1", { bytes: pngOf(5, 5), name: "b.png" });
    expect(fragment.text).not.toContain("<html");
    expect(fragment.text).toMatch(/<input type="radio" name="picker_image" value="[^"]+\.png" checked=""/);
    expect(fragment.text).toContain('data-picker-insert="true" disabled=""');
  });
});

describe("the Image button in the e-mail editors", () => {
  test("the composer and an e-mail notification's editor have it; a picture without alt text is refused beside the body", async () => {
    const { t, b } = await setup();
    expect((await b.get("/messages/new?mode=address")).text).toContain('data-image-picker="f-body"');
    await b.get("/profiles");
    await b.post("/profiles", { name: "Seniors" });
    const [profile] = (await t.db.select().from(communicationProfiles)).filter((p) => p.name === "Seniors");
    const form = await b.get(`/profiles/${profile!.id}/notifications/new`);
    expect(form.text).toContain('href="/files/pick"');

    await uploadPage(b, "/files", { bytes: pngOf(800, 500), name: "hero.png" });
    const [image] = await t.db.select().from(files);
    const fields = {
      trigger: "job_selling",
      offset: "0",
      time_mode: "immediately",
      audience: "all",
      condition: "any",
      channel: "email",
      subject: "Photos are online",
      body: `Hi!\n\n![](/media/${image!.storedName})`,
      active: "on",
    };
    const refused = await postForm(b, `/profiles/${profile!.id}/notifications`, fields);
    expect(refused.status).toBe(422);
    expect(pageText(refused.text)).toContain(`The image ${image!.storedName} has no alt text: describe what it shows`);
    expect(refused.text).toContain(`![](/media/${image!.storedName})`);
    expect(await t.db.select().from(notifications).where(eq(notifications.profileId, profile!.id))).toHaveLength(0);

    // With alt text its live preview shows the picture at its public address, 600 px at most.
    const preview = await postForm(b, `/profiles/${profile!.id}/notifications/preview`, {
      ...fields,
      body: `Hi!\n\n![The class](/media/${image!.storedName})`,
    });
    expect(preview.text).toContain(
      `src=&quot;http://localhost/media/${image!.storedName}&quot; alt=&quot;The class&quot; width=&quot;600&quot;`,
    );
  });

  // Outside review: the no-JS picker's stand-in alt text passed as alt text, and a body showing an
  // image deleted meanwhile was saved, sending a broken picture.
  test("the stand-in alt text is refused; an image deleted since it was inserted is refused beside the body", async () => {
    const { t, b } = await setup();
    await b.get("/profiles");
    await b.post("/profiles", { name: "Seniors" });
    const [profile] = (await t.db.select().from(communicationProfiles)).filter((p) => p.name === "Seniors");
    await uploadPage(b, "/files", { bytes: pngOf(40, 30), name: "hero.png" });
    const [image] = await t.db.select().from(files);
    await b.get(`/profiles/${profile!.id}/notifications/new`);
    const stand = await postForm(b, `/profiles/${profile!.id}/notifications`, {
      trigger: "job_selling",
      offset: "0",
      time_mode: "immediately",
      audience: "all",
      condition: "any",
      channel: "email",
      subject: "Photos are online",
      body: `Hi!\n\n![Describe the picture](/media/${image!.storedName})`,
      active: "on",
    });
    expect(stand.status).toBe(422);
    expect(pageText(stand.text)).toContain(
      `The image ${image!.storedName} still has the alt text “Describe the picture”: replace it with what the picture shows`,
    );
    expect(await t.db.select().from(notifications).where(eq(notifications.profileId, profile!.id))).toHaveLength(0);

    await postForm(b, `/files/${image!.id}/delete`, {});
    expect(await rows(t.db, files)).toBe(0);
    await b.get("/messages/new?mode=address");
    const body = `Hi!\n\n![The class of 2026](/media/${image!.storedName})`;
    const gone = await postForm(b, "/messages", {
      mode: "address",
      name: "Open day",
      channels: "email",
      subject: "Open day",
      body,
      to_address: "ann@example.com",
      send_mode: "now",
      intent: "save",
    });
    expect(gone.status).toBe(422);
    expect(pageText(gone.text)).toContain(
      `The image /media/${image!.storedName} is not in the file manager (deleted, or the address mistyped)`,
    );
    expect(gone.text).toContain("![The class of 2026]");
    expect(await rows(t.db, messages)).toBe(0);
  });
});
