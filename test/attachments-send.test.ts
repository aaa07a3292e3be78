// Attachments and MMS pictures on the send path (SPEC T5, D3, D4): an e-mail with attachments goes
// alone to POST /emails under its delivery's key (Resend's batch endpoint refuses attachments), the
// bytes Resend receives are the uploaded file's, an unknown outcome is replayed under the same key
// and sends once; an SMS carries its pictures as MediaUrl addresses Twilio can fetch from /media,
// to US and Canadian numbers only. The real SDKs talk to the local fakes.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { mmsReaches } from "../src/core/attachments.ts";
import { deliveryKey } from "../src/core/delivery-key.ts";
import { setContentFiles } from "../src/db/content-files.ts";
import { createCustomer } from "../src/db/customers.ts";
import { storeFile } from "../src/db/files.ts";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import {
  contentFiles,
  customers,
  deliveries,
  deliveryEvents,
  messages,
  phoneLookups,
  rateBudgets,
} from "../src/db/schema.ts";
import { updateSettings } from "../src/db/settings.ts";
import { later, noon, sendStudio } from "./support/send-studio.ts";
import { until } from "./support/until.ts";
import { PDF_HEAD, PNG_1X1 } from "./support/sample-files.ts";
import { signedInOwner, type TestApp } from "./support/app.ts";
import { postForm } from "./support/forms.ts";

const { resend, twilio, studio, message, stop } = sendStudio();
afterAll(stop);

let before = { email: 0, requests: 0, sms: 0 };
beforeEach(() => {
  before = { email: resend.sent.length, requests: resend.requests.length, sms: twilio.sent.length };
});
const emails = () => resend.sent.slice(before.email);
const requests = () => resend.requests.slice(before.requests);
const texts = () => twilio.sent.slice(before.sms);

/** A PDF a little larger than the sample, so its bytes are worth comparing. */
const pdf = new Uint8Array([...PDF_HEAD, ...Array.from({ length: 3000 }, (_, i) => i % 251)]);

async function upload(t: TestApp, bytes: Uint8Array, name: string, kind: "pdf" | "png") {
  return storeFile(t.db, { bytes, originalName: name, kind, userId: null }, noon);
}

