// What counting costs (issue 14). Two figures, each measured in one run:
//   tracking_overhead_ratio: per-recipient e-mail personalisation with tracked links (each
//     trackable address found, its token signed, the HTML and text parts rewritten) over the same
//     personalisation without them; what link tracking adds to the dispatcher's compose step.
//   performance_100k_ms: a message's numbers (performanceOf) and its chart (messageSeries) for a
//     message sent to 100,000 customers, a quarter opened, one in twenty clicked, 200 orders.
//   bun bench/tracking.ts [recipients]      (default 20,000; medians of 7 runs)
import { sql } from "drizzle-orm";
import { signLinkToken } from "../src/core/link-tokens.ts";
import { rewriteHtmlLinks, rewriteTextUrls, trackableUrls } from "../src/core/tracked-links.ts";
import { performanceOf } from "../src/db/performance.ts";
import { messageSeries } from "../src/db/performance-series.ts";
import { personalizeEmail, renderEmailVariant } from "../src/email/render.ts";
import { benchDatabase, median, timeMedian } from "./support/measure.ts";
import { report } from "./support/report.ts";

const RECIPIENTS = Number(process.argv[2] ?? 20_000);
const RUNS = 7;
const BASE = "https://photos.example.com";
const SECRET = "bench-secret-bench-secret-bench-secret";

const variant = await renderEmailVariant({
  subject: `{{customer.first_name | "Hello"}}, your photos from {{job.name}} are ready`,
  body: [
    `# Hi {{customer.first_name | "there"}}!`,
    ``,
    `Your photos from **{{job.name}}** are online: [open your gallery]({{customer.gallery_link}}).`,
    ``,
    `- [Spring offers](https://shop.example.com/spring?utm_source=pigeon&utm_medium=email)`,
    `- [Frames and prints](https://shop.example.com/frames)`,
    `- Read more on https://blog.example.com/how-to-order.`,
    ``,
    `See you soon,  `,
    `{{studio.name}}`,
  ].join("\n"),
  format: "markdown",
  studio: {
    name: "Sunny Side Photo",
    postalAddress: "412 Orchard Lane",
    phone: "",
    website: "",
    brandColor: "#2f6fdf",
  },
});
const people = Array.from({ length: 1_000 }, (_, i) => ({
  "customer.first_name": `Reader ${i}`,
  "customer.gallery_link": `${BASE}/g/${(i * 7919).toString(36)}x${(i * 104729).toString(36)}.abcdefghijklmnopqrstuv`,
  "job.name": "Lincoln Elementary – Fall portraits",
  "studio.name": "Sunny Side Photo",
  "links.unsubscribe_link": `${BASE}/u/${i.toString(36)}.abcdefghijklmnopqrstuv`,
  "links.preferences_link": `${BASE}/p/${i.toString(36)}.abcdefghijklmnopqrstuv`,
  "links.view_in_browser_link": `${BASE}/v/${i.toString(36)}.abcdefghijklmnopqrstuv`,
}));

// The link ids come from one upsert per batch in the dispatcher; here a map stands in for it.
const linkIds = new Map<string, number>();
let sink = 0;
function run(tracked: boolean): number {
  const t0 = performance.now();
  for (let i = 0; i < RECIPIENTS; i++) {
    const e = personalizeEmail(variant, people[i % people.length]!);
    let { html, text } = e;
    if (tracked) {
      for (const url of trackableUrls({ html, text }, BASE)) if (!linkIds.has(url)) linkIds.set(url, linkIds.size + 1);
      const redirect = (url: string) => {
        const linkId = linkIds.get(url);
        return linkId === undefined
          ? undefined
          : `${BASE}/t/${signLinkToken(SECRET, { purpose: "track", customerId: 1 + i, subjectId: 100_000 + i, linkId })}`;
      };
      html = rewriteHtmlLinks(html, redirect);
      text = rewriteTextUrls(text, redirect);
    }
    sink += html.charCodeAt(html.length - 1) + text.charCodeAt(text.length - 1);
  }
  return ((performance.now() - t0) * 1000) / RECIPIENTS;
}

run(false);
run(true);
const plain: number[] = [];
const tracked: number[] = [];
for (let r = 0; r < RUNS; r++) {
  plain.push(run(false));
  tracked.push(run(true));
}
console.log(
  `personalise ${median(plain).toFixed(1)} µs/recipient, with tracked links ${median(tracked).toFixed(1)} µs (${linkIds.size} distinct addresses)`,
);
report("tracking_overhead_ratio", median(tracked) / median(plain), "×");

const db = await benchDatabase();
const t0 = new Date("2026-09-01T10:00:00Z").getTime();
await db.run(sql`insert into customers (first_name, email) values ('Anna', 'anna@x.test')`);
await db.run(sql`insert into jobs (name, type, year) values ('Big', 'school', 2026)`);
await db.run(sql`insert into messages (name, channels, filters, status) values ('Big', '["email"]', '{}', 'sent')`);
await db.run(sql`
  with recursive i(n) as (select 1 union all select n + 1 from i where n < 100000)
  insert into deliveries (delivery_key, source_type, message_id, channel, customer_id, to_address, status, sent_at, due_at)
  select 'big' || n, 'message', 1, 'email', 1, 'anna@x.test', 'delivered', ${t0} + (n % 600) * 60000, ${t0} from i`);
await db.run(sql`
  insert into engagements (delivery_id, customer_id, type, source, kind, occurred_at)
  select id, 1, 'open', 'resend', 'person', sent_at + 3600000 from deliveries where id % 4 = 0
  union all select id, 1, 'click', 'link', 'person', sent_at + 7200000 from deliveries where id % 20 = 0
  union all select id, 1, 'click', 'link', 'scanner', sent_at + 5000 from deliveries where id % 7 = 0`);
await db.run(sql`
  insert into orders (job_id, customer_id, amount_minor, currency, ordered_at, attributed_delivery_id)
  select 1, 1, 2490, 'USD', sent_at + 86400000, id from deliveries where id % 500 = 0`);
const ms = await timeMedian(RUNS, () =>
  Promise.all([performanceOf(db, { messageId: 1 }, "USD"), messageSeries(db, 1, "USD", "Europe/Berlin")]),
);
console.log(`numbers and chart of a 100,000-recipient message: ${ms.toFixed(0)} ms`);
report("performance_100k_ms", ms, "ms");
if (sink === 42) console.log("");
