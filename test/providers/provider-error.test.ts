// How an HTTP failure is classified for the retry policy (SPEC D5), whoever the provider.
import { describe, expect, test } from "bun:test";
import { httpFailure, parseRetryAfter, ProviderError } from "../../src/providers/types.ts";

const now = new Date("2026-09-01T10:00:00Z");

describe("classifying failures", () => {
  test.each([
    [429, "rate_limited"],
    [500, "transient"],
    [503, "transient"],
    [null, "transient"],
    [400, "permanent"],
    [401, "permanent"],
    [404, "permanent"],
    [422, "permanent"],
  ] as const)("HTTP %p is %s", (status, kind) => {
    expect(httpFailure(status, "m", { now }).kind).toBe(kind);
  });

  test("the provider's message, code and link are kept", () => {
    const e = httpFailure(400, "Attempt to send to unsubscribed recipient", {
      code: 21610,
      moreInfo: "https://www.twilio.com/docs/errors/21610",
      now,
    });
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({
      kind: "permanent",
      status: 400,
      code: 21610,
      message: "Attempt to send to unsubscribed recipient",
      moreInfo: "https://www.twilio.com/docs/errors/21610",
    });
  });

  test("only a 429 carries a retry delay", () => {
    expect(httpFailure(429, "slow down", { retryAfter: "2", now }).retryAfterMs).toBe(2000);
    expect(httpFailure(503, "down", { retryAfter: "2", now }).retryAfterMs).toBeUndefined();
  });
});

describe("Retry-After", () => {
  test.each([
    ["2", 2000],
    ["0", 0],
    ["1.5", 1500],
    [" 3 ", 3000],
    ["Tue, 01 Sep 2026 10:00:07 GMT", 7000],
    ["Tue, 01 Sep 2026 09:59:00 GMT", 0],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
  ] as const)("%p is %p ms", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});
