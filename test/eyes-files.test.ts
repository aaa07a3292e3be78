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

