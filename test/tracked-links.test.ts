// Tracked links (issue 14): which addresses are wrapped, how, and who counts as a person. Pure.
import { describe, expect, test } from "bun:test";
import { clickKind, openKind } from "../src/core/engagement-kinds.ts";
import { rewriteHtmlLinks, rewriteTextUrls, trackableUrls, withOpenPixel } from "../src/core/tracked-links.ts";

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
  const click = { method: "GET", userAgent: CHROME, at: at(3600), sentAt: SENT, linkId: 1, earlier: [] };
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
    ["a second link within 20 s", { at: at(8), earlier: [{ linkId: 2, at: at(4) }] }, "burst"],
    ["the same link twice within 20 s", { at: at(8), earlier: [{ linkId: 1, at: at(4) }] }, "person"],
    ["a second link after 20 s", { at: at(25), earlier: [{ linkId: 2, at: at(4) }] }, "person"],
    ["unknown sending time", { sentAt: null, at: at(8), earlier: [{ linkId: 2, at: at(4) }] }, "person"],
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
