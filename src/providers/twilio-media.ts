// The pictures that come with an MMS reply (SPEC A4): Twilio names each by a URL under the
// account (MediaUrl0…), readable with the account's credentials. Fetched once, when the reply
// arrives, so they outlive Twilio's copy; a picture that cannot be fetched keeps its error.

/** Twilio accepts at most 5 MB of media per incoming MMS; anything larger is not what it sends. */
export const MEDIA_MAX_BYTES = 5 * 1024 * 1024;
/**
 * All media of one reply together get this long: the reply's webhook waits for them, and Twilio
 * gives a webhook 15 s before it gives up and retries.
 */
export const MEDIA_TIMEOUT_MS = 5_000;

export type MediaFetchOptions = {
  accountSid: string;
  authToken: string;
  /** TWILIO_BASE_URL: a stand-in for api.twilio.com (tests, proxies); media URLs are read there. */
  baseUrl?: string;
  maxBytes?: number;
  timeoutMs?: number;
};

export type FetchedMedia = { contentType: string; sourceUrl: string; content: Uint8Array | null; error: string | null };

/**
 * Fetches every media item of one reply side by side; never throws: an item that failed comes back
 * with `content` null and `error` saying why, so the reply is kept whatever happens to its media.
 */
export async function fetchTwilioMedia(
  items: { url: string; contentType: string }[],
  opts: MediaFetchOptions,
): Promise<FetchedMedia[]> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? MEDIA_TIMEOUT_MS);
  return Promise.all(items.map((item) => fetchOne(item, opts, signal)));
}

async function fetchOne(
  item: { url: string; contentType: string },
  opts: MediaFetchOptions,
  signal: AbortSignal,
): Promise<FetchedMedia> {
  const failed = (error: string): FetchedMedia => ({
    contentType: item.contentType,
    sourceUrl: item.url,
    content: null,
    error,
  });
  const url = mediaUrl(item.url, opts.baseUrl);
  // The account's credentials go only to Twilio (or the stand-in configured for it).
  if (!url) return failed("not a Twilio media address, so it was not fetched");
  const max = opts.maxBytes ?? MEDIA_MAX_BYTES;
  try {
    const auth = Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString("base64");
    const res = await fetch(url, { headers: { Authorization: `Basic ${auth}` }, signal, redirect: "follow" });
    if (!res.ok) {
      await res.body?.cancel();
      return failed(`Twilio answered HTTP ${res.status} for this picture`);
    }
    const declared = Number(res.headers.get("content-length") ?? "0");
    if (declared > max) {
      await res.body?.cancel();
      return failed(`larger than ${max / 1024 / 1024} MB (${declared.toLocaleString("en")} bytes), not kept`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel();
        return failed(`larger than ${max / 1024 / 1024} MB, not kept`);
      }
      chunks.push(value);
    }
    const content = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      content.set(c, at);
      at += c.byteLength;
    }
    const type = (res.headers.get("content-type") ?? item.contentType).split(";")[0]!.trim().toLowerCase();
    return { contentType: type || item.contentType, sourceUrl: item.url, content, error: null };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return failed(timedOut ? `not fetched within ${(opts.timeoutMs ?? MEDIA_TIMEOUT_MS) / 1000} s` : String(err));
  }
}

/** The URL to read a media item at: Twilio's own, moved onto the stand-in when one is set; null if not Twilio's. */
export function mediaUrl(raw: string, baseUrl?: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (!/\/2010-04-01\/Accounts\/AC\w+\/Messages\/\w+\/Media\/\w+$/.test(u.pathname)) return null;
  if (baseUrl) {
    const base = new URL(baseUrl);
    if (u.origin !== base.origin && u.origin !== "https://api.twilio.com") return null;
    return `${base.origin}${base.pathname.replace(/\/$/, "")}${u.pathname}`;
  }
  return u.origin === "https://api.twilio.com" ? u.toString() : null;
}
