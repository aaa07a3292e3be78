// The inbox (SPEC A4) end to end: replies signed as Twilio signs them reach the inbox unread, MMS
// pictures are fetched from the fake Twilio with the account's credentials and kept (a failed one
// with its error, a retry never twice), a conversation is read and archived, an answer goes out
// through the outbox (once, or skipped with the reason), and the list updates live over SSE.
// The last part guards what an outside review found (see its header).
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { recordAppointmentChange, unseenAlerts } from "../src/db/appointment-changes.ts";
import {
  appointmentChanges,
  appointments,
  customers,
  deliveries,
  inboundMedia,
  inboundMessages,
  messages,
} from "../src/db/schema.ts";
import { createApiKey } from "../src/db/auth.ts";
import { createCustomer } from "../src/db/customers.ts";
import { threadVersion } from "../src/db/inbox.ts";
import { suppress } from "../src/db/suppressions.ts";
import { fetchTwilioMedia } from "../src/providers/twilio-media.ts";
import type { SignedRequest } from "./fakes/fake-twilio.ts";
import type { TestApp } from "./support/app.ts";
import { signedInOwner } from "./support/app.ts";
import { pageText } from "./support/forms.ts";
import { noon, sendStudio } from "./support/send-studio.ts";

const s = sendStudio();
afterAll(() => s.stop());

const STUDIO = "+17770001111";
const INBOUND = "https://pigeon.test/webhooks/twilio/inbound";
const post = (t: TestApp, req: SignedRequest) =>
  t.app.request(req.url, { method: "POST", body: req.body, headers: req.headers });
const replies = (t: TestApp) => t.db.select().from(inboundMessages).orderBy(inboundMessages.id);

// Small but real: a PNG's signature and a JPEG's, which is all a browser needs to say which it is.
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 4, 5, 6, 7]);

async function studio() {
  const st = await s.studio();
  const b = await signedInOwner(st.t);
  return { ...st, b };
}

/** Reads an SSE response's events until `done` says so (the condition decides, never a timer). */
async function readEvents(res: Response, done: (events: { event: string; data: string }[]) => boolean) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: string }[] = [];
  let buffer = "";
  while (!done(events)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += decoder.decode(value, { stream: true });
    let cut = buffer.indexOf("\n\n");
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join("\n");
      if (data || event !== "message") events.push({ event, data });
      cut = buffer.indexOf("\n\n");
    }
  }
  await reader.cancel();
  return events;
}

describe("replies reach the inbox", () => {
  test("a free-text reply lands in the inbox unread, counted in the navigation, grouped under the customer", async () => {
    const { t, b, people } = await studio();
    const anna = people[0]!;
    expect((await b.get("/inbox/unread")).text).toBe("");
    const res = await post(
      t,
      s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Can we bring the dog?" }),
    );
    expect(res.status).toBe(200);
    const [r] = await replies(t);
    expect(r).toMatchObject({ customerId: anna.id, handledAs: "inbox", readAt: null, archivedAt: null });
    expect((await b.get("/inbox/unread")).text).toContain(">1<");
    const page = await b.get("/inbox");
    expect(page.status).toBe(200);
    const text = pageText(page.text);
    expect(text).toContain("Anna");
    expect(text).toContain("Can we bring the dog?");
    expect(text).toContain("1 new");
    expect(page.text).toContain(`href="/inbox/customer/${anna.id}"`);
    // The navigation names the inbox on every staff page.
    expect(page.text).toContain('href="/inbox"');
  });

  test("a STOP reply is shown too, marked as handled automatically, and is not unread work", async () => {
    const { t, b, people } = await studio();
    await post(t, s.twilio.inboundSms(INBOUND, { from: people[1]!.phone, to: STUDIO, body: "STOP" }));
    const text = pageText((await b.get("/inbox")).text);
    expect(text).toContain("Ben");
    expect(text).toContain("Opted out of texts (STOP) automatically");
    expect((await b.get("/inbox/unread")).text).toBe("");
  });

  test("an unknown number gets a conversation of its own, by its number", async () => {
    const { t, b } = await studio();
    await post(t, s.twilio.inboundSms(INBOUND, { from: "+17775550123", to: STUDIO, body: "Who is this?" }));
    const list = await b.get("/inbox");
    expect(pageText(list.text)).toContain("+17775550123 · unknown number");
    const conv = await b.get(`/inbox/from/${encodeURIComponent("+17775550123")}`);
    expect(conv.status).toBe(200);
    expect(pageText(conv.text)).toContain("Who is this?");
    expect((await b.get(`/inbox/from/${encodeURIComponent("+17775550199")}`)).status).toBe(404);
  });
});

