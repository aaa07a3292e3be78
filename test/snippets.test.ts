// Settings → Snippets (issue 12 item 6): list, add, edit and delete the studio's snippets over real
// HTTP on a migrated database; keys checked, a delete refused while a text uses the snippet, and
// an unknown snippet refused at save in a message, a notification and a template, naming it.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createMessage } from "../src/db/messages.ts";
import { messageInput } from "../src/core/message-input.ts";
import { snippetInput } from "../src/core/snippet-input.ts";
import { updateSettings } from "../src/db/settings.ts";
import { personalizeEmail, renderEmailVariant } from "../src/email/render.ts";
import { duplicateProfile, listNotifications } from "../src/db/profiles.ts";
import { devOutbox, messages, notifications, snippets, templates } from "../src/db/schema.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText, postForm } from "./support/forms.ts";

async function studio() {
  const t = await makeTestApp();
  const b = await signedInOwner(t);
  await b.get("/settings/snippets");
  return { t, b };
}

const shipping = { key: "shipping_info", title: "Shipping", body: "Free shipping to the school until Friday." };

describe("Settings → Snippets", () => {
  test("an empty studio is told what a snippet is and how to use one; the settings nav links it", async () => {
    const { b } = await studio();
    const page = await b.get("/settings/snippets");
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/settings/snippets" aria-current="page"');
    expect(pageText(page.text)).toContain("No snippets yet.");
    expect(pageText(page.text)).toContain("{{snippet.shipping_info}}");
  });

  test("add, list, edit and delete a snippet", async () => {
    const { t, b } = await studio();
    const add = await postForm(b, "/settings/snippets", shipping);
    expect(add.status).toBe(303);
    const list = await b.get(add.location!);
    expect(pageText(list.text)).toContain("Snippet added.");
    expect(pageText(list.text)).toContain(
      "{{snippet.shipping_info}} Shipping Free shipping to the school until Friday.",
    );
    const [row] = await t.db.select().from(snippets);
    const edit = await b.get(`/settings/snippets?edit=${row!.id}`);
    expect(edit.text).toContain(`action="/settings/snippets/${row!.id}"`);
    expect(edit.text).toContain("Free shipping to the school until Friday.</textarea>");
    const saved = await postForm(b, `/settings/snippets/${row!.id}`, { title: "Shipping info", body: "Until Monday." });
    expect(saved.status).toBe(303);
    expect((await t.db.select().from(snippets))[0]).toMatchObject({
      key: "shipping_info",
      title: "Shipping info",
      body: "Until Monday.",
    });
    const del = await postForm(b, `/settings/snippets/${row!.id}/delete`, {});
    expect(del.status).toBe(303);
    expect(await t.db.select().from(snippets)).toHaveLength(0);
  });

  test("bad keys, a taken key and empty fields are refused with a clear message, keeping what was typed", async () => {
    const { t, b } = await studio();
    for (const [key, problem] of [
      ["", "The key is required"],
      ["Shipping", "only lowercase letters, digits and underscores"],
      ["2nd_info", "must start with a letter"],
      ["shipping-info", "only lowercase letters, digits and underscores"],
      ["a".repeat(41), "at most 40 characters"],
    ] as const) {
      const res = await postForm(b, "/settings/snippets", { ...shipping, key });
      expect(res.status).toBe(422);
      expect(res.text).toContain(problem);
      expect(res.text).toContain(`value="${key}"`);
      expect(res.text).toContain("Free shipping to the school until Friday.</textarea>");
    }
    expect((await postForm(b, "/settings/snippets", shipping)).status).toBe(303);
    const taken = await postForm(b, "/settings/snippets", { ...shipping, title: "Another" });
    expect(taken.status).toBe(422);
    expect(pageText(taken.text)).toContain("A snippet with the key “shipping_info” exists already.");
    expect(taken.text).toContain('value="Another"');
    const empty = await postForm(b, "/settings/snippets", { key: "hours", title: " ", body: "" });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain("A title is required");
    expect(empty.text).toContain("The text is required");
    const [row] = await t.db.select().from(snippets);
    const badEdit = await postForm(b, `/settings/snippets/${row!.id}`, { title: "Kept", body: "" });
    expect(badEdit.status).toBe(422);
    expect(badEdit.text).toContain('value="Kept"');
    expect(await t.db.select().from(snippets)).toHaveLength(1);
    expect((await t.db.select().from(snippets))[0]!.title).toBe("Shipping");
    expect((await postForm(b, "/settings/snippets/999/delete", {})).status).toBe(404);
    expect((await b.get("/settings/snippets?edit=999")).status).toBe(404);
  });

  test("a delete is refused while a notification, an unsent message or a template uses it, naming each", async () => {
    const { t, b } = await studio();
    await postForm(b, "/settings/snippets", shipping);
    const [row] = await t.db.select().from(snippets);
    const now = new Date("2026-09-01T10:00:00Z");
    const [builtin] = await t.db.select().from(notifications).limit(1);
    const profile = (await duplicateProfile(t.db, builtin!.profileId, now))!;
    const [n] = await listNotifications(t.db, profile.id);
    await t.db.update(notifications).set({ body: "See {{snippet.shipping_info}}" }).where(eq(notifications.id, n!.id));
    const input = messageInput(["shipping_info"], "US").parse({
      name: "Shipping news",
      channels: ["sms"],
      sms_body: 'Hi! {{snippet.shipping_info | "Ask us"}}',
      to_address: "+1 212 555 0177",
    });
    const m = await createMessage(t.db, input, null, now);
    await t.db.insert(templates).values({
      name: "Shipping reminder",
      channel: "email",
      subject: "Shipping",
      body: "{{ snippet.shipping_info }}",
      createdAt: now,
      updatedAt: now,
    });
    const refused = await postForm(b, `/settings/snippets/${row!.id}/delete`, {});
    expect(refused.status).toBe(409);
    const said = pageText(refused.text);
    expect(said).toContain("“shipping_info” was not deleted: these texts use {{snippet.shipping_info}}");
    expect(said).toContain(`Notification: ${profile.name}`);
    expect(refused.text).toContain(`href="/profiles/${profile.id}/notifications/${n!.id}/edit"`);
    expect(said).toContain("Message: Shipping news");
    expect(said).toContain("Template: Shipping reminder");
    expect(await t.db.select().from(snippets)).toHaveLength(1);

    // A sent message no longer holds it; the others are changed, and then it goes.
    await t.db.update(messages).set({ status: "sent" }).where(eq(messages.id, m.id));
    await t.db.update(notifications).set({ body: "See our site" }).where(eq(notifications.id, n!.id));
    await t.db.delete(templates).where(eq(templates.name, "Shipping reminder"));
    expect((await postForm(b, `/settings/snippets/${row!.id}/delete`, {})).status).toBe(303);
    expect(await t.db.select().from(snippets)).toHaveLength(0);
  });

  test("a snippet whose key another contains is not held by it", async () => {
    const { t, b } = await studio();
    await postForm(b, "/settings/snippets", { ...shipping, key: "ship" });
    await t.db.insert(templates).values({
      name: "Uses the longer one",
      channel: "sms",
      body: "{{snippet.shipping}}",
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const [row] = await t.db.select().from(snippets);
    expect((await postForm(b, `/settings/snippets/${row!.id}/delete`, {})).status).toBe(303);
  });

  test("staff who are not the owner cannot reach it", async () => {
    const { t } = await studio();
    const anon = t.browser();
    const res = await anon.get("/settings/snippets");
    expect(res.status).not.toBe(200);
  });
});

describe("an unknown snippet is refused at save, naming it", () => {
  test("in a one-time message: the form shows the error beside the text and keeps it", async () => {
    const { t, b } = await studio();
    await b.get("/messages/new");
    const res = await postForm(b, "/messages", {
      mode: "address",
      name: "Hello",
      channels: "sms",
      sms_body: "Hi, {{snippet.opening_hours}}",
      to_address: "+1 212 555 0177",
      send_mode: "now",
      intent: "save",
    });
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain(
      "Unknown snippet {{snippet.opening_hours}} at line 1, column 5: there is no snippet “opening_hours”; add it under Settings → Snippets",
    );
    expect(res.text).toContain("Hi, {{snippet.opening_hours}}</textarea>");
    expect(await t.db.select().from(messages)).toHaveLength(0);
  });

  test("in a notification", async () => {
    const { t, b } = await studio();
    const now = new Date("2026-09-01T10:00:00Z");
    const [builtin] = await t.db.select().from(notifications).limit(1);
    const profile = (await duplicateProfile(t.db, builtin!.profileId, now))!;
    const [n] = await listNotifications(t.db, profile.id);
    const page = await b.get(`/profiles/${profile.id}/notifications/${n!.id}/edit`);
    expect(page.status).toBe(200);
    const fields: Record<string, string> = {};
    for (const m of page.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = m[2]!;
    for (const m of page.text.matchAll(/<select[^>]*name="([^"]+)"[\s\S]*?<option value="([^"]*)" selected/g))
      fields[m[1]!] ??= m[2]!;
    const res = await postForm(b, `/profiles/${profile.id}/notifications/${n!.id}`, {
      ...fields,
      body: "Hello {{snippet.opening_hours}}",
    });
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain("Unknown snippet {{snippet.opening_hours}}");
    expect((await t.db.select().from(notifications).where(eq(notifications.id, n!.id)))[0]!.body).toBe(n!.body);
  });
});

// Snippets are plain text staff write, filled in after the e-mail is rendered (issue 12 review).
const layoutStudio = { name: "S", postalAddress: "1 Main St", website: "https://s.example", brandColor: "#2f6fdf" };
const layoutLinks = {
  "links.unsubscribe_link": "https://p.example/u",
  "links.preferences_link": "https://p.example/p",
  "links.view_in_browser_link": "https://p.example/v",
};

describe("a snippet is plain text", () => {
  test("a snippet whose key ends in _link is never an href or src: its javascript: text cannot become a link", async () => {
    expect(
      snippetInput.safeParse({ key: "pay_link", title: "Pay", body: "javascript:alert(document.cookie)" }).success,
    ).toBe(true);
    for (const body of ["[Pay now]({{snippet.pay_link}})", "{{snippet.pay_link}}", "![x]({{snippet.pay_link}})"]) {
      const v = await renderEmailVariant({ subject: "Hi", body, format: "markdown", studio: layoutStudio });
      const { html } = personalizeEmail(v, { ...layoutLinks, "snippet.pay_link": "javascript:alert(document.cookie)" });
      // The body sanitiser promises only http(s)/mailto/tel URLs or Pigeon-generated link placeholders.
      expect(html.match(/(?:href|src)="javascript:[^"]*"/gi)).toBeNull();
    }
    // A harmless one used as a link's address leaves the words as text: no link to nowhere.
    const v = await renderEmailVariant({
      subject: "Hi",
      body: "[Pay now]({{snippet.pay_link}})",
      format: "markdown",
      studio: layoutStudio,
    });
    const { html } = personalizeEmail(v, { ...layoutLinks, "snippet.pay_link": "https://pay.example/x" });
    expect(html).not.toMatch(/href="(?:https:\/\/pay\.example\/x)?"/);
    expect(html).toContain("Pay now");
  });

  test("a snippet holding a placeholder is refused at save, saying snippets are plain text", async () => {
    const braces = snippetInput.safeParse({
      key: "shipping_info",
      title: "Shipping",
      body: "Dear {{customer.first_name}},",
    });
    expect(braces.success).toBe(false);
    expect(braces.error?.issues[0]?.message).toContain("A snippet is plain text: it cannot hold placeholders");
    const { t, b } = await studio();
    const res = await postForm(b, "/settings/snippets", { ...shipping, body: "Dear {{customer.first_name}}, hi" });
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain("A snippet is plain text: it cannot hold placeholders");
    expect(res.text).toContain("Dear {{customer.first_name}}, hi</textarea>");
    expect(await t.db.select().from(snippets)).toHaveLength(0);
    expect(pageText((await b.get("/settings/snippets")).text)).toContain(
      "Plain text: it goes into each message as written",
    );
  });

  test("its lines stay apart in the HTML part, escaped; the plain-text part keeps them", async () => {
    const body = "Orders by Friday ship free.\nPickup at the <school> office.";
    const v = await renderEmailVariant({
      subject: "Hi",
      body: "Hello\n\n{{snippet.shipping_info}}",
      format: "markdown",
      studio: layoutStudio,
    });
    const { html, text } = personalizeEmail(v, { ...layoutLinks, "snippet.shipping_info": body });
    expect(html.slice(html.indexOf('class="pigeon-body"'))).toContain(
      "ship free.<br>Pickup at the &lt;school&gt; office.",
    );
    expect(text).toContain("ship free.\nPickup");
  });

  test("a bare http(s) address in a snippet is a link in the HTML part, in the link colour; the text part keeps it plain", async () => {
    // Eyes walk (issue 12): typed into the body, "Book online: https://…" was a link; as a
    // snippet it was text. Escaped first, then only http(s) addresses are linked.
    const hours = "We are open Mon-Fri 9:00-17:00.\nBook online: https://sunnylane.example/book?a=1&b=2.";
    const v = await renderEmailVariant({
      subject: "Hi",
      body: "Hello\n\n{{snippet.opening_hours}}",
      format: "markdown",
      studio: { ...layoutStudio, brandColor: "#2f6fdf" },
    });
    const { html, text } = personalizeEmail(v, { ...layoutLinks, "snippet.opening_hours": hours });
    const body = html.slice(html.indexOf('class="pigeon-body"'));
    expect(body).toContain("17:00.<br>Book online: ");
    expect(body).toMatch(
      /<a href="https:\/\/sunnylane\.example\/book\?a=1&amp;b=2" style="color:#[0-9a-f]{6}" target="_blank">https:\/\/sunnylane\.example\/book\?a=1&amp;b=2<\/a>\./,
    );
    expect(text).toContain("Book online: https://sunnylane.example/book?a=1&b=2.");
    // Markup in a snippet stays text; a javascript: address and one inside quotes are no links.
    const tricky = personalizeEmail(v, {
      ...layoutLinks,
      "snippet.opening_hours": `javascript:alert(1) "https://x.example/"><script>`,
    }).html;
    expect(tricky).not.toContain("<script>");
    expect(tricky).not.toMatch(/href="javascript:/);
    expect(tricky).toContain('<a href="https://x.example/"');
    expect(tricky).toContain("https://x.example/</a>&quot;&gt;&lt;script&gt;");
  });

  test("Send a test fills a snippet as real sends do: after rendering, Markdown in it not formatted, lines kept", async () => {
    const { t, b } = await studio();
    await updateSettings(t.db, { sendWindowStart: "00:00", sendWindowEnd: "24:00" }, new Date("2026-09-01T10:00:00Z"));
    const saved = await postForm(b, "/settings/snippets", {
      ...shipping,
      body: "Orders by **Friday** ship free.\nPickup at the office.",
    });
    expect(saved.status).toBe(303);
    await b.get("/messages/new?mode=address");
    const tested = await postForm(b, "/messages/test", {
      name: "Shipping",
      mode: "address",
      to_address: "ann@x.test",
      channels: "email",
      subject: "Shipping",
      body: "Hello\n\n{{snippet.shipping_info}}",
      test_channel: "email",
    });
    expect(tested.status).toBe(200);
    const [entry] = await t.db.select().from(devOutbox);
    expect(entry!.html).toContain("Orders by **Friday** ship free.<br>Pickup at the office.");
    expect(entry!.html).not.toContain("<strong>Friday</strong>");
  });
});
