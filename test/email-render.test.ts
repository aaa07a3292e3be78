import { describe, expect, test } from "bun:test";
import { TemplateSyntaxError } from "../src/core/placeholders.ts";
import { renderBodyHtml } from "../src/email/body.ts";
import { personalizeEmail, renderEmailVariant, type EmailVariantInput } from "../src/email/render.ts";

const studio = {
  name: "Sunny Side Photo",
  postalAddress: "412 Orchard Lane\nSpringfield, IL 62701",
  phone: "+1 217 555 0142",
  website: "https://sunnyside.example",
  brandColor: "#2f6fdf",
};

const links = {
  "links.unsubscribe_link": "https://pigeon.example/l/u/tok-u?c=7&p=email",
  "links.preferences_link": "https://pigeon.example/l/p/tok-p",
  "links.view_in_browser_link": "https://pigeon.example/l/v/tok-v",
};

const markdownEmail: EmailVariantInput = {
  subject: `{{customer.first_name | "Hello"}}, your photos from {{job.name}} are ready`,
  body: [
    `# Hi {{customer.first_name | "there"}}!`,
    ``,
    `Your photos from **{{job.name}}** are online:`,
    ``,
    `- [Open your gallery]({{customer.gallery_link}})`,
    `- Access code: {{customer.access_code}}`,
    ``,
    `See you soon.`,
  ].join("\n"),
  format: "markdown",
  preheader: `Your gallery is open, {{customer.first_name | "friend"}}`,
  studio,
};

const anna = {
  "customer.first_name": "<b>Anna</b> & Co",
  "customer.gallery_link": "https://pigeon.example/l/g/abc?x=1&y=2",
  "customer.access_code": "AB12-CD34",
  "job.name": "Lincoln Elementary",
  ...links,
};

const tagPattern = /<\/?[a-z][^>]*>/i;

