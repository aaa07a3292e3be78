// What an uploaded file is, read from its bytes (SPEC §13 "uploads validated"): never from its name
// or the type the browser declared, which the uploader chooses. Pure: bytes in, a verdict out.
// A file must be one of the kinds below from its first byte, and a file that also reads as a web
// page (an HTML or SVG polyglot) is refused whatever it starts with, since a browser that sniffs
// could run it.

export type FileKind = "mp3" | "wav" | "png" | "jpeg" | "gif" | "webp" | "pdf";

const MB = 1024 * 1024;

/**
 * Each kind's one Content-Type and file extension, as Pigeon serves and names it, and the largest
 * file of that kind it takes. An image goes into e-mails and MMS, whose 5 MB limit (Twilio's) it
 * keeps; a minute of WAV at CD quality is ~10 MB.
 */
export const FILE_KINDS: Record<
  FileKind,
  { mime: string; ext: string; label: string; audio: boolean; image: boolean; maxBytes: number }
> = {
  mp3: { mime: "audio/mpeg", ext: "mp3", label: "MP3 audio", audio: true, image: false, maxBytes: 10 * MB },
  wav: { mime: "audio/wav", ext: "wav", label: "WAV audio", audio: true, image: false, maxBytes: 10 * MB },
  png: { mime: "image/png", ext: "png", label: "PNG image", audio: false, image: true, maxBytes: 5 * MB },
  jpeg: { mime: "image/jpeg", ext: "jpg", label: "JPEG image", audio: false, image: true, maxBytes: 5 * MB },
  gif: { mime: "image/gif", ext: "gif", label: "GIF image", audio: false, image: true, maxBytes: 5 * MB },
  webp: { mime: "image/webp", ext: "webp", label: "WebP image", audio: false, image: true, maxBytes: 5 * MB },
  pdf: { mime: "application/pdf", ext: "pdf", label: "PDF document", audio: false, image: false, maxBytes: 10 * MB },
};

export const IMAGE_KINDS: readonly FileKind[] = ["png", "jpeg", "gif", "webp"];

export const AUDIO_KINDS: readonly FileKind[] = ["mp3", "wav"];
export const ANY_KIND: readonly FileKind[] = Object.keys(FILE_KINDS) as FileKind[];

/**
 * The most pixels an image may have a side. E-mails draw it at most 600 wide and MMS carriers
 * scale pictures to about 1,000 px; a header claiming more (4294967295 × 4294967295) is damaged or
 * a decompression bomb that would stall the phone or webmail decoding it.
 */
export const MAX_IMAGE_SIDE = 10_000;

/** The largest audio file Pigeon takes: a minute of WAV at CD quality is ~10 MB, an MP3 far less. */
export const MAX_AUDIO_BYTES = 10 * 1024 * 1024;
/** The largest image or PDF. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

const ascii = (b: Uint8Array, at: number, text: string) => {
  if (b.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

// Bit rates in kbit/s by index (1–14), and sample rates in Hz by index (0–2), per MPEG version.
const BITRATES = {
  v1l1: [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  v1l2: [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  v1l3: [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2l1: [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  v2l23: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/**
 * The length in bytes of the MPEG audio frame whose header is at `at`, or null when there is no
 * valid header there: 11 sync bits, a version and layer that exist, a bitrate index that is
 * neither "free" nor "bad", and a sample rate that exists.
 */
