// The fake Resend and Twilio for a test file that sends through the real SDKs: started once,
// stopped when the file's tests are done, pass or fail.
import { afterAll } from "bun:test";
import { startFakeResend } from "../fakes/fake-resend.ts";
import { startFakeTwilio } from "../fakes/fake-twilio.ts";

/** Starts both fakes now and stops them after all of this file's tests. */
export function fakesForThisFile() {
  const resend = startFakeResend();
  const twilio = startFakeTwilio();
  afterAll(() => {
    resend.stop();
    twilio.stop();
  });
  return { resend, twilio };
}
