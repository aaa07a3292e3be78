// Which provider each channel uses (SPEC D1): Resend and Twilio when their keys are set, the
// dev outbox otherwise, so a fresh install sends "for real" into a readable outbox.
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { databaseDevOutboxStore } from "../db/dev-outbox-store.ts";
import { createDevProviders } from "../providers/dev-outbox.ts";
import { createResendProvider } from "../providers/resend.ts";
import { createTwilioProviders } from "../providers/twilio.ts";
import type { Providers } from "./send-deps.ts";

/**
 * The dev outbox's stand-in for Twilio Lookup: every number is a mobile except North American
 * numbers ending 555-0000 to 555-0099, which are landlines, so a studio without an account can try
 * "call only if the number cannot receive SMS" with a number its forms accept, e.g. (217) 555-0012.
 * (Other countries' fixed lines are known from the number plan already, when a number is saved.)
 * +1 555 000… numbers, which no form accepts, stay landlines for the tests written with them.
 */
export const devLineType = (phone: string) =>
  /^\+1\d{3}55500\d{2}$/.test(phone) || phone.startsWith("+1555000") ? "landline" : "mobile";

/** `timeoutMs`: how long one provider request may take (default PROVIDER_TIMEOUT_MS). */
export function providersFromConfig(
  config: Config,
  db: Db,
  clock: () => Date,
  opts: { timeoutMs?: number } = {},
): Providers {
  const dev = createDevProviders(databaseDevOutboxStore(db), {
    clock,
    lineType: devLineType,
  });
  const email = config.resend
    ? createResendProvider({
        apiKey: config.resend.apiKey,
        baseUrl: config.resend.baseUrl,
        clock,
        timeoutMs: opts.timeoutMs,
      })
    : dev.email;
  const phone = config.twilio
    ? createTwilioProviders({
        accountSid: config.twilio.accountSid,
        authToken: config.twilio.authToken,
        baseUrl: config.twilio.baseUrl,
        clock,
        timeoutMs: opts.timeoutMs,
      })
    : { sms: dev.sms, voice: dev.voice, lookup: dev.lookup };
  return { email, ...phone };
}