function mpegFrameLength(b: Uint8Array, at: number): number | null {
  if (b.length < at + 4) return null;
  if (b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return null;
  const version = (b[at + 1]! >> 3) & 0x03; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const layer = (b[at + 1]! >> 1) & 0x03; // 3: I, 2: II, 1: III
  const index = (b[at + 2]! >> 4) & 0x0f;
  const rateIndex = (b[at + 2]! >> 2) & 0x03;
  const padding = (b[at + 2]! >> 1) & 0x01;
  if (version === 1 || layer === 0 || index === 0 || index === 0x0f || rateIndex === 3) return null;
  const v1 = version === 3;
  const table = v1
    ? layer === 3
      ? BITRATES.v1l1
      : layer === 2
        ? BITRATES.v1l2
        : BITRATES.v1l3
    : layer === 3
      ? BITRATES.v2l1
      : BITRATES.v2l23;
  const bitrate = table[index - 1]! * 1000;
  const rate = SAMPLE_RATES[version]![rateIndex]!;
  if (layer === 3) return (Math.floor((12 * bitrate) / rate) + padding) * 4;
  // Layer III of MPEG-2 and 2.5 has half the samples per frame.
  const perFrame = layer === 1 && !v1 ? 72 : 144;
  return Math.floor((perFrame * bitrate) / rate) + padding;
}

/**
 * Whether MPEG audio starts at `at`: a valid frame header, and another where the first frame's
 * length says the next one begins. One header alone is four bytes any file can hold by chance.
 */
function mpegAudioAt(b: Uint8Array, at: number): boolean {
  const first = mpegFrameLength(b, at);
  return first !== null && mpegFrameLength(b, at + first) !== null;
}

/** Where the audio after an ID3v2 tag at the start begins (its size is 4 syncsafe bytes), or null. */
function afterId3(b: Uint8Array): number | null {
  if (!ascii(b, 0, "ID3") || b.length < 10 || b[3]! === 0xff || b[4]! === 0xff) return null;
  if ((b[6]! | b[7]! | b[8]! | b[9]!) & 0x80) return null;
  const size = (b[6]! << 21) | (b[7]! << 14) | (b[8]! << 7) | b[9]!;
  const footer = b[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/** The kind the bytes begin as, or null. */
function magicKind(b: Uint8Array): FileKind | null {
  // An ID3v2 tag ahead of the frames, or none: either way real frames, two in a row. A tag with
  // anything else behind it is not audio (an executable or a page behind ten bytes).
  const audioAt = afterId3(b);
  if (audioAt !== null) return mpegAudioAt(b, audioAt) ? "mp3" : null;
  if (mpegAudioAt(b, 0)) return "mp3";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) return "wav";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) return "webp";
  if (b.length >= 8 && ascii(b, 0, "\x89PNG\r\n\x1a\n")) return "png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) return "gif";
  if (ascii(b, 0, "%PDF-")) return "pdf";
  return null;
}

// What makes bytes a web page to a browser that sniffs (WHATWG MIME sniffing's HTML patterns, and
// SVG's root element), looked for anywhere in the first kilobytes: a GIF whose comment is a page
// is a page too.
const MARKUP =
  /<(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|style|title|a\s|img\s|\?xml)[\s>/]/i;
const SNIFF_BYTES = 4096;

/** Whether the file's first kilobytes hold markup a browser could render as a page. */
export function looksLikeMarkup(b: Uint8Array): boolean {
  const head = b.subarray(0, SNIFF_BYTES);
  // A browser reads a page with a UTF-16 byte order mark as UTF-16: so must this check.
  const utf16 =
    head[0] === 0xff && head[1] === 0xfe ? "utf-16le" : head[0] === 0xfe && head[1] === 0xff ? "utf-16be" : null;
  if (utf16 && MARKUP.test(new TextDecoder(utf16).decode(head))) return true;
  return MARKUP.test(new TextDecoder("latin1").decode(head));
}

export type Sniffed = { ok: true; kind: FileKind; mime: string; ext: string } | { ok: false; problem: string };

const mb = (n: number) => `${(n / (1024 * 1024)).toLocaleString("en", { maximumFractionDigits: 1 })} MB`;

/**
 * The verdict on an upload: its kind, read from its bytes, when it is one of `allowed` and within
 * `maxBytes`; else the problem in words for the person uploading it.
 */
export function sniffUpload(bytes: Uint8Array, allowed: readonly FileKind[], maxBytes: number): Sniffed {
  const names = allowed.map((k) => FILE_KINDS[k].label.split(" ")[0]!);
  const wanted = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names.join("");
  if (bytes.length === 0) return { ok: false, problem: "is empty: choose the file again" };
  if (bytes.length > maxBytes)
    return {
      ok: false,
      problem: `is larger than ${mb(maxBytes)}, the limit (it has ${bytes.length.toLocaleString("en")} bytes)`,
    };
  const kind = magicKind(bytes);
  if (looksLikeMarkup(bytes))
    return {
      ok: false,
      problem: `holds a web page or SVG (HTML markup), which Pigeon never serves; upload ${wanted} only`,
    };
  if (!kind || !allowed.includes(kind)) {
    const what = kind ? `is a ${FILE_KINDS[kind].label}` : "is not a file type Pigeon knows";
    return {
      ok: false,
      problem: `${what}, whatever its name says; upload ${wanted} only`,
    };
  }
  const { label, maxBytes: kindMax, mime, ext } = FILE_KINDS[kind];
  if (bytes.length > kindMax)
    return {
      ok: false,
      problem: `is a ${label} larger than ${mb(kindMax)}, the limit for ${FILE_KINDS[kind].image ? "images" : `${label.split(" ")[0]} files`} (it has ${bytes.length.toLocaleString("en")} bytes)`,
    };
  if (FILE_KINDS[kind].image) {
    // An image Pigeon cannot size is one no mail client or phone can be trusted to show (a header
    // and nothing behind it, a cut-off upload), and e-mails need its width (Outlook ignores CSS).
    const size = imageSize(bytes);
    if (!size)
      return {
        ok: false,
        problem: `is a ${label} whose size in pixels cannot be read (a damaged or cut-off file): export it again`,
      };
    if (!imageComplete(bytes, kind))
      return {
        ok: false,
        problem: `is a ${label} that is damaged or incomplete (its header is there, its picture is not all there): export it again`,
      };
    if (size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE)
      return {
        ok: false,
        problem: `is a ${label} of ${size.width.toLocaleString("en")} × ${size.height.toLocaleString("en")} pixels; at most ${MAX_IMAGE_SIDE.toLocaleString("en")} a side`,
      };
  }
  return { ok: true, kind, mime, ext };
}

/**
 * Whether an image's bytes hold a whole picture, not just the header imageSize reads (a header
 * and nothing behind it, an upload cut off): a PNG's chunks IHDR, IDAT… and IEND each complete;
 * a GIF's blocks up to its trailer with at least one image; a JPEG's scan (SOS) and its end
 * (FFD9). Each walk moves forward only, once. WebP's chunks are not walked.
 */
function imageComplete(b: Uint8Array, kind: FileKind): boolean {
  if (kind === "png") return pngComplete(b);
  if (kind === "gif") return gifComplete(b);
  if (kind === "jpeg") return jpegComplete(b);
  return true;
}

function pngComplete(b: Uint8Array): boolean {
  let at = 8;
  let first = true;
  let idat = false;
  while (at + 12 <= b.length) {
    const length = u32be(b, at);
    const end = at + 12 + length;
    if (end > b.length) return false; // the chunk runs past the end: cut off
    const type = String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
    if (first && type !== "IHDR") return false;
    first = false;
    if (type === "IDAT") idat = true;
    if (type === "IEND") return idat;
    at = end;
  }
  return false;
}

/** GIF sub-blocks from `at` (size byte, data, … a zero): where they end, or null when cut off. */
function gifSubBlocks(b: Uint8Array, at: number): number | null {
  while (at < b.length) {
    const size = b[at]!;
    at += 1 + size;
    if (size === 0) return at;
  }
  return null;
}

function gifComplete(b: Uint8Array): boolean {
  if (b.length < 13) return false;
  let at = 13 + (b[10]! & 0x80 ? 3 * 2 ** ((b[10]! & 7) + 1) : 0);
  let images = 0;
  while (at < b.length) {
    const block = b[at]!;
    if (block === 0x3b) return images > 0; // the trailer
    if (block === 0x21) {
      // An extension: its label, then sub-blocks.
      const next = at + 2 <= b.length ? gifSubBlocks(b, at + 2) : null;
      if (next === null) return false;
      at = next;
    } else if (block === 0x2c) {
      // An image descriptor (10 bytes), its own colour table, the LZW code size, the data.
      if (at + 10 > b.length) return false;
      const flags = b[at + 9]!;
      const data = at + 10 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0) + 1;
      const next = data <= b.length ? gifSubBlocks(b, data) : null;
      if (next === null) return false;
      images++;
      at = next;
    } else return false;
  }
  return false;
}