describe("Markdown body in the studio layout", () => {
  test("personalised HTML has the escaped values, the list, the link and the footer", async () => {
    const variant = await renderEmailVariant(markdownEmail);
    const { html } = personalizeEmail(variant, anna);

    expect(html).toContain("Hi &lt;b&gt;Anna&lt;/b&gt; &amp; Co!");
    expect(html).not.toContain("<b>Anna</b>");
    expect(html).toMatch(/<h1>Hi [^<]*<\/h1>/);
    expect(html).toMatch(
      /<ul>\s*<li><a href="https:\/\/pigeon\.example\/l\/g\/abc\?x=1&amp;y=2" style="color:#2f6fdf" rel="noopener" target="_blank">Open your gallery<\/a><\/li>/,
    );
    expect(html).toContain("Access code: AB12-CD34");
    expect(html).toContain("<strong>Lincoln Elementary</strong>");

    // Footer: name, postal address, contact, and the per-recipient links.
    expect(html).toContain("412 Orchard Lane<br/>Springfield, IL 62701");
    expect(html).toContain('href="tel:+12175550142"');
    expect(html).toContain('href="https://sunnyside.example"');
    expect(html).toMatch(/<a href="https:\/\/pigeon\.example\/l\/u\/tok-u\?c=7&amp;p=email"[^>]*>Unsubscribe<\/a>/);
    expect(html).toMatch(/<a href="https:\/\/pigeon\.example\/l\/p\/tok-p"[^>]*>E-mail preferences<\/a>/);
    expect(html).toMatch(/<a href="https:\/\/pigeon\.example\/l\/v\/tok-v"[^>]*>View in browser<\/a>/);

    // Layout: language, 600 px container, hidden preheader, brand colour header.
    expect(html).toContain('<html dir="ltr" lang="en">');
    expect(html).toContain("max-width:600px");
    expect(html).toMatch(
      /<div style="display:none[^"]*" data-skip-in-text="true">Your gallery is open, &lt;b&gt;Anna&lt;\/b&gt; &amp; Co/,
    );
    expect(html).toContain("background-color:#2f6fdf");
    expect(html).not.toContain("{{");
  });

  test("an empty or missing first name takes the fallback", async () => {
    const variant = await renderEmailVariant(markdownEmail);
    for (const firstName of ["", "   ", null, undefined]) {
      const { html, subject } = personalizeEmail(variant, { ...anna, "customer.first_name": firstName });
      expect(html).toContain("<h1>Hi there!</h1>");
      expect(html).toContain("Your gallery is open, friend");
      expect(subject).toBe("Hello, your photos from Lincoln Elementary are ready");
    }
  });

  test("a fallback is HTML-escaped in the HTML part and kept as written in the text part", async () => {
    const variant = await renderEmailVariant({
      ...markdownEmail,
      body: `Dear {{customer.first_name | "Smith & <Jones>"}}`,
    });
    const filled = personalizeEmail(variant, links);
    expect(filled.html).toContain("Dear Smith &amp; &lt;Jones&gt;");
    expect(filled.text).toContain("Dear Smith & <Jones>");
  });

  test("the subject is personalised without HTML escaping and stays on one line", async () => {
    const variant = await renderEmailVariant(markdownEmail);
    expect(personalizeEmail(variant, anna).subject).toBe(
      "<b>Anna</b> & Co, your photos from Lincoln Elementary are ready",
    );
    expect(personalizeEmail(variant, { ...anna, "customer.first_name": "Anna\r\nBcc: x@y.z" }).subject).toBe(
      "Anna Bcc: x@y.z, your photos from Lincoln Elementary are ready",
    );
  });

  test("the plain-text part has the body text and link URLs, keeps the heading's case and has no tags", async () => {
    const variant = await renderEmailVariant(markdownEmail);
    expect(variant.text.keys).toEqual(
      expect.arrayContaining([
        "customer.first_name",
        "customer.gallery_link",
        "job.name",
        "links.unsubscribe_link",
        "links.preferences_link",
        "links.view_in_browser_link",
      ]),
    );
    const { text } = personalizeEmail(variant, { ...anna, "customer.first_name": "Anna & Co" });

    expect(text).toContain("Hi Anna & Co!");
    expect(text).toContain("Your photos from Lincoln Elementary are online:");
    expect(text).toContain("Open your gallery [https://pigeon.example/l/g/abc?x=1&y=2]");
    expect(text).toContain("Access code: AB12-CD34");
    expect(text).toContain("412 Orchard Lane\nSpringfield, IL 62701");
    expect(text).toContain("Unsubscribe [https://pigeon.example/l/u/tok-u?c=7&p=email]");
    expect(text).toContain("E-mail preferences [https://pigeon.example/l/p/tok-p]");
    expect(text).toContain("View in browser [https://pigeon.example/l/v/tok-v]");
    expect(text).not.toMatch(tagPattern);
    expect(text).not.toContain("&amp;");
    expect(text).not.toContain("{{");
    expect(text).not.toContain("Your gallery is open"); // the preheader is HTML-only
  });

  test("studio data is real data: escaped by React and never read as a placeholder", async () => {
    const variant = await renderEmailVariant({
      ...markdownEmail,
      studio: { ...studio, name: "Tom & Jerry <Photo> {{job.name}}", logoUrl: "https://sunnyside.example/logo.png" },
    });
    const { html, text } = personalizeEmail(variant, anna);
    expect(html).toContain("Tom &amp; Jerry &lt;Photo&gt; {{job.name}}");
    expect(html).toMatch(
      /<img alt="Tom &amp; Jerry &lt;Photo&gt; \{\{job\.name\}\}"[^>]*src="https:\/\/sunnyside\.example\/logo\.png"/,
    );
    expect(text).toContain("Tom & Jerry <Photo> {{job.name}}");
  });

  test("an e-mail with no customer behind it (a test send) has no unsubscribe, preferences or view links", async () => {
    const variant = await renderEmailVariant({ ...markdownEmail, personalLinks: false });
    const email = personalizeEmail(variant, {});
    for (const part of [email.html, email.text]) {
      expect(part).not.toContain("Unsubscribe");
      expect(part).not.toContain("View in browser");
      expect(part).toContain("412 Orchard Lane");
    }
  });

  test("a broken placeholder is refused rather than sent", async () => {
    await expect(renderEmailVariant({ ...markdownEmail, body: "Hi {{customer.first_name" })).rejects.toBeInstanceOf(
      TemplateSyntaxError,
    );
    await expect(
      renderEmailVariant({ ...markdownEmail, subject: "Hi {{customer.first_name | there}}" }),
    ).rejects.toBeInstanceOf(TemplateSyntaxError);
  });
});

