// Tracked links (issue 14): which addresses are wrapped, how, and who counts as a person. Pure.
import { describe, expect, test } from "bun:test";
import { clickKind, openKind } from "../src/core/engagement-kinds.ts";
import {
  isTrackable,
  locationOf,
  rewriteHtmlLinks,
  rewriteTextUrls,
  trackableUrls,
  withOpenPixel,
  withoutOpenPixel,
} from "../src/core/tracked-links.ts";

const BASE = "https://studio.example/pigeon";

describe("which links are tracked", () => {
  test.each([
    ["https://shop.example/offer?a=1&b=2", true],
    ["http://shop.example/", true],
    [`${BASE}/g/abc.def`, true],
    [`${BASE}/u/abc.def`, false],
    [`${BASE}/p/abc.def`, false],
    [`${BASE}/v/abc.def`, false],
    [`${BASE}/a/abc.def?do=confirm`, false],
    [`${BASE}/c/abc.def`, false],
    [`${BASE}/media/logo.png`, false],
    [`${BASE}/t/abc.def`, false],
    ["mailto:hello@studio.example", false],
    ["tel:+4930123456", false],
    ["#top", false],
  ])("%s → %p", (url, tracked) => {
    expect(trackableUrls({ html: `<a href="${url.replace(/&/g, "&amp;")}">x</a>` }, BASE)).toEqual(
      tracked ? [url] : [],
    );
  });

  test("HTML hrefs are read unescaped and written escaped; the rest of the tag stays", () => {
    const html = `<p><a style="color:red" href="https://shop.example/?a=1&amp;b=2" target="_blank">Shop</a> <a href='mailto:x@y.z'>m</a></p>`;
    expect(trackableUrls({ html }, BASE)).toEqual(["https://shop.example/?a=1&b=2"]);
    const out = rewriteHtmlLinks(html, (u) => (u === "https://shop.example/?a=1&b=2" ? `${BASE}/t/T1` : undefined));
    expect(out).toBe(
      `<p><a style="color:red" href="${BASE}/t/T1" target="_blank">Shop</a> <a href='mailto:x@y.z'>m</a></p>`,
    );
  });

  test("plain text: sentence punctuation stays outside the address", () => {
    const text = "See https://shop.example/a. Or (https://shop.example/b), or unsubscribe: " + `${BASE}/u/x.y`;
    expect(trackableUrls({ text }, BASE)).toEqual(["https://shop.example/a", "https://shop.example/b"]);
    const out = rewriteTextUrls(text, (u) => (u.startsWith("https://shop") ? `${BASE}/t/${u.at(-1)}` : undefined));
    expect(out).toBe(`See ${BASE}/t/a. Or (${BASE}/t/b), or unsubscribe: ${BASE}/u/x.y`);
  });

  test("the open pixel goes before </body>", () => {
    expect(withOpenPixel("<html><body><p>Hi</p></body></html>", `${BASE}/o/X`)).toContain(
      `<img src="${BASE}/o/X" width="1" height="1"`,
    );
    expect(withOpenPixel("<p>Hi</p></body>", "x").indexOf("<img")).toBeLessThan(
      withOpenPixel("<p>Hi</p></body>", "x").indexOf("</body>"),
    );
  });
});

const CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const SENT = new Date("2026-12-01T10:00:00Z");
const at = (s: number) => new Date(SENT.getTime() + s * 1000);

