// Help: "Why doesn't everyone get my message?" (issue 14). Every skip reason the code can record
// has a section (so a new reason without help fails here), and the pages that name a reason link
// to its section.
import { describe, expect, test } from "bun:test";
import { SKIP_REASON_LABELS, skipReasonHelpUrl } from "../src/core/labels.ts";
import { missingReason, SKIP_REASONS } from "../src/core/recipients.ts";
import { SUPPRESSION_REASONS } from "../src/core/vocabulary.ts";
import { createUser } from "../src/db/auth.ts";
import { createCustomer } from "../src/db/customers.ts";
import { deliveries, messages } from "../src/db/schema.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { pageText } from "./support/forms.ts";

const NOW = new Date("2026-09-01T15:00:00Z");

describe("help: why doesn't everyone get my message?", () => {
  test("every skip reason the code knows has a section of its own, with what it means, what the customer sees, what to do", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t);
    const page = await b.get("/help/not-reached");
    expect(page.status).toBe(200);
    const reasons = [
      ...new Set([
        ...SKIP_REASONS,
        ...SUPPRESSION_REASONS,
        ...Object.keys(SKIP_REASON_LABELS),
        missingReason("customer.first_name"),
        missingReason("job.gallery_url"),
      ]),
    ];
    for (const reason of reasons) {
      const anchor = skipReasonHelpUrl(reason).split("#")[1]!;
      const section = page.text.match(new RegExp(`<section id="${anchor}"[^>]*>([\\s\\S]*?)</section>`));
      expect(section, `no help section for ${reason}`).not.toBeNull();
      const text = pageText(section![1]!);
      for (const part of ["What it means", "What the customer sees", "What you can do"]) expect(text).toContain(part);
    }
    // Waiting and held are explained as not skipped.
    for (const id of ["sending-window", "held", "audience"]) expect(page.text).toContain(`<section id="${id}"`);
    expect(pageText(page.text)).toContain("Not skipped, but not sent yet");
  });

  test("staff only: signed out, the page asks to log in", async () => {
    const t = await makeTestApp({ now: NOW });
    const res = await t.app.request("/help/not-reached");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/login");
  });

  test("the outbox, a delivery's page, the customer's history and the message page link each reason to its section", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t);
    const anna = await createCustomer(t.db, { first_name: "Anna", email: "anna@x.test", consent: {} }, "test", NOW);
    const [m] = await t.db
      .insert(messages)
      .values({ name: "Sale", channels: ["email", "sms"], filters: {}, status: "sent", activatedAt: NOW })
      .returning();
    const skipped = (skipReason: string, channel: "email" | "sms", key: string) =>
      t.db
        .insert(deliveries)
        .values({
          deliveryKey: key,
          sourceType: "message",
          messageId: m!.id,
          channel,
          customerId: anna.id,
          toAddress: channel === "email" ? "anna@x.test" : null,
          status: "skipped",
          skipReason,
          dueAt: NOW,
        })
        .returning();
    const [d] = await skipped("no_consent", "email", "k1");
    await skipped(missingReason("customer.phone"), "sms", "k2");
    const consent = 'href="/help/not-reached#no_consent"';
    expect((await b.get("/outbox")).text).toContain(consent);
    expect((await b.get(`/outbox/${d!.id}`)).text).toContain(consent);
    expect((await b.get(`/customers/${anna.id}`)).text).toContain(consent);
    const messagePage = await b.get(`/messages/${m!.id}`);
    expect(messagePage.text).toContain(consent);
    expect(messagePage.text).toContain('href="/help/not-reached#missing"');
  });

  test("Settings → Messaging's recent tests link a skipped test's reason to its help", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t);
    await t.db.insert(deliveries).values({
      deliveryKey: "t1:to:+15555550100:sms",
      sourceType: "test",
      channel: "sms",
      toAddress: "+15555550100",
      status: "skipped",
      skipReason: "landline",
      dueAt: NOW,
    });
    const page = (await b.get("/settings/messaging")).text;
    expect(page).toContain('href="/help/not-reached#landline" class="skip-reason-why"');
  });

  test("staff who are not the owner are told to ask the owner, not sent to the owner-only Settings", async () => {
    const t = await makeTestApp({ now: NOW });
    const owner = await signedInOwner(t);
    expect((await owner.get("/help/not-reached")).text).toMatch(/id="sending-window"[\s\S]*href="\/settings"/);
    await createUser(t.db, { email: "sam@x.test", name: "Sam", password: "another horse battery", role: "staff" });
    const staff = t.browser();
    await staff.get("/login");
    expect((await staff.post("/login", { email: "sam@x.test", password: "another horse battery" })).status).toBe(303);
    const page = (await staff.get("/help/not-reached")).text;
    const section = page.match(/<section[^>]*id="sending-window"[\s\S]*?<\/section>/)?.[0] ?? "";
    expect(section).toContain("Ask the studio owner");
    expect(section).not.toContain('href="/settings"');
    expect((await staff.get("/settings")).status).not.toBe(200); // it is the owner's
  });

  test("a bounced or failed delivery's row links to its status's section and shows the provider's words beside it (eyes walk)", async () => {
    const t = await makeTestApp({ now: NOW });
    const b = await signedInOwner(t);
    const [m] = await t.db
      .insert(messages)
      .values({ name: "Sale", channels: ["email"], filters: {}, status: "sent", activatedAt: NOW })
      .returning();
    for (const [name, status, lastError] of [
      ["Olivia", "bounced", "Permanent: General: mailbox does not exist"],
      ["Paul", "failed", "Account limit reached"],
    ] as const) {
      const c = await createCustomer(t.db, { first_name: name, email: `${name}@x.test`, consent: {} }, "test", NOW);
      await t.db.insert(deliveries).values({
        deliveryKey: `k-${status}`,
        sourceType: "message",
        messageId: m!.id,
        channel: "email",
        customerId: c.id,
        toAddress: `${name}@x.test`,
        status,
        lastError,
        dueAt: NOW,
        sentAt: NOW,
      });
    }
    const page = (await b.get(`/messages/${m!.id}`)).text;
    const helpLinks = new Set([...page.matchAll(/href="(\/help\/not-reached#[^"]*)"/g)].map((x) => x[1]));
    // Seen in the walk: the row linked to "/help/not-reached#Permanent: General: mailbox does not exist",
    // which is no section of the help page (it opens at the top).
    expect([...helpLinks].sort()).toEqual(["/help/not-reached#bounced", "/help/not-reached#failed"]);
    const text = pageText(page);
    expect(text).toContain("Address bounced (Permanent: General: mailbox does not exist)");
    expect(text).toContain("Sending failed (Account limit reached)");
    const help = (await b.get("/help/not-reached")).text;
    for (const id of ["bounced", "failed", "undelivered"]) expect(help).toContain(`<section id="${id}"`);
    const csv = (await b.get(`/messages/${m!.id}/report.csv`)).text;
    expect(csv).toContain("Address bounced: Permanent: General: mailbox does not exist");
  });
});