describe("e-mail attachments", () => {
  test("an e-mail with a PDF goes alone to POST /emails with the file's exact bytes; one without goes in a batch", async () => {
    const { t, people, dispatcher } = await studio();
    const file = await upload(t, pdf, "Price list.pdf", "pdf");
    const withFile = await message(t, people.slice(0, 2), "email", "Our prices are attached");
    await setContentFiles(t.db, { messageId: withFile.id }, "attachment", [file.id]);
    await message(t, people.slice(2, 4), "email", "Plain news");
    await dispatcher().tick();

    const got = emails();
    expect(got).toHaveLength(4);
    const attached = got.filter((e) => e.attachments?.length);
    expect(attached.map((e) => e.to[0]).sort()).toEqual([people[0]!.email, people[1]!.email].sort());
    for (const e of attached) {
      expect(e.batch).toBe(false);
      expect(e.attachments).toHaveLength(1);
      expect(e.attachments![0]!.filename).toBe("Price list.pdf");
      expect(e.attachments![0]!.content_type).toBe("application/pdf");
      expect(e.attachments![0]!.content.equals(Buffer.from(pdf))).toBe(true);
    }
    expect(got.filter((e) => !e.attachments?.length).every((e) => e.batch)).toBe(true);
    // Each single send is under its own delivery's key, as a batch is under its members' keys.
    const rows = await t.db.select().from(deliveries).where(eq(deliveries.messageId, withFile.id));
    const singles = requests().filter((r) => r.path === "/emails");
    expect(singles).toHaveLength(2);
    for (const r of singles) {
      const d = rows.find((x) => r.headers["idempotency-key"]!.endsWith(`/${x.deliveryKey}`));
      expect(d).toBeDefined();
      expect(d!.status).toBe("sent");
    }
    expect(requests().filter((r) => r.path === "/emails/batch")).toHaveLength(1);
  });

  test("a single send whose answer is lost is replayed under the same key: sent once, then acknowledged", async () => {
    const { t, people, dispatcher } = await studio();
    const file = await upload(t, pdf, "Form.pdf", "pdf");
    const m = await message(t, people.slice(0, 1), "email", "Please sign the form");
    await setContentFiles(t.db, { messageId: m.id }, "attachment", [file.id]);
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    expect(emails()).toHaveLength(1); // Resend sent it; Pigeon never heard
    const [unknown] = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m.id));
    expect(unknown!.status).not.toBe("sent");
    expect(unknown!.attemptStartedAt).not.toBeNull();

    t.setNow(later(60_000));
    await dispatcher("w2").tick();
    const [after] = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m.id));
    expect(after!.status).toBe("sent");
    expect(emails()).toHaveLength(1);
    const keys = requests()
      .filter((r) => r.path === "/emails")
      .map((r) => r.headers["idempotency-key"]);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]!);
    expect(after!.providerMessageId).toBe(emails()[0]!.id);
  });

  test("a replayed single send whose acknowledgement is lost too goes again to POST /emails with its file, never to the batch endpoint", async () => {
    const { t, people, dispatcher } = await studio();
    const file = await upload(t, pdf, "Form.pdf", "pdf");
    const m = await message(t, people.slice(0, 1), "email", "Please sign the form");
    await setContentFiles(t.db, { messageId: m.id }, "attachment", [file.id]);
    resend.failNext(1, { status: 500, afterAccept: true });
    await dispatcher().tick();
    expect(emails()).toHaveLength(1); // Resend sent it; Pigeon never heard
    const [d] = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m.id));

    // w2 replays it; while its request is in flight, w2's lease lapses and w3 claims the delivery,
    // so w2's acknowledgement finds the delivery no longer its own (as after a stalled process).
    t.setNow(later(60_000));
    resend.gate.closeAfter(0);
    const replay = dispatcher("w2").tick();
    await until("the replay waits at Resend", () => resend.gate.waiting === 1);
    await t.db.update(deliveries).set({ leaseOwner: "w3" }).where(eq(deliveries.id, d!.id));
    resend.gate.open();
    await replay;
    expect((await t.db.select().from(deliveries).where(eq(deliveries.id, d!.id)))[0]!.status).not.toBe("sent");

    // w3 dies too; w4 replays what the record says went: the single send, with its file.
    await t.db
      .update(deliveries)
      .set({ leaseExpiresAt: new Date(0) })
      .where(eq(deliveries.id, d!.id));
    t.setNow(later(120_000));
    await dispatcher("w4").tick();
    const [after] = await t.db.select().from(deliveries).where(eq(deliveries.id, d!.id));
    expect(requests().filter((r) => r.path === "/emails/batch")).toHaveLength(0);
    expect(requests().filter((r) => r.path === "/emails")).toHaveLength(3);
    expect(emails()).toHaveLength(1);
    expect(after!.status).toBe("sent");
    expect(after!.providerMessageId).toBe(emails()[0]!.id);
  });

  test("a single send that never reached Resend (a 503) is sent on the retry, once, under the same key", async () => {
    const { t, people, dispatcher } = await studio();
    const file = await upload(t, pdf, "Form.pdf", "pdf");
    const m = await message(t, people.slice(0, 1), "email", "Please sign the form");
    await setContentFiles(t.db, { messageId: m.id }, "attachment", [file.id]);
    resend.failNext(1, { status: 503 });
    await dispatcher().tick();
    expect(emails()).toHaveLength(0);
    t.setNow(later(10 * 60_000));
    await dispatcher("w2").tick();
    const [after] = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m.id));
    expect(after!.status).toBe("sent");
    expect(emails()).toHaveLength(1);
    expect(emails()[0]!.attachments![0]!.content.equals(Buffer.from(pdf))).toBe(true);
  });

  test("each single send takes a request from the shared budget: what it cannot pay for now waits, not an attempt, and goes later once", async () => {
    const { t, people, dispatcher } = await studio();
    // One request per 100 s or so, a bucket of one: whatever the test's speed, no second request
    // is paid for while it runs. Each round puts one token in by hand: counts, not timing.
    await updateSettings(t.db, { emailRatePerSecond: 0.01 }, noon);
    const oneToken = () =>
      t.db
        .insert(rateBudgets)
        .values({ channel: "email", tokens: 1, atMs: Date.now() })
        .onConflictDoUpdate({ target: rateBudgets.channel, set: { tokens: 1, atMs: Date.now() } });
    const more = [];
    for (let i = 0; i < 4; i++) {
      const email = `extra${i}.${Math.random().toString(36).slice(2, 8)}@x.test`;
      const c = await createCustomer(t.db, { first_name: `E${i}`, email, consent: { email: true } }, "test", noon);
      more.push({ id: c.id, email, phone: null });
    }
    const file = await upload(t, pdf, "Form.pdf", "pdf");
    const m = await message(t, [...people, ...more], "email", "Forms attached");
    await setContentFiles(t.db, { messageId: m.id }, "attachment", [file.id]);
    const rows = () => t.db.select().from(deliveries).where(eq(deliveries.messageId, m.id));
    const singles = () => requests().filter((r) => r.path === "/emails");

    await oneToken();
    const first = await dispatcher().tick();
    expect(singles()).toHaveLength(1);
    expect(first.sent).toBe(1);
    const waiting = (await rows()).filter((d) => d.status === "queued");
    expect(waiting).toHaveLength(7);
    for (const d of waiting) {
      expect(d.waitingReason).toContain("waiting for the e-mail rate");
      expect(d.attempts).toBe(0);
    }
    for (let round = 1; round < 8; round++) {
      await oneToken();
      t.setNow(later(round * 3_600_000));
      await dispatcher().tick();
      expect(singles()).toHaveLength(round + 1);
    }
    expect((await rows()).map((d) => d.status)).toEqual(Array(8).fill("sent"));
    // Eight requests for eight e-mails, each recipient once.
    expect(new Set(emails().map((e) => e.to[0])).size).toBe(8);
    expect(emails()).toHaveLength(8);
  });
});

