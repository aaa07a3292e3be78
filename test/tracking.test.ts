// Tracked links and opens end to end (issue 14): a message goes out through the real Resend and
// Twilio SDKs to the fakes, its links come back as `/t/<token>`, and following one over real HTTP
// records a click and forwards at once. Machines (HEAD, scanners, bursts) are kept but not
// counted; Resend's signed opened/clicked webhooks become engagements once however often retried.
import { afterAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { signLinkToken } from "../src/core/link-tokens.ts";
import { createCustomer, createOrder } from "../src/db/customers.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { performanceOf } from "../src/db/performance.ts";
import {
  deliveries,
  deliveryEvents,
  devOutbox,
  engagements,
  jobs,
  orders,
  suppressions,
  trackedLinks,
} from "../src/db/schema.ts";
import { linkSigningSecret } from "../src/db/secrets.ts";
import { getSettings, updateSettings } from "../src/db/settings.ts";
import { upsertRegistration } from "../src/db/customers.ts";
import { createJob } from "../src/db/jobs.ts";
import { createComposer } from "../src/dispatch/compose.ts";
import { later, noon, sendStudio } from "./support/send-studio.ts";
import { makeTestApp, signedInOwner, type TestApp } from "./support/app.ts";
import { withOpenPixel } from "../src/core/tracked-links.ts";

const fakes = sendStudio();
afterAll(fakes.stop);

const CHROME =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const BODY =
  "Hi {{customer.first_name}}! The [spring offer](https://shop.example/offer?a=1&b=2) is on, " +
  "more at https://studio.example/about.\n\nWrite to [us](mailto:hi@brightside.test) or call [us](tel:+15550001111).";

/** The app on a real port: the click goes over HTTP as a phone's browser sends it. */
function serve(t: TestApp) {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: t.app.fetch });
  const local = (url: string) => url.replace("https://pigeon.test", `http://127.0.0.1:${server.port}`);
  const follow = (url: string, init: RequestInit = {}) =>
    fetch(local(url), { redirect: "manual", ...init, headers: { "User-Agent": CHROME, ...init.headers } });
  return { follow, stop: () => server.stop(true) };
}

