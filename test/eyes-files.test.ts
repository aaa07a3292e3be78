// Outside review of issue 12's file manager and images (i12-eyes-files). Each test shows one
// problem found by trying to break uploads, /media serving, where-used and images in e-mail
// bodies; each fails until the problem is fixed.
import { describe, expect, test } from "bun:test";
import { imageAltProblem } from "../src/core/email-images.ts";
import { sniffUpload, IMAGE_KINDS, MAX_FILE_BYTES } from "../src/core/file-types.ts";
import { messageInput } from "../src/core/message-input.ts";
import { fieldErrors } from "../src/core/validation.ts";
import { getSettings } from "../src/db/settings.ts";
import { emailLook } from "../src/dispatch/content.ts";
import { renderEmailVariant } from "../src/email/render.ts";
import { type ApiApp, makeApiApp } from "./api/support.ts";
import { pngOf } from "./support/sample-files.ts";

async function upload(t: ApiApp, bytes: Uint8Array, name: string, type = "image/png") {
  const form = new FormData();
  form.append("file", new File([Buffer.from(bytes)], name, { type }));
  const res = await t.app.request("http://localhost/api/v1/files", {
    method: "POST",
    headers: { Authorization: `Bearer ${t.key}` },
    body: form,
  });
  // oxlint-disable-next-line typescript/no-explicit-any
  return (await res.json()) as any;
}
const path = (url: string) => new URL(url).pathname;

async function draft(t: ApiApp, body: string) {
  return t.post("/messages", {
    name: "Open day",
    channels: ["email"],
    to_address: "ann@example.com",
    subject: "Open day",
    body,
  });
}

describe("alt text is required: every image form Markdown renders", () => {
  const NAME = "AbCdEfGhIjKlMnOpQrStUvWx.png";

  test('a reference-style image with no alt text is refused (it renders as <img alt="">)', async () => {
    const body = `Hello\n\n![][hero]\n\n[hero]: /media/${NAME}`;
    // It does render as an image with an empty alt…
    const v = await renderEmailVariant({
      subject: "Hi",
      body,
      format: "markdown",
      studio: { name: "Brightside", postalAddress: "1 Main St" },
      media: { base: "https://studio.example", widths: {} },
    });
    expect(v.html({}, (x) => x)).toContain(`<img src="https://studio.example/media/${NAME}" alt=""`);
    // …so saving it must fail like `![](/media/…)` does.
    expect(imageAltProblem(body)).not.toBeNull();
    const parsed = messageInput([], "US").safeParse({
      name: "Open day",
      channels: ["email"],
      subject: "Open day",
      body,
      to_address: "ann@example.com",
    });
    expect(parsed.success).toBe(false);
    expect(fieldErrors(parsed.error!).body).toContain("has no alt text");
  });

  test("an alt text the Image button inserts as typed (ending in a backslash) still makes an image", async () => {
    // static/editor.js cleanAlt() strips [ ] and line breaks only: "Studio C:\" becomes ![Studio C:\](…),
    // whose \] escapes the bracket, so the e-mail shows the raw Markdown instead of the picture.
    const v = await renderEmailVariant({
      subject: "Hi",
      body: `![Studio C:\\](/media/${NAME})`,
      format: "markdown",
      studio: { name: "Brightside", postalAddress: "1 Main St" },
      media: { base: "https://studio.example", widths: {} },
    });
    const html = v.html({}, (x) => x);
    expect(html).not.toContain("![Studio");
    expect(html).toContain(`src="https://studio.example/media/${NAME}"`);
  });

  test("an <img> written inside inline code is text, not an image, and needs no alt text", () => {
    expect(imageAltProblem(`To embed it yourself, use \`<img src="/media/${NAME}">\` in HTML.`)).toBeNull();
  });
});

describe("where used: an image the e-mail shows keeps its file", () => {
  test.each([
    ["a Markdown-escaped slash", (n: string) => `![Our studio](/media\\/${n})`],
    ["an HTML entity in the path", (n: string) => `<img src="/m&#101;dia/${n}" alt="Our studio">`],
  ])("%s: rendered as the uploaded image, so DELETE must be refused (409)", async (_, bodyOf) => {
    const t = await makeApiApp();
    const png = await upload(t, pngOf(4, 4), "studio.png");
    const name = path(png.url).slice("/media/".length);
    const msg = await draft(t, `Welcome!\n\n${bodyOf(name)}`);
    expect(msg.status).toBe(201);
    // The draft's e-mail shows the file…
    const v = await renderEmailVariant({
      subject: "Hi",
      body: msg.body.body,
      format: "markdown",
      studio: { name: "Brightside", postalAddress: "1 Main St" },
      media: { base: "http://localhost", widths: {} },
    });
    expect(v.html({}, (x) => x)).toContain(`src="http://localhost/media/${name}"`);
    // …but the file manager does not see that use and deletes it: the e-mail goes out broken.
    const res = await t.call("DELETE", `/files/${png.id}`);
    expect(res.status).toBe(409);
  });

  test("saving an e-mail body whose uploaded image no longer exists (deleted in another tab) is refused", async () => {
    const t = await makeApiApp();
    const png = await upload(t, pngOf(4, 4), "class.png");
    // Staff inserted it into an unsaved draft; meanwhile the file (not yet used by anything) is deleted.
    expect((await t.call("DELETE", `/files/${png.id}`)).status).toBe(204);
    const msg = await draft(t, `Hi!\n\n![The class of 2026](${path(png.url)})`);
    // Today: 201, and every e-mail it sends shows a broken image, with no word to staff.
    expect(msg.status).toBe(422);
    expect(JSON.stringify(msg.body)).toContain(path(png.url).slice("/media/".length));
  });
});

describe("an image pasted by its copied URL (the GotPhoto article's way) is sized like an inserted one", () => {
  test("a 1200 px image at its absolute /media/ URL gets width 600, as /media/… does", async () => {
    const t = await makeApiApp();
    const png = await upload(t, pngOf(1200, 10), "wide.png");
    expect(png.width).toBe(1200);
    const settings = await getSettings(t.db);
    const render = async (src: string) => {
      const body = `![The class](${src})`;
      const v = await renderEmailVariant({
        subject: "Hi",
        body,
        format: "markdown",
        ...(await emailLook(t.db, settings, "http://localhost", body)),
      });
      return v.html({}, (x) => x).match(/<img src="http:\/\/localhost\/media\/[^>]*>/)?.[0] ?? "";
    };
    expect(await render(path(png.url))).toContain('width="600"');
    // The URL the file manager's "Copy URL" gives: Outlook draws it 1200 px wide.
    expect(await render(png.url)).toContain('width="600"');
  });
});
