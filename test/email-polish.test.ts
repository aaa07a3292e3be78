// E-mail polish (issue 12 item 7): bare URLs become links, every e-mail has a preheader (the
// staff's, else the body's first line), links carry the layout's colour inline, and the
// plain-text part reads well. Rendered through the real renderer, asserted on what a reader gets.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { en } from "../src/db/builtin-texts/en.ts";
import type { Delivery } from "../src/db/outbox.ts";
import { messages, notifications } from "../src/db/schema.ts";
import { getSettings } from "../src/db/settings.ts";
import { contentCache, sourceText } from "../src/dispatch/content.ts";
import { personalizeEmail, renderEmailVariant, type EmailVariantInput } from "../src/email/render.ts";
import { makeTestApp } from "./support/app.ts";

const studio = {
  name: "Bright Side Photography",
  postalAddress: "412 Orchard Lane\nSpringfield, IL 62701",
  website: "https://brightside.example",
  brandColor: "#2f6fdf",
};

const values = {
  "customer.first_name": "Anna",
  "customer.gallery_link": "https://pigeon.example/l/g/abc?x=1&y=2",
  "customer.access_code": "AB12-CD34",
  "job.name": "Lincoln Elementary",
  "job.coupon_deadline": "October 15, 2026",
  "studio.name": "Bright Side Photography",
  "links.unsubscribe_link": "https://pigeon.example/l/u/tok-u",
  "links.preferences_link": "https://pigeon.example/l/p/tok-p",
  "links.view_in_browser_link": "https://pigeon.example/l/v/tok-v",
};

const email = (over: Partial<EmailVariantInput>): EmailVariantInput => ({
  subject: "Hello",
  body: "Hi",
  format: "markdown",
  studio,
  ...over,
});

async function rendered(over: Partial<EmailVariantInput>) {
  return personalizeEmail(await renderEmailVariant(email(over)), values);
}

/** The text of the HTML's <body> in document order, tags removed and whitespace runs collapsed. */
function bodyText(html: string): string {
  const body = html.slice(html.indexOf("<body"));
  return (
    body
      .replace(/<[^>]+>/g, " ")
      .replace(/&amp;/g, "&")
      // The preview's invisible padding (React Email's) counts as space; U+034F is the combining grapheme joiner.
      .replace(/\u034f/g, " ")
      .replace(/[\s\u00a0\u200b-\u200f\ufeff]+/g, " ")
      .trim()
  );
}

/** Every <a …> tag inside the staff-written body. */
function bodyLinks(html: string): string[] {
  const start = html.indexOf('class="pigeon-body"');
  const end = html.indexOf("</div>", start);
  return [...html.slice(start, end).matchAll(/<a [^>]*>/g)].map((m) => m[0]);
}

describe("bare URLs become links", () => {
  test("a bare URL in a sentence is a link whose text is the URL", async () => {
    const { html } = await rendered({ body: "Our shop: https://brightside.example/shop today." });
    expect(html).toMatch(/<a href="https:\/\/brightside\.example\/shop"[^>]*>https:\/\/brightside\.example\/shop<\/a>/);
  });

  test("a link placeholder alone on its line is a clickable link, its text the URL", async () => {
    const { html, text } = await rendered({ body: "Your gallery:\n{{customer.gallery_link}}\n\nSee you soon." });
    expect(html).toContain(
      `<a href="https://pigeon.example/l/g/abc?x=1&amp;y=2"` /* the href, then the style and target */,
    );
    expect(html).toMatch(
      /<a href="https:\/\/pigeon\.example\/l\/g\/abc\?x=1&amp;y=2"[^>]*>https:\/\/pigeon\.example\/l\/g\/abc\?x=1&amp;y=2<\/a>/,
    );
    // The URL once in the plain text, not "url [url]".
    expect(text.split("https://pigeon.example/l/g/abc?x=1&y=2").length - 1).toBe(1);
  });

  test("a link placeholder in its own paragraph, and one with a fallback, are links too", async () => {
    const { html } = await rendered({
      body: '{{customer.gallery_link}}\n\nOr {{studio.website | "https://brightside.example"}}.',
    });
    expect(html).toMatch(/<p><a href="https:\/\/pigeon\.example\/l\/g\/abc\?x=1&amp;y=2"/);
    expect(html).toContain('<a href="https://brightside.example"');
  });

  test("a placeholder that is not a URL stays text, and a Markdown link is not linked twice", async () => {
    const { html } = await rendered({
      body: "Hi {{customer.first_name}}\n\n[Open your gallery]({{customer.gallery_link}})",
    });
    expect(html).toContain("<p>Hi Anna</p>");
    expect(bodyLinks(html)).toHaveLength(1);
    expect(html).toMatch(/>Open your gallery<\/a>/);
  });
});

