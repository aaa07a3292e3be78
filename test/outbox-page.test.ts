// The outbox pages through the real app (SPEC A4, A5, D1, D7): every delivery with its status and
// reason, live filters, the delivery page with its timeline and the message as the dev outbox got
// it, the dev outbox itself, and the customer page's message history.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { decideRecipients } from "../src/core/recipients.ts";
import { createCustomer } from "../src/db/customers.ts";
import { databaseDevOutboxStore } from "../src/db/dev-outbox-store.ts";
import { enqueueDeliveries, loadCandidates } from "../src/db/outbox.ts";
import { deliveries, devOutbox, jobs, messages, suppressions } from "../src/db/schema.ts";
import type { Channel } from "../src/core/vocabulary.ts";
import { updateSettings } from "../src/db/settings.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import type { Providers } from "../src/dispatch/send-deps.ts";
import { createDevProviders } from "../src/providers/dev-outbox.ts";
import { ProviderError } from "../src/providers/types.ts";
import { makeTestApp, signedInOwner, type TestApp } from "./support/app.ts";
import { pageText } from "./support/forms.ts";
import { personalizeEmail, renderEmailVariant } from "../src/email/render.ts";

const noon = new Date("2026-09-01T12:00:00Z");
const CLEO_PHONE = "+15551230003";

/** A studio with one job, one message to three customers on e-mail and SMS, sent once. */
async function sentStudio() {
  const t = await makeTestApp({ now: noon });
  const b = await signedInOwner(t);
  await updateSettings(t.db, { postalAddress: "412 Orchard Lane" }, noon);
  const [job] = await t.db.insert(jobs).values({ name: "Lincoln Elementary", type: "school", year: 2026 }).returning();
  const [message] = await t.db
    .insert(messages)
    .values({
      name: "Picture day reminder",
      channels: ["email", "sms"],
      subject: "Picture day, {{customer.first_name}}",
      body: "Hi **{{customer.first_name}}**, picture day is soon.",
      smsBody: "Hi **{{customer.first_name}}**, picture day is soon.",
      filters: {},
      jobId: job!.id,
    })
    .returning();
  const anna = await createCustomer(
    t.db,
    {
      first_name: "Anna",
      last_name: "Alder",
      email: "anna@x.test",
      phone: "+15551230001",
      consent: { email: true, sms: true },
    },
    "test",
    noon,
  );
  const ben = await createCustomer(
    t.db,
    { first_name: "Ben", last_name: "Birch", email: "ben@x.test", consent: {} },
    "test",
    noon,
  );
  const cleo = await createCustomer(
    t.db,
    {
      first_name: "Cleo",
      last_name: "Cedar",
      email: "cleo@x.test",
      phone: CLEO_PHONE,
      consent: { email: true, sms: true },
    },
    "test",
    noon,
  );
  await t.db.insert(suppressions).values({
    channel: "email",
    address: "cleo@x.test",
    customerId: cleo.id,
    reason: "bounced",
    source: "resend webhook",
  });
  const candidates = await loadCandidates(t.db, [anna.id, ben.id, cleo.id]);
  for (const channel of ["email", "sms"] as Channel[]) {
    const decisions = decideRecipients(candidates, channel, { requireConsent: true });
    await enqueueDeliveries(
      t.db,
      { sourceType: "message", messageId: message!.id, jobId: job!.id },
      decisions.map((decision) => ({
        key: deliveryKey({ kind: "message", messageId: message!.id }, { customerId: decision.customerId }, channel),
        decision,
        dueAt: noon,
      })),
      noon,
    );
  }
  // The dev outbox, except that the carrier refuses Cleo's number.
  const dev = createDevProviders(databaseDevOutboxStore(t.db), { clock: t.deps.clock });
  const providers: Providers = {
    ...dev,
    sms: {
      ...dev.sms,
      send: async (m) =>
        m.to === CLEO_PHONE
          ? {
              ok: false,
              error: new ProviderError("permanent", "The 'To' number +15551230003 is not a valid phone number.", {
                status: 400,
                code: 21211,
              }),
            }
          : dev.sms.send(m),
    },
  };
  await createDispatcher(t.deps, providers, { owner: "test", random: () => 0.5 }).tick();
  const all = await t.db.select().from(deliveries);
  const find = (customerId: number, channel: Channel) =>
    all.find((d) => d.customerId === customerId && d.channel === channel)!;
  return { t, b, job: job!, message: message!, anna, ben, cleo, find };
}

