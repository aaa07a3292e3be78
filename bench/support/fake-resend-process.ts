// The fake Resend as a process of its own, for benchmarks that measure Pigeon's memory: the fake
// keeps every request it receives, which must not count as Pigeon's. Prints one JSON line with
// its URL and API key, then answers each "count" line on standard input with the number of
// e-mails accepted so far. What it has accepted is counted and let go every second (its
// idempotency keys are kept), so it can take millions. Run it with `Bun.spawn`; it stops when its standard input closes.
import { startFakeResend } from "../../test/fakes/fake-resend.ts";

const fake = startFakeResend();
let accepted = 0;
const forget = () => {
  accepted += fake.sent.length;
  fake.sent.length = 0;
  fake.requests.length = 0;
};
setInterval(forget, 1000);
console.log(JSON.stringify({ url: fake.url, apiKey: fake.apiKey }));

for await (const chunk of Bun.stdin.stream().pipeThrough(new TextDecoderStream())) {
  for (const line of chunk.split("\n")) {
    if (line.trim() !== "count") continue;
    forget();
    console.log(JSON.stringify({ accepted }));
  }
}
fake.stop();
process.exit(0);
