// Outside review (issue 12, eyes walk): on /templates the Communication row's "Templates" link is
// not marked as the current page; "Profiles" is, in both the top navigation and the row below it,
// so an owner on Templates reads that they are on Profiles (views/templates.tsx passes
// section="communication", which the layout maps to "profiles").
import { expect, test } from "bun:test";
import { makeTestApp, signedInOwner } from "./support/app.ts";

for (const path of ["/templates", "/templates/new?channel=email"]) {
  test(`${path} marks Templates, not Profiles, as the current page`, async () => {
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const page = await b.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/templates" aria-current="page"');
    expect(page.text).not.toContain('href="/profiles" aria-current="page"');
  });
}