function jpegComplete(b: Uint8Array): boolean {
  // The segments up to the first scan (SOS), then the end-of-image marker after its data.
  for (const { marker, at, length } of jpegSegments(b)) {
    if (at + 2 + length > b.length) return false;
    if (marker === 0xda) {
      // The scan's data, then FFD9 (a file may carry bytes after it, so it is looked for from the end).
      for (let i = b.length - 2; i >= at + 2 + length; i--) if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
      return false;
    }
  }
  return false;
}

/**
 * A JPEG's marker segments from the start, up to and including its first scan (SOS): each marker,
 * where its segment starts and its length. Ends at the end of the image or at anything that is no
 * well-formed marker; what that means is the caller's to say.
 */
function* jpegSegments(b: Uint8Array): Generator<{ marker: number; at: number; length: number }> {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return;
    const marker = b[at + 1]!;
    // Fill bytes before a marker, and markers without a length (RSTn, TEM).
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (marker === 0xd9) return;
    const length = u16be(b, at + 2);
    if (length < 2) return;
    yield { marker, at, length };
    if (marker === 0xda) return;
    at += 2 + length;
  }
}

const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;

/** JPEG markers whose segment is a frame header (SOF0–SOF15 but DHT, JPG and DAC, which share the range). */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** A JPEG's size from its first frame header (SOFn); none when a scan or the end comes first. */
function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  for (const { marker, at } of jpegSegments(b)) {
    if (marker === 0xda) return null; // scan data before any frame
    if (isSof(marker)) return at + 9 > b.length ? null : { height: u16be(b, at + 5), width: u16be(b, at + 7) };
  }
  return null;
}