async function emailed(opts: { body?: string } = {}) {
  const s = await fakes.studio();
  const anna = s.people[0]!;
  const m = await fakes.message(s.t, [anna], "email", opts.body ?? BODY);
  await s.dispatcher().tick();
  const [d] = await s.t.db.select().from(deliveries).where(eq(deliveries.messageId, m.id));
  const mail = fakes.resend.sent.find((e) => e.to.includes(anna.email))!;
  const tracked = [
    ...new Set([...mail.html!.matchAll(/href="(https:\/\/pigeon\.test\/t\/[^"]+)"/g)].map((x) => x[1]!)),
  ];
  return { ...s, anna, m, d: d!, mail, tracked };
}
const clicks = (t: TestApp) => t.db.select().from(engagements).orderBy(engagements.id);

/** An order through the API two hours after noon, for a job of its own: what attribution decides on. */
async function orderTwoHoursLater(t: TestApp, customerId: number) {
  const [job] = await t.db.insert(jobs).values({ name: "Spring", type: "school", year: 2026 }).returning();
  return createOrder(
    t.db,
    { jobId: job!.id, customerId, amountMinor: 4900, currency: "USD", orderedAt: later(7200_000) },
    "api",
    later(7200_000),
  );
}

describe("links in a sent e-mail", () => {
  test("are tracked in HTML and text; unsubscribe, view, mailto and tel are left alone", async () => {
    const { mail, tracked, t } = await emailed();
    expect(tracked).toHaveLength(2);
    expect(mail.html).not.toContain("https://shop.example/offer");
    expect(mail.html).toContain('href="mailto:hi@brightside.test"');
    expect(mail.html).toContain('href="tel:+15550001111"');
    expect(mail.html).toMatch(/href="https:\/\/pigeon\.test\/u\//);
    expect(mail.html).toMatch(/href="https:\/\/pigeon\.test\/v\//);
    expect(mail.text).not.toContain("https://studio.example/about");
    expect(mail.text).toMatch(/https:\/\/pigeon\.test\/t\/\S+/);
    expect(mail.headers["List-Unsubscribe"]).toMatch(/^<https:\/\/pigeon\.test\/u\//);
    expect((await t.db.select().from(trackedLinks)).map((l) => l.url).sort()).toEqual([
      "https://shop.example/offer?a=1&b=2",
      "https://studio.example/about",
    ]);
  });

  test("a click over HTTP forwards at once, is recorded, counts, and earns the order after it", async () => {
    const { t, tracked, d, m, anna } = await emailed();
    const web = serve(t);
    try {
      t.setNow(later(3600_000));
      const res = await web.follow(tracked[0]!);
      expect(res.status).toBe(302);
      expect(res.headers.get("Location")).toBe("https://shop.example/offer?a=1&b=2");
      expect(res.headers.get("Cache-Control")).toBe("no-store");
    } finally {
      await web.stop();
    }
    const [click] = await clicks(t);
    expect(click).toMatchObject({
      deliveryId: d.id,
      customerId: anna.id,
      type: "click",
      source: "link",
      kind: "person",
      url: "https://shop.example/offer?a=1&b=2",
      userAgent: CHROME,
    });
    const perf = await performanceOf(t.db, { messageId: m.id }, "USD");
    expect(perf.clicked).toBe(1);
    expect(perf.delivered).toBe(1);
    const order = await orderTwoHoursLater(t, anna.id);
    expect(order.attributedDeliveryId).toBe(d.id);
    expect(order.attributedEngagementId).toBe(click!.id);
  });

  test("a click reported after an order placed later than it re-decides the order", async () => {
    const { t, tracked, d, anna } = await emailed();
    const order = await orderTwoHoursLater(t, anna.id);
    expect(order.attributedDeliveryId).toBeNull();
    t.setNow(later(3600_000));
    await t.app.request(tracked[0]!, { headers: { "User-Agent": CHROME } });
    const [row] = await t.db.select().from(deliveries).where(eq(deliveries.id, d.id));
    expect(row).toBeDefined();
    const [again] = await t.db.select().from(orders).where(eq(orders.id, order.id));
    expect(again!.attributedDeliveryId).toBe(d.id);
  });

  test("HEAD, prefetch, scanners and a burst over every link are recorded as machines, not counted", async () => {
    const { t, tracked, m } = await emailed();
    const web = serve(t);
    try {
      t.setNow(later(5_000));
      // A security gateway follows both links within seconds of delivery with a browser's agent.
      expect((await web.follow(tracked[0]!)).status).toBe(302);
      t.setNow(later(6_000));
      expect((await web.follow(tracked[1]!)).status).toBe(302);
      t.setNow(later(3600_000));
      const head = await web.follow(tracked[0]!, { method: "HEAD" });
      expect(head.status).toBe(302);
      expect(head.headers.get("Location")).toBe("https://shop.example/offer?a=1&b=2");
      await web.follow(tracked[0]!, { headers: { "Sec-Purpose": "prefetch" } });
      await web.follow(tracked[0]!, { headers: { "User-Agent": "Microsoft Office Protection SafeLinks" } });
      await web.follow(tracked[1]!, { headers: { "User-Agent": "Mozilla/5.0 (compatible; BingPreview/1.0b)" } });
    } finally {
      await web.stop();
    }
    expect((await clicks(t)).map((e) => e.kind)).toEqual([
      "burst",
      "burst",
      "prefetch",
      "prefetch",
      "scanner",
      "scanner",
    ]);
    const perf = await performanceOf(t.db, { messageId: m.id }, "USD");
    expect(perf.clicked).toBe(0);
    expect(perf.machineClicks).toBe(1);
  });

  test("a link whose delivery was deleted since still forwards, recording nothing", async () => {
    const { t, tracked, d } = await emailed();
    await t.db.delete(deliveries).where(eq(deliveries.id, d.id));
    const res = await t.app.request(tracked[0]!, { headers: { "User-Agent": CHROME } });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("https://shop.example/offer?a=1&b=2");
    expect(await clicks(t)).toHaveLength(0);
  });

  test("a tampered or unknown token is refused with a page, records nothing, and never redirects", async () => {
    const { t, tracked, d, anna } = await emailed();
    const token = tracked[0]!.split("/t/")[1]!;
    const tampered = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    const bad = await t.app.request(`/t/${tampered}`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("Location")).toBeNull();
    expect(await bad.text()).toContain("The link is damaged");
    expect((await t.app.request("/t/https%3A%2F%2Fevil.example")).status).toBe(400);
    const secret = await linkSigningSecret(t.db, t.deps.config.secretKey, noon);
    const unknown = signLinkToken(secret, { purpose: "track", customerId: anna.id, subjectId: d.id, linkId: 999 });
    expect((await t.app.request(`/t/${unknown}`)).status).toBe(404);
    // A pixel token is no link token.
    const pixel = signLinkToken(secret, { purpose: "open", customerId: anna.id, subjectId: d.id });
    expect((await t.app.request(`/t/${pixel}`)).status).toBe(400);
    expect(await clicks(t)).toHaveLength(0);
  });

  test("with tracking off, links go out as written; a link sent before keeps forwarding, recording nothing", async () => {
    const { t, tracked } = await emailed();
    await updateSettings(t.db, { trackLinks: false }, noon);
    const anna = (await t.db.select().from(deliveries))[0]!;
    expect(anna).toBeDefined();
    const res = await t.app.request(tracked[0]!, { headers: { "User-Agent": CHROME } });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("https://shop.example/offer?a=1&b=2");
    expect(await clicks(t)).toHaveLength(0);
    const s = await fakes.studio();
    await updateSettings(s.t.db, { trackLinks: false }, noon);
    const ben = s.people[1]!;
    await fakes.message(s.t, [ben], "email", BODY);
    await s.dispatcher().tick();
    const mail = fakes.resend.sent.find((e) => e.to.includes(ben.email))!;
    expect(mail.html).toContain('href="https://shop.example/offer?a=1&amp;b=2"');
    expect(mail.html).not.toContain("/t/");
    expect(mail.text).toContain("https://studio.example/about");
  });

  test("a staff test send goes out untracked", async () => {
    const s = await fakes.studio();
    const cleo = s.people[2]!;
    await enqueueDeliveries(
      s.t.db,
      { sourceType: "test" },
      [
        {
          key: deliveryKey({ kind: "test", id: "t1" }, { customerId: cleo.id }, "email"),
          decision: { customerId: cleo.id, channel: "email", to: cleo.email, skip: null },
          dueAt: noon,
          subject: "Test",
          body: BODY,
        },
      ],
      noon,
    );
    await s.dispatcher().tick();
    const mail = fakes.resend.sent.find((e) => e.to.includes(cleo.email))!;
    expect(mail.html).toContain("https://shop.example/offer");
    expect(mail.html).not.toContain("/t/");
  });

  test("a batch whose answer was lost is replayed with the same tracked links: Resend sees the same request", async () => {
    const s = await fakes.studio();
    const before = fakes.resend.sent.length;
    await fakes.message(s.t, s.people.slice(0, 2), "email", BODY);
    fakes.resend.failNext(1, { status: 500, afterAccept: true });
    expect((await s.dispatcher().tick()).retried).toBe(2);
    s.t.setNow(later(60_000));
    // A different payload under the same idempotency key would be refused (409) by Resend.
    expect((await s.dispatcher("w2").tick()).sent).toBe(2);
    const sent = fakes.resend.sent.slice(before);
    expect(sent).toHaveLength(2);
    expect(sent.every((e) => e.html!.includes("https://pigeon.test/t/"))).toBe(true);
  });

  test("composing a delivery twice gives the same bytes (a replayed batch sends what was recorded)", async () => {
    const { t, d } = await emailed();
    const settings = getSettings;
    const one = await (await createComposer(t.deps, await settings(t.db), noon)).emails([d]);
    // A fresh composer (as after a crash): nothing cached, the links' rows already stored.
    const two = await (await createComposer(t.deps, await settings(t.db), noon)).emails([d]);
    expect(two[0]!.html).toBe(one[0]!.html);
    expect(two[0]!.text).toBe(one[0]!.text);
    expect(one[0]!.html).toContain("https://pigeon.test/t/");
  });
});

describe("the gallery link", () => {
  test("goes through the tracked redirect, counts for the delivery, and still opens the gallery", async () => {
    const s = await fakes.studio();
    const anna = s.people[0]!;
    const job = await createJob(
      s.t.db,
      { name: "Lincoln", type: "school", gallery_url: "https://shop.example.com/lincoln" },
      {},
      "ui",
      noon,
    );
    await upsertRegistration(s.t.db, { jobId: job.id, customerId: anna.id, accessCode: "AB-12" }, "ui", noon);
    const m = await fakes.message(s.t, [anna], "email", "[Your photos]({{customer.gallery_link}})");
    await s.t.db.update(deliveries).set({ jobId: job.id }).where(eq(deliveries.messageId, m.id));
    await s.dispatcher().tick();
    const mail = fakes.resend.sent.find((e) => e.to.includes(anna.email))!;
    expect(mail.html).not.toMatch(/href="https:\/\/pigeon\.test\/g\//);
    const tracked = mail.html!.match(/href="(https:\/\/pigeon\.test\/t\/[^"]+)"[^>]*>Your photos/)![1]!;
    s.t.setNow(later(3600_000));
    const first = await s.t.app.request(tracked, { headers: { "User-Agent": CHROME } });
    expect(first.status).toBe(302);
    const gallery = first.headers.get("Location")!;
    expect(gallery).toMatch(/^https:\/\/pigeon\.test\/g\//);
    const second = await s.t.app.request(gallery);
    expect(second.headers.get("Location")).toBe("https://shop.example.com/lincoln?code=AB-12");
    expect((await clicks(s.t)).map((e) => [e.kind, e.url])).toEqual([["person", gallery]]);
    expect((await performanceOf(s.t.db, { messageId: m.id }, "USD")).clicked).toBe(1);
  });
});

describe("deliveries without a customer", () => {
  test("an e-mail to a typed address is composed untracked", async () => {
    const s = await fakes.studio();
    const m = await fakes.message(s.t, [], "email", BODY);
    const [d] = await s.t.db
      .insert(deliveries)
      .values({
        deliveryKey: "typed-1",
        sourceType: "message",
        messageId: m.id,
        channel: "email",
        customerId: null,
        toAddress: "someone@typed.test",
        status: "queued",
        dueAt: noon,
      })
      .returning();
    const [email] = await (await createComposer(s.t.deps, await getSettings(s.t.db), noon)).emails([d!]);
    expect(email!.html).toContain("https://shop.example/offer?a=1&amp;b=2");
    expect(email!.html).not.toContain("/t/");
    expect(await s.t.db.select().from(trackedLinks)).toHaveLength(0);
  });
});

describe("links in an SMS", () => {
  test("are tracked before the length check, so it judges what is sent", async () => {
    const s = await fakes.studio();
    const dan = s.people[3]!;
    // 1,700 characters of address: too long as written, short once it is a tracked link.
    const long = `https://shop.example/offer?${"x".repeat(1_700)}`;
    const m = await fakes.message(s.t, [dan], "sms", `Photos ready: ${long}`);
    await s.dispatcher().tick();
    const [d] = await s.t.db.select().from(deliveries).where(eq(deliveries.messageId, m.id));
    expect(d!.status).toBe("sent");
    const sms = fakes.twilio.sent.find((x) => x.to === dan.phone)!;
    expect(sms.body).toMatch(/^Photos ready: https:\/\/pigeon\.test\/t\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}/);
    expect(sms.body.length).toBeLessThan(160);
    const res = await s.t.app.request(sms.body.match(/https:\S+/)![0], { headers: { "User-Agent": CHROME } });
    expect(res.headers.get("Location")).toBe(long);
  });
});

describe("opens", () => {
  test("Resend's opened and clicked webhooks become engagements once, however often retried", async () => {
    const { t, d, m, mail } = await emailed();
    const opened = fakes.resend.signWebhook(fakes.webhookSecret, fakes.resend.emailEvent("email.opened", mail.id));
    const send = (signed: { body: string; headers: Record<string, string> }) =>
      t.app.request("/webhooks/resend", { method: "POST", body: signed.body, headers: signed.headers });
    expect((await send(opened)).status).toBe(200);
    expect((await send(opened)).status).toBe(200); // Resend's retry: same svix id
    const click = fakes.resend.signWebhook(
      fakes.webhookSecret,
      fakes.resend.emailEvent("email.clicked", mail.id, {
        click: {
          ipAddress: "203.0.113.9",
          link: "https://shop.example/offer?a=1&b=2",
          timestamp: later(60_000).toISOString(),
          userAgent: CHROME,
        },
      }),
    );
    expect((await send(click)).status).toBe(200);
    const scanned = fakes.resend.signWebhook(
      fakes.webhookSecret,
      fakes.resend.emailEvent("email.clicked", mail.id, { click: { userAgent: "Mimecast-URL-Protect/1.0" } }),
    );
    expect((await send(scanned)).status).toBe(200);
    // A click whose details are missing or odd is still a click.
    const bare = fakes.resend.signWebhook(
      fakes.webhookSecret,
      fakes.resend.emailEvent("email.clicked", mail.id, { click: { link: 42 } }),
    );
    expect((await send(bare)).status).toBe(200);
    const rows = await clicks(t);
    expect(rows.map((e) => [e.type, e.source, e.kind, e.url])).toEqual([
      ["open", "resend", "person", null],
      ["click", "resend", "person", "https://shop.example/offer?a=1&b=2"],
      ["click", "resend", "scanner", null],
      ["click", "resend", "person", null],
    ]);
    expect(rows[1]!.occurredAt).toEqual(later(60_000));
    expect(rows[0]!.providerEventId).toBe(`resend:${opened.headers["svix-id"]}`);
    // The delivery's timeline keeps its events as before.
    const events = await t.db
      .select()
      .from(deliveryEvents)
      .where(and(eq(deliveryEvents.deliveryId, d.id)));
    expect(events.filter((e) => e.type === "opened")).toHaveLength(1);
    expect(events.filter((e) => e.type === "clicked")).toHaveLength(3);
    const perf = await performanceOf(t.db, { messageId: m.id }, "USD");
    expect(perf.opened).toBe(1);
    expect(perf.clicked).toBe(1);
  });

  test("the open pixel, when on: Apple's proxy, Gmail's proxy, HEAD and a reader", async () => {
    const s = await fakes.studio();
    await updateSettings(s.t.db, { trackOpens: true }, noon);
    const anna = s.people[0]!;
    const m = await fakes.message(s.t, [anna], "email", BODY);
    await s.dispatcher().tick();
    const mail = fakes.resend.sent.find((e) => e.to.includes(anna.email))!;
    const src = mail.html!.match(/<img src="(https:\/\/pigeon\.test\/o\/[^"]+)" width="1" height="1"/)![1]!;
    const load = (ua: string, method = "GET") => s.t.app.request(src, { method, headers: { "User-Agent": ua } });
    const res = await load("Mozilla/5.0");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/gif");
    expect(res.headers.get("Cache-Control")).toContain("no-store");
    expect(new Uint8Array(await res.arrayBuffer()).slice(0, 6)).toEqual(new TextEncoder().encode("GIF89a"));
    await load("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)");
    await load(CHROME, "HEAD");
    expect((await clicks(s.t)).map((e) => [e.type, e.source, e.kind])).toEqual([
      ["open", "pixel", "privacy_proxy"],
      ["open", "pixel", "image_proxy"],
      ["open", "pixel", "prefetch"],
    ]);
    expect((await performanceOf(s.t.db, { messageId: m.id }, "USD")).opened).toBe(1);
    expect((await s.t.app.request(src.replace(/.$/, (c) => (c === "A" ? "B" : "A")))).status).toBe(404);
  });

  test("without the pixel setting, e-mails carry no pixel", async () => {
    const { mail } = await emailed();
    expect(mail.html).not.toContain("/o/");
  });
});

/** Sends `body` as an SMS to Anna and follows each tracked link in what Twilio got. */
async function smsAndFollow(body: string) {
  const s = await fakes.studio();
  const anna = s.people[0]!;
  await fakes.message(s.t, [anna], "sms", body);
  await s.dispatcher().tick();
  const [d] = await s.t.db.select().from(deliveries);
  const sms = fakes.twilio.sent.find((x) => x.to === anna.phone);
  const locations: (string | null)[] = [];
  for (const m of (sms?.body ?? "").matchAll(/https:\/\/pigeon\.test\/t\/[A-Za-z0-9_.-]+/g)) {
    s.t.setNow(later(3600_000));
    const res = await s.t.app.request(m[0], { headers: { "User-Agent": CHROME } });
    locations.push(res.headers.get("Location"));
  }
  return { s, d: d!, body: sms?.body ?? null, locations };
}

describe("the redirect's Location", () => {
  test("an SMS link with an umlaut host forwards to a valid (ASCII) address", async () => {
    // Bun writes the header as Latin-1 bytes; Chromium then fails with net::ERR_INVALID_REDIRECT
    // (and lands on /caf%E9 instead of /caf%C3%A9 for a path).
    const url = "https://fotostudio-müller.de/gutschein-für-dich";
    const { locations } = await smsAndFollow(`Ihr Gutschein: ${url}`);
    expect(locations).toEqual([new URL(url).href]); // https://xn--fotostudio-mller-uzb.de/gutschein-f%C3%BCr-dich
  });

  test("an SMS link with a %-escape and a non-Latin-1 letter is not encoded twice", async () => {
    const url = "https://sklep.example/zdjęcia?kod=A%20B";
    const { locations } = await smsAndFollow(`Zdjęcia: ${url}`);
    expect(locations[0]).not.toContain("%2520"); // got https://sklep.example/zdj%C4%99cia?kod=A%2520B
  });
});

describe("an e-mail link with a placeholder value", () => {
  test("an apostrophe in the value (O'Brien) reaches the shop as an apostrophe, not as &#x27;", async () => {
    const s = await fakes.studio();
    const c = await createCustomer(
      s.t.db,
      { first_name: "O'Brien", email: "obrien@x.test", consent: { email: true } },
      "test",
      new Date(),
    );
    await fakes.message(
      s.t,
      [{ id: c.id, email: c.email, phone: null }],
      "email",
      "[Your photos](https://shop.example/?name={{customer.first_name}})",
    );
    await s.dispatcher().tick();
    const mail = fakes.resend.sent.find((e) => e.to.includes("obrien@x.test"))!;
    const link = mail.html!.match(/href="(https:\/\/pigeon\.test\/t\/[^"]+)"/)![1]!;
    const res = await s.t.app.request(link, { headers: { "User-Agent": CHROME } });
    // Untracked, the mail's href="…?name=O&#x27;Brien" reads as ?name=O'Brien. Tracked, got
    // Location: https://shop.example/?name=O&#x27;Brien — the shop sees name=O and a fragment.
    expect(res.headers.get("Location")).not.toContain("&#x27;");
  });
});

describe("bare addresses (SMS, e-mail text part)", () => {
  test("an address with parentheses is tracked whole, nothing of it left after the token", async () => {
    const url = "https://en.wikipedia.org/wiki/Foo_(bar)";
    const { s, body, locations } = await smsAndFollow(`See ${url} today`);
    // got: "See https://pigeon.test/t/<token>(bar) today" forwarding to .../wiki/Foo_
    expect(body).toMatch(/^See https:\/\/pigeon\.test\/t\/\S+ today/);
    expect(body).not.toContain("(bar)");
    expect(locations).toEqual([url]);
    expect((await s.t.db.select().from(trackedLinks)).map((l) => l.url)).toEqual([url]);
  });

  test("an address with an apostrophe is tracked whole", async () => {
    const url = "https://shop.example/mother's-day";
    const { body, locations } = await smsAndFollow(`Sale: ${url} now`);
    expect(body).not.toContain("'s-day"); // got ".../t/<token>'s-day" forwarding to https://shop.example/mother
    expect(locations).toEqual([url]);
  });
});

describe("bare addresses in typographic quotes", () => {
  test("German quotes and an ellipsis after an SMS address are not part of it", async () => {
    const url = "https://shop.example/gutschein";
    const { body, locations } = await smsAndFollow(`Ihr Link: „${url}“ oder ${url}…`);
    // got: the closing quote and the ellipsis are swallowed into the tracked address (and vanish from
    // the text); the redirect goes to https://shop.example/gutschein%E2%80%9C and …%E2%80%A6
    expect(body).toContain("“");
    expect(body).toContain("…");
    expect(locations).toEqual([url, url]); // the address is in the text twice
  });
});

describe("who clicked: bursts", () => {
  /** An e-mail with two links sent to Anna: the studio, the message, what Resend got and when it went. */
  async function sentWithTwoLinks() {
    const s = await emailed({ body: "A https://shop.example/a and B https://shop.example/b" });
    return { s, m: s.m, mail: s.mail, sentAt: s.d.sentAt!.getTime() };
  }

  test("Resend's clicks on every link within seconds of sending are a burst, as the same clicks on /t/ are", async () => {
    const { s, m, mail, sentAt } = await sentWithTwoLinks();
    // A gateway with a browser's agent follows both links 3 and 4 seconds after sending (Resend click tracking on).
    for (const [i, link] of ["https://shop.example/a", "https://shop.example/b"].entries()) {
      const signed = fakes.resend.signWebhook(
        fakes.webhookSecret,
        fakes.resend.emailEvent("email.clicked", mail.id, {
          click: {
            link,
            userAgent: CHROME,
            ipAddress: "198.51.100.7",
            timestamp: new Date(sentAt + 3000 + i * 1000).toISOString(),
          },
        }),
      );
      expect(
        (await s.t.app.request("/webhooks/resend", { method: "POST", body: signed.body, headers: signed.headers }))
          .status,
      ).toBe(200);
    }
    const perf = await performanceOf(s.t.db, { messageId: m.id }, "USD");
    expect(perf.clicked).toBe(0); // got 1: both recorded as "person"
  });

  test("a gateway following every link within seconds of the e-mail's delivery (not its sending) is a burst", async () => {
    const { s, m, mail, sentAt } = await sentWithTwoLinks();
    // Resend hands it over 30 seconds after accepting it (a queue, greylisting): delivered.
    const delivered = fakes.resend.signWebhook(fakes.webhookSecret, {
      ...fakes.resend.emailEvent("email.delivered", mail.id),
      created_at: new Date(sentAt + 30_000).toISOString(),
    });
    s.t.setNow(new Date(sentAt + 30_500));
    await s.t.app.request("/webhooks/resend", { method: "POST", body: delivered.body, headers: delivered.headers });
    // The recipient's security gateway follows both links 2 and 3 seconds after delivery.
    const links = [
      ...new Set([...mail.html!.matchAll(/href="(https:\/\/pigeon\.test\/t\/[^"]+)"/g)].map((x) => x[1]!)),
    ];
    expect(links).toHaveLength(2);
    for (const [i, link] of links.entries()) {
      s.t.setNow(new Date(sentAt + 32_000 + i * 1000));
      await s.t.app.request(link, { headers: { "User-Agent": CHROME } });
    }
    const perf = await performanceOf(s.t.db, { messageId: m.id }, "USD");
    expect(perf.clicked).toBe(0); // got 1: BURST_SECONDS counts from sent_at, so both clicks are "person"
  });

  test("a link preview's fetch does not turn the reader's tap on the other link into a burst", async () => {
    const s = await fakes.studio();
    const anna = s.people[0]!;
    const m = await fakes.message(
      s.t,
      [anna],
      "sms",
      "Photos: https://shop.example/gallery Order: https://shop.example/order",
    );
    await s.dispatcher().tick();
    const [d] = await s.t.db.select().from(deliveries).where(eq(deliveries.messageId, m.id));
    const sms = fakes.twilio.sent.find((x) => x.to === anna.phone)!;
    const links = [...sms.body.matchAll(/https:\/\/pigeon\.test\/t\/[A-Za-z0-9_.-]+/g)].map((x) => x[0]);
    const sentAt = d!.sentAt!.getTime();
    // iMessage fetches a preview of the first link as the text arrives (facebookexternalhit: a "scanner").
    s.t.setNow(new Date(sentAt + 2_000));
    await s.t.app.request(links[0]!, { headers: { "User-Agent": "facebookexternalhit/1.1 Facebot Twitterbot/1.0" } });
    // Anna reads the text as it buzzes and taps "Order".
    s.t.setNow(new Date(sentAt + 12_000));
    await s.t.app.request(links[1]!, {
      headers: {
        "User-Agent":
          "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
      },
    });
    const perf = await performanceOf(s.t.db, { messageId: m.id }, "USD");
    expect(perf.clicked).toBe(1); // got 0: her tap is a "burst" because the preview bot's fetch counts as an earlier click
  });
});

describe("unsubscribes", () => {
  test("a customer who unsubscribes through an e-mail's own link counts as unsubscribed for that message", async () => {
    const s = await fakes.studio();
    const anna = s.people[0]!;
    const m = await fakes.message(s.t, [anna], "email", "Spring sale at https://shop.example/x");
    await s.dispatcher().tick();
    const mail = fakes.resend.sent.find((e) => e.to.includes(anna.email))!;
    const unsubscribe = mail.headers["List-Unsubscribe"]!.match(/<(https:\/\/pigeon\.test\/u\/[^>]+)>/)![1]!;
    // The mail client's one-click unsubscribe (RFC 8058), then the page's button for good measure.
    const res = await s.t.app.request(unsubscribe, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBeLessThan(400);
    const suppressed = await s.t.db.select().from(suppressions);
    expect(suppressed.map((x) => [x.reason, x.detail])).toContainEqual([
      "unsubscribed",
      expect.stringMatching(/^delivery \d+$/),
    ]);
    const perf = await performanceOf(s.t.db, { messageId: m.id }, "USD");
    // got 0: nothing in src/ writes the delivery event "unsubscribed" that performance.ts counts
    // (only test/performance-counts.test.ts inserts one by hand).
    expect(perf.unsubscribed).toBe(1);
  });
});

describe("a link followed without end", () => {
  test("records at most 50 engagements for one delivery, and keeps forwarding", async () => {
    const { s, d, locations } = await smsAndFollow("Photos: https://shop.example/gallery");
    const link = fakes.twilio.sent
      .find((x) => x.to === s.people[0]!.phone)!
      .body.match(/https:\/\/pigeon\.test\/t\/\S+/)![0];
    for (let i = 0; i < 54; i++) {
      const res = await s.t.app.request(link, { headers: { "User-Agent": CHROME } });
      expect(res.headers.get("Location")).toBe("https://shop.example/gallery");
    }
    expect(locations).toEqual(["https://shop.example/gallery"]);
    const rows = await s.t.db.select().from(engagements).where(eq(engagements.deliveryId, d.id));
    expect(rows).toHaveLength(50);
  });
});

describe("staff looking at a sent e-mail", () => {
  test("the dev outbox shows it without the customer's open pixel (and with everything else)", async () => {
    const t = await makeTestApp({ now: noon });
    const b = await signedInOwner(t);
    const html = withOpenPixel("<html><body><p>Spring sale</p></body></html>", "https://pigeon.test/o/TOKEN.SIG");
    await t.db.insert(devOutbox).values({
      id: "dev_pixel",
      channel: "email",
      toAddress: "anna@x.test",
      fromAddress: "studio@x.test",
      subject: "Sale",
      body: "Spring sale",
      html,
      ref: "ref-1",
      status: "sent",
      createdAt: noon,
    });
    const res = await b.get("/outbox/dev/dev_pixel");
    expect(res.status).toBe(200);
    expect(res.text).toContain("Spring sale");
    expect(res.text).not.toContain("/o/TOKEN.SIG");
  });
});

describe("one address, one link", () => {
  test("an e-mail's HTML and text parts name a non-ASCII address by the same tracked link", async () => {
    const s = await fakes.studio();
    const anna = s.people[0]!;
    await fakes.message(s.t, [anna], "email", "Zdjęcia: https://sklep.example/zdjęcia?kod=A%20B");
    await s.dispatcher().tick();
    const mail = fakes.resend.sent.find((e) => e.to.includes(anna.email))!;
    expect((await s.t.db.select().from(trackedLinks)).map((l) => l.url)).toEqual([
      "https://sklep.example/zdj%C4%99cia?kod=A%20B",
    ]);
    const inHtml = mail.html!.match(/href="(https:\/\/pigeon\.test\/t\/[^"]+)"/)![1]!;
    const inText = mail.text!.match(/https:\/\/pigeon\.test\/t\/\S+/)![0];
    expect(inText).toBe(inHtml);
  });
});
