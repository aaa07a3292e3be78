// Outside review, round 2 of issue 13: the dev outbox entry's "Reply received." notice looks its
// `replied` word up in a plain object, so ?replied=constructor shows
// "Reply received. function Object() { [native code] }." (cosmetic; only a crafted address).
import { expect, test } from "bun:test";
import { devOutbox } from "../src/db/schema.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText } from "./support/forms.ts";

test("an unknown ?replied= word shows no notice", async () => {
  const t = await makeTestApp({ now: new Date("2026-09-01T15:00:00Z") });
  const b = await signedInOwner(t);
  await t.db.insert(devOutbox).values({
    id: "dev_1",
    channel: "sms",
    toAddress: "+12175550123",
    fromAddress: "+12175550100",
    subject: null,
    body: "Hello",
    ref: "ref-dev_1",
    status: "delivered",
    createdAt: new Date("2026-09-01T15:00:00Z"),
  });
  for (const word of ["constructor", "__proto__", "toString"]) {
    expect(pageText((await b.get(`/outbox/dev/dev_1?replied=${word}`)).text)).not.toContain("Reply received");
  }
});
