// "No" (or "C") answering a text that was not about an appointment — staff's question from the
// inbox — is a word for staff, not a keyword: it lands in the inbox and cancels nothing.
import { expect, test } from "bun:test";
import { runOneTimeMessages } from "../src/automation/one-time.ts";
import { appointments, devOutbox, inboundMessages } from "../src/db/schema.ts";
import { createDispatcher } from "../src/dispatch/dispatcher.ts";
import { makeTestApp, signedInOwner } from "./support/app.ts";
import { keptText, mayaWithSession } from "./support/replies.ts";

const NOW = new Date("2026-09-01T15:00:00Z");
const PHONE = "+12175550123";

test("“No” answering staff's question in the inbox goes to the inbox; it does not cancel her session", async () => {
  const t = await makeTestApp({ now: NOW });
  const b = await signedInOwner(t);
  const { maya, appt } = await mayaWithSession(t.db, PHONE, NOW);
  await keptText(t.db, {
    id: "dev_1",
    to: PHONE,
    from: "+12175550100",
    body: "Your session is tomorrow at 10.",
    at: NOW,
  });
  await b.get("/outbox/dev/dev_1");
  await b.post("/outbox/dev/dev_1/reply", { body: "Can I bring our dog?" });

  // Staff answer with a question of their own.
  const href = `/inbox/customer/${maya.id}`;
  const page = await b.get(href);
  const token = /name="answer_token" value="([^"]*)"/.exec(page.text)![1]!;
  const sent = await b.post(`${href}/reply`, {
    answer_token: token,
    channel: "sms",
    body: "Sure! Will you need a parking spot?",
  });
  expect(sent.status).toBe(303);
  await runOneTimeMessages(t.deps, NOW);
  await createDispatcher(t.deps, t.deps.providers, { owner: "w1", random: () => 0.5 }).tick();
  const ours = (await t.db.select().from(devOutbox)).find((e) => e.body.includes("parking spot"));
  expect(ours).toBeDefined();

  await b.get(`/outbox/dev/${ours!.id}`);
  await b.post(`/outbox/dev/${ours!.id}/reply`, { body: "No" });
  const [row] = await t.db.select().from(appointments);
  const last = (await t.db.select().from(inboundMessages)).at(-1)!;
  expect({ status: row!.status, handledAs: last.handledAs }).toEqual({ status: "scheduled", handledAs: "inbox" });
  expect(row!.id).toBe(appt.id);
});
