// The webhook storm, shared by test/faults/webhook-storm.test.ts (which checks what it does) and
// bench/healthz-under-storm.ts (which times it): a studio on a database file that really sent
// 200 e-mails and 150 SMS through the SDKs to the local fakes, then their status callbacks as the
// providers would send them — each genuine one one to five times, plus forgeries, shuffled —
// posted fifty at a time to a real server.
import { isNotNull, isNull } from "drizzle-orm";
import type { DeliveryStatus } from "../../src/core/delivery-status.ts";
import { createCustomer } from "../../src/db/customers.ts";
import { deliveries, phoneLookups } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import type { SignedRequest } from "../fakes/fake-twilio.ts";
import { makeTestApp } from "./app.ts";
import { noon, type sendStudio } from "./send-studio.ts";

export const EMAILS = 200;
export const SMS = 150;
export const IN_FLIGHT = 50;

type Studio = ReturnType<typeof sendStudio>;
export type StormCallback = {
  url: string;
  body: string;
  headers: Record<string, string>;
  delivery: number;
  good: boolean;
  eventId: string;
};

/** The studio's app on database file `url`, after it sent every e-mail and SMS; and those deliveries. */
export async function studioThatSent(studio: Studio, url: string) {
  const t = await makeTestApp({ now: noon, env: studio.env, url });
  await updateSettings(
    t.db,
    { name: "Brightside", timeZone: "America/Chicago", emailRatePerSecond: 1000, smsRatePerSecond: 1000 },
    noon,
  );
  const people: { id: number; email: string | null; phone: string | null }[] = [];
  for (let i = 0; i < Math.max(EMAILS, SMS); i++) {
    const n = String(i).padStart(4, "0");
    const c = await createCustomer(
      t.db,
      {
        first_name: `Storm${n}`,
        email: `storm${n}@x.test`,
        phone: `+1777555${n}`,
        consent: { email: true, sms: true },
      },
      "test",
      noon,
    );
    people.push({ id: c.id, email: c.email, phone: c.phone });
  }
  await t.db
    .insert(phoneLookups)
    .values(people.map((p) => ({ phone: p.phone!, lineType: "mobile", lookedUpAt: noon })));
  await studio.message(t, people.slice(0, EMAILS), "email", "Your photos are online.");
  await studio.message(t, people.slice(0, SMS), "sms", "Your photos are online.");
  for (let i = 0; i < 50; i++) {
    if (!(await t.db.select({ id: deliveries.id }).from(deliveries).where(isNull(deliveries.providerMessageId))).length)
      break;
    await t.deps.dispatcher.tick();
  }
  return { t, sent: await t.db.select().from(deliveries).where(isNotNull(deliveries.providerMessageId)) };
}

/**
 * What each delivery's provider reports, in the order it happened, addressed to `origin` — with
 * forgeries that claim it failed — and the status each delivery must end at (its last genuine one).
 */