describe("MMS media", () => {
  test("two pictures are fetched with the account's credentials and kept; a failed one keeps the reply with its error; Twilio's retry stores nothing twice", async () => {
    const { t, b, people } = await studio();
    const mms = s.twilio.inboundMms(INBOUND, {
      from: people[2]!.phone,
      to: STUDIO,
      body: "Our outfits",
      media: [
        { contentType: "image/png", bytes: PNG },
        { contentType: "image/jpeg", bytes: JPEG },
        { contentType: "image/jpeg", status: 404 },
      ],
    });
    const fetchesBefore = s.twilio.mediaFetches.length;
    expect((await post(t, mms)).status).toBe(200);
    const [reply] = await replies(t);
    expect(reply!.body).toBe("Our outfits");
    const media = await t.db
      .select()
      .from(inboundMedia)
      .where(eq(inboundMedia.inboundMessageId, reply!.id))
      .orderBy(inboundMedia.id);
    expect(media).toHaveLength(3);
    expect(media[0]).toMatchObject({ contentType: "image/png", sizeBytes: PNG.length, error: null });
    expect(new Uint8Array(media[0]!.content!)).toEqual(PNG);
    expect(new Uint8Array(media[1]!.content!)).toEqual(JPEG);
    expect(media[2]!.content).toBeNull();
    expect(media[2]!.error).toContain("HTTP 404");
    expect(media[2]!.sourceUrl).toBe(mms.params.MediaUrl2!);
    expect(s.twilio.mediaFetches.length - fetchesBefore).toBe(3);

    // Twilio retries the same webhook: still one reply, three media, and nothing fetched again.
    expect((await post(t, mms)).status).toBe(200);
    expect(await replies(t)).toHaveLength(1);
    expect(await t.db.select().from(inboundMedia)).toHaveLength(3);
    expect(s.twilio.mediaFetches.length - fetchesBefore).toBe(3);

    // The thread shows the pictures inline and says what could not be kept.
    const conv = await b.get(`/inbox/customer/${people[2]!.id}`);
    expect(conv.text).toContain(`<img src="/inbox/media/${media[0]!.id}"`);
    expect(conv.text).toContain(`<img src="/inbox/media/${media[1]!.id}"`);
    expect(pageText(conv.text)).toContain("could not be kept: Twilio answered HTTP 404");

    // The staff-only media route: the bytes, inline only for a picture, never sniffed.
    const img = await b.request(`/inbox/media/${media[0]!.id}`);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(img.headers.get("x-content-type-options")).toBe("nosniff");
    expect(img.headers.get("content-disposition")).toStartWith("inline;");
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(PNG);
    expect((await b.request(`/inbox/media/${media[2]!.id}`)).status).toBe(404);
    expect((await t.browser().request(`/inbox/media/${media[0]!.id}`)).status).toBe(303);
  });

  test("a file that is not a picture is a download, whatever type the sender claimed", async () => {
    const { t, b, people } = await studio();
    await post(
      t,
      s.twilio.inboundMms(INBOUND, {
        from: people[3]!.phone,
        to: STUDIO,
        body: "",
        media: [
          { contentType: "image/svg+xml", bytes: new TextEncoder().encode("<svg><script>alert(1)</script></svg>") },
        ],
      }),
    );
    const [m] = await t.db.select().from(inboundMedia);
    const res = await b.request(`/inbox/media/${m!.id}`);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toStartWith("attachment;");
  });
});

describe("reading and archiving", () => {
  test("opening a conversation shows the thread; its POST marks the replies read; archive moves it to the Archived view", async () => {
    const { t, b, people, dispatcher } = await studio();
    const anna = people[0]!;
    await s.message(t, [anna], "sms", "Your session is tomorrow at 10");
    await dispatcher().tick();
    t.setNow(new Date(noon.getTime() + 60_000));
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Could we make it 11?" }));
    const href = `/inbox/customer/${anna.id}`;
    const conv = await b.get(href);
    const text = pageText(conv.text);
    // Our message first, then her reply: one thread in time order.
    expect(text.indexOf("Your session is tomorrow at 10")).toBeLessThan(text.indexOf("Could we make it 11?"));
    // Opening is a GET and changes nothing; the page then posts /read (htmx on load, or the button).
    expect((await replies(t))[0]!.readAt).toBeNull();
    const upto = String((await replies(t))[0]!.id);
    expect(conv.text).toContain(`hx-post="${href}/read?upto=${upto}"`);
    const read = await b.post(`${href}/read`, { upto });
    expect(read.status).toBe(303);
    expect((await replies(t))[0]!.readAt).not.toBeNull();
    expect((await b.get("/inbox/unread")).text).toBe("");

    expect((await b.post(`${href}/archive`, { upto })).location).toBe("/inbox?done=archived");
    expect(pageText((await b.get("/inbox")).text)).not.toContain("Could we make it 11?");
    expect(pageText((await b.get("/inbox?archived=1")).text)).toContain("Could we make it 11?");
    // Archived, not gone: still in the customer's history.
    expect(pageText((await b.get(`/customers/${anna.id}`)).text)).toContain("Could we make it 11?");
    // A new reply brings the conversation back.
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Or 12?" }));
    expect(pageText((await b.get("/inbox")).text)).toContain("Or 12?");
  });

  test("archive and read are POSTs behind CSRF; a bad page number is answered 400 naming it", async () => {
    const { t, b, people } = await studio();
    await post(t, s.twilio.inboundSms(INBOUND, { from: people[0]!.phone, to: STUDIO, body: "Hi" }));
    expect((await b.post(`/inbox/customer/${people[0]!.id}/archive`, { upto: "999" }, { csrf: null })).status).toBe(
      403,
    );
    expect((await replies(t))[0]!.archivedAt).toBeNull();
    const bad = await b.get("/inbox?page=abc");
    expect(bad.status).toBe(400);
    expect(pageText(bad.text)).toContain("page must be a page number from 1");
    expect((await b.get("/inbox/customer/999999")).status).toBe(404);
  });
});

