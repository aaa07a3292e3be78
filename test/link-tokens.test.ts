// Signed customer links (SPEC L1–L5): a token opens one thing for one customer, and nothing else.
import { describe, expect, test } from "bun:test";
import { signLinkToken, verifyLinkToken, type LinkTokenPayload } from "../src/core/link-tokens.ts";

const SECRET = "test secret key of at least thirty-two chars";
const NOW = new Date("2026-09-01T10:00:00Z");
const LATER = new Date("2026-10-01T10:00:00Z");

/** Changes one character so the token stays well-formed. */
const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);

describe("link tokens", () => {
  test.each<[string, LinkTokenPayload]>([
    ["just a customer", { purpose: "view", customerId: 7 }],
    ["a preferences link until a date", { purpose: "preferences", customerId: 7, expiresAt: LATER }],
    [
      "an unsubscribe link from one e-mail",
      { purpose: "unsubscribe", customerId: 123_456, subjectId: 9_876_543, channel: "email" },
    ],
    [
      "an appointment link until a date",
      { purpose: "appointment", customerId: 42, subjectId: 0, channel: "sms", expiresAt: LATER },
    ],
    ["a gallery link", { purpose: "gallery", customerId: Number.MAX_SAFE_INTEGER, expiresAt: LATER }],
    ["a tracked link", { purpose: "track", customerId: 42, subjectId: 1234, linkId: 77 }],
    ["an open pixel", { purpose: "open", customerId: 42, subjectId: 1234 }],
  ])("round trip: %s", (_name, payload) => {
    const token = signLinkToken(SECRET, payload);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyLinkToken(SECRET, token, payload.purpose, NOW)).toEqual(payload);
  });

  // Made by the code before tracked links added a field (main at df53e5f): old mail keeps working.
  test("tokens made before tracked links verify exactly as before", () => {
    expect(verifyLinkToken("old-secret", "dToxNjp5YQ.51JtkxXJah8bH244NrDQlA", "unsubscribe", NOW)).toEqual({
      purpose: "unsubscribe",
      customerId: 42,
      subjectId: 1234,
    });
    expect(verifyLinkToken("old-secret", "Zzo3OjJy.fAXd-jowibFHciDB99BX9w", "gallery", NOW)).toEqual({
      purpose: "gallery",
      customerId: 7,
      subjectId: 99,
    });
  });

  test("a tracked link never expires, is the same every time and is short", () => {
    const payload = { purpose: "track", customerId: 123_456, subjectId: 9_876_543, linkId: 4_321 } as const;
    const token = signLinkToken(SECRET, payload);
    expect(signLinkToken(SECRET, payload)).toBe(token);
    expect(verifyLinkToken(SECRET, token, "track", new Date("2036-01-01T00:00:00Z"))).toEqual(payload);
    expect(verifyLinkToken(SECRET, token, "gallery", NOW)).toEqual({ error: "wrong_purpose" });
    expect(token.length).toBeLessThanOrEqual(60);
  });

  test("tokens are short enough for an SMS", () => {
    const token = signLinkToken(SECRET, {
      purpose: "appointment",
      customerId: 123_456,
      subjectId: 9_876_543,
      channel: "sms",
      expiresAt: LATER,
    });
    console.log(`link-tokens: a full appointment token is ${token.length} characters: ${token}`);
    expect(token.length).toBeLessThanOrEqual(60);
  });

  const token = signLinkToken(SECRET, {
    purpose: "unsubscribe",
    customerId: 12,
    subjectId: 345,
    channel: "email",
    expiresAt: LATER,
  });
  const [payload, signature] = token.split(".") as [string, string];
  const forged = Buffer.from("u:c:9l:e").toString("base64url");

  test.each([
    ["a changed payload", `${flip(payload, 0)}.${signature}`, "unsubscribe", NOW, "bad_signature"],
    ["another customer's payload with this signature", `${forged}.${signature}`, "unsubscribe", NOW, "bad_signature"],
    ["a changed signature", `${payload}.${flip(signature, 3)}`, "unsubscribe", NOW, "bad_signature"],
    [
      "a changed last signature character",
      `${payload}.${flip(signature, signature.length - 1)}`,
      "unsubscribe",
      NOW,
      "bad_signature",
    ],
    ["another purpose", token, "gallery", NOW, "wrong_purpose"],
    ["expired", token, "unsubscribe", LATER, "expired"],
    ["garbage", "not a token", "unsubscribe", NOW, "malformed"],
    ["empty", "", "unsubscribe", NOW, "malformed"],
    ["no signature", payload, "unsubscribe", NOW, "malformed"],
    ["a short signature", `${payload}.${signature.slice(1)}`, "unsubscribe", NOW, "malformed"],
    ["three parts", `${token}.x`, "unsubscribe", NOW, "malformed"],
  ] as const)("refused: %s", (_name, given, purpose, now, error) => {
    expect(verifyLinkToken(SECRET, given, purpose, now)).toMatchObject({ error });
  });

  test("a token signed with another secret is refused", () => {
    expect(verifyLinkToken("another secret", token, "unsubscribe", NOW)).toEqual({ error: "bad_signature" });
  });

  test("a token is valid until its expiry second and not after", () => {
    expect(verifyLinkToken(SECRET, token, "unsubscribe", new Date(LATER.getTime() - 1000))).toMatchObject({
      customerId: 12,
    });
    // Signed, so the customer it names is known: the expired-link page speaks their language.
    expect(verifyLinkToken(SECRET, token, "unsubscribe", LATER)).toEqual({ error: "expired", customerId: 12 });
  });

  test("nonsense ids are refused when signing", () => {
    expect(() => signLinkToken(SECRET, { purpose: "view", customerId: 0 })).toThrow();
    expect(() => signLinkToken(SECRET, { purpose: "view", customerId: 1.5 })).toThrow();
    expect(() => signLinkToken(SECRET, { purpose: "view", customerId: 1, subjectId: -1 })).toThrow();
  });
});
