// The pure rules under the outbox and dispatcher: who is skipped and why, delivery keys,
// retries, rate limiting and sending windows.
import { describe, expect, test } from "bun:test";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { type Candidate, decideRecipients } from "../src/core/recipients.ts";
import { retryDecision, RETRY } from "../src/core/retry-policy.ts";
import { nextSendableInstant, zonedTimeToInstant } from "../src/core/send-window.ts";
import { take, waitForToken } from "../src/core/token-bucket.ts";

const base: Candidate = {
  customerId: 1,
  email: "a@x.test",
  phone: "+15551230001",
  consent: { email: true, sms: true, voice: true },
  suppression: {},
};

describe("recipient decisions", () => {
  test.each([
    ["sent", {}, "email", null],
    ["no e-mail address", { email: null }, "email", "no_address"],
    ["no phone", { phone: null }, "sms", "no_address"],
    [
      "unsubscribed beats missing consent",
      { suppression: { email: "unsubscribed" }, consent: { email: false, sms: true, voice: true } },
      "email",
      "unsubscribed",
    ],
    ["bounced", { suppression: { email: "bounced" } }, "email", "bounced"],
    ["STOP reply", { suppression: { sms: "stop_keyword" } }, "sms", "stop_keyword"],
    ["no SMS consent", { consent: { email: true, sms: false, voice: true } }, "sms", "no_consent"],
    ["landline cannot get SMS", { lineType: "landline" }, "sms", "landline"],
    ["landline can get a call", { lineType: "landline" }, "voice", null],
  ] as const)("%s", (_name, over, channel, expected) => {
    const [d] = decideRecipients([{ ...base, ...(over as Partial<Candidate>) }], channel, { requireConsent: true });
    expect(d!.skip).toBe(expected);
  });

  test("a shared address gets one message; the others are skipped as duplicates", () => {
    const ds = decideRecipients(
      [
        { ...base, customerId: 1 },
        { ...base, customerId: 2 },
        { ...base, customerId: 3, email: "other@x.test" },
      ],
      "email",
      { requireConsent: true },
    );
    expect(ds.map((d) => [d.customerId, d.skip])).toEqual([
      [1, null],
      [2, "duplicate_address"],
      [3, null],
    ]);
  });

  test("a skipped first holder of an address does not make the next one a duplicate", () => {
    const ds = decideRecipients(
      [
        { ...base, customerId: 1, consent: { email: false, sms: false, voice: false } },
        { ...base, customerId: 2 },
      ],
      "email",
      { requireConsent: true },
    );
    expect(ds.map((d) => d.skip)).toEqual(["no_consent", null]);
  });

  test("appointment messages may go without marketing consent", () => {
    const [d] = decideRecipients([{ ...base, consent: { email: false, sms: false, voice: false } }], "sms", {
      requireConsent: false,
    });
    expect(d!.skip).toBeNull();
  });
});

describe("delivery keys", () => {
  test("are the same for the same decision and differ by channel, job and appointment", () => {
    const n = { kind: "notification" as const, notificationId: 7, jobId: 3 };
    expect(deliveryKey(n, { customerId: 9 }, "email")).toBe("n7:j3:c9:email");
    expect(deliveryKey(n, { customerId: 9 }, "email")).toBe(deliveryKey({ ...n }, { customerId: 9 }, "email"));
    expect(deliveryKey(n, { customerId: 9 }, "sms")).toBe("n7:j3:c9:sms");
    expect(deliveryKey({ ...n, appointmentId: 4 }, { customerId: 9 }, "sms")).toBe("n7:j3:a4:c9:sms");
    expect(deliveryKey({ kind: "message", messageId: 5 }, { address: "x@y.test" }, "email")).toBe(
      "m5:to:x@y.test:email",
    );
  });
});

describe("retries", () => {
  test("permanent failures stop at once; rate limits wait what the provider asks", () => {
    expect(retryDecision("permanent", 1, 0.5)).toEqual({ retry: false });
    expect(retryDecision("rate_limited", 1, 0.5, 2000)).toEqual({ retry: true, delayMs: 2000 });
  });

  test("an outage is waited out: the wait grows with how long it has lasted, with jitter, and gives up only after a day", () => {
    const delays = [0, 5_000, 10_000, 20_000, 40_000, 3 * 3600_000].map(
      (ms) => (retryDecision("transient", ms, 1) as { delayMs: number }).delayMs,
    );
    expect(delays).toEqual([5000, 5000, 10000, 20000, 40000, RETRY.maxDelayMs]);
    expect((retryDecision("transient", 20_000, 0) as { delayMs: number }).delayMs).toBe(10000);
    expect(retryDecision("transient", RETRY.outageMs - 1, 0.5)).toEqual({ retry: true, delayMs: expect.any(Number) });
    expect(retryDecision("transient", RETRY.outageMs, 0.5)).toEqual({ retry: false });
    expect(retryDecision("rate_limited", RETRY.outageMs, 0.5, 1000)).toEqual({ retry: false });
  });
});

describe("token bucket", () => {
  test("grants a burst up to capacity, then the rate", () => {
    let bucket = { tokens: 10, at: 0 };
    const first = take(bucket, 25, 5, 10, 0);
    expect(first.granted).toBe(10);
    bucket = first.bucket;
    expect(take(bucket, 25, 5, 10, 0).granted).toBe(0);
    expect(waitForToken(bucket, 5, 10, 0)).toBe(200);
    expect(take(bucket, 25, 5, 10, 1000).granted).toBe(5);
  });
});

describe("sending window", () => {
  const window = { start: "09:00", end: "21:00" };
  test("inside the window is now; before it is today's opening; after it is tomorrow's", () => {
    const inside = new Date("2026-06-10T15:00:00Z"); // 10:00 in Chicago (CDT)
    expect(nextSendableInstant(inside, window, "America/Chicago")).toEqual(inside);
    expect(nextSendableInstant(new Date("2026-06-10T12:00:00Z"), window, "America/Chicago").toISOString()).toBe(
      "2026-06-10T14:00:00.000Z",
    );
    expect(nextSendableInstant(new Date("2026-06-11T03:00:00Z"), window, "America/Chicago").toISOString()).toBe(
      "2026-06-11T14:00:00.000Z",
    );
  });

  test("09:00 stays 09:00 across daylight-saving changes", () => {
    // Europe/Berlin springs forward on 2026-03-29 and falls back on 2026-10-25.
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 28 }, "09:00", "Europe/Berlin").toISOString()).toBe(
      "2026-03-28T08:00:00.000Z",
    );
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 29 }, "09:00", "Europe/Berlin").toISOString()).toBe(
      "2026-03-29T07:00:00.000Z",
    );
    expect(zonedTimeToInstant({ year: 2026, month: 10, day: 25 }, "09:00", "Europe/Berlin").toISOString()).toBe(
      "2026-10-25T08:00:00.000Z",
    );
    // 02:30 does not exist on the spring-forward night: it moves forward by the gap, to 03:30.
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 29 }, "02:30", "Europe/Berlin").toISOString()).toBe(
      "2026-03-29T01:30:00.000Z",
    );
  });
});
