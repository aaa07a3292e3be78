// Outside review (issue 12, attachments / templates / snippets): each test shows one problem found.
import { describe, expect, test } from "bun:test";
import { mmsReaches } from "../../src/core/attachments.ts";
import { snippetInput } from "../../src/core/snippet-input.ts";
import { personalizeEmail, renderEmailVariant } from "../../src/email/render.ts";

const studio = { name: "S", postalAddress: "1 Main St", website: "https://s.example", brandColor: "#2f6fdf" };
const links = {
  "links.unsubscribe_link": "https://p.example/u",
  "links.preferences_link": "https://p.example/p",
  "links.view_in_browser_link": "https://p.example/v",
};

describe("snippets as link targets", () => {
  test("a snippet whose key ends in _link is an href with no URL check: javascript: reaches the e-mail", async () => {
    // The owner can save this snippet (Settings → Snippets) and a body using it as a link.
    expect(
      snippetInput.safeParse({ key: "pay_link", title: "Pay", body: "javascript:alert(document.cookie)" }).success,
    ).toBe(true);
    for (const body of ["[Pay now]({{snippet.pay_link}})", "{{snippet.pay_link}}", "![x]({{snippet.pay_link}})"]) {
      const v = await renderEmailVariant({ subject: "Hi", body, format: "markdown", studio });
      const { html } = personalizeEmail(v, { ...links, "snippet.pay_link": "javascript:alert(document.cookie)" });
      // The body sanitiser promises only http(s)/mailto/tel URLs or Pigeon-generated link placeholders.
      expect(html.match(/(?:href|src)="javascript:[^"]*"/gi)).toBeNull();
    }
  });
});

describe("MMS reach", () => {
  test("+1 is not only the US and Canada: Caribbean NANP numbers get MediaUrl pictures Twilio cannot deliver as MMS", () => {
    expect(mmsReaches("+12125550123")).toBe(true); // New York
    expect(mmsReaches("+14165550123")).toBe(true); // Toronto
    expect(mmsReaches("+18765550123")).toBe(false); // Jamaica
    expect(mmsReaches("+12425550123")).toBe(false); // Bahamas
    expect(mmsReaches("+18095550123")).toBe(false); // Dominican Republic
  });
});

describe("snippet text in an HTML e-mail", () => {
  test("a snippet holding a placeholder is refused at save; its lines stay apart in the HTML part", async () => {
    // Expectation changed from "filled, or refused at save": snippets are plain text, so the save refuses it.
    const braces = snippetInput.safeParse({
      key: "shipping_info",
      title: "Shipping",
      body: "Dear {{customer.first_name}},",
    });
    expect(braces.success).toBe(false);
    expect(braces.error?.issues[0]?.message).toContain("cannot hold placeholders");
    const body = "Orders by Friday ship free.\nPickup at the <school> office.";
    expect(snippetInput.safeParse({ key: "shipping_info", title: "Shipping", body }).success).toBe(true);
    const v = await renderEmailVariant({
      subject: "Hi",
      body: "Hello\n\n{{snippet.shipping_info}}",
      format: "markdown",
      studio,
    });
    const { html, text } = personalizeEmail(v, { ...links, "snippet.shipping_info": body });
    const inBody = html.slice(html.indexOf('class="pigeon-body"'));
    expect(inBody).toContain("ship free.<br>Pickup at the &lt;school&gt; office.");
    expect(text).toContain("ship free.\nPickup");
  });
});

describe("preheader default", () => {
  test("a body whose first line is a long URL leaves the e-mail with no preheader at all", async () => {
    const url = `https://gallery.example/${"a".repeat(160)}`;
    const v = await renderEmailVariant({
      subject: "Hi",
      body: `${url}\n\nYour photos are online.`,
      format: "markdown",
      studio,
    });
    const { html } = personalizeEmail(v, links);
    // React Email's hidden preview block: without one, inboxes show "View in browser" as the preview.
    expect(html).toContain('data-skip-in-text="true"');
  });
});
