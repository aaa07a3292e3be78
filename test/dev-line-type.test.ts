// The dev outbox's stand-in for Twilio Lookup: a studio without an account tries "call only if the
// number cannot receive SMS" with a landline its own forms accept. North American numbers ending
// 555-0000 to 555-0099 are landlines there (e.g. (217) 555-0012), every other number a mobile.
// (Found by a new-owner walk: the old rule, +1 555 000…, named numbers no form accepts.)
import { expect, test } from "bun:test";
import { createCustomer } from "../src/db/customers.ts";
import { customers } from "../src/db/schema.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText } from "./support/forms.ts";

const NOW = new Date("2026-09-01T10:00:00Z");

test("a dev landline is typed on a customer's page as staff would, and the dev lookup calls it a landline", async () => {
  const t = await makeTestApp({ now: NOW });
  const b = await signedInOwner(t);
  const c = await createCustomer(t.db, { first_name: "Lena", phone: "+12175550142" }, "test", NOW);
  await b.get(`/customers/${c.id}/edit`);
  const res = await b.post(`/customers/${c.id}`, { first_name: "Lena", phone: "(217) 555-0012", locale: "en" });
  expect(res.status).toBe(303);
  const [saved] = await t.db.select().from(customers);
  expect(saved!.phone).toBe("+12175550012");

  const lookup = t.deps.providers.lookup;
  expect(await lookup.lineType(saved!.phone!)).toBe("landline");
  expect(await lookup.lineType("+12175550142")).toBe("mobile");
  expect(await lookup.lineType("+12175550100")).toBe("mobile");
  expect(await lookup.lineType("+4915123456789")).toBe("mobile");
  // Settings → Messaging says so, for a studio trying it.
  expect(pageText((await b.get("/settings/messaging")).text)).toContain("555-0000 to 555-0099");
});
