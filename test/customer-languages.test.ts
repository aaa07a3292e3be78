// Customer pages and Pigeon's own texts in the customer's language (issue 11, deliverable 4):
// every link page in English, German, French and Spanish with the right `lang` and no key or
// English sentence left over; the language picked from the customer's locale, then the studio's;
// and what reaches the fake Twilio and Resend: the SMS opt-out hint, the HELP answer, a call's
// prompts (with Twilio's `language`), an e-mail's footer.
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { runAutomation } from "../src/automation/run.ts";
import { en } from "../src/core/i18n/en.ts";
import { LANGUAGES, type Language, pickLanguage, t as tr } from "../src/core/i18n/translate.ts";
import { confirmationSubject, type LinkPurpose, signLinkToken } from "../src/core/link-tokens.ts";
import { parseTemplate } from "../src/core/placeholders.ts";
import { smsInfo, withOptOutHint } from "../src/core/sms-text.ts";
import { builtinTexts } from "../src/db/builtin-profiles.ts";
import { createApiKey } from "../src/db/auth.ts";
import { createCustomer } from "../src/db/customers.ts";
import { communicationProfiles, customers, devOutbox, messages, notifications, templates } from "../src/db/schema.ts";
import { linkSigningSecret } from "../src/db/secrets.ts";
import { getSettings, updateSettings } from "../src/db/settings.ts";
import { suppress } from "../src/db/suppressions.ts";
import { apiRequest } from "./api/support.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { noon, sendStudio } from "./support/send-studio.ts";

const now = new Date("2026-09-01T17:00:00Z");
const DAY = 86_400_000;

