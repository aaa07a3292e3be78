// Which provider each channel uses (SPEC D1): Resend and Twilio when their keys are set, the
// dev outbox otherwise, so a fresh install sends "for real" into a readable outbox.
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { databaseDevOutboxStore } from "../db/dev-outbox-store.ts";
import { createDevProviders } from "../providers/dev-outbox.ts";
import { createResendProvider } from "../providers/resend.ts";
import { createTwilioProviders } from "../providers/twilio.ts";
import type { Providers } from "./send-deps.ts";

/** `timeoutMs`: how long one provider request may take (default PROVIDER_TIMEOUT_MS). */
export function providersFromConfig(
  config: Config,
  db: Db,
  clock: () => Date,
  opts: { timeoutMs?: number } = {},
): Providers {
  const dev = createDevProviders(databaseDevOutboxStore(db), {
    clock,
    lineType: (phone) => (phone.startsWith("+1555000") ? "landline" : "mobile"),
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
