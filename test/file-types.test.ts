// Upload sniffing (SPEC §13 "uploads validated"): a file is what its bytes say, never what its
// name or declared type say. Each kind Pigeon takes is recognised from a real tiny file; a
// renamed image, markup of any sort and executables are refused with a reason.
import { describe, expect, test } from "bun:test";
import {
  ANY_KIND,
  AUDIO_KINDS,
  FILE_KINDS,
  IMAGE_KINDS,
  imageSize,
  looksLikeMarkup,
  MAX_AUDIO_BYTES,
  MAX_FILE_BYTES,
  MAX_IMAGE_SIDE,
  sniffUpload,
} from "../src/core/file-types.ts";
import {
  ELF,
  GIF_1X1,
  GIF_300X200,
  JPEG_640X427,
  pngOf,
  WEBP_VP8_320X240,
  WEBP_VP8L_33X17,
  WEBP_VP8X_1200X800,
  GIF_HTML_POLYGLOT,
  HTML_PAGE,
  JPEG_HEAD,
  PDF_HEAD,
  PNG_1X1,
  SVG,
  tinyMp3Frame,
  tinyMp3WithId3,
  tinyWav,
  WEBP_HEAD,
} from "./support/sample-files.ts";

describe("sniffUpload", () => {
  test.each([
    ["an MP3 with an ID3 tag", tinyMp3WithId3(), "mp3", "audio/mpeg"],
    ["a bare MPEG frame", tinyMp3Frame(), "mp3", "audio/mpeg"],
    ["a WAV", tinyWav(), "wav", "audio/wav"],
    ["a PNG", PNG_1X1, "png", "image/png"],
    ["a JPEG", JPEG_640X427, "jpeg", "image/jpeg"],
    ["a GIF", GIF_1X1, "gif", "image/gif"],
    ["a WebP", WEBP_VP8L_33X17, "webp", "image/webp"],
    ["a PDF", PDF_HEAD, "pdf", "application/pdf"],
  ] as const)("%s is known by its bytes", (_, bytes, kind, mime) => {
    expect(sniffUpload(bytes, ANY_KIND, MAX_AUDIO_BYTES)).toEqual({
      ok: true,
      kind,
      mime,
      ext: kind === "jpeg" ? "jpg" : kind,
    });
  });

  test("audio only: a PNG (say, renamed voice.mp3) is refused as what it is", () => {
    expect(sniffUpload(PNG_1X1, AUDIO_KINDS, MAX_AUDIO_BYTES)).toEqual({
      ok: false,
      problem: "is a PNG image, whatever its name says; upload MP3 or WAV only",
    });
  });

  test.each([
    ["an SVG", SVG],
    ["an HTML page", HTML_PAGE],
    ["a GIF that is also an HTML page", GIF_HTML_POLYGLOT],
  ])("%s is refused as markup, even where images are allowed", (_, bytes) => {
    const r = sniffUpload(bytes, ANY_KIND, MAX_AUDIO_BYTES);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toContain("holds a web page or SVG (HTML markup)");
  });

  test("the polyglot really is a GIF to an image reader", () => {
    expect(Buffer.from(GIF_HTML_POLYGLOT.subarray(0, 6)).toString("latin1")).toBe("GIF89a");
    expect(looksLikeMarkup(GIF_1X1)).toBe(false);
  });

  test("an executable renamed .mp3 is not a known type", () => {
    expect(sniffUpload(ELF, AUDIO_KINDS, MAX_AUDIO_BYTES)).toEqual({
      ok: false,
      problem: "is not a file type Pigeon knows, whatever its name says; upload MP3 or WAV only",
    });
  });

  test("too large and empty files are refused before anything else", () => {
    const big = new Uint8Array(MAX_AUDIO_BYTES + 1);
    big.set(tinyWav());
    expect(sniffUpload(big, AUDIO_KINDS, MAX_AUDIO_BYTES)).toEqual({
      ok: false,
      problem: "is larger than 10 MB, the limit (it has 10,485,761 bytes)",
    });
    expect(sniffUpload(new Uint8Array(0), AUDIO_KINDS, MAX_AUDIO_BYTES)).toEqual({
      ok: false,
      problem: "is empty: choose the file again",
    });
  });

  test("bytes that only look like a frame sync (a free or bad bitrate) are not MP3", () => {
    expect(sniffUpload(new Uint8Array([0xff, 0xfb, 0x00, 0x00, 1, 2, 3]), AUDIO_KINDS, 100).ok).toBe(false);
    expect(sniffUpload(new Uint8Array([0xff, 0xfb, 0xf0, 0x00, 1, 2, 3]), AUDIO_KINDS, 100).ok).toBe(false);
  });

  // Guards: MP3 is real audio — two MPEG frames in a row, after the ID3 tag's own length — not
  // four lucky bytes; and a page in UTF-16 is read as UTF-16 by the markup check.
  describe("MP3 means real frames", () => {
    const frame = () => [0xff, 0xfb, 0x90, 0x64, ...Array(413).fill(0)];
    const id3 = [0x49, 0x44, 0x33, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    test("an ID3 tag with no audio after it (an executable behind 10 bytes) is not an MP3", () => {
      expect(sniffUpload(new Uint8Array([...id3, ...ELF]), AUDIO_KINDS, MAX_AUDIO_BYTES).ok).toBe(false);
    });

    test("a bare 4-byte frame header (a truncated MP3) is not playable audio", () => {
      expect(sniffUpload(new Uint8Array([0xff, 0xfb, 0x90, 0x64]), AUDIO_KINDS, MAX_AUDIO_BYTES).ok).toBe(false);
    });

    test("one frame followed by something else is not MP3; a frame where the first says one ends is", () => {
      expect(sniffUpload(new Uint8Array([...frame(), ...ELF]), AUDIO_KINDS, MAX_AUDIO_BYTES).ok).toBe(false);
      expect(sniffUpload(new Uint8Array([...id3, ...frame()]), AUDIO_KINDS, MAX_AUDIO_BYTES).ok).toBe(false);
      expect(sniffUpload(new Uint8Array([...id3, ...frame(), ...frame()]), AUDIO_KINDS, MAX_AUDIO_BYTES).ok).toBe(true);
      // A padded MPEG-2 Layer III frame (64 kbit/s, 22.05 kHz): 72 × 64000 / 22050 + 1 = 209 bytes.
      const mpeg2 = [0xff, 0xf3, 0x82, 0x64, ...Array(205).fill(0)];
      expect(sniffUpload(new Uint8Array([...mpeg2, ...mpeg2]), AUDIO_KINDS, MAX_AUDIO_BYTES).ok).toBe(true);
    });

    test("a UTF-16 HTML page (BOM FF FE, or FE FF) is neither MP3 nor missed by the markup check", () => {
      const markup = "h<html><body><script>alert(document.cookie)</script></body></html>";
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(markup, "utf16le")]);
      const be = Buffer.from(markup, "utf16le").swap16();
      for (const page of [le, Buffer.concat([Buffer.from([0xfe, 0xff]), be])]) {
        const r = sniffUpload(new Uint8Array(page), AUDIO_KINDS, MAX_AUDIO_BYTES);
        expect(r.ok).toBe(false);
        expect(looksLikeMarkup(new Uint8Array(page))).toBe(true);
      }
    });

    test("a UTF-8 page with a byte order mark is markup", () => {
      const page = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("<html><script>1</script></html>")]);
      expect(looksLikeMarkup(page)).toBe(true);
    });
  });
});