describe("MMS pictures", () => {
  /** `person` with a real New York or Toronto number: MMS goes by the number's region, not by +1 alone. */
  async function inNorthAmerica<P extends { id: number; phone: string }>(
    t: TestApp,
    person: P,
    phone = "+12125550123",
  ): Promise<P> {
    await t.db.update(customers).set({ phone }).where(eq(customers.id, person.id));
    await t.db.insert(phoneLookups).values({ phone, lineType: "mobile", lookedUpAt: noon });
    return { ...person, phone };
  }
  test("MMS reaches US and Canadian numbers by their region: not Caribbean +1 numbers, where Twilio sends no MMS", () => {
    expect(mmsReaches("+12125550123")).toBe(true); // New York
    expect(mmsReaches("+14165550123")).toBe(true); // Toronto
    expect(mmsReaches("+18765550123")).toBe(false); // Jamaica
    expect(mmsReaches("+12425550123")).toBe(false); // Bahamas
    expect(mmsReaches("+18095550123")).toBe(false); // Dominican Republic
    expect(mmsReaches("+4915112345678")).toBe(false);
  });

  test("an SMS with a picture sends its /media address, which answers with the image", async () => {
    const { t, people, dispatcher } = await studio();
    const png = await upload(t, PNG_1X1, "Class photo.png", "png");
    const ny = await inNorthAmerica(t, people[0]!);
    const m = await message(t, [ny], "sms", "Your class photo is ready");
    await setContentFiles(t.db, { messageId: m.id }, "mms", [png.id]);
    await dispatcher().tick();
    const [sms] = texts();
    expect(sms!.to).toBe(ny.phone);
    expect(sms!.mediaUrls).toEqual([`https://pigeon.test/media/${png.storedName}`]);
    // What Twilio fetches: the address under Pigeon's public URL, served by its /media route.
    const res = await t.app.request(new URL(sms!.mediaUrls[0]!).pathname);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("image/png");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG_1X1);
  });

  test("a number outside the US and Canada (also a Jamaican +1 one) gets the text without the picture; a Toronto number in the same send gets both", async () => {
    const { t, people, dispatcher } = await studio();
    const png = await upload(t, PNG_1X1, "Class photo.png", "png");
    const toronto = await inNorthAmerica(t, people[0]!, "+14165550123");
    const jamaica = await inNorthAmerica(t, people[1]!, "+18765550123");
    const abroad = await createCustomer(
      t.db,
      { first_name: "Greta", phone: "+4915112345678", consent: { sms: true } },
      "test",
      noon,
    );
    await t.db.insert(phoneLookups).values({ phone: "+4915112345678", lineType: "mobile", lookedUpAt: noon });
    const [m] = await t.db
      .insert(messages)
      .values({ name: "Photos", channels: ["sms"], smsBody: "Your photo is ready", filters: {}, status: "sending" })
      .returning();
    await setContentFiles(t.db, { messageId: m!.id }, "mms", [png.id]);
    const to = [
      { customerId: abroad.id, to: "+4915112345678" },
      { customerId: toronto.id, to: toronto.phone },
      { customerId: jamaica.id, to: jamaica.phone },
    ];
    await enqueueDeliveries(
      t.db,
      { sourceType: "message", messageId: m!.id },
      to.map((r) => ({
        key: deliveryKey({ kind: "message", messageId: m!.id }, { customerId: r.customerId }, "sms"),
        decision: { customerId: r.customerId, channel: "sms" as const, to: r.to, skip: null },
        dueAt: noon,
      })),
      noon,
    );
    await dispatcher().tick();
    const sent = texts();
    expect(sent).toHaveLength(3);
    expect(sent.find((s) => s.to === "+4915112345678")!.mediaUrls).toEqual([]);
    expect(sent.find((s) => s.to === jamaica.phone)!.mediaUrls).toEqual([]);
    expect(sent.find((s) => s.to === toronto.phone)!.mediaUrls).toHaveLength(1);
    expect(sent.every((s) => s.body.startsWith("Your photo is ready"))).toBe(true);
    // Its delivery says why it went without: nobody loses the picture unsaid.
    const rows = await t.db.select().from(deliveries).where(eq(deliveries.messageId, m!.id));
    const notes = await t.db.select().from(deliveryEvents).where(eq(deliveryEvents.type, "sent_without_pictures"));
    expect(notes.map((n) => n.deliveryId).sort()).toEqual(
      rows
        .filter((d) => d.toAddress !== toronto.phone)
        .map((d) => d.id)
        .sort(),
    );
    expect(JSON.stringify(notes[0]!.detail)).toContain("MMS reaches US and Canadian (+1) numbers only");
  });
});