describe("HTML body sanitising", () => {
  const hostile = [
    `<p onclick="steal()">Hello <strong>{{customer.first_name | "there"}}</strong></p>`,
    `<script>alert("script")</script>`,
    `<a href="javascript:alert(1)">Click me</a>`,
    `<a href="JaVaScRiPt&colon;alert(2)">Encoded</a>`,
    `<img src=x onerror="alert(3)">`,
    `<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg">`,
    `<iframe src="https://evil.example"></iframe><style>body{display:none}</style>`,
    `<p style="color:#c00;position:fixed">Red</p>`,
    `<a href="{{customer.gallery_link}}" title="Gallery">Your gallery</a>`,
    `<a href="{{customer.first_name}}">Not a URL placeholder</a>`,
    `<a href="https://sunnyside.example/prices" target="_top">Prices</a>`,
    `<img src="https://sunnyside.example/a.jpg" alt="Sample" width="300" height="200">`,
  ].join("\n");

  test("scripts, handlers, javascript: and data: URLs are stripped; safe content and placeholders stay", () => {
    const html = renderBodyHtml(hostile, "html");
    expect(html).not.toMatch(/<script|alert|onclick|onerror|javascript|data:|<iframe|<style|position/i);
    expect(html).toContain(`<p>Hello <strong>{{customer.first_name | "there"}}</strong></p>`);
    expect(html).toContain("<span>Click me</span>");
    expect(html).toContain(`<p style="color:#c00">Red</p>`);
    expect(html).toContain(
      `<a href="{{customer.gallery_link}}" title="Gallery" rel="noopener" target="_blank">Your gallery</a>`,
    );
    expect(html).toContain("<span>Not a URL placeholder</span>");
    expect(html).toContain(`<a href="https://sunnyside.example/prices" rel="noopener" target="_blank">Prices</a>`);
    expect(html).toContain(
      `<img src="https://sunnyside.example/a.jpg" alt="Sample" width="300" height="200" style="max-width:100%;height:auto" />`,
    );
    expect(html).not.toContain(`src="x"`);
  });

  test("the same rules apply to raw HTML inside Markdown", () => {
    const html = renderBodyHtml(
      `Hello <img src=x onerror=alert(1)> [bad](javascript:alert(2)) <a href="{{customer.gallery_link}}" onclick="x()">ok</a>`,
      "markdown",
    );
    expect(html).not.toMatch(/alert|onerror|onclick|javascript/i);
    expect(html).toContain(`<a href="{{customer.gallery_link}}" rel="noopener" target="_blank">ok</a>`);
  });

  test("a link placeholder's href survives into the personalised e-mail", async () => {
    const variant = await renderEmailVariant({ ...markdownEmail, body: hostile, format: "html" });
    const { html, text } = personalizeEmail(variant, anna);
    expect(html).toContain(
      `<a href="https://pigeon.example/l/g/abc?x=1&amp;y=2" title="Gallery" style="color:#2f6fdf" rel="noopener" target="_blank">Your gallery</a>`,
    );
    expect(html).toContain("Hello <strong>&lt;b&gt;Anna&lt;/b&gt; &amp; Co</strong>");
    expect(html).not.toMatch(/<script|onclick|onerror|javascript:/i);
    expect(text).toContain("Your gallery [https://pigeon.example/l/g/abc?x=1&y=2]");
  });

  test("a link placeholder whose fallback is not a safe URL loses its href", () => {
    expect(renderBodyHtml(`<a href='{{customer.gallery_link | "javascript:alert(1)"}}'>x</a>`, "html")).toBe(
      "<span>x</span>",
    );
    expect(renderBodyHtml(`<a href='{{customer.gallery_link | "https://sunnyside.example"}}'>x</a>`, "html")).toContain(
      "<a href=",
    );
  });
});

