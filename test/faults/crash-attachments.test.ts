// SPEC D4 for e-mails with attachments, under a real crash: a `pigeon worker` process sends a
// message with a PDF (one POST /emails each, under its delivery's key) and a plain one (a batch) to
// the fake Resend, and is killed with SIGKILL while a single send is held in flight; the held
// request is then completed (Resend sent it; the worker never heard). A new worker finishes the
// send. Conditions decide when to kill, not the clock. Every recipient gets each e-mail exactly
// once, and every attachment's bytes equal the uploaded file's.
import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { deliveryKey } from "../../src/core/delivery-key.ts";
import { setContentFiles } from "../../src/db/content-files.ts";
import { storeFile } from "../../src/db/files.ts";
import { enqueueDeliveries } from "../../src/db/outbox.ts";
import { customers, deliveries, messages } from "../../src/db/schema.ts";
import { updateSettings } from "../../src/db/settings.ts";
import { PDF_HEAD } from "../support/sample-files.ts";
import { until } from "../support/until.ts";
import { fileDatabase, openDeliveries, workerEnv, workersKilledAfterAll } from "../support/worker.ts";
import { fakesForThisFile } from "../support/fakes.ts";

const PEOPLE = 40;
const { resend } = fakesForThisFile();
const startWorker = workersKilledAfterAll();

test(
  "kill -9 while an e-mail with an attachment is in flight, restart: each e-mail once, its bytes the file's",
  async () => {
    const { url, db } = await fileDatabase("pigeon-crash-attach-");
    const now = new Date();
    await updateSettings(
      db,
      { name: "Crash Studio", emailRatePerSecond: 1000, sendWindowStart: "00:00", sendWindowEnd: "24:00" },
      now,
    );
    await db.run(sql`insert into customers (first_name, email, consent_email, created_at, updated_at)
      select 'C' || value, 'c' || value || '@crash.test', 1, ${now.getTime()}, ${now.getTime()}
      from generate_series(1, ${PEOPLE})`);
    const people = (await db.select({ id: customers.id, email: customers.email }).from(customers)).map((c) => ({
      id: c.id,
      email: c.email!,
    }));
    const bytes = new Uint8Array([...PDF_HEAD, ...Array.from({ length: 20_000 }, (_, i) => (i * 7) % 256)]);
    const pdf = await storeFile(db, { bytes, originalName: "Order form.pdf", kind: "pdf", userId: null }, now);
    const start = async (name: string, withFile: boolean) => {
      const [m] = await db
        .insert(messages)
        .values({ name, channels: ["email"], subject: name, body: `${name} for you`, filters: {}, status: "sending" })
        .returning();
      if (withFile) await setContentFiles(db, { messageId: m!.id }, "attachment", [pdf.id]);
      await enqueueDeliveries(
        db,
        { sourceType: "message", messageId: m!.id },
        people.map((p) => ({
          key: deliveryKey({ kind: "message", messageId: m!.id }, { customerId: p.id }, "email"),
          decision: { customerId: p.id, channel: "email" as const, to: p.email, skip: null },
          dueAt: now,
        })),
        now,
      );
    };
    await start("Order form", true);
    await start("News", false);

    const env = workerEnv({
      url,
      resend,
      // A killed worker's leases lapse in 1.5 s, and an attempt is over after 2 s (its timeout).
      extra: { LEASE_MS: "1500", PROVIDER_TIMEOUT_MS: "2000" },
    });
    // Singles leave before the batch: somewhere among the first e-mails with the PDF, one is held.
    resend.gate.closeAfter(3 + Math.floor(Math.random() * 20));
    const first = startWorker(env);
    await until("an e-mail with the PDF held in flight", () => resend.gate.waiting > 0);
    expect(resend.requests.at(-1)!.path).toBe("/emails");
    first.kill("SIGKILL");
    await first.exited;
    resend.gate.open();
    await until("the held e-mail to be accepted", () => resend.gate.waiting === 0);

    const second = startWorker(env);
    await until("every delivery to be settled", async () => (await openDeliveries(db)) === 0);
    second.kill("SIGTERM");
    await second.exited;

    const withPdf = resend.sent.filter((e) => e.attachments?.length);
    const plain = resend.sent.filter((e) => !e.attachments?.length);
    expect(withPdf).toHaveLength(PEOPLE);
    expect(new Set(withPdf.map((e) => e.to[0])).size).toBe(PEOPLE);
    expect(withPdf.every((e) => !e.batch && e.attachments![0]!.content.equals(Buffer.from(bytes)))).toBe(true);
    expect(plain).toHaveLength(PEOPLE);
    expect(new Set(plain.map((e) => e.to[0])).size).toBe(PEOPLE);
    expect(plain.every((e) => e.batch)).toBe(true);
    const statuses = await db.select({ status: deliveries.status }).from(deliveries);
    expect(statuses.every((d) => d.status === "sent")).toBe(true);
  },
  { timeout: 300_000 },
);