describe("Send a test to yourself", () => {
  // Eyes walk (issue 12): the owner's test went without the files every customer's copy had. The
  // test delivery carries the ticked ids (deliveries.test_files) and goes the real single-send way.
  const partial = { "HX-Request": "true", "HX-Request-Type": "partial" };
  const form = (people: { id: number }[]) => ({
    name: "Family portrait days",
    mode: "filters",
    "filters.audience": "all",
    "filters.customer_ids": String(people[0]!.id),
  });

  test("the test e-mail carries the attachments ticked, alone to POST /emails with the file's bytes", async () => {
    const { t, people } = await studio();
    const pdf = await upload(t, new Uint8Array([...PDF_HEAD, 1, 2, 3]), "order-form.pdf", "pdf");
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const res = await postForm(
      b,
      "/messages/test",
      {
        ...form(people),
        channels: ["email"],
        subject: "Family portrait days",
        body: "Hi {{customer.first_name}}, our order form is attached.",
        attachment_ids: String(pdf.id),
        test_channel: "email",
      },
      partial,
    );
    expect(res.status).toBe(200);
    const mine = emails().filter((e) => e.subject.startsWith("[Test]"));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.attachments?.map((a) => a.filename)).toEqual(["order-form.pdf"]);
    expect(requests().map((r) => r.path)).toEqual(["/emails"]);
    const [d] = await t.db.select().from(deliveries).where(eq(deliveries.sourceType, "test"));
    expect(d!.testFiles).toEqual([pdf.id]);
  });

  test("the test SMS carries the MMS pictures ticked, as their /media addresses", async () => {
    const { t, people } = await studio();
    const png = await upload(t, PNG_1X1, "Class photo.png", "png");
    const b = await signedInOwner(t);
    await b.get("/messages/new");
    const res = await postForm(
      b,
      "/messages/test",
      {
        ...form(people),
        channels: ["sms"],
        sms_body: "Hi {{customer.first_name}}, your class photo is ready.",
        media_ids: String(png.id),
        test_channel: "sms",
        test_phone: "+1 212 555 0199",
      },
      partial,
    );
    expect(res.status).toBe(200);
    const mine = texts().filter((x) => x.body.startsWith("[Test]"));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.mediaUrls).toEqual([`https://pigeon.test/media/${png.storedName}`]);
  });
});

describe("nothing dangling", () => {
  test("a message deleted takes its attachment rows with it; the file stays", async () => {
    const { t, people } = await studio();
    const file = await upload(t, pdf, "Form.pdf", "pdf");
    const m = await message(t, people.slice(0, 1), "email", "Forms");
    await setContentFiles(t.db, { messageId: m.id }, "attachment", [file.id]);
    await t.db.delete(deliveries).where(eq(deliveries.messageId, m.id));
    await t.db.delete(messages).where(eq(messages.id, m.id));
    expect(await t.db.select().from(contentFiles).where(eq(contentFiles.fileId, file.id))).toEqual([]);
  });
});
