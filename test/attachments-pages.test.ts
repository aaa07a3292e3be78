// What staff see of attachments and MMS pictures (SPEC T5, O5, D1): the review before Send lists
// the files with the limits and says how many numbers get the text without the pictures; after the
// send the dev outbox shows the attachment (name, size, a link to the same bytes) and the pictures.
import { describe, expect, test } from "bun:test";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { databaseDevOutboxStore } from "../src/db/dev-outbox-store.ts";
import { storeFile } from "../src/db/files.ts";
import { devOutbox, messages } from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { createDevProviders } from "../src/providers/dev-outbox.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText, postForm } from "./support/forms.ts";
import { PDF_HEAD, PNG_1X1 } from "./support/sample-files.ts";

const now = new Date("2026-09-01T17:00:00Z");

async function setup() {
  const t = await makeTestApp({ now });
  const b = await signedInOwner(t);
  await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, now);
  const pdf = await storeFile(t.db, { bytes: PDF_HEAD, originalName: "Prices.pdf", kind: "pdf", userId: null }, now);
  const png = await storeFile(t.db, { bytes: PNG_1X1, originalName: "Class.png", kind: "png", userId: null }, now);
  await b.get("/messages/new?mode=address");
  return { t, b, pdf, png };
}

const send = (t: Awaited<ReturnType<typeof setup>>["t"]) =>
  (async () => {
    await runOneTimeMessages(t.deps, now);
    await createDispatcher(t.deps, createDevProviders(databaseDevOutboxStore(t.db), { clock: t.deps.clock }), {
      owner: "w",
    }).tick();
  })();

describe("the review and the dev outbox", () => {
  test("an e-mail's PDF: listed on the review, in the dev outbox after sending, its link giving the same bytes", async () => {
    const { t, b, pdf } = await setup();
    const saved = await postForm(b, "/messages", {
      name: "Prices",
      mode: "address",
      to_address: "ann@x.test",
      channels: "email",
      subject: "Our prices",
      body: "Attached.",
      send_mode: "now",
      intent: "send",
      attachment_ids: String(pdf.id),
    });
    expect(saved.status).toBe(303);
    const review = await b.get(saved.location!);
    const text = pageText(review.text);
    expect(text).toContain("Attachments Prices.pdf · 1 KB");
    expect(text).toContain("of at most 28 MB");
    expect(review.text).toContain(`href="/media/${pdf.storedName}"`);
    const armed = await postForm(b, saved.location!, {});
    expect(armed.status).toBe(303);

    await send(t);
    const [entry] = await t.db.select().from(devOutbox);
    expect(entry!.files).toEqual({
      attachments: [
        {
          filename: "Prices.pdf",
          size: PDF_HEAD.length,
          contentType: "application/pdf",
          link: `/media/${pdf.storedName}`,
        },
      ],
    });
    const page = await b.get(`/outbox/dev/${entry!.id}`);
    expect(pageText(page.text)).toContain("Attachments Prices.pdf");
    const list = await b.get("/outbox/dev");
    expect(pageText(list.text)).toContain("1 attachment");
    const file = await t.app.request(`/media/${pdf.storedName}`);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PDF_HEAD);
  });

  test("an SMS picture to a number outside the US and Canada: the review says it goes without; the outbox shows none", async () => {
    const { t, b, png } = await setup();
    const saved = await postForm(b, "/messages", {
      name: "Photo",
      mode: "address",
      to_address: "+49 151 12345678",
      channels: "sms",
      sms_body: "Your photo is ready.",
      send_mode: "now",
      intent: "send",
      media_ids: String(png.id),
    });
    expect(saved.status).toBe(303);
    const review = pageText((await b.get(saved.location!)).text);
    expect(review).toContain("Pictures (MMS) Class.png");
    expect(review).toContain("1 number is outside the US and Canada: it gets the text without the pictures");
    await postForm(b, saved.location!, {});
    await send(t);
    const [entry] = await t.db.select().from(devOutbox);
    expect(entry!.body).toStartWith("Your photo is ready.");
    expect(entry!.files).toBeNull();
  });

  test("an SMS picture to a +1 number is in the dev outbox as a thumbnail of its /media address", async () => {
    const { t, b, png } = await setup();
    const saved = await postForm(b, "/messages", {
      name: "Photo",
      mode: "address",
      to_address: "+1 312 555 0123",
      channels: "sms",
      sms_body: "Your photo is ready.",
      send_mode: "now",
      intent: "send",
      media_ids: String(png.id),
    });
    const review = pageText((await b.get(saved.location!)).text);
    expect(review).toContain("MMS reaches US and Canadian (+1) numbers only");
    await postForm(b, saved.location!, {});
    await send(t);
    const [entry] = await t.db.select().from(devOutbox);
    expect(entry!.files?.mediaUrls).toEqual([`${t.deps.config.publicUrl}/media/${png.storedName}`]);
    const page = await b.get(`/outbox/dev/${entry!.id}`);
    expect(page.text).toContain(`<img src="/media/${png.storedName}"`);
    expect(await t.db.select().from(messages)).toHaveLength(1);
  });
});
