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

/**
 * An MPEG audio frame header at `at`: 11 sync bits, a version and layer that exist, a bitrate
 * index that is neither "free" nor "bad", and a sample rate that exists.
 */
function mpegFrame(b: Uint8Array, at: number): boolean {
  if (b.length < at + 4) return false;
  if (b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return false;
  const version = (b[at + 1]! >> 3) & 0x03;
  const layer = (b[at + 1]! >> 1) & 0x03;
  const bitrate = (b[at + 2]! >> 4) & 0x0f;
  const rate = (b[at + 2]! >> 2) & 0x03;
  return version !== 1 && layer !== 0 && bitrate !== 0 && bitrate !== 0x0f && rate !== 3;
}

/** The kind the bytes begin as, or null. */
function magicKind(b: Uint8Array): FileKind | null {
  // ID3v2 tag ("ID3", version < 0xff) ahead of the frames, or a bare MPEG audio frame.
  if (ascii(b, 0, "ID3") && b.length >= 10 && b[3]! < 0xff && b[4]! < 0xff) return "mp3";
  if (mpegFrame(b, 0)) return "mp3";
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
  const head = new TextDecoder("latin1").decode(b.subarray(0, SNIFF_BYTES));
  return MARKUP.test(head);
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
