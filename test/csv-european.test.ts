// CSV import of spreadsheets as European studios save them: German, French and Spanish column
// names, semicolons, Excel's "Unicode Text" (UTF-16, tabs), Windows-1252, and blanks before
// quoted values — through the real upload, preview and import routes.
import { describe, expect, test } from "bun:test";
import { customers } from "../src/db/schema.ts";
import { type Browser, makeTestApp, signedInOwner } from "./support/app.ts";

async function setup() {
  const t = await makeTestApp();
  const b = await signedInOwner(t);
  await b.get("/customers/import");
  return { t, b };
}

/** Posts the upload form as a browser does: the file as its bytes, plus the form's fields. */
async function upload(
  b: Browser,
  path: string,
  content: string | Uint8Array,
  fields: Record<string, string> = {},
  name = "kunden.csv",
) {
  const form = new FormData();
  form.set("_csrf", b.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new File([content as BlobPart], name, { type: "text/csv" }));
  const res = await b.request(path, { method: "POST", body: form, headers: { Origin: "http://localhost" } });
  return { status: res.status, text: await res.text() };
}

/** Submits the preview's Import button: the text the preview carried, ticked as lawful. */
async function importFromPreview(b: Browser, html: string) {
  const unescape = (s: string) =>
    s
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
  const form = new FormData();
  form.set("_csrf", b.csrf);
  form.set("csv", unescape(html.match(/<textarea name="csv"[^>]*>([\s\S]*?)<\/textarea>/)![1]!));
  form.set("file_name", html.match(/name="file_name" value="([^"]*)"/)![1]!);
  form.set("lawful", "on");
  const res = await b.request("/customers/import", {
    method: "POST",
    body: form,
    headers: { Origin: "http://localhost" },
  });
  return { status: res.status, text: await res.text() };
}

/** Preview, then import: what an owner does with a good file. */
async function previewAndImport(b: Browser, content: string | Uint8Array, name?: string) {
  const preview = await upload(b, "/customers/import/preview", content, {}, name);
  expect(preview.status).toBe(200);
  const done = await importFromPreview(b, preview.text);
  expect(done.status).toBe(200);
  return { preview: preview.text, result: done.text };
}

/** Text as Excel's "Unicode Text (*.txt)" saves it: UTF-16LE, optionally with its byte order mark. */
function utf16le(text: string, bom = true): Uint8Array {
  const bytes = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  const view = new DataView(bytes.buffer);
  if (bom) view.setUint16(0, 0xfeff, true);
  for (let i = 0; i < text.length; i++) view.setUint16((bom ? 2 : 0) + i * 2, text.charCodeAt(i), true);
  return bytes;
}

/** Text in Windows-1252, as German Excel's "CSV (Trennzeichen-getrennt)" saves it (Latin letters only here). */
function windows1252(text: string): Uint8Array {
  return Uint8Array.from(
    [...text].map((ch) => {
      const code = ch.charCodeAt(0);
      if (code > 0xff) throw new Error(`not in this helper's Latin-1 range: ${ch}`);
      return code;
    }),
  );
}

const people = async (t: Awaited<ReturnType<typeof setup>>["t"]) =>
  (await t.db.select().from(customers)).map((c) => ({
    first: c.firstName,
    last: c.lastName,
    email: c.email,
    phone: c.phone,
    locale: c.locale,
    zone: c.timeZone,
  }));

