// Outside review (issue 12, eyes walk): the built-in "Announcement with a hero image" tells the
// owner to "Replace the grey picture slot at the top with your own picture (select that line and
// press Image)". Duplicated into /templates (as the Templates page itself suggests), its editor
// has no Image button: the message composer and the e-mail notification editor have one
// (views/image-picker.tsx ImageButton), the template editor's e-mail body does not.
import { expect, test } from "bun:test";
import { makeTestApp, signedInOwner } from "./support/app.ts";

test("the e-mail template editor has the Image button beside its message", async () => {
  const t = await makeTestApp();
  const b = await signedInOwner(t);
  const page = await b.get("/templates/new?channel=email");
  expect(page.status).toBe(200);
  expect(page.text).toContain('data-image-picker="f-body"');
});