const rowIds = (html: string) =>
  [...html.matchAll(/<tr id="delivery-(\d+)"/g)].map((m) => Number(m[1])).sort((x, y) => x - y);

describe("the outbox list", () => {
  test("lists every delivery newest first: sent, skipped with the reason, failed with the provider's error", async () => {
    const { b, anna, ben, cleo, find } = await sentStudio();
    const page = await b.get("/outbox");
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/outbox" aria-current="page">Outbox</a>');
    const ids = [...page.text.matchAll(/<tr id="delivery-(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect(ids).toHaveLength(6);
    // Anna got both; her row names her and the provider's id.
    const annaMail = find(anna.id, "email");
    expect(annaMail.status).toBe("sent");
    expect(page.text).toContain(`<a href="/customers/${anna.id}">Anna Alder</a>`);
    expect(page.text).toContain(annaMail.providerMessageId!);
    expect(page.text).toContain("Message #1 “Picture day reminder”");
    expect(page.text).toContain("Lincoln Elementary");
    // Ben never consented; Cleo's address bounced before; Cleo's SMS was refused by the carrier.
    expect(find(ben.id, "email").skipReason).toBe("no_consent");
    expect(page.text).toContain("No consent for this channel");
    expect(page.text).toContain("Address bounced");
    expect(find(cleo.id, "sms").status).toBe("failed");
    expect(page.text).toContain("is not a valid phone number");
    expect(page.text).toMatch(/badge no delivery-failed">Failed</);
    expect(page.text).toMatch(/badge yes delivery-sent">Sent</);
    expect(page.text).toMatch(/badge consent-no delivery-skipped">Skipped</);
  });

  test("filters by status, channel, job and message; an htmx request gets just the results", async () => {
    const { t, b, job, message, cleo, find } = await sentStudio();
    const all = await t.db.select().from(deliveries);
    const ids = (pred: (d: (typeof all)[number]) => boolean) =>
      all
        .filter(pred)
        .map((d) => d.id)
        .sort((x, y) => x - y);

    expect(rowIds((await b.get("/outbox?status=skipped")).text)).toEqual(ids((d) => d.status === "skipped"));
    expect(rowIds((await b.get("/outbox?status=failed")).text)).toEqual([find(cleo.id, "sms").id]);
    expect(rowIds((await b.get("/outbox?channel=sms")).text)).toEqual(ids((d) => d.channel === "sms"));
    expect(rowIds((await b.get("/outbox?channel=email&status=sent")).text)).toEqual(
      ids((d) => d.channel === "email" && d.status === "sent"),
    );
    expect(rowIds((await b.get(`/outbox?job=${job.id}`)).text)).toEqual(ids(() => true));
    expect(rowIds((await b.get(`/outbox?message=${message.id}`)).text)).toEqual(ids(() => true));
    expect(rowIds((await b.get(`/outbox?customer=${cleo.id}`)).text)).toEqual(ids((d) => d.customerId === cleo.id));

    const none = await b.get(`/outbox?message=${message.id + 1}`);
    expect(rowIds(none.text)).toEqual([]);
    expect(none.text).toContain("No messages match these filters.");
    // Nonsense filters are ignored rather than refused.
    expect(rowIds((await b.get("/outbox?status=lost&channel=fax&job=x")).text)).toEqual(ids(() => true));

    const partial = await b.get("/outbox?status=skipped", { "HX-Request": "true", "HX-Request-Type": "partial" });
    expect(partial.text.startsWith('<div id="outbox-results">')).toBe(true);
    expect(partial.text).not.toContain("<html");
    expect(rowIds(partial.text)).toEqual(ids((d) => d.status === "skipped"));
    // A history restore is an htmx request too, but wants the whole page.
    expect((await b.get("/outbox", { "HX-Request": "true", "HX-Request-Type": "full" })).text).toContain("<html");

    const form = (await b.get("/outbox")).text;
    expect(form).toContain(
      `hx-trigger="input changed delay:300ms from:&#39;find input&#39;, change from:&#39;find select&#39;"`,
    );
    expect(form).toContain('hx-target="#outbox-results"');
  });

  test("pages backwards by id, keeping the filters", async () => {
    const t = await makeTestApp({ now: noon });
    const b = await signedInOwner(t);
    await enqueueDeliveries(
      t.db,
      { sourceType: "test" },
      Array.from({ length: 55 }, (_, i) => ({
        key: deliveryKey({ kind: "test", id: String(i) }, { address: `p${i}@x.test` }, "email"),
        decision: { customerId: 0, channel: "email" as const, to: `p${i}@x.test`, skip: "invalid_address" as const },
        dueAt: noon,
      })),
      noon,
    );
    const first = await b.get("/outbox?status=skipped");
    const firstIds = rowIds(first.text);
    expect(firstIds).toHaveLength(50);
    const older = first.text.match(/href="(\/outbox\?[^"]*before=\d+)"/)![1]!.replace(/&amp;/g, "&");
    expect(older).toContain("status=skipped");
    const second = await b.get(older);
    const secondIds = rowIds(second.text);
    expect(secondIds).toHaveLength(5);
    expect(Math.max(...secondIds)).toBeLessThan(Math.min(...firstIds));
    expect(second.text).toContain("Invalid address");
  });

  test("the dev outbox's e-mail page shows the preview line an inbox would show", async () => {
    // Eyes walk (issue 12): the preheader was only in the hidden HTML, so staff could not check it.
    const t = await makeTestApp();
    const b = await signedInOwner(t);
    const v = await renderEmailVariant({
      subject: "Family portrait days",
      body: "Hi there, places are limited.",
      preheader: "Book a relaxed family session & more",
      format: "markdown",
      studio: { name: "S", postalAddress: "1 Main St", website: "https://s.example", brandColor: "#2f6fdf" },
      personalLinks: false,
    });
    const mail = personalizeEmail(v, {});
    await t.db.insert(devOutbox).values({
      id: "dev_preview_line",
      channel: "email",
      toAddress: "ann@x.test",
      fromAddress: "studio@x.test",
      subject: mail.subject,
      body: mail.text,
      html: mail.html,
      ref: "k1",
      status: "sent",
      createdAt: new Date(),
    });
    const page = await b.get("/outbox/dev/dev_preview_line");
    expect(page.status).toBe(200);
    expect(pageText(page.text)).toContain("Preview line Book a relaxed family session & more");
  });

  test("a fresh install says what to do next", async () => {
    const t = await makeTestApp({ now: noon });
    const b = await signedInOwner(t);
    const page = await b.get("/outbox");
    expect(page.text).toContain("Nothing has been sent yet.");
    expect(page.text).toContain('href="/settings/messaging"');
    const dev = await b.get("/outbox/dev");
    expect(dev.text).toContain("The dev outbox is empty.");
    expect(dev.text).toContain("E-mail, SMS, Voice call go here instead of to a real provider");
  });

  test("is for staff only", async () => {
    const { t } = await sentStudio();
    const anonymous = t.browser();
    for (const path of ["/outbox", "/outbox/1", "/outbox/dev", "/outbox?status=failed"]) {
      const res = await anonymous.request(path);
      expect(res.status).toBe(303);
      expect(res.headers.get("Location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });
});

describe("one delivery", () => {
  test("shows every field, its timeline and the e-mail exactly as the dev outbox received it", async () => {
    const { t, b, anna, find } = await sentStudio();
    const d = find(anna.id, "email");
    const page = await b.get(`/outbox/${d.id}`);
    expect(page.status).toBe(200);
    const [copy] = await t.db.select().from(devOutbox).where(eq(devOutbox.id, d.providerMessageId!));
    expect(copy!.subject).toBe("Picture day, Anna");
    expect(page.text).toContain("Picture day, Anna");
    expect(page.text).toContain(d.deliveryKey);
    expect(page.text).toContain(d.providerMessageId!);
    // The HTML is shown sandboxed, attribute-escaped, byte for byte what was "sent".
    const srcdoc = page.text.match(/<iframe sandbox="" srcdoc="([^"]*)"/)?.[1];
    expect(srcdoc).toBeDefined();
    const unescaped = srcdoc!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
    expect(unescaped).toBe(copy!.html!);
    expect(unescaped).toContain("<strong>Anna</strong>");
    expect(page.text).toContain("Hi Anna, picture day is soon.");
    expect(page.text).toContain("List-Unsubscribe-Post");
    expect(page.text).toContain("List-Unsubscribe=One-Click");
    // Timeline: created, then sent by the dev provider.
    const timeline = page.text.slice(page.text.indexOf('id="timeline"'), page.text.indexOf('id="message"'));
    expect(timeline).toContain("Created");
    expect(timeline).toContain("Sent");
    expect(timeline).toContain(`providerMessageId: ${d.providerMessageId}`);
  });

  test("a failed SMS shows the provider's error; a skipped one why nothing was sent", async () => {
    const { b, ben, cleo, find } = await sentStudio();
    const failed = await b.get(`/outbox/${find(cleo.id, "sms").id}`);
    expect(failed.text).toContain('class="flash bad"');
    expect(failed.text).toContain("The &#39;To&#39; number +15551230003 is not a valid phone number.");
    expect(failed.text).toContain("Nothing was delivered.");
    expect(failed.text).toMatch(/<strong>Failed<\/strong>/);
    const skipped = await b.get(`/outbox/${find(ben.id, "email").id}`);
    expect(skipped.text).toContain("Skipped: No consent for this channel");
    expect(skipped.text).toContain("Nothing was sent: No consent for this channel.");
    expect(skipped.text).not.toContain("<iframe");
    expect((await b.get("/outbox/99999")).status).toBe(404);
    expect((await b.get("/outbox/abc")).status).toBe(404);
  });

  test("a sent SMS shows its text", async () => {
    const { b, anna, find } = await sentStudio();
    const page = await b.get(`/outbox/${find(anna.id, "sms").id}`);
    expect(page.text).toContain("Hi **Anna**, picture day is soon.");
    expect(page.text).toContain("+15551230001");
  });
});

describe("the dev outbox", () => {
  test("lists what was delivered, newest first, each linked to its delivery and readable on its own", async () => {
    const { t, b, anna, find } = await sentStudio();
    const page = await b.get("/outbox/dev");
    const entries = await t.db.select().from(devOutbox);
    expect(entries).toHaveLength(2);
    for (const e of entries) expect(page.text).toContain(`href="/outbox/dev/${e.id}"`);
    const mail = find(anna.id, "email");
    expect(page.text).toContain(`<a href="/outbox/${mail.id}">#${mail.id}</a>`);
    expect(page.text).toContain("Picture day, Anna");
    const one = await b.get(`/outbox/dev/${mail.providerMessageId}`);
    expect(one.text).toContain("<iframe sandbox=");
    expect(one.text).toContain(`href="/outbox/${mail.id}"`);
    const sms = await b.get(`/outbox/dev?channel=sms`);
    expect(sms.text).not.toContain("Picture day, Anna");
    expect(sms.text).toContain("Hi **Anna**");
    expect((await b.get("/outbox/dev/nope")).status).toBe(404);
  });
});

describe("the customer page", () => {
  test("lists the customer's messages with skip reasons and errors: the “why didn't she get it” answer", async () => {
    const { b, anna, ben, cleo, find } = await sentStudio();
    const section = (html: string) =>
      html.slice(
        html.indexOf('<section id="messages">'),
        html.indexOf("</section>", html.indexOf('<section id="messages">')),
      );
    const benPage = section((await b.get(`/customers/${ben.id}`)).text);
    expect(benPage).toContain("<h2>History</h2>");
    expect(benPage).toContain("No consent for this channel");
    expect(benPage).toContain(`href="/outbox/${find(ben.id, "email").id}"`);
    const cleoPage = section((await b.get(`/customers/${cleo.id}`)).text);
    expect(cleoPage).toContain("Address bounced");
    expect(cleoPage).toContain("is not a valid phone number");
    expect(cleoPage).not.toContain("anna@x.test");
    const annaPage = section((await b.get(`/customers/${anna.id}`)).text);
    expect(annaPage.match(/delivery-sent/g)).toHaveLength(2);
    expect(annaPage).toContain(`href="/outbox?customer=${anna.id}"`);
  });

  test("a customer without messages is told what will appear", async () => {
    const t: TestApp = await makeTestApp({ now: noon });
    const b = await signedInOwner(t);
    const cu = await createCustomer(t.db, { first_name: "Dora", email: "dora@x.test", consent: {} }, "test", noon);
    const page = await b.get(`/customers/${cu.id}`);
    expect(page.text).toContain(
      "Every e-mail, text and call Pigeon sends, skips or fails for this customer appears here",
    );
  });
});
