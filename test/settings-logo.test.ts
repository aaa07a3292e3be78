// The studio logo (issue 12, Settings → Studio): an image only, shown with its preview, removed;
// stored as a file the file manager lists as the logo's; every e-mail's header shows it.
import { describe, expect, test } from "bun:test";
import { files, studioSettings } from "../src/db/schema.ts";
import { makeTestApp, type Browser, signedInOwner } from "./support/app.ts";
import { pageText, postForm } from "./support/forms.ts";
import { rows } from "./api/support.ts";
import { ELF, PDF_HEAD, pngOf, SVG } from "./support/sample-files.ts";

async function uploadLogo(b: Browser, bytes: Uint8Array, name: string) {
  const form = new FormData();
  form.append("_csrf", b.csrf);
  form.append("file", new File([Buffer.from(bytes)], name, { type: "image/png" }));
  const res = await b.request("/settings/logo", {
    method: "POST",
    body: form,
    headers: { Origin: "http://localhost" },
  });
  return { status: res.status, text: await res.text(), location: res.headers.get("Location") };
}

const logoId = async (t: Awaited<ReturnType<typeof makeTestApp>>) =>
  (await t.db.select({ id: studioSettings.logoFileId }).from(studioSettings))[0]?.id ?? null;

describe("Settings → Studio: the logo", () => {
  test("uploaded, previewed, listed in Files as the logo, shown in an e-mail preview, then removed", async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const before = await b.get("/settings");
    expect(pageText(before.text)).toContain("No logo: e-mails show the studio's name in their header.");

    const up = await uploadLogo(b, pngOf(240, 80), "sunny logo.png");
    expect([up.status, up.location]).toEqual([303, "/settings?logo=set"]);
    const [file] = await t.db.select().from(files);
    expect(await logoId(t)).toBe(file!.id);
    const page = await b.get(up.location!);
    expect(pageText(page.text)).toContain("Logo saved: every e-mail's header shows it from now on.");
    expect(page.text).toContain(`<img src="/media/${file!.storedName}" alt="Sunny Side Photo" height="48"/>`);
    expect(pageText(page.text)).toContain("sunny logo.png · 240 × 80 px");

    expect(pageText((await b.get("/files")).text)).toContain("Studio logo (Settings → Studio)");

    // The composer's preview shows the e-mail with the logo in its header, at the public address.
    await b.get("/messages/new?mode=address");
    const preview = await postForm(b, "/messages/preview", {
      mode: "address",
      name: "Hi",
      channels: "email",
      to_address: "ann@example.com",
      subject: "Hello",
      body: "Hello there",
    });
    expect(preview.text).toContain(`http://localhost/media/${file!.storedName}`);

    const removed = await postForm(b, "/settings/logo/remove", {});
    expect(removed.location).toBe("/settings?logo=removed");
    expect(await logoId(t)).toBeNull();
    expect(pageText((await b.get(removed.location!)).text)).toContain(
      "The image stays in Files until you delete it there.",
    );
    expect(await rows(t.db, files)).toBe(1);
  });

  test.each([
    [
      "a PDF",
      PDF_HEAD,
      "logo.pdf",
      "logo.pdf is a PDF document, whatever its name says; upload PNG, JPEG, GIF or WebP only.",
    ],
    ["an SVG", SVG, "logo.svg", "logo.svg holds a web page or SVG (HTML markup)"],
    ["an executable", ELF, "logo.png", "logo.png is not a file type Pigeon knows"],
  ])("%s is refused beside the field; nothing is stored or changed", async (_, bytes, name, problem) => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    await b.get("/settings");
    const res = await uploadLogo(b, bytes, name);
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain(problem);
    expect(res.text).toContain('id="file-error"');
    expect(await rows(t.db, files)).toBe(0);
    expect(await logoId(t)).toBeNull();
  });
});
