// Who followed a link or opened an e-mail, as far as can be told (issue 14): a person, or a
// machine that must not count (ENGAGEMENT_KINDS in vocabulary.ts says what each kind means).
// Pure: the tracking routes and the Resend webhook pass in what they saw.
import type { EngagementKind } from "./vocabulary.ts";

/**
 * User agents of link scanners and link previews, which fetch every link of a message before (or
 * instead of) its reader. Sources: the vendors' documentation and published lists of their
 * agents — Microsoft Defender Safe Links, Barracuda, Mimecast, Proofpoint URL Defense, Cisco
 * and Sophos gateways; link previews of Facebook/Messenger and iMessage (which sends the
 * facebookexternalhit agent), Slack, WhatsApp, Telegram, Discord, Twitter/X, LinkedIn, Skype,
 * Bing and Google's safe-browsing checks; and plain HTTP libraries (curl, wget, python-requests,
 * Go, Java, Node) and headless browsers, which people do not read mail with.
 */
const SCANNER_AGENTS = [
  /safelinks|microsoft office protection|microsoft url ?scan/i,
  /barracuda/i,
  /mimecast/i,
  /proofpoint|ppops/i,
  /ironport|cisco/i,
  /sophos/i,
  /bingpreview|bingbot/i,
  /google-safety|googlebot|google-inspectiontool|apis-google/i,
  /facebookexternalhit|facebot|meta-externalagent/i,
  /slackbot|slack-imgproxy/i,
  /whatsapp/i,
  /telegrambot/i,
  /discordbot/i,
  /twitterbot/i,
  /linkedinbot/i,
  /skypeuripreview/i,
  /^curl\//i,
  /^wget\//i,
  /python-requests|python-urllib|aiohttp|httpx/i,
  /go-http-client/i,
  /^java\//i,
  /okhttp|apache-httpclient/i,
  /node-fetch|axios|undici/i,
  /headlesschrome|phantomjs|puppeteer|playwright/i,
  /\b(bot|crawler|spider|scanner)\b/i,
];

/** Whether a user agent is a known link scanner or link preview; a missing one is a machine too. */
export function isScannerAgent(userAgent: string | null | undefined): boolean {
  const ua = userAgent?.trim() ?? "";
  return ua === "" || SCANNER_AGENTS.some((re) => re.test(ua));
}

/** How soon after the message reached the recipient a click can be a scanner's rather than a reader's. */
export const BURST_SECONDS = 20;

export type ClickSeen = {
  method: string;
  userAgent: string | null | undefined;
  /** Resend reports clicks without an agent sometimes: that says nothing about who clicked. */
  agentOptional?: boolean;
  /** The `Purpose` or `Sec-Purpose` request header: browsers send "prefetch" when prefetching. */
  purpose?: string | null;
  at: Date;
  /** When the delivery reached the recipient: delivered if known, else sent; null if neither. */
  arrivedAt: Date | null;
  /** Which link: the tracked_links id, or the address for a click the provider reports. */
  link: number | string | null;
  /** The delivery's clicks seen before this one (from the same source), with their kinds. */
  earlier: { link: number | string | null; at: Date; kind: EngagementKind }[];
};

/** Earlier clicks that looked like a person's (a burst's earlier clicks were re-marked from person). */
export const PERSON_LOOKING: readonly EngagementKind[] = ["person", "burst"];

export const withinBurst = (at: Date, arrivedAt: Date) =>
  at.getTime() >= arrivedAt.getTime() && at.getTime() - arrivedAt.getTime() <= BURST_SECONDS * 1000;

/**
 * The kind of one click. `burst`: this click and a person-looking click on another link of the
 * same delivery both came within BURST_SECONDS of its arrival (delivered time, else sent). Nobody
 * reads a message and follows two of its links in 20 seconds; gateways that scan every link with
 * a browser's agent do. A machine already known by its agent or a prefetch header never makes a
 * burst: a link preview's fetch must not turn the reader's own tap into a machine's. A
 * single-link message followed that fast is counted: a reader tapping an SMS link at once is
 * plausible, and a scanner is usually known by its agent anyway.
 */
export function clickKind(c: ClickSeen): EngagementKind {
  if (c.method.toUpperCase() === "HEAD" || /prefetch|prerender/i.test(c.purpose ?? "")) return "prefetch";
  if (!(c.agentOptional && !c.userAgent?.trim()) && isScannerAgent(c.userAgent)) return "scanner";
  if (c.arrivedAt && withinBurst(c.at, c.arrivedAt)) {
    const other = c.earlier.some(
      (e) => e.link !== c.link && PERSON_LOOKING.includes(e.kind) && withinBurst(e.at, c.arrivedAt!),
    );
    if (other) return "burst";
  }
  return "person";
}

/** Apple's 17.0.0.0/8: Mail Privacy Protection fetches images from Apple's own addresses. */
const isAppleAddress = (ip: string | null | undefined) => /^(::ffff:)?17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip ?? "");

/**
 * The kind of one open. Apple Mail Privacy Protection loads every image of every message when it
 * arrives, read or not, with the bare agent "Mozilla/5.0" from Apple's addresses: not a reader.
 * Gmail's and Yahoo's image proxies load images when the reader opens the message: counted,
 * labelled. Known scanners and HEAD requests are machines.
 */
export function openKind(o: {
  method?: string;
  userAgent: string | null | undefined;
  ip?: string | null;
  purpose?: string | null;
}): EngagementKind {
  if (o.method?.toUpperCase() === "HEAD" || /prefetch|prerender/i.test(o.purpose ?? "")) return "prefetch";
  const ua = o.userAgent?.trim() ?? "";
  if (ua === "Mozilla/5.0" || isAppleAddress(o.ip)) return "privacy_proxy";
  if (/googleimageproxy|yahoomailproxy|ymailproxy/i.test(ua)) return "image_proxy";
  // An open Resend reports without an agent is still an open it saw: count it as a person.
  if (ua === "") return "person";
  if (isScannerAgent(ua)) return "scanner";
  return "person";
}
