// Outside review, round 2 of issue 13: a thread open in the browser shows a new reply live (SSE),
// but its Archive, Mark read and answer forms keep the `upto` of the page as first drawn. Staff
// who read the new reply on screen and press Archive (or answer it) leave it in the inbox,
// unread: the one reply they just dealt with is the one the button skips.
import { expect, test } from "bun:test";
import { createCustomer } from "../src/db/customers.ts";
import { devOutbox, inboundMessages } from "../src/db/schema.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";

const NOW = new Date("2026-09-01T15:00:00Z");
const PHONE = "+12175550123";

/** Reads SSE data events until one satisfies `done`. */
async function readUntil(res: Response, done: (data: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) throw new Error("stream ended");
    buffer += decoder.decode(value, { stream: true });
    for (const block of buffer.split("\n\n")) {
      const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join("\n");
      if (data && done(data)) {
        await reader.cancel();
        return data;
      }
    }
  }
}

test("Archive after a reply arrived live archives the reply the thread shows", async () => {
  const t = await makeTestApp({ now: NOW });
  const b = await signedInOwner(t);
  const maya = await createCustomer(
    t.db,
    { first_name: "Maya", last_name: "Rivera", phone: PHONE, consent: { sms: true } },
    "test",
    NOW,
  );
  await t.db.insert(devOutbox).values({
    id: "dev_1",
    channel: "sms",
    toAddress: PHONE,
    fromAddress: "+12175550100",
    subject: null,
    body: "See you tomorrow!",
    ref: "ref-dev_1",
    status: "delivered",
    createdAt: NOW,
  });
  await b.get("/outbox/dev/dev_1");
  await b.post("/outbox/dev/dev_1/reply", { body: "Is there parking?" });

  const href = `/inbox/customer/${maya.id}`;
  const page = await b.get(href);
  const live = /data-sse-connect="([^"]+)"/.exec(page.text)![1]!.replaceAll("&amp;", "&");
  const archiveUpto = /action="[^"]*\/archive"[^>]*>[\s\S]*?name="upto" value="(\d+)"/.exec(page.text)![1]!;

  // A second question arrives while the thread is open; the page shows it live.
  const csrf = b.csrf;
  await b.get("/outbox/dev/dev_1");
  await b.post("/outbox/dev/dev_1/reply", { body: "Also: can we bring the dog?" });
  b.csrf = csrf;
  const pushed = await readUntil(await b.request(live), (d) => d.includes("can we bring the dog?"));
  expect(pushed).toContain("can we bring the dog?");

  // Staff read it on screen and press Archive: the button still carries the first page's upto.
  const res = await b.post(`${href}/archive`, { upto: archiveUpto });
  expect(res.status).toBe(303);
  const left = (await t.db.select().from(inboundMessages)).filter((r) => r.archivedAt === null).map((r) => r.body);
  expect(left).toEqual([]);
});