// Issue 12: an image's size is read from its header at upload, so the file manager shows it and
// e-mails give the image a width (Outlook draws an image without one at its full size).
describe("imageSize", () => {
  test.each([
    ["a PNG (IHDR)", pngOf(3, 2), { width: 3, height: 2 }],
    ["a 1 × 1 PNG", PNG_1X1, { width: 1, height: 1 }],
    ["a JPEG (SOF0 after APP0 and DQT)", JPEG_640X427, { width: 640, height: 427 }],
    ["a GIF (logical screen)", GIF_300X200, { width: 300, height: 200 }],
    ["a WebP, extended (VP8X)", WEBP_VP8X_1200X800, { width: 1200, height: 800 }],
    ["a WebP, lossless (VP8L)", WEBP_VP8L_33X17, { width: 33, height: 17 }],
    ["a WebP, lossy (VP8)", WEBP_VP8_320X240, { width: 320, height: 240 }],
  ] as const)("%s", (_, bytes, size) => {
    expect(sniffUpload(bytes, ANY_KIND, MAX_AUDIO_BYTES).ok).toBe(true);
    expect(imageSize(bytes)).toEqual(size);
  });

  test.each([
    ["a JPEG with no frame header", JPEG_HEAD],
    ["a WebP cut after its chunk name", WEBP_HEAD],
    ["a PNG cut inside IHDR", PNG_1X1.subarray(0, 20)],
    ["a PDF", PDF_HEAD],
    ["a WAV", tinyWav()],
    ["nothing", new Uint8Array(0)],
  ])("%s has no size", (_, bytes) => {
    expect(imageSize(bytes)).toBeNull();
  });

  test("an image over 5 MB, its kind's limit, is refused naming the limit; a PDF that size is taken", () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(pngOf(1, 1));
    expect(sniffUpload(big, ANY_KIND, MAX_FILE_BYTES)).toEqual({
      ok: false,
      problem: "is a PNG image larger than 5 MB, the limit for images (it has 5,242,881 bytes)",
    });
    big.set(PDF_HEAD);
    expect(sniffUpload(big, ANY_KIND, MAX_FILE_BYTES).ok).toBe(true);
    expect(Object.values(FILE_KINDS).map((k) => k.maxBytes / (1024 * 1024))).toEqual([10, 10, 5, 5, 5, 5, 10]);
  });
});