describe("CSV import: European spreadsheets", () => {
  test("a German Excel file (UTF-8 with BOM, semicolons) with Vorname, Nachname, Telefon, E-Mail is imported, and the preview says which column went where", async () => {
    const { t, b } = await setup();
    const csv =
      "\uFEFFVorname;Nachname;Telefon;E-Mail;Sprache;Zeitzone\r\nJürgen;Müller;+49 170 78678194;juergen@beispiel.de;de-DE;Europe/Berlin\r\nHélène;Weiß;+49 151 23456789;helene@beispiel.de;;\r\n";
    const { preview, result } = await previewAndImport(b, csv);
    expect(preview).toContain("2 rows are ready to import");
    for (const line of [
      "Vorname → First name",
      "Nachname → Last name",
      "Telefon → Phone",
      "E-Mail → E-mail",
      "Sprache → Language",
      "Zeitzone → Time zone",
    ])
      expect(preview).toContain(line);
    expect(result).toContain("2 imported (2 new, 0 updated)");
    expect(await people(t)).toEqual([
      {
        first: "Jürgen",
        last: "Müller",
        email: "juergen@beispiel.de",
        phone: "+4917078678194",
        locale: "de-DE",
        zone: "Europe/Berlin",
      },
      { first: "Hélène", last: "Weiß", email: "helene@beispiel.de", phone: "+4915123456789", locale: "en", zone: null },
    ]);
  });

  test("consent columns and their yes/no in German, French and Spanish: ja, oui, sí grant; nein, non, no do not", async () => {
    const { t, b } = await setup();
    const csv =
      "Vorname;E-Mail;Telefon;Einwilligung E-Mail;SMS-Einwilligung;Einwilligungsquelle\nJürgen;juergen@beispiel.de;+49 170 78678194;ja;nein;Anmeldebogen 2026\n";
    const { preview } = await previewAndImport(b, csv);
    for (const line of [
      "Einwilligung E-Mail → E-mail consent",
      "SMS-Einwilligung → SMS consent",
      "Einwilligungsquelle → Consent source",
    ])
      expect(preview).toContain(line);
    await previewAndImport(
      b,
      "Prénom;Courriel;Consentement e-mail;Source du consentement\nRené;rene@exemple.fr;oui;formulaire\n",
    );
    await previewAndImport(
      b,
      "Nombre,Correo electrónico,Consentimiento correo,Origen del consentimiento\nMaría,maria@ejemplo.es,sí,formulario\n",
    );
    const rows = await t.db.select().from(customers);
    expect(rows.map((c) => [c.firstName, c.consentEmail, c.consentSms, c.consentEmailSource])).toEqual([
      ["Jürgen", true, false, "import: Anmeldebogen 2026"],
      ["René", true, false, "import: formulaire"],
      ["María", true, false, "import: formulario"],
    ]);
  });

  test("a language column that names languages (Deutsch, English, français, Inglés) is read as their codes, not refused", async () => {
    const { t, b } = await setup();
    const { result } = await previewAndImport(
      b,
      "Vorname;E-Mail;Sprache\nJürgen;j@beispiel.test;Deutsch\nEmily;e@beispiel.test;English\nRené;r@beispiel.test;français\nPablo;p@beispiel.test;Inglés\nLena;l@beispiel.test;de-AT\n",
    );
    expect(result).toContain("5 imported");
    expect((await people(t)).map((p) => [p.first, p.locale])).toEqual([
      ["Jürgen", "de"],
      ["Emily", "en"],
      ["René", "fr"],
      ["Pablo", "en"],
      ["Lena", "de-AT"],
    ]);
  });

  test("French and Spanish column names, in any case and with or without accents, map to the same fields", async () => {
    const { t, b } = await setup();
    await previewAndImport(
      b,
      "PRENOM,Nom de famille,Téléphone portable,Adresse e-mail,Langue,Fuseau horaire\nRené,Lefèvre,+33 6 12 34 56 78,rene@exemple.fr,fr-FR,Europe/Paris\n",
    );
    const es = await previewAndImport(
      b,
      "Nombre;Apellido(s);Móvil;Correo electrónico;Idioma;Zona horaria\nMaría José;García Núñez;+34 612 345 678;maria@ejemplo.es;es-ES;Europe/Madrid\n",
    );
    expect(es.preview).toContain("Apellido(s) → Last name");
    expect(es.preview).toContain("Correo electrónico → E-mail");
    expect(await people(t)).toEqual([
      {
        first: "René",
        last: "Lefèvre",
        email: "rene@exemple.fr",
        phone: "+33612345678",
        locale: "fr-FR",
        zone: "Europe/Paris",
      },
      {
        first: "María José",
        last: "García Núñez",
        email: "maria@ejemplo.es",
        phone: "+34612345678",
        locale: "es-ES",
        zone: "Europe/Madrid",
      },
    ]);
  });

  test("Excel's “Unicode Text” (UTF-16LE with BOM, tab-separated) is imported with ü and é intact", async () => {
    const { t, b } = await setup();
    const text =
      "Vorname\tNachname\tE-Mail\tMobiltelefon\r\nJürgen\tMüller\tjuergen@beispiel.de\t+49 170 78678194\r\nRené\tLefèvre\trene@exemple.fr\t\r\n";
    const { preview, result } = await previewAndImport(b, utf16le(text), "Kunden.txt");
    expect(preview).not.toContain("binary data");
    expect(preview).toContain("Mobiltelefon → Phone");
    expect(result).toContain("2 imported (2 new, 0 updated)");
    expect((await people(t)).map((p) => [p.first, p.last, p.phone])).toEqual([
      ["Jürgen", "Müller", "+4917078678194"],
      ["René", "Lefèvre", null],
    ]);
  });

  test("UTF-16LE without a byte order mark is read as UTF-16 too", async () => {
    const { t, b } = await setup();
    await previewAndImport(
      b,
      utf16le("Prénom\tNom\tCourriel\r\nHélène\tDupré\thelene@exemple.fr\r\n", false),
      "export.txt",
    );
    expect((await people(t)).map((p) => [p.first, p.last, p.email])).toEqual([
      ["Hélène", "Dupré", "helene@exemple.fr"],
    ]);
  });

  test("a Windows-1252 file from German Excel keeps Müller, and the preview says how it was read", async () => {
    const { t, b } = await setup();
    const { preview } = await previewAndImport(
      b,
      windows1252(
        "Nachname;Vorname;E-Mail\r\nMüller;Jürgen;juergen@beispiel.de\r\nSchäfer;Günther;guenther@beispiel.de\r\n",
      ),
    );
    expect(preview).toContain("it was read as Windows-1252");
    expect((await people(t)).map((p) => `${p.first} ${p.last}`)).toEqual(["Jürgen Müller", "Günther Schäfer"]);
  });

  test('blanks before quoted headers and values are accepted: ` "Vorname"; "Nachname"`', async () => {
    const { t, b } = await setup();
    const csv = ' "Vorname"; "Nachname"; "E-Mail"\n "Anna"; "Müller; geb. Schmidt" ; "anna@beispiel.de"\n';
    const { preview } = await previewAndImport(b, csv);
    expect(preview).toContain("Vorname → First name");
    expect(preview).toContain("Nachname → Last name");
    expect((await people(t)).map((p) => [p.first, p.last, p.email])).toEqual([
      ["Anna", "Müller; geb. Schmidt", "anna@beispiel.de"],
    ]);
  });

  test("a column that maps to nothing is named in the preview as not imported, not silently dropped", async () => {
    const { b } = await setup();
    const res = await upload(
      b,
      "/customers/import/preview",
      "Vorname;Nachname;Geburtstag;Land\nAnna;Müller;01.02.2015;DE\n",
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain("Geburtstag → not imported: no field has this name");
    // Land is understood as the customer's country (stored once customers have one).
    expect(res.text).toContain("Land → Country");
    expect(res.text).toContain("1 row is ready to import");
  });

  test("a header row in none of the known languages is refused with the headers it has", async () => {
    const { b } = await setup();
    const res = await upload(b, "/customers/import/preview", "Naam;Achternaam\nAnna;Jansen\n");
    expect(res.status).toBe(422);
    expect(res.text).toContain("first row is: “Naam”, “Achternaam”");
  });
});
