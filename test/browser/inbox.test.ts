// The inbox in a real Chromium (SPEC A4): the owner has the inbox open when a customer's text
// arrives (posted to the webhook signed as Twilio signs it); it appears without a reload, unread;
// she opens it (marked read), answers, and the answer goes out through the outbox to the dev outbox.
// Screenshots: /tmp/pigeon-inbox-*.png (desktop and phone width).
import { afterAll, beforeAll, expect, test } from "bun:test";
import twilio from "twilio";
import { desc, eq } from "drizzle-orm";
import { runOneTimeMessages } from "../../src/automation/one-time.ts";
import { createUser } from "../../src/db/auth.ts";
import { createAppointment, createCustomer } from "../../src/db/customers.ts";
import { recordAppointmentChange } from "../../src/db/appointment-changes.ts";
import { deflateSync } from "node:zlib";
import { type FakeTwilio, startFakeTwilio } from "../fakes/fake-twilio.ts";
import { inboundMessages } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { until } from "../support/until.ts";
import { type BrowserHarness, DESKTOP, PHONE, startBrowserHarness } from "./support.ts";

let h: BrowserHarness;
let fake: FakeTwilio;
const OWNER = { email: "owner@brightside.test", password: "correct horse battery" };
const TWILIO = { accountSid: `AC${"1".repeat(32)}`, authToken: "a".repeat(32), from: "+12175550100" };
let mayaId = 0;

beforeAll(async () => {
  h = await startBrowserHarness();
  // Sends go to the dev outbox (no provider keys); the webhook checks signatures with this token,
  // and an MMS's pictures are read from the fake Twilio with the same account.
  fake = startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
  h.deps.config = { ...h.deps.config, twilio: { ...TWILIO, baseUrl: fake.url } };
  const now = new Date();
  await createUser(h.db, { ...OWNER, name: "Olivia", role: "owner" });
  await updateSettings(
    h.db,
    {
      name: "Brightside Photography",
      postalAddress: "412 Orchard Lane",
      timeZone: "America/Chicago",
      sendWindowStart: "00:00",
      sendWindowEnd: "24:00",
    },
    now,
  );
  const maya = await createCustomer(
    h.db,
    { first_name: "Maya", last_name: "Rivera", phone: "+15552010101", consent: { sms: true } },
    "test",
    now,
  );
  mayaId = maya.id;
  await h.logIn(OWNER.email, OWNER.password);
});

afterAll(async () => {
  await h?.stop();
  fake?.stop();
});

/** A real PNG of one colour, `size` pixels square, so the thread has a picture to show. */
function png(size: number, rgb: [number, number, number]): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", header),
      chunk("IDAT", pixels),
      chunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

/** Posts an incoming SMS to the app as Twilio does: a signed form. */
async function incomingSms(from: string, body: string) {
  const url = `${h.baseUrl}/webhooks/twilio/inbound`;
  const sid = `SM${crypto.randomUUID().replaceAll("-", "")}`;
  const params = {
    AccountSid: TWILIO.accountSid,
    Body: body,
    From: from,
    To: TWILIO.from,
    MessageSid: sid,
    SmsSid: sid,
    NumMedia: "0",
  };
  const res = await fetch(url, {
    method: "POST",
    body: new URLSearchParams(params),
    headers: { "X-Twilio-Signature": twilio.getExpectedTwilioSignature(TWILIO.authToken, url, params) },
  });
  expect(res.status).toBe(200);
}

const shot = async (name: string, viewport = DESKTOP) => {
  await h.page.setViewportSize(viewport);
  await h.page.screenshot({ path: `/tmp/pigeon-inbox-${name}.png`, fullPage: true });
  await h.page.setViewportSize(DESKTOP);
};

