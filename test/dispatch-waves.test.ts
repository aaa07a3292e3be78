// Dispatch sends a wave of e-mail batches (up to 8) or SMS (up to 32) side by side: some answered
// with errors, before or after the provider took them, while the rest go through. Each recipient
// gets exactly one in the end. Written by outside review of the waves.
import { afterAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { deliveries, phoneLookups } from "../src/db/schema.ts";
import { later, noon, sendStudio } from "./support/send-studio.ts";

const { resend, twilio, studio, message, stop } = sendStudio();
afterAll(stop);

async function crowd(t: Awaited<ReturnType<typeof studio>>["t"], n: number, tag: string) {
  await t.db
    .run(sql`insert into customers (first_name, last_name, email, phone, consent_email, consent_sms, created_at, updated_at)
    select 'P' || value, 'W', ${tag} || value || '@wave.test', printf('+1666%d%06d', ${tag.length}, value), 1, 1, ${noon.getTime()}, ${noon.getTime()}
    from generate_series(1, ${n})`);
  const rows = await t.db.all<{ id: number; email: string; phone: string }>(
    sql`select id, email, phone from customers where email like ${`${tag}%@wave.test`} order by id`,
  );
  await t.db.insert(phoneLookups).values(rows.map((r) => ({ phone: r.phone, lineType: "mobile", lookedUpAt: noon })));
  return rows;
}

const settledAll = async (t: Awaited<ReturnType<typeof studio>>["t"]) =>
  await t.db.all<{ status: string; n: number }>(sql`select status, count(*) as n from ${deliveries} group by status`);

test("one wave of 8 e-mail batches: three answered 500 (after accepting) / 429 / 503, the rest fine — each recipient exactly once in the end", async () => {
  const { t, dispatcher } = await studio();
  const people = await crowd(t, 800, "e");
  const before = resend.sent.length;
  await message(t, people, "email", "Hello {{customer.first_name}}");
  resend.failNext(1, { status: 500, afterAccept: true });
  resend.failNext(1, { status: 429, retryAfter: 1 });
  resend.failNext(1, { status: 503 });
  const r1 = await dispatcher("w1").tick();
  expect(r1.sent).toBe(500);
  for (let i = 1; i <= 20; i++) {
    t.setNow(later(i * 120_000));
    await dispatcher(`w${i + 1}`).tick();
  }
  const to = resend.sent.slice(before).flatMap((m) => m.to);
  expect(new Set(to).size).toBe(800);
  expect(to.length).toBe(800);
  expect(await settledAll(t)).toEqual([{ status: "sent", n: 800 }]);
});

test("one wave of 32 SMS: a few answered 500 / 429 / 503, the rest fine — each recipient exactly once in the end", async () => {
  const { t, dispatcher } = await studio();
  const people = await crowd(t, 64, "sms");
  const before = twilio.sent.length;
  await message(t, people, "sms", "Hi {{customer.first_name}}");
  twilio.failNext(1, { status: 500, afterAccept: true });
  twilio.failNext(1, { status: 502, afterAccept: true });
  twilio.failNext(1, { status: 429 });
  twilio.failNext(1, { status: 503 });
  await dispatcher("w1").tick();
  for (let i = 1; i <= 20; i++) {
    t.setNow(later(i * 120_000));
    await dispatcher(`w${i + 1}`).tick();
  }
  const to = twilio.sent.slice(before).map((m) => m.to);
  expect(new Set(to).size).toBe(64);
  expect(to.length).toBe(64);
  expect(await settledAll(t)).toEqual([{ status: "sent", n: 64 }]);
});
