// Outside review, round 2 (issue 12): each test here fails on i12-eyes2 and shows one problem.
import { afterAll, describe, expect, test } from "bun:test";
import { IMAGE_KINDS, MAX_FILE_BYTES, sniffUpload } from "../src/core/file-types.ts";
import { smsDraft } from "../src/core/sms-draft.ts";
import { updateSettings } from "../src/db/settings.ts";
import { makeApiApp } from "./api/support.ts";
import { signedInOwner } from "./support/app.ts";
import { postForm } from "./support/forms.ts";
import { noon, sendStudio } from "./support/send-studio.ts";
import { GIF_1X1, PNG_1X1 } from "./support/sample-files.ts";

const studio = sendStudio();
afterAll(() => studio.stop());
const partial = { "HX-Request": "true", "HX-Request-Type": "partial" };
const form = (over: Record<string, string | string[]> = {}) => ({
  name: "Picture day",
  mode: "filters",
  channels: ["email", "sms"],
  subject: "Picture day",
  preheader: "",
  body: "Hello there",
  sms_body: "Hallo, Fototag ist Freitag",
  "filters.audience": "all",
  "filters.condition": "any",
  send_mode: "now",
  ...over,
});

describe("a test e-mail's packed preheader", () => {
  test("a preheader holding U+FDD0 does not cut the preheader short and leak into the body", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const res = await postForm(
      b,
      "/messages/test",
      form({
        "filters.customer_ids": String(people[0]!.id),
        test_channel: "email",
        preheader: "Bring\uFDD0SECRET a comb",
        body: "Body text",
      }),
      partial,
    );
    const mail = studio.resend.sent.at(-1)!;
    // Either refused (422) or sent with the body as typed; never the preheader's tail as the body's start.
    if (res.status === 200)
      expect(mail.text ?? mail.html).not.toMatch(/SECRET a comb\s*\uFDD0?\s*Body text|SECRET a comb.{0,5}Body/s);
  });

  test("a body starting with the marker does not become a preheader", async () => {
    const { t, people } = await studio.studio();
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const res = await postForm(
      b,
      "/messages/test",
      form({
        "filters.customer_ids": String(people[0]!.id),
        test_channel: "email",
        preheader: "",
        body: "\uFDD0preheader\uFDD0INJECTED\uFDD0Body text",
      }),
      partial,
    );
    const mail = studio.resend.sent.at(-1)!;
    if (res.status === 200) expect(mail.text ?? "").toContain("INJECTED");
  });
});