// Outside review (issue 12): a file that is only an image's first bytes was taken as an image with
// no size, and so were impossible sizes; e-mails and MMS then carried something nobody can see.
describe("uploads: an image must be more than its first bytes", () => {
  const withSize = (width: number, height: number) => {
    const png = pngOf(1, 1).slice();
    new DataView(png.buffer).setUint32(16, width);
    new DataView(png.buffer).setUint32(20, height);
    return png;
  };
  test.each([
    ["a PNG signature alone (8 bytes)", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ["three bytes FF D8 FF", new Uint8Array([0xff, 0xd8, 0xff])],
    ["the six bytes GIF89a", new TextEncoder().encode("GIF89a")],
    ["a JPEG with no frame header", JPEG_HEAD],
    ["a WebP cut after its chunk name", WEBP_HEAD],
    ["a PNG of 0 × 0 pixels", withSize(0, 0)],
  ])("%s is refused as an image (no size, nothing a mail client or phone can show)", (_, bytes) => {
    const r = sniffUpload(bytes, IMAGE_KINDS, MAX_FILE_BYTES);
    expect(r.ok).toBe(false);
    if (!r.ok && bytes.length > 6) expect(r.problem).toContain("size in pixels cannot be read");
  });

  test("an image larger than 10,000 px a side is refused naming the limit; 10,000 is taken", () => {
    expect(sniffUpload(withSize(4294967295, 4294967295), IMAGE_KINDS, MAX_FILE_BYTES)).toEqual({
      ok: false,
      problem: "is a PNG image of 4,294,967,295 × 4,294,967,295 pixels; at most 10,000 a side",
    });
    expect(sniffUpload(withSize(MAX_IMAGE_SIDE, 1), IMAGE_KINDS, MAX_FILE_BYTES).ok).toBe(true);
  });
});

// A header names a size but holds no picture: a header with nothing behind it, or an upload cut off.
describe("uploads: a header and nothing behind it (eyes2 review)", () => {
  const sosAt = JPEG_640X427.findIndex((x, i) => x === 0xff && JPEG_640X427[i + 1] === 0xda);
  test.each([
    ["a PNG's signature and IHDR chunk, no image data (33 bytes)", PNG_1X1.slice(0, 33)],
    ["a PNG cut before its IEND", PNG_1X1.slice(0, PNG_1X1.length - 12)],
    ["a PNG cut inside its IDAT", pngOf(20, 20).slice(0, 50)],
    ["a GIF's header and logical screen only (13 bytes)", GIF_1X1.slice(0, 13)],
    ["a GIF cut before its trailer", GIF_1X1.slice(0, GIF_1X1.length - 1)],
    ["a GIF with a trailer and no image", new Uint8Array([...GIF_1X1.slice(0, 19), 0x3b])],
    ["a JPEG's headers with no scan", new Uint8Array([...JPEG_640X427.slice(0, sosAt), 0xff, 0xd9])],
    ["a JPEG cut before its end marker", JPEG_640X427.slice(0, JPEG_640X427.length - 2)],
  ])("%s is refused as damaged or incomplete", (_, bytes) => {
    const r = sniffUpload(bytes, IMAGE_KINDS, MAX_FILE_BYTES);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/damaged or (incomplete|cut-off)/);
  });

  test("whole pictures pass: the samples, and a JPEG with bytes after its end marker", () => {
    for (const bytes of [
      PNG_1X1,
      pngOf(20, 20),
      GIF_1X1,
      GIF_300X200,
      JPEG_640X427,
      new Uint8Array([...JPEG_640X427, 0]),
    ])
      expect(sniffUpload(bytes, IMAGE_KINDS, MAX_FILE_BYTES).ok).toBe(true);
  });
});
