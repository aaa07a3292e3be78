// Outside review (issue 12, eyes walk): a snippet is "plain text: it goes into each message as
// written, also in an e-mail" (Settings → Snippets). Walked as an owner: a snippet of two lines,
// the second "Book online: https://…", shows in the SMS as two lines but in the e-mail's HTML as
// one run-on line whose address is not a link — while the same lines typed into the body keep
// their line break (breaks: true) and the bare URL becomes a link (item 7).
import { expect, test } from "bun:test";
import { personalizeEmail, renderEmailVariant } from "../src/email/render.ts";

const studio = {
  name: "Sunny Lane Photo",
  postalAddress: "412 Orchard Lane\nSpringfield, IL 62701",
  website: "https://sunnylane.example",
  brandColor: "#2f6fdf",
};
const hours = "We are open Mon-Fri 9:00-17:00.\nBook online: https://sunnylane.example/book";

async function html(body: string) {
  const v = await renderEmailVariant({ subject: "Our opening hours", body, format: "markdown", studio });
  return personalizeEmail(v, { "customer.first_name": "Sophia", "snippet.opening_hours": hours }).html;
}

test("typed into the body, the two lines keep their break and the address is a link (the baseline)", async () => {
  const out = await html(`Hi {{customer.first_name}},\n\n${hours}`);
  expect(out).toContain('href="https://sunnylane.example/book"');
  expect(out).toMatch(/17:00\.<br/);
});

test("the same text as a snippet keeps its line break in the e-mail", async () => {
  const out = await html("Hi {{customer.first_name}},\n\n{{snippet.opening_hours}}");
  expect(out).toMatch(/17:00\.<br/);
});

test("the same text as a snippet: its address is a link in the e-mail", async () => {
  const out = await html("Hi {{customer.first_name}},\n\n{{snippet.opening_hours}}");
  expect(out).toContain('href="https://sunnylane.example/book"');
});
