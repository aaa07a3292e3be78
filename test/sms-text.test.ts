// What staff see under an SMS body, and how customers' replies are read (SPEC P3, D9).
import { describe, expect, test } from "bun:test";
import { characterLabel, classifyInboundSms, OPT_OUT_HINT, smsInfo, withOptOutHint } from "../src/core/sms-text.ts";

const a = (n: number) => "a".repeat(n);
const l = (n: number) => "ł".repeat(n);

describe("segments", () => {
  test.each([
    ["empty", "", "GSM-7", 0, 0, 0, 160],
    ["short", "Hi Anna, your photos are ready!", "GSM-7", 31, 31, 1, 160],
    ["160 plain", a(160), "GSM-7", 160, 160, 1, 160],
    ["161 plain", a(161), "GSM-7", 161, 161, 2, 153],
    ["306 plain", a(306), "GSM-7", 306, 306, 2, 153],
    ["307 plain", a(307), "GSM-7", 307, 307, 3, 153],
    ["é, ü, ñ and Ø are GSM-7", "Café Zürich, Señor Øster", "GSM-7", 24, 24, 1, 160],
    ["extension characters take two units", "[€]{~}^|\\", "GSM-7", 9, 18, 1, 160],
    ["80 euro signs fill one segment", "€".repeat(80), "GSM-7", 80, 160, 1, 160],
    ["81 euro signs need two", "€".repeat(81), "GSM-7", 81, 162, 2, 153],
    ["an escape pair is not split across segments", `${a(152)}€${a(152)}`, "GSM-7", 305, 306, 3, 153],
    ["one ł forces UCS-2", `${a(69)}ł`, "UCS-2", 70, 70, 1, 70],
    ["70 UCS-2", l(70), "UCS-2", 70, 70, 1, 70],
    ["71 UCS-2", l(71), "UCS-2", 71, 71, 2, 67],
    ["134 UCS-2", l(134), "UCS-2", 134, 134, 2, 67],
    ["135 UCS-2", l(135), "UCS-2", 135, 135, 3, 67],
    ["an emoji is one character but two units", `Smile 😀`, "UCS-2", 7, 8, 1, 70],
    ["35 emoji fill one segment", "😀".repeat(35), "UCS-2", 35, 70, 1, 70],
    ["36 emoji need two", "😀".repeat(36), "UCS-2", 36, 72, 2, 67],
    ["an emoji is not split across segments", `${l(66)}😀${l(66)}`, "UCS-2", 133, 134, 3, 67],
    ["a curly apostrophe forces UCS-2", "It’s picture day", "UCS-2", 16, 16, 1, 70],
  ])("%s", (_name, text, encoding, characters, units, segments, perSegment) => {
    expect(smsInfo(text)).toMatchObject({ encoding, characters, units, segments, perSegment });
  });

  test("staff are told which characters forced UCS-2", () => {
    expect(smsInfo("It’s picture day 📸 ’").nonGsm).toEqual(["’", "📸"]);
    expect(smsInfo("Plain text").nonGsm).toEqual([]);
  });

  test("past 150 characters a warning names the number of segments", () => {
    expect(smsInfo(a(150)).warning).toBeUndefined();
    expect(smsInfo(a(151)).warning).toBe("Long messages cost more: this one is 1 segment");
    expect(smsInfo(a(200)).warning).toBe("Long messages cost more: this one is 2 segments");
    expect(smsInfo(l(151)).warning).toBe("Long messages cost more: this one is 3 segments");
  });
});

describe("opt-out hint", () => {
  test.each([
    [
      "appended with a space",
      "Photos are ready: https://x.test/g",
      true,
      `Photos are ready: https://x.test/g ${OPT_OUT_HINT}`,
    ],
    [
      "on its own line after a multi-line text",
      "Hi Anna,\nphotos are ready. ",
      true,
      `Hi Anna,\nphotos are ready.\n${OPT_OUT_HINT}`,
    ],
    ["not repeated when STOP is mentioned", "Text stop to end these messages", true, "Text stop to end these messages"],
    ["not added when not required", "Your appointment is tomorrow", false, "Your appointment is tomorrow"],
    ["alone for an empty text", "", true, OPT_OUT_HINT],
    [
      "added when stop is only part of a word",
      "Non-stopping fun: unstoppable deals",
      true,
      `Non-stopping fun: unstoppable deals ${OPT_OUT_HINT}`,
    ],
  ])("%s", (_name, text, required, expected) => {
    expect(withOptOutHint(text, { required })).toBe(expected);
  });
});

describe("inbound replies", () => {
  test.each([
    ["STOP", "stop"],
    ["Stop.", "stop"],
    [" stop ", "stop"],
    ["stop!!", "stop"],
    ["STOPALL", "stop"],
    ["unsubscribe", "stop"],
    ["Cancel", "stop"],
    ["end", "stop"],
    ["quit", "stop"],
    ["revoke", "stop"],
    ["optout", "stop"],
    ["STOP please", "other"],
    ["Please stop", "other"],
    ["don't stop", "other"],
    ["start", "start"],
    ["unstop", "start"],
    ["Yes!", "start"],
    ["help?", "help"],
    ["INFO", "help"],
    ["C", "other"],
    ["Thanks, see you then", "other"],
    ["", "other"],
  ])("%p is %s", (body, kind) => {
    expect(classifyInboundSms(body)).toBe(kind as ReturnType<typeof classifyInboundSms>);
  });
});

// Outside review of issue 12 item 1: an invisible character forcing UCS-2 was shown as a blank.
describe("characterLabel: what the counter shows for a character that forces UCS-2", () => {
  test("an invisible one is named with its code; a visible one is itself", () => {
    expect(characterLabel("\u00A0")).toBe("non-breaking space (U+00A0)");
    expect(characterLabel("\u200F")).toBe("right-to-left mark (U+200F)");
    expect(characterLabel("’")).toBe("’");
  });
});
