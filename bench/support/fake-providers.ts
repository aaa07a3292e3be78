// The local fake Resend and Twilio in a process of their own, for benchmarks that send through
// them: what the fakes spend answering and remembering every request is then not counted against
// Pigeon, as the real providers' would not be. Started by `startFakeProviders()`; spoken to over
// Bun's IPC channel.
import { startFakeResend } from "../../test/fakes/fake-resend.ts";
import { startFakeTwilio } from "../../test/fakes/fake-twilio.ts";

/** Where the fakes listen and with which credentials. */
export type FakeAddresses = {
  resend: { url: string; apiKey: string };
  twilio: { url: string; accountSid: string; authToken: string };
};

/**
 * What the fakes received since the last tally: messages accepted, how many distinct deliveries
 * they were for (a delivery sent twice counts once), and line-type lookups.
 */
export type Tally = { emails: number; emailDeliveries: number; sms: number; smsDeliveries: number; lookups: number };

type Reply = FakeAddresses | Tally;

/** Starts the fakes in a child process; `tally()` reads (and clears) what they received. */
export async function startFakeProviders() {
  let answer: ((reply: Reply) => void) | null = null;
  const next = () => new Promise<Reply>((resolve) => (answer = resolve));
  const ready = next();
  const child = Bun.spawn(["bun", import.meta.path], {
    stdio: ["ignore", "inherit", "inherit"],
    ipc: (reply: Reply) => answer?.(reply),
  });
  const addresses = (await ready) as FakeAddresses;
  return {
    ...addresses,
    async tally(): Promise<Tally> {
      const reply = next();
      child.send("tally");
      return (await reply) as Tally;
    },
    stop: () => child.kill(),
  };
}

if (import.meta.main) {
  const resend = startFakeResend();
  const twilio = startFakeTwilio();
  // The e-mail's delivery id travels in its tag, the SMS's in its status callback URL.
  const emailDelivery = (e: (typeof resend.sent)[number]) => e.tags?.[0]?.value ?? e.id;
  const smsDelivery = (m: (typeof twilio.sent)[number]) => m.statusCallback ?? m.sid;
  process.on("message", () => {
    const tally: Tally = {
      emails: resend.sent.length,
      emailDeliveries: new Set(resend.sent.map(emailDelivery)).size,
      sms: twilio.sent.length,
      smsDeliveries: new Set(twilio.sent.map(smsDelivery)).size,
      lookups: twilio.lookups.length,
    };
    // Forgotten once counted: a long benchmark must not grow the fakes without end.
    for (const list of [resend.sent, resend.requests, twilio.sent, twilio.requests]) list.length = 0;
    process.send!(tally);
  });
  // The benchmark that started them is gone (finished, or killed): so are they.
  process.on("disconnect", () => process.exit(0));
  process.send!({
    resend: { url: resend.url, apiKey: resend.apiKey },
    twilio: { url: twilio.url!, accountSid: twilio.accountSid, authToken: twilio.authToken },
  } satisfies FakeAddresses);
}