describe("answering from the inbox", () => {
  async function answered() {
    const st = await studio();
    await post(st.t, s.twilio.inboundSms(INBOUND, { from: st.people[0]!.phone, to: STUDIO, body: "Is parking free?" }));
    return st;
  }

  test("an answer is a one-time message to that one customer: it reaches the fake Twilio once, through the outbox", async () => {
    const { t, b, people, dispatcher } = await answered();
    const anna = people[0]!;
    const href = `/inbox/customer/${anna.id}`;
    const page = await b.get(href);
    const res = await b.post(`${href}/reply`, {
      answer_token: crypto.randomUUID(),
      upto: page.text.match(/name="upto" value="(\d+)"/)![1]!,
      channel: "sms",
      body: "Yes, {{customer.first_name}}, behind the studio.",
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${href}?sent=1`);
    const [m] = await t.db.select().from(messages);
    expect(m).toMatchObject({ status: "scheduled", channels: ["sms"], filters: { customer_ids: [anna.id] } });
    // Answering reads the conversation.
    expect((await replies(t))[0]!.readAt).not.toBeNull();

    expect((await runOneTimeMessages(t.deps, noon)).started).toBe(1);
    const d = dispatcher();
    await d.tick();
    await d.tick();
    const sent = s.twilio.sent.filter((x) => x.to === anna.phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain("Yes, Anna, behind the studio.");
    const [row] = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
    expect(row).toMatchObject({ status: "sent", customerId: anna.id, channel: "sms" });
    // The thread shows the answer as ours.
    expect(pageText((await b.get(href)).text)).toContain("Yes, Anna, behind the studio.");
  });

  test("an answer to a number that opted out is skipped with the reason, not sent", async () => {
    const { t, b, people, dispatcher } = await answered();
    const anna = people[0]!;
    await suppress(
      t.db,
      { channel: "sms", address: anna.phone, reason: "stop_keyword", source: "test", customerId: anna.id },
      noon,
    );
    const href = `/inbox/customer/${anna.id}`;
    await b.get(href);
    expect(
      (
        await b.post(`${href}/reply`, {
          answer_token: crypto.randomUUID(),
          channel: "sms",
          body: "Sorry to see you go",
        })
      ).status,
    ).toBe(303);
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();
    expect(s.twilio.sent.filter((x) => x.to === anna.phone)).toHaveLength(0);
    const [row] = await t.db.select().from(deliveries);
    expect(row).toMatchObject({ status: "skipped", customerId: anna.id });
    expect(row!.skipReason).toBeTruthy();
    const thread = pageText((await b.get(href)).text);
    expect(thread).toContain("Sorry to see you go");
    expect(thread).toContain("Skipped");
    expect(thread).toContain("Replied STOP");
  });

  test("bad answers are refused with a specific error and the text kept; nothing is written", async () => {
    const { t, b, people } = await answered();
    const href = `/inbox/customer/${people[0]!.id}`;
    await b.get(href);
    const empty = await b.post(`${href}/reply`, { answer_token: crypto.randomUUID(), channel: "sms", body: "  " });
    expect(empty.status).toBe(422);
    expect(pageText(empty.text)).toContain("Write the SMS text");
    const long = "x".repeat(1601);
    const tooLong = await b.post(`${href}/reply`, { answer_token: crypto.randomUUID(), channel: "sms", body: long });
    expect(tooLong.status).toBe(422);
    expect(pageText(tooLong.text)).toContain("An SMS can hold at most 1,600 characters");
    expect(tooLong.text).toContain(long);
    const unknownPlaceholder = await b.post(`${href}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "sms",
      body: "Hi {{customer.shoe_size}}",
    });
    expect(unknownPlaceholder.status).toBe(422);
    expect(unknownPlaceholder.text).toContain("Hi {{customer.shoe_size}}");
    const badChannel = await b.post(`${href}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "voice",
      body: "Hello",
    });
    expect(badChannel.status).toBe(422);
    expect(pageText(badChannel.text)).toContain("choose SMS or e-mail");
    const noSubject = await b.post(`${href}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "email",
      body: "Hello",
    });
    expect(noSubject.status).toBe(422);
    expect(pageText(noSubject.text)).toContain("An e-mail needs a subject");
    expect(await t.db.select().from(messages)).toHaveLength(0);
  });
});

