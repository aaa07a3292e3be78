// The studio's placeholders as customers get them (issue 12's acceptance walk found the built-in
// announcement saying "call us at +12175550142" above a footer saying "+1 217 555 0142").
import { expect, test } from "bun:test";
import { migrateDatabase, openDatabase } from "../src/db/client.ts";
import { getSettings, updateSettings } from "../src/db/settings.ts";
import { sharedValues } from "../src/dispatch/recipient-values.ts";

test("{{studio.phone}} is written as the e-mail footer writes it, in international form; none stays empty", async () => {
  const db = await openDatabase(":memory:");
  await migrateDatabase(db);
  await updateSettings(db, { phone: "+12175550142", country: "US" }, new Date());
  expect(sharedValues(await getSettings(db), {})["studio.phone"]).toBe("+1 217 555 0142");
  await updateSettings(db, { phone: "+49301234567", country: "DE" }, new Date());
  expect(sharedValues(await getSettings(db), {})["studio.phone"]).toBe("+49 30 1234567");
  await updateSettings(db, { phone: "" }, new Date());
  expect(sharedValues(await getSettings(db), {})["studio.phone"]).toBe("");
  db.$client.close();
});