test("a text arrives live in the open inbox, is read, answered, and the answer reaches the dev outbox", async () => {
  const { page } = h;
  // The navigation's count loads after the page; a live update must not be overwritten by it.
  const countLoaded = page.waitForResponse((r) => new URL(r.url()).pathname === "/inbox/unread");
  await page.goto("/inbox");
  await page.getByText("No replies yet").waitFor();
  await countLoaded;
  await shot("0-empty");
  // The page's live connection is open before the text comes (htmx's SSE extension connects it).
  await until("the live list to connect", () =>
    page.locator("#inbox-list").evaluate((el) => !!el.parentElement?.hasAttribute("hx-sse:connect")),
  );

  await incomingSms("+15552010101", "Hi! Can I bring my dog to the shoot on Saturday?");
  // No reload: the list swaps itself in when the reply is stored.
  await page.getByText("Can I bring my dog").waitFor();
  expect(await page.locator("#inbox-list .unread-count").textContent()).toBe("1 new");
  // The navigation's count follows, out of band of the same update.
  await page.locator("#inbox-unread .badge").waitFor();
  expect(await page.locator("#inbox-unread .badge").textContent()).toBe("1");
  await shot("1-list-desktop");
  await shot("1-list-phone", PHONE);

  await page.getByRole("link", { name: /Maya Rivera/ }).click();
  await page.waitForURL((u) => u.pathname === `/inbox/customer/${mayaId}`);
  // Shown, then marked read by the page's own POST.
  await until("the reply to be marked read", async () => {
    const [r] = await h.db.select().from(inboundMessages).where(eq(inboundMessages.customerId, mayaId));
    return r?.readAt !== null;
  });

  // A second text while the conversation is open appears in the thread live.
  await incomingSms("+15552010101", "She is very calm, promise.");
  await page.getByText("She is very calm, promise.").waitFor();
  // Its forms follow, out of band of the same update: Archive and an answer include the new reply.
  const [newest] = await h.db
    .select()
    .from(inboundMessages)
    .where(eq(inboundMessages.customerId, mayaId))
    .orderBy(desc(inboundMessages.id))
    .limit(1);
  await until("the forms' upto to follow the live reply", async () =>
    Bun.deepEquals(
      await page
        .locator("#upto-archive, #upto-reply")
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
      [String(newest!.id), String(newest!.id)],
    ),
  );

  await page.getByLabel("Your answer").fill("Of course, {{customer.first_name}}! Dogs are welcome.");
  await shot("2-conversation-desktop");
  await shot("2-conversation-phone", PHONE);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Your answer is in the outbox").waitFor();

  // The harness runs no scheduler: start the message and let the app's own dispatcher send.
  expect((await runOneTimeMessages(h.deps, h.deps.clock())).started).toBe(1);
  let sent = 0;
  for (let i = 0; i < 5 && sent < 1; i++) sent += (await h.deps.dispatcher.tick()).sent;
  expect(sent).toBe(1);

  await page.goto("/outbox/dev");
  await page.getByText("Of course, Maya! Dogs are welcome.").first().waitFor();
  await shot("3-dev-outbox");
  await page.goto(`/inbox/customer/${mayaId}`);
  expect(await page.locator("#thread").textContent()).toContain("Of course, Maya! Dogs are welcome.");
  await shot("4-thread-answered-desktop");
  await shot("4-thread-answered-phone", PHONE);

  // An MMS with a picture is shown inline in the thread, live.
  const mms = fake.inboundMms(`${h.baseUrl}/webhooks/twilio/inbound`, {
    from: "+15552010101",
    to: TWILIO.from,
    body: "This is Biscuit",
    media: [{ contentType: "image/png", bytes: png(120, [214, 140, 69]) }],
  });
  expect((await fetch(mms.url, { method: "POST", body: mms.body, headers: mms.headers })).status).toBe(200);
  await page.locator("#thread img").waitFor();
  expect(await page.locator("#thread img").evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(120);
  await shot("4b-thread-picture-phone", PHONE);

  // A customer's cancellation is an alert on the dashboard until someone presses Seen.
  const a = await createAppointment(
    h.db,
    { customerId: mayaId, startsAt: new Date(Date.now() + 86_400_000), location: "Studio A" },
    "api",
    new Date(),
  );
  await recordAppointmentChange(
    h.db,
    { appointmentId: a.id, fromStatus: "scheduled", toStatus: "cancelled" },
    new Date(),
    { source: "sms" },
  );
  await page.goto("/");
  await page.getByText("cancelled the appointment of").waitFor();
  await shot("4c-dashboard-alert");
  await page.getByRole("button", { name: "Seen" }).click();
  await page.waitForURL((u) => u.pathname === "/");
  expect(await page.getByText("cancelled the appointment of").count()).toBe(0);

  // An answer to one customer is in the outbox's Other folder, and in her history with her texts.
  await page.goto("/outbox?folder=other");
  await page.getByText("written to one customer").waitFor();
  expect(await page.locator("table.outbox tbody tr").count()).toBe(1);
  await shot("5-outbox-other");
  await page.goto(`/customers/${mayaId}`);
  const history = (await page.locator("#messages").textContent()) ?? "";
  expect(history.indexOf("Sent")).toBeLessThan(history.indexOf("She is very calm"));
  await shot("6-customer-history");
});