describe("live updates", () => {
  test("a new reply reaches an open inbox list over SSE, and an open conversation too", async () => {
    const { t, b, people } = await studio();
    const page = await b.get("/inbox");
    const live = /data-sse-connect="([^"]+)"/.exec(page.text)![1]!.replaceAll("&amp;", "&");
    expect(live).toStartWith("/inbox/events?");
    // The reply arrives after the page was drawn, before the browser connects: not missed.
    await post(t, s.twilio.inboundSms(INBOUND, { from: people[1]!.phone, to: STUDIO, body: "Running 5 minutes late" }));
    const res = await b.request(live);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = await readEvents(res, (es) => es.some((e) => e.data.includes("Running 5 minutes late")));
    const list = events.find((e) => e.event === "message")!;
    expect(list.data).toContain('id="inbox-list"');
    expect(list.data).toContain("1 new");

    const href = `/inbox/customer/${people[1]!.id}`;
    const conv = await b.get(href);
    const threadLive = /data-sse-connect="([^"]+)"/.exec(conv.text)![1]!.replaceAll("&amp;", "&");
    expect(threadLive).toStartWith(`${href}/events?v=`);
    const stream = await b.request(threadLive);
    const reading = readEvents(stream, (es) => es.some((e) => e.data.includes("Parking now")));
    await post(t, s.twilio.inboundSms(INBOUND, { from: people[1]!.phone, to: STUDIO, body: "Parking now" }));
    const threadEvents = await reading;
    expect(threadEvents.at(-1)!.data).toContain('id="thread"');
  });

  test("a live view answers at once with a comment, so its headers arrive before any news or keep-alive", async () => {
    const { t, b, people } = await studio();
    await post(t, s.twilio.inboundSms(INBOUND, { from: people[1]!.phone, to: STUDIO, body: "Hello?" }));
    for (const path of ["/inbox", `/inbox/customer/${people[1]!.id}`]) {
      const page = await b.get(path);
      const live = /data-sse-connect="([^"]+)"/.exec(page.text)![1]!.replaceAll("&amp;", "&");
      const reader = (await b.request(live)).body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      expect(first).toBe(": connected\n\n");
    }
  });

  test("a thread pushed over SSE (maybe into a background tab) does not mark itself read", async () => {
    const { t, b, people } = await studio();
    await post(t, s.twilio.inboundSms(INBOUND, { from: people[1]!.phone, to: STUDIO, body: "Hello?" }));
    const href = `/inbox/customer/${people[1]!.id}`;
    const conv = await b.get(href);
    // The page staff opened marks what it shows read.
    expect(conv.text).toContain(`hx-post="${href}/read?upto=`);
    const threadLive = /data-sse-connect="([^"]+)"/.exec(conv.text)![1]!.replaceAll("&amp;", "&");
    const reading = readEvents(await b.request(threadLive), (es) => es.some((e) => e.data.includes("Parking now")));
    await post(t, s.twilio.inboundSms(INBOUND, { from: people[1]!.phone, to: STUDIO, body: "Parking now" }));
    const pushed = (await reading).at(-1)!.data;
    expect(pushed).toContain("Parking now");
    expect(pushed).not.toContain(`${href}/read`);
  });
});

describe("alerts", () => {
  test("a customer's cancellation is an alert in the inbox and on the dashboard until someone presses Seen", async () => {
    const { t, b, people } = await studio();
    const [a] = await t.db
      .insert(appointments)
      .values({ customerId: people[0]!.id, startsAt: new Date(noon.getTime() + 86_400_000), status: "cancelled" })
      .returning();
    await recordAppointmentChange(
      t.db,
      { appointmentId: a!.id, fromStatus: "scheduled", toStatus: "cancelled" },
      noon,
      {
        source: "sms",
      },
    );
    const [change] = await t.db.select().from(appointmentChanges);
    for (const path of ["/inbox", "/"]) {
      const text = pageText((await b.get(path)).text);
      expect(text).toContain("Anna");
      expect(text).toContain("cancelled the appointment of");
      expect(text).toContain("by SMS reply");
    }
    const bad = await b.post("/inbox/alerts/seen", { id: "x" });
    expect(bad.status).toBe(422);
    const seen = await b.post("/inbox/alerts/seen", { id: String(change!.id), back: "/" });
    expect(seen.location).toBe("/");
    expect(pageText((await b.get("/")).text)).not.toContain("cancelled the appointment of");
    expect(pageText((await b.get("/inbox")).text)).not.toContain("cancelled the appointment of");
  });
});

