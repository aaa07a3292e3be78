// Outside review, round 2 of issue 13: a long upload name cut at 190 characters may cut an emoji
// in half; the lone surrogate is stored as U+FFFD and the name shows as "aaa…a�.mp3".
import { expect, test } from "bun:test";
import { cleanFileName } from "../src/db/files.ts";

test("a long file name is never cut inside a character", () => {
  const name = cleanFileName(`${"a".repeat(189)}😀 take 2.mp3`, "mp3");
  expect(name.isWellFormed()).toBe(true);
});