export function stormCallbacks(
  studio: Studio,
  sent: { id: number; channel: string; providerMessageId: string | null }[],
  origin: string,
) {
  const expected = new Map<number, DeliveryStatus>();
  const callbacks: StormCallback[] = [];
  const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, origin);
  for (const d of sent) {
    const pick = d.id % 5;
    if (d.channel === "email") {
      const path: [string, Record<string, unknown>?][] =
        pick < 3
          ? [["email.sent"], ["email.delivered"], ["email.opened"]]
          : pick === 3
            ? [
                ["email.sent"],
                ["email.delivered"],
                ["email.bounced", { bounce: { type: "Permanent", subType: "General", message: "mailbox gone" } }],
              ]
            : [["email.sent"], ["email.delivery_delayed"]];
      expected.set(d.id, pick < 3 ? "delivered" : pick === 3 ? "bounced" : "sent");
      for (const [type, extra] of path) {
        const signed = studio.resend.signWebhook(
          studio.webhookSecret,
          studio.resend.emailEvent(type, d.providerMessageId!, extra),
        );
        callbacks.push({
          url: `${origin}/webhooks/resend`,
          ...signed,
          delivery: d.id,
          good: true,
          eventId: signed.headers["svix-id"]!,
        });
      }
      // Forgeries claiming the e-mail failed: by another secret, a genuine signature over another body, and a stale one.
      if (pick % 2 === 0) {
        const forged = studio.resend.signWebhook(
          `whsec_${Buffer.from(`storm-${d.id}-wrong-secret`).toString("base64")}`,
          studio.resend.emailEvent("email.failed", d.providerMessageId!, { failed: { reason: "forged" } }),
        );
        callbacks.push({
          url: `${origin}/webhooks/resend`,
          ...forged,
          delivery: d.id,
          good: false,
          eventId: forged.headers["svix-id"]!,
        });
      } else if (pick === 1) {
        const genuine = studio.resend.signWebhook(
          studio.webhookSecret,
          studio.resend.emailEvent("email.delivered", d.providerMessageId!),
        );
        const body = genuine.body.replace('"email.delivered"', '"email.failed"');
        callbacks.push({
          url: `${origin}/webhooks/resend`,
          body,
          headers: genuine.headers,
          delivery: d.id,
          good: false,
          eventId: genuine.headers["svix-id"]!,
        });
      } else {
        const stale = studio.resend.signWebhook(
          studio.webhookSecret,
          studio.resend.emailEvent("email.failed", d.providerMessageId!),
          { timestamp: new Date(Date.now() - 10 * 60_000) },
        );
        callbacks.push({
          url: `${origin}/webhooks/resend`,
          ...stale,
          delivery: d.id,
          good: false,
          eventId: stale.headers["svix-id"]!,
        });
      }
    } else {
      const sid = d.providerMessageId!;
      const path =
        pick < 3
          ? ["queued", "sent", "delivered"]
          : pick === 3
            ? ["queued", "sending", "sent", "undelivered"]
            : ["queued", "sent"];
      expected.set(d.id, pick < 3 ? "delivered" : pick === 3 ? "undelivered" : "sent");
      let genuine: SignedRequest | undefined;
      for (const status of path) {
        genuine = studio.twilio.setStatus(sid, status, status === "undelivered" ? { errorCode: 30003 } : {})!;
        callbacks.push({
          url: local(genuine.url),
          body: genuine.body,
          headers: genuine.headers,
          delivery: d.id,
          good: true,
          eventId: `${sid}:${status}`,
        });
      }
      // Forgeries claiming the SMS failed: signed with another auth token, or a genuine signature over another status.
      const { ErrorCode: _, ...rest } = genuine!.params;
      const params = { ...rest, MessageStatus: "failed", SmsStatus: "failed" };
      const failed = studio.twilio.signCallback(`storm-wrong-token-${d.id}`.padEnd(32, "x"), genuine!.url, params);
      callbacks.push({
        url: local(failed.url),
        body: failed.body,
        headers: failed.headers,
        delivery: d.id,
        good: false,
        eventId: `${sid}:failed`,
      });
      if (pick % 2 === 1)
        callbacks.push({
          url: local(genuine!.url),
          body: new URLSearchParams(params).toString(),
          headers: genuine!.headers,
          delivery: d.id,
          good: false,
          eventId: `${sid}:failed`,
        });
    }
  }
  return { callbacks, expected };
}

/** The storm itself: every genuine callback one to five times (providers retry), each forgery once, in a seeded shuffle so a failing order can be run again. */
export function storm(callbacks: StormCallback[]): StormCallback[] {
  const all: StormCallback[] = [];
  callbacks.forEach((c, i) => {
    for (let n = c.good ? 1 + (i % 5) : 1; n > 0; n--) all.push(c);
  });
  let s = 20261122;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}

/** Posts the storm IN_FLIGHT at a time; `answered` hears of each answer. */
export async function post(
  callbacks: StormCallback[],
  answered: (c: StormCallback, res: Response) => Promise<void> = async (_, res) => void (await res.arrayBuffer()),
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < callbacks.length) {
        const c = callbacks[next++]!;
        await answered(c, await fetch(c.url, { method: "POST", body: c.body, headers: c.headers }));
      }
    }),
  );
}