/** A WebP's canvas: VP8X (extended), VP8L (lossless, 14-bit sizes less one) or VP8 (lossy). */
function webpSize(b: Uint8Array): { width: number; height: number } | null {
  if (ascii(b, 12, "VP8X") && b.length >= 30) return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  if (ascii(b, 12, "VP8L") && b.length >= 25 && b[20] === 0x2f) {
    const bits = (b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(b, 12, "VP8 ") && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a)
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  return null;
}

/**
 * An image's size in pixels read from its header, or null when the header does not say (a
 * truncated file, a JPEG without a frame header) or the bytes are no image. Pure and cheap: only
 * headers are read, nothing is decoded. E-mails size images from it, so a wide photo is not drawn
 * at full width by clients that ignore CSS (Outlook).
 */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const kind = magicKind(bytes);
  let size: { width: number; height: number } | null = null;
  if (kind === "png" && bytes.length >= 24 && ascii(bytes, 12, "IHDR"))
    size = { width: u32be(bytes, 16), height: u32be(bytes, 20) };
  else if (kind === "gif" && bytes.length >= 10) size = { width: u16le(bytes, 6), height: u16le(bytes, 8) };
  else if (kind === "jpeg") size = jpegSize(bytes);
  else if (kind === "webp") size = webpSize(bytes);
  return size && size.width > 0 && size.height > 0 ? size : null;
}

/** A file's size as staff read it: "84 KB", "2.4 MB" (never "0 KB"). */
export function fileSizeLabel(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / (1024 * 1024)).toLocaleString("en", { maximumFractionDigits: 1 })} MB`;
}