describe("every e-mail has a preheader", () => {
  test("the staff's preheader is the first text of the HTML body, before 'View in browser'", async () => {
    const { html } = await rendered({
      body: "Hi {{customer.first_name}},\n\nThe photos are online.",
      preheader: "Photos from {{job.name}} are online",
    });
    expect(bodyText(html).startsWith("Photos from Lincoln Elementary are online View in browser")).toBe(true);
  });

  test("without one, the body's first line of text, Markdown stripped and placeholders filled", async () => {
    const { html, text } = await rendered({
      body: "## **Good news**, {{customer.first_name}}! [Your photos]({{customer.gallery_link}}) are online\nSecond line.\n\nMore.",
    });
    expect(bodyText(html).startsWith("Good news, Anna! Your photos are online View in browser")).toBe(true);
    // The preheader is for the inbox list only: the plain text does not repeat it.
    expect(text.indexOf("Good news")).toBe(text.lastIndexOf("Good news"));
  });

  test("an image before the first line is skipped; a long first line is cut at a word, at most 150 characters", async () => {
    const long = "word ".repeat(60).trim();
    const { html } = await rendered({ body: `![Class photo](https://brightside.example/a.png)\n\n${long}` });
    const first = bodyText(html).split(" View in browser")[0]!;
    expect(first.length).toBeLessThanOrEqual(150);
    expect(first).toMatch(/^(word )+word$/);
  });

  test("a first line that is one word longer than 150 characters (a long URL) is cut hard: there is still a preheader", async () => {
    const url = `https://gallery.example/${"a".repeat(160)}`;
    const { html } = await rendered({ body: `${url}\n\nYour photos are online.` });
    // React Email's hidden preview block: without one, inboxes show "View in browser" as the preview.
    expect(html).toContain('data-skip-in-text="true"');
    const first = bodyText(html).split(" View in browser")[0]!;
    expect(first).toBe(url.slice(0, 150));
  });

  test("a real built-in e-mail no longer starts 'View in browser Bright Side Photography'", async () => {
    const { html } = await rendered({ subject: en.couponEmail.subject, body: en.couponEmail.body });
    expect(bodyText(html).startsWith("Hi Anna, View in browser")).toBe(true);
  });
});

describe("links carry the layout's link colour inline", () => {
  test("every link in the body has style=color:<brand> (Gmail drops <style> blocks)", async () => {
    const { html } = await rendered({
      body: '[Gallery]({{customer.gallery_link}}) https://brightside.example and <a href="mailto:hi@brightside.example" style="color:red;background:url(x)">mail</a>',
    });
    const links = bodyLinks(html);
    expect(links).toHaveLength(3);
    for (const a of links) expect(a).toContain('style="color:#2f6fdf"');
  });

  test("a light brand colour gives a dark link colour; staff cannot style a link beyond it", async () => {
    const { html } = await rendered({
      studio: { ...studio, brandColor: "#ffee99" },
      body: '<a href="https://brightside.example" style="color:#ffee99;font-size:40px" onclick="x()">here</a>',
      format: "html",
    });
    const [a] = bodyLinks(html);
    expect(a).toContain('style="color:#1f2328"');
    expect(a).not.toMatch(/font-size|onclick|#ffee99/);
  });
});

describe("the plain-text part stays readable", () => {
  test("a real built-in e-mail with an image: no HTML, links as text [url], image as its alt, headings as written", async () => {
    const body = `## Your photos are here\n\n![The class of 3B on picture day](https://brightside.example/3b.jpg)\n\n${en.couponEmail.body}\n\nOr open {{customer.gallery_link}}`;
    const { text } = await rendered({ subject: en.couponEmail.subject, body });
    expect(text).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(text).not.toContain("&amp;");
    expect(text).toContain("Your photos are here");
    expect(text).not.toContain("YOUR PHOTOS ARE HERE");
    expect(text).toContain("The class of 3B on picture day");
    expect(text).not.toContain("3b.jpg");
    expect(text).toContain("Choose your photos [https://pigeon.example/l/g/abc?x=1&y=2]");
    expect(text).toContain("Or open https://pigeon.example/l/g/abc?x=1&y=2");
    expect(text).not.toContain("Or open https://pigeon.example/l/g/abc?x=1&y=2 [");
    expect(text).toContain("valid until October 15, 2026");
    expect(text).toContain("Unsubscribe [https://pigeon.example/l/u/tok-u]");
  });
});

describe("the preheader reaches the e-mail that is sent", () => {
  test("a message's and a notification's preheader go through contentCache.email into the HTML", async () => {
    const t = await makeTestApp();
    const now = new Date("2026-09-01T10:00:00Z");
    const [m] = await t.db
      .insert(messages)
      .values({
        name: "Fall sale",
        channels: ["email"],
        subject: "Sale",
        body: "Hi {{customer.first_name}},\n\nThe sale is on.",
        preheader: "20% off all prints until Friday",
        filters: {},
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const [n] = await t.db.select().from(notifications).limit(1);
    await t.db.update(notifications).set({ preheader: "Your gallery is open" }).where(eq(notifications.id, n!.id));
    const settings = await getSettings(t.db);
    const cache = contentCache(t.db, () => settings, "https://pigeon.test");
    const probe: Pick<Delivery, "sourceType" | "messageId" | "notificationId" | "channel"> = {
      sourceType: "message",
      messageId: m!.id,
      notificationId: null,
      channel: "email",
    };
    for (const [d, wanted] of [
      [probe, "20% off all prints until Friday"],
      [
        { ...probe, sourceType: "notification" as const, messageId: null, notificationId: n!.id },
        "Your gallery is open",
      ],
    ] as const) {
      // sourceText reads only where the delivery's text comes from.
      const src = await sourceText(t.db, d as Delivery);
      const variant = await cache.email(src!, true, "en");
      const { html } = personalizeEmail(variant, values);
      expect(bodyText(html).startsWith(`${wanted} View in browser`)).toBe(true);
    }
  });
});