/** What a reader sees of a page: the text without tags, entities decoded. */
function visible(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

// English sentences as they would appear on a page: each catalogue text cut at its values.
const ENGLISH_SENTENCES = Object.values(en)
  .flatMap((v) => v.split(/\{\w+\}/))
  .map((s) => s.trim())
  .filter((s) => s.length >= 12);

/** No catalogue key, and (in another language) no English sentence, anywhere on the page. */
function expectFullyIn(lang: Language, html: string) {
  expect(html).toContain(`<html lang="${lang}">`);
  const text = visible(html);
  for (const key of Object.keys(en)) expect(text).not.toContain(key);
  if (lang !== "en") for (const sentence of ENGLISH_SENTENCES) expect(text).not.toContain(sentence);
}

async function linkStudio(studioLocale = "en") {
  const t = await makeTestApp({ now });
  await updateSettings(t.db, { name: "Brightside", phone: "+1 555 010 2000", locale: studioLocale }, now);
  const secret = await linkSigningSecret(t.db, t.deps.config.secretKey, now);
  const link = (
    path: string,
    purpose: LinkPurpose,
    customerId: number,
    extra: { subjectId?: number; expiresAt?: Date } = {},
  ) =>
    `/${path}/${signLinkToken(secret, { purpose, customerId, expiresAt: extra.expiresAt ?? new Date(now.getTime() + 30 * DAY), subjectId: extra.subjectId })}`;
  let n = 0;
  const customer = async (locale: string, consent = { email: true, sms: false, voice: false }) => {
    n++;
    return createCustomer(
      t.db,
      { first_name: `C${n}`, email: `c${n}@x.test`, phone: `+1555123${String(n).padStart(4, "0")}`, locale, consent },
      "test",
      now,
    );
  };
  const get = async (url: string) => {
    const res = await t.app.request(url);
    return { status: res.status, html: await res.text() };
  };
  const post = async (url: string, body = "") => {
    const res = await t.app.request(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    return { status: res.status, html: await res.text() };
  };
  return { t, link, customer, get, post };
}

describe("every customer page in every language", () => {
  for (const lang of LANGUAGES) {
    test(`${lang}: unsubscribe, preferences, confirming texts, and links that do not work`, async () => {
      const s = await linkStudio();
      const c = await s.customer(lang);
      const pages: [string, { status: number; html: string }][] = [];
      const add = (name: string, page: { status: number; html: string }) => {
        pages.push([name, page]);
        return page;
      };

      const unsubscribe = s.link("u", "unsubscribe", c.id);
      expect(add("unsubscribe", await s.get(unsubscribe)).html).toContain(tr(lang, "unsubscribe.askHeading"));
      // Turning texts on from the preferences page texts the phone a confirmation link first.
      const saved = add("preferences saved", await s.post(s.link("p", "preferences", c.id), "email=on&sms=on"));
      expect(saved.html).toContain(tr(lang, "preferences.saved"));
      expect(visible(saved.html)).toContain(
        tr(lang, "confirm.sent", { phone: "•••• 0001", what: tr(lang, "channels.sms") }),
      );
      const [text] = await s.t.db.select().from(devOutbox).where(eq(devOutbox.channel, "sms"));
      expect(text!.body).toStartWith(
        tr(lang, "confirm.sms", { studio: "Brightside", what: tr(lang, "channels.sms"), url: "URL" }).split("URL")[0]!,
      );
      expect(text!.body).toEndWith(tr(lang, "sms.optOut"));
      const confirm = text!.body.match(/\/c\/[A-Za-z0-9_.-]+/)![0];
      expect(add("confirm", await s.get(confirm)).html).toContain(
        tr(lang, "confirm.button", { what: tr(lang, "channels.sms") }),
      );
      expect(add("confirmed", await s.post(confirm)).html).toContain(tr(lang, "confirm.doneHeading"));
      expect(add("unsubscribed", await s.post(unsubscribe)).html).toContain(tr(lang, "unsubscribe.doneHeading"));
      expect(add("preferences", await s.get(s.link("p", "preferences", c.id))).html).toContain(
        tr(lang, "preferences.heading"),
      );

      // Bounced e-mail and a STOP: the switches say why they stay off.
      const blocked = await s.customer(lang);
      await suppress(
        s.t.db,
        { channel: "email", address: blocked.email!, reason: "bounced", source: "test", customerId: blocked.id },
        now,
      );
      await suppress(
        s.t.db,
        { channel: "sms", address: blocked.phone!, reason: "stop_keyword", source: "test", customerId: blocked.id },
        now,
      );
      const off = add("preferences, blocked", await s.get(s.link("p", "preferences", blocked.id)));
      expect(visible(off.html)).toContain(tr(lang, "preferences.off", { reason: tr(lang, "blocked.bounced") }));
      expect(visible(off.html)).toContain(tr(lang, "preferences.off", { reason: tr(lang, "blocked.stop") }));
      // Asking to turn texts on for a number that sent STOP: no text, the page says why.
      const stopped = add("preferences, STOP", await s.post(s.link("p", "preferences", blocked.id), "sms=on&voice=on"));
      expect(visible(stopped.html)).toContain(tr(lang, "preferences.off", { reason: tr(lang, "blocked.stop") }));

      const expired = add(
        "expired",
        await s.get(s.link("p", "preferences", c.id, { expiresAt: new Date(now.getTime() - DAY) })),
      );
      expect(expired.status).toBe(410);
      expect(visible(expired.html)).toContain(
        tr(lang, "link.expired.reach", { studio: "Brightside", contacts: "+1 555 010 2000" }),
      );
      const gallery = add("gallery gone", await s.get(s.link("g", "gallery", c.id, { subjectId: 999 })));
      expect(gallery.status).toBe(404);
      const wrongPhone = add(
        "confirm, number changed",
        await s.get(s.link("c", "confirm", c.id, { subjectId: confirmationSubject("+15550000000", ["sms"]) })),
      );
      expect(wrongPhone.status).toBe(410);
      expect(visible(wrongPhone.html)).toContain(tr(lang, "link.phoneChanged"));

      for (const [name, page] of pages) {
        try {
          expectFullyIn(lang, page.html);
        } catch (err) {
          throw new Error(`${lang} ${name}: ${(err as Error).message}`);
        }
      }
    });
  }

  test("the German pages read as German, with the English ones unchanged", async () => {
    const s = await linkStudio();
    const de = await s.customer("de");
    const html = visible((await s.post(s.link("u", "unsubscribe", de.id))).html);
    expect(html).toContain("Sie sind abgemeldet");
    expect(html).toContain("c•••@x.test");
    expect(html).toContain("erhält keine Werbe-E-Mails");
    const enCustomer = await s.customer("en-US");
    expect(visible((await s.post(s.link("u", "unsubscribe", enCustomer.id))).html)).toContain("You are unsubscribed");
  });
});

describe("which language", () => {
  test("de-AT is German; pt-BR gets the studio's language, and English where the studio's is not one Pigeon speaks", async () => {
    const fr = await linkStudio("fr-CA");
    const austrian = await fr.customer("de-AT");
    const brazilian = await fr.customer("pt-BR");
    expectFullyIn("de", (await fr.get(fr.link("p", "preferences", austrian.id))).html);
    expectFullyIn("fr", (await fr.get(fr.link("p", "preferences", brazilian.id))).html);

    const it = await linkStudio("it");
    const other = await it.customer("pt-BR");
    const page = (await it.get(it.link("p", "preferences", other.id))).html;
    expectFullyIn("en", page);
    expect(page).toContain("How may we contact you?");
  });

  test("a link too damaged to name anyone answers in the studio's language; an expired one in its customer's", async () => {
    const s = await linkStudio("es");
    const bad = await s.get("/p/not-a-token");
    expect(bad.status).toBe(400);
    expectFullyIn("es", bad.html);
    expect(visible(bad.html)).toContain("Este enlace no funciona");
    const german = await s.customer("de");
    const expired = await s.get(s.link("u", "unsubscribe", german.id, { expiresAt: new Date(now.getTime() - DAY) }));
    expect(expired.status).toBe(410);
    expectFullyIn("de", expired.html);
  });

  test("pickLanguage reads the primary subtag and falls back in order", () => {
    expect(pickLanguage("de-AT", "fr")).toBe("de");
    expect(pickLanguage("ES-mx", "en")).toBe("es");
    expect(pickLanguage("pt-BR", "fr-CA")).toBe("fr");
    expect(pickLanguage("pt-BR", "it")).toBe("en");
    expect(pickLanguage(null, "")).toBe("en");
  });

  test("a customer created without a language in a German studio gets the studio's", async () => {
    const t = await makeTestApp({ now });
    const b = await signedInOwner(t);
    await updateSettings(t.db, { locale: "de" }, now);
    expect((await b.get("/customers/new")).text).toMatch(/name="locale"[^>]*value="de"|value="de"[^>]*name="locale"/);
    expect((await b.post("/customers", { first_name: "Jonas", email: "jonas@x.test", locale: "" })).status).toBe(303);
    const made = await t.db.select({ firstName: customers.firstName, locale: customers.locale }).from(customers);
    expect(made).toEqual([{ firstName: "Jonas", locale: "de" }]);
  });
});

describe("what reaches the providers", () => {
  const studio = sendStudio();
  afterAll(() => studio.stop());

  test("an SMS to a German customer ends with the German opt-out hint, STOP kept as the keyword", async () => {
    const { t, people, dispatcher } = await studio.studio();
    const [anna, ben] = people;
    await t.db.update(customers).set({ locale: "de-DE" }).where(eq(customers.id, anna!.id));
    await studio.message(t, [anna!, ben!], "sms", "Ihre Fotos sind da, {{customer.first_name}}!");
    await dispatcher().tick();
    const to = (p: { phone: string }) => studio.twilio.sent.find((m) => m.to === p.phone)!.body;
    expect(to(anna!)).toBe("Ihre Fotos sind da, Anna! Antworten Sie STOP zum Abmelden.");
    expect(to(ben!)).toBe("Ihre Fotos sind da, Ben! Reply STOP to opt out.");
  });

  test("a customer stored with a language Pigeon cannot write dates in (zz) gets the German studio's date in a German SMS", async () => {
    const { t, people, dispatcher } = await studio.studio();
    await updateSettings(t.db, { locale: "de" }, noon);
    const anna = people[0]!;
    // Stored before input refused such values (an old import, a direct write): it must never break a send.
    await t.db.update(customers).set({ locale: "zz" }).where(eq(customers.id, anna.id));
    const [profile] = await t.db.insert(communicationProfiles).values({ name: "Shop" }).returning();
    await t.db.insert(notifications).values({
      profileId: profile!.id,
      trigger: "order_placed",
      channel: "sms",
      audience: "buyers",
      subject: "",
      body: "Danke für Ihre Bestellung vom {{order.date}}",
    });
    const { key } = await createApiKey(t.db, "shop", null);
    const api = (path: string, body: unknown) => apiRequest(t.app, "POST", path, { key, body });
    const job = (await api("/jobs", { name: "Sommerfest", profile_id: profile!.id })).body;
    expect(
      (
        await api("/orders", {
          job_id: job.id,
          customer_id: anna.id,
          amount: "24.90",
          ordered_at: "2026-09-01T16:00:00Z",
        })
      ).status,
    ).toBe(201);
    const before = studio.twilio.sent.length;
    await runAutomation(t.deps, noon);
    expect((await dispatcher().tick()).sent).toBe(1);
    expect(studio.twilio.sent.slice(before)[0]!.body).toStartWith("Danke für Ihre Bestellung vom 1. September 2026");
  });

  test("a call to a French customer speaks French, with Twilio's fr-FR voice, and so does pressing 9", async () => {
    const { t, people, dispatcher } = await studio.studio();
    const cleo = people[2]!;
    await t.db.update(customers).set({ locale: "fr" }).where(eq(customers.id, cleo.id));
    await studio.message(t, [cleo], "voice", "Bonjour {{customer.first_name}}, vos photos sont prêtes.");
    await dispatcher().tick();
    const call = studio.twilio.calls.find((c) => c.to === cleo.phone)!;
    const answer = (url: string, extra: Record<string, string> = {}) => {
      const signed = studio.twilio.signCallback(studio.twilio.authToken, url, {
        AccountSid: studio.twilio.accountSid,
        CallSid: call.sid,
        CallStatus: "in-progress",
        From: call.from,
        To: call.to,
        ...extra,
      });
      return t.app.request(url, { method: "POST", body: signed.body, headers: signed.headers });
    };
    const twiml = await (await answer(call.url!)).text();
    expect(twiml).toContain('<Say language="fr-FR">Bonjour Cleo, vos photos sont prêtes.</Say>');
    expect(twiml).toContain('<Say language="fr-FR">Appuyez sur 9 pour ne plus recevoir ces appels.</Say>');
    const pressed = await (await answer(`${call.url!}&step=gather`, { Digits: "9" })).text();
    expect(pressed).toContain('<Say language="fr-FR">Vous ne recevrez plus ces appels. Au revoir.</Say><Hangup/>');
  });

  test("an e-mail to a Spanish customer has its footer in Spanish; the English one beside it in English", async () => {
    const { t, people, dispatcher } = await studio.studio();
    const [, , cleo, dan] = people;
    await t.db.update(customers).set({ locale: "es-MX" }).where(eq(customers.id, cleo!.id));
    await studio.message(t, [cleo!, dan!], "email", "Hola {{customer.first_name}}");
    await dispatcher().tick();
    const mail = (p: { email: string }) => studio.resend.sent.find((e) => e.to.includes(p.email))!;
    const es = mail(cleo!);
    expect(es.html).toContain('lang="es"');
    for (const words of ["Ver en el navegador", "Darse de baja", "Preferencias de correo"]) {
      expect(es.html).toContain(words);
      expect(es.text).toContain(words);
    }
    expect(es.html).not.toContain("View in browser");
    expect(es.html).not.toContain("E-mail preferences");
    const english = mail(dan!);
    expect(english.html).toContain("View in browser");
    expect(english.html).toContain("E-mail preferences");
    expect(english.html).not.toContain("Darse de baja");
  });

  test("HELP from a German customer is answered in German; a studio's own HELP text is kept as written", async () => {
    const { t, people } = await studio.studio();
    const anna = people[0]!;
    await t.db.update(customers).set({ locale: "de" }).where(eq(customers.id, anna.id));
    await updateSettings(t.db, { phone: "+49 30 1234567" }, noon);
    const help = async () => {
      const signed = studio.twilio.inboundSms(`${studio.env.PUBLIC_URL}/webhooks/twilio/inbound`, {
        from: anna.phone,
        to: "+17770001111",
        body: "HELP",
      });
      return (await t.app.request(signed.url, { method: "POST", body: signed.body, headers: signed.headers })).text();
    };
    expect(await help()).toContain(
      "<Message>Brightside: Hilfe erhalten Sie unter +49 30 1234567. Antworten Sie STOP zum Abmelden.</Message>",
    );
    await updateSettings(t.db, { smsHelpReply: "Brightside: Fragen? 030 1234567" }, noon);
    expect(await help()).toContain("<Message>Brightside: Fragen? 030 1234567</Message>");
  });
});

describe("the catalogue and the built-in texts", () => {
  test("no text in any language is empty, and each has the values English has", () => {
    for (const lang of LANGUAGES) {
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        const text = tr(lang, key);
        expect(text.trim().length).toBeGreaterThan(0);
        const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!.toLowerCase()).sort();
        expect(`${lang} ${key}: ${names(text)}`).toBe(`${lang} ${key}: ${names(en[key])}`);
      }
    }
  });

  test("every opt-out hint is GSM-7 and keeps STOP; a longer hint costs the segment it needs", () => {
    for (const lang of LANGUAGES) {
      const hint = tr(lang, "sms.optOut");
      expect(hint).toContain("STOP");
      expect(smsInfo(hint).encoding).toBe("GSM-7");
    }
    // 130 characters: with the English hint 153 (one segment), with the German one 163 (two).
    const body =
      "Ihre Fotos aus der Grundschule sind online. Bestellen Sie bis Freitag, dann liefern wir kostenlos. Herzliche Grüße, Ihr Fotostudio";
    expect(body.length).toBe(130);
    expect(smsInfo(withOptOutHint(body, { required: true, hint: tr("en", "sms.optOut") })).segments).toBe(1);
    const german = smsInfo(withOptOutHint(body, { required: true, hint: tr("de", "sms.optOut") }));
    expect([german.encoding, german.units, german.segments]).toEqual(["GSM-7", 163, 2]);
    // ü, é, ñ, ß, à, è are GSM-7; ç, â, á are not and make the text UCS-2.
    expect(smsInfo("Grüße Café Señor Straße à très").encoding).toBe("GSM-7");
    for (const c of ["ç", "â", "á"]) expect(smsInfo(`Merci ${c}`).encoding).toBe("UCS-2");
  });

  test("the built-in texts in every language keep English's placeholders, and their SMS stay GSM-7", () => {
    const english = builtinTexts("en");
    for (const lang of LANGUAGES) {
      const texts = builtinTexts(lang);
      expect(Object.keys(texts).sort()).toEqual(Object.keys(english).sort());
      for (const [name, text] of Object.entries(texts)) {
        const en = english[name as keyof typeof english];
        expect(`${lang} ${name}: ${[...placeholderKeys(text.subject), ...placeholderKeys(text.body)].sort()}`).toBe(
          `${lang} ${name}: ${[...placeholderKeys(en.subject), ...placeholderKeys(en.body)].sort()}`,
        );
        if (name.endsWith("Sms"))
          expect(`${lang} ${name}: ${smsInfo(text.body).encoding}`).toBe(`${lang} ${name}: GSM-7`);
        if (lang !== "en") expect(`${lang} ${name}: ${text.body}`).not.toBe(`${lang} ${name}: ${en.body}`);
      }
    }
  });

  test("a studio whose language is German gets the built-in profiles and templates in German; back in English when it changes back", async () => {
    const t = await makeTestApp({ now });
    const b = await signedInOwner(t);
    await updateSettings(t.db, { locale: "de" }, now);
    const [standard] = await t.db
      .select()
      .from(communicationProfiles)
      .where(eq(communicationProfiles.externalId, "pigeon:standard"));
    const page = visible((await b.get(`/profiles/${standard!.id}`)).text);
    expect(page).toContain("Ihre Fotos von {{job.name}} sind online");
    expect(page).not.toContain("Good news: the photos from");
    const rows = await t.db.select().from(notifications).where(eq(notifications.profileId, standard!.id));
    expect(rows[0]!.subject).toBe("Ihre Fotos von {{job.name}} sind online");
    const library = await t.db.select().from(templates).where(eq(templates.builtIn, true));
    expect(library).toHaveLength(builtinTemplatesCount());
    expect(library.find((x) => x.trigger === "job_selling" && x.channel === "sms")!.body).toContain("Fotos");

    await updateSettings(t.db, { locale: "en" }, now);
    const back = await t.db.select().from(notifications).where(eq(notifications.profileId, standard!.id));
    expect(back.map((n) => n.id)).toEqual(rows.map((n) => n.id));
    expect(back[0]!.subject).toBe("Your photos from {{job.name}} are online");
    expect(await t.db.select().from(templates).where(eq(templates.builtIn, true))).toHaveLength(
      builtinTemplatesCount(),
    );
    expect((await getSettings(t.db)).locale).toBe("en");
  });
});