describe("who clicked", () => {
  const click = { method: "GET", userAgent: CHROME, at: at(3600), arrivedAt: SENT, link: 1, earlier: [] };
  test.each<[string, Partial<Parameters<typeof clickKind>[0]>, string]>([
    ["a browser", {}, "person"],
    ["a HEAD request", { method: "HEAD" }, "prefetch"],
    ["a prefetch header", { purpose: "prefetch" }, "prefetch"],
    ["Microsoft Safe Links", { userAgent: "Microsoft Office Protection / SafeLinks" }, "scanner"],
    ["Barracuda", { userAgent: "Mozilla/5.0 Barracuda Sentinel" }, "scanner"],
    ["Mimecast", { userAgent: "Mimecast-URL-Protect/1.0" }, "scanner"],
    ["Proofpoint", { userAgent: "Proofpoint URL Defense" }, "scanner"],
    ["BingPreview", { userAgent: "Mozilla/5.0 (compatible; BingPreview/1.0b)" }, "scanner"],
    ["Google-Safety", { userAgent: "Google-Safety" }, "scanner"],
    ["an iMessage preview", { userAgent: "facebookexternalhit/1.1 Facebot Twitterbot/1.0" }, "scanner"],
    ["Slackbot", { userAgent: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)" }, "scanner"],
    ["WhatsApp", { userAgent: "WhatsApp/2.23.20.0 A" }, "scanner"],
    ["curl", { userAgent: "curl/8.5.0" }, "scanner"],
    ["python-requests", { userAgent: "python-requests/2.31" }, "scanner"],
    ["Go", { userAgent: "Go-http-client/1.1" }, "scanner"],
    ["headless Chrome", { userAgent: CHROME.replace("Chrome", "HeadlessChrome") }, "scanner"],
    ["no agent at all", { userAgent: null }, "scanner"],
    ["the only link, 5 s after sending", { at: at(5) }, "person"],
    ["a second link within 20 s", { at: at(8), earlier: [{ link: 2, at: at(4), kind: "person" as const }] }, "burst"],
    [
      "the same link twice within 20 s",
      { at: at(8), earlier: [{ link: 1, at: at(4), kind: "person" as const }] },
      "person",
    ],
    [
      "a second link after a scanner's",
      { at: at(8), earlier: [{ link: 2, at: at(4), kind: "scanner" as const }] },
      "person",
    ],
    [
      "a second link after a prefetch",
      { at: at(8), earlier: [{ link: 2, at: at(4), kind: "prefetch" as const }] },
      "person",
    ],
    ["a second link after 20 s", { at: at(25), earlier: [{ link: 2, at: at(4), kind: "person" as const }] }, "person"],
    [
      "unknown sending time",
      { arrivedAt: null, at: at(8), earlier: [{ link: 2, at: at(4), kind: "person" as const }] },
      "person",
    ],
  ])("%s", (_name, change, kind) => {
    expect(clickKind({ ...click, ...change })).toBe(kind as never);
  });
});

describe("who opened", () => {
  test.each<[string, Parameters<typeof openKind>[0], string]>([
    ["a mail client", { userAgent: CHROME }, "person"],
    ["Apple Mail Privacy Protection", { userAgent: "Mozilla/5.0" }, "privacy_proxy"],
    ["an Apple address", { userAgent: CHROME, ip: "17.58.1.2" }, "privacy_proxy"],
    ["not Apple's", { userAgent: CHROME, ip: "170.58.1.2" }, "person"],
    [
      "Gmail",
      { userAgent: "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)" },
      "image_proxy",
    ],
    ["Yahoo", { userAgent: "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html" }, "image_proxy"],
    ["a HEAD request", { method: "HEAD", userAgent: CHROME }, "prefetch"],
    ["a scanner", { userAgent: "Mimecast-URL-Protect/1.0" }, "scanner"],
    ["Resend without an agent", { userAgent: undefined }, "person"],
  ])("%s", (_name, seen, kind) => {
    expect(openKind(seen)).toBe(kind as never);
  });
});

describe("Pigeon served at the studio's own domain", () => {
  test("the studio's own site on Pigeon's host is tracked; only Pigeon's own paths are left alone", () => {
    // Pigeon served at the studio's domain root (PUBLIC_URL=https://brightside.photo), its shop beside it.
    expect(isTrackable("https://brightside.photo/shop/spring", "https://brightside.photo")).toBe(true);
    expect(isTrackable("https://brightside.photo/u/abc.def", "https://brightside.photo")).toBe(false);
    expect(isTrackable("https://brightside.photo/g/abc.def", "https://brightside.photo")).toBe(true);
  });
});

describe("addresses as written", () => {
  test("hrefs are read with every numeric entity and the named ones decoded", () => {
    const html = `<a href="https://shop.example/?n=O&#x27;Brien&amp;m=&#39;&#x2F;&#47;&quot;&lt;&gt;&apos;&#128247;">x</a>`;
    expect(trackableUrls({ html }, BASE)).toEqual([`https://shop.example/?n=O'Brien&m='//"<>'\u{1F4F7}`]);
    const out = rewriteHtmlLinks(`<a href='https://x.example/a"b'>x</a>`, () => `${BASE}/t/a'b"c`);
    expect(out).toBe(`<a href="${BASE}/t/a&#39;b&quot;c">x</a>`);
  });

  test.each([
    ["See https://en.wikipedia.org/wiki/Foo_(bar) today", "https://en.wikipedia.org/wiki/Foo_(bar)"],
    ["(see https://shop.example/a)", "https://shop.example/a"],
    ["[https://shop.example/a]", "https://shop.example/a"],
    ["https://shop.example/mother's-day!", "https://shop.example/mother's-day"],
    ["„https://shop.example/g“", "https://shop.example/g"],
    ["“https://shop.example/g”.", "https://shop.example/g"],
    ["‘https://shop.example/g’", "https://shop.example/g"],
    ["https://shop.example/g…", "https://shop.example/g"],
    ['"https://shop.example/g"?', "https://shop.example/g"],
    ["https://shop.example/g;:", "https://shop.example/g"],
  ])("%s → %s", (text, url) => {
    expect(trackableUrls({ text }, BASE)).toEqual([url]);
  });

  test("the HTML part's autolinks end where the text part's do", async () => {
    const { emailMarkdown } = await import("../src/core/email-markdown.ts");
    const html = await emailMarkdown.parse(
      "Ihr Link: „https://shop.example/g“ oder https://shop.example/g… (https://x.example/Foo_(bar))",
    );
    expect(trackableUrls({ html }, BASE)).toEqual(["https://shop.example/g", "https://x.example/Foo_(bar)"]);
    expect(
      trackableUrls(
        { text: "Ihr Link: „https://shop.example/g“ oder https://shop.example/g… (https://x.example/Foo_(bar))" },
        BASE,
      ),
    ).toEqual(["https://shop.example/g", "https://x.example/Foo_(bar)"]);
  });

  test("the Location is ASCII: punycode host, UTF-8 escapes, existing escapes kept", () => {
    expect(locationOf("https://fotostudio-müller.de/für?kod=A%20B")).toBe(
      "https://xn--fotostudio-mller-uzb.de/f%C3%BCr?kod=A%20B",
    );
    expect(locationOf("not a url")).toBeNull();
  });

  test("a staff copy of a sent e-mail loses its open pixel and nothing else", () => {
    const html = "<html><body><p>Hi</p></body></html>";
    expect(withoutOpenPixel(withOpenPixel(html, `${BASE}/o/X.Y`))).toBe(html);
  });
});