describe("GET /api/v1/inbox", () => {
  test("replies with customer, appointment, body, media and read state; unread=true; paginated; a bad query is a 400 naming the field", async () => {
    const { t, b, people } = await studio();
    const { key } = await createApiKey(t.db, "crm", null);
    const api = (q: string) => t.app.request(`/api/v1/inbox${q}`, { headers: { Authorization: `Bearer ${key}` } });
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "First" }));
    await post(
      t,
      s.twilio.inboundMms(INBOUND, {
        from: anna.phone,
        to: STUDIO,
        body: "Second",
        media: [{ contentType: "image/png", bytes: PNG }],
      }),
    );
    await post(t, s.twilio.inboundSms(INBOUND, { from: people[1]!.phone, to: STUDIO, body: "STOP" }));

    const all = await (await api("")).json();
    expect(all.data.map((r: { body: string }) => r.body)).toEqual(["STOP", "Second", "First"]);
    const second = all.data[1];
    expect(second).toMatchObject({
      customer_id: anna.id,
      appointment_id: null,
      body: "Second",
      read: false,
      handled_as: "inbox",
    });
    expect(second.received_at).toBe(noon.toISOString());
    expect(second.media).toEqual([
      {
        id: expect.any(Number),
        content_type: "image/png",
        size: PNG.length,
        url: `/inbox/media/${second.media[0].id}`,
        error: null,
      },
    ]);
    expect(all.data[0]).toMatchObject({ handled_as: "stop", read: true, answer: null });

    await b.get(`/inbox/customer/${anna.id}`);
    await b.post(`/inbox/customer/${anna.id}/read`, { upto: "999999999" });
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Third" }));
    const unread = await (await api("?unread=true")).json();
    expect(unread.data.map((r: { body: string }) => r.body)).toEqual(["Third"]);

    const page1 = await (await api("?limit=2")).json();
    expect(page1.data).toHaveLength(2);
    const page2 = await (await api(`?limit=2&before=${page1.next_before}`)).json();
    expect(page2.data.map((r: { body: string }) => r.body)).toEqual(["Second", "First"]);
    expect(page2.next_before).toBeNull();

    for (const [q, field] of [
      ["?unread=yes", "unread"],
      ["?limit=0", "limit"],
      ["?before=abc", "before"],
      ["?unraed=true", "unraed"],
    ] as const) {
      const res = await api(q);
      expect(res.status).toBe(400);
      // Once, under its own name: not again under "_" as a problem of the whole query.
      expect(Object.keys((await res.json()).error.fields)).toEqual([field]);
    }
    expect((await t.app.request("/api/v1/inbox")).status).toBe(401);
  });
});

describe("fetching media", () => {
  test("a picture over the size cap, one too slow, and an address that is not Twilio's are each kept as an error, never fetched with the credentials elsewhere", async () => {
    const opts = { accountSid: s.twilio.accountSid, authToken: s.twilio.authToken, baseUrl: s.twilio.url! };
    const mms = s.twilio.inboundMms(INBOUND, {
      from: "+17775550100",
      to: STUDIO,
      body: "",
      media: [{ contentType: "image/png", bytes: PNG }],
    });
    const item = { url: mms.params.MediaUrl0!, contentType: "image/png" };
    const [big] = await fetchTwilioMedia([item], { ...opts, maxBytes: 4 });
    expect(big).toMatchObject({ content: null, sourceUrl: item.url });
    expect(big!.error).toContain("larger than");
    const [elsewhere] = await fetchTwilioMedia(
      [{ url: "https://evil.test/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", contentType: "image/png" }],
      opts,
    );
    expect(elsewhere!.error).toBe("not a Twilio media address, so it was not fetched");
    s.twilio.latencyMs = 2_000;
    try {
      const [slow] = await fetchTwilioMedia([item], { ...opts, timeoutMs: 50 });
      expect(slow!.error).toBe("not fetched within 0.05 s");
    } finally {
      s.twilio.latencyMs = 0;
    }
    const [ok] = await fetchTwilioMedia([item], opts);
    expect(new Uint8Array(ok!.content!)).toEqual(PNG);
  });

  test("an answer to a number Pigeon does not know goes to that number, through the outbox", async () => {
    const { t, b, dispatcher } = await studio();
    const stranger = "+12175550123";
    await post(t, s.twilio.inboundSms(INBOUND, { from: stranger, to: STUDIO, body: "Do you do pets?" }));
    const href = `/inbox/from/${encodeURIComponent(stranger)}`;
    await b.get(href);
    const res = await b.post(`${href}/reply`, { answer_token: crypto.randomUUID(), channel: "sms", body: "We do!" });
    expect(res.status, pageText(res.text).slice(-600)).toBe(303);
    expect(res.location).toBe(`${href}?sent=1`);
    const [m] = await t.db.select().from(messages);
    expect(m!.toAddress).toBe(stranger);
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();
    expect(s.twilio.sent.filter((x) => x.to === stranger).map((x) => x.body)).toEqual([
      expect.stringContaining("We do!"),
    ]);
    expect(pageText((await b.get(href)).text)).toContain("We do!");
  });
});

