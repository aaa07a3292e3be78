// Landlines the number plan names are known the moment a number is saved (issue 11): a German
// fixed line typed on the form, sent through the API or imported is counted as "landline
// (cannot receive SMS)" before sending, so the count and the review promise no text that the
// send would then skip. A mobile, and a US number (whose plan mixes both), still count as texted.
import { describe, expect, test } from "bun:test";
import { updateSettings } from "../src/db/settings.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText, postForm } from "./support/forms.ts";

const NOW = new Date("2026-09-01T10:00:00Z");

describe("landlines by the number plan, counted before sending", () => {
  test("a German studio's customers: the fixed line typed on the form and the one imported are counted as landlines; the mobile and the US number are texted", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t);
    await updateSettings(t.db, { country: "DE", timeZone: "Europe/Berlin" }, NOW);
    const consent = { consent_sms: "on", consent_source: "Anmeldebogen" };
    await b.get("/customers/new");
    for (const [first_name, phone] of [
      ["Praxis", "030 1234567"],
      ["Jonas", "0170 78678194"],
      ["Amy", "+1 212 555 0123"],
    ] as const) {
      expect((await postForm(b, "/customers", { first_name, phone, ...consent })).status).toBe(303);
    }
    const form = new FormData();
    form.set("_csrf", b.csrf);
    form.set(
      "file",
      new File(["Vorname;Telefon;SMS-Einwilligung\nKanzlei;089 12345678;ja\n"], "kunden.csv", { type: "text/csv" }),
    );
    const preview = await (
      await b.request("/customers/import/preview", {
        method: "POST",
        body: form,
        headers: { Origin: "http://localhost" },
      })
    ).text();
    const imported = new FormData();
    for (const [k, v] of Object.entries({
      _csrf: b.csrf,
      csv: preview.match(/<textarea name="csv"[^>]*>\n?([\s\S]*?)<\/textarea>/)![1]!,
      file_name: "kunden.csv",
      lawful: "on",
      consent_source: "Anmeldebogen",
    }))
      imported.set(k, v);
    expect(
      await (
        await b.request("/customers/import", {
          method: "POST",
          body: imported,
          headers: { Origin: "http://localhost" },
        })
      ).text(),
    ).toContain("1 imported");

    await b.get("/messages/new");
    const count = pageText(
      (
        await postForm(
          b,
          "/messages/count",
          { mode: "filters", channels: "sms", body: "Hallo", "filters.audience": "all", "filters.condition": "any" },
          { "HX-Request": "true", "HX-Request-Type": "partial" },
        )
      ).text,
    );
    expect(count).toContain("2 will receive it by SMS");
    expect(count).toContain("2 landline (cannot receive SMS)");
  });
});
