// Tiny real files of each kind, built byte by byte, and the hostile ones an upload must refuse:
// a PNG renamed .mp3, an SVG, an HTML page, a GIF that is also a page, an executable.
import { deflateSync } from "node:zlib";

/** A valid 0.01 s mono 8 kHz 8-bit WAV: RIFF header, fmt chunk, data chunk of silence. */
export function tinyWav(samples = 80): Uint8Array {
  const buf = Buffer.alloc(44 + samples);
  buf.write("RIFF", 0, "ascii");
  buf.writeUInt32LE(36 + samples, 4);
  buf.write("WAVE", 8, "ascii");
  buf.write("fmt ", 12, "ascii");
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(8000, 24);
  buf.writeUInt32LE(8000, 28);
  buf.writeUInt16LE(1, 32);
  buf.writeUInt16LE(8, 34);
  buf.write("data", 36, "ascii");
  buf.writeUInt32LE(samples, 40);
  buf.fill(0x80, 44);
  return new Uint8Array(buf);
}

/**
 * Two MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, no padding: 417 bytes each) of silence: the
 * least a sniffer takes as MP3, since it checks that the second header is where the first says.
 */
export function tinyMp3Frame(): Uint8Array {
  const frame = [0xff, 0xfb, 0x90, 0x64, ...Array(413).fill(0)];
  return new Uint8Array([...frame, ...frame]);
}

/** An MP3 that starts with an ID3v2.3 tag holding one title frame, then two frames of audio. */
export function tinyMp3WithId3(): Uint8Array {
  const title = [...Buffer.from("TIT2", "latin1"), 0, 0, 0, 6, 0, 0, 0, ...Buffer.from("Hello", "latin1")];
  const size = title.length; // < 128, so its syncsafe form is the byte itself
  const id3 = [0x49, 0x44, 0x33, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, size];
  return new Uint8Array([...id3, ...title, ...tinyMp3Frame()]);
}

export const PNG_1X1 = new Uint8Array(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    "base64",
  ),
);
export const JPEG_HEAD = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
export const GIF_1X1 = new Uint8Array(
  Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64"),
);
export const WEBP_HEAD = new Uint8Array(Buffer.from("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00", "latin1"));
export const PDF_HEAD = new TextEncoder().encode("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");

export const SVG = new TextEncoder().encode(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>',
);
export const HTML_PAGE = new TextEncoder().encode("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>");
/** A GIF whose comment extension holds a page: a GIF to an image decoder, a page to a sniffing browser. */
export const GIF_HTML_POLYGLOT = new Uint8Array([
  ...Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00!\xfe", "latin1"),
  40,
  ...Buffer.from("<html><script>alert(document.cookie)</script>", "latin1").subarray(0, 40),
  0,
  ...Buffer.from(",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x01D\x00;", "latin1"),
]);
/** An ELF executable's first bytes, as if renamed song.mp3. */
export const ELF = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, ...Array(56).fill(0)]);

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes: Uint8Array) => {
  let c = 0xffffffff;
  for (const x of bytes) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A real PNG a browser draws: `width` × `height` pixels of one RGB colour (8-bit, no alpha). */
export function pngOf(width: number, height: number, rgb: [number, number, number] = [47, 111, 223]): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return new Uint8Array(
    Buffer.concat([
      Buffer.from("\x89PNG\r\n\x1a\n", "latin1"),
      pngChunk("IHDR", ihdr),
      pngChunk("IDAT", deflateSync(raw)),
      pngChunk("IEND", new Uint8Array(0)),
    ]),
  );
}

/**
 * A JPEG as an upload must be whole: SOI, APP0 (JFIF), a DQT, SOF0 saying 640 × 427 (a 3:2
 * photo), a scan (SOS and a few bytes of data standing in for the picture) and EOI.
 */
export const JPEG_640X427 = new Uint8Array([
  ...[0xff, 0xd8],
  ...[0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00],
  ...[0xff, 0xdb, 0x00, 0x43, 0x00, ...Array(64).fill(1)],
  ...[0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xab, 0x02, 0x80, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01],
  ...[0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00, 0x12, 0x34],
  ...[0xff, 0xd9],
]);
/** A GIF89a whose logical screen is 300 × 200. */
export const GIF_300X200 = (() => {
  const b = new Uint8Array(GIF_1X1);
  b.set([44, 1, 200, 0], 6);
  return b;
})();
/** WebP headers: extended (VP8X) 1200 × 800, lossless (VP8L) 33 × 17, lossy (VP8) 320 × 240. */
export const WEBP_VP8X_1200X800 = new Uint8Array(
  Buffer.from("RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\xaf\x04\x00\x1f\x03\x00", "latin1"),
);
export const WEBP_VP8L_33X17 = (() => {
  const bits = 32 | (16 << 14); // width − 1, height − 1, 14 bits each
  const b = Buffer.from("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x00\x00\x00\x00\x00", "latin1");
  b.writeUInt32LE(bits, 21);
  return new Uint8Array(b);
})();
export const WEBP_VP8_320X240 = new Uint8Array(
  Buffer.from("RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00\x00\x00\x00\x9d\x01\x2a\x40\x01\xf0\x00\x00\x00", "latin1"),
);