// Outside review (issue 13): what an inbox button does is what staff saw and meant. These guard
// that an answer is sent once however often its form is sent (a one-time token), that Archive and
// Mark read never take a reply that came after the page was shown (upto), that alerts after a busy
// day show the newest and say how many more, that an answer is checked for its one customer's
// placeholder values before it is accepted, that an unknown number's live thread sees our answer,
// and that a number which became a customer's is answered with that customer's consent.

const answerToken = (html: string) => html.match(/name="answer_token" value="([^"]*)"/)?.[1] ?? "";

describe("an answer goes out once", () => {
  test("the same answer form sent twice at once, and again later, makes one message and one text", async () => {
    const { t, b, people, dispatcher } = await studio();
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
    const href = `/inbox/customer/${anna.id}`;
    const page = await b.get(href);
    const form = { channel: "sms", body: "Yes, behind the studio.", answer_token: answerToken(page.text) };
    const [r1, r2] = await Promise.all([b.post(`${href}/reply`, form), b.post(`${href}/reply`, form)]);
    expect([r1.status, r2.status]).toEqual([303, 303]);
    // A retry long after: the same again, and the page says it went once.
    const r3 = await b.post(`${href}/reply`, form);
    expect(r3.location).toBe(`${href}?sent=again`);
    expect(pageText((await b.get(r3.location!)).text)).toContain("already sent");
    expect(await t.db.select().from(messages)).toHaveLength(1);
    await runOneTimeMessages(t.deps, noon);
    const d = dispatcher();
    await d.tick();
    await d.tick();
    const sent = s.twilio.sent.filter((x) => x.to === anna.phone);
    expect(sent.map((x) => x.body)).toHaveLength(1);
  });

  test("an answer without a valid one-time token is refused with 400, its text kept, and nothing written", async () => {
    const { t, b, people } = await studio();
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
    const href = `/inbox/customer/${anna.id}`;
    await b.get(href);
    for (const answer_token of [undefined, "", "not-a-token", "x".repeat(5000)]) {
      const form: Record<string, string> = { channel: "sms", body: "Yes, behind the studio." };
      if (answer_token !== undefined) form.answer_token = answer_token;
      const res = await b.post(`${href}/reply`, form);
      expect(res.status).toBe(400);
      expect(pageText(res.text)).toContain("one-time token");
      expect(res.text).toContain("Yes, behind the studio.");
      // The page offers a fresh token to send it again.
      expect(answerToken(res.text)).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(await t.db.select().from(messages)).toHaveLength(0);
  });
});

describe("Archive and Mark read act on what the page showed", () => {
  test("a reply that arrived after the page was shown stays in the inbox, unread, through Archive and Mark read", async () => {
    const { t, b, people } = await studio();
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
    const href = `/inbox/customer/${anna.id}`;
    const shown = await b.get(href);
    expect(pageText(shown.text)).toContain("Is parking free?");
    // While the page is open, she writes again; staff never saw this one.
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Also, can I bring my dog?" }));
    const upto = shown.text.match(/name="upto" value="(\d+)"/)![1]!;
    expect((await b.post(`${href}/archive`, { upto })).status).toBe(303);
    const rows = await t.db.select().from(inboundMessages).orderBy(inboundMessages.id);
    const unseen = rows.find((r) => r.body === "Also, can I bring my dog?")!;
    // Expected: the unseen reply stays in the inbox, unread (or Archive is refused/asks again).
    expect({ archived: unseen.archivedAt !== null, read: unseen.readAt !== null }).toEqual({
      archived: false,
      read: false,
    });
    // Mark read and the thread's own read trigger act up to what was shown too.
    expect((await b.post(`${href}/read`, { upto })).status).toBe(303);
    const after = await t.db.select().from(inboundMessages).where(eq(inboundMessages.id, unseen.id));
    expect(after[0]!.readAt).toBeNull();
  });

  // Guards what an outside review (round 2) found: a thread open in the browser showed a new reply
  // live, but its Archive, Mark read and answer forms kept the `upto` of the page as first drawn,
  // so the one reply staff had just read on screen was the one Archive left behind, unread.
  test("a reply shown live moves every button's upto with it: Archive then takes the reply on screen", async () => {
    const { t, b, people } = await studio();
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
    const href = `/inbox/customer/${anna.id}`;
    const page = await b.get(href);
    const first = String((await replies(t))[0]!.id);
    for (const id of ["upto-read", "upto-archive", "upto-reply"])
      expect(page.text).toContain(`id="${id}" name="upto" value="${first}"`);
    const live = /data-sse-connect="([^"]+)"/.exec(page.text)![1]!.replaceAll("&amp;", "&");
    const reading = readEvents(await b.request(live), (es) => es.some((e) => e.data.includes("can I bring my dog?")));
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Also, can I bring my dog?" }));
    const pushed = (await reading).at(-1)!.data;
    // The same message that shows the reply replaces each form's upto, out of band, by its id.
    const newest = String((await replies(t)).at(-1)!.id);
    expect(newest).not.toBe(first);
    for (const id of ["upto-read", "upto-archive", "upto-reply"])
      expect(pushed).toContain(`id="${id}" name="upto" value="${newest}" hx-swap-oob="true"`);
    // Staff read it on screen and press Archive: the form now says the newest reply.
    const archiveUpto = new RegExp(`id="upto-archive" name="upto" value="(\\d+)"`).exec(pushed)![1]!;
    expect((await b.post(`${href}/archive`, { upto: archiveUpto })).status).toBe(303);
    expect((await replies(t)).filter((r) => r.archivedAt === null).map((r) => r.body)).toEqual([]);
  });

  test("Archive and Mark read without the shown reply id are refused with 400, changing nothing", async () => {
    const { t, b, people } = await studio();
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
    const href = `/inbox/customer/${anna.id}`;
    await b.get(href);
    for (const action of ["archive", "read"])
      for (const upto of [undefined, "", "-1", "abc", "1".repeat(30)]) {
        const res = await b.post(`${href}/${action}`, upto === undefined ? {} : { upto });
        expect(res.status).toBe(400);
        expect(pageText(res.text)).toContain("which replies the page showed");
      }
    const [row] = await t.db.select().from(inboundMessages);
    expect({ read: row!.readAt, archived: row!.archivedAt }).toEqual({ read: null, archived: null });
  });
});

