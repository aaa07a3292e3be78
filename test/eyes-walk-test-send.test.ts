// Outside review (issue 12, eyes walk): "Send a test to yourself" is how an owner checks the
// e-mail before 258 customers get it. Walked in Chromium: with a preheader typed ("Book a relaxed
// family session…") and a PDF ticked under Attachments, the test e-mail in the dev outbox had
// neither: its inbox preview line was the body's first line and it carried no attachment, while
// every customer's copy had both (src/routes/message-preview.ts enqueues only subject and body).
import { afterAll, expect, test } from "bun:test";
import { storeFile } from "../src/db/files.ts";
import { signedInOwner } from "./support/app.ts";
import { postForm } from "./support/forms.ts";
import { PDF_HEAD } from "./support/sample-files.ts";
import { noon, sendStudio } from "./support/send-studio.ts";

const studio = sendStudio();
afterAll(() => studio.stop());

const partial = { "HX-Request": "true", "HX-Request-Type": "partial" };

async function testEmail(extra: Record<string, string | string[]>) {
  const { t, people } = await studio.studio();
  const b = await signedInOwner(t);
  await b.get("/messages/new");
  const fields = {
    name: "Family portrait days",
    mode: "filters",
    channels: ["email"],
    subject: "Family portrait days",
    preheader: "Book a relaxed family session this season",
    body: "## Family portrait days are here\n\nHi {{customer.first_name}}, places are limited.",
    "filters.audience": "all",
    "filters.customer_ids": String(people[0]!.id),
    test_channel: "email",
    ...extra,
  };
  const before = studio.resend.sent.length;
  const res = await postForm(b, "/messages/test", fields, partial);
  expect(res.status).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  const mine = studio.resend.sent.slice(before).filter((e) => e.subject.startsWith("[Test]"));
  expect(mine).toHaveLength(1);
  return { t, email: mine[0]! };
}

test("the test e-mail's inbox preview line is the preheader typed, as the customers' copies have it", async () => {
  const { email } = await testEmail({});
  expect(email.html).toContain("Book a relaxed family session this season");
});

test("the test e-mail carries the attachments ticked, as the customers' copies do", async () => {
  const { t: t2, people } = await studio.studio();
  const file = await storeFile(
    t2.db,
    { bytes: new Uint8Array([...PDF_HEAD, 1, 2, 3]), originalName: "order-form.pdf", kind: "pdf", userId: null },
    noon,
  );
  const b = await signedInOwner(t2);
  await b.get("/messages/new");
  const before = studio.resend.sent.length;
  const res = await postForm(
    b,
    "/messages/test",
    {
      name: "Family portrait days",
      mode: "filters",
      channels: ["email"],
      subject: "Family portrait days",
      body: "Hi {{customer.first_name}}, our order form is attached.",
      "filters.audience": "all",
      "filters.customer_ids": String(people[0]!.id),
      attachment_ids: String(file.id),
      test_channel: "email",
    },
    partial,
  );
  expect(res.status).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  const mine = studio.resend.sent.slice(before).filter((e) => e.subject.startsWith("[Test]"));
  expect(mine).toHaveLength(1);
  expect(mine[0]!.attachments?.map((a) => a.filename)).toEqual(["order-form.pdf"]);
});
