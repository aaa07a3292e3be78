// Outside review (issue 12): "Send a test" of a message with a PDF attached sends the test without it,
// and says nothing about it: staff check the e-mail they are about to send, minus its attachment.
import { expect, test } from "bun:test";
import { storeFile } from "../../src/db/files.ts";
import { devOutbox } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { makeTestApp, signedInOwner } from "../support/app.ts";
import { pageText, postForm } from "../support/forms.ts";
import { PDF_HEAD } from "../support/sample-files.ts";

const now = new Date("2026-09-01T17:00:00Z");

test("a test e-mail of a message with an attachment carries the attachment (or says it does not)", async () => {
  const t = await makeTestApp({ now });
  const b = await signedInOwner(t);
  await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, now);
  const pdf = await storeFile(t.db, { bytes: PDF_HEAD, originalName: "Prices.pdf", kind: "pdf", userId: null }, now);
  await b.get("/messages/new?mode=address");
  const tested = await postForm(b, "/messages/test", {
    name: "Prices",
    mode: "address",
    to_address: "ann@x.test",
    channels: "email",
    subject: "Our prices",
    body: "The price list is attached.",
    attachment_ids: String(pdf.id),
    test_channel: "email",
  });
  expect(tested.status).toBe(200);
  const said = pageText(tested.text);
  expect(said).toContain("Test e-mail");
  const [entry] = await t.db.select().from(devOutbox);
  expect(entry).toBeDefined();
  const carried = (entry!.files as { attachments?: unknown[] } | null)?.attachments?.length ?? 0;
  if (carried === 0)
    expect(said.slice(said.indexOf("Test e-mail"), said.indexOf("Test e-mail") + 200)).toMatch(
      /without (?:the |its )?attachment/i,
    );
  else expect(carried).toBe(1);
});