describe("alerts after a busy day", () => {
  test('with more than 50 unseen, the newest are shown with "and N more", and All shown seen marks exactly those', async () => {
    const { t, b, people } = await studio();
    const cancel = async (customerId: number, at: Date) => {
      const [a] = await t.db
        .insert(appointments)
        .values({ customerId, startsAt: new Date(noon.getTime() + 86_400_000), status: "cancelled" })
        .returning();
      await recordAppointmentChange(
        t.db,
        { appointmentId: a!.id, fromStatus: "scheduled", toStatus: "cancelled" },
        at,
        {
          source: "sms",
        },
      );
    };
    // 55 cancellations by Anna over the morning, then one by Ben just now.
    for (let i = 0; i < 55; i++) await cancel(people[0]!.id, new Date(noon.getTime() - (60 - i) * 60_000));
    await cancel(people[1]!.id, noon);
    for (const path of ["/inbox", "/"]) {
      const text = pageText((await b.get(path)).text);
      expect(text).toContain("Anna");
      // Ben's cancellation is the newest and unseen: it must not be hidden behind older ones.
      expect(text.includes("Ben") || /more|\b56\b/.test(text), `${path} hides Ben's cancellation`).toBe(true);
      expect(text).toContain("and 6 more (56 unseen in all)");
    }
    // "All shown seen" marks exactly the 50 shown (the newest), never the 6 hidden ones.
    const page = await b.get("/inbox");
    const form = page.text.match(/<form[^>]*alerts\/seen[^>]*>(?:(?!<\/form>).)*All 50 shown seen/s)![0];
    const ids = [...form.matchAll(/name="id" value="(\d+)"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(50);
    const body = new URLSearchParams(ids.map((id) => ["id", id]));
    body.set("back", "/inbox");
    body.set("_csrf", b.csrf);
    const res = await b.request("/inbox/alerts/seen", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
    });
    expect(res.status).toBe(303);
    const left = await unseenAlerts(t.db);
    expect(left).toHaveLength(6);
    expect(Math.max(...left.map((a) => a.id))).toBeLessThan(Math.min(...ids.map(Number)));
  });
});

describe("placeholders in an answer", () => {
  test("a placeholder the one customer has no value for is refused at once with 422, not accepted and then skipped", async () => {
    const { t, b, people, dispatcher } = await studio();
    const anna = people[0]!;
    await t.db.update(customers).set({ lastName: "" }).where(eq(customers.id, anna.id));
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "Is parking free?" }));
    const href = `/inbox/customer/${anna.id}`;
    await b.get(href);
    const res = await b.post(`${href}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "sms",
      body: "Yes, Ms {{customer.last_name}}.",
    });
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();
    const rows = await t.db.select().from(deliveries);
    // What happens: 303 "Your answer is in the outbox: it goes out within seconds", then the
    // delivery is skipped as missing:customer.last_name and nothing reaches her.
    expect({ status: res.status, skipped: rows.map((d) => d.skipReason) }).toEqual({ status: 422, skipped: [] });
    expect(pageText(res.text)).toContain("{{customer.last_name}} has no value for Anna");
    expect(res.text).toContain("Yes, Ms {{customer.last_name}}.");
    expect(await t.db.select().from(messages)).toHaveLength(0);
    // With a fallback it goes.
    const ok = await b.post(`${href}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "sms",
      body: 'Yes, Ms {{customer.last_name | "Anna"}}.',
    });
    expect(ok.status).toBe(303);
  });

  test("an appointment placeholder in an answer is refused with advice that fits an answer", async () => {
    const { t, b, people } = await studio();
    const anna = people[0]!;
    await post(t, s.twilio.inboundSms(INBOUND, { from: anna.phone, to: STUDIO, body: "When is it?" }));
    const href = `/inbox/customer/${anna.id}`;
    await b.get(href);
    const res = await b.post(`${href}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "sms",
      body: "It is on {{appointment.date}}.",
    });
    expect(res.status).toBe(422);
    const text = pageText(res.text);
    expect(text).toContain("an answer is not about one appointment. Write the date and time out");
    expect(text).not.toContain("under Recipients");
    expect(res.text).toContain("It is on {{appointment.date}}.");
    expect(await t.db.select().from(messages)).toHaveLength(0);
  });
});

describe("an unknown number's conversation", () => {
  test("its live version changes when our answer to the number moves on", async () => {
    const { t, b, dispatcher } = await studio();
    const stranger = "+12175550123";
    await post(t, s.twilio.inboundSms(INBOUND, { from: stranger, to: STUDIO, body: "Do you do pets?" }));
    const href = `/inbox/from/${encodeURIComponent(stranger)}`;
    expect(
      (await b.post(`${href}/reply`, { answer_token: crypto.randomUUID(), channel: "sms", body: "We do!" })).status,
    ).toBe(303);
    await runOneTimeMessages(t.deps, noon);
    const before = await threadVersion(t.db, { from: stranger });
    await dispatcher().tick();
    const [d] = await t.db.select().from(deliveries);
    expect(d!.status).toBe("sent");
    // A customer's thread changes version when a delivery moves; this one never does, so a
    // second tab (or the SSE of this one) never shows the answer or its status.
    expect(await threadVersion(t.db, { from: stranger })).not.toBe(before);
  });
});

describe("a number that became a customer's", () => {
  test("an answer to its old conversation goes to the customer, with their consent; the inbox says whose number it is", async () => {
    const { t, b, dispatcher } = await studio();
    const stranger = "+12175550177";
    await post(t, s.twilio.inboundSms(INBOUND, { from: stranger, to: STUDIO, body: "Do you do pets?" }));
    // Staff add the sender as a customer, who has not agreed to texts.
    await createCustomer(t.db, { first_name: "Zed", phone: stranger, consent: { sms: false } }, "test", noon);
    const list = pageText((await b.get("/inbox")).text);
    const res = await b.post(`/inbox/from/${encodeURIComponent(stranger)}/reply`, {
      answer_token: crypto.randomUUID(),
      channel: "sms",
      body: "We do!",
    });
    await runOneTimeMessages(t.deps, noon);
    await dispatcher().tick();
    // What happens: 303, and "We do! Reply STOP to opt out." reaches Zed without SMS consent,
    // because the answer goes to a typed-in address; the inbox still says "unknown number".
    expect({
      status: res.status,
      sent: s.twilio.sent.filter((x) => x.to === stranger).length,
      unknown: list.includes("unknown number"),
    }).toEqual({ status: 303, sent: 0, unknown: false });
    expect(list).toContain("now Zed's number");
    // The answer went to Zed as a customer, and was skipped for the missing consent.
    const [d] = await t.db.select().from(deliveries);
    expect(d).toMatchObject({ status: "skipped", customerId: expect.any(Number) });
    const conv = pageText((await b.get(`/inbox/from/${encodeURIComponent(stranger)}`)).text);
    expect(conv).toContain("it is now the number of Zed");
    expect(conv).not.toContain("not a customer in Pigeon");
    // The number's thread shows the answer (and why it did not go).
    expect(conv).toContain("We do!");
  });
});