const builtinTemplatesCount = () => 28;

/** The placeholders a text uses (their fallbacks are words, translated like the rest). */
const placeholderKeys = (text: string) => [
  ...new Set(parseTemplate(text).parts.flatMap((p) => (p.kind === "placeholder" ? [p.key] : []))),
];

describe("a message to customers of several languages", () => {
  test("the review says how many read each language, and what follows their language and what does not", async () => {
    const t = await makeTestApp({ now });
    const b = await signedInOwner(t);
    await updateSettings(t.db, { locale: "de", timeZone: "Europe/Berlin" }, now);
    for (const [first_name, locale] of [
      ["Jonas", "de"],
      ["Lena", "de-AT"],
      ["Emily", "en"],
    ] as const) {
      await createCustomer(
        t.db,
        { first_name, email: `${first_name.toLowerCase()}@x.test`, locale, consent: { email: true } },
        "test",
        now,
      );
    }
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Galerie",
        channels: ["email"],
        subject: "Ihre Fotos",
        body: "Hallo {{customer.first_name}}",
        filters: {},
        status: "draft",
      })
      .returning();
    const page = visible((await b.get(`/messages/${m!.id}/send`)).text);
    expect(page).toMatch(/Languages\s+2 German, 1 English\. Each gets/);
    expect(page).toContain(
      "2 German, 1 English. Each gets the footer, the opt-out line and dates in their own language; the text goes as you wrote it.",
    );
  });

  test("one language only: nothing to say", async () => {
    const t = await makeTestApp({ now });
    const b = await signedInOwner(t);
    await createCustomer(
      t.db,
      { first_name: "Amy", email: "amy@x.test", locale: "en", consent: { email: true } },
      "test",
      now,
    );
    const [m] = await t.db
      .insert(messages)
      .values({ name: "Hi", channels: ["email"], subject: "Hi", body: "Hi", filters: {}, status: "draft" })
      .returning();
    expect(visible((await b.get(`/messages/${m!.id}/send`)).text)).not.toContain("German");
  });
});