describe("render once, personalise many (T6)", () => {
  test("one shared render filled per recipient is byte for byte a render of that recipient's own", async () => {
    const tricky: Record<string, string | null>[] = [
      { ...anna },
      { ...links, "customer.first_name": `<script>alert("x")</script> & 'Tom' > "Jerry"` },
      {
        ...links,
        "customer.first_name": "*not bold* _nor_ `code` # [link](https://evil.example) ![i](x) \\ | --- <br>",
      },
      { ...links, "customer.first_name": "Zoë 李 Nguyễn 🙂 \u00a0 \u200b", "job.name": "Ünïcödé – “quotes” ‘single’" },
      { ...links, "customer.first_name": "", "job.name": "", "customer.access_code": null },
      { ...links, "customer.first_name": "   ", "customer.gallery_link": "" },
      {
        ...links,
        "customer.first_name": '{{customer.last_name}} {{ job.name | "x" }}',
        "job.name": "&amp; &lt; &#34;",
      },
      {
        ...links,
        "customer.gallery_link": `https://pigeon.example/l/g/a?b=1&c="2"&d=<3>#'frag'`,
        "links.unsubscribe_link": "https://pigeon.example/l/u/x?y=1&z=2",
      },
    ];
    const shared = await renderEmailVariant(markdownEmail);
    for (const values of tricky) {
      const own = await renderEmailVariant(markdownEmail);
      expect(personalizeEmail(shared, values)).toEqual(personalizeEmail(own, values));
    }
    // And what each kind of value becomes: escaped in HTML only, never read as Markdown or a placeholder.
    const [, html1, md, uni, empty, blank, braces, link] = tricky.map((v) => personalizeEmail(shared, v));
    expect(html1!.html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Tom&#x27; &gt; &quot;Jerry&quot;",
    );
    expect(html1!.text).toContain(`<script>alert("x")</script> & 'Tom' > "Jerry"`);
    expect(md!.html).toContain("*not bold* _nor_ `code` # [link](https://evil.example) ![i](x)");
    expect(md!.html).not.toContain('evil.example"');
    expect(uni!.html).toContain("Zoë 李 Nguyễn 🙂");
    expect(uni!.subject).toBe("Zoë 李 Nguyễn 🙂 \u00a0 \u200b, your photos from Ünïcödé – “quotes” ‘single’ are ready");
    expect(empty!.html).toContain("<h1>Hi there!</h1>");
    expect(empty!.subject).toBe("Hello, your photos from  are ready");
    expect(blank!.html).toContain("<h1>Hi there!</h1>");
    expect(braces!.html).toContain("{{customer.last_name}} {{ job.name | &quot;x&quot; }}");
    expect(braces!.html).toContain("&amp;amp; &amp;lt; &amp;#34;");
    expect(link!.html).toContain(
      `href="https://pigeon.example/l/g/a?b=1&amp;c=&quot;2&quot;&amp;d=&lt;3&gt;#&#x27;frag&#x27;"`,
    );
    expect(link!.text).toContain(`[https://pigeon.example/l/g/a?b=1&c="2"&d=<3>#'frag']`);
  });

  test("10,000 recipients from one render", async () => {
    const t0 = performance.now();
    const variant = await renderEmailVariant(markdownEmail);
    const firstRender = performance.now() - t0;

    const t1 = performance.now();
    const runs = 20;
    for (let i = 0; i < runs; i++) await renderEmailVariant(markdownEmail);
    const warmRender = (performance.now() - t1) / runs;

    const recipients = Array.from({ length: 10_000 }, (_, i) => ({
      ...links,
      "customer.first_name": i % 10 === 0 ? "" : `Customer ${i} <${i}@example.com>`,
      "customer.gallery_link": `https://pigeon.example/l/g/${i}`,
      "customer.access_code": `AC-${i}`,
      "job.name": "Lincoln Elementary",
      "links.unsubscribe_link": `https://pigeon.example/l/u/${i}`,
    }));
    const t2 = performance.now();
    const emails = recipients.map((values) => personalizeEmail(variant, values));
    const personalise = performance.now() - t2;

    console.log(
      `render: first ${firstRender.toFixed(1)} ms, warm ${warmRender.toFixed(2)} ms per variant (HTML + text); ` +
        `personalise: ${personalise.toFixed(1)} ms for ${emails.length} recipients = ${((personalise * 1000) / emails.length).toFixed(2)} µs each`,
    );
    expect(emails).toHaveLength(10_000);
    expect(emails[0]!.html).toContain("Hi there!");
    expect(emails[7]!.html).toContain("Hi Customer 7 &lt;7@example.com&gt;!");
    expect(emails[7]!.html).toContain('href="https://pigeon.example/l/u/7"');
    expect(emails[7]!.text).toContain("Unsubscribe [https://pigeon.example/l/u/7]");
    expect(emails[9_999]!.subject).toBe(
      "Customer 9999 <9999@example.com>, your photos from Lincoln Elementary are ready",
    );
  });
});
