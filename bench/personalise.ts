// Per-recipient personalisation of a rendered e-mail (issue 15: personalise_us): the message is
// rendered once (React Email layout, Markdown body, plain text; src/email/render.ts), then each
// recipient's subject, HTML and text are filled from the compiled templates, values HTML-escaped
// in the HTML part. What the dispatcher does for every e-mail it sends (src/dispatch/compose.ts).
//   bun bench/personalise.ts [recipients]      (default 100,000; median of 7 runs)
// Each filled part is read to its last character, so a lazily joined string is paid for here,
// as it is when the e-mail is serialised for the provider.
import { personalizeEmail, renderEmailVariant } from "../src/email/render.ts";
import { median } from "./support/measure.ts";
import { report } from "./support/report.ts";

const RECIPIENTS = Number(process.argv[2] ?? 100_000);
const RUNS = 7;

const variant = await renderEmailVariant({
  subject: `{{customer.first_name | "Hello"}}, your photos from {{job.name}} are ready`,
  body: [
    `# Hi {{customer.first_name | "there"}}!`,
    ``,
    `Your photos from **{{job.name}}** ({{album.name}}) are online until {{job.archive_date}}:`,
    ``,
    `- [Open your gallery]({{customer.gallery_link}})`,
    `- Access code: **{{customer.access_code}}**`,
    `- Order before {{job.coupon_deadline}} for 10 % off, before {{job.shipping_deadline}} for free shipping.`,
    ``,
    `{{job.custom_text | ""}}`,
    ``,
    `Questions? Call us at {{studio.phone}} or write to {{studio.email}}.`,
    ``,
    `See you soon,  `,
    `{{studio.name}}`,
  ].join("\n"),
  format: "markdown",
  preheader: `Your gallery is open, {{customer.first_name | "friend"}}`,
  studio: {
    name: "Sunny Side Photo",
    postalAddress: "412 Orchard Lane\nSpringfield, IL 62701",
    phone: "+1 217 555 0142",
    website: "https://sunnyside.example",
    brandColor: "#2f6fdf",
  },
});

/** A small deterministic PRNG so every run fills the same values. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}
const random = rng(15);
const FIRST = ["Anna", "Jörg", "Zoë", "O'Brien", "Li & Ko", "<b>Max</b>", "Émilie", "", "Nguyễn", "Sam"];
const token = () => Math.floor(random() * 2 ** 48).toString(36);
const people = Array.from({ length: 1_000 }, (_, i) => {
  const first = FIRST[Math.floor(random() * FIRST.length)]!;
  return {
    "customer.first_name": first,
    "customer.gallery_link": `https://photos.example.com/g/${token()}${token()}.${token()}`,
    "customer.access_code": `${token().slice(0, 4).toUpperCase()}-${token().slice(0, 4).toUpperCase()}`,
    "job.name": "Lincoln Elementary – Fall portraits",
    "job.archive_date": "December 31, 2026",
    "job.coupon_deadline": "October 15, 2026",
    "job.shipping_deadline": "November 1, 2026",
    "job.custom_text": i % 3 ? "" : "Pick-up is at the school office.",
    "album.name": `Class ${1 + (i % 6)}${"ABC"[i % 3]}`,
    "studio.name": "Sunny Side Photo",
    "studio.phone": "+1 217 555 0142",
    "studio.email": "hello@sunnyside.example",
    "links.unsubscribe_link": `https://photos.example.com/u/${token()}${token()}.${token()}`,
    "links.preferences_link": `https://photos.example.com/p/${token()}${token()}.${token()}`,
    "links.view_in_browser_link": `https://photos.example.com/v/${token()}${token()}.${token()}`,
  };
});

// Kept a batch at a time, as the dispatcher keeps the e-mails of one provider request.
const BATCH = 100;
let sink = 0;
function run(): number {
  const t0 = performance.now();
  let batch: ReturnType<typeof personalizeEmail>[] = [];
  for (let i = 0; i < RECIPIENTS; i++) {
    const e = personalizeEmail(variant, people[i % people.length]!);
    sink += e.subject.charCodeAt(e.subject.length - 1) + e.html.charCodeAt(e.html.length - 1);
    sink += e.text.charCodeAt(e.text.length - 1);
    batch.push(e);
    if (batch.length === BATCH) batch = [];
  }
  return ((performance.now() - t0) * 1000) / RECIPIENTS;
}

run(); // warm-up
const samples = Array.from({ length: RUNS }, run);
const sample = personalizeEmail(variant, people[0]!);
console.error(
  `\nbun bench/personalise.ts ${RECIPIENTS}: ${RECIPIENTS.toLocaleString("en")} recipients of one rendered e-mail ` +
    `(${variant.html.keys.length} placeholders; ${sample.html.length.toLocaleString("en")} characters of HTML, ` +
    `${sample.text.length.toLocaleString("en")} of text), median of ${RUNS} runs: ` +
    `${median(samples).toFixed(2)} µs per recipient (runs ${samples.map((s) => s.toFixed(2)).join(", ")})${sink ? "" : " "}`,
);
report("personalise_us", median(samples), "µs", 5);
