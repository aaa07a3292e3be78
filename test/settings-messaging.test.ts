// Settings → Messaging through the real app (SPEC D1, U1, U3): which provider each channel uses
// without showing a secret, and "send a test" going through the dispatcher at once.
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { enqueueDeliveries } from "../src/db/outbox.ts";
import { deliveries, devOutbox } from "../src/db/schema.ts";
import { startFakeResend } from "./fakes/fake-resend.ts";
import { type Browser, makeTestApp, OWNER, signedInOwner, type TestApp } from "./support/app.ts";

const noon = new Date("2026-09-01T12:00:00Z");

async function owner(env: Record<string, string> = {}) {
  const t = await makeTestApp({ now: noon, env });
  const b = await signedInOwner(t);
  await b.get("/settings/messaging");
  return { t, b };
}

/** Follows a redirect to the delivery page. */
async function follow(b: Browser, res: { status: number; location: string | null }) {
  expect(res.status).toBe(303);
  expect(res.location).toMatch(/^\/outbox\/\d+$/);
  return b.get(res.location!);
}

describe("providers", () => {
  test("a fresh install uses the dev outbox everywhere and names the variables that would switch it", async () => {
    const { b } = await owner();
    const page = await b.get("/settings/messaging");
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/settings/messaging" aria-current="page">Messaging</a>');
    for (const id of ["provider-e-mail", "provider-sms", "provider-voice-call", "provider-number-lookup"]) {
      const row = page.text.slice(
        page.text.indexOf(`id="${id}"`),
        page.text.indexOf("</tr>", page.text.indexOf(`id="${id}"`)),
      );
      expect(row).toContain("Dev outbox");
    }
    for (const name of ["RESEND_API_KEY", "EMAIL_FROM", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"])
      expect(page.text).toContain(`<code>${name}</code>`);
    expect(page.text).toContain("Set RESEND_API_KEY and EMAIL_FROM to send through Resend.");
    expect(page.text).toContain("No tests sent yet.");
    // The form starts with the owner's own address.
    expect(page.text).toContain(`value="${OWNER.email}"`);
  });

  test("with Resend and Twilio configured it says so, and never shows a secret", async () => {
    const env = {
      PUBLIC_URL: "https://pigeon.test",
      RESEND_API_KEY: "re_supersecret_123456",
      EMAIL_FROM: "Sunny <hello@sunny.test>",
      RESEND_WEBHOOK_SECRET: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0",
      TWILIO_ACCOUNT_SID: `AC${"ab".repeat(16)}`,
      TWILIO_AUTH_TOKEN: "twilio_token_very_secret",
      TWILIO_FROM: "+15005550006",
    };
    const { b } = await owner(env);
    const page = await b.get("/settings/messaging");
    expect(page.text).toContain(">Resend</span>");
    expect(page.text).toContain(">Twilio</span>");
    expect(page.text).toContain("Remove RESEND_API_KEY to use the dev outbox instead.");
    for (const secret of [env.RESEND_API_KEY, env.RESEND_WEBHOOK_SECRET, env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN])
      expect(page.text).not.toContain(secret);
  });

  test("is for the owner only", async () => {
    const { t, b } = await owner();
    await b.get("/settings/staff");
    expect(
      (await b.post("/settings/staff", { name: "Sam Staff", email: "sam@sunny.test", password: "staff password 1" }))
        .status,
    ).toBe(303);
    const sam = t.browser();
    await sam.get("/login");
    expect((await sam.post("/login", { email: "sam@sunny.test", password: "staff password 1" })).status).toBe(303);
    expect((await sam.get("/settings/messaging")).status).toBe(403);
    await sam.get("/outbox");
    expect((await sam.post("/settings/messaging/test", { channel: "email", email_to: "sam@sunny.test" })).status).toBe(
      403,
    );
    expect(await t.db.select().from(deliveries)).toHaveLength(0);
    const anonymous = await t.browser().request("/settings/messaging");
    expect(anonymous.headers.get("Location")).toBe("/login?next=%2Fsettings%2Fmessaging");
  });
});

describe("send a test", () => {
  test("an e-mail test lands in the dev outbox and its page shows it, sent", async () => {
    const { t, b } = await owner();
    const page = await follow(
      b,
      await b.post("/settings/messaging/test", { channel: "email", email_to: "  Me@Sunny.TEST " }),
    );
    const [d] = await t.db.select().from(deliveries);
    expect(d).toMatchObject({
      sourceType: "test",
      customerId: null,
      channel: "email",
      toAddress: "me@sunny.test",
      status: "sent",
      provider: "dev",
    });
    const [mail] = await t.db.select().from(devOutbox);
    expect(mail!.toAddress).toBe("me@sunny.test");
    expect(mail!.subject).toBe("Pigeon test e-mail from Sunny Side Photo");
    expect(mail!.body).toContain(
      "This is a test e-mail from Pigeon for Sunny Side Photo, sent through the dev outbox.",
    );
    expect(mail!.id).toBe(d!.providerMessageId!);
    expect(page.text).toContain('delivery-sent">Sent</span>');
    expect(page.text).toContain("<iframe sandbox=");
    expect(page.text).toContain("Pigeon test e-mail from Sunny Side Photo");
    expect(page.text).toContain("Test send");
    // The settings page lists it among recent tests.
    expect((await b.get("/settings/messaging")).text).toContain(`href="/outbox/${d!.id}"`);
  });

  test("an SMS test lands in the dev outbox and its page shows the text", async () => {
    const { t, b } = await owner();
    const page = await follow(
      b,
      await b.post("/settings/messaging/test", { channel: "sms", sms_to: "(212) 555-0142" }),
    );
    const [d] = await t.db.select().from(deliveries);
    expect(d).toMatchObject({
      sourceType: "test",
      customerId: null,
      channel: "sms",
      toAddress: "+12125550142",
      status: "sent",
    });
    const [sms] = await t.db.select().from(devOutbox);
    expect(sms!.body).toBe(
      "Pigeon test SMS from Sunny Side Photo, sent through the dev outbox. If you got this, text messages work.",
    );
    expect(page.text).toContain("Pigeon test SMS from Sunny Side Photo");
    expect(page.text).toContain("+12125550142");
  });

  test("two tests to the same address are two deliveries", async () => {
    const { t, b } = await owner();
    await b.post("/settings/messaging/test", { channel: "email", email_to: "me@sunny.test" });
    await b.post("/settings/messaging/test", { channel: "email", email_to: "me@sunny.test" });
    expect(await t.db.select().from(devOutbox)).toHaveLength(2);
  });

  test("a test SMS goes at once even outside the sending window: staff are checking the setup", async () => {
    const { t, b } = await owner();
    t.setNow(new Date("2026-09-01T23:30:00Z"));
    const page = await follow(b, await b.post("/settings/messaging/test", { channel: "sms", sms_to: "+12125550142" }));
    expect(page.text).not.toContain("waiting for the sending window");
    expect(await t.db.select().from(devOutbox)).toHaveLength(1);
  });

  test("a test sends the test only: 150 overdue customer e-mails stay queued for the dispatcher", async () => {
    const { t, b } = await owner();
    const past = new Date(noon.getTime() - 60_000);
    await enqueueDeliveries(
      t.db,
      { sourceType: "test" },
      Array.from({ length: 150 }, (_, i) => ({
        key: `overdue-${i}`,
        decision: { customerId: 0, channel: "email" as const, to: `customer${i}@x.test`, skip: null },
        dueAt: past,
        subject: "Sale",
        body: "Sale",
      })),
      past,
    );
    const page = await follow(
      b,
      await b.post("/settings/messaging/test", { channel: "email", email_to: "me@sunny.test" }),
    );
    expect(page.text).toContain('delivery-sent">Sent</span>');
    expect((await t.db.select().from(devOutbox)).map((m) => m.toAddress)).toEqual(["me@sunny.test"]);
    const queued = await t.db.select().from(deliveries).where(eq(deliveries.status, "queued"));
    expect(queued).toHaveLength(150);
  });

  test("bad input is answered beside the field, keeping what was typed, and nothing is written", async () => {
    const { t, b } = await owner();
    const cases: [Record<string, string>, string, string][] = [
      [{ channel: "email", email_to: "" }, "email_to", "Enter the e-mail address to send the test to"],
      [{ channel: "email", email_to: "not-an-email" }, "email_to", "must be an e-mail address like name@example.com"],
      [{ channel: "sms", sms_to: "   " }, "sms_to", "Enter the mobile number to send the test to"],
      [{ channel: "sms", sms_to: "call me maybe" }, "sms_to", "must be a phone number, like (212) 555-0123"],
      [
        { channel: "sms", sms_to: "12" },
        "sms_to",
        "is too short for a number in the United States: check the digits, or give it with its country code if it is from another country (like +44 20 7946 0018)",
      ],
    ];
    for (const [fields, name, message] of cases) {
      const res = await b.post("/settings/messaging/test", fields);
      expect(res.status).toBe(422);
      expect(res.text).toContain(`<small class="error" id="${name}-error">${message}`);
      expect(res.text).toContain(`aria-invalid="true" aria-describedby="${name}-error`);
      const typed = fields[name]!;
      expect(res.text).toMatch(new RegExp(`name="${name}" value="${typed.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`));
    }
    expect((await b.post("/settings/messaging/test", { channel: "fax", email_to: "x@y.test" })).status).toBe(422);
    expect(await t.db.select().from(deliveries)).toHaveLength(0);
    expect(await t.db.select().from(devOutbox)).toHaveLength(0);
  });
});

describe("send a test through Resend", () => {
  const fake = startFakeResend();
  afterAll(() => fake.stop());

  async function resendOwner(): Promise<{ t: TestApp; b: Browser }> {
    return owner({
      PUBLIC_URL: "https://pigeon.test",
      RESEND_API_KEY: fake.apiKey,
      RESEND_BASE_URL: fake.url,
      EMAIL_FROM: "Sunny <hello@sunny.test>",
    });
  }

  test("goes to Resend and shows it sent with Resend's id", async () => {
    const { t, b } = await resendOwner();
    const before = fake.sent.length;
    const page = await follow(
      b,
      await b.post("/settings/messaging/test", { channel: "email", email_to: "me@sunny.test" }),
    );
    expect(fake.sent.length).toBe(before + 1);
    const sent = fake.sent[fake.sent.length - 1]!;
    expect(sent.subject).toBe("Pigeon test e-mail from Sunny Side Photo");
    expect(sent.text).toContain("sent through Resend");
    const [d] = await t.db.select().from(deliveries);
    expect(d).toMatchObject({ status: "sent", provider: "resend", providerMessageId: sent.id });
    expect(page.text).toContain("Sent through <strong>resend</strong>");
    expect(await t.db.select().from(devOutbox)).toHaveLength(0);
  });

  test("a refusal is shown with Resend's own message", async () => {
    const { t, b } = await resendOwner();
    fake.failNext(1, {
      status: 403,
      name: "validation_error",
      message: "The sunny.test domain is not verified. Add and verify it on resend.com/domains.",
    });
    const page = await follow(
      b,
      await b.post("/settings/messaging/test", { channel: "email", email_to: "me@sunny.test" }),
    );
    const [d] = await t.db.select().from(deliveries);
    expect(d!.status).toBe("failed");
    expect(page.text).toContain('delivery-failed">Failed</span>');
    expect(page.text).toContain("The sunny.test domain is not verified.");
  });
});
