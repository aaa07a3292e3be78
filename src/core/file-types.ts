// What an uploaded file is, read from its bytes (SPEC §13 "uploads validated"): never from its name
// or the type the browser declared, which the uploader chooses. Pure: bytes in, a verdict out.
// A file must be one of the kinds below from its first byte, and a file that also reads as a web
// page (an HTML or SVG polyglot) is refused whatever it starts with, since a browser that sniffs
// could run it.

export type FileKind = "mp3" | "wav" | "png" | "jpeg" | "gif" | "webp" | "pdf";

/** Each kind's one Content-Type and file extension, as Pigeon serves and names it. */
export const FILE_KINDS: Record<FileKind, { mime: string; ext: string; label: string; audio: boolean }> = {
  mp3: { mime: "audio/mpeg", ext: "mp3", label: "MP3 audio", audio: true },
  wav: { mime: "audio/wav", ext: "wav", label: "WAV audio", audio: true },
  png: { mime: "image/png", ext: "png", label: "PNG image", audio: false },
  jpeg: { mime: "image/jpeg", ext: "jpg", label: "JPEG image", audio: false },
  gif: { mime: "image/gif", ext: "gif", label: "GIF image", audio: false },
  webp: { mime: "image/webp", ext: "webp", label: "WebP image", audio: false },
  pdf: { mime: "application/pdf", ext: "pdf", label: "PDF document", audio: false },
};

export const AUDIO_KINDS: readonly FileKind[] = ["mp3", "wav"];
export const ANY_KIND: readonly FileKind[] = Object.keys(FILE_KINDS) as FileKind[];

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
  return { ok: true, kind, mime: FILE_KINDS[kind].mime, ext: FILE_KINDS[kind].ext };
}
